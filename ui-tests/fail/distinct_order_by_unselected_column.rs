use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn names(conn: &mut Connection) -> Result<Vec<String>, sqlwright::Error> {
    // PostgreSQL: "for SELECT DISTINCT, ORDER BY expressions must appear in select list"
    let names = users::table
        .select(users::name)
        .distinct()
        .order_by(users::id)
        .load(conn)?;
    Ok(names)
}

fn main() {}
