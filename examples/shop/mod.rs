//! The shop example's fixed data (`examples/shop.rs` is the program): plain Rust values, so
//! that its test computes what the program must print from the same rows it inserts. Its
//! tables are in [`schema`].

pub mod schema;

/// Customers: email (unique) and name.
pub const CUSTOMERS: [(&str, &str); 3] = [
    ("ann@example.com", "Ann"),
    ("bob@example.com", "Bob"),
    ("cid@example.com", "Cid"),
];

/// A product of the catalogue; `color`, `size` and `tags` go into its JSONB attributes.
pub struct Product {
    pub sku: &'static str,
    pub name: &'static str,
    pub price_cents: i64,
    pub color: &'static str,
    pub size: Option<&'static str>,
    pub tags: &'static [&'static str],
}

pub const PRODUCTS: [Product; 4] = [
    Product {
        sku: "CAP-BLACK",
        name: "Cap, black",
        price_cents: 1200,
        color: "black",
        size: None,
        tags: &["cotton", "summer"],
    },
    Product {
        sku: "MUG-RED",
        name: "Mug, red",
        price_cents: 850,
        color: "red",
        size: None,
        tags: &["ceramic"],
    },
    Product {
        sku: "TEE-BLUE-L",
        name: "T-shirt, blue, L",
        price_cents: 1990,
        color: "blue",
        size: Some("L"),
        tags: &["cotton"],
    },
    Product {
        sku: "TEE-RED-M",
        name: "T-shirt, red, M",
        price_cents: 1990,
        color: "red",
        size: Some("M"),
        tags: &["cotton", "summer"],
    },
];

/// An order a run places: whose, when (2026, month and day, at 10:00), whether it is
/// cancelled at once (the workers leave those alone), and its lines (product SKU, quantity).
pub struct Order {
    pub customer: &'static str,
    pub month: u32,
    pub day: u32,
    pub cancelled: bool,
    pub lines: &'static [(&'static str, i32)],
}

const fn order(
    customer: &'static str,
    month: u32,
    day: u32,
    lines: &'static [(&'static str, i32)],
) -> Order {
    Order {
        customer,
        month,
        day,
        cancelled: false,
        lines,
    }
}

/// The batch of orders each run adds.
pub const ORDERS: [Order; 9] = [
    order("ann@example.com", 1, 5, &[("TEE-RED-M", 2), ("MUG-RED", 1)]),
    order("bob@example.com", 1, 17, &[("CAP-BLACK", 1)]),
    order(
        "ann@example.com",
        1,
        28,
        &[("TEE-BLUE-L", 1), ("CAP-BLACK", 2), ("MUG-RED", 4)],
    ),
    Order {
        cancelled: true,
        ..order("bob@example.com", 2, 2, &[("TEE-RED-M", 5)])
    },
    order("bob@example.com", 2, 14, &[("MUG-RED", 6)]),
    order("ann@example.com", 2, 20, &[("TEE-RED-M", 1)]),
    order(
        "bob@example.com",
        3,
        3,
        &[("TEE-BLUE-L", 3), ("CAP-BLACK", 1)],
    ),
    Order {
        cancelled: true,
        ..order("ann@example.com", 3, 9, &[("CAP-BLACK", 1)])
    },
    order(
        "ann@example.com",
        3,
        30,
        &[("MUG-RED", 2), ("TEE-BLUE-L", 1)],
    ),
];

/// The price of a product, in cents.
pub fn price_cents(sku: &str) -> i64 {
    PRODUCTS
        .iter()
        .find(|p| p.sku == sku)
        .map_or(0, |p| p.price_cents)
}
