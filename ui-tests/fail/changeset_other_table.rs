use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// A changeset of `posts` given to an UPDATE of `users`.
#[derive(sqlwright::Changeset)]
#[sqlwright(table = posts)]
struct Changes {
    title: Option<String>,
}

#[allow(dead_code)]
fn change(conn: &mut Connection, changes: &Changes) -> Result<u64, sqlwright::Error> {
    let n = update(users::table).set(changes).execute(conn)?;
    Ok(n)
}

fn main() {}
