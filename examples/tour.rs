//! The API tour as one program that runs: `cargo run --example tour`. The guide's "Reading
//! data" chapter (docs/guide/src/reading.md) explains the same queries, block by block.
//!
//! The portable part (everything both backends have: filters, joins, GROUP BY, writes,
//! upserts, functions, CASE, windows, subqueries, CTEs, set operations, boxed queries) is one
//! function generic over the backend, `portable<B: Backend>`; the PostgreSQL-only part (COPY
//! in and out, dates and intervals, ROLLUP and `percentile_cont`, LATERAL joins, the functions
//! `left` and `every`, dynamic queries on a reflected table) is `postgres_only`, which would
//! not compile on a SQLite connection.
//!
//! Which database it uses, and what it leaves behind:
//!
//! - `DATABASE_URL` set: that database, as `create_engine(url)` would. The tables `users`,
//!   `posts` and `comments` are created if missing, and they and their rows stay there (the
//!   tour's sample users and posts are added only where missing, so it runs again and again).
//!   A `postgres://` URL runs both parts there; a `sqlite:///path.db` URL runs the portable
//!   part and says the PostgreSQL-only part was skipped.
//! - Otherwise the portable part runs twice, on a throwaway SQLite file and on a throwaway
//!   PostgreSQL database (`sqlwright::testing`: a temporary local cluster), then the
//!   PostgreSQL-only part on the latter; both are deleted at the end. Without PostgreSQL
//!   installed, it says so and runs the SQLite part alone.

use sqlwright::backend::Backend;
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

sqlwright::table! {
    /// Likes per author: a derived table (or CTE), declared like a table without a key.
    #[derived]
    totals {
        author_id -> Int4,
        likes -> Nullable<Int8>,
    }
    /// A recursive CTE: 1, 2, 3.
    #[derived]
    counter {
        n -> Int4,
    }
    /// A user's best posts: a LATERAL subquery's rows.
    #[derived]
    best {
        title -> Text,
        likes -> Int4,
    }
}

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
    use sqlwright_examples as examples;
    if examples::database_url().is_some() {
        let db = examples::portable()?;
        println!("{}", db.describe());
        if db.is_sqlite() {
            println!("\n== the portable part, on SQLite ==");
            portable(&mut sqlwright::SqliteConnection::open_url(db.url())?)?;
            println!(
                "\n== the PostgreSQL-only part: skipped, DATABASE_URL names a SQLite database =="
            );
        } else {
            let mut conn = Connection::connect_url(db.url())?;
            println!("\n== the portable part, on PostgreSQL ==");
            portable(&mut conn)?;
            postgres_only(&mut conn)?;
        }
        return Ok(());
    }
    let lite = examples::throwaway_sqlite()?;
    println!("\n== the portable part, on SQLite ==\n{}", lite.describe());
    portable(&mut sqlwright::SqliteConnection::open_url(lite.url())?)?;
    match examples::throwaway_postgres() {
        Ok(pg) => {
            println!(
                "\n== the portable part, on PostgreSQL ==\n{}",
                pg.describe()
            );
            let mut conn = Connection::connect_url(pg.url())?;
            portable(&mut conn)?;
            postgres_only(&mut conn)?;
        }
        Err(e) => println!(
            "\n== PostgreSQL is not available, so the PostgreSQL run and the PostgreSQL-only \
             part are skipped ==\n{e}"
        ),
    }
    Ok(())
}

/// The tour's sample rows, added where they are missing: users by their unique e-mail,
/// posts and comments only into an empty `posts` table.
fn sample_rows<B: Backend>(conn: &mut Connection<B>) -> Result<(), sqlwright::Error> {
    conn.transaction(|tx| {
        insert_into(users::table)
            .values(vec![
                (
                    users::name.to("Alice"),
                    users::email.to("a@x"),
                    users::hair_color.to(Some("red")),
                    users::age.to(Some(31)),
                ),
                (
                    users::name.to("Anton"),
                    users::email.to("an@x"),
                    users::hair_color.to(None),
                    users::age.to(Some(67)),
                ),
                (
                    users::name.to("Bob"),
                    users::email.to("b@x"),
                    users::hair_color.to(None),
                    users::age.to(Some(17)),
                ),
            ])
            .on_conflict(users::email)
            .do_nothing()
            .execute(&mut *tx)?;
        if posts::table.count(&mut *tx)? > 0 {
            return Ok(());
        }
        let mut user = |email: &str| {
            users::table
                .filter(users::email.eq(email))
                .select(users::id)
                .one(&mut *tx)
        };
        let (alice, anton, bob) = (user("a@x")?, user("an@x")?, user("b@x")?);
        let mut post = |author: i32, edited_by: Option<i32>, title: &str, likes: i32| {
            insert_into(posts::table)
                .values((
                    posts::author_id.to(author),
                    posts::editor_id.to(edited_by),
                    posts::title.to(title),
                    posts::likes.to(likes),
                ))
                .returning(posts::id)
                .get_result(&mut *tx)
        };
        let types: i32 = post(alice, Some(anton), "Types", 10)?;
        post(alice, None, "Joins", 3)?;
        post(alice, Some(bob), "Groups", 4)?;
        let rust: i32 = post(anton, Some(alice), "Rust", 1)?;
        insert_into(comments::table)
            .values(vec![
                (comments::post_id.to(types), comments::body.to("nice")),
                (comments::post_id.to(types), comments::body.to("more")),
                (comments::post_id.to(rust), comments::body.to("ok")),
            ])
            .execute(&mut *tx)?;
        Ok(())
    })
}

/// What both backends run: the API tour and the portable half of the expression language,
/// generic over the backend.
fn portable<B: Backend>(conn: &mut Connection<B>) -> Result<(), Box<dyn std::error::Error>> {
    let mut conn = conn;
    // CREATE TABLE from the declarations, in foreign-key order
    const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(comments, posts, users);
    SCHEMA.create_all(conn, /* if_not_exists */ true)?;
    sample_rows(conn)?;
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
    // GROUP BY an expression: the same expression in the select list counts as grouped
    let by_name: Vec<(String, i64)> = users::table
        .group_by(sqlwright::dsl::lower(users::name))
        .select((sqlwright::dsl::lower(users::name), count_star()))
        .load(&mut conn)?;
    println!("{by_name:?}");

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
    println!(
        "{}",
        users::table
            .filter(users::id.eq(5))
            .debug_sql_for(B::DIALECT)
    );

    portable_expressions(conn)?;
    println!("the portable part done on {:?}", B::DIALECT);
    Ok(())
}

/// The expression-language part that both backends have.
fn portable_expressions<B: Backend>(
    conn: &mut Connection<B>,
) -> Result<(), Box<dyn std::error::Error>> {
    use sqlwright::dsl::*;

    // functions with PostgreSQL's result types: Vec<(String, i32, Option<String>, i32)>
    let rows = users::table
        .select((
            lower(trim(users::name)),
            length(users::name),
            upper(users::hair_color),
            coalesce(users::age, 0) * 2, // not nullable: the fallback is not
        ))
        .order_by(users::id)
        .load(&mut *conn)?;
    println!("{:?}", rows[0]);
    // CASE: every branch of the first one's type; no ELSE (or a nullable branch) makes it Option
    let band = case_when(users::age.ge(65), "senior")
        .when(users::age.ge(18), "adult")
        .otherwise("minor");
    let bands: Vec<(String, String)> = users::table
        .filter(users::age.is_not_null())
        .select((users::name, band))
        .order_by(users::id)
        .load(&mut *conn)?;
    println!("{bands:?}");
    // window functions, in select and order_by only
    let ranked: Vec<(String, i64, Option<i64>, Option<String>)> = posts::table
        .select((
            posts::title,
            rank().over(
                window()
                    .partition_by(posts::author_id)
                    .order_by(posts::likes.desc()),
            ),
            sum(posts::likes).over(
                window()
                    .order_by(posts::id)
                    .rows_between(FrameBound::Preceding(2), FrameBound::CurrentRow),
            ),
            lag(posts::title).over(window().order_by(posts::id)),
        ))
        .order_by(posts::id)
        .load(&mut *conn)?;
    println!("{ranked:?}");
    // subqueries: scalar, IN, EXISTS, ANY/ALL (x.gt_all(q)); a correlated one names the outer
    // table it reads, and using it where that table is not in scope does not compile (the
    // version comparing with avg(..) through a numeric cast is PostgreSQL's: below)
    let most_likes = posts::table.select(max(posts::likes)).scalar_subquery();
    let has_posts = exists(
        posts::table
            .correlate(users::table)
            .filter(posts::author_id.eq(users::id)),
    );
    let popular: Vec<String> = users::table
        .filter(has_posts)
        .filter(
            users::id.in_query(
                posts::table
                    .filter(posts::likes.eq(most_likes))
                    .select(posts::author_id),
            ),
        )
        .select(users::name)
        .load(&mut *conn)?;
    println!("{popular:?}");
    // derived tables and CTEs are declared with table! (#[derived]) and read like tables; the
    // query's row must match the declared columns
    let per_author = || {
        posts::table
            .group_by(posts::author_id)
            .select((posts::author_id, sum(posts::likes)))
    };
    let with_totals: Vec<(String, Option<i64>)> = users::table
        .inner_join_on(totals::table, totals::author_id.eq(users::id))
        .select((users::name, totals::likes))
        .order_by(users::name)
        .with(totals::table.cte(per_author())) // WITH "totals"(..) AS (..) SELECT ..
        .load(&mut *conn)?;
    println!("{with_totals:?}");
    // a derived table: FROM (SELECT ..) AS "totals"("author_id", "likes") on PostgreSQL,
    // (WITH "totals"("author_id", "likes") AS (SELECT ..) SELECT * FROM "totals") on SQLite
    let per_author = posts::table
        .group_by(posts::author_id)
        .select((posts::author_id, sum(posts::likes)));
    let liked: Vec<i32> = totals::table
        .from_subquery(per_author)
        .filter(totals::likes.gt(5))
        .select(totals::author_id)
        .load(&mut *conn)?;
    println!("{liked:?}");
    // a recursive CTE, and set operations
    let base = users::table.filter(users::id.eq(1)).select(value(1));
    let step = counter::table
        .filter(counter::n.lt(3))
        .select(counter::n + 1);
    let counted: Vec<i32> = counter::table
        .select(counter::n)
        .with(counter::table.recursive_cte(base.union_all(step))) // WITH RECURSIVE
        .load(&mut *conn)?;
    println!("{counted:?}");
    // set operations: both sides' column types checked; ORDER BY result columns, LIMIT
    let names: Vec<String> = users::table
        .filter(users::age.gt(60))
        .select(users::name)
        .union(posts::table.select(posts::title))
        .order_by_column(1)
        .limit(10)
        .load(&mut *conn)?;
    println!("{names:?}");
    // filters, orderings and columns chosen at run time; each piece still checked
    let min_age = Some(18);
    let mut q = users::table.select(users::name).into_boxed();
    if let Some(min) = min_age {
        q = q.filter(users::age.ge(min));
    }
    q = q.then_order_by(users::name);
    println!("{:?}", q.load(&mut *conn)?);
    Ok(())
}

/// What only PostgreSQL has: each of these would be a compile error on a SQLite connection.
fn postgres_only(conn: &mut Connection) -> Result<(), Box<dyn std::error::Error>> {
    use sqlwright::dsl::*;
    println!("\n== the PostgreSQL-only part (COPY, dates and intervals, ROLLUP, percentile_cont, LATERAL, left/every, dynamic queries) ==");
    // bulk loads with binary COPY, and COPY out into typed rows
    // (COPY has no ON CONFLICT: only the people not there yet, so that it runs again)
    let emails = ["b1@x", "b2@x"];
    let there: Vec<String> = users::table
        .filter(users::email.in_(emails))
        .select(users::email)
        .load(&mut *conn)?;
    let people: Vec<(&str, &str)> = [("Bulk 1", "b1@x"), ("Bulk 2", "b2@x")]
        .into_iter()
        .filter(|(_, email)| !there.iter().any(|t| t == email))
        .collect();
    let stored = copy_in(users::table)
        .on_progress(1_000, |n| println!("{n} rows copied"))
        .rows(
            people
                .iter()
                .map(|(name, email)| (users::name.to(*name), users::email.to(*email))),
            &mut *conn,
        )?;
    let dump: Vec<(i32, String)> = users::table
        .select((users::id, users::name))
        .copy_out(&mut *conn)?
        .collect::<Result<_, _>>()?;
    println!("copied {stored} rows; {} rows dumped", dump.len());

    // CAST, EXTRACT (numeric), date arithmetic with PostgreSQL's types
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
    let (year, id_text, week_later): (rust_decimal::Decimal, String, chrono::NaiveDateTime) =
        users::table
            .select((
                extract(Field::Year, value(day).minus(30)), // date - integer = date
                cast::<Text, _>(users::id),
                value(day).plus(days(7)), // date + interval = timestamp
            ))
            .order_by(users::id)
            .limit(1)
            .one(&mut *conn)?;
    println!("{year} {id_text} {week_later}");
    // ordered-set aggregates, ROLLUP / CUBE / GROUPING SETS (grouped columns become Option)
    let rolled: Vec<(Option<i32>, Option<f64>, i32)> = posts::table
        .group_by(rollup(posts::author_id))
        .select((
            posts::author_id,
            percentile_cont(0.5).within_group(posts::likes),
            grouping(posts::author_id),
        ))
        .order_by(posts::author_id.asc().nulls_last())
        .load(&mut *conn)?;
    println!("{rolled:?}");
    // LATERAL: each user with their two best posts; the subquery reads `users`, joined before
    // it, and a user without posts gets one row of NULLs
    let best_two = posts::table
        .correlate(users::table)
        .filter(posts::author_id.eq(users::id))
        .order_by(posts::likes.desc())
        .limit(2)
        .select((posts::title, posts::likes));
    let best: Vec<(String, Option<String>)> = users::table
        .left_join_lateral(best::table, best_two) // LEFT JOIN LATERAL (..) AS "best"(..) ON TRUE
        .select((users::name, best::title))
        .order_by((users::name, best::likes.desc()))
        .load(&mut *conn)?;
    println!("best posts: {best:?}");
    // subqueries: scalar, IN, EXISTS, ANY/ALL (x.gt_all(q)); a correlated one names the outer table it
    // reads, and using it where that table is not in scope does not compile
    let avg_likes = posts::table.select(avg(posts::likes)).scalar_subquery();
    let has_posts = exists(
        posts::table
            .correlate(users::table)
            .filter(posts::author_id.eq(users::id)),
    );
    let popular: Vec<String> = users::table
        .filter(has_posts)
        .filter(
            users::id.in_query(
                posts::table
                    .filter(cast::<Numeric, _>(posts::likes).gt(avg_likes))
                    .select(posts::author_id),
            ),
        )
        .select(users::name)
        .load(&mut *conn)?;
    println!("{popular:?}");
    // your own functions and aggregates, with checked signatures
    sqlwright::sql_function!(fn left(s: Text, n: Int4) -> Text);
    sqlwright::sql_function!(aggregate fn every(b: Bool) -> Nullable<Bool>);
    let initials: Vec<(String, Option<bool>)> = users::table
        .group_by(users::name)
        .select((left(users::name, 1), every(users::age.gt(20))))
        .order_by(users::name)
        .load(&mut *conn)?;
    println!("expressions done: {initials:?}");

    // an existing database: reflection and queries by column name
    use sqlwright::dynamic::DynFilter;
    let catalog = sqlwright::reflect::reflect(&mut *conn, &Default::default())?;
    let reflected = catalog.table("users")?;
    let rows = reflected
        .select()
        .columns(["name", "age"])
        .filter("name", "like", "Bulk%")
        .order_by_desc("name")
        .load(&mut *conn)?;
    println!(
        "{:?}",
        rows.iter()
            .map(|r| r.get::<String>("name"))
            .collect::<Result<Vec<_>, _>>()?
    );
    Ok(())
}
