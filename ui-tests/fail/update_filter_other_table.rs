use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn rename(conn: &mut Connection) -> Result<u64, sqlwright::Error> {
    let n = update(users::table)
        .filter(posts::id.eq(1))
        .set(users::name.to("x"))
        .execute(conn)?;
    Ok(n)
}

fn main() {}
