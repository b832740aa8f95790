//! sqlwright in five minutes: declare a table, create it, fill it, query it.
//!
//! Run with `cargo run --example quickstart`. It works in a throwaway database: on the
//! server in `DATABASE_URL` if that is set, otherwise on a temporary PostgreSQL cluster
//! started from the machine's own PostgreSQL installation.

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
    let db = sqlwright::testing::try_database()?;
    let mut conn = db.connect()?;
    println!("connected to {}", db.url());

    // Schema and data as plain SQL text for now; typed writes and create_all come next.
    conn.batch_execute(
        "CREATE TABLE users (
            id serial PRIMARY KEY,
            name text NOT NULL,
            email text NOT NULL UNIQUE,
            hair_color text,
            age int4
        );
        INSERT INTO users (name, email, hair_color, age) VALUES
            ('Alice', 'alice@example.com', 'red', 31),
            ('Anton', 'anton@example.com', NULL, 45),
            ('Петя', 'petya@example.com', 'black', 19),
            ('Bob', 'bob@example.com', NULL, NULL);",
    )?;

    // The row type, Vec<(String, Option<String>)>, is inferred from the select clause.
    let query = users::table
        .filter(users::name.like("A%") & users::age.gt(30))
        .select((users::name, users::hair_color))
        .order_by(users::name.desc());
    println!("\n{}", query.debug_sql());
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
