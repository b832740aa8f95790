//! sqlwright in five minutes: declare a table, create it, fill it, query it.
//!
//! Run with `cargo run --example quickstart`. Which database it uses:
//!
//! - `DATABASE_URL` set (`postgres://...` or `sqlite:///path.db`): that database, as
//!   SQLAlchemy's `create_engine(url)` would. It creates the `users` table if it is missing
//!   and leaves the table and its rows there afterwards, for `psql`, `sqlite3` or your own
//!   code to read; run twice, it finds the rows already there.
//! - Otherwise a SQLite file in a new temporary directory, deleted at the end: nothing to
//!   install.
//!
//! The same queries run on either backend: `run` is generic over it.
use sqlwright::backend::Backend;
use sqlwright::prelude::*;

sqlwright::table! {
    /// People who buy things.
    users (id) {
        #[serial] id -> Int4,
        name -> Text,
        #[unique] email -> Text,
        hair_color -> Nullable<Text>,
        age -> Nullable<Int4>,
    }
}

/// A struct loaded by column name: the order of fields does not matter.
#[derive(sqlwright::Row)]
#[sqlwright(table = users)]
struct User {
    id: i32,
    name: String,
    email: String,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("quickstart failed: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let db = sqlwright_examples::portable()?;
    println!("{}", db.describe());
    if db.is_sqlite() {
        queries(&mut sqlwright::SqliteConnection::open_url(db.url())?)
    } else {
        queries(&mut Connection::connect_url(db.url())?)
    }
}

/// Everything the quickstart does, on a connection of either backend.
fn queries<B: Backend>(conn: &mut Connection<B>) -> Result<(), Box<dyn std::error::Error>> {
    let mut conn = conn;
    // CREATE TABLE from the declaration (if it is not there yet), then typed INSERTs.
    const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(users);
    println!("\n{}", SCHEMA.create_sql_for(B::DIALECT, true));
    SCHEMA.create_all(conn, true)?;
    let rows = vec![
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
            users::age.to(Some(45)),
        ),
        (
            users::name.to("Петя"),
            users::email.to("petya@example.com"),
            users::hair_color.to(Some("black")),
            users::age.to(Some(19)),
        ),
        (
            users::name.to("Bob"),
            users::email.to("bob@example.com"),
            users::hair_color.to(None),
            users::age.to(None),
        ),
    ];
    // A second run finds the users there: their unique emails skip them.
    let inserted = insert_into(users::table)
        .values(rows)
        .on_conflict(users::email)
        .do_nothing()
        .execute(&mut conn)?;
    println!("inserted {inserted} users");

    // The row type, Vec<(String, Option<String>)>, is inferred from the select clause.
    let query = users::table
        .filter(users::name.like("A%") & users::age.gt(30))
        .select((users::name, users::hair_color))
        .order_by(users::name.desc());
    println!("\n{}", query.debug_sql_for(B::DIALECT));
    for (name, hair) in query.load(&mut conn)? {
        println!(
            "  {name:<6} hair: {}",
            hair.as_deref().unwrap_or("(unknown)")
        );
    }

    let adults = users::table
        .filter(users::age.ge(18))
        .select(User::as_select())
        .order_by(users::id)
        .load(&mut conn)?;
    println!("\nadults as structs:");
    for user in &adults {
        println!("  #{} {} <{}>", user.id, user.name, user.email);
    }

    let unknown_hair = users::table
        .filter(users::hair_color.is_null())
        .count(&mut conn)?;
    println!("\nusers with unknown hair colour: {unknown_hair}");

    let petya = users::table
        .filter(users::email.eq("petya@example.com"))
        .select((users::id, users::name))
        .one(&mut conn)?;
    println!("exactly one: {petya:?}");

    let oldest = users::table
        .filter(users::age.is_not_null())
        .select(users::name)
        .order_by(users::age.desc())
        .first(&mut conn)?;
    println!("oldest: {}", oldest.unwrap_or_default());

    // (UPDATE .. RETURNING would save the second statement on PostgreSQL and SQLite, but
    // MySQL has none: this function runs on every backend.)
    update(users::table)
        .filter(users::email.eq("bob@example.com"))
        .set(users::name.to("Robert"))
        .execute(&mut conn)?;
    let renamed: String = users::table
        .filter(users::email.eq("bob@example.com"))
        .select(users::name)
        .one(&mut conn)?;
    println!("renamed Bob to {renamed}");

    match users::table
        .filter(users::name.eq("Nobody"))
        .select(users::id)
        .one(&mut conn)
    {
        Err(sqlwright::Error::NotFound) => println!("no user called Nobody, as expected"),
        other => println!("unexpected: {other:?}"),
    }
    Ok(())
}
