//! What MySQL runs of the writes: INSERT and DELETE .. RETURNING (MariaDB 10.5+), upserts
//! that update, with or without RETURNING, and DO NOTHING without it.
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn writes(conn: &mut sqlwright::MysqlConnection) -> Result<(), sqlwright::Error> {
    let _id: i32 = insert_into(tags::table)
        .values((tags::id.to(1), tags::label.to("a")))
        .returning(tags::id)
        .get_result(conn)?;
    let _labels: Vec<String> = delete(tags::table)
        .filter(tags::id.eq(1))
        .returning(tags::label)
        .get_results(conn)?;
    let _rows: Vec<(i32, String)> = insert_into(tags::table)
        .values((tags::id.to(1), tags::label.to("a")))
        .on_conflict(tags::id)
        .do_update(tags::label.to(excluded(tags::label)))
        .returning((tags::id, tags::label))
        .get_results(conn)?;
    let _n: u64 = insert_into(tags::table)
        .values((tags::id.to(1), tags::label.to("a")))
        .on_conflict(tags::id)
        .do_nothing()
        .execute(conn)?;
    let _n: u64 = update(tags::table)
        .set(tags::label.to("b"))
        .execute(conn)?;
    let _pairs: Vec<(String, Option<String>)> = users::table
        .left_join(posts::table)
        .select((users::name, posts::title))
        .load(conn)?;
    Ok(())
}

fn main() {}
