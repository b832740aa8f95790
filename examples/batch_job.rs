//! A batch job: stream rows out of one table, transform them, and bulk-load the result into
//! another with binary COPY, with a progress bar on the terminal.
//!
//! `cargo run --release --example batch_job -- [ROWS]` (200 000 rows by default).
//!
//! PostgreSQL only: streams, COPY and the server-side test data (`generate_series`) are
//! PostgreSQL's. Which database it uses, and what it leaves behind:
//!
//! - `DATABASE_URL` set to a `postgres://` URL: that database, as `create_engine(url)` would.
//!   The tables `raw_orders` and `clean_orders` are created if missing and stay there with
//!   their rows; a run adds the raw orders 1..ROWS not there yet and cleans only the orders
//!   not cleaned yet, so a second run works (and loads 0 rows). A `sqlite:///` URL is
//!   refused with a message saying why.
//! - Otherwise a throwaway PostgreSQL database (`sqlwright::testing`: a temporary local
//!   cluster), dropped at the end.
//!
//! The read and the load run on two connections at once: rows flow from the stream through
//! the transformation into the COPY without ever being held all in memory.

use indicatif::{ProgressBar, ProgressStyle};
use sqlwright::prelude::*;

sqlwright::table! {
    /// Orders as the shop's front end writes them.
    raw_orders (id) {
        id -> Int4,
        customer -> Text,
        amount_cents -> Int8,
        currency -> Text,
        note -> Nullable<Text>,
    }
    /// The same orders cleaned for the accountants: names trimmed and capitalised, amounts
    /// in euros, notes without blank ones.
    clean_orders (id) {
        id -> Int4,
        customer -> Text,
        amount_eur -> Float8,
        note -> Nullable<Text>,
    }
}

const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(raw_orders, clean_orders);

fn main() {
    if let Err(e) = run() {
        eprintln!("batch_job failed: {e}");
        std::process::exit(1);
    }
}

/// What the job does to each row.
fn clean(
    (id, customer, cents, currency, note): (i32, String, i64, String, Option<String>),
) -> (i32, String, f64, Option<String>) {
    let rate = match currency.as_str() {
        "USD" => 0.92,
        "RUB" => 0.0098,
        _ => 1.0,
    };
    let name = customer.trim();
    let mut chars = name.chars();
    let customer = match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    };
    let note = note.filter(|n| !n.trim().is_empty());
    (id, customer, cents as f64 / 100.0 * rate, note)
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let total: i64 = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 200_000,
    };
    let db = sqlwright_examples::postgres("batch_job", "streams, COPY, generate_series")?;
    println!("{}", db.describe());
    let mut source = Connection::connect_url(db.url())?;
    let mut target = Connection::connect_url(db.url())?;
    SCHEMA.create_all(&mut source, true)?;
    // Test data, made by the server (the orders not there yet).
    sqlwright::raw::sql(
        "INSERT INTO raw_orders
         SELECT i, CASE i % 3 WHEN 0 THEN '  anna ' WHEN 1 THEN 'PETER' ELSE 'пётр' END,
                (i * 137) % 100000, (ARRAY['EUR', 'USD', 'RUB'])[i % 3 + 1],
                CASE WHEN i % 5 = 0 THEN ' ' WHEN i % 7 = 0 THEN 'gift' END
         FROM generate_series(1, :n) AS i
         ON CONFLICT (id) DO NOTHING",
    )
    .bind("n", total)
    .execute(&mut source)?;

    // Only the orders not cleaned yet: COPY has no ON CONFLICT.
    let pending = || {
        raw_orders::table
            .filter(raw_orders::id.not_in_query(clean_orders::table.select(clean_orders::id)))
    };
    let todo = pending().count(&mut source)?;
    let bar = ProgressBar::new(todo as u64);
    bar.set_style(ProgressStyle::with_template(
        "{elapsed_precise} [{bar:40}] {pos}/{len} rows ({per_sec}, {eta} left)",
    )?);
    let rows = pending()
        .select((
            raw_orders::id,
            raw_orders::customer,
            raw_orders::amount_cents,
            raw_orders::currency,
            raw_orders::note,
        ))
        .order_by(raw_orders::id)
        .stream(&mut source)?;
    // A read error ends the stream; it is kept here and reported after the load.
    let mut read_error = None;
    let cleaned = rows
        .map_while(|row| row.map_err(|e| read_error = Some(e)).ok())
        .map(clean)
        .map(|(id, customer, eur, note)| {
            (
                clean_orders::id.to(id),
                clean_orders::customer.to(customer),
                clean_orders::amount_eur.to(eur),
                clean_orders::note.to(note),
            )
        });
    let stored = copy_in(clean_orders::table)
        .on_progress(1_000, |n| bar.set_position(n))
        .rows(cleaned, &mut target)?;
    bar.finish();
    if let Some(e) = read_error {
        return Err(e.into());
    }
    println!("loaded {stored} cleaned orders");
    let sample = clean_orders::table
        .select((
            clean_orders::id,
            clean_orders::customer,
            clean_orders::amount_eur,
            clean_orders::note,
        ))
        .order_by(clean_orders::id)
        .limit(5)
        .load(&mut target)?;
    for (id, customer, eur, note) in sample {
        println!(
            "  #{id} {customer}: {eur:.2} EUR {}",
            note.unwrap_or_default()
        );
    }
    Ok(())
}
