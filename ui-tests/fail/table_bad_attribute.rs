sqlwright::table! {
    users (id) {
        #[primary] id -> Int4,
    }
}

fn main() {}
