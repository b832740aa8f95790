use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn guard_user(conn: &mut sqlwright::MysqlConnection) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = users::table
        .select(users::id)
        .filter(users::active.eq(true))
        .for_key_share()
        .load(conn)?;
    Ok(ids)
}

fn main() {}
