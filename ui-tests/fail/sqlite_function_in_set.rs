use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn renumber(conn: &mut sqlwright::SqliteConnection) -> Result<u64, sqlwright::Error> {
    let n = update(posts::table)
        .set(posts::id.to(greatest(posts::id, posts::user_id)))
        .execute(conn)?;
    Ok(n)
}

fn main() {}
