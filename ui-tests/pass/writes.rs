use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    // Only compiled: the statements type-check with these result types.
    let _ = statements;
}

fn statements(conn: &mut Connection) {
    let _: Result<u64, _> = insert_into(users::table)
        .values((users::name.to("Ann"), users::hair_color.to("red"), users::active.to(true)))
        .execute(&mut *conn);
    let _: Result<(i32, Option<String>), _> = insert_into(users::table)
        .values(vec![(users::name.to("a"), users::hair_color.to(None::<String>))])
        .on_conflict(users::id)
        .do_update(users::hair_color.to(excluded(users::hair_color)))
        .returning((users::id, users::hair_color))
        .get_result(&mut *conn);
    let _: Result<Vec<(i32, String, Option<String>, bool)>, _> = update(users::table)
        .filter(users::active)
        .set((users::id.to(users::id + 1), users::hair_color.to(users::name)))
        .returning(users::table)
        .get_results(&mut *conn);
    let _: Result<u64, _> = delete(users::table).filter(users::id.gt(3)).execute(&mut *conn);
}
