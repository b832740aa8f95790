use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// The day of the week is a field of a date, not a unit `date_trunc` truncates to.
#[allow(dead_code)]
fn weekdays(conn: &mut sqlwright::Connection) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = users::table
        .filter(date_trunc(fields::Dow, current_date()).is_not_null())
        .select(users::id)
        .load(conn)?;
    Ok(ids)
}

fn main() {}
