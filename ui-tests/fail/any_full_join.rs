use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn pairs(
    conn: &mut sqlwright::AnyConnection,
) -> Result<Vec<(Option<String>, Option<String>)>, sqlwright::Error> {
    let pairs = users::table
        .full_join(posts::table)
        .select((users::name, posts::title))
        .load(conn)?;
    Ok(pairs)
}

fn main() {}
