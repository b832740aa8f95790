use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

sqlwright::table! {
    #[derived]
    counts {
        user_id -> Int4,
        posts -> Int8,
    }
}

#[allow(dead_code)]
fn post_counts(conn: &mut Connection) -> Result<Vec<(i32, i64)>, sqlwright::Error> {
    let per_user = posts::table.select((posts::user_id, posts::title));
    let rows = counts::table
        .from_subquery(per_user)
        .select((counts::user_id, counts::posts))
        .load(conn)?;
    Ok(rows)
}

fn main() {}
