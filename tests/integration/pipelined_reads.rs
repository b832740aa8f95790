//! Typed pipelined reads (`query::reads`, `query::Pipeline`) in both modes: many SELECTs
//! sent together and answered in one round trip, each with its own typed result.

use crate::modes::both_modes;
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::query::{reads, Batch, Pipeline};
use sqlwright::testing;
use sqlwright::{AsyncConnection, Error};

sqlwright::table! {
    authors (id) {
        #[serial] id -> Int4,
        name -> Text,
    }
    posts (id) {
        #[serial] id -> Int4,
        #[references(authors::id)] author_id -> Int4,
        title -> Text,
        words -> Int4,
    }
}

const SCHEMA: &str = "
CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id serial PRIMARY KEY, author_id int4 NOT NULL REFERENCES authors (id),
                    title text NOT NULL, words int4 NOT NULL);
INSERT INTO authors (name) SELECT 'author ' || i FROM generate_series(1, 100) AS i;
INSERT INTO posts (author_id, title, words) VALUES
    (1, 'One', 100), (1, 'Two', 250), (2, 'Three', 50), (3, 'Four', 400);
";

both_modes! {
    fn a_hundred_point_selects(conn) {
        let by_id = |id: i32| {
            authors::table
                .select((authors::id, authors::name))
                .filter(authors::id.eq(id))
        };
        // Every statement its own row, in order (the ids reversed, so that the order
        // is the list's and not the table's).
        let rows = go!(reads((1..=100).rev().map(by_id)).one(&mut conn)).unwrap();
        assert_eq!(rows.len(), 100);
        for (i, (id, name)) in rows.iter().enumerate() {
            let want = 100 - i as i32;
            assert_eq!(*id, want);
            assert_eq!(*name, format!("author {want}"));
        }
        // All rows of each, none for a missing id; `first` gives `None` there.
        let loaded = go!(reads([7, 0, 3].map(by_id)).load(&mut conn)).unwrap();
        assert_eq!(
            loaded,
            [
                vec![(7, "author 7".to_string())],
                vec![],
                vec![(3, "author 3".to_string())]
            ]
        );
        let firsts = go!(reads([101, 5].map(by_id)).first(&mut conn)).unwrap();
        assert_eq!(firsts, [None, Some((5, "author 5".to_string()))]);
        // Several rows a statement, into another row type.
        let by_author = |author: i32| {
            posts::table
                .select((posts::title, posts::words))
                .filter(posts::author_id.eq(author))
                .order_by(posts::id)
        };
        let titles =
            go!(reads([1, 3].map(by_author)).load_as::<(String, i32), _, _>(&mut conn)).unwrap();
        assert_eq!(
            titles,
            [
                vec![("One".to_string(), 100), ("Two".to_string(), 250)],
                vec![("Four".to_string(), 400)]
            ]
        );
        // No statement: nothing sent, nothing returned.
        let none = go!(reads((1..1).map(by_id)).load(&mut conn)).unwrap();
        assert!(none.is_empty());
    }

    fn a_tuple_of_different_reads(conn) {
        let (pairs, long, total, mine, nobody) = go!(Pipeline::new()
            .load(
                authors::table
                    .inner_join(posts::table)
                    .select((authors::name, posts::title))
                    .order_by(posts::id)
            )
            .count(posts::table.filter(posts::words.gt(200)))
            .one(posts::table.select(sum(posts::words)))
            .load(
                posts::table
                    .select(posts::title)
                    .filter(posts::author_id.eq(1))
                    .order_by(posts::id.desc())
            )
            .first(authors::table.filter(authors::name.eq("nobody")))
            .run(&mut conn))
        .unwrap();
        let text = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
        };
        assert_eq!(
            pairs,
            text(&[
                ("author 1", "One"),
                ("author 1", "Two"),
                ("author 2", "Three"),
                ("author 3", "Four")
            ])
        );
        assert_eq!(long, 2);
        assert_eq!(total, Some(800));
        assert_eq!(mine, ["Two", "One"]);
        assert_eq!(nobody, None);
    }

    fn a_failure_names_its_statement(conn) {
        let per = |divisor: i32| {
            posts::table
                .select(posts::words / divisor)
                .filter(posts::id.eq(1))
        };
        match go!(reads([1, 2, 0, 5].map(per)).load(&mut conn)) {
            Err(Error::Batch { index, source }) => {
                assert_eq!(index, 2);
                assert_eq!(source.kind(), Some(DbErrorKind::DivisionByZero));
            }
            other => panic!("expected a batch error, got {other:?}"),
        }
        // The connection is in step afterwards.
        assert_eq!(go!(posts::table.count(&mut conn)).unwrap(), 4);
        assert_eq!(go!(reads([1, 2].map(per)).one(&mut conn)).unwrap(), [100, 50]);

        // A client-side failure (`one` finding no row) names its statement too.
        match go!(Pipeline::new()
            .count(posts::table)
            .one(authors::table.filter(authors::id.eq(-1)))
            .load(posts::table.select(posts::id))
            .run(&mut conn))
        {
            Err(Error::Batch { index, source }) => {
                assert_eq!(index, 1);
                assert!(matches!(*source, Error::NotFound), "{source:?}");
            }
            other => panic!("expected a batch error, got {other:?}"),
        }
        assert_eq!(go!(authors::table.count(&mut conn)).unwrap(), 100);

        // Inside a transaction, a statement the server refuses fails the transaction.
        go!(conn.batch_execute("BEGIN")).unwrap();
        let failed = go!(reads([0].map(per)).load(&mut conn));
        assert!(matches!(failed, Err(Error::Batch { index: 0, .. })), "{failed:?}");
        let next = go!(posts::table.count(&mut conn));
        assert!(
            matches!(&next, Err(e) if e.kind() == Some(DbErrorKind::InFailedTransaction)),
            "{next:?}"
        );
        go!(conn.batch_execute("ROLLBACK")).unwrap();

        // Over the cap: refused before anything is sent.
        let max = i32::try_from(Batch::MAX).unwrap();
        let big = reads((0..=max).map(|id| authors::table.select(authors::id).filter(authors::id.eq(id))));
        assert_eq!(big.len(), Batch::MAX + 1);
        assert!(matches!(go!(big.load(&mut conn)), Err(Error::Misuse(_))));
        let exactly = reads((1..=max).map(|id| authors::table.select(authors::id).filter(authors::id.eq(id))));
        let found = go!(exactly.first(&mut conn)).unwrap();
        assert_eq!(found.iter().flatten().count(), 100);
    }

    fn cached_new_and_stale_statements(conn) {
        let titles = || {
            posts::table
                .select(posts::title)
                .filter(posts::author_id.eq(1))
                .order_by(posts::id)
        };
        let heaviest = || posts::table.select((posts::id, posts::words)).order_by(posts::words.desc());
        // `titles` is cached by a run of its own; the other two are prepared by the batch.
        assert_eq!(go!(titles().load(&mut conn)).unwrap(), ["One", "Two"]);
        let want = (
            vec![(4, 400), (2, 250), (1, 100), (3, 50)],
            100,
            vec!["One".to_string(), "Two".to_string()],
        );
        let run = || Pipeline::new().load(heaviest()).count(authors::table).load(titles());
        assert_eq!(go!(run().run(&mut conn)).unwrap(), want);
        // All cached now.
        assert_eq!(go!(run().run(&mut conn)).unwrap(), want);
        // The result type of a cached statement changed (text to varchar): the server
        // refuses the cached plan at the third statement, and the batch is prepared again
        // and run once more, the rows of the first try dropped.
        go!(conn.batch_execute("ALTER TABLE posts ALTER COLUMN title TYPE varchar(200)")).unwrap();
        assert_eq!(go!(run().run(&mut conn)).unwrap(), want);
        // The server forgot every prepared statement (as a pooler may): the same.
        go!(conn.batch_execute("DEALLOCATE ALL")).unwrap();
        assert_eq!(go!(run().run(&mut conn)).unwrap(), want);
        go!(conn.batch_execute("DEALLOCATE ALL")).unwrap();
        let by_id = |id: i32| posts::table.select(posts::title).filter(posts::id.eq(id));
        assert_eq!(go!(reads([4, 3].map(by_id)).one(&mut conn)).unwrap(), ["Four", "Three"]);
        // One cached statement run several times in a batch, gone stale: it is prepared
        // again once, and every run of it uses that.
        go!(conn.batch_execute("DEALLOCATE ALL")).unwrap();
        assert_eq!(go!(reads([4, 3, 1].map(by_id)).one(&mut conn)).unwrap(), ["Four", "Three", "One"]);
        go!(conn.batch_execute("ALTER TABLE posts ALTER COLUMN title TYPE text")).unwrap();
        assert_eq!(go!(reads([2, 4].map(by_id)).one(&mut conn)).unwrap(), ["Two", "Four"]);
        assert_eq!(go!(reads([1, 1].map(by_id)).one(&mut conn)).unwrap(), ["One", "One"]);
    }

    fn a_row_that_does_not_decode(conn) {
        // `words` is declared Int4; made int8 under the declaration, its rows no longer
        // decode: the statement's position is named, the rows read before it are dropped.
        go!(conn.batch_execute("ALTER TABLE posts ALTER COLUMN words TYPE int8")).unwrap();
        match go!(Pipeline::new()
            .load(authors::table.select(authors::name).filter(authors::id.le(2)))
            .load(posts::table.select(posts::words))
            .count(posts::table)
            .run(&mut conn))
        {
            Err(Error::Batch { index, source }) => {
                assert_eq!(index, 1);
                assert!(source.to_string().contains("words"), "{source}");
            }
            other => panic!("expected a batch error, got {other:?}"),
        }
        // In step afterwards.
        let (names, n) = go!(Pipeline::new()
            .load(authors::table.select(authors::name).filter(authors::id.le(2)))
            .count(posts::table)
            .run(&mut conn))
        .unwrap();
        assert_eq!(names, ["author 1", "author 2"]);
        assert_eq!(n, 4);
    }
}

#[test]
fn the_max_rows_guard_and_a_transaction() {
    let db = testing::database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(SCHEMA).unwrap();
    let by_author = |author: i32| {
        posts::table
            .select(posts::id)
            .filter(posts::author_id.eq(author))
    };
    conn.set_max_rows(Some(1));
    match reads([3, 1, 2].map(by_author)).load(&mut conn) {
        Err(Error::Batch { index, source }) => {
            assert_eq!(index, 1);
            assert!(
                matches!(*source, Error::TooManyRows { limit: 1 }),
                "{source:?}"
            );
        }
        other => panic!("expected a batch error, got {other:?}"),
    }
    assert_eq!(reads([3, 2].map(by_author)).one(&mut conn).unwrap(), [4, 3]);
    conn.set_max_rows(None);
    // In a transaction, through the transaction.
    let (ids, count) = conn
        .transaction(|tx| {
            tx.batch_execute("DELETE FROM posts WHERE id = 4")?;
            let ids = reads([1, 3].map(by_author)).load(tx)?;
            let (count,) = Pipeline::new().count(posts::table).run(tx)?;
            Ok::<_, Error>((ids, count))
        })
        .unwrap();
    assert_eq!(ids, [vec![1, 2], vec![]]);
    assert_eq!(count, 3);
}

#[test]
fn in_an_async_transaction() {
    let db = testing::database();
    let url = db.url().clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
        conn.batch_execute(SCHEMA).await.unwrap();
        let mut tx = conn.begin().await.unwrap();
        tx.batch_execute("DELETE FROM posts WHERE author_id = 1")
            .await
            .unwrap();
        // The reads see the transaction's own change.
        let by_author = |author: i32| {
            posts::table
                .select(posts::id)
                .filter(posts::author_id.eq(author))
        };
        let ids = reads([1, 2].map(by_author)).load(&mut tx).await.unwrap();
        assert_eq!(ids, [vec![], vec![3]]);
        let (n,) = Pipeline::new()
            .count(posts::table)
            .run(&mut tx)
            .await
            .unwrap();
        assert_eq!(n, 2);
        tx.rollback().await.unwrap();
        assert_eq!(posts::table.count(&mut conn).await.unwrap(), 4);
    });
}

#[test]
fn without_named_statements() {
    // Each statement parsed again as the unnamed one in the pipeline, its portal described
    // (the cache modes a transaction-pooling pooler needs).
    for mode in [
        sqlwright::engine::StatementCacheMode::Unnamed,
        sqlwright::engine::StatementCacheMode::Off,
    ] {
        let db = testing::database();
        let mut conn = db.connect().unwrap();
        conn.batch_execute(SCHEMA).unwrap();
        conn.set_statement_cache_mode(mode);
        let by_id = |id: i32| {
            authors::table
                .select((authors::id, authors::name))
                .filter(authors::id.eq(id))
        };
        for _ in 0..2 {
            let rows = reads([9, 2].map(by_id)).one(&mut conn).unwrap();
            assert_eq!(
                rows,
                [(9, "author 9".to_string()), (2, "author 2".to_string())]
            );
        }
        let (_, words) = Pipeline::new()
            .one(by_id(1))
            .load(posts::table.select(posts::words))
            .run(&mut conn)
            .unwrap();
        assert_eq!(words, [100, 250, 50, 400]);
        // A column's type changed under the cached description: the columns the server
        // describes in the pipeline are the ones decoded, and the statement is named.
        conn.batch_execute("ALTER TABLE posts ALTER COLUMN words TYPE int8")
            .unwrap();
        let failed = Pipeline::new()
            .one(by_id(1))
            .load(posts::table.select(posts::words))
            .run(&mut conn);
        assert!(
            matches!(failed, Err(Error::Batch { index: 1, .. })),
            "{mode:?}: {failed:?}"
        );
        let (name, n) = Pipeline::new()
            .one(by_id(1))
            .count(posts::table)
            .run(&mut conn)
            .unwrap();
        assert_eq!((name, n), ((1, "author 1".to_string()), 4));
    }
}

#[test]
fn a_full_statement_cache_evicts_none_of_the_batch_own() {
    let db = testing::database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(SCHEMA).unwrap();
    conn.set_statement_cache_size(2);
    let titles = || posts::table.select(posts::title).filter(posts::id.eq(1));
    let words = || posts::table.select(posts::words).filter(posts::id.eq(1));
    let names = || {
        authors::table
            .select(authors::name)
            .filter(authors::id.eq(1))
    };
    // `titles` then `words` cached: `titles` is the least recently used.
    assert_eq!(titles().one(&mut conn).unwrap(), "One");
    assert_eq!(words().one(&mut conn).unwrap(), 100);
    // A new statement and `titles`: preparing `names` evicts `words`, not `titles`.
    for _ in 0..3 {
        let (name, title) = Pipeline::new()
            .one(names())
            .one(titles())
            .run(&mut conn)
            .unwrap();
        assert_eq!(title, "One");
        assert!(!name.is_empty());
        assert_eq!(words().one(&mut conn).unwrap(), 100);
    }
    // More different statements than the cache keeps: refused before anything is sent.
    match Pipeline::new()
        .one(names())
        .one(titles())
        .one(words())
        .run(&mut conn)
    {
        Err(Error::Misuse(why)) => assert!(why.contains("set_statement_cache_size"), "{why}"),
        other => panic!("expected Misuse, got {other:?}"),
    }
    assert_eq!(titles().one(&mut conn).unwrap(), "One");
}
