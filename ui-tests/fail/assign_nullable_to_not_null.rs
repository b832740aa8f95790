use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn rename(conn: &mut Connection) -> Result<u64, sqlwright::Error> {
    let n = update(users::table)
        .set(users::name.to(users::hair_color))
        .execute(conn)?;
    Ok(n)
}

fn main() {}
