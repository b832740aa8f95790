//! `query::Batch`, `query::reads` and `query::Pipeline` on MariaDB (and SQLite): the
//! statements run one after another in one transaction the run opens (a savepoint inside
//! the caller's). Counts per statement; a failure names its statement, keeps nothing of the
//! batch and leaves the connection usable; inside a user transaction the batch's statements
//! are part of it; reads give one result per query, in order; async MySQL as blocking.

use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::query::{reads, Batch, Pipeline};
use sqlwright::{AsyncMysqlConnection, Error, MysqlConnection};

sqlwright::table! {
    shelves (id) {
        id -> Int4,
        name -> Text,
        stock -> Int4,
    }
}

const SHELVES: &str =
    "CREATE TABLE shelves (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE, \
                       stock INT NOT NULL)";

fn mariadb() -> (sqlwright::testing::MariadbDatabase, MysqlConnection) {
    let db = sqlwright::testing::mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(SHELVES).unwrap();
    conn.batch_execute(
        "INSERT INTO shelves VALUES (1, 'pens', 10), (2, 'ink', 5), (3, 'paper', 0)",
    )
    .unwrap();
    (db, conn)
}

fn names(conn: &mut MysqlConnection) -> Vec<(i32, String, i32)> {
    shelves::table.order_by(shelves::id).load(conn).unwrap()
}

fn shelf(id: i32, name: &str, stock: i32) -> (i32, String, i32) {
    (id, name.to_string(), stock)
}

#[test]
fn a_batch_runs_in_order_and_counts_each_statement_on_mariadb() {
    let (_db, mut conn) = mariadb();
    let mut none = vec![(
        shelves::id.to(9),
        shelves::name.to("x"),
        shelves::stock.to(1),
    )];
    none.clear();
    let counts = Batch::new()
        .with(insert_into(shelves::table).values((
            shelves::id.to(4),
            shelves::name.to("glue"),
            shelves::stock.to(3),
        )))
        .with(update(shelves::table).set(shelves::stock.to(shelves::stock + 1)))
        .with(insert_into(shelves::table).values(none))
        .with(delete(shelves::table).filter(shelves::stock.eq(1)))
        // Sees the rows the statements before it wrote.
        .with(
            update(shelves::table)
                .filter(shelves::name.eq("glue"))
                .set(shelves::stock.to(40)),
        )
        .execute(&mut conn)
        .unwrap();
    assert_eq!(counts, [1, 4, 0, 1, 1]);
    assert_eq!(
        names(&mut conn),
        [
            shelf(1, "pens", 11),
            shelf(2, "ink", 6),
            shelf(4, "glue", 40)
        ]
    );
    // An empty batch sends nothing.
    let counts = Batch::new().execute(&mut conn).unwrap();
    assert!(counts.is_empty());
}

#[test]
fn a_failed_statement_is_named_and_the_batch_keeps_nothing_on_mariadb() {
    let (_db, mut conn) = mariadb();
    let before = names(&mut conn);
    let failed = Batch::new()
        .with(delete(shelves::table).filter(shelves::id.eq(3)))
        .with(
            update(shelves::table)
                .filter(shelves::id.eq(1))
                .set(shelves::stock.to(99)),
        )
        // Duplicate name: the third statement (index 2) fails.
        .with(insert_into(shelves::table).values((
            shelves::id.to(5),
            shelves::name.to("ink"),
            shelves::stock.to(1),
        )))
        .with(delete(shelves::table))
        .execute(&mut conn);
    match failed {
        Err(Error::Batch { index, source }) => {
            assert_eq!(index, 2);
            assert_eq!(source.kind(), Some(DbErrorKind::UniqueViolation));
        }
        other => panic!("expected a batch error, got {other:?}"),
    }
    // Nothing of the batch stayed: the delete and the update before the failure were
    // rolled back, the last delete never ran.
    assert_eq!(names(&mut conn), before);
    // The connection goes on, outside any transaction: a later write is kept.
    let counts = Batch::new()
        .with(
            update(shelves::table)
                .filter(shelves::id.eq(3))
                .set(shelves::stock.to(7)),
        )
        .execute(&mut conn)
        .unwrap();
    assert_eq!(counts, [1]);
    assert_eq!(names(&mut conn)[2], shelf(3, "paper", 7));
}

#[test]
fn a_batch_commits_so_another_connection_sees_it_on_mariadb() {
    let db = sqlwright::testing::mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(SHELVES).unwrap();
    let mut batch = Batch::new();
    for id in 1..=20 {
        batch.push(insert_into(shelves::table).values((
            shelves::id.to(id),
            shelves::name.to(format!("s{id}")),
            shelves::stock.to(id),
        )));
    }
    assert_eq!(batch.execute(&mut conn).unwrap(), vec![1; 20]);
    let mut second = db.connect().unwrap();
    assert_eq!(shelves::table.count(&mut second).unwrap(), 20);
    // Over the cap: refused before anything is sent.
    let mut big = Batch::new();
    for _ in 0..=Batch::MAX {
        big.push(delete(shelves::table).filter(shelves::id.eq(1)));
    }
    assert!(matches!(big.execute(&mut conn), Err(Error::Misuse(_))));
    assert_eq!(shelves::table.count(&mut second).unwrap(), 20);
}

#[test]
fn inside_a_transaction_the_batch_is_part_of_it_on_mariadb() {
    let (_db, mut conn) = mariadb();
    // Committed with the transaction, rolled back with it.
    conn.transaction(|tx| {
        let counts = Batch::new()
            .with(
                update(shelves::table)
                    .filter(shelves::id.eq(1))
                    .set(shelves::stock.to(0)),
            )
            .with(delete(shelves::table).filter(shelves::id.eq(2)))
            .execute(tx)?;
        assert_eq!(counts, [1, 1]);
        Err::<(), _>(Error::NotFound)
    })
    .unwrap_err();
    assert_eq!(names(&mut conn).len(), 3);
    assert_eq!(names(&mut conn)[0], shelf(1, "pens", 10));
    // A failing batch inside a transaction: its own statements undone (to its savepoint),
    // the work before it in the transaction kept, and the transaction goes on to commit.
    conn.transaction(|tx| {
        update(shelves::table)
            .filter(shelves::id.eq(3))
            .set(shelves::stock.to(30))
            .execute(&mut *tx)?;
        let failed = Batch::new()
            .with(delete(shelves::table).filter(shelves::id.eq(1)))
            .with(insert_into(shelves::table).values((
                shelves::id.to(2),
                shelves::name.to("dup"),
                shelves::stock.to(0),
            )))
            .execute(&mut *tx);
        assert!(
            matches!(&failed, Err(Error::Batch { index: 1, source })
                if source.kind() == Some(DbErrorKind::UniqueViolation)),
            "{failed:?}"
        );
        let n = shelves::table.count(&mut *tx)?;
        assert_eq!(n, 3);
        Ok::<_, Error>(())
    })
    .unwrap();
    assert_eq!(
        names(&mut conn),
        [
            shelf(1, "pens", 10),
            shelf(2, "ink", 5),
            shelf(3, "paper", 30)
        ]
    );
}

#[test]
fn reads_and_pipelines_give_one_result_per_query_in_order_on_mariadb() {
    let (_db, mut conn) = mariadb();
    let by_id = |id: i32| {
        shelves::table
            .select(shelves::name)
            .filter(shelves::id.eq(id))
    };
    let ones = reads([3, 1, 2].map(by_id)).one(&mut conn).unwrap();
    assert_eq!(ones, ["paper", "pens", "ink"]);
    let firsts = reads([2, 9].map(by_id)).first(&mut conn).unwrap();
    assert_eq!(firsts, [Some("ink".to_string()), None]);
    let loads = reads([1, 9].map(|min: i32| {
        shelves::table
            .select(shelves::id)
            .filter(shelves::stock.ge(min))
            .order_by(shelves::id)
    }))
    .load(&mut conn)
    .unwrap();
    assert_eq!(loads, [vec![1, 2], vec![1]]);
    // A query with no row, for `one`: named, with NotFound inside.
    match reads([1, 9, 2].map(by_id)).one(&mut conn) {
        Err(Error::Batch { index, source }) => {
            assert_eq!(index, 1);
            assert!(matches!(*source, Error::NotFound), "{source:?}");
        }
        other => panic!("expected a batch error, got {other:?}"),
    }
    let (low, total, first) = Pipeline::new()
        .load(
            shelves::table
                .select(shelves::name)
                .filter(shelves::stock.lt(6))
                .order_by(shelves::id),
        )
        .count(shelves::table.filter(shelves::stock.gt(0)))
        .first(
            shelves::table
                .select((shelves::id, shelves::name))
                .order_by(shelves::id.desc()),
        )
        .run(&mut conn)
        .unwrap();
    assert_eq!(low, ["ink", "paper"]);
    assert_eq!(total, 2);
    assert_eq!(first, Some((3, "paper".to_string())));
    // A failing read: the server's error, named; the connection goes on.
    let failed = Pipeline::new()
        .count(shelves::table)
        .one(
            shelves::table
                .select(shelves::id)
                .filter(shelves::stock.ge(0)),
        )
        .run(&mut conn);
    assert!(
        matches!(&failed, Err(Error::Batch { index: 1, source })
            if matches!(**source, Error::MultipleRows)),
        "{failed:?}"
    );
    assert_eq!(shelves::table.count(&mut conn).unwrap(), 3);
}

#[test]
fn async_batches_and_reads_on_mariadb() {
    let db = sqlwright::testing::mariadb_database();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut conn = AsyncMysqlConnection::open_url(db.url()).await.unwrap();
        conn.batch_execute(SHELVES).await.unwrap();
        let counts = Batch::new()
            .with(insert_into(shelves::table).values((
                shelves::id.to(1),
                shelves::name.to("pens"),
                shelves::stock.to(10),
            )))
            .with(insert_into(shelves::table).values((
                shelves::id.to(2),
                shelves::name.to("ink"),
                shelves::stock.to(5),
            )))
            .with(update(shelves::table).set(shelves::stock.to(shelves::stock * 2)))
            .execute(&mut conn)
            .await
            .unwrap();
        assert_eq!(counts, [1, 1, 2]);
        let failed = Batch::new()
            .with(delete(shelves::table).filter(shelves::id.eq(1)))
            .with(insert_into(shelves::table).values((
                shelves::id.to(2),
                shelves::name.to("x"),
                shelves::stock.to(0),
            )))
            .execute(&mut conn)
            .await;
        assert!(
            matches!(&failed, Err(Error::Batch { index: 1, source })
                if source.kind() == Some(DbErrorKind::UniqueViolation)),
            "{failed:?}"
        );
        let stock = reads([2, 1].map(|id| {
            shelves::table
                .select(shelves::stock)
                .filter(shelves::id.eq(id))
        }))
        .one(&mut conn)
        .await
        .unwrap();
        assert_eq!(stock, [10, 20]);
        let (n, names): (i64, Vec<String>) = Pipeline::new()
            .count(shelves::table)
            .load(shelves::table.select(shelves::name).order_by(shelves::name))
            .run(&mut conn)
            .await
            .unwrap();
        assert_eq!((n, names), (2, vec!["ink".to_string(), "pens".to_string()]));
    });
}

#[test]
fn batches_and_reads_on_sqlite() {
    let mut conn = sqlwright::SqliteConnection::open_in_memory().unwrap();
    conn.batch_execute(SHELVES).unwrap();
    let counts = Batch::new()
        .with(insert_into(shelves::table).values((
            shelves::id.to(1),
            shelves::name.to("pens"),
            shelves::stock.to(10),
        )))
        .with(insert_into(shelves::table).values((
            shelves::id.to(2),
            shelves::name.to("pens"),
            shelves::stock.to(1),
        )))
        .execute(&mut conn);
    assert!(
        matches!(&counts, Err(Error::Batch { index: 1, source })
            if source.kind() == Some(DbErrorKind::UniqueViolation)),
        "{counts:?}"
    );
    assert_eq!(shelves::table.count(&mut conn).unwrap(), 0);
    let counts = Batch::new()
        .with(insert_into(shelves::table).values((
            shelves::id.to(1),
            shelves::name.to("pens"),
            shelves::stock.to(10),
        )))
        .with(update(shelves::table).set(shelves::stock.to(shelves::stock + 1)))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(counts, [1, 1]);
    let stock = reads([1, 2].map(|id| {
        shelves::table
            .select(shelves::stock)
            .filter(shelves::id.eq(id))
    }))
    .first(&mut conn)
    .unwrap();
    assert_eq!(stock, [Some(11), None]);
}

/// 100 single-row INSERTs as a batch (one transaction) against the same INSERTs one by one
/// (each its own autocommit) and one by one inside one transaction: the rows and counts are
/// checked; the times are printed for BENCHMARKS.md (`-- --nocapture`), not asserted.
#[test]
fn a_hundred_inserts_batched_and_one_by_one_on_mariadb() {
    use std::time::{Duration, Instant};
    let db = sqlwright::testing::mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(SHELVES).unwrap();
    let row = |id: i32| {
        insert_into(shelves::table).values((
            shelves::id.to(id),
            shelves::name.to(format!("s{id}")),
            shelves::stock.to(id),
        ))
    };
    let (mut batched, mut single, mut in_tx) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..5 {
        let base = round * 1000;
        let started = Instant::now();
        let mut batch = Batch::new();
        for id in base + 1..=base + 100 {
            batch.push(row(id));
        }
        assert_eq!(batch.execute(&mut conn).unwrap(), vec![1; 100]);
        batched.push(started.elapsed());

        let started = Instant::now();
        for id in base + 101..=base + 200 {
            assert_eq!(row(id).execute(&mut conn).unwrap(), 1);
        }
        single.push(started.elapsed());

        let started = Instant::now();
        conn.transaction(|tx| {
            for id in base + 201..=base + 300 {
                row(id).execute(&mut *tx)?;
            }
            Ok::<_, Error>(())
        })
        .unwrap();
        in_tx.push(started.elapsed());
    }
    assert_eq!(shelves::table.count(&mut conn).unwrap(), 1500);
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    eprintln!(
        "100 inserts, median of 5: batch {:?}, one by one {:?}, one by one in a transaction {:?}",
        median(&mut batched),
        median(&mut single),
        median(&mut in_tx)
    );
}
