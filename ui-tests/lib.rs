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
                #[references(users::id)]
                user_id -> Int4,
                title -> Text,
            }
            articles (id) {
                id -> Int4,
                #[references(users::id)]
                author_id -> Int4,
                #[references(users::id)]
                editor_id -> Nullable<Int4>,
            }
            tags (id) {
                id -> Int4,
                label -> Text,
            }
        }
        sqlwright::alias!(other_user = users);
    };
}
