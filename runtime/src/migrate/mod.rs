//! Migrations: SQL files run in order, and autogenerate ([`autogen`]), which writes them.

pub mod autogen;
