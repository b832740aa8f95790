//! Reading large results on MariaDB without holding them: `for_each` hands each row to its
//! closure as it comes off the socket (the driver reads the result row by row), so memory
//! stays bounded; and a closure that stops half way leaves the connection usable.

use sqlwright::prelude::*;
use sqlwright::testing::mariadb_database;
use sqlwright::{Connection, Error, Mysql};

sqlwright::table! {
    wide (id) {
        id -> Int4,
        body -> Text,
    }
}

const ROWS: i64 = 100_000;
/// Each row's text: 100 000 rows of it make a 100 MB result.
const BODY: usize = 1000;

/// A database whose table `wide` holds rows 1..=ROWS, each with BODY bytes of text.
fn with_wide() -> (sqlwright::testing::MariadbDatabase, Connection<Mysql>) {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(&format!(
        "CREATE TABLE wide (id INT PRIMARY KEY, body TEXT NOT NULL);
         SET SESSION max_recursive_iterations = {ROWS};
         INSERT INTO wide (id, body)
         WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < {ROWS})
         SELECT i, REPEAT('x', {BODY}) FROM g"
    ))
    .unwrap();
    (db, conn)
}

/// This process's peak resident memory so far, in KiB.
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn mariadb_for_each_reads_100k_rows_without_holding_them() {
    let (_db, mut conn) = with_wide();
    let before = peak_kib();
    let (mut sum, mut bytes) = (0i64, 0usize);
    let count = wide::table
        .select((wide::id, wide::body))
        .order_by(wide::id)
        .for_each(&mut conn, |(id, body): (i32, String)| {
            sum += i64::from(id);
            bytes += body.len();
            Ok(())
        })
        .unwrap();
    assert_eq!(count, ROWS as u64);
    assert_eq!(sum, ROWS * (ROWS + 1) / 2);
    assert_eq!(bytes, ROWS as usize * BODY);
    // The result is 100 MB; read row by row, the process's peak grows by far less (the
    // bound is loose because other tests of this process run at the same time).
    let grown = peak_kib().saturating_sub(before);
    assert!(grown < 40 * 1024, "peak memory grew by {grown} KiB");
}

#[test]
fn mariadb_for_each_stopped_half_way_leaves_the_connection_usable() {
    let (_db, mut conn) = with_wide();
    let mut seen = 0u64;
    let err = wide::table
        .select(wide::id)
        .order_by(wide::id)
        .for_each(&mut conn, |_id: i32| {
            seen += 1;
            if seen == ROWS as u64 / 2 {
                return Err(Error::NotFound);
            }
            Ok(())
        })
        .unwrap_err();
    assert!(matches!(err, Error::NotFound), "{err:?}");
    assert_eq!(
        seen,
        ROWS as u64 / 2,
        "the closure is not called after its error"
    );
    // The rest of the result was read and dropped: the next statements get their own answers.
    conn.ping().unwrap();
    let last: Vec<i32> = wide::table
        .select(wide::id)
        .filter(wide::id.gt(ROWS as i32 - 2))
        .order_by(wide::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(last, vec![ROWS as i32 - 1, ROWS as i32]);
    let n = wide::table
        .select(wide::id)
        .for_each(&mut conn, |_id: i32| Ok(()))
        .unwrap();
    assert_eq!(n, ROWS as u64);
}
