//! Tables shared by the integration tests.

sqlwright::table! {
    /// People who buy things.
    users (id) {
        #[serial] id -> Int4,
        name -> Text,
        #[unique] email -> Text,
        hair_color -> Nullable<Text>,
        age -> Nullable<Int4>,
    }
}

pub const USERS_DDL: &str = "CREATE TABLE users (
    id serial PRIMARY KEY,
    name text NOT NULL,
    email text NOT NULL UNIQUE,
    hair_color text,
    age int4
)";
