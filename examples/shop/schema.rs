//! The shop example's schema (`examples/shop.rs` is the program): the enum type, the four
//! tables, and the Rust types its rows load into and are written from.

use serde::{Deserialize, Serialize};
use sqlwright::deps::chrono::NaiveDateTime;
use sqlwright::deps::rust_decimal::Decimal;
use sqlwright::Json;

sqlwright::table! {
    /// Where an order is: placed, paid by a worker, shipped, or cancelled.
    enum OrderStatus { pending, paid, shipped, cancelled }

    customers (id) {
        #[serial] id -> Int4,
        #[unique(name = "customers_email_key")] email -> Varchar(200),
        name -> Varchar(100),
    }
    products (id) {
        #[serial] id -> Int4,
        #[unique(name = "products_sku_key")] sku -> Varchar(20),
        name -> Varchar(200),
        price -> Numeric(12, 2),
        /// Color, size and tags: `Attributes` below.
        attributes -> Jsonb,
    }
    orders (id) {
        #[serial] id -> Int4,
        #[references(customers::id, constraint = "orders_customer_fk")] customer_id -> Int4,
        status -> OrderStatus,
        ordered_at -> Timestamp,
        /// The sum of the lines, written by the worker that paid the order.
        total -> Nullable<Numeric(12, 2)>,
        /// The worker that paid it, and how many times a worker claimed it (1, if the
        /// queue works).
        paid_by -> Nullable<Int4>,
        claims -> Int4,
    }
    order_lines (id) {
        #[serial] id -> Int4,
        #[references(orders::id, on_delete = cascade)] order_id -> Int4,
        #[references(products::id)] product_id -> Int4,
        quantity -> Int4,
        unit_price -> Numeric(12, 2),
    }
}

/// The Rust side of `order_status`: the labels are the variants in snake_case, checked
/// against the declared type at build time.
#[derive(sqlwright::DbEnum, Debug, Clone, Copy, PartialEq, Eq)]
#[sqlwright(sql_type = OrderStatus)]
pub enum Status {
    Pending,
    Paid,
    Shipped,
    Cancelled,
}

/// A product's JSONB `attributes`, decoded with serde through `sqlwright::Json`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Attributes {
    pub color: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    pub tags: Vec<String>,
}

#[derive(sqlwright::Row, Debug, Clone)]
#[sqlwright(table = customers)]
pub struct Customer {
    pub id: i32,
    pub name: String,
}

#[derive(sqlwright::Insertable)]
#[sqlwright(table = customers)]
pub struct NewCustomer<'a> {
    pub email: &'a str,
    pub name: &'a str,
}

#[derive(sqlwright::Row, Debug)]
#[sqlwright(table = products)]
pub struct Product {
    pub sku: String,
    pub price: Decimal,
    pub attributes: Json<Attributes>,
}

#[derive(sqlwright::Insertable)]
#[sqlwright(table = products)]
pub struct NewProduct<'a> {
    pub sku: &'a str,
    pub name: &'a str,
    pub price: Decimal,
    pub attributes: Json<Attributes>,
}

#[derive(sqlwright::Row, Debug, Clone)]
#[sqlwright(table = orders)]
pub struct Order {
    pub id: i32,
    pub customer_id: i32,
    pub status: Status,
}

#[derive(sqlwright::Insertable)]
#[sqlwright(table = orders)]
pub struct NewOrder {
    pub customer_id: i32,
    pub status: Status,
    pub ordered_at: NaiveDateTime,
    pub claims: i32,
}

#[derive(sqlwright::Row, Debug)]
#[sqlwright(table = order_lines)]
pub struct Line {
    pub id: i32,
    pub order_id: i32,
    pub quantity: i32,
}

/// A line as placed: `order_id` is left out, `insert_with_children` fills it in.
#[derive(sqlwright::Insertable)]
#[sqlwright(table = order_lines)]
pub struct NewLine {
    pub product_id: i32,
    pub quantity: i32,
    pub unit_price: Decimal,
}

/// `create_all` writes `CREATE TYPE "order_status"` first, then the tables in foreign-key
/// order.
pub const SCHEMA: sqlwright::ddl::Schema =
    sqlwright::schema!(customers, products, orders, order_lines);
