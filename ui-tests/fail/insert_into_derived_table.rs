use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

sqlwright::table! {
    #[derived]
    counts {
        user_id -> Int4,
        posts -> Int8,
    }
}

#[allow(dead_code)]
fn add(conn: &mut Connection) -> Result<u64, sqlwright::Error> {
    // A derived table names a query's rows: there is nothing to insert into.
    let n = insert_into(counts::table)
        .values((counts::user_id.to(1), counts::posts.to(2i64)))
        .execute(conn)?;
    Ok(n)
}

fn main() {}
