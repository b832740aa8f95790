//! Sized types and named constraints in `table!`: the sizes are DDL metadata, the columns
//! type-check as their plain types (`Varchar(255)` is `Text`, `Numeric(12, 2)` `Numeric`).
use sqlwright::prelude::*;

sqlwright::table! {
    #[primary_key(name = "accounts_pk")]
    #[unique(code, region, name = "accounts_code_region_key")]
    #[check("balance >= 0", name = "accounts_balance_ok")]
    accounts (id) {
        id -> Int4,
        #[unique(name = "accounts_email_uq")] email -> Varchar(255),
        code -> Char(4),
        region -> Nullable<Varchar(8)>,
        #[check = "length(code) = 4"] balance -> Numeric(12, 2),
        opened -> Timestamptz(3),
        aliases -> Array<Varchar(32)>,
    }
    transfers (id) {
        id -> Int4,
        #[references(accounts::id, name = source, constraint = "transfers_source_fk")]
        source_id -> Int4,
        at -> Timestamp(0),
    }
}

#[allow(dead_code)]
fn rows(conn: &mut Connection) -> Result<Vec<(String, String, Option<String>)>, sqlwright::Error> {
    accounts::table
        .filter(accounts::email.eq(accounts::code).or(accounts::region.eq("eu")))
        .select((accounts::email, accounts::code, accounts::region))
        .load(conn)
}

fn main() {
    let sql = sqlwright::schema!(accounts, transfers).create_sql(false);
    assert!(sql.contains(r#""email" varchar(255) NOT NULL CONSTRAINT "accounts_email_uq" UNIQUE"#), "{sql}");
    assert!(sql.contains(r#"CONSTRAINT "transfers_source_fk" REFERENCES "accounts""#), "{sql}");
}
