use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn counts(conn: &mut Connection) -> Result<Vec<i64>, sqlwright::Error> {
    let counts = users::table
        .select(count_star())
        .order_by(users::name)
        .load(conn)?;
    Ok(counts)
}

fn main() {}
