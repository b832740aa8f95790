use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// `name` is given two values: PostgreSQL refuses the INSERT ("column specified more than once").
#[allow(dead_code)]
fn add(conn: &mut Connection) -> Result<u64, sqlwright::Error> {
    let n = insert_into(users::table)
        .values((users::name.to("a"), users::active.to(true), users::name.to("b")))
        .execute(conn)?;
    Ok(n)
}

fn main() {}
