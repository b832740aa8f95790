use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// One wrong value is one error, though RETURNING and get_result follow.
#[allow(dead_code)]
fn add(conn: &mut Connection) -> Result<i32, sqlwright::Error> {
    let id = insert_into(users::table)
        .values((users::id.to("one"), users::name.to("Ann")))
        .returning(users::id)
        .get_result(conn)?;
    Ok(id)
}

fn main() {}
