//! `create_all` with names that collide with the SQL it writes around them.

use crate::setup;

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

/// A foreign key in a reference cycle is added by an ALTER inside a dollar-quoted DO block;
/// names holding `$sqlwright$` (and `$sqlwright1$`) get a tag that none of them holds.
#[test]
fn dollar_quote_tags_avoid_the_names_they_quote() {
    const CYCLE: sqlwright::ddl::Schema = sqlwright::schema!(cycle::roosts, cycle::perches);
    let sql = CYCLE.create_sql(true);
    assert!(
        sql.contains("DO $sqlwright2$ BEGIN ALTER TABLE \"roosts$sqlwright$\""),
        "{sql}"
    );
    let mut db = setup("");
    CYCLE.create_all(&mut db.conn, true).unwrap();
    CYCLE.create_all(&mut db.conn, true).unwrap();
    let keys: Vec<String> = sqlwright::raw::sql(
        "SELECT conname::text AS name FROM pg_constraint WHERE contype = 'f' ORDER BY 1",
    )
    .load(&mut db.conn)
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
