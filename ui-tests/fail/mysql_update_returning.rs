use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn rename(conn: &mut sqlwright::MysqlConnection) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = update(users::table)
        .filter(users::name.eq("a"))
        .set(users::name.to("b"))
        .returning(users::id)
        .get_results(conn)?;
    Ok(ids)
}

fn main() {}
