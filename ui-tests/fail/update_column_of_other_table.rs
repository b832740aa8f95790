use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// SET assigns a column of another table.
#[allow(dead_code)]
fn change(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = update(users::table)
        .set((users::name.to("a"), posts::title.to("b")))
        .returning(users::id)
        .get_results(conn)?;
    Ok(ids)
}

fn main() {}
