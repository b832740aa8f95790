//! SQLite from async code: `AsyncSqliteConnection` runs the same typed queries, awaited,
//! each call in place as blocking work of the runtime (`block_in_place` on a
//! multi-threaded runtime), on both kinds of tokio runtime.

use sqlwright::prelude::*;
use sqlwright::reflect::{reflect, ReflectOptions};
use sqlwright::AsyncSqliteConnection;

sqlwright::table! {
    tasks (id) {
        #[serial] id -> Int4,
        title -> Text,
        done -> Bool,
    }
}

const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(tasks);

/// Creates the table and rows, then reads, writes and reflects through `conn`.
async fn work(conn: &mut AsyncSqliteConnection) {
    SCHEMA.create_all(conn, true).await.unwrap();
    let inserted = insert_into(tasks::table)
        .values(vec![
            (tasks::title.to("write"), tasks::done.to(false)),
            (tasks::title.to("test"), tasks::done.to(false)),
            (tasks::title.to("ship"), tasks::done.to(false)),
        ])
        .execute(conn)
        .await
        .unwrap();
    assert_eq!(inserted, 3);
    let id: i32 = insert_into(tasks::table)
        .values((tasks::title.to("rest"), tasks::done.to(true)))
        .returning(tasks::id)
        .get_result(conn)
        .await
        .unwrap();
    assert_eq!(id, 4);
    let done = update(tasks::table)
        .filter(tasks::title.eq("write"))
        .set(tasks::done.to(true))
        .execute(conn)
        .await
        .unwrap();
    assert_eq!(done, 1);
    let open: Vec<String> = tasks::table
        .filter(tasks::done.eq(false))
        .order_by(tasks::id)
        .select(tasks::title)
        .load(conn)
        .await
        .unwrap();
    assert_eq!(open, ["test", "ship"]);
    assert_eq!(tasks::table.count(conn).await.unwrap(), 4);
    let first = tasks::table.find(2, conn).await.unwrap();
    assert_eq!(first, (2, "test".to_string(), false));
    let removed = delete(tasks::table)
        .filter(tasks::done.eq(true))
        .execute(conn)
        .await
        .unwrap();
    assert_eq!(removed, 2);
    let catalog = reflect(conn, &ReflectOptions::default()).await.unwrap();
    assert!(catalog.table("tasks").is_ok());
    // Anything else blocking runs in place too: here a transaction that rolls back.
    let kept = conn
        .run(|c| {
            let _ = c.transaction(|tx| {
                delete(tasks::table).execute(tx)?;
                Err::<(), _>(sqlwright::Error::Misuse("changed my mind".into()))
            });
            tasks::table.count(c)
        })
        .await
        .unwrap();
    assert_eq!(kept, 2);
}

#[test]
fn typed_queries_run_on_a_current_thread_runtime() {
    let db = sqlwright::testing::sqlite_database();
    let url = db.url().clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let mut conn = AsyncSqliteConnection::open_url(&url).await.unwrap();
        work(&mut conn).await;
    });
}

#[test]
fn typed_queries_run_in_spawned_tasks_on_a_multi_threaded_runtime() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut handles = Vec::new();
    for _ in 0..4 {
        // Each task on its own in-memory database; the futures are `Send`.
        handles.push(runtime.spawn(async {
            let mut conn = AsyncSqliteConnection::open_in_memory().await.unwrap();
            work(&mut conn).await;
        }));
    }
    for handle in handles {
        runtime.block_on(handle).unwrap();
    }
}
