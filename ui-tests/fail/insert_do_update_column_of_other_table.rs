use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// DO UPDATE assigns a column of another table.
#[allow(dead_code)]
fn upsert(conn: &mut Connection) -> Result<u64, sqlwright::Error> {
    let n = insert_into(users::table)
        .values((users::id.to(1), users::name.to("Ann")))
        .on_conflict(users::id)
        .do_update(posts::title.to(excluded(posts::title)))
        .execute(conn)?;
    Ok(n)
}

fn main() {}
