use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// Grouped by lower(name): the expression is grouped, the column it reads is not.
#[allow(dead_code)]
fn names(conn: &mut Connection) -> Result<Vec<(String, i64)>, sqlwright::Error> {
    let names = users::table
        .group_by(lower(users::name))
        .select((users::name, count_star()))
        .load(conn)?;
    Ok(names)
}

fn main() {}
