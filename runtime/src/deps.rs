//! The crates whose values sqlwright's types bind and load, re-exported so that a program
//! uses the versions sqlwright was built with and needs no matching dependency of its own:
//! `sqlwright::deps::chrono::NaiveDate`, `sqlwright::deps::rust_decimal::Decimal`.
//!
//! The module is `#[doc(hidden)]`, and not the crate root: rustc then keeps the crates' names
//! out of the short paths it prints in compile errors (see docs/design.md, "The value crates
//! are re-exported under a hidden `deps`"). It is API all the same
//! (`tests/integration/types_more.rs` uses it).

#[cfg(feature = "chrono")]
pub use chrono;
#[cfg(feature = "ipnetwork")]
pub use ipnetwork;
#[cfg(feature = "rust_decimal")]
pub use rust_decimal;
#[cfg(feature = "serde_json")]
pub use serde_json;
#[cfg(feature = "time")]
pub use time;
#[cfg(feature = "uuid")]
pub use uuid;
