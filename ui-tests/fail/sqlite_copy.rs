use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn bulk(conn: &mut sqlwright::SqliteConnection) -> Result<u64, sqlwright::Error> {
    let rows = vec![(users::id.to(1), users::name.to("a"), users::active.to(true))];
    let n = copy_in(users::table).rows(rows, conn)?;
    Ok(n)
}

fn main() {}
