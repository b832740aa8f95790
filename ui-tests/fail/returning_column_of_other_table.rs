use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn delete_all(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = delete(users::table)
        .returning(posts::id)
        .get_results(conn)?;
    Ok(ids)
}

fn main() {}
