//! Row locks on MariaDB: `for_update()` and `for_share()` (written `LOCK IN SHARE MODE`),
//! `skip_locked()` and `no_wait()`, proved with a second connection that meets the locks;
//! the job queue with workers claiming jobs by `SKIP LOCKED`; a locked subquery claiming a
//! job in one statement; boxed and streamed locked queries.
//!
//! No test waits without a bound: the second connection asks with `NOWAIT` or `SKIP LOCKED`,
//! or runs with `innodb_lock_wait_timeout` at its least, one second.

use sqlwright::backend::Dialect;
use sqlwright::engine::{DbErrorKind, IsolationLevel};
use sqlwright::prelude::*;
use sqlwright::testing::{mariadb_database, MariadbDatabase};
use sqlwright::{Connection, Mysql};

mod schema {
    sqlwright::table! {
        owners (id) {
            id -> Int4,
            name -> Text,
        }
        jobs (id) {
            id -> Int4,
            #[references(owners::id)]
            owner_id -> Nullable<Int4>,
            payload -> Text,
            done -> Bool,
            attempts -> Int4,
        }
        claims (id) {
            #[serial] id -> Int4,
            job_id -> Int4,
            worker -> Int4,
        }
    }
}
use schema::{claims, jobs, owners};

const TABLES: &str = "
CREATE TABLE owners (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL) ENGINE = InnoDB;
CREATE TABLE jobs (id INT PRIMARY KEY, owner_id INT REFERENCES owners (id),
    payload VARCHAR(20) NOT NULL, done BOOLEAN NOT NULL DEFAULT FALSE,
    attempts INT NOT NULL DEFAULT 0) ENGINE = InnoDB;
CREATE TABLE claims (id INT AUTO_INCREMENT PRIMARY KEY, job_id INT NOT NULL,
    worker INT NOT NULL) ENGINE = InnoDB;
INSERT INTO owners VALUES (1, 'ann'), (2, 'bob');
INSERT INTO jobs (id, owner_id, payload) VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c'), (4, NULL, 'd');
";

fn setup() -> (MariadbDatabase, Connection<Mysql>) {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(TABLES).unwrap();
    (db, conn)
}

/// A second connection whose waits for a row lock end after a second with error 1205.
fn other(db: &MariadbDatabase) -> Connection<Mysql> {
    let mut conn = db.connect().unwrap();
    conn.batch_execute("SET SESSION innodb_lock_wait_timeout = 1")
        .unwrap();
    conn
}

/// The SQL text of a `debug_sql_for` (without its binds).
fn text(debug: String) -> String {
    match debug.split_once(" -- binds: ") {
        Some((sql, _)) => sql.to_string(),
        None => debug,
    }
}

fn kind(err: &sqlwright::Error) -> Option<DbErrorKind> {
    err.kind()
}

#[test]
fn each_locking_form_mysql_has_renders_and_runs_on_mariadb() {
    let (_db, mut conn) = setup();
    let pending = || {
        jobs::table
            .filter(jobs::done.eq(false))
            .select((jobs::id, jobs::payload))
            .order_by(jobs::id)
    };
    let base = "SELECT `jobs`.`id`, `jobs`.`payload` FROM `jobs` WHERE `jobs`.`done` = ? \
                ORDER BY `jobs`.`id`";
    let mysql = Dialect::Mysql;
    assert_eq!(
        text(pending().for_update().debug_sql_for(mysql)),
        format!("{base} FOR UPDATE")
    );
    assert_eq!(
        text(pending().for_share().debug_sql_for(mysql)),
        format!("{base} LOCK IN SHARE MODE")
    );
    assert_eq!(
        text(
            pending()
                .limit(1)
                .for_update()
                .skip_locked()
                .debug_sql_for(mysql)
        ),
        format!("{base} LIMIT ? FOR UPDATE SKIP LOCKED")
    );
    assert_eq!(
        text(pending().for_update().no_wait().debug_sql_for(mysql)),
        format!("{base} FOR UPDATE NOWAIT")
    );
    assert_eq!(
        text(pending().for_share().skip_locked().debug_sql_for(mysql)),
        format!("{base} LOCK IN SHARE MODE SKIP LOCKED")
    );
    // PostgreSQL's spelling is unchanged
    assert!(pending().for_share().to_sql().ends_with(" FOR SHARE"));

    let mut tx = conn.begin().unwrap();
    let all = [
        (1, "a".to_string()),
        (2, "b".into()),
        (3, "c".into()),
        (4, "d".into()),
    ];
    assert_eq!(pending().for_update().load(&mut tx).unwrap(), all);
    assert_eq!(pending().for_share().load(&mut tx).unwrap(), all);
    assert_eq!(pending().for_update().no_wait().load(&mut tx).unwrap(), all);
    assert_eq!(
        pending().for_share().skip_locked().load(&mut tx).unwrap(),
        all
    );
    // clauses after the locking clause, and first()'s LIMIT 1 before it
    let first = jobs::table
        .select(jobs::id)
        .for_update()
        .skip_locked()
        .filter(jobs::done.eq(false))
        .order_by(jobs::id.desc())
        .first(&mut tx)
        .unwrap();
    assert_eq!(first, Some(4));
    let one = jobs::table
        .select(jobs::payload)
        .filter(jobs::id.eq(2))
        .for_share()
        .one(&mut tx)
        .unwrap();
    assert_eq!(one, "b");
    // a join locks the rows of every table (MariaDB has no OF)
    let joined: Vec<(i32, String)> = jobs::table
        .inner_join(owners::table)
        .select((jobs::id, owners::name))
        .order_by(jobs::id)
        .for_update()
        .load(&mut tx)
        .unwrap();
    assert_eq!(joined.len(), 3);
    tx.commit().unwrap();
}

#[test]
fn no_wait_on_a_held_row_is_lock_not_available_and_a_wait_past_the_timeout_is_busy() {
    let (db, mut conn) = setup();
    let mut second = other(&db);
    let mut tx = conn.begin().unwrap();
    let held: Vec<i32> = jobs::table
        .select(jobs::id)
        .filter(jobs::id.in_([1, 2]))
        .order_by(jobs::id)
        .for_update()
        .load(&mut tx)
        .unwrap();
    assert_eq!(held, [1, 2]);

    // NOWAIT: MariaDB's 1205, from a statement with NOWAIT, is a lock not taken
    let err = jobs::table
        .select(jobs::id)
        .filter(jobs::id.eq(1))
        .for_update()
        .no_wait()
        .load(&mut second)
        .unwrap_err();
    assert!(err.is_lock_not_available(), "{err}");
    assert!(!err.is_retryable(), "{err}");
    let sqlwright::Error::Database(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.code, "55P03");
    assert_eq!(
        e.detail.as_deref(),
        Some("MySQL error 1205 (SQLSTATE HY000)")
    );
    // in a transaction too, which sqlwright then marks failed, as after any error
    let mut other_tx = second.begin().unwrap();
    let err = jobs::table
        .select(jobs::id)
        .filter(jobs::id.eq(2))
        .for_share()
        .no_wait()
        .first(&mut other_tx)
        .unwrap_err();
    assert!(err.is_lock_not_available(), "{err}");
    other_tx.rollback().unwrap();
    // SKIP LOCKED skips the held rows
    let free: Vec<i32> = jobs::table
        .select(jobs::id)
        .order_by(jobs::id)
        .for_update()
        .skip_locked()
        .load(&mut second)
        .unwrap();
    assert_eq!(free, [3, 4]);
    // a plain wait ends at innodb_lock_wait_timeout: 1205 as a busy (retryable) error
    let started = std::time::Instant::now();
    let err = jobs::table
        .select(jobs::id)
        .filter(jobs::id.eq(1))
        .for_update()
        .load(&mut second)
        .unwrap_err();
    assert_eq!(kind(&err), Some(DbErrorKind::Busy), "{err}");
    assert!(err.is_retryable() && !err.is_lock_not_available(), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    tx.commit().unwrap();

    // once the holder has committed, NOWAIT takes the lock
    let mut other_tx = second.begin().unwrap();
    let got: Vec<i32> = jobs::table
        .select(jobs::id)
        .filter(jobs::id.eq(1))
        .for_update()
        .no_wait()
        .load(&mut other_tx)
        .unwrap();
    assert_eq!(got, [1]);
    other_tx.commit().unwrap();
}

#[test]
fn for_share_lets_another_share_through_and_blocks_a_writer() {
    let (db, mut conn) = setup();
    let mut second = other(&db);
    let mut tx = conn.begin().unwrap();
    let shared: Vec<String> = jobs::table
        .select(jobs::payload)
        .filter(jobs::id.eq(1))
        .for_share()
        .load(&mut tx)
        .unwrap();
    assert_eq!(shared, ["a"]);

    let mut other_tx = second.begin().unwrap();
    // another shared lock is let through, even with NOWAIT
    let also: Vec<String> = jobs::table
        .select(jobs::payload)
        .filter(jobs::id.eq(1))
        .for_share()
        .no_wait()
        .load(&mut other_tx)
        .unwrap();
    assert_eq!(also, ["a"]);
    other_tx.rollback().unwrap();
    // an exclusive lock is not
    let err = jobs::table
        .filter(jobs::id.eq(1))
        .select(jobs::id)
        .for_update()
        .no_wait()
        .load(&mut second)
        .unwrap_err();
    assert!(err.is_lock_not_available(), "{err}");
    // a writer waits for the shared lock, until the timeout: the row is unchanged
    let err = update(jobs::table)
        .filter(jobs::id.eq(1))
        .set(jobs::payload.to("changed"))
        .execute(&mut second)
        .unwrap_err();
    assert_eq!(kind(&err), Some(DbErrorKind::Busy), "{err}");
    tx.commit().unwrap();
    // and gets through once the lock is released
    let n = update(jobs::table)
        .filter(jobs::id.eq(1))
        .set(jobs::payload.to("changed"))
        .execute(&mut second)
        .unwrap();
    assert_eq!(n, 1);
    let now: String = jobs::table
        .select(jobs::payload)
        .filter(jobs::id.eq(1))
        .one(&mut conn)
        .unwrap();
    assert_eq!(now, "changed");
}

#[test]
fn job_queue_workers_on_mariadb_claim_every_job_exactly_once() {
    const JOBS: i32 = 120;
    const WORKERS: i32 = 4;
    let (db, mut conn) = setup();
    let more: Vec<_> = (5..=JOBS)
        .map(|i| {
            (
                jobs::id.to(i),
                jobs::payload.to(format!("job {i}")),
                jobs::done.to(false),
                jobs::attempts.to(0),
            )
        })
        .collect();
    insert_into(jobs::table)
        .values(more)
        .execute(&mut conn)
        .unwrap();
    let per_worker: Vec<usize> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..WORKERS)
            .map(|worker| {
                let db = &db;
                s.spawn(move || {
                    let mut conn = db.connect().unwrap();
                    let mut done = 0;
                    loop {
                        let claimed = conn
                            .transaction(|tx| {
                                let job: Option<i32> = jobs::table
                                    .filter(jobs::done.eq(false))
                                    .select(jobs::id)
                                    .order_by(jobs::id)
                                    .limit(1)
                                    .for_update()
                                    .skip_locked()
                                    .first(tx)?;
                                let Some(id) = job else { return Ok(false) };
                                update(jobs::table)
                                    .filter(jobs::id.eq(id))
                                    .set((
                                        jobs::done.to(true),
                                        jobs::attempts.to(jobs::attempts + 1),
                                    ))
                                    .execute(tx)?;
                                insert_into(claims::table)
                                    .values((claims::job_id.to(id), claims::worker.to(worker)))
                                    .execute(tx)?;
                                Ok::<_, sqlwright::Error>(true)
                            })
                            .unwrap();
                        if !claimed {
                            return done;
                        }
                        done += 1;
                    }
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    assert_eq!(
        per_worker.iter().sum::<usize>(),
        JOBS as usize,
        "{per_worker:?}"
    );
    let claims_made: i64 = claims::table.count(&mut conn).unwrap();
    let distinct_jobs: i64 = claims::table
        .select(claims::job_id)
        .distinct()
        .count(&mut conn)
        .unwrap();
    assert_eq!((claims_made, distinct_jobs), (JOBS as i64, JOBS as i64));
    let attempts: Vec<i32> = jobs::table
        .select(jobs::attempts)
        .distinct()
        .load(&mut conn)
        .unwrap();
    assert_eq!(attempts, [1]);
}

#[test]
fn a_locked_subquery_claims_a_job_in_one_statement_on_mariadb() {
    let (db, mut conn) = setup();
    let mut second = other(&db);
    let next = || {
        jobs::table
            .filter(jobs::done.eq(false))
            .select(jobs::id)
            .order_by(jobs::id)
            .limit(1)
            .for_update()
            .skip_locked()
    };
    let claim = || {
        update(jobs::table)
            .filter(jobs::id.in_query(next()))
            .set(jobs::done.to(true))
    };
    // MySQL refuses LIMIT in an IN subquery: it is read through a derived table
    let statement = claim();
    let mut out = sqlwright::render::SqlWriter::for_dialect(Dialect::Mysql);
    sqlwright::query::WriteStatement::render_statement(&statement, &mut out);
    assert_eq!(
        out.finish().sql,
        "UPDATE `jobs` SET `done` = ? WHERE `jobs`.`id` IN (SELECT * FROM (SELECT `jobs`.`id` \
         FROM `jobs` WHERE `jobs`.`done` = ? ORDER BY `jobs`.`id` LIMIT ? FOR UPDATE SKIP LOCKED) \
         AS `sqlwright_in`)"
    );

    // another transaction holds job 1. The claim runs in a READ COMMITTED transaction
    // (PostgreSQL's default): it skips job 1 and takes job 2.
    let mut held = conn.begin().unwrap();
    let one: Vec<i32> = jobs::table
        .filter(jobs::id.eq(1))
        .select(jobs::id)
        .for_update()
        .load(&mut held)
        .unwrap();
    assert_eq!(one, [1]);
    let claimer = &mut second;
    let read_committed = |conn: &mut Connection<Mysql>| {
        conn.build_transaction()
            .isolation(IsolationLevel::ReadCommitted)
            .run(|tx| claim().execute(tx))
    };
    let done = |conn: &mut Connection<Mysql>| -> Vec<i32> {
        jobs::table
            .filter(jobs::done.eq(true))
            .select(jobs::id)
            .order_by(jobs::id)
            .load(conn)
            .unwrap()
    };
    assert_eq!(read_committed(claimer).unwrap(), 1);
    assert_eq!(done(claimer), [2]);
    assert_eq!(read_committed(claimer).unwrap(), 1);
    assert_eq!(done(claimer), [2, 3]);
    // Under REPEATABLE READ (MySQL's default) the UPDATE's own scan of `jobs` waits for
    // the held row (MariaDB 10.11 reads the table, not the subquery's one row, first), and
    // ends at innodb_lock_wait_timeout: the documented limit of the one-statement claim.
    let err = claimer
        .build_transaction()
        .isolation(IsolationLevel::RepeatableRead)
        .run(|tx| claim().execute(tx))
        .unwrap_err();
    assert_eq!(kind(&err), Some(DbErrorKind::Busy), "{err}");
    assert_eq!(done(claimer), [2, 3]);
    held.rollback().unwrap();
    assert_eq!(read_committed(claimer).unwrap(), 1);
    assert_eq!(done(claimer), [1, 2, 3]);
    // DELETE .. RETURNING with the same subquery (MariaDB 10.5+), nothing held
    let deleted: Vec<i32> = delete(jobs::table)
        .filter(jobs::id.in_query(next()))
        .returning(jobs::id)
        .get_results(claimer)
        .unwrap();
    assert_eq!(deleted, [4]);
    assert_eq!(read_committed(claimer).unwrap(), 0);
    // under EXISTS in a SELECT too (nothing is left to claim)
    let any: Vec<i32> = jobs::table
        .filter(sqlwright::query::exists(next()))
        .select(jobs::id)
        .load(claimer)
        .unwrap();
    assert!(any.is_empty(), "{any:?}");
}

#[test]
fn boxed_and_streamed_queries_lock_their_rows_on_mariadb() {
    let (db, mut conn) = setup();
    let mut second = other(&db);
    let mut tx = conn.begin().unwrap();
    let mut q = jobs::table.select(jobs::id).into_boxed();
    q = q.filter(jobs::id.eq(4));
    let boxed = q.for_update();
    assert!(
        text(boxed.debug_sql_for(Dialect::Mysql)).ends_with(" = ?) FOR UPDATE"),
        "{}",
        boxed.debug_sql_for(Dialect::Mysql)
    );
    assert_eq!(boxed.load(&mut tx).unwrap(), [4]);
    let streamed: Vec<i32> = jobs::table
        .select(jobs::id)
        .filter(jobs::id.in_([1, 2]))
        .order_by(jobs::id)
        .for_share()
        .stream(&mut tx)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(streamed, [1, 2]);
    let mut seen = Vec::new();
    let n = jobs::table
        .select(jobs::id)
        .filter(jobs::id.eq(3))
        .for_update()
        .for_each(&mut tx, |id| {
            seen.push(id);
            Ok(())
        })
        .unwrap();
    assert_eq!((n, seen), (1, vec![3]));

    // every row is held now: shared ones against an update, the others against anything
    let free: Vec<i32> = jobs::table
        .select(jobs::id)
        .order_by(jobs::id)
        .for_update()
        .skip_locked()
        .load(&mut second)
        .unwrap();
    assert!(free.is_empty(), "{free:?}");
    let shared: Vec<i32> = jobs::table
        .select(jobs::id)
        .order_by(jobs::id)
        .for_share()
        .skip_locked()
        .load(&mut second)
        .unwrap();
    assert_eq!(shared, [1, 2]);
    tx.commit().unwrap();
    let free: Vec<i32> = jobs::table
        .select(jobs::id)
        .order_by(jobs::id)
        .for_update()
        .skip_locked()
        .load(&mut second)
        .unwrap();
    assert_eq!(free, [1, 2, 3, 4]);
}
