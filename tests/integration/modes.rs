//! Typed queries in both modes: each body runs on a blocking `Connection`, and again on an
//! `AsyncConnection` with `go!` awaiting each run, with the same assertions. The run
//! methods are the same in both (`load`, `first`, `one`, `scalar`, `count`, `execute`,
//! `get_result`, `get_results`); only the await differs.

use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::testing;
use sqlwright::{AsyncConnection, Error};

sqlwright::table! {
    writers (id) {
        #[serial] id -> Int4,
        name -> Text,
        #[unique] email -> Text,
        born -> Nullable<Int4>,
    }
    books (id) {
        #[serial] id -> Int4,
        #[references(writers::id)] writer_id -> Int4,
        title -> Text,
        pages -> Int4,
    }
}

const SCHEMA: &str = "
CREATE TABLE writers (id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL UNIQUE,
                      born int4);
CREATE TABLE books (id serial PRIMARY KEY, writer_id int4 NOT NULL REFERENCES writers (id),
                    title text NOT NULL, pages int4 NOT NULL);
INSERT INTO writers (name, email, born) VALUES
    ('Ann', 'ann@x', 1960), ('Bob', 'bob@x', NULL), ('Cid', 'cid@x', 1990);
INSERT INTO books (writer_id, title, pages) VALUES
    (1, 'Alpha', 120), (1, 'Beta', 300), (3, 'Gamma', 80);
";

#[derive(sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = writers)]
struct Writer {
    id: i32,
    name: String,
    born: Option<i32>,
}

/// Defines `NAME::blocking` and `NAME::on_tokio`, both running `$body` on a fresh database
/// with `SCHEMA`; in the body, `go!(run)` is the run's result (awaited on tokio).
macro_rules! both_modes {
    ($(fn $name:ident($conn:ident) $body:block)*) => {$(
        mod $name {
            use super::*;

            #[test]
            fn blocking() {
                let db = testing::database();
                let mut $conn = db.connect().unwrap();
                $conn.batch_execute(SCHEMA).unwrap();
                macro_rules! go {
                    ($run:expr) => {
                        $run
                    };
                }
                $body
            }

            #[test]
            fn on_tokio() {
                let db = testing::database();
                // The suite's one runtime (two workers), not one built per test.
                let runtime = crate::twice::runtime();
                // Spawned, so the test also proves the futures are `Send`.
                let url = db.url().clone();
                let task = runtime.spawn(async move {
                        let mut $conn = AsyncConnection::connect_url(&url).await.unwrap();
                        $conn.batch_execute(SCHEMA).await.unwrap();
                        macro_rules! go {
                            ($run:expr) => {
                                $run.await
                            };
                        }
                        $body
                    });
                runtime.block_on(task).unwrap();
            }
        }
    )*};
}
pub(crate) use both_modes;

both_modes! {
    fn reads(conn) {
        let names: Vec<String> = go!(writers::table
            .select(writers::name)
            .order_by(writers::id)
            .load(&mut conn))
        .unwrap();
        assert_eq!(names, ["Ann", "Bob", "Cid"]);

        let born_after = 1950;
        let found: Vec<Writer> = go!(writers::table
            .filter(writers::born.gt(born_after))
            .order_by(writers::id.desc())
            .select(Writer::as_select())
            .load(&mut conn))
        .unwrap();
        assert_eq!(
            found,
            [
                Writer { id: 3, name: "Cid".into(), born: Some(1990) },
                Writer { id: 1, name: "Ann".into(), born: Some(1960) },
            ]
        );

        let first = go!(writers::table
            .select((writers::id, writers::name))
            .filter(writers::email.eq("bob@x"))
            .first(&mut conn))
        .unwrap();
        assert_eq!(first, Some((2, "Bob".to_string())));

        let none = go!(writers::table
            .select(writers::id)
            .filter(writers::name.eq("Nobody"))
            .first(&mut conn))
        .unwrap();
        assert_eq!(none, None);

        let one = go!(writers::table
            .select(writers::born)
            .filter(writers::id.eq(2))
            .one(&mut conn))
        .unwrap();
        assert_eq!(one, None);
        match go!(writers::table.select(writers::id).one(&mut conn)) {
            Err(Error::MultipleRows) => {}
            other => panic!("expected MultipleRows, got {other:?}"),
        }

        let max_pages = go!(books::table.select(max(books::pages)).scalar(&mut conn)).unwrap();
        assert_eq!(max_pages, Some(Some(300)));
        let long = go!(books::table.filter(books::pages.ge(100)).count(&mut conn)).unwrap();
        assert_eq!(long, 2);

        let per_writer: Vec<(String, i64, Option<i64>)> = go!(writers::table
            .left_join(books::table)
            .group_by(writers::name)
            .select((writers::name, count(books::id), sum(books::pages)))
            .order_by(writers::name)
            .load(&mut conn))
        .unwrap();
        assert_eq!(
            per_writer,
            [
                ("Ann".to_string(), 2, Some(420)),
                ("Bob".to_string(), 0, None),
                ("Cid".to_string(), 1, Some(80)),
            ]
        );

        let both: Vec<String> = go!(writers::table
            .select(writers::name)
            .filter(writers::id.eq(1))
            .union(writers::table.select(writers::name).filter(writers::id.eq(3)))
            .order_by_column(1)
            .load(&mut conn))
        .unwrap();
        assert_eq!(both, ["Ann", "Cid"]);
    }

    fn writes(conn) {
        let id: i32 = go!(insert_into(writers::table)
            .values((writers::name.to("Dee"), writers::email.to("dee@x")))
            .returning(writers::id)
            .get_result(&mut conn))
        .unwrap();
        assert_eq!(id, 4);
        let inserted = go!(insert_into(books::table)
            .values(vec![
                (books::writer_id.to(id), books::title.to("Delta"), books::pages.to(10)),
                (books::writer_id.to(id), books::title.to("Epsilon"), books::pages.to(20)),
            ])
            .execute(&mut conn))
        .unwrap();
        assert_eq!(inserted, 2);

        let titles: Vec<String> = go!(update(books::table)
            .filter(books::writer_id.eq(id))
            .set(books::pages.to(books::pages * 2))
            .returning(books::title)
            .get_results(&mut conn))
        .unwrap();
        assert_eq!(titles.len(), 2);
        let pages: Vec<i32> = go!(books::table
            .filter(books::writer_id.eq(id))
            .select(books::pages)
            .order_by(books::pages)
            .load(&mut conn))
        .unwrap();
        assert_eq!(pages, [20, 40]);

        let gone = go!(delete(books::table)
            .filter(books::title.eq("Delta"))
            .execute(&mut conn))
        .unwrap();
        assert_eq!(gone, 1);

        // A constraint violation is the same typed error, and the connection goes on.
        match go!(insert_into(writers::table)
            .values((writers::name.to("Ann 2"), writers::email.to("ann@x")))
            .execute(&mut conn))
        {
            Err(Error::Database(db)) => assert_eq!(db.kind, DbErrorKind::UniqueViolation),
            other => panic!("expected a unique violation, got {other:?}"),
        }
        let count = go!(writers::table.count(&mut conn)).unwrap();
        assert_eq!(count, 4);
        let dee = go!(writers::table.find(4, &mut conn)).unwrap();
        assert_eq!(dee, (4, "Dee".to_string(), "dee@x".to_string(), None));
        let nobody = go!(writers::table.get(40, &mut conn)).unwrap();
        assert_eq!(nobody, None);
        let all = go!(books::table.load(&mut conn)).unwrap();
        assert_eq!(all.len(), 4);
    }

    fn batches(conn) {
        use sqlwright::query::Batch;
        // An INSERT of no rows: counted 0, not sent.
        let mut none = vec![(books::writer_id.to(1), books::title.to("x"), books::pages.to(1))];
        none.clear();
        let counts = go!(Batch::new()
            .with(insert_into(writers::table)
                .values((writers::name.to("Eve"), writers::email.to("eve@x"))))
            .with(update(books::table).set(books::pages.to(books::pages + 1)))
            .with(insert_into(books::table).values(none))
            .with(delete(books::table).filter(books::title.eq("Gamma")))
            .execute(&mut conn))
        .unwrap();
        assert_eq!(counts, [1, 3, 0, 1]);
        let pages: Vec<i32> = go!(books::table
            .select(books::pages)
            .order_by(books::id)
            .load(&mut conn))
        .unwrap();
        assert_eq!(pages, [121, 301]);

        // A failure names its statement; outside a transaction nothing of the batch stays.
        match go!(Batch::new()
            .with(insert_into(writers::table)
                .values((writers::name.to("Fay"), writers::email.to("fay@x"))))
            .with(insert_into(writers::table)
                .values((writers::name.to("Ann again"), writers::email.to("ann@x"))))
            .with(delete(books::table))
            .execute(&mut conn))
        {
            Err(Error::Batch { index, source }) => {
                assert_eq!(index, 1);
                assert_eq!(source.kind(), Some(DbErrorKind::UniqueViolation));
            }
            other => panic!("expected a batch error, got {other:?}"),
        }
        assert_eq!(go!(writers::table.count(&mut conn)).unwrap(), 4);
        assert_eq!(go!(books::table.count(&mut conn)).unwrap(), 2);

        // Inside a transaction, the failure fails it, and the connection says so.
        go!(conn.batch_execute("BEGIN")).unwrap();
        let failed = go!(Batch::new()
            .with(delete(books::table).filter(books::id.eq(1)))
            .with(insert_into(writers::table)
                .values((writers::name.to("Dup"), writers::email.to("bob@x"))))
            .execute(&mut conn));
        assert!(matches!(failed, Err(Error::Batch { index: 1, .. })), "{failed:?}");
        let next = go!(books::table.count(&mut conn));
        assert!(
            matches!(&next, Err(e) if e.kind() == Some(DbErrorKind::InFailedTransaction)),
            "{next:?}"
        );
        go!(conn.batch_execute("ROLLBACK")).unwrap();
        assert_eq!(go!(books::table.count(&mut conn)).unwrap(), 2);

        // Over the cap: refused before anything is sent.
        let mut big = Batch::new();
        for _ in 0..=Batch::MAX {
            big.push(delete(books::table).filter(books::id.eq(-1)));
        }
        assert!(matches!(go!(big.execute(&mut conn)), Err(Error::Misuse(_))));
        assert_eq!(go!(books::table.count(&mut conn)).unwrap(), 2);

        // The server forgot the prepared statements (DEALLOCATE ALL, as a pooler may):
        // outside a transaction the batch is prepared again and run once more.
        let bump = || {
            Batch::new().with(
                update(books::table)
                    .filter(books::id.eq(1))
                    .set(books::pages.to(books::pages + 1)),
            )
        };
        assert_eq!(go!(bump().execute(&mut conn)).unwrap(), [1]);
        go!(conn.batch_execute("DEALLOCATE ALL")).unwrap();
        assert_eq!(go!(bump().execute(&mut conn)).unwrap(), [1]);
    }

    fn locking(conn) {
        go!(conn.batch_execute("BEGIN")).unwrap();
        let claimed = go!(books::table
            .select(books::id)
            .filter(books::pages.lt(200))
            .order_by(books::id)
            .for_update()
            .skip_locked()
            .first(&mut conn))
        .unwrap();
        assert_eq!(claimed, Some(1));
        go!(conn.batch_execute("COMMIT")).unwrap();
    }
}
