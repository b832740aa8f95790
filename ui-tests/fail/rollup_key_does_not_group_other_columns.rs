use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn totals(conn: &mut Connection) -> Result<Vec<(Option<i32>, Option<String>, i64)>, sqlwright::Error> {
    // GROUP BY users.id would allow users.name (the key decides it), but ROLLUP's grand-total
    // row groups nothing: PostgreSQL requires name in GROUP BY.
    let totals = users::table
        .group_by(rollup(users::id))
        .select((users::id, users::name, count_star()))
        .load(conn)?;
    Ok(totals)
}

fn main() {}
