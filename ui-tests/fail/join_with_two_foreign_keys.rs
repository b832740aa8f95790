use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn articles_by_user(conn: &mut Connection) -> Result<Vec<(String, i32)>, sqlwright::Error> {
    // articles has two keys to users (author_id, editor_id): name the path instead
    let rows = users::table
        .inner_join(articles::table)
        .select((users::name, articles::id))
        .load(conn)?;
    Ok(rows)
}

fn main() {}
