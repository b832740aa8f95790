use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn names(conn: &mut Connection) -> Result<Vec<String>, sqlwright::Error> {
    // A window function is computed after WHERE: filtering on it is an error.
    let names = users::table
        .filter(row_number().over(window().order_by(users::id)).gt(1))
        .select(users::name)
        .load(conn)?;
    Ok(names)
}

fn main() {}
