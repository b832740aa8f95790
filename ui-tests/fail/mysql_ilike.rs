use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn names(conn: &mut sqlwright::MysqlConnection) -> Result<Vec<String>, sqlwright::Error> {
    let names = users::table
        .filter(users::name.ilike("a%"))
        .select(users::name)
        .load(conn)?;
    Ok(names)
}

fn main() {}
