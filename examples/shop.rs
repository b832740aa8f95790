//! A shop's data layer: customers, products with JSONB attributes, orders with an enum
//! status and their lines; worker threads that take the pending orders as a job queue
//! (`FOR UPDATE SKIP LOCKED`), and a monthly report grouped by `date_trunc`.
//!
//! `cargo run --example shop -- [WORKERS]` (4 workers by default). It creates the schema
//! (the enum type first), adds the customers and products it does not find, places a batch
//! of orders (each with its lines, in one call), lets the workers pay every pending order,
//! then prints the customers' order tree, two product searches on the JSONB attributes, the
//! revenue per month and the orders per status. The tables and row types are in
//! `examples/shop/schema.rs`, the fixed data in `examples/shop/mod.rs`.
//!
//! PostgreSQL only: `SKIP LOCKED`, enum types (`CREATE TYPE .. AS ENUM`), JSONB operators
//! and `date_trunc` are PostgreSQL's (on SQLite each is a compile error naming it). Which
//! database it uses, and what it leaves behind:
//!
//! - `DATABASE_URL` set to a `postgres://` URL: that database. The type `order_status` and
//!   the tables `customers`, `products`, `orders` and `order_lines` are created if missing
//!   and stay there with their rows; customers and products are added once (by email and
//!   SKU), and each run adds one more batch of orders, which the workers then pay, so a
//!   second run works (its report counts both batches). A `sqlite:///` URL is refused with
//!   a message saying why.
//! - Otherwise a throwaway PostgreSQL database (`sqlwright::testing`: a temporary local
//!   cluster), dropped at the end.

use sqlwright::deps::chrono::{NaiveDate, NaiveDateTime};
use sqlwright::deps::rust_decimal::Decimal;
use sqlwright::deps::serde_json::json;
use sqlwright::dsl::{count_star, date_trunc, sum, Field};
use sqlwright::prelude::*;
use sqlwright::relation::insert_with_children;
use sqlwright::{Error, Json};
use sqlwright_examples::shop::schema::*;
use sqlwright_examples::shop::{CUSTOMERS, ORDERS, PRODUCTS};
use std::time::Duration;

fn main() {
    if let Err(e) = run() {
        eprintln!("shop failed: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let workers: usize = std::env::args().nth(1).map_or(Ok(4), |n| n.parse())?;
    let db = sqlwright_examples::postgres(
        "shop",
        "SKIP LOCKED, enum types, JSONB operators, date_trunc",
    )?;
    println!("{}", db.describe());
    let engine = Engine::builder_url(db.url().clone())
        .pool_size(workers + 1)
        .statement_timeout(Duration::from_secs(30))
        .build()?;
    let mut conn = engine.connect()?;
    SCHEMA.create_all(&mut conn, true)?; // CREATE TYPE "order_status" first, then the tables

    stock(&mut conn)?;
    let placed = place_orders(&mut conn)?;
    println!("placed {placed} orders");
    work_through_queue(&engine, workers)?;
    print_tree(&mut conn)?;
    search_products(&mut conn)?;
    report(&mut conn)?;
    Ok(())
}

/// Customers and products, each added unless its email or SKU is there already.
fn stock(conn: &mut Connection) -> Result<(), Error> {
    let customers: Vec<NewCustomer<'_>> = CUSTOMERS
        .iter()
        .map(|&(email, name)| NewCustomer { email, name })
        .collect();
    let added = insert_into(customers::table)
        .values(&customers[..])
        .on_conflict(customers::email)
        .do_nothing()
        .execute(conn)?;
    println!("added {added} customers");
    let products: Vec<NewProduct<'_>> = PRODUCTS
        .iter()
        .map(|p| NewProduct {
            sku: p.sku,
            name: p.name,
            price: Decimal::new(p.price_cents, 2),
            attributes: Json(Attributes {
                color: p.color.into(),
                size: p.size.map(Into::into),
                tags: p.tags.iter().map(|t| t.to_string()).collect(),
            }),
        })
        .collect();
    let added = insert_into(products::table)
        .values(&products[..])
        .on_conflict(products::sku)
        .do_nothing()
        .execute(conn)?;
    println!("added {added} products");
    Ok(())
}

/// This run's batch: each order and its lines in one call (one transaction), the lines'
/// `order_id` from the new order's RETURNING.
fn place_orders(conn: &mut Connection) -> Result<usize, Box<dyn std::error::Error>> {
    let customer_ids: Vec<(String, i32)> = customers::table
        .select((customers::email, customers::id))
        .load(conn)?;
    let product_ids: Vec<(String, i32, Decimal)> = products::table
        .select((products::sku, products::id, products::price))
        .load(conn)?;
    for placed in &ORDERS {
        let customer_id = customer_ids
            .iter()
            .find(|(email, _)| email == placed.customer)
            .map(|&(_, id)| id)
            .ok_or_else(|| format!("no customer {}", placed.customer))?;
        let mut lines = Vec::new();
        for &(sku, quantity) in placed.lines {
            let (_, product_id, unit_price) = product_ids
                .iter()
                .find(|(s, _, _)| s == sku)
                .ok_or_else(|| format!("no product {sku}"))?;
            lines.push(NewLine {
                product_id: *product_id,
                quantity,
                unit_price: *unit_price,
            });
        }
        let ordered_at = NaiveDate::from_ymd_opt(2026, placed.month, placed.day)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .ok_or("a date in the data")?;
        let order = NewOrder {
            customer_id,
            status: if placed.cancelled {
                Status::Cancelled
            } else {
                Status::Pending
            },
            ordered_at,
            claims: 0,
        };
        let (order, lines): (Order, Vec<Line>) =
            insert_with_children(&order, order_lines::order_id, &lines, conn)?;
        if lines.iter().any(|l| l.order_id != order.id) || lines.len() != placed.lines.len() {
            return Err(format!("order {} got lines of another order", order.id).into());
        }
    }
    Ok(ORDERS.len())
}

/// The first pending order no other transaction holds, locked until this one ends (a macro:
/// one query written once, its type left to the compiler).
macro_rules! next_pending {
    () => {
        orders::table
            .filter(orders::status.eq(Status::Pending))
            .select(orders::id)
            .order_by(orders::id)
            .limit(1)
            .for_update()
            .skip_locked()
    };
}

/// Pays one pending order no other worker holds, in one transaction: `Ok(false)` when none
/// is left.
fn pay_one(engine: &Engine, worker: i32) -> Result<bool, Error> {
    engine.transaction(|tx| {
        let claimed = next_pending!().first(tx)?;
        let Some(id) = claimed else {
            return Ok(false);
        };
        // the payment provider's call, while the order stays locked
        std::thread::sleep(Duration::from_millis(20));
        let total: Option<Decimal> = order_lines::table
            .filter(order_lines::order_id.eq(id))
            .select(sum(order_lines::quantity * order_lines::unit_price))
            .one(tx)?;
        update(orders::table)
            .filter(orders::id.eq(id))
            .set((
                orders::status.to(Status::Paid),
                orders::total.to(total),
                orders::paid_by.to(Some(worker)),
                orders::claims.to(orders::claims + 1),
            ))
            .execute(tx)?;
        Ok(true)
    })
}

/// The workers, each on its own pooled connection, until no pending order is left; then
/// checks that each order was claimed exactly once.
fn work_through_queue(engine: &Engine, workers: usize) -> Result<(), Box<dyn std::error::Error>> {
    let pending = orders::table
        .filter(orders::status.eq(Status::Pending))
        .count(&mut engine.connect()?)?;
    println!("{pending} pending orders, {workers} workers");
    println!("each worker claims with: {}", next_pending!().to_sql());
    let done: Vec<Result<i64, Error>> = std::thread::scope(|s| {
        let handles: Vec<_> = (1..=workers as i32)
            .map(|worker| {
                s.spawn(move || {
                    let mut paid = 0;
                    while pay_one(engine, worker)? {
                        paid += 1;
                    }
                    Ok(paid)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a worker panicked"))
            .collect()
    });
    let mut total = 0;
    for (worker, paid) in (1..).zip(done) {
        let paid = paid?;
        println!("  worker {worker} paid {paid} orders");
        total += paid;
    }
    let mut conn = engine.connect()?;
    let left = orders::table
        .filter(orders::status.eq(Status::Pending))
        .count(&mut conn)?;
    let twice = orders::table
        .filter(orders::status.eq(Status::Paid) & orders::claims.ne(1))
        .count(&mut conn)?;
    if total != pending || left != 0 || twice != 0 {
        return Err(format!("{left} orders left, {twice} claimed other than once").into());
    }
    println!("paid {total} orders, each claimed exactly once; none is pending");
    Ok(())
}

/// Customers, their orders, the orders' lines: three statements, one per level.
fn print_tree(conn: &mut Connection) -> Result<(), Error> {
    let customers: Vec<Customer> = customers::table
        .select(Customer::as_select())
        .order_by(customers::id)
        .load(conn)?;
    let tree = customers
        .with_children::<Order, _>(orders::customer_id, conn)?
        .with_grandchildren::<Line, _>(order_lines::order_id, conn)?;
    println!("customers, their orders and order lines:");
    for (customer, mut orders) in tree {
        orders.sort_by_key(|(order, _)| order.id);
        let lines: Vec<String> = orders
            .iter()
            .map(|(_, lines)| {
                let items: i32 = lines.iter().map(|l| l.quantity).sum();
                format!("{} lines/{items} items", lines.len())
            })
            .collect();
        let cancelled = orders
            .iter()
            .filter(|(o, _)| o.status == Status::Cancelled)
            .count();
        println!(
            "  {}: {} orders ({cancelled} cancelled): [{}]",
            customer.name,
            orders.len(),
            lines.join(", ")
        );
    }
    Ok(())
}

/// Searches on the JSONB attributes, the attributes loaded into `Attributes`.
fn search_products(conn: &mut Connection) -> Result<(), Error> {
    let red: Vec<Product> = products::table
        .filter(products::attributes.get_text("color").eq("red"))
        .select(Product::as_select())
        .order_by(products::sku)
        .load(conn)?;
    println!("red products (attributes ->> 'color'):");
    for p in &red {
        let Attributes { size, tags, .. } = &*p.attributes;
        let size = size.as_deref().unwrap_or("-");
        println!(
            "  {} at {}: size {size}, tags {}",
            p.sku,
            p.price,
            tags.join("+")
        );
    }
    let summer: Vec<String> = products::table
        .filter(products::attributes.contains(Json(json!({ "tags": ["summer"] }))))
        .select(products::sku)
        .order_by(products::sku)
        .load(conn)?;
    println!(
        "summer products (attributes @> tags [summer]): {}",
        summer.join(", ")
    );
    Ok(())
}

/// Revenue per month of the paid orders (grouped by `date_trunc('month', ordered_at)`),
/// and how many orders are in each status.
fn report(conn: &mut Connection) -> Result<(), Error> {
    let month = date_trunc(Field::Month, orders::ordered_at);
    let monthly = orders::table
        .filter(orders::status.eq(Status::Paid))
        .group_by(month)
        .select((month, count_star(), sum(orders::total)))
        .order_by(month);
    println!("revenue per month: {}", monthly.to_sql());
    let monthly: Vec<(NaiveDateTime, i64, Option<Decimal>)> = monthly.load(conn)?;
    for (month, orders, revenue) in monthly {
        let revenue = revenue.unwrap_or_default();
        println!(
            "  {}: {orders} paid orders, {revenue}",
            month.format("%Y-%m")
        );
    }
    let per_status: Vec<(Status, i64)> = orders::table
        .group_by(orders::status)
        .select((orders::status, count_star()))
        .order_by(orders::status) // the declared order: pending, paid, shipped, cancelled
        .load_as(conn)?; // the label as the Rust enum (`load` would give it as text)
    println!("orders per status:");
    for (status, n) in per_status {
        println!("  {status:?}: {n}");
    }
    Ok(())
}
