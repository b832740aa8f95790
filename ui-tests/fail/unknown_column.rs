use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn names(conn: &mut Connection) -> Result<Vec<String>, sqlwright::Error> {
    let names = users::table
        .select(users::nmae)
        .load(conn)?;
    Ok(names)
}

fn main() {}
