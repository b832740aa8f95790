use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// `concat` takes two arguments; more are nested: `concat(a, concat(b, c))`.
#[allow(dead_code)]
fn labels(conn: &mut Connection) -> Result<Vec<String>, sqlwright::Error> {
    let labels = users::table
        .select(concat(users::name, " ", users::id))
        .load(conn)?;
    Ok(labels)
}

fn main() {}
