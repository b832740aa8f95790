//! Compile-fail and compile-pass cases for sqlwright's compile-time rules; see `ui.rs`.
//! Every case declares the tables it needs with `schema!()` so each file stands alone.

/// The tables the cases share.
#[macro_export]
macro_rules! schema {
    () => {
        sqlwright::table! {
            users (id) {
                id -> Int4,
                name -> Text,
                hair_color -> Nullable<Text>,
                active -> Bool,
            }
            posts (id) {
                id -> Int4,
                user_id -> Int4,
                title -> Text,
            }
        }
    };
}
