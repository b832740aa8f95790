use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// (id, name) holds the key but is not one: the target must match a key exactly, as PostgreSQL infers it.
#[allow(dead_code)]
fn upsert(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = insert_into(users::table)
        .values((users::id.to(1), users::name.to("Ann")))
        .on_conflict((users::id, users::name))
        .do_update(users::name.to(excluded(users::name)))
        .returning(users::id)
        .get_results(conn)?;
    Ok(ids)
}

fn main() {}
