//! Redacted parameters: values bound against a `#[sensitive]` column, raw parameters bound
//! with `bind_sensitive`, and every parameter with the global switch on, are shown as
//! `<redacted>` in `tracing` events (and echo), yet reach the server unchanged.

use crate::session::capture_sql;
use crate::{engine_setup, setup};
use sqlwright::prelude::*;
use sqlwright::raw;

sqlwright::table! {
    accounts (id) {
        #[serial] id -> Int4,
        #[unique] login -> Text,
        #[sensitive] password_hash -> Text,
        #[sensitive] #[sql_name = "pin code"] pin -> Nullable<Int4>,
    }
}

const ACCOUNTS: &str = r#"
CREATE TABLE accounts (
    id serial PRIMARY KEY,
    login text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    "pin code" int4
);"#;

#[derive(sqlwright::Insertable)]
#[sqlwright(table = accounts)]
struct NewAccount<'a> {
    login: &'a str,
    password_hash: &'a str,
}

#[derive(sqlwright::Changeset)]
#[sqlwright(table = accounts)]
struct AccountChanges<'a> {
    login: Option<&'a str>,
    password_hash: Option<&'a str>,
}

/// The log lines, checked to hold none of `secrets` and every one of `shown`.
fn assert_hidden(log: &[String], secrets: &[&str], shown: &[&str]) {
    let text = log.join("\n");
    for secret in secrets {
        assert!(!text.contains(secret), "`{secret}` leaked: {text}");
    }
    for value in shown {
        assert!(text.contains(value), "`{value}` is missing: {text}");
    }
    if !secrets.is_empty() {
        assert!(text.contains("<redacted>"), "{text}");
    }
}

#[test]
fn values_bound_to_sensitive_columns_are_redacted_in_the_log() {
    let mut db = setup(ACCOUNTS);
    let conn = &mut db.conn;

    // INSERT: one row, many rows, and a derived struct.
    let (inserted, log) = capture_sql(|| {
        let one = insert_into(accounts::table)
            .values((
                accounts::login.to("ann"),
                accounts::password_hash.to("hash-ann-s3cret"),
                accounts::pin.to(Some(987_654)),
            ))
            .execute(conn)
            .unwrap();
        let many = insert_into(accounts::table)
            .values(vec![
                (
                    accounts::login.to("bob"),
                    accounts::password_hash.to("hash-bob-s3cret"),
                ),
                (
                    accounts::login.to("cid"),
                    accounts::password_hash.to("hash-cid-s3cret"),
                ),
            ])
            .execute(conn)
            .unwrap();
        let derived = insert_into(accounts::table)
            .values(&NewAccount {
                login: "dee",
                password_hash: "hash-dee-s3cret",
            })
            .execute(conn)
            .unwrap();
        one + many + derived
    });
    assert_eq!(inserted, 4);
    assert_eq!(log.len(), 3, "{log:#?}");
    assert_hidden(
        &log,
        &["s3cret", "987654"],
        &[r#""ann""#, r#""bob""#, r#""cid""#, r#""dee""#],
    );
    assert!(
        log[0].contains(r#"params=["ann", <redacted>, <redacted>]"#),
        "{}",
        log[0]
    );

    // Filters: comparisons, BETWEEN and IN, either side of the operator.
    let (found, log) = capture_sql(|| {
        let by_hash = accounts::table
            .filter(accounts::login.eq("ann") & accounts::password_hash.eq("hash-ann-s3cret"))
            .select(accounts::id)
            .load(conn)
            .unwrap();
        let by_pin = accounts::table
            .filter(accounts::pin.between(987_000, 987_999))
            .select(accounts::login)
            .load(conn)
            .unwrap();
        let listed = accounts::table
            .filter(accounts::password_hash.in_(["hash-bob-s3cret", "hash-cid-s3cret"]))
            .count(conn)
            .unwrap();
        let flipped = accounts::table
            .filter(value("hash-dee-s3cret").eq(accounts::password_hash))
            .select(accounts::login)
            .load(conn)
            .unwrap();
        (by_hash, by_pin, listed, flipped)
    });
    assert_eq!(
        found,
        (vec![1], vec!["ann".to_string()], 2, vec!["dee".to_string()])
    );
    assert_eq!(log.len(), 4, "{log:#?}");
    assert_hidden(&log, &["s3cret", "987000", "987999"], &[r#""ann""#]);
    assert!(
        log[0].contains(r#"params=["ann", <redacted>]"#),
        "{}",
        log[0]
    );

    // UPDATE with `set`, with a derived changeset, and an upsert's DO UPDATE.
    let (updated, log) = capture_sql(|| {
        let set = update(accounts::table)
            .filter(accounts::login.eq("ann"))
            .set(accounts::password_hash.to("hash-ann-n3w"))
            .execute(conn)
            .unwrap();
        let changed = update(accounts::table)
            .filter(accounts::login.eq("bob"))
            .set(&AccountChanges {
                login: Some("bobby"),
                password_hash: Some("hash-bob-n3w"),
            })
            .execute(conn)
            .unwrap();
        let upserted = insert_into(accounts::table)
            .values((
                accounts::login.to("cid"),
                accounts::password_hash.to("hash-cid-ign0red"),
            ))
            .on_conflict(accounts::login)
            .do_update(accounts::password_hash.to("hash-cid-n3w"))
            .execute(conn)
            .unwrap();
        set + changed + upserted
    });
    assert_eq!(updated, 3);
    assert_hidden(
        &log,
        &["n3w", "ign0red"],
        &[r#""ann""#, r#""bobby""#, r#""bob""#, r#""cid""#],
    );

    // The values reached the server unchanged.
    let stored = accounts::table
        .order_by(accounts::id)
        .select((accounts::login, accounts::password_hash, accounts::pin))
        .load(conn)
        .unwrap();
    assert_eq!(
        stored,
        vec![
            ("ann".into(), "hash-ann-n3w".into(), Some(987_654)),
            ("bobby".into(), "hash-bob-n3w".into(), None),
            ("cid".into(), "hash-cid-n3w".into(), None),
            ("dee".into(), "hash-dee-s3cret".into(), None),
        ]
    );

    // Shown SQL redacts them too.
    let q = accounts::table
        .filter(accounts::password_hash.eq("hash-ann-n3w") & accounts::login.eq("ann"))
        .select(accounts::id);
    assert!(
        q.debug_sql().ends_with(r#"-- binds: [<redacted>, "ann"]"#),
        "{}",
        q.debug_sql()
    );

    // Raw SQL: parameters bound with `bind_sensitive`.
    let (rows, log) = capture_sql(|| {
        raw::sql("SELECT id FROM accounts WHERE password_hash = :hash AND login <> :login")
            .bind_sensitive("hash", "hash-dee-s3cret")
            .bind("login", "nobody")
            .load(conn)
            .unwrap()
    });
    assert_eq!(rows.len(), 1);
    assert_hidden(&log, &["s3cret"], &[r#""nobody""#]);
    let q = raw::sql("SELECT :a, :b")
        .bind("a", 1)
        .bind_sensitive("b", "hash-s3cret");
    assert!(!format!("{q:?}").contains("s3cret"), "{q:?}");
    assert!(
        q.render()
            .unwrap()
            .to_string()
            .ends_with("-- binds: [1, <redacted>]"),
        "{}",
        q.render().unwrap()
    );
}

#[test]
fn the_global_switch_redacts_every_parameter() {
    let mut db = setup(ACCOUNTS);
    db.conn.set_redact_params(true);
    let (rows, log) = capture_sql(|| {
        insert_into(accounts::table)
            .values((
                accounts::login.to("visible-login"),
                accounts::password_hash.to("hash-s3cret"),
            ))
            .execute(&mut db.conn)
            .unwrap();
        raw::sql("SELECT login FROM accounts WHERE login = :login")
            .bind("login", "visible-login")
            .load(&mut db.conn)
            .unwrap()
    });
    assert_eq!(rows.len(), 1);
    assert_eq!(log.len(), 2, "{log:#?}");
    assert_hidden(&log, &["visible-login", "s3cret"], &[]);
    assert!(
        log[0].contains("params=[<redacted>, <redacted>]"),
        "{}",
        log[0]
    );

    // Off again: only sensitive columns stay hidden.
    db.conn.set_redact_params(false);
    let (_, log) = capture_sql(|| {
        accounts::table
            .filter(accounts::login.eq("visible-login"))
            .count(&mut db.conn)
            .unwrap()
    });
    assert_hidden(&log, &[], &["visible-login"]);

    // An engine hands out connections that redact, also after one was given back.
    let e = engine_setup(ACCOUNTS, |b| b.redact_params(true));
    for _ in 0..2 {
        let mut conn = e.engine.connect().unwrap();
        let (count, log) = capture_sql(|| {
            accounts::table
                .filter(accounts::login.eq("engine-login"))
                .count(&mut conn)
                .unwrap()
        });
        assert_eq!(count, 0);
        assert_hidden(&log, &["engine-login"], &[]);
    }
}
