use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn ids(conn: &mut sqlwright::SqliteConnection) -> Result<Vec<u32>, sqlwright::Error> {
    let ids = posts::table
        .select(cast::<UInt4, _>(posts::user_id))
        .load(conn)?;
    Ok(ids)
}

fn main() {}
