use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn claim(conn: &mut sqlwright::SqliteConnection) -> Result<Option<i32>, sqlwright::Error> {
    let id = posts::table
        .select(posts::id)
        .for_update()
        .skip_locked()
        .first(conn)?;
    Ok(id)
}

fn main() {}
