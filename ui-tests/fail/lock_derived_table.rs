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
fn busiest(conn: &mut Connection) -> Result<Vec<(String, i64)>, sqlwright::Error> {
    // PostgreSQL locks the rows of a derived table's query, and refuses one that groups:
    // "FOR UPDATE is not allowed with GROUP BY clause". Name the stored tables instead.
    let per_user = posts::table
        .group_by(posts::user_id)
        .select((posts::user_id, count_star()));
    let rows = counts::table
        .from_subquery(per_user)
        .inner_join_on(users::table, users::id.eq(counts::user_id))
        .select((users::name, counts::posts))
        .for_update()
        .load(conn)?;
    Ok(rows)
}

fn main() {}
