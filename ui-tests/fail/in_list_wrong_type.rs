use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn names(conn: &mut Connection) -> Result<Vec<String>, sqlwright::Error> {
    let names = users::table
        .filter(users::id.in_(["a", "b"]))
        .select(users::name)
        .load(conn)?;
    Ok(names)
}

fn main() {}
