use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn add(conn: &mut sqlwright::MysqlConnection) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = insert_into(tags::table)
        .values((tags::id.to(1), tags::label.to("a")))
        .on_conflict(tags::id)
        .do_nothing()
        .returning(tags::id)
        .get_results(conn)?;
    Ok(ids)
}

fn main() {}
