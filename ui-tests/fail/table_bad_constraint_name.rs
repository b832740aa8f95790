use sqlwright::prelude::*;

sqlwright::table! {
    users (id) {
        id -> Int4,
        #[unique(name = users_email_key)]
        email -> Varchar(255),
    }
}

#[allow(dead_code)]
fn emails(conn: &mut Connection) -> Result<Vec<String>, sqlwright::Error> {
    let emails = users::table.select(users::email).load(conn)?;
    Ok(emails)
}

fn main() {}
