//! The `table!` declaration syntax: [`parse`](syn::parse::Parse) into a [`Schema`] model,
//! validated with errors that point at the offending tokens.
//!
//! Kept apart from code generation so that the `table!` macro (in `sqlwright-macros`) and
//! the `sqlwright` CLI (`verify-schema` reads declarations from source files) parse
//! declarations the same way.

#![deny(missing_docs)]

mod enums;
mod model;
mod parse;
mod sized;

pub use enums::{snake_case, SqlEnum};
pub use model::{doc_text, Check, Column, CompositeKey, References, Rule, Schema, Table, Unique};
