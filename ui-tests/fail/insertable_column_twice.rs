use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// Two fields write `name`: the derive reports it, and nothing else is reported.
#[derive(sqlwright::Insertable)]
#[sqlwright(table = users)]
struct NewUser {
    name: String,
    #[sqlwright(column = name)]
    nick: String,
}

#[allow(dead_code)]
fn add(conn: &mut Connection, user: &NewUser) -> Result<u64, sqlwright::Error> {
    let n = insert_into(users::table).values(user).execute(conn)?;
    Ok(n)
}

fn main() {}
