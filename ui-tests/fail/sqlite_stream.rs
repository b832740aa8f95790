use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn names(conn: &mut sqlwright::SqliteConnection) -> Result<Vec<String>, sqlwright::Error> {
    let mut names = Vec::new();
    for name in users::table.select(users::name).stream(conn)? {
        names.push(name?);
    }
    Ok(names)
}

fn main() {}
