use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn labels(conn: &mut Connection) -> Result<Vec<String>, sqlwright::Error> {
    let labels = users::table
        .select(case_when(users::active, users::name).otherwise(users::id))
        .load(conn)?;
    Ok(labels)
}

fn main() {}
