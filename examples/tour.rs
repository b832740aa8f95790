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
    // CREATE TABLE from the declarations, in foreign-key order
    const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(comments, posts, users);
    SCHEMA.create_all(&mut conn, /* if_not_exists */ true)?;
    conn.batch_execute(
        "INSERT INTO users (name, email, hair_color, age) VALUES
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

    // writes: assignments are checked against the column's type (Some/None for nullable ones)
    let id: i32 = insert_into(users::table)
        .values((users::name.to("Петя"), users::email.to("p@example.com")))
        .returning(users::id)
        .get_result(&mut conn)?;
    insert_into(users::table)
        .values((users::name.to("Ann"), users::email.to("p@example.com")))
        .on_conflict(users::email)
        .do_update(users::name.to(excluded(users::name)))
        .execute(&mut conn)?;
    update(users::table)
        .filter(users::id.eq(id))
        .set(users::age.to(users::age + 1))
        .execute(&mut conn)?;
    let row = users::table.get(id, &mut conn)?;
    let user: Option<User> = User::get(id, &mut conn)?;
    println!("{row:?} {}", user.map(|u| u.name).unwrap_or_default());
    delete(users::table)
        .filter(users::id.eq(id))
        .execute(&mut conn)?;

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

    // bulk loads with binary COPY, and COPY out into typed rows
    let people = [("Bulk 1", "b1@x"), ("Bulk 2", "b2@x")];
    let stored = copy_in(users::table)
        .on_progress(1_000, |n| println!("{n} rows copied"))
        .rows(
            people
                .iter()
                .map(|(name, email)| (users::name.to(*name), users::email.to(*email))),
            &mut conn,
        )?;
    let dump: Vec<(i32, String)> = users::table
        .select((users::id, users::name))
        .copy_out(&mut conn)?
        .collect::<Result<_, _>>()?;
    println!("copied {stored} rows; {} rows dumped", dump.len());

    // an existing database: reflection and queries by column name
    use sqlwright::dynamic::DynFilter;
    let catalog = sqlwright::reflect::reflect(&mut conn, &Default::default())?;
    let reflected = catalog.table("users")?;
    let rows = reflected
        .select()
        .columns(["name", "age"])
        .filter("name", "like", "Bulk%")
        .order_by_desc("name")
        .load(&mut conn)?;
    println!(
        "{:?}",
        rows.iter()
            .map(|r| r.get::<String>("name"))
            .collect::<Result<Vec<_>, _>>()?
    );
    Ok(())
}
