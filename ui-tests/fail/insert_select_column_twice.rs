use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// The same rule in the column list of INSERT ... SELECT.
#[allow(dead_code)]
fn copy(conn: &mut Connection) -> Result<u64, sqlwright::Error> {
    let n = insert_into(posts::table)
        .from_select((posts::title, posts::title), users::table.select((users::name, users::name)))
        .execute(conn)?;
    Ok(n)
}

fn main() {}
