use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn names(conn: &mut Connection) -> Result<Vec<(i32, String)>, sqlwright::Error> {
    // the same rule when DISTINCT comes last: checked where it is added
    let names = posts::table
        .order_by((posts::user_id, posts::id))
        .select((posts::user_id, posts::title))
        .distinct()
        .load(conn)?;
    Ok(names)
}

fn main() {}
