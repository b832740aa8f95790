use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// The same rule in ON CONFLICT DO UPDATE SET.
#[allow(dead_code)]
fn upsert(conn: &mut Connection) -> Result<u64, sqlwright::Error> {
    let n = insert_into(users::table)
        .values((users::id.to(1), users::name.to("Ann")))
        .on_conflict(users::id)
        .do_update((users::name.to(excluded(users::name)), users::name.to("b")))
        .execute(conn)?;
    Ok(n)
}

fn main() {}
