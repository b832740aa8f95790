use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// Two fields write `name`: the derive reports it, and nothing else is reported.
#[derive(sqlwright::Changeset)]
#[sqlwright(table = users)]
struct Changes {
    name: Option<String>,
    #[sqlwright(column = name)]
    nick: Option<String>,
}

#[allow(dead_code)]
fn save(conn: &mut Connection, changes: &Changes) -> Result<u64, sqlwright::Error> {
    let n = update(users::table).filter(users::id.eq(1)).set(changes).execute(conn)?;
    Ok(n)
}

fn main() {}
