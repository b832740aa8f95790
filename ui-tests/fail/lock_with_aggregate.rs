use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn post_count(conn: &mut Connection) -> Result<Option<i64>, sqlwright::Error> {
    // PostgreSQL: "FOR UPDATE is not allowed with aggregate functions"
    let n = posts::table
        .select(count_star())
        .for_update()
        .first(conn)?;
    Ok(n)
}

fn main() {}
