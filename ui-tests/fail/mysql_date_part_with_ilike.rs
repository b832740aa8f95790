use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// `extract(fields::Year, ..)` is available on MySQL; the same query's ILIKE is not, and
// the query is refused for it (the query's needs keep every feature it uses).
#[allow(dead_code)]
fn names(conn: &mut sqlwright::MysqlConnection) -> Result<Vec<String>, sqlwright::Error> {
    let names = users::table
        .filter(extract(fields::Year, current_date()).is_not_null())
        .filter(users::name.ilike("a%"))
        .select(users::name)
        .load(conn)?;
    Ok(names)
}

fn main() {}
