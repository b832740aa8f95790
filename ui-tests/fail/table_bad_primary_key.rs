sqlwright::table! {
    users (user_id) {
        id -> Int4,
    }
}

fn main() {}
