use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// `extract(fields::Year, ..)` runs on MySQL; `date_trunc` has no exact MySQL form.
#[allow(dead_code)]
fn months(conn: &mut sqlwright::MysqlConnection) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = users::table
        .filter(date_trunc(Field::Month, cast::<Timestamp, _>(current_date())).is_not_null())
        .select(users::id)
        .load(conn)?;
    Ok(ids)
}

fn main() {}
