//! Row locking (PostgreSQL): `FOR UPDATE`, `FOR NO KEY UPDATE`, `FOR SHARE`, `FOR KEY
//! SHARE`, `OF`, `NOWAIT` and `SKIP LOCKED`, proved with a second connection that meets the
//! locks; and the job-queue pattern, workers claiming rows with `SKIP LOCKED`.
//!
//! No test waits without a bound: the second connection asks with `NOWAIT` or `SKIP LOCKED`,
//! or runs with a short `lock_timeout`.

use crate::setup;
use crate::twice::twice;
use sqlwright::dsl::{row_number, window};
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::Connection;

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

sqlwright::table! {
    /// The jobs per owner, as a derived table.
    #[derived]
    per_owner {
        owner_id -> Nullable<Int4>,
        jobs -> Int8,
    }
}

sqlwright::alias!(boss = owners);

mod queue;

const DDL: &str = "
CREATE TABLE owners (id int4 PRIMARY KEY, name text NOT NULL);
CREATE TABLE jobs (id int4 PRIMARY KEY, owner_id int4 REFERENCES owners, payload text NOT NULL,
    done bool NOT NULL DEFAULT false, attempts int4 NOT NULL DEFAULT 0);
CREATE TABLE claims (id serial PRIMARY KEY, job_id int4 NOT NULL, worker int4 NOT NULL);
INSERT INTO owners VALUES (1, 'ann'), (2, 'bob');
INSERT INTO jobs (id, owner_id, payload) VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c'), (4, NULL, 'd');
";

/// A second connection whose waits for a lock end after a short while with 55P03.
fn other(db: &crate::Db) -> Connection {
    let mut conn = db.connect_again();
    conn.batch_execute("SET lock_timeout = '200ms'; SET statement_timeout = '10s'")
        .unwrap();
    conn
}

/// [`other`] in either mode (a macro: the connection is async on tokio).
macro_rules! other {
    ($db:expr) => {{
        let mut conn = $db.connect_again();
        go!(conn.batch_execute("SET lock_timeout = '200ms'; SET statement_timeout = '10s'"))
            .unwrap();
        conn
    }};
}

#[test]
fn each_locking_form_renders_and_runs_in_a_transaction() {
    let mut db = setup(DDL);
    let pending = || {
        jobs::table
            .filter(jobs::done.eq(false))
            .select((jobs::id, jobs::payload))
            .order_by(jobs::id)
    };
    let base = "SELECT \"jobs\".\"id\", \"jobs\".\"payload\" FROM \"jobs\" WHERE \
                \"jobs\".\"done\" = $1 ORDER BY \"jobs\".\"id\"";
    assert_eq!(
        pending().for_update().to_sql(),
        format!("{base} FOR UPDATE")
    );
    assert_eq!(
        pending().for_no_key_update().to_sql(),
        format!("{base} FOR NO KEY UPDATE")
    );
    assert_eq!(pending().for_share().to_sql(), format!("{base} FOR SHARE"));
    assert_eq!(
        pending().for_key_share().to_sql(),
        format!("{base} FOR KEY SHARE")
    );
    assert_eq!(
        pending().limit(1).for_update().skip_locked().to_sql(),
        format!("{base} LIMIT $2 FOR UPDATE SKIP LOCKED")
    );
    assert_eq!(
        pending().for_share().no_wait().to_sql(),
        format!("{base} FOR SHARE NOWAIT")
    );
    assert_eq!(
        pending().for_update().of(jobs::table).no_wait().to_sql(),
        format!("{base} FOR UPDATE OF \"jobs\" NOWAIT")
    );
    // filter, order_by, limit and offset after the locking clause: the same SQL
    let after = jobs::table
        .select((jobs::id, jobs::payload))
        .for_update()
        .skip_locked()
        .filter(jobs::done.eq(false))
        .order_by(jobs::id)
        .limit(1)
        .offset(0);
    assert_eq!(
        after.to_sql(),
        format!("{base} LIMIT $2 OFFSET $3 FOR UPDATE SKIP LOCKED")
    );
    assert_eq!(after.load(&mut db.conn).unwrap(), [(1, "a".to_string())]);
    let joined = jobs::table
        .inner_join(owners::table)
        .select((jobs::id, owners::name))
        .order_by(jobs::id);
    assert_eq!(
        joined
            .for_no_key_update()
            .of((jobs::table, owners::table))
            .to_sql(),
        "SELECT \"jobs\".\"id\", \"owners\".\"name\" FROM \"jobs\" INNER JOIN \"owners\" ON \
         \"jobs\".\"owner_id\" = \"owners\".\"id\" ORDER BY \"jobs\".\"id\" \
         FOR NO KEY UPDATE OF \"jobs\", \"owners\""
    );

    let expected: Vec<(i32, String)> = vec![
        (1, "a".into()),
        (2, "b".into()),
        (3, "c".into()),
        (4, "d".into()),
    ];
    db.conn
        .transaction(|tx| {
            assert_eq!(pending().for_update().load(tx)?, expected);
            assert_eq!(pending().for_no_key_update().load(tx)?, expected);
            assert_eq!(pending().for_share().no_wait().load(tx)?, expected);
            assert_eq!(pending().for_key_share().skip_locked().load(tx)?, expected);
            assert_eq!(
                pending().for_update().first(tx)?,
                Some((1, "a".to_string()))
            );
            assert_eq!(
                pending()
                    .filter(jobs::id.eq(3))
                    .for_update()
                    .no_wait()
                    .one(tx)?,
                (3, "c".to_string())
            );
            let names: Vec<(i32, String)> = jobs::table
                .inner_join(owners::table)
                .select((jobs::id, owners::name))
                .order_by(jobs::id)
                .for_update()
                .of(owners::table)
                .load(tx)?;
            assert_eq!(
                names,
                [(1, "ann".into()), (2, "ann".into()), (3, "bob".into())]
            );
            Ok::<_, sqlwright::Error>(())
        })
        .unwrap();
}

twice! {
    fn no_wait_on_a_locked_row_is_a_typed_error_and_skip_locked_skips_it() {
        let mut db = setup(DDL);
        let mut second = other!(db);
        let tx = go!(db.conn.begin()).unwrap();
        let mut tx = tx;
        let held: Vec<i32> = go!(jobs::table
            .filter(jobs::id.eq(2))
            .select(jobs::id)
            .for_update()
            .load(&mut tx))
            .unwrap();
        assert_eq!(held, [2]);

        // NOWAIT on the held row: 55P03 at once, as a kind the caller can match on
        let err = go!(jobs::table
            .filter(jobs::id.eq(2))
            .select(jobs::id)
            .for_update()
            .no_wait()
            .load(&mut second))
            .unwrap_err();
        assert!(err.is_lock_not_available(), "{err}");
        assert_eq!(err.kind(), Some(DbErrorKind::LockNotAvailable));
        assert_eq!(err.database_error().unwrap().code, "55P03");
        assert!(!err.is_retryable());
        assert!(err.to_string().contains("skip_locked()"), "{err}");

        // SKIP LOCKED: every row but the held one, in order
        let free: Vec<i32> = go!(jobs::table
            .select(jobs::id)
            .order_by(jobs::id)
            .for_update()
            .skip_locked()
            .load(&mut second))
            .unwrap();
        assert_eq!(free, [1, 3, 4]);
        let next: Option<i32> = go!(jobs::table
            .select(jobs::id)
            .order_by(jobs::id)
            .filter(jobs::id.ge(2))
            .for_update()
            .skip_locked()
            .first(&mut second))
            .unwrap();
        assert_eq!(next, Some(3));

        // waiting (no NOWAIT) ends with the same kind when lock_timeout passes
        let err = go!(jobs::table
            .filter(jobs::id.eq(2))
            .for_update()
            .load(&mut second))
            .unwrap_err();
        assert!(err.is_lock_not_available(), "{err}");

        // once the holder's transaction ends, the row can be locked again
        go!(tx.rollback()).unwrap();
        let got: Vec<i32> = go!(jobs::table
            .filter(jobs::id.eq(2))
            .select(jobs::id)
            .for_update()
            .no_wait()
            .load(&mut second))
            .unwrap();
        assert_eq!(got, [2]);
    }

    fn for_share_lets_another_for_share_through_but_not_for_update() {
        let mut db = setup(DDL);
        let mut second = other!(db);
        let mut tx = go!(db.conn.begin()).unwrap();
        let mine: Vec<i32> = go!(jobs::table
            .select(jobs::id)
            .filter(jobs::id.le(2))
            .order_by(jobs::id)
            .for_share()
            .load(&mut tx))
            .unwrap();
        assert_eq!(mine, [1, 2]);

        let mut tx2 = go!(second.begin()).unwrap();
        let shared: Vec<i32> = go!(jobs::table
            .select(jobs::id)
            .filter(jobs::id.le(2))
            .order_by(jobs::id)
            .for_share()
            .no_wait()
            .load(&mut tx2))
            .unwrap();
        assert_eq!(shared, [1, 2]);
        // FOR KEY SHARE goes through too; FOR UPDATE does not
        let key_shared: Vec<i32> = go!(jobs::table
            .select(jobs::id)
            .filter(jobs::id.eq(1))
            .for_key_share()
            .no_wait()
            .load(&mut tx2))
            .unwrap();
        assert_eq!(key_shared, [1]);
        go!(tx2.rollback()).unwrap();
        let err = go!(jobs::table
            .select(jobs::id)
            .filter(jobs::id.eq(1))
            .for_update()
            .no_wait()
            .load(&mut second))
            .unwrap_err();
        assert!(err.is_lock_not_available(), "{err}");
        // rows the first transaction did not lock stay free
        let free: Vec<i32> = go!(jobs::table
            .select(jobs::id)
            .order_by(jobs::id)
            .for_update()
            .skip_locked()
            .load(&mut second))
            .unwrap();
        assert_eq!(free, [3, 4]);
        go!(tx.commit()).unwrap();
    }

    fn of_locks_only_the_named_table_of_a_join() {
        let mut db = setup(DDL);
        let mut second = other!(db);
        let mut tx = go!(db.conn.begin()).unwrap();
        let rows: Vec<(i32, String)> = go!(jobs::table
            .inner_join(owners::table)
            .filter(owners::name.eq("ann"))
            .select((jobs::id, owners::name))
            .order_by(jobs::id)
            .for_update()
            .of(jobs::table)
            .load(&mut tx))
            .unwrap();
        assert_eq!(rows, [(1, "ann".into()), (2, "ann".into())]);

        // the owner row was read, not locked
        let owner: Vec<String> = go!(owners::table
            .filter(owners::id.eq(1))
            .select(owners::name)
            .for_update()
            .no_wait()
            .load(&mut second))
            .unwrap();
        assert_eq!(owner, ["ann"]);
        // the job rows were locked
        let err = go!(jobs::table
            .filter(jobs::id.eq(1))
            .for_update()
            .no_wait()
            .load(&mut second))
            .unwrap_err();
        assert!(err.is_lock_not_available(), "{err}");
        go!(tx.rollback()).unwrap();

        // an outer join locks its required side by naming it; an alias is named by its alias
        let mut tx = go!(db.conn.begin()).unwrap();
        let rows: Vec<(i32, Option<String>)> = go!(jobs::table
            .left_join(owners::table)
            .select((jobs::id, owners::name))
            .order_by(jobs::id)
            .for_update()
            .of(jobs::table)
            .skip_locked()
            .load(&mut tx))
            .unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[3], (4, None));
        let q = boss
            .select(boss.col(owners::name))
            .filter(boss.col(owners::id).eq(2))
            .for_share()
            .of(boss);
        assert!(
            q.to_sql().ends_with("FOR SHARE OF \"boss\""),
            "{}",
            q.to_sql()
        );
        assert_eq!(go!(q.load(&mut tx)).unwrap(), ["bob"]);
        let err = go!(owners::table
            .filter(owners::id.eq(2))
            .for_update()
            .no_wait()
            .load(&mut second))
            .unwrap_err();
        assert!(err.is_lock_not_available(), "{err}");
        go!(tx.commit()).unwrap();
    }
}

#[test]
fn streams_lock_their_rows() {
    // Blocking: an async stream is consumed another way (see async_streams.rs).
    let mut db = setup(DDL);
    let mut second = other(&db);
    let mut tx = db.conn.begin().unwrap();
    let streamed: Vec<i32> = jobs::table
        .select(jobs::id)
        .filter(jobs::id.le(2))
        .order_by(jobs::id)
        .for_update()
        .stream(&mut tx)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(streamed, [1, 2]);
    let free: Vec<i32> = jobs::table
        .select(jobs::id)
        .order_by(jobs::id)
        .for_update()
        .skip_locked()
        .load(&mut second)
        .unwrap();
    assert_eq!(free, [3, 4]);
    tx.commit().unwrap();
}

twice! {
    fn boxed_queries_and_for_each_lock_their_rows() {
        let mut db = setup(DDL);
        let mut second = other!(db);
        let mut tx = go!(db.conn.begin()).unwrap();
        let mut q = jobs::table.select(jobs::id).into_boxed();
        q = q.filter(jobs::id.eq(4));
        let boxed = q.for_no_key_update();
        assert!(
            boxed.to_sql().ends_with(" FOR NO KEY UPDATE"),
            "{}",
            boxed.to_sql()
        );
        let got: Vec<i32> = go!(boxed.load(&mut tx)).unwrap();
        assert_eq!(got, [4]);
        let mut seen = Vec::new();
        let n = go!(jobs::table
            .select(jobs::id)
            .filter(jobs::id.eq(3))
            .for_share()
            .for_each(&mut tx, |id| {
                seen.push(id);
                Ok(())
            }))
        .unwrap();
        assert_eq!((n, seen), (1, vec![3]));

        let free: Vec<i32> = go!(jobs::table
            .select(jobs::id)
            .order_by(jobs::id)
            .for_update()
            .skip_locked()
            .load(&mut second))
            .unwrap();
        assert_eq!(free, [1, 2]);
        go!(tx.commit()).unwrap();
    }
}

#[test]
fn a_window_function_in_a_locked_query_is_the_servers_typed_error() {
    // Not refused at compile time (see docs/design.md): PostgreSQL refuses it, before
    // locking anything, with SQLSTATE 0A000.
    let mut db = setup(DDL);
    let q = jobs::table
        .select((jobs::id, row_number().over(window().order_by(jobs::id))))
        .for_update();
    assert!(q.to_sql().ends_with(" FOR UPDATE"), "{}", q.to_sql());
    let err = q.load(&mut db.conn).unwrap_err();
    let db_err = err.database_error().expect("the server's error");
    assert_eq!(db_err.code, "0A000", "{err}");
    assert!(db_err.message.contains("window functions"), "{err}");
    // the whole table, as `users::table.for_update()` reads it
    let all: Vec<(i32, Option<i32>, String, bool, i32)> = db
        .conn
        .transaction(|tx| jobs::table.for_update().skip_locked().load(tx))
        .unwrap();
    assert_eq!(all.len(), 4);
}

#[test]
fn a_derived_table_is_read_while_of_locks_the_stored_one_and_a_session_locks_in_its_transaction() {
    let mut db = setup(DDL);
    let mut second = other(&db);
    let counts = jobs::table
        .group_by(jobs::owner_id)
        .select((jobs::owner_id, count_star()));
    let mut tx = db.conn.begin().unwrap();
    let q = per_owner::table
        .from_subquery(counts)
        .inner_join_on(owners::table, owners::id.eq(per_owner::owner_id))
        .select((owners::name, per_owner::jobs))
        .order_by(owners::name)
        .for_share()
        .of(owners::table);
    assert!(
        q.to_sql().ends_with(" FOR SHARE OF \"owners\""),
        "{}",
        q.to_sql()
    );
    let rows: Vec<(String, i64)> = q.load(&mut tx).unwrap();
    assert_eq!(rows, [("ann".into(), 2), ("bob".into(), 1)]);
    let err = owners::table
        .for_update()
        .no_wait()
        .load(&mut second)
        .unwrap_err();
    assert!(err.is_lock_not_available(), "{err}");
    // the grouped jobs were read, not locked
    let free: Vec<i32> = jobs::table
        .select(jobs::id)
        .order_by(jobs::id)
        .for_update()
        .no_wait()
        .load(&mut second)
        .unwrap();
    assert_eq!(free, [1, 2, 3, 4]);
    tx.rollback().unwrap();

    // a Session over a transaction: its reads lock in that transaction
    let mut tx = db.conn.begin().unwrap();
    let mut session = sqlwright::Session::new(&mut tx);
    let mine: Vec<i32> = jobs::table
        .filter(jobs::id.eq(4))
        .select(jobs::id)
        .for_update()
        .load(&mut session)
        .unwrap();
    assert_eq!(mine, [4]);
    let free: Vec<i32> = jobs::table
        .select(jobs::id)
        .order_by(jobs::id)
        .for_update()
        .skip_locked()
        .load(&mut second)
        .unwrap();
    assert_eq!(free, [1, 2, 3]);
    drop(session);
    tx.commit().unwrap();
}
