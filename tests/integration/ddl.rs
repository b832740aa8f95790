//! `create_all` with names that collide with the SQL it writes around them.

use crate::setup;
use crate::twice::twice;

mod cycle {
    sqlwright::table! {
        /// Its name holds the dollar-quote tag `create_all` used to write around an ALTER.
        #[sql_name = "roosts$sqlwright$"]
        roosts (id) {
            id -> Int4,
            #[sql_name = "perch$sqlwright1$"]
            #[references(perches::id)]
            perch_id -> Nullable<Int4>,
        }
        perches (id) {
            id -> Int4,
            #[references(roosts::id)] roost_id -> Nullable<Int4>,
        }
    }
}

twice! {
    /// A foreign key in a reference cycle is added by an ALTER inside a dollar-quoted DO block;
    /// names holding `$sqlwright$` (and `$sqlwright1$`) get a tag that none of them holds.
    fn dollar_quote_tags_avoid_the_names_they_quote() {
        const CYCLE: sqlwright::ddl::Schema = sqlwright::schema!(cycle::roosts, cycle::perches);
        let sql = CYCLE.create_sql(true);
        assert!(
            sql.contains("DO $sqlwright2$ BEGIN ALTER TABLE \"roosts$sqlwright$\""),
            "{sql}"
        );
        let mut db = setup("");
        go!(CYCLE.create_all(&mut db.conn, true)).unwrap();
        go!(CYCLE.create_all(&mut db.conn, true)).unwrap();
        let keys: Vec<String> = go!(sqlwright::raw::sql(
            "SELECT conname::text AS name FROM pg_constraint WHERE contype = 'f' ORDER BY 1",
        )
        .load(&mut db.conn))
        .unwrap()
        .iter()
        .map(|r| r.get("name").unwrap())
        .collect();
        assert_eq!(
            keys,
            [
                "perches_roost_id_fkey",
                "roosts$sqlwright$_perch$sqlwright1$_fkey"
            ]
        );
    }

    /// Index and constraint names built from a 63-byte table name are shortened as PostgreSQL
    /// shortens its own (the label kept), so they neither collide with the table nor with each
    /// other, and a second `create_all(.., true)` finds them.
    fn names_built_from_a_63_byte_table_name_fit_and_stay_distinct() {
        const LONG: sqlwright::ddl::Schema = sqlwright::schema!(long::long_names, long::others);
        let table = "a_table_name_that_takes_every_one_of_the_sixty_three_bytes_wxyz";
        assert_eq!(table.len(), 63);
        let mut db = setup("");
        go!(LONG.create_all(&mut db.conn, false)).unwrap();
        go!(LONG.create_all(&mut db.conn, true)).unwrap();
        let mut names = |sql: &str| -> Vec<String> {
            go!(sqlwright::raw::sql(sql)
                .load(&mut db.conn))
                .unwrap()
                .iter()
                .map(|r| r.get("name").unwrap())
                .collect()
        };
        let indexes = names(&format!(
            "SELECT indexname::text AS name FROM pg_indexes WHERE tablename = '{table}' \
         AND indexname NOT LIKE '%pkey' ORDER BY 1"
        ));
        assert_eq!(indexes.len(), 2, "{indexes:?}");
        assert!(
            indexes.iter().all(|n| n.len() <= 63 && n.ends_with("_idx")),
            "{indexes:?}"
        );
        let keys =
            names("SELECT conname::text AS name FROM pg_constraint WHERE contype = 'f' ORDER BY 1");
        assert_eq!(keys.len(), 2, "{keys:?}");
        assert!(
            keys.iter().all(|n| n.len() <= 63 && n.ends_with("_fkey")),
            "{keys:?}"
        );
    }

    /// Two long table names that share their first 50 bytes still get two index names.
    fn shortened_index_names_of_two_tables_stay_distinct() {
        const YEARS: sqlwright::ddl::Schema = sqlwright::schema!(
            yearly::customer_order_line_item_attribute_value_history_2023,
            yearly::customer_order_line_item_attribute_value_history_2024
        );
        let mut db = setup("");
        go!(YEARS.create_all(&mut db.conn, false)).unwrap();
        go!(YEARS.create_all(&mut db.conn, true)).unwrap();
        let count: i64 = go!(raw_scalar!(sqlwright::raw::sql(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%pkey'",
        ), &mut db.conn))
        .unwrap()
        .unwrap();
        assert_eq!(count, 2);
    }
}

mod long {
    sqlwright::table! {
        /// A table whose name takes all of PostgreSQL's 63 bytes.
        #[sql_name = "a_table_name_that_takes_every_one_of_the_sixty_three_bytes_wxyz"]
        #[index(owner)]
        #[index(owner, title)]
        long_names (id) {
            id -> Int4,
            #[references(others::id)] owner -> Nullable<Int4>,
            title -> Text,
        }
        others (id) {
            id -> Int4,
            #[references(long_names::id)] back -> Nullable<Int4>,
        }
    }
}

mod yearly {
    sqlwright::table! {
        #[index(created_at)]
        customer_order_line_item_attribute_value_history_2023 (id) {
            id -> Int4,
            created_at -> Int8,
        }
        #[index(created_at)]
        customer_order_line_item_attribute_value_history_2024 (id) {
            id -> Int4,
            created_at -> Int8,
        }
    }
}
