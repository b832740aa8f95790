use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// `users.name` has no unique constraint: PostgreSQL finds no arbiter index and refuses the INSERT.
#[allow(dead_code)]
fn upsert(conn: &mut Connection) -> Result<u64, sqlwright::Error> {
    let n = insert_into(users::table)
        .values((users::id.to(1), users::name.to("Ann")))
        .on_conflict(users::name)
        .do_nothing()
        .execute(conn)?;
    Ok(n)
}

fn main() {}
