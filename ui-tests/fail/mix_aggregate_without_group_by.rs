use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn counts(conn: &mut Connection) -> Result<Vec<(String, i64)>, sqlwright::Error> {
    let counts = users::table
        .select((users::name, count_star()))
        .load(conn)?;
    Ok(counts)
}

fn main() {}
