use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[derive(sqlwright::Insertable)]
#[sqlwright(table = users)]
struct NewUser {
    name: String,
    nickname: String,
}

#[allow(dead_code)]
fn add(conn: &mut Connection) -> Result<u64, sqlwright::Error> {
    let row = NewUser { name: "Ann".to_string(), nickname: "an".to_string() };
    let n = insert_into(users::table).values(&row).execute(conn)?;
    Ok(n)
}

fn main() {}
