use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn counts(conn: &mut Connection) -> Result<Vec<Vec<(String, i64)>>, sqlwright::Error> {
    let counts = sqlwright::query::reads([1, 2].map(|id| {
        users::table
            .select((users::name, count_star()))
            .filter(users::id.eq(id))
    }))
    .load(conn)?;
    Ok(counts)
}

fn main() {}
