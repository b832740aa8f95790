//! Runnable examples: `cargo run --example quickstart`.

// `#[path]`: `tpch.rs` next to this file is the example program, `tpch/` the library part.
#[path = "tpch/mod.rs"]
pub mod tpch;

// `#[path]` as for `tpch`: `probe.rs` is the program, `probes/` the probes it runs.
#[path = "probes/mod.rs"]
pub mod probes;
