//! `print-schema`'s output for the declarations in round_trip/declared.rs compiles, and
//! declares the same tables (names, types, nullability, keys, foreign keys, uniques).

mod declared {
    include!("round_trip/declared.rs");
}

mod printed {
    include!("round_trip/printed.rs");
}

use sqlwright::query::{Table, TableMeta};

fn summary(t: &TableMeta) -> String {
    let mut out = format!(
        "{} pk={:?} uniques={:?} doc={:?}\n",
        t.sql_name,
        t.primary_key,
        t.uniques,
        t.doc.trim()
    );
    for c in t.columns {
        out.push_str(&format!(
            "  {} {} null={} serial={} unique={} fk={:?} doc={:?}\n",
            c.sql_name,
            c.sql_type.replace("varchar", "text"),
            c.nullable,
            c.serial,
            c.unique,
            c.references.as_ref().map(|r| (r.table, r.column, r.on_delete, r.on_update)),
            c.doc.trim()
        ));
    }
    out
}

fn main() {
    let pairs = [
        (
            <declared::пользователь_::table as Table>::META,
            <printed::пользователь_::table as Table>::META,
        ),
        (
            <declared::order_lines::table as Table>::META,
            <printed::order_lines::table as Table>::META,
        ),
    ];
    for (a, b) in pairs {
        assert_eq!(summary(a), summary(b));
    }
}
