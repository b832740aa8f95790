use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

sqlwright::table! {
    #[derived]
    counts {
        user_id -> Int4,
        posts -> Int8,
    }
}

fn main() {
    // A derived table names a query's rows: there is nothing to insert into.
    let _ = insert_into(counts::table).values((counts::user_id.to(1), counts::posts.to(2i64)));
}
