//! The writer: fingerprints, quoting, placeholders, redaction.

use super::*;
use postgres_types::Type;

#[test]
fn fingerprints_agree_across_modes_and_tell_shapes_apart() {
    let render = |mut w: SqlWriter<'static>, limit: bool| {
        w.sql("SELECT ");
        w.column("users", "name");
        w.sql(" FROM ");
        w.ident("users");
        if limit {
            w.sql(" LIMIT ");
            w.bind(&5i64, Type::INT8);
        }
        w.finish()
    };
    let text = render(SqlWriter::new(), true);
    let bare = render(SqlWriter::fingerprint_only(), true);
    assert_eq!(text.sql, r#"SELECT "users"."name" FROM "users" LIMIT $1"#);
    assert!(bare.sql.is_empty() && !bare.has_text && text.has_text);
    assert_eq!(text.key, bare.key);
    assert_eq!(bare.params.len(), 1);
    assert_ne!(text.key, render(SqlWriter::new(), false).key);
    // The same text split differently into identifiers is a different statement.
    let mut a = SqlWriter::new();
    a.ident("ab");
    let mut b = SqlWriter::new();
    b.ident("a");
    b.ident("b");
    assert_ne!(a.finish().key, b.finish().key);
}

#[test]
fn identifiers_are_quoted_and_escaped() {
    let mut w = SqlWriter::new();
    w.ident("order");
    w.sql(" ");
    w.ident("we\"ird");
    w.sql(" ");
    w.column("пользователь_", "имя");
    assert_eq!(w.as_sql(), r#""order" "we""ird" "пользователь_"."имя""#);
}

#[test]
fn placeholders_count_parameters() {
    let (a, b) = (1i32, "x");
    let mut w = SqlWriter::new();
    w.bind(&a, Type::INT4);
    w.sql(" ");
    w.bind(&b, Type::TEXT);
    let r = w.finish();
    assert_eq!(r.sql, "$1 $2");
    assert_eq!(r.types, vec![Type::INT4, Type::TEXT]);
    assert_eq!(r.to_string(), "$1 $2 -- binds: [1, \"x\"]");
}

#[test]
fn parameters_bound_while_redacting_are_shown_redacted() {
    let (a, b, c) = (1i32, "secret", 3i32);
    let mut w = SqlWriter::new();
    w.bind(&a, Type::INT4);
    w.sql(" ");
    // An inner scope that is off does not end the outer one.
    w.redacting(true, |w| w.redacting(false, |w| w.bind(&b, Type::TEXT)));
    w.sql(" ");
    w.bind(&c, Type::INT4);
    let r = w.finish();
    assert_eq!(r.sensitive, vec![1]);
    assert_eq!(r.to_string(), "$1 $2 $3 -- binds: [1, <redacted>, 3]");
    assert_eq!(
        r.shown_params(true).to_string(),
        "[<redacted>, <redacted>, <redacted>]"
    );
    assert!(!format!("{r:?}").contains("secret"));
}

#[test]
fn a_nul_byte_in_text_bound_by_reference_is_noticed_whatever_its_rust_type() {
    macro_rules! nul_seen {
        ($value:expr, $ty:expr) => {{
            let value = $value;
            let mut w = SqlWriter::new();
            w.bind_value(&value, $ty);
            w.finish().nul_in_text
        }};
    }
    assert!(nul_seen!(String::from("a\0b"), Type::TEXT));
    assert!(nul_seen!(Some("a\0b"), Type::VARCHAR));
    assert!(!nul_seen!(None::<&str>, Type::TEXT));
    assert!(nul_seen!(
        vec![String::from("x"), String::from("y\0")],
        Type::TEXT_ARRAY
    ));
    assert!(!nul_seen!(String::from("plain"), Type::TEXT));
    // Not text: nothing to look for.
    assert!(!nul_seen!(b"a\0b".to_vec(), Type::BYTEA));
}

#[test]
fn the_types_key_agrees_across_modes_and_tells_types_apart() {
    static A: i32 = 1;
    static B: &str = "x";
    let render = |mut w: SqlWriter<'static>, second: Type| {
        w.sql("SELECT ");
        w.bind(&A, Type::INT4);
        w.sql(", ");
        w.bind(&B, second);
        w.finish()
    };
    let text = render(SqlWriter::new(), Type::TEXT);
    let bare = render(SqlWriter::fingerprint_only(), Type::TEXT);
    // Without the text the types are not collected; their key is the same.
    assert!(bare.types.is_empty() && bare.params.len() == 2);
    assert_eq!(text.types_key, bare.types_key);
    assert_eq!(text.types_key, TypesKey::of(&text.types));
    let other = render(SqlWriter::new(), Type::VARCHAR);
    assert_ne!(text.types_key, other.types_key);
    // Order counts, and so does the count of types.
    assert_ne!(
        TypesKey::of(&[Type::INT4, Type::TEXT]),
        TypesKey::of(&[Type::TEXT, Type::INT4])
    );
    assert_ne!(TypesKey::of(&[]), TypesKey::of(&[Type::UNKNOWN]));
    // Another backend keeps no types and hashes none.
    let mut w = SqlWriter::for_dialect(crate::backend::Dialect::Sqlite);
    w.bind(&A, Type::INT4);
    let sqlite = w.finish();
    assert!(sqlite.types.is_empty());
    assert_eq!(sqlite.types_key, TypesKey::of(&[]));
}
