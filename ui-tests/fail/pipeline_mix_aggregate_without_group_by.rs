use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn counts(conn: &mut Connection) -> Result<(i64, Vec<(String, i64)>), sqlwright::Error> {
    let (n, counts) = sqlwright::query::Pipeline::new()
        .count(users::table)
        .load(users::table.select((users::name, count_star())))
        .run(conn)?;
    Ok((n, counts))
}

fn main() {}
