use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn ranks(conn: &mut Connection) -> Result<Vec<i64>, sqlwright::Error> {
    let ranks = users::table
        .select(rank().over(window().order_by(row_number().over(window()))))
        .load(conn)?;
    Ok(ranks)
}

fn main() {}
