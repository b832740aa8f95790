//! The blog schema the guide's examples use, and fresh databases holding it.

use sqlwright::Error;
use sqlwright::backend::Backend;
use sqlwright::prelude::*;
use sqlwright::testing::{SqliteDatabase, TestDatabase};

sqlwright::table! {
    /// People who write posts.
    users (id) {
        #[serial] id -> Int4,
        name -> Text,
        #[unique] email -> Text,
        hair_color -> Nullable<Text>,
        age -> Nullable<Int4>,
    }
    /// Posts: each has an author and maybe an editor, both users.
    posts (id) {
        #[serial] id -> Int4,
        #[references(users::id)] author_id -> Int4,
        #[references(users::id)] editor_id -> Nullable<Int4>,
        title -> Text,
        likes -> Int4,
    }
    /// Comments on posts.
    comments (id) {
        #[serial] id -> Int4,
        #[references(posts::id, on_delete = cascade)] post_id -> Int4,
        body -> Text,
    }
}

/// The three tables, for `create_all`/`drop_all` (parents first).
pub const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(users, posts, comments);

/// Creates the tables and adds the sample rows: users Alice (id 1, 31, red hair), Anton
/// (2, 67) and Bob (3, 17); posts "Types" (10 likes), "Joins" (3) and "Groups" (4) by Alice
/// and "Rust" (1) by Anton; two comments on "Types" and one on "Rust".
pub fn fill<B: Backend>(conn: &mut Connection<B>) -> Result<(), Error> {
    SCHEMA.create_all(conn, false)?;
    conn.transaction(|tx| {
        insert_into(users::table)
            .values(vec![
                (
                    users::name.to("Alice"),
                    users::email.to("alice@example.com"),
                    users::hair_color.to(Some("red")),
                    users::age.to(Some(31)),
                ),
                (
                    users::name.to("Anton"),
                    users::email.to("anton@example.com"),
                    users::hair_color.to(None),
                    users::age.to(Some(67)),
                ),
                (
                    users::name.to("Bob"),
                    users::email.to("bob@example.com"),
                    users::hair_color.to(None),
                    users::age.to(Some(17)),
                ),
            ])
            .execute(&mut *tx)?;
        insert_into(posts::table)
            .values(vec![
                (
                    posts::author_id.to(1),
                    posts::editor_id.to(Some(2)),
                    posts::title.to("Types"),
                    posts::likes.to(10),
                ),
                (
                    posts::author_id.to(1),
                    posts::editor_id.to(None),
                    posts::title.to("Joins"),
                    posts::likes.to(3),
                ),
                (
                    posts::author_id.to(1),
                    posts::editor_id.to(Some(3)),
                    posts::title.to("Groups"),
                    posts::likes.to(4),
                ),
                (
                    posts::author_id.to(2),
                    posts::editor_id.to(Some(1)),
                    posts::title.to("Rust"),
                    posts::likes.to(1),
                ),
            ])
            .execute(&mut *tx)?;
        insert_into(comments::table)
            .values(vec![
                (comments::post_id.to(1), comments::body.to("nice")),
                (comments::post_id.to(1), comments::body.to("more")),
                (comments::post_id.to(4), comments::body.to("ok")),
            ])
            .execute(&mut *tx)?;
        Ok(())
    })
}

/// A fresh SQLite file (deleted when the value is dropped) with the blog's tables and rows.
pub fn sqlite() -> Result<SqliteDatabase, Box<dyn std::error::Error>> {
    let db = sqlwright::testing::try_sqlite_database()?;
    fill(&mut db.connect()?)?;
    Ok(db)
}

/// A fresh PostgreSQL database (from `sqlwright::testing`, dropped when the value is
/// dropped) with the blog's tables and rows.
pub fn postgres() -> Result<TestDatabase, Box<dyn std::error::Error>> {
    let db = sqlwright::testing::try_database()?;
    fill(&mut db.connect()?)?;
    Ok(db)
}

/// A fresh MariaDB database (from `sqlwright::testing`'s throwaway server, dropped when the
/// value is dropped) with the blog's tables and rows.
pub fn mariadb() -> Result<sqlwright::testing::MariadbDatabase, Box<dyn std::error::Error>> {
    let db = sqlwright::testing::try_mariadb_database()?;
    fill(&mut db.connect()?)?;
    Ok(db)
}
