use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn names(conn: &mut Connection) -> Result<Vec<String>, sqlwright::Error> {
    // PostgreSQL: "FOR UPDATE is not allowed with UNION/INTERSECT/EXCEPT"
    let names = users::table
        .select(users::name)
        .union(tags::table.select(tags::label).for_update())
        .load(conn)?;
    Ok(names)
}

fn main() {}
