use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn most(conn: &mut Connection) -> Result<Vec<Option<i64>>, sqlwright::Error> {
    let most = posts::table
        .select(max(count(posts::id)))
        .load(conn)?;
    Ok(most)
}

fn main() {}
