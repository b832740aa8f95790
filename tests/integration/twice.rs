//! One test body, both modes: `twice! { fn name() { .. } }` makes `name::blocking` and
//! `name::on_tokio`; `fn name<B>() { .. }` (a body generic over `B: TestBackend`) makes
//! `name::postgres`, `name::sqlite` and `name::mysql`, blocking, `name::on_tokio` on
//! PostgreSQL and `name::mysql_on_tokio` on MariaDB (`AsyncMysqlConnection`).
//!
//! In the body, `go!(run)` is the run's result: the call itself when blocking, the future
//! run to its end on [`runtime`] on tokio. The body otherwise reads as before: `setup`,
//! `by_hand`, `with`, `Fresh`, `Db` and `B` name the blocking helpers in one copy and the
//! tokio ones ([`on_tokio`]) in the other, whose `conn` is an `AsyncConnection`. Raw SQL's
//! `scalar`, whose async counterpart has another name (`scalar_async`), is
//! `go!(raw_scalar!(query, conn))` or `go!(raw_scalar!(<T> query, conn))`.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::Runtime;

/// The runtime every `on_tokio` test shares, built on first use: two worker threads, as
/// a small service would run, and no runtime built per test.
pub fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("build the tokio runtime")
    })
}

/// Runs `run` to its end on the shared runtime. The `Send` bound proves that the future
/// could be spawned onto the runtime's threads, as a service would.
pub fn wait<F: Future + Send>(run: F) -> F::Output {
    runtime().block_on(run)
}

/// A `postgres` crate client beside the test's connection, in either mode, for helpers
/// that compare with hand-written SQL.
pub trait HandClient {
    /// The client, connected on first use.
    fn client(&mut self) -> &mut postgres::Client;
}

impl HandClient for crate::Db {
    fn client(&mut self) -> &mut postgres::Client {
        crate::Db::client(self)
    }
}

/// The tokio counterparts of the suite's helpers: the same names and fields, with an
/// `AsyncConnection` for `conn`.
pub mod on_tokio {
    use super::wait;
    use sqlwright::ddl::Schema;
    use sqlwright::testing::TestDatabase;
    use sqlwright::AsyncConnection;
    use std::marker::PhantomData;

    /// PostgreSQL, the one backend the async connection speaks.
    pub type B = sqlwright::Postgres;

    /// An async connection to a fresh database; the database is dropped after.
    pub struct Db {
        pub conn: AsyncConnection,
        hand: Option<postgres::Client>,
        db: TestDatabase,
    }

    impl Db {
        /// A `postgres` crate client on its own connection to the same database.
        pub fn client(&mut self) -> &mut postgres::Client {
            let url = self.db.url().to_string_with_password();
            self.hand.get_or_insert_with(|| {
                postgres::Client::connect(&url, postgres::NoTls).expect("connect by hand")
            })
        }

        /// Another async connection to the same database.
        pub fn connect_again(&self) -> AsyncConnection {
            wait(AsyncConnection::connect_url(self.db.url())).expect("connect again")
        }
    }

    fn connect(db: &TestDatabase) -> AsyncConnection {
        wait(AsyncConnection::connect_url(db.url())).expect("connect to the test database")
    }

    /// A fresh database with `ddl` applied, through the async connection.
    pub fn setup(ddl: &str) -> Db {
        let db = sqlwright::testing::database();
        let mut conn = connect(&db);
        wait(conn.batch_execute(ddl)).expect("apply the test schema");
        Db {
            conn,
            hand: None,
            db,
        }
    }

    /// Hand-written SQL by the `postgres` crate, each row mapped with `f`.
    pub fn by_hand<T>(db: &mut Db, sql: &str, f: impl Fn(&postgres::Row) -> T) -> Vec<T> {
        db.client().query(sql, &[]).unwrap().iter().map(f).collect()
    }

    impl super::HandClient for Db {
        fn client(&mut self) -> &mut postgres::Client {
            Db::client(self)
        }
    }

    /// An async connection to a fresh PostgreSQL database, dropped with it. Generic as
    /// `both::Fresh` is, so a body's `Fresh<B>` names it on tokio.
    pub struct Fresh<Backend = B> {
        pub conn: AsyncConnection,
        db: TestDatabase,
        backend: PhantomData<Backend>,
    }

    impl<Backend> Fresh<Backend> {
        /// Hand-written SQL by the `postgres` crate, each row mapped with `f`: always
        /// `Some`, as `both::Fresh::by_hand` is on PostgreSQL.
        pub fn by_hand<T>(&self, sql: &str, f: impl Fn(&postgres::Row) -> T) -> Option<Vec<T>> {
            let url = self.db.url().to_string_with_password();
            let mut client =
                postgres::Client::connect(&url, postgres::NoTls).expect("connect by hand");
            Some(client.query(sql, &[]).unwrap().iter().map(f).collect())
        }
    }

    impl<Backend> crate::both::HandWritten for Fresh<Backend> {
        fn by_hand<T>(&self, sql: &str, f: impl Fn(&postgres::Row) -> T) -> Option<Vec<T>> {
            Fresh::by_hand(self, sql, f)
        }
    }

    /// A fresh database with `schema` created and `data` run, as `both::with` makes.
    pub fn with<Backend>(schema: Schema, data: &str) -> Fresh<Backend> {
        let db = sqlwright::testing::database();
        let mut conn = connect(&db);
        wait(schema.create_all(&mut conn, false)).expect("create the schema");
        if !data.trim().is_empty() {
            wait(conn.batch_execute(data)).expect("insert the test rows");
        }
        Fresh {
            conn,
            db,
            backend: PhantomData,
        }
    }
}

/// The tokio counterparts of the suite's helpers on MySQL (MariaDB): `with` and `Fresh`,
/// with an `AsyncMysqlConnection` for `conn`, for the `mysql_on_tokio` copy of a
/// `fn name<B>()` body.
pub mod on_tokio_mysql {
    use super::wait;
    use sqlwright::ddl::Schema;
    use sqlwright::testing::MariadbDatabase;
    use sqlwright::AsyncMysqlConnection;
    use std::marker::PhantomData;

    /// MySQL, spoken by the async connection.
    pub type B = sqlwright::Mysql;

    /// An async connection to a fresh MariaDB database, dropped with it. Generic as
    /// `both::Fresh` is, so a body's `Fresh<B>` names it.
    pub struct Fresh<Backend = B> {
        pub conn: AsyncMysqlConnection,
        _db: MariadbDatabase,
        backend: PhantomData<Backend>,
    }

    impl<Backend> Fresh<Backend> {
        /// `None`, as `both::Fresh::by_hand` is off PostgreSQL.
        pub fn by_hand<T>(&self, _: &str, _: impl Fn(&postgres::Row) -> T) -> Option<Vec<T>> {
            None
        }
    }

    impl<Backend> crate::both::HandWritten for Fresh<Backend> {
        fn by_hand<T>(&self, sql: &str, f: impl Fn(&postgres::Row) -> T) -> Option<Vec<T>> {
            Fresh::by_hand(self, sql, f)
        }
    }

    /// A fresh database with `schema` created and `data` run, as `both::with` makes.
    pub fn with<Backend>(schema: Schema, data: &str) -> Fresh<Backend> {
        let db = sqlwright::testing::mariadb_database();
        let mut conn = wait(AsyncMysqlConnection::open_url(db.url()))
            .expect("connect to the MariaDB test database");
        wait(schema.create_all(&mut conn, false)).expect("create the schema");
        if !data.trim().is_empty() {
            wait(conn.batch_execute(data)).expect("insert the test rows");
        }
        Fresh {
            conn,
            _db: db,
            backend: PhantomData,
        }
    }
}

/// See the module docs.
macro_rules! twice {
    () => {};
    ($(#[$attr:meta])* fn $name:ident<B>() $body:block $($rest:tt)*) => {
        crate::twice::twice!(@generic [crate::both::TestBackend + sqlwright::reflect::Reflects]
            [mysql] $(#[$attr])* fn $name $body);
        crate::twice::twice!($($rest)*);
    };
    ($(#[$attr:meta])* fn $name:ident<B: PgOrSqlite>() $body:block $($rest:tt)*) => {
        crate::twice::twice!(@generic [crate::both::PgOrSqlite] [] $(#[$attr])* fn $name $body);
        crate::twice::twice!($($rest)*);
    };
    (@generic [$($bound:tt)*] [$($mysql:ident)?] $(#[$attr:meta])* fn $name:ident $body:block) => {
        $(#[$attr])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn body<B: $($bound)*>() {
                #[allow(unused_macros)]
                macro_rules! go {
                    ($run:expr) => {
                        $run
                    };
                }
                #[allow(unused_macros)]
                macro_rules! raw_scalar {
                    (<$type:ty> $query:expr, $conn:expr) => {
                        $query.scalar::<$type>($conn)
                    };
                    ($query:expr, $conn:expr) => {
                        $query.scalar($conn)
                    };
                }
                $body
            }

            #[test]
            fn postgres() {
                body::<sqlwright::Postgres>()
            }

            #[test]
            fn sqlite() {
                body::<sqlwright::Sqlite>()
            }

            $(
                #[test]
                fn $mysql() {
                    body::<sqlwright::Mysql>()
                }

                #[test]
                fn mysql_on_tokio() {
                    #[allow(unused_imports)]
                    use crate::twice::on_tokio_mysql::{with, Fresh, B};
                    #[allow(unused_imports)]
                    use sqlwright::backend::Backend as _;
                    #[allow(unused_macros)]
                    macro_rules! go {
                        ($run:expr) => {
                            crate::twice::wait($run)
                        };
                    }
                    $body
                }
            )?

            #[test]
            fn on_tokio() {
                #[allow(unused_imports)]
                use crate::twice::on_tokio::{with, Fresh, B};
                #[allow(unused_imports)]
                use sqlwright::backend::Backend as _;
                #[allow(unused_macros)]
                macro_rules! go {
                    ($run:expr) => {
                        crate::twice::wait($run)
                    };
                }
                #[allow(unused_macros)]
                macro_rules! raw_scalar {
                    (<$type:ty> $query:expr, $conn:expr) => {
                        $query.scalar_async::<$type>($conn)
                    };
                    ($query:expr, $conn:expr) => {
                        $query.scalar_async($conn)
                    };
                }
                $body
            }
        }
    };
    ($(#[$attr:meta])* fn $name:ident() $body:block $($rest:tt)*) => {
        $(#[$attr])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn blocking() {
                #[allow(unused_macros)]
                macro_rules! go {
                    ($run:expr) => {
                        $run
                    };
                }
                #[allow(unused_macros)]
                macro_rules! raw_scalar {
                    (<$type:ty> $query:expr, $conn:expr) => {
                        $query.scalar::<$type>($conn)
                    };
                    ($query:expr, $conn:expr) => {
                        $query.scalar($conn)
                    };
                }
                $body
            }

            #[test]
            fn on_tokio() {
                #[allow(unused_imports)]
                use crate::twice::on_tokio::{by_hand, setup, with, Db, Fresh};
                #[allow(unused_macros)]
                macro_rules! go {
                    ($run:expr) => {
                        crate::twice::wait($run)
                    };
                }
                #[allow(unused_macros)]
                macro_rules! raw_scalar {
                    (<$type:ty> $query:expr, $conn:expr) => {
                        $query.scalar_async::<$type>($conn)
                    };
                    ($query:expr, $conn:expr) => {
                        $query.scalar_async($conn)
                    };
                }
                $body
            }
        }
        crate::twice::twice!($($rest)*);
    };
}
pub(crate) use twice;
