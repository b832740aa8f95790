//! `print-schema`'s output for the declarations in round_trip/declared.rs compiles, and
//! declares the same tables (names, types, nullability, keys, foreign keys, uniques).

mod declared {
    include!("round_trip/declared.rs");
}

mod printed {
    include!("round_trip/printed.rs");
}

// print-schema's output for the TPC-H schema (reflect::tpch_schema_prints_as_declarations_that_compile).
mod tpch {
    include!("round_trip/tpch_printed.rs");
}

use sqlwright::prelude::*;
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
    // The printed TPC-H declarations are usable in typed queries: a join along the printed
    // foreign key, and lineitem's composite primary key.
    let sql = tpch::lineitem::table
        .inner_join(tpch::orders::table)
        .select((tpch::orders::o_orderdate, tpch::lineitem::l_quantity))
        .to_sql();
    assert!(sql.contains(r#"INNER JOIN "orders" ON "lineitem"."l_orderkey" = "orders"."o_orderkey""#), "{sql}");
    assert_eq!(
        <tpch::lineitem::table as Table>::META.primary_key,
        ["l_orderkey", "l_linenumber"]
    );
    // The composite foreign key lineitem (l_partkey, l_suppkey) -> partsupp is a join path.
    let sql = tpch::lineitem::table
        .inner_join(tpch::lineitem::to_partsupp)
        .select(tpch::partsupp::ps_supplycost)
        .to_sql();
    assert!(sql.contains(r#""lineitem"."l_suppkey" = "partsupp"."ps_suppkey""#), "{sql}");
    assert_eq!(<tpch::lineitem::table as Table>::META.foreign_keys[0].table, "partsupp");
}
