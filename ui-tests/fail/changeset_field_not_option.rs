use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[derive(sqlwright::Changeset)]
#[sqlwright(table = users)]
struct Changes {
    name: String,
}

#[allow(dead_code)]
fn save(conn: &mut Connection, id: i32, changes: &Changes) -> Result<u64, sqlwright::Error> {
    let n = update(users::table)
        .filter(users::id.eq(id))
        .set(changes)
        .execute(conn)?;
    Ok(n)
}

fn main() {}
