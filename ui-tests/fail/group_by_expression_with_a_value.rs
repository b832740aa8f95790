use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// A GROUP BY expression holding a Rust value is sent as `$1`, the select list's as `$2`:
// PostgreSQL does not take them for the same expression, and neither does the compiler.
#[allow(dead_code)]
fn ages(conn: &mut Connection) -> Result<Vec<(i32, i64)>, sqlwright::Error> {
    let ages = posts::table
        .group_by(posts::user_id + 1)
        .select((posts::user_id + 1, count_star()))
        .load(conn)?;
    Ok(ages)
}

fn main() {}
