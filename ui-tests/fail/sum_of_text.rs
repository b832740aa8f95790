use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn total(conn: &mut Connection) -> Result<Vec<Option<i64>>, sqlwright::Error> {
    let total = posts::table
        .select(sum(posts::title))
        .load(conn)?;
    Ok(total)
}

fn main() {}
