use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// A boxed query checks each piece where it is added, as an unboxed one does.
#[allow(dead_code)]
fn names(conn: &mut Connection) -> Result<Vec<String>, sqlwright::Error> {
    let mut q = users::table.select(users::name).into_boxed();
    q = q.filter(posts::title.eq("Hello"));
    q.load(conn)
}

fn main() {}
