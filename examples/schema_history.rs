//! A notes schema through a short history, each step's migration generated from the
//! declarations: add a column, rename one, add a table and a foreign key with ON DELETE
//! CASCADE.
//!
//! `cargo run --example schema_history [-- --echo]`: for each version, reflects the
//! database, asks `sqlwright::migrate::autogen::plan` for the migration to that version's
//! `table!` declarations, prints its `up.sql` (what it does, what could lose data, the
//! lint's warnings, the statements), runs it as a migration runner would (in a transaction
//! unless the file says otherwise) and checks with `verify_schema` that the database is what
//! the version declares. Rows written at the first version are still there after the rename.
//! The last step's `down.sql` is run and its `up.sql` again, to show the way back. `--echo`
//! shows every statement sent.
//!
//! Which database it uses, and what it leaves behind:
//!
//! - `DATABASE_URL` set (`postgres://...` or `sqlite:///path.db`): that database. Only the
//!   tables `notes` and `authors` are looked at and changed; they stay there at the last
//!   version, and a second run finds nothing to generate.
//! - Otherwise a throwaway SQLite file in a temporary directory, deleted at the end.

use sqlwright::backend::Backend;
use sqlwright::migrate::autogen::{plan, Plan};
use sqlwright::prelude::*;
use sqlwright::query::{Table, TableMeta};
use sqlwright::reflect::{reflect, verify_schema, Catalog, ReflectOptions, Reflects};

mod v1 {
    sqlwright::table! {
        notes (id) {
            #[serial] id -> Int4,
            title -> Text,
            body -> Text,
        }
    }
}

mod v2 {
    sqlwright::table! {
        notes (id) {
            #[serial] id -> Int4,
            title -> Text,
            body -> Text,
            #[default = "0"] stars -> Int4,
        }
    }
}

mod v3 {
    sqlwright::table! {
        notes (id) {
            #[serial] id -> Int4,
            title -> Text,
            #[renamed_from(body)] content -> Text,
            #[default = "0"] stars -> Int4,
        }
    }
}

mod v4 {
    sqlwright::table! {
        authors (id) {
            #[serial] id -> Int4,
            name -> Text,
        }
        notes (id) {
            #[serial] id -> Int4,
            title -> Text,
            #[renamed_from(body)] content -> Text,
            #[default = "0"] stars -> Int4,
            #[references(authors::id, on_delete = cascade)] author_id -> Nullable<Int4>,
        }
    }
}

/// The tables this example owns: the plans leave every other table of the database alone.
const OURS: [&str; 2] = ["notes", "authors"];

fn main() {
    if let Err(e) = run() {
        eprintln!("schema_history failed: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let echo = std::env::args().any(|a| a == "--echo");
    let db = sqlwright_examples::portable()?;
    println!("{}", db.describe());
    if db.is_sqlite() {
        run_on(
            &Engine::sqlite_builder_url(db.url().clone())
                .echo(echo)
                .build()?,
        )
    } else {
        run_on(&Engine::builder_url(db.url().clone()).echo(echo).build()?)
    }
}

/// The live schema, this example's tables only.
fn live<E>(conn: &mut E) -> Result<Catalog, sqlwright::Error>
where
    E: sqlwright::engine::Executor + ?Sized,
    E::Backend: Reflects,
{
    let mut catalog = reflect(conn, &ReflectOptions::default())?;
    catalog.tables.retain(|t| OURS.contains(&t.name.as_str()));
    Ok(catalog)
}

/// Runs one migration script as a runner would.
fn apply<B: Backend>(
    conn: &mut Connection<B>,
    sql: &str,
    in_transaction: bool,
) -> Result<(), sqlwright::Error> {
    if in_transaction {
        conn.transaction(|tx| tx.batch_execute(sql))
    } else {
        conn.batch_execute(sql)
    }
}

fn run_on<B: Backend + Reflects>(engine: &Engine<B>) -> Result<(), Box<dyn std::error::Error>> {
    let mut conn = engine.connect()?;
    let conn: &mut Connection<B> = &mut conn;
    let history: [(&str, Vec<&'static TableMeta>); 4] = [
        ("create the notes", vec![<v1::notes::table as Table>::META]),
        ("add a column", vec![<v2::notes::table as Table>::META]),
        ("rename a column", vec![<v3::notes::table as Table>::META]),
        (
            "add authors and a foreign key with cascade",
            vec![
                <v4::authors::table as Table>::META,
                <v4::notes::table as Table>::META,
            ],
        ),
    ];
    let dialect = conn.dialect();
    let latest = &history[3].1;
    if !live(conn)?.tables.is_empty() {
        let left = plan(latest, &live(conn)?, dialect)?;
        if !left.is_empty() {
            return Err(format!(
                "the database holds tables `notes`/`authors` of another shape; the migration to \
                 this example's last version would:\n{}",
                left.up_file()
            )
            .into());
        }
        println!("the schema is at the last version already: nothing to generate");
    } else {
        let mut last: Option<Plan> = None;
        for (step, (what, tables)) in history.iter().enumerate() {
            let plan = plan(tables, &live(conn)?, dialect)?;
            println!("\n== step {}: {what}\n{}", step + 1, plan.up_file());
            apply(conn, &plan.up, plan.up_in_transaction)?;
            let drift = verify_schema(conn, tables)?;
            if !drift.is_empty() {
                return Err(format!("drift after step {}: {drift:?}", step + 1).into());
            }
            println!("verify-schema: no drift");
            if step == 0 {
                sqlwright::raw::sql(
                    "INSERT INTO notes (title, body) VALUES ('groceries', 'milk, eggs'), \
                     ('ideas', 'a typed SQL library')",
                )
                .execute(conn)?;
            }
            last = Some(plan);
        }
        // The way back, and forward again.
        if let Some(plan) = last {
            println!("\n== down.sql of the last step\n{}", plan.down_file());
            apply(conn, &plan.down, plan.down_in_transaction)?;
            println!(
                "verify-schema against step 3: {} differences",
                verify_schema(conn, &history[2].1)?.len()
            );
            apply(conn, &plan.up, plan.up_in_transaction)?;
            println!("up.sql again: at step 4");
        }
        let ann: i32 = insert_into(v4::authors::table)
            .values(v4::authors::name.to("Ann"))
            .returning(v4::authors::id)
            .get_result(&mut *conn)?;
        update(v4::notes::table)
            .set(v4::notes::author_id.to(Some(ann)))
            .execute(&mut *conn)?;
        let bob: i32 = insert_into(v4::authors::table)
            .values(v4::authors::name.to("Bob"))
            .returning(v4::authors::id)
            .get_result(&mut *conn)?;
        insert_into(v4::notes::table)
            .values((
                v4::notes::title.to("Bob's"),
                v4::notes::content.to("gone with Bob"),
                v4::notes::author_id.to(Some(bob)),
            ))
            .execute(&mut *conn)?;
        delete(v4::authors::table)
            .filter(v4::authors::id.eq(bob))
            .execute(&mut *conn)?;
        println!("Bob deleted: his note went with him (ON DELETE CASCADE)");
    }
    let notes: Vec<(String, String, i32)> = v4::notes::table
        .select((v4::notes::title, v4::notes::content, v4::notes::stars))
        .order_by(v4::notes::id)
        .load(&mut *conn)?;
    for (title, content, stars) in notes {
        println!("note {title:?}: {content:?} ({stars} stars)");
    }
    Ok(())
}
