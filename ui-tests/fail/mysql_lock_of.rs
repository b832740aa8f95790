use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn claim_post(conn: &mut sqlwright::MysqlConnection) -> Result<Option<(i32, String)>, sqlwright::Error> {
    let post = posts::table
        .inner_join(users::table)
        .select((posts::id, users::name))
        .for_update()
        .of(posts::table)
        .skip_locked()
        .first(conn)?;
    Ok(post)
}

fn main() {}
