use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// The conflict target names a column of another table.
#[allow(dead_code)]
fn upsert(conn: &mut Connection) -> Result<u64, sqlwright::Error> {
    let n = insert_into(users::table)
        .values((users::id.to(1), users::name.to("Ann")))
        .on_conflict(posts::title)
        .do_update(users::name.to(excluded(users::name)))
        .execute(conn)?;
    Ok(n)
}

fn main() {}
