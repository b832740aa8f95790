//! Typed statements on one shared `&AsyncConnection` (#21 item 5): joined futures write
//! their statements before any answer is read, and each gets its own answer — rows, counts
//! and errors — in whatever order they finish; futures dropped part-way leave no answer
//! to the wrong reader, and the connection stays usable, shared or through `&mut`.

use sqlwright::prelude::*;
use sqlwright::testing;
use sqlwright::{AsyncConnection, AsyncEngine, Error};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::Poll;

sqlwright::table! {
    people (id) {
        #[serial] id -> Int4,
        name -> Text,
        #[unique] email -> Text,
    }
}

const SCHEMA: &str = "
CREATE TABLE people (id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL UNIQUE);
INSERT INTO people (name, email)
    SELECT 'person ' || g, 'p' || g || '@x' FROM generate_series(1, 100) g;
";

/// Runs `body` on a fresh database with `SCHEMA`, on a multi-threaded runtime.
pub(crate) fn with_conn<F: Future<Output = ()> + Send + 'static>(
    body: impl FnOnce(AsyncConnection) -> F,
) {
    with_two(|conn, _| body(conn));
}

/// [`with_conn`], with a second connection to the same database (for schema changes).
pub(crate) fn with_two<F: Future<Output = ()> + Send + 'static>(
    body: impl FnOnce(AsyncConnection, AsyncConnection) -> F,
) {
    let db = testing::database();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let url = db.url().clone();
    runtime.block_on(async move {
        let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
        conn.batch_execute(SCHEMA).await.unwrap();
        let other = AsyncConnection::connect_url(&url).await.unwrap();
        body(conn, other).await;
    });
}

/// The name of person `id`, read back through the shared connection.
pub(crate) fn name_of(
    conn: &AsyncConnection,
    id: i32,
) -> impl Future<Output = Result<String, Error>> + '_ {
    people::table
        .filter(people::id.eq(id))
        .select(people::name)
        .one(&mut &*conn)
}

/// The connection answers through `&mut` and outside any transaction.
pub(crate) async fn still_usable(conn: &mut AsyncConnection) {
    let rows = conn.query_text("SELECT 41 + 1").await.unwrap();
    assert_eq!(rows, vec![vec![Some("42".to_string())]]);
    assert!(!conn.in_transaction());
    let first: Vec<String> = people::table
        .select(people::name)
        .filter(people::id.le(2))
        .order_by(people::id)
        .load(&mut *conn)
        .await
        .unwrap();
    assert_eq!(first, ["person 1", "person 2"]);
}

#[test]
fn joined_queries_of_every_kind_get_their_own_answers() {
    with_conn(|mut conn| async move {
        // None of these is prepared yet: each is prepared when no answer is outstanding,
        // so they may run in another order than written (none reads what another writes).
        let shared = &conn;
        let (names, first, one, count, inserted, renamed, none) = tokio::try_join!(
            people::table
                .select(people::name)
                .filter(people::id.le(3))
                .order_by(people::id.desc())
                .load(&mut &*shared),
            people::table
                .select((people::id, people::email))
                .filter(people::name.eq("person 7"))
                .first(&mut &*shared),
            people::table
                .select(people::email)
                .filter(people::id.eq(42))
                .one(&mut &*shared),
            people::table
                .filter(people::name.like("person 9%"))
                .count(&mut &*shared),
            insert_into(people::table)
                .values((people::name.to("new"), people::email.to("new@x")))
                .execute(&mut &*shared),
            update(people::table)
                .filter(people::id.eq(5))
                .set(people::name.to("five"))
                .returning(people::name)
                .get_result(&mut &*shared),
            people::table
                .select(people::id)
                .filter(people::name.eq("nobody"))
                .first(&mut &*shared),
        )
        .unwrap();
        assert_eq!(names, ["person 3", "person 2", "person 1"]);
        assert_eq!(first, Some((7, "p7@x".to_string())));
        assert_eq!(one, "p42@x");
        assert_eq!(count, 11);
        assert_eq!(inserted, 1);
        assert_eq!(renamed, "five");
        assert_eq!(none, None);
        // What the writes did is there for the statements after them.
        let (five, total) =
            tokio::try_join!(name_of(&conn, 5), people::table.count(&mut &conn)).unwrap();
        assert_eq!((five.as_str(), total), ("five", 101));
        still_usable(&mut conn).await;
    });
}

#[test]
fn a_hundred_point_selects_joined_each_get_their_row() {
    with_conn(|mut conn| async move {
        let names = futures_util::future::try_join_all((1..=100).map(|id| name_of(&conn, id)))
            .await
            .unwrap();
        let expected: Vec<String> = (1..=100).map(|id| format!("person {id}")).collect();
        assert_eq!(names, expected);
        // Again, now that the statement is prepared: the same answers.
        let again =
            futures_util::future::try_join_all((1..=100).rev().map(|id| name_of(&conn, id)))
                .await
                .unwrap();
        assert_eq!(again, expected.into_iter().rev().collect::<Vec<_>>());
        still_usable(&mut conn).await;
    });
}

#[test]
fn a_statement_not_yet_prepared_joins_prepared_ones() {
    with_conn(|mut conn| async move {
        // Prepared once: its next runs bind the cached statement.
        assert_eq!(name_of(&conn, 1).await.unwrap(), "person 1");
        let (a, fresh, b, c) = tokio::try_join!(
            name_of(&conn, 2),
            people::table
                .select(people::email)
                .filter(people::name.like("person 9%"))
                .order_by(people::id)
                .load(&mut &conn),
            name_of(&conn, 3),
            name_of(&conn, 4),
        )
        .unwrap();
        assert_eq!(
            (a.as_str(), b.as_str(), c.as_str()),
            ("person 2", "person 3", "person 4")
        );
        let expected: Vec<String> = std::iter::once(9)
            .chain(90..=99)
            .map(|id| format!("p{id}@x"))
            .collect();
        assert_eq!(fresh, expected);
        // Two statements new to the connection, joined: each prepared in turn.
        let (d, e) = tokio::try_join!(
            people::table
                .select(people::id)
                .filter(people::email.eq("p50@x"))
                .one(&mut &conn),
            people::table
                .select(people::email)
                .filter(people::id.between(10, 12))
                .order_by(people::id)
                .load(&mut &conn),
        )
        .unwrap();
        assert_eq!(d, 50);
        assert_eq!(e, ["p10@x", "p11@x", "p12@x"]);
        still_usable(&mut conn).await;
    });
}

#[test]
fn an_error_in_one_joined_query_is_its_own() {
    with_conn(|mut conn| async move {
        let (before, duplicate, after, missing) = tokio::join!(
            name_of(&conn, 10),
            insert_into(people::table)
                .values((people::name.to("copy"), people::email.to("p1@x")))
                .execute(&mut &conn),
            name_of(&conn, 11),
            name_of(&conn, 1000),
        );
        assert_eq!(before.unwrap(), "person 10");
        match duplicate {
            Err(Error::Database(db)) => {
                assert_eq!(db.code, "23505");
                assert_eq!(db.constraint.as_deref(), Some("people_email_key"));
            }
            other => panic!("expected a unique violation, got {other:?}"),
        }
        // The statements after it ran: outside a transaction each has its own Sync.
        assert_eq!(after.unwrap(), "person 11");
        assert!(matches!(missing, Err(Error::NotFound)), "{missing:?}");
        let count = people::table.count(&mut &conn).await.unwrap();
        assert_eq!(count, 100);
        still_usable(&mut conn).await;
    });
}

#[test]
fn inside_a_transaction_a_failure_fails_the_requests_after_it() {
    with_conn(|mut conn| async move {
        let insert = |email: &'static str| {
            insert_into(people::table)
                .values((people::name.to("tx"), people::email.to(email)))
                .execute(&mut &conn)
        };
        // Both statements prepared outside the transaction, so the order is the written one.
        assert_eq!(insert("warm@x").await.unwrap(), 1);
        assert_eq!(name_of(&conn, 1).await.unwrap(), "person 1");
        conn.batch_execute("BEGIN").await.unwrap();
        let insert = |email: &'static str| {
            insert_into(people::table)
                .values((people::name.to("tx"), people::email.to(email)))
                .execute(&mut &conn)
        };
        let (ok, failed, later, last) = tokio::join!(
            insert("in-tx@x"),
            insert("p2@x"),
            name_of(&conn, 3),
            insert("after@x"),
        );
        assert_eq!(ok.unwrap(), 1);
        assert!(
            matches!(&failed, Err(Error::Database(db)) if db.code == "23505"),
            "{failed:?}"
        );
        // Each later request reports the failed transaction: none ran.
        for later in [later.map(drop), last.map(drop)] {
            assert!(
                matches!(&later, Err(Error::Database(db)) if db.code == "25P02"),
                "{later:?}"
            );
        }
        assert!(conn.in_transaction());
        conn.batch_execute("ROLLBACK").await.unwrap();
        let rows = conn
            .query_text("SELECT count(*) FROM people WHERE name = 'tx'")
            .await
            .unwrap();
        assert_eq!(rows, vec![vec![Some("1".to_string())]]);
        still_usable(&mut conn).await;
    });
}

/// A fixed pseudo-random sequence (xorshift), so a failure can be replayed.
fn sequence(seed: u64, n: usize) -> Vec<u64> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        })
        .collect()
}

type Boxed<'a> = Pin<Box<dyn Future<Output = Result<String, Error>> + Send + 'a>>;

#[test]
fn futures_dropped_part_way_leave_every_other_answer_its_own() {
    with_conn(|mut conn| async move {
        // Prepared first, so that every future writes in its first poll.
        name_of(&conn, 1).await.unwrap();
        for round in 0..8u64 {
            let ids: Vec<i32> = (1..=100).collect();
            // Each future is dropped after 1 to 5 polls (in the middle of writing,
            // waiting for its turn, or reading), or never (about half of them).
            let drop_after: Vec<Option<u32>> = sequence(round * 7919 + 1, ids.len())
                .into_iter()
                .map(|x| (x % 10 < 5).then_some((x / 10 % 5) as u32 + 1))
                .collect();
            let mut futures: Vec<Option<Boxed<'_>>> = ids
                .iter()
                .map(|&id| Some(Box::pin(name_of(&conn, id)) as Boxed<'_>))
                .collect();
            let mut polls = vec![0u32; ids.len()];
            let mut answers: Vec<Option<Result<String, Error>>> =
                ids.iter().map(|_| None).collect();
            poll_fn(|cx| {
                for i in 0..futures.len() {
                    let Some(future) = &mut futures[i] else {
                        continue;
                    };
                    if drop_after[i] == Some(polls[i]) {
                        futures[i] = None;
                        continue;
                    }
                    polls[i] += 1;
                    if let Poll::Ready(answer) = future.as_mut().poll(cx) {
                        answers[i] = Some(answer);
                        futures[i] = None;
                    }
                }
                if futures.iter().all(Option::is_none) {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            })
            .await;
            let mut finished = 0;
            for (i, answer) in answers.into_iter().enumerate() {
                if let Some(answer) = answer {
                    assert_eq!(
                        answer.unwrap(),
                        format!("person {}", ids[i]),
                        "round {round}"
                    );
                    finished += 1;
                }
            }
            assert!(finished >= 40, "round {round}: only {finished} finished");
            // The line is in step for the next shared requests...
            let next = futures_util::future::try_join_all((95..=100).map(|id| name_of(&conn, id)))
                .await
                .unwrap();
            assert_eq!(next[0], "person 95");
            assert_eq!(next[5], "person 100");
        }
        // ...and for `&mut` use, after futures dropped without anyone reading behind them.
        {
            let mut left: Vec<Boxed<'_>> = (1..=20)
                .map(|id| Box::pin(name_of(&conn, id)) as Boxed<'_>)
                .collect();
            poll_fn(|cx| {
                for future in &mut left {
                    assert!(future.as_mut().poll(cx).is_pending());
                }
                Poll::Ready(())
            })
            .await;
        }
        still_usable(&mut conn).await;
        let again = futures_util::future::try_join_all((1..=3).map(|id| name_of(&conn, id)))
            .await
            .unwrap();
        assert_eq!(again, ["person 1", "person 2", "person 3"]);
    });
}

#[test]
fn a_pooled_connection_is_shared_the_same_way() {
    let db = testing::database();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let url = db.url().to_string();
    runtime.block_on(async move {
        let engine = AsyncEngine::new(&url).unwrap();
        let mut conn = engine.connect().await.unwrap();
        conn.batch_execute(SCHEMA).await.unwrap();
        let (a, b) = tokio::try_join!(
            people::table
                .select(people::name)
                .filter(people::id.eq(8))
                .one(&mut &conn),
            people::table.count(&mut &conn),
        )
        .unwrap();
        assert_eq!((a.as_str(), b), ("person 8", 100));
        let n: i64 = people::table.count(&mut conn).await.unwrap();
        assert_eq!(n, 100);
    });
}

/// Names of people `1..=n` read through joined shared futures (one statement, bound `n`
/// times), with the count and an update joined in.
async fn joined_round(conn: &AsyncConnection, n: i32, rename: &'static str) -> Vec<String> {
    let (names, count, renamed) = tokio::try_join!(
        futures_util::future::try_join_all((1..=n).map(|id| name_of(conn, id))),
        people::table.count(&mut &*conn),
        update(people::table)
            .filter(people::id.eq(n + 1))
            .set(people::name.to(rename))
            .returning(people::name)
            .get_result(&mut &*conn),
    )
    .unwrap();
    assert_eq!(count, 100);
    assert_eq!(renamed, rename);
    names
}

#[test]
fn a_schema_change_under_joined_queries_is_invisible() {
    with_two(|mut conn, mut other| async move {
        let expected: Vec<String> = (1..=20).map(|id| format!("person {id}")).collect();
        // Every statement prepared and cached.
        assert_eq!(joined_round(&conn, 20, "before").await, expected);
        // The result type of the cached statements changes (text to varchar): the server
        // refuses them ("cached plan must not change result type") and each joined
        // future prepares again and runs once more, twenty of them on the same statement.
        other
            .batch_execute("ALTER TABLE people ALTER COLUMN name TYPE varchar(200)")
            .await
            .unwrap();
        assert_eq!(joined_round(&conn, 20, "after").await, expected);
        // The new statement is cached and the new shape holds: a name too long is refused.
        assert_eq!(joined_round(&conn, 20, "again").await, expected);
        let long = update(people::table)
            .filter(people::id.eq(1))
            .set(people::name.to("x".repeat(201)))
            .execute(&mut &conn)
            .await;
        assert!(
            matches!(&long, Err(Error::Database(db)) if db.code == "22001"),
            "{long:?}"
        );
        // A column added, and the statements forgotten by the server (26000): the same.
        other
            .batch_execute("ALTER TABLE people ADD COLUMN nick text")
            .await
            .unwrap();
        conn.batch_execute("DISCARD ALL").await.unwrap();
        assert_eq!(joined_round(&conn, 20, "discarded").await, expected);
        let rows = other
            .query_text("SELECT name FROM people WHERE id = 21")
            .await
            .unwrap();
        assert_eq!(rows, vec![vec![Some("discarded".to_string())]]);
        still_usable(&mut conn).await;
    });
}

#[test]
fn inside_a_transaction_a_stale_statement_is_reported() {
    with_two(|mut conn, mut other| async move {
        assert_eq!(name_of(&conn, 1).await.unwrap(), "person 1");
        conn.batch_execute("BEGIN").await.unwrap();
        other
            .batch_execute("ALTER TABLE people ALTER COLUMN name TYPE varchar(200)")
            .await
            .unwrap();
        let (stale, later) = tokio::join!(name_of(&conn, 1), name_of(&conn, 2));
        // Not retried: the error aborted the transaction block, and the next request in
        // flight reports it.
        assert!(
            matches!(&stale, Err(Error::Database(db)) if db.code == "0A000"),
            "{stale:?}"
        );
        assert!(
            matches!(&later, Err(Error::Database(db)) if db.code == "25P02"),
            "{later:?}"
        );
        assert!(conn.in_transaction());
        conn.batch_execute("ROLLBACK").await.unwrap();
        // Forgotten: prepared again outside the transaction.
        let names = futures_util::future::try_join_all((1..=3).map(|id| name_of(&conn, id)))
            .await
            .unwrap();
        assert_eq!(names, ["person 1", "person 2", "person 3"]);
        still_usable(&mut conn).await;
    });
}

/// A write dropped after its first poll was sent then, not left for a later request to
/// send behind the user's back: another connection sees it without this one being used
/// again (at most 10 s of looking).
#[test]
fn a_joined_write_dropped_after_its_first_poll_was_sent_then() {
    with_two(|mut conn, mut other| async move {
        let rename = |id: i32, name: &'static str| {
            update(people::table)
                .filter(people::id.eq(id))
                .set(people::name.to(name))
        };
        // Prepared first: a statement not yet prepared waits for its Parse before writing.
        assert_eq!(rename(8, "eight").execute(&mut &conn).await.unwrap(), 1);
        let mut update = Box::pin(rename(7, "renamed").execute(&mut &conn));
        let polled = poll_fn(|cx| Poll::Ready(update.as_mut().poll(cx).is_ready())).await;
        assert!(!polled, "the update finished in one poll");
        drop(update);
        let mut seen = false;
        for _ in 0..500 {
            let rows = other
                .query_text("SELECT name FROM people WHERE id = 7")
                .await
                .unwrap();
            if rows[0][0].as_deref() == Some("renamed") {
                seen = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(seen, "the dropped update never reached the server");
        // Its answer is drained: the next shared and `&mut` requests read their own.
        assert_eq!(name_of(&conn, 7).await.unwrap(), "renamed");
        still_usable(&mut conn).await;
    });
}
