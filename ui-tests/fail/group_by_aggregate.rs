use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn counts(conn: &mut Connection) -> Result<Vec<i64>, sqlwright::Error> {
    let counts = users::table
        .group_by(count_star())
        .select(count_star())
        .load(conn)?;
    Ok(counts)
}

fn main() {}
