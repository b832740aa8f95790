//! The types of columns reflected without an OID: MySQL/MariaDB's and SQLite's, which
//! reflection names with PostgreSQL's short names (`int4`, `varchar`, `timestamp`) plus
//! MySQL's unsigned ones (`uint1` .. `uint8`). A value is checked against the name, and
//! on MySQL against the integer's real width, which the short name rounds up
//! (`TINYINT` is `int2`, `MEDIUMINT` `int4`): the declared type (`tinyint(4) unsigned`)
//! says which. SQLite stores any 64-bit integer whatever the declared type, so there the
//! short name's range is the bound, as for the typed API's `Int2`.

use super::Value;
use crate::reflect::ReflectedColumn;
use postgres_types::Type;

/// The smallest and largest integer column `column` holds, when it is an integer column
/// (`mysql`: the table is MySQL's, whose TINYINT and MEDIUMINT are narrower).
fn int_range(column: &ReflectedColumn, mysql: bool) -> Option<(i128, i128)> {
    let declared = column.sql_type.to_ascii_lowercase();
    let tiny = mysql && declared.starts_with("tinyint");
    let medium = mysql && declared.starts_with("mediumint");
    Some(match column.type_name.as_str() {
        "int2" if tiny => (i8::MIN.into(), i8::MAX.into()),
        "int2" => (i16::MIN.into(), i16::MAX.into()),
        "int4" if medium => (-(1 << 23), (1 << 23) - 1),
        "int4" => (i32::MIN.into(), i32::MAX.into()),
        "int8" => (i64::MIN.into(), i64::MAX.into()),
        "uint1" => (0, u8::MAX.into()),
        "uint2" => (0, u16::MAX.into()),
        "uint4" if medium => (0, (1 << 24) - 1),
        "uint4" => (0, u32::MAX.into()),
        "uint8" => (0, u64::MAX.into()),
        _ => return None,
    })
}

/// The type names a value of its own kind goes to; a column of any other type (MariaDB's
/// `inet6`, `year`, a `SET`) takes text, which the server converts, as PostgreSQL's
/// enums and domains do.
const KNOWN: &[&str] = &[
    "bool",
    "int2",
    "int4",
    "int8",
    "uint1",
    "uint2",
    "uint4",
    "uint8",
    "float4",
    "float8",
    "numeric",
    "bytea",
    "date",
    "time",
    "timestamp",
    "timestamptz",
    "uuid",
    "json",
    "jsonb",
];

/// The PostgreSQL type a parameter for `column` is declared with (kept in the statement's
/// fingerprint; MySQL and SQLite bind by the value's own kind), or `None` for a column no
/// value can be bound to (an array).
pub(super) fn declared(column: &ReflectedColumn) -> Option<Type> {
    if column.type_name.ends_with("[]") {
        return None;
    }
    Some(match column.type_name.as_str() {
        "bool" => Type::BOOL,
        "int2" => Type::INT2,
        "int4" => Type::INT4,
        "int8" | "uint1" | "uint2" | "uint4" => Type::INT8,
        "uint8" | "numeric" => Type::NUMERIC,
        "float4" => Type::FLOAT4,
        "float8" => Type::FLOAT8,
        "bytea" => Type::BYTEA,
        "date" => Type::DATE,
        "time" => Type::TIME,
        "timestamp" => Type::TIMESTAMP,
        "timestamptz" => Type::TIMESTAMPTZ,
        "uuid" => Type::UUID,
        "json" => Type::JSON,
        "jsonb" => Type::JSONB,
        _ => Type::TEXT,
    })
}

/// Whether `value` fits `column`, a column reflected without an OID, in a statement
/// rendered for MySQL (`mysql`) or SQLite.
pub(super) fn fits(value: &Value, column: &ReflectedColumn, mysql: bool) -> bool {
    let name = column.type_name.as_str();
    // SQLite's column without a type takes any value.
    let any = name == "any";
    let float = matches!(name, "float4" | "float8");
    let numeric = name == "numeric";
    let integer = |n: i128| {
        any || float
            || numeric
            || int_range(column, mysql).is_some_and(|(min, max)| (min..=max).contains(&n))
    };
    match value {
        Value::Null => true,
        Value::Bool(_) => any || name == "bool",
        Value::Int(n) => integer((*n).into()),
        Value::UInt(n) => integer((*n).into()),
        Value::Float(x) => any || float || (numeric && x.is_finite()),
        Value::Text(_) => {
            any || column.is_enum
                || matches!(name, "text" | "varchar" | "bpchar" | "name")
                || !KNOWN.contains(&name)
        }
        Value::Bytes(_) => any || name == "bytea",
        #[cfg(feature = "rust_decimal")]
        Value::Numeric(_) => any || numeric,
        #[cfg(feature = "chrono")]
        Value::Date(_) => any || name == "date",
        #[cfg(feature = "chrono")]
        Value::Time(_) => any || name == "time",
        #[cfg(feature = "chrono")]
        Value::Timestamp(_) => any || name == "timestamp",
        // MySQL keeps an instant as its UTC date and time (the session's time zone is
        // +00:00) in a DATETIME or a TIMESTAMP, both reflected as `timestamp`; SQLite's
        // `timestamp` is a local date and time.
        #[cfg(feature = "chrono")]
        Value::Timestamptz(_) => any || name == "timestamptz" || (mysql && name == "timestamp"),
        #[cfg(feature = "uuid")]
        Value::Uuid(_) => any || name == "uuid",
        #[cfg(feature = "serde_json")]
        Value::Json(_) => any || matches!(name, "json" | "jsonb"),
        Value::Array(_) => false,
    }
}

/// What MySQL is sent for `value` in `column`, when not the value itself: a float for a
/// DECIMAL column goes as the text of its shortest exact form (`0.1` is `0.1`), which
/// the server reads as an exact decimal, rather than as a double it would convert.
pub(super) fn mysql_form(value: &Value, column: &ReflectedColumn) -> Option<Value> {
    match value {
        Value::Float(x) if column.type_name == "numeric" => Some(Value::Text(x.to_string())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(type_name: &str, sql_type: &str) -> ReflectedColumn {
        ReflectedColumn {
            name: "c".into(),
            sql_type: sql_type.into(),
            type_name: type_name.into(),
            type_schema: String::new(),
            type_oid: 0,
            is_enum: false,
            nullable: true,
            default: None,
            serial: false,
            comment: None,
        }
    }

    #[test]
    fn integers_are_checked_against_the_declared_width() {
        let tiny = column("int2", "tinyint(4)");
        assert!(fits(&Value::Int(127), &tiny, true));
        assert!(!fits(&Value::Int(128), &tiny, true));
        assert!(!fits(&Value::Int(-129), &tiny, true));
        let medium = column("uint4", "mediumint(8) unsigned");
        assert!(fits(&Value::Int((1 << 24) - 1), &medium, true));
        assert!(!fits(&Value::Int(1 << 24), &medium, true));
        assert!(!fits(&Value::Int(-1), &medium, true));
        let big = column("uint8", "bigint(20) unsigned");
        assert!(fits(&Value::UInt(u64::MAX), &big, true));
        assert!(!fits(&Value::Int(-1), &big, true));
        let signed = column("int8", "bigint(20)");
        assert!(!fits(&Value::UInt(u64::MAX), &signed, true));
        assert!(fits(&Value::UInt(i64::MAX as u64), &signed, true));
    }

    #[test]
    fn kinds_go_to_their_own_columns() {
        let flag = column("bool", "tinyint(1)");
        assert!(fits(&Value::Bool(true), &flag, true));
        assert!(!fits(&Value::Int(1), &flag, true));
        let text = column("varchar", "varchar(20)");
        assert!(fits(&Value::Text("x".into()), &text, true));
        assert!(!fits(&Value::Int(1), &text, true));
        assert!(fits(
            &Value::Text("::1".into()),
            &column("inet6", "inet6"),
            true
        ));
        assert!(!fits(
            &Value::Text("1".into()),
            &column("int4", "int(11)"),
            true
        ));
        let money = column("numeric", "decimal(12,2)");
        assert!(fits(&Value::Float(0.1), &money, true));
        assert!(!fits(&Value::Float(f64::NAN), &money, true));
        assert_eq!(
            mysql_form(&Value::Float(0.1), &money),
            Some(Value::Text("0.1".into()))
        );
        assert!(!fits(&Value::array([1]), &column("any", ""), true));
        assert!(fits(&Value::Int(1), &column("any", ""), true));
    }

    #[test]
    fn sqlite_columns_take_the_short_names_range_and_no_instants_in_timestamps() {
        // SQLite stores any 64-bit integer in a column declared TINYINT (reflected `int2`).
        let tiny = column("int2", "TINYINT");
        assert!(fits(&Value::Int(300), &tiny, false));
        assert!(!fits(&Value::Int(300), &tiny, true));
        assert!(!fits(&Value::Int(40_000), &tiny, false));
        let medium = column("int4", "mediumint");
        assert!(fits(&Value::Int(1 << 24), &medium, false));
        assert!(!fits(&Value::Int(1 << 24), &medium, true));
        #[cfg(feature = "chrono")]
        {
            let instant = Value::Timestamptz(chrono::DateTime::UNIX_EPOCH);
            for declared in ["timestamp", "TIMESTAMP", "datetime"] {
                let local = column("timestamp", declared);
                assert!(!fits(&instant, &local, false), "{declared}");
                assert!(fits(&instant, &local, true), "{declared}");
            }
        }
    }
}
