//! The README's API tour, as a program that runs: `cargo run --example tour`.

use sqlwright::prelude::*;

sqlwright::table! {
    users (id) {
        #[serial] id -> Int4,
        name -> Text,
        #[unique] email -> Text,
        hair_color -> Nullable<Text>,
        age -> Nullable<Int4>,
    }
    posts (id) {
        #[serial] id -> Int4,
        #[references(users::id)] author_id -> Int4,
        #[references(users::id)] editor_id -> Nullable<Int4>,
        title -> Text,
        likes -> Int4,
    }
    comments (id) {
        #[serial] id -> Int4,
        #[references(posts::id)] post_id -> Int4,
        body -> Text,
    }
}

sqlwright::alias!(editor = users);

#[derive(sqlwright::Row)]
#[sqlwright(table = users)]
struct User {
    id: i32,
    name: String,
    email: String,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("tour failed: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let db = sqlwright::testing::try_database()?;
    let mut conn = db.connect()?;
    conn.batch_execute(
        "CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL UNIQUE,
             hair_color text, age int4);
         CREATE TABLE posts (id serial PRIMARY KEY, author_id int4 NOT NULL REFERENCES users,
             editor_id int4 REFERENCES users, title text NOT NULL, likes int4 NOT NULL);
         CREATE TABLE comments (id serial PRIMARY KEY, post_id int4 NOT NULL REFERENCES posts,
             body text NOT NULL);
         INSERT INTO users (name, email, hair_color, age) VALUES
             ('Alice', 'a@x', 'red', 31), ('Anton', 'an@x', NULL, 67), ('Bob', 'b@x', NULL, 17);
         INSERT INTO posts (author_id, editor_id, title, likes) VALUES
             (1, 2, 'Types', 10), (1, NULL, 'Joins', 3), (1, 3, 'Groups', 4), (2, 1, 'Rust', 1);
         INSERT INTO comments (post_id, body) VALUES (1, 'nice'), (1, 'more'), (4, 'ok');",
    )?;

    // Vec<(String, Option<String>)>, inferred from the select clause
    let rows = users::table
        .filter(users::name.like("A%") & !users::hair_color.is_null() | users::age.gt(60))
        .select((users::name, users::hair_color))
        .order_by(users::name.desc().nulls_last())
        .limit(10)
        .load(&mut conn)?;
    println!("{rows:?}");

    let adults: Vec<User> = users::table
        .filter(users::age.between(18, 65) & users::id.in_([1, 2, 3]))
        .select(User::as_select())
        .load(&mut conn)?;
    for u in &adults {
        println!("#{} {} <{}>", u.id, u.name, u.email);
    }

    // ON from the one declared foreign key; the optional side comes back as Option
    let rows: Vec<(String, Option<String>)> = posts::table
        .left_join(comments::table)
        .select((posts::title, comments::body))
        .order_by((posts::id, comments::id))
        .load(&mut conn)?;
    println!("{rows:?}");

    // GROUP BY / HAVING with PostgreSQL's aggregate types
    let per_author: Vec<(String, i64, Option<i64>)> = posts::table
        .inner_join(posts::author) // the users row of posts.author_id
        .group_by(users::id) // grouping by the key allows users::name
        .having(count_star().gt(2))
        .select((users::name, count_star(), sum(posts::likes)))
        .order_by(count_star().desc())
        .load(&mut conn)?;
    println!("{per_author:?}");

    // the same table twice: a named foreign-key path, and an alias with an explicit ON
    let credits: Vec<(String, String, Option<String>)> = posts::table
        .inner_join(posts::author)
        .left_join_on(editor, posts::editor_id.eq(editor.col(users::id)))
        .select((posts::title, users::name, editor.col(users::name)))
        .order_by(posts::id)
        .load(&mut conn)?;
    println!("{credits:?}");

    let n: i64 = users::table
        .filter(users::hair_color.is_null())
        .count(&mut conn)?;
    let one: i32 = users::table
        .filter(users::email.eq("a@x"))
        .select(users::id)
        .one(&mut conn)?;
    let first: Option<String> = users::table
        .select(users::name)
        .order_by(users::id)
        .first(&mut conn)?;
    println!("{n} {one} {first:?}");
    println!("{}", users::table.filter(users::id.eq(5)).debug_sql());
    Ok(())
}
