use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn add(conn: &mut Connection) -> Result<u64, sqlwright::Error> {
    let n = insert_into(users::table)
        .values((users::id.to("one"), users::name.to("Ann")))
        .execute(conn)?;
    Ok(n)
}

fn main() {}
