use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn bump(conn: &mut sqlwright::SqliteConnection) -> Result<u64, sqlwright::Error> {
    let n = update(posts::table)
        .filter(greatest(posts::id, posts::user_id).gt(3))
        .set(posts::title.to("x"))
        .execute(conn)?;
    Ok(n)
}

fn main() {}
