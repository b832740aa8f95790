use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// `name` is assigned twice: PostgreSQL refuses the UPDATE ("multiple assignments to same column").
#[allow(dead_code)]
fn change(conn: &mut Connection) -> Result<u64, sqlwright::Error> {
    let n = update(users::table)
        .filter(users::id.eq(1))
        .set((users::name.to("a"), users::name.to("b")))
        .execute(conn)?;
    Ok(n)
}

fn main() {}
