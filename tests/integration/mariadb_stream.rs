//! Reading large results on MariaDB without holding them: `for_each` hands each row to its
//! closure as it comes off the socket, and `stream()` reads one row packet each time its
//! iterator is advanced, so memory stays bounded; a closure that stops half way, a stream
//! dropped half way and an error in the middle of a result leave the connection usable.

use sqlwright::prelude::*;
use sqlwright::testing::mariadb_database;
use sqlwright::{Connection, Error, Mysql};

sqlwright::table! {
    wide (id) {
        id -> Int4,
        body -> Text,
    }
    /// `n` is a BIGINT on the server, declared `Int4` here: a value past `i32` fails to
    /// decode at its row.
    narrow (id) {
        id -> Int4,
        n -> Int4,
    }
    /// Two rows of one `k`: a scalar subquery on `k` fails at that row.
    pairs (id) {
        id -> Int4,
        k -> Int4,
    }
    /// A view no reader could finish: `wide` crossed with itself three times.
    endless (id) {
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

#[test]
fn mariadb_stream_reads_rows_in_order() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(
        "CREATE TABLE wide (id INT PRIMARY KEY, body TEXT NOT NULL);
         INSERT INTO wide VALUES (3, 'c'), (1, 'a'), (2, 'b'), (4, 'd')",
    )
    .unwrap();
    let rows: Vec<(i32, String)> = wide::table
        .select((wide::id, wide::body))
        .filter(wide::id.lt(4))
        .order_by(wide::id.desc())
        .stream(&mut conn)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        vec![(3, "c".into()), (2, "b".into()), (1, "a".into())]
    );
    // In batches, and a result without rows.
    let batches: Vec<Vec<i32>> = wide::table
        .select(wide::id)
        .order_by(wide::id)
        .stream(&mut conn)
        .unwrap()
        .batches(3)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(batches, vec![vec![1, 2, 3], vec![4]]);
    let mut none = wide::table
        .select(wide::id)
        .filter(wide::id.gt(10))
        .stream(&mut conn)
        .unwrap();
    assert!(none.next().is_none());
    assert!(none.next().is_none());
}

#[test]
fn mariadb_stream_reads_100k_rows_without_holding_them() {
    let (_db, mut conn) = with_wide();
    let before = peak_kib();
    let (mut count, mut sum, mut bytes, mut last) = (0i64, 0i64, 0usize, 0);
    for row in wide::table
        .select((wide::id, wide::body))
        .order_by(wide::id)
        .stream(&mut conn)
        .unwrap()
    {
        let (id, body): (i32, String) = row.unwrap();
        assert!(id > last, "rows come in order");
        last = id;
        count += 1;
        sum += i64::from(id);
        bytes += body.len();
    }
    assert_eq!(count, ROWS);
    assert_eq!(sum, ROWS * (ROWS + 1) / 2);
    assert_eq!(bytes, ROWS as usize * BODY);
    // A 100 MB result, read one row at a time: the process's peak grows by far less (a
    // loose bound: other tests of this process run at the same time).
    let grown = peak_kib().saturating_sub(before);
    assert!(grown < 40 * 1024, "peak memory grew by {grown} KiB");
}

#[test]
fn mariadb_stream_dropped_half_way_leaves_the_connection_usable() {
    let (_db, mut conn) = with_wide();
    let mut rows = wide::table
        .select(wide::id)
        .order_by(wide::id)
        .stream(&mut conn)
        .unwrap();
    let first: Vec<i32> = rows.fetch_many(3).unwrap();
    assert_eq!(first, vec![1, 2, 3]);
    drop(rows);
    // The rest was read and dropped: the next statements get their own answers.
    let last: Vec<i32> = wide::table
        .select(wide::id)
        .filter(wide::id.gt(ROWS as i32 - 2))
        .order_by(wide::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(last, vec![ROWS as i32 - 1, ROWS as i32]);
    // Inside a transaction too, which goes on and commits.
    conn.transaction(|tx| {
        let mut rows = wide::table.select(wide::id).order_by(wide::id).stream(tx)?;
        assert_eq!(rows.next().transpose()?, Some(1));
        drop(rows);
        sqlwright::query::delete(wide::table)
            .filter(wide::id.eq(1))
            .execute(tx)
    })
    .unwrap();
    assert_eq!(wide::table.count(&mut conn).unwrap(), ROWS - 1);
}

#[test]
fn mariadb_stream_errors_in_the_middle_are_items_and_the_connection_goes_on() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(
        "CREATE TABLE narrow (id INT PRIMARY KEY, n BIGINT NOT NULL);
         INSERT INTO narrow VALUES (1, 10), (2, 20), (3, 5000000000), (4, 40);
         CREATE TABLE pairs (id INT PRIMARY KEY, k INT NOT NULL);
         INSERT INTO pairs VALUES (1, 1), (2, 2), (3, 3), (4, 3), (5, 5)",
    )
    .unwrap();
    // A value that does not fit its declared type: the third row is an error, and the
    // stream ends there.
    let mut rows = narrow::table
        .select((narrow::id, narrow::n))
        .order_by(narrow::id)
        .stream(&mut conn)
        .unwrap();
    assert_eq!(rows.next().unwrap().unwrap(), (1, 10));
    assert_eq!(rows.next().unwrap().unwrap(), (2, 20));
    let err = rows.next().unwrap().unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(rows.next().is_none());
    drop(rows);
    // The server's error after rows were sent: a scalar subquery that finds two rows for
    // k = 3 ("Subquery returns more than 1 row").
    let mut seen = Vec::new();
    let mut failed = None;
    let q = narrow::table
        .select(narrow::id)
        .filter(
            narrow::id.eq(pairs::table
                .correlate(narrow::table)
                .select(pairs::k)
                .filter(pairs::k.eq(narrow::id))
                .scalar_subquery()),
        )
        .order_by(narrow::id);
    for row in q.stream(&mut conn).unwrap() {
        match row {
            Ok(id) => seen.push(id),
            Err(e) => failed = Some(e),
        }
    }
    assert_eq!(seen, vec![1, 2]);
    match failed {
        Some(Error::Database(e)) => assert!(e.message.contains("more than 1 row"), "{e:?}"),
        other => panic!("{other:?}"),
    }
    // The connection answers the next statement.
    let ids: Vec<i32> = narrow::table
        .select(narrow::id)
        .order_by(narrow::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(ids, vec![1, 2, 3, 4]);
}

#[test]
fn mariadb_raw_sql_streams_its_rows() {
    let (_db, mut conn) = with_wide();
    let query = sqlwright::raw::sql("SELECT id, body FROM wide WHERE id > :from ORDER BY id")
        .bind("from", ROWS - 3);
    let rows: Vec<(i32, usize)> = query
        .stream(&mut conn)
        .unwrap()
        .map(|row| {
            let row = row?;
            Ok((row.get::<i32>("id")?, row.get::<String>(1)?.len()))
        })
        .collect::<Result<_, Error>>()
        .unwrap();
    let last = ROWS as i32;
    assert_eq!(rows, vec![(last - 2, BODY), (last - 1, BODY), (last, BODY)]);
    // Dropped after one row of the whole table: the connection answers the next statement.
    let all = sqlwright::raw::sql("SELECT id FROM wide ORDER BY id");
    let mut stream = all.stream(&mut conn).unwrap();
    let first = stream.next().unwrap().unwrap();
    assert_eq!(first.keys(), vec!["id"]);
    assert_eq!(first.get::<i64>(0).unwrap(), 1);
    drop(stream);
    assert_eq!(wide::table.count(&mut conn).unwrap(), ROWS);
}

/// A result nobody could read to its end: 1000 rows crossed with themselves three times,
/// 10^9 rows of 100 bytes. A stream dropped after its first row, or a `for_each` whose
/// closure stops there, cannot drain it: the rest is read for 2 s, then the server is asked
/// to stop the statement (`KILL QUERY` on a second connection), and the connection goes on,
/// in a transaction too (whose work survives the kill and commits).
#[test]
fn mariadb_a_result_no_drain_could_finish_is_stopped_and_the_connection_goes_on() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(
        "CREATE TABLE wide (id INT PRIMARY KEY, body TEXT NOT NULL);
         INSERT INTO wide (id, body)
         WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 1000)
         SELECT i, REPEAT('x', 100) FROM g;
         CREATE VIEW endless AS
         SELECT a.id, b.body FROM wide a CROSS JOIN wide b CROSS JOIN wide c",
    )
    .unwrap();
    let alive = |conn: &mut Connection<Mysql>| wide::table.count(conn).unwrap();

    let mut rows = endless::table
        .select(endless::id)
        .stream(&mut conn)
        .unwrap();
    let _first: i32 = rows.next().unwrap().unwrap();
    drop(rows);
    assert_eq!(alive(&mut conn), 1000);

    let raw = sqlwright::raw::sql("SELECT id, body FROM endless");
    let mut rows = raw.stream(&mut conn).unwrap();
    assert_eq!(rows.next().unwrap().unwrap().keys(), vec!["id", "body"]);
    drop(rows);
    assert_eq!(alive(&mut conn), 1000);

    let err = endless::table
        .select((endless::id, endless::body))
        .for_each(&mut conn, |_: (i32, String)| Err(Error::NotFound))
        .unwrap_err();
    assert!(matches!(err, Error::NotFound), "{err:?}");
    assert_eq!(alive(&mut conn), 1000);

    conn.transaction(|tx| {
        sqlwright::query::delete(wide::table)
            .filter(wide::id.eq(1))
            .execute(tx)?;
        let mut rows = endless::table.select(endless::id).stream(tx)?;
        assert!(rows.next().transpose()?.is_some());
        drop(rows);
        sqlwright::query::delete(wide::table)
            .filter(wide::id.eq(2))
            .execute(tx)
    })
    .unwrap();
    assert_eq!(alive(&mut conn), 998);
}
