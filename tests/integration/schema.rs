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

/// The `users` table, empty.
pub const EMPTY_USERS: &str = "
CREATE TABLE users (
    id serial PRIMARY KEY,
    name text NOT NULL,
    email text NOT NULL UNIQUE,
    hair_color text,
    age int4
);";

/// The five users of [`USERS`], as portable INSERT text.
macro_rules! user_rows {
    () => {
        "
INSERT INTO users (name, email, hair_color, age) VALUES
    ('Ann', 'ann@example.com', 'red', 30),
    ('Bob', 'bob@example.com', NULL, NULL),
    ('Cid', 'cid@example.com', 'black', 41),
    ('Dee', 'dee@example.com', 'red', 25),
    ('Ёжик', 'ezhik@example.com', NULL, 7);
"
    };
}

/// The `users` table with its five users, in PostgreSQL DDL.
pub const USERS: &str = concat!(
    "
CREATE TABLE users (
    id serial PRIMARY KEY,
    name text NOT NULL,
    email text NOT NULL UNIQUE,
    hair_color text,
    age int4
);",
    user_rows!()
);

/// The `users` table, for [`crate::both::with`] on any backend.
pub const USERS_SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(users);

/// The five users of [`USERS`], as portable INSERT text for [`crate::both::with`].
pub const USER_ROWS: &str = user_rows!();
