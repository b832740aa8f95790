//! Runnable examples: `cargo run --example quickstart`.

// `#[path]`: `tpch.rs` next to this file is the example program, `tpch/` the library part.
#[path = "tpch/mod.rs"]
pub mod tpch;
