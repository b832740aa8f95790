//! The notes' many-to-many example: buyers and products through a basket.
//!
//! `cargo run --example many_to_many [-- --echo]`: Петя buys Молоко and Колбаса, Катя buys
//! Колбаса; prints each buyer's products and each product's buyers, each direction in one
//! statement (select-in through the association table).
//!
//! Which database it uses, and what it leaves behind:
//!
//! - `DATABASE_URL` set (`postgres://...` or `sqlite:///path.db`): that database, as
//!   `create_engine(url)` would. The tables `покупатель_`, `продукт_` and `корзина_` are
//!   created if missing, and they and their rows stay there; a second run finds Петя and
//!   adds nothing.
//! - Otherwise a throwaway SQLite file in a temporary directory, deleted at the end.
//!
//! The queries run on either backend: `run_on` is generic over it.

use sqlwright::backend::Backend;
use sqlwright::prelude::*;

sqlwright::table! {
    покупатель_ (id) {
        #[serial] id -> Int4,
        name -> Varchar,
        #[unique] email -> Varchar,
        phone -> Varchar,
    }
    продукт_ (id) {
        #[serial] id -> Int4,
        #[unique] name -> Varchar,
        price -> Int4,
    }
    корзина_ (id) {
        #[serial] id -> Int4,
        #[references(покупатель_::id, on_delete = cascade)] id_buyer -> Int4,
        #[references(продукт_::id, on_delete = cascade)] id_product -> Int4,
    }
}

#[derive(sqlwright::Row, Debug, Clone)]
#[sqlwright(table = покупатель_)]
struct Buyer {
    id: i32,
    name: String,
    email: String,
    phone: String,
}

#[derive(sqlwright::Row, Debug, Clone)]
#[sqlwright(table = продукт_)]
struct Product {
    id: i32,
    name: String,
    price: i32,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("many_to_many failed: {e}");
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

fn run_on<B: Backend>(engine: &Engine<B>) -> Result<(), Box<dyn std::error::Error>> {
    let mut conn = engine.connect()?;
    sqlwright::schema!(покупатель_, продукт_, корзина_).create_all(&mut conn, true)?;

    // The buyers, products and basket in one transaction; a second run finds Петя there
    // and adds nothing.
    conn.transaction(|tx| {
        let there = покупатель_::table
            .filter(покупатель_::email.eq("peta@gmail.com"))
            .count(&mut *tx)?;
        if there > 0 {
            println!("Петя is there already: nothing inserted");
            return Ok(0);
        }
        let buyer =
            |tx: &mut sqlwright::Transaction<'_, B>, name: &str, email: &str, phone: &str| {
                insert_into(покупатель_::table)
                    .values((
                        покупатель_::name.to(name),
                        покупатель_::email.to(email),
                        покупатель_::phone.to(phone),
                    ))
                    .returning(покупатель_::id)
                    .get_result(tx)
            };
        let product = |tx: &mut sqlwright::Transaction<'_, B>, name: &str, price: i32| {
            insert_into(продукт_::table)
                .values((продукт_::name.to(name), продукт_::price.to(price)))
                .returning(продукт_::id)
                .get_result(tx)
        };
        let петя: i32 = buyer(tx, "Петя", "peta@gmail.com", "+79989123123")?;
        let колбаса: i32 = product(tx, "Колбаса", 300)?;
        let молоко: i32 = product(tx, "Молоко", 50)?;
        let катя: i32 = buyer(tx, "Катя", "ката@gmail.com", "+41232341241")?;
        insert_into(корзина_::table)
            .values(vec![
                (корзина_::id_buyer.to(петя), корзина_::id_product.to(молоко)),
                (
                    корзина_::id_buyer.to(петя),
                    корзина_::id_product.to(колбаса),
                ),
                (
                    корзина_::id_buyer.to(катя),
                    корзина_::id_product.to(колбаса),
                ),
            ])
            .execute(tx)
    })?;

    let buyers: Vec<Buyer> = покупатель_::table
        .select(Buyer::as_select())
        .order_by(покупатель_::id)
        .load(&mut *conn)?;
    let products_of = buyers.with_through::<Product, _, _>(
        корзина_::id_buyer,
        корзина_::id_product,
        &mut *conn,
    )?;
    for (buyer, products) in &products_of {
        // The basket's order is whatever the database returns: sort by product for output
        // that is the same on every backend.
        let mut products: Vec<&Product> = products.iter().collect();
        products.sort_by_key(|p| p.id);
        let names: Vec<String> = products
            .iter()
            .map(|p| format!("{} ({} ₽)", p.name, p.price))
            .collect();
        println!(
            "{} <{}, {}> bought: {}",
            buyer.name,
            buyer.email,
            buyer.phone,
            names.join(", ")
        );
    }

    let products: Vec<Product> = продукт_::table
        .select(Product::as_select())
        .order_by(продукт_::id)
        .load(&mut *conn)?;
    let buyers_of = products.with_through::<Buyer, _, _>(
        корзина_::id_product,
        корзина_::id_buyer,
        &mut *conn,
    )?;
    for (product, buyers) in &buyers_of {
        let mut buyers: Vec<&Buyer> = buyers.iter().collect();
        buyers.sort_by_key(|b| b.id);
        let names: Vec<&str> = buyers.iter().map(|b| b.name.as_str()).collect();
        println!(
            "{} (id {}) was bought by: {}",
            product.name,
            product.id,
            names.join(", ")
        );
    }
    Ok(())
}
