//! The engine around the queries: a pool, SQL logging, transactions, a unit of work, raw
//! SQL with named parameters, and streaming — the notes' `create_engine(echo=True)`,
//! `sessionmaker`, `begin()`, `text(... :max)` and `fetchmany`.
//!
//! `cargo run --example engine` prints each statement as it runs, SQL in yellow on a
//! terminal (echo). `cargo run --example engine -- --tracing` shows the same statements as
//! `tracing` events through a `tracing_subscriber` formatter instead, the way an
//! application with its own logging would see them.
//!
//! PostgreSQL only: it uses raw SQL, streams, read-only transactions, `statement_timeout`
//! and `max_rows`, which SQLite's engine does not have (the quickstart and the tour run on
//! SQLite). Which database it uses, and what it leaves behind:
//!
//! - `DATABASE_URL` set to a `postgres://` URL: that database, as `create_engine(url)` would.
//!   The table `accounts` is created if missing and stays there with its rows; the three
//!   accounts are added only where missing, so a second run works (and moves 30 again). A
//!   `sqlite:///` URL is refused with a message saying why.
//! - Otherwise a throwaway PostgreSQL database (`sqlwright::testing`: a temporary local
//!   cluster), dropped at the end.

use sqlwright::prelude::*;
use sqlwright::{raw, Error};
use std::time::Duration;

sqlwright::table! {
    accounts (id) {
        id -> Int4,
        #[unique] owner -> Text,
        balance -> Int8,
    }
}

#[derive(sqlwright::Insertable)]
#[sqlwright(table = accounts)]
struct NewAccount {
    id: i32,
    owner: String,
    balance: i64,
}

#[derive(sqlwright::RawRow)]
struct Rich {
    owner: String,
    balance: i64,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("engine example failed: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let use_tracing = std::env::args().any(|a| a == "--tracing");
    if use_tracing {
        // Any subscriber sees the statements under the target `sqlwright::sql`.
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_target(true)
            .without_time()
            .init();
    }
    let db = sqlwright_examples::postgres(
        "the engine example",
        "raw SQL, streams, read-only transactions, statement_timeout",
    )?;
    println!("{}", db.describe());
    let engine = Engine::builder_url(db.url().clone())
        .pool_size(5)
        .max_overflow(10)
        .checkout_timeout(Duration::from_secs(5))
        .statement_timeout(Duration::from_secs(30)) // the client then waits at most 32 s
        .max_rows(100_000) // a load of more rows is Error::TooManyRows
        .slow_query_threshold(Duration::from_millis(100))
        .echo(!use_tracing)
        .build()?;
    println!("engine: {engine:?}\n");

    let mut conn = engine.connect()?;
    sqlwright::schema!(accounts).create_all(&mut conn, true)?;

    // A unit of work: three new rows, one multi-row INSERT, one transaction (only the
    // accounts not there yet: a second run finds them).
    let there: Vec<i32> = accounts::table.select(accounts::id).load(&mut *conn)?;
    let mut session = sqlwright::Session::new(&mut *conn);
    session.add_all(
        [
            NewAccount {
                id: 1,
                owner: "Петя".into(),
                balance: 100,
            },
            NewAccount {
                id: 2,
                owner: "Катя".into(),
                balance: 50,
            },
            NewAccount {
                id: 3,
                owner: "Вася".into(),
                balance: 0,
            },
        ]
        .into_iter()
        .filter(|a| !there.contains(&a.id)),
    );
    println!("pending: {:?}", session.pending());
    session.commit()?;

    // A transfer: both updates or neither.
    let moved = conn.transaction(|tx| {
        let amount = 30i64;
        update(accounts::table)
            .by_key(1)
            .set(accounts::balance.to(accounts::balance - amount))
            .execute(tx)?;
        update(accounts::table)
            .by_key(2)
            .set(accounts::balance.to(accounts::balance + amount))
            .execute(tx)?;
        Ok::<_, Error>(amount)
    })?;
    println!("\nmoved {moved}");

    // A failing transfer is rolled back, and the error says what happened.
    let failed = conn.transaction(|tx| {
        update(accounts::table)
            .by_key(3)
            .set(accounts::owner.to("Петя"))
            .execute(tx)
    });
    println!("\nexpected failure: {}", failed.unwrap_err());

    // Serializable, with retries of serialization failures.
    let total = conn
        .build_transaction()
        .serializable()
        .read_only()
        .run_with_retry(3, |tx| {
            raw::sql("SELECT sum(balance)::int8 FROM accounts").scalar::<i64>(tx)
        })?;
    println!("\ntotal balance: {total:?}");

    // Raw SQL with named parameters, mapped into a struct by column name.
    let rich: Vec<Rich> =
        raw::sql("SELECT owner, balance FROM accounts WHERE balance > :min ORDER BY balance DESC")
            .bind("min", 10i64)
            .load_as(&mut *conn)?;
    for r in &rich {
        println!("\nrich: {} has {}", r.owner, r.balance);
    }

    // Streaming in batches (fetchmany), without loading every row at once.
    for batch in accounts::table
        .select((accounts::owner, accounts::balance))
        .order_by(accounts::id)
        .stream(&mut *conn)?
        .batches(2)
    {
        println!("\nbatch: {:?}", batch?);
    }

    // A slow statement is logged at WARN level.
    raw::sql("SELECT pg_sleep(0.15)").execute(&mut *conn)?;
    drop(conn);
    println!("\npool: {:?}", engine.state());
    Ok(())
}
