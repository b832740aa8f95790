use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn authors(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    // PostgreSQL: "FOR UPDATE is not allowed with DISTINCT clause"
    let ids = posts::table
        .select(posts::user_id)
        .distinct()
        .for_update()
        .load(conn)?;
    Ok(ids)
}

fn main() {}
