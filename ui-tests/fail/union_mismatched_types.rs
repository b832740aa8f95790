use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn names_and_ids(conn: &mut Connection) -> Result<Vec<(i32, String)>, sqlwright::Error> {
    let names = users::table.select((users::id, users::name));
    let ids = posts::table.select((posts::id, posts::user_id));
    let rows = names.union(ids).load(conn)?;
    Ok(rows)
}

fn main() {}
