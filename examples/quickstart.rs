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

    // CREATE TABLE from the declaration, then typed INSERTs.
    const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(users);
    println!("\n{}", SCHEMA.create_sql(false));
    SCHEMA.create_all(&mut conn, false)?;
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
    let inserted = insert_into(users::table).values(rows).execute(&mut conn)?;
    println!("inserted {inserted} users");

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

    let renamed: String = update(users::table)
        .filter(users::email.eq("bob@example.com"))
        .set(users::name.to("Robert"))
        .returning(users::name)
        .get_result(&mut conn)?;
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
