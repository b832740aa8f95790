//! Compile-fail and compile-pass cases; see `ui.rs`.
