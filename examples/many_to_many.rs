//! The notes' many-to-many example: buyers and products through a basket.
//!
//! `cargo run --example many_to_many [-- --echo]`: Петя buys Молоко and Колбаса, Катя buys
//! Колбаса; prints each buyer's products and each product's buyers, each direction in one
//! statement (select-in through the association table).

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
    let db = sqlwright::testing::try_database()?;
    let engine = Engine::builder_url(db.url().clone())
        .echo(std::env::args().any(|a| a == "--echo"))
        .build()?;
    let mut conn = engine.connect()?;
    sqlwright::schema!(покупатель_, продукт_, корзина_).create_all(&mut conn, false)?;

    conn.transaction(|tx| {
        let buyer = |tx: &mut sqlwright::Transaction<'_>, name: &str, email: &str, phone: &str| {
            insert_into(покупатель_::table)
                .values((
                    покупатель_::name.to(name),
                    покупатель_::email.to(email),
                    покупатель_::phone.to(phone),
                ))
                .returning(покупатель_::id)
                .get_result(tx)
        };
        let product = |tx: &mut sqlwright::Transaction<'_>, name: &str, price: i32| {
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
    let products_of = buyers.load_through::<Product, _, _>(
        корзина_::id_buyer,
        корзина_::id_product,
        &mut *conn,
    )?;
    for (buyer, products) in buyers.iter().zip(&products_of) {
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
    let buyers_of = products.load_through::<Buyer, _, _>(
        корзина_::id_product,
        корзина_::id_buyer,
        &mut *conn,
    )?;
    for (product, buyers) in products.iter().zip(&buyers_of) {
        let names: Vec<&str> = buyers.iter().map(|b| b.name.as_str()).collect();
        println!(
            "{} (id {}) was bought by: {}",
            product.name,
            product.id,
            names.join(", ")
        );
    }
    let _ = buyers.iter().map(|b| b.id).sum::<i32>();
    Ok(())
}
