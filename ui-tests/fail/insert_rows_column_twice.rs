use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// The same rule in a Vec of rows.
#[allow(dead_code)]
fn add(conn: &mut Connection) -> Result<u64, sqlwright::Error> {
    let n = insert_into(users::table)
        .values(vec![(users::name.to("a"), users::name.to("b"))])
        .execute(conn)?;
    Ok(n)
}

fn main() {}
