use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn add(conn: &mut Connection) -> Result<u64, sqlwright::Error> {
    let n = insert_into(users::table)
        .values((users::name.to("Ann"), posts::title.to("Hi")))
        .execute(conn)?;
    Ok(n)
}

fn main() {}
