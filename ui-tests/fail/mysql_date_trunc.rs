use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// `date_trunc` of a timestamp or a date runs on MySQL; of an interval it does not: MySQL
// has no interval values.
#[allow(dead_code)]
fn hours(conn: &mut sqlwright::MysqlConnection) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = users::table
        .filter(date_trunc(Field::Hour, days(1)).is_not_null())
        .select(users::id)
        .load(conn)?;
    Ok(ids)
}

fn main() {}
