use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn user_tags(conn: &mut Connection) -> Result<Vec<(String, String)>, sqlwright::Error> {
    let rows = users::table
        .inner_join(tags::table)
        .select((users::name, tags::label))
        .load(conn)?;
    Ok(rows)
}

fn main() {}
