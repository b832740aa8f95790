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
    let per_user = posts::table.select((posts::user_id, posts::title));
    let _ = counts::table.from_subquery(per_user);
}
