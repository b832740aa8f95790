use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn copy_users(conn: &mut Connection) -> Result<u64, sqlwright::Error> {
    // posts.title (Text) cannot take users.id (Int4)
    let n = insert_into(posts::table)
        .from_select(
            (posts::user_id, posts::title),
            users::table.select((users::id, users::id)),
        )
        .execute(conn)?;
    Ok(n)
}

fn main() {}
