//! One test body, run on every backend: `on_both!(name, ...)` makes `name::postgres` and
//! `name::sqlite` tests of a function `fn name<B: TestBackend>()`, `on_all!` those and
//! `name::mysql` (on MariaDB).

use sqlwright::backend::needs::{features, NotOnMysql};
use sqlwright::backend::{Backend, Dialect, Runs};
use sqlwright::ddl::Schema;
use sqlwright::engine::EngineBuilder;
use sqlwright::{Connection, Engine, Mysql, Postgres, Sqlite};

/// PostgreSQL or SQLite: a backend with FULL JOIN and UPDATE .. RETURNING, which MySQL
/// lacks (the bound of the tests that use them, and of `twice!` bodies).
pub trait PgOrSqlite:
    TestBackend
    + sqlwright::reflect::Reflects
    + Runs<NotOnMysql<features::FullJoin>>
    + Runs<NotOnMysql<features::UpdateReturning>>
{
}

impl<B> PgOrSqlite for B where
    B: TestBackend
        + sqlwright::reflect::Reflects
        + Runs<NotOnMysql<features::FullJoin>>
        + Runs<NotOnMysql<features::UpdateReturning>>
{
}

/// A backend the suite can make a fresh database of (tests that reflect it also ask for
/// `Reflects`).
pub trait TestBackend: Backend {
    /// A fresh, empty database and a connection to it.
    fn fresh() -> Fresh<Self>;

    /// A fresh, empty database and an engine on it, its builder adjusted by `configure`.
    fn engine(
        configure: impl FnOnce(EngineBuilder<Self>) -> EngineBuilder<Self>,
    ) -> FreshEngine<Self>;
}

/// An engine on a fresh database, dropped with it (the engine first).
pub struct FreshEngine<B: Backend> {
    pub engine: Engine<B>,
    _keep: Keep,
}

/// A connection to a fresh database, dropped with it.
pub struct Fresh<B: Backend> {
    pub conn: Connection<B>,
    _keep: Keep,
}

#[allow(dead_code)]
enum Keep {
    Pg(sqlwright::testing::TestDatabase),
    Sqlite(sqlwright::testing::SqliteDatabase),
    Mysql(sqlwright::testing::MariadbDatabase),
}

impl TestBackend for Postgres {
    fn fresh() -> Fresh<Self> {
        let db = sqlwright::testing::database();
        let conn = db.connect().expect("connect to the test database");
        Fresh {
            conn,
            _keep: Keep::Pg(db),
        }
    }

    fn engine(
        configure: impl FnOnce(EngineBuilder<Self>) -> EngineBuilder<Self>,
    ) -> FreshEngine<Self> {
        let db = sqlwright::testing::database();
        let engine = configure(Engine::builder_url(db.url().clone()))
            .build()
            .expect("build the engine");
        FreshEngine {
            engine,
            _keep: Keep::Pg(db),
        }
    }
}

impl TestBackend for Sqlite {
    fn fresh() -> Fresh<Self> {
        let db = sqlwright::testing::sqlite_database();
        let conn = db.connect().expect("open the test database");
        Fresh {
            conn,
            _keep: Keep::Sqlite(db),
        }
    }

    fn engine(
        configure: impl FnOnce(EngineBuilder<Self>) -> EngineBuilder<Self>,
    ) -> FreshEngine<Self> {
        let db = sqlwright::testing::sqlite_database();
        let engine = configure(Engine::sqlite_builder_url(db.url().clone()))
            .build()
            .expect("build the engine");
        FreshEngine {
            engine,
            _keep: Keep::Sqlite(db),
        }
    }
}

impl TestBackend for Mysql {
    fn fresh() -> Fresh<Self> {
        let db = sqlwright::testing::mariadb_database();
        let conn = db.connect().expect("connect to the MariaDB test database");
        Fresh {
            conn,
            _keep: Keep::Mysql(db),
        }
    }

    fn engine(
        configure: impl FnOnce(EngineBuilder<Self>) -> EngineBuilder<Self>,
    ) -> FreshEngine<Self> {
        let db = sqlwright::testing::mariadb_database();
        let engine = configure(Engine::mysql_builder_url(db.url().clone()))
            .build()
            .expect("build the engine");
        FreshEngine {
            engine,
            _keep: Keep::Mysql(db),
        }
    }
}

impl<B: Backend> Fresh<B> {
    /// Hand-written SQL run on the same database by the `postgres` crate, each row mapped
    /// with `f`, to compare with a typed query: on PostgreSQL; `None` on other backends.
    pub fn by_hand<T>(&self, sql: &str, f: impl Fn(&postgres::Row) -> T) -> Option<Vec<T>> {
        match &self._keep {
            Keep::Pg(db) => {
                let url = db.url().to_string_with_password();
                let mut client =
                    postgres::Client::connect(&url, postgres::NoTls).expect("connect by hand");
                Some(client.query(sql, &[]).unwrap().iter().map(f).collect())
            }
            Keep::Sqlite(_) | Keep::Mysql(_) => None,
        }
    }
}

/// Hand-written SQL on the test database, whichever connection the test runs on.
pub trait HandWritten {
    /// The rows of `sql`, each mapped with `f`, by the `postgres` crate: on PostgreSQL;
    /// `None` on other backends.
    fn by_hand<T>(&self, sql: &str, f: impl Fn(&postgres::Row) -> T) -> Option<Vec<T>>;
}

impl<B: Backend> HandWritten for Fresh<B> {
    fn by_hand<T>(&self, sql: &str, f: impl Fn(&postgres::Row) -> T) -> Option<Vec<T>> {
        Fresh::by_hand(self, sql, f)
    }
}

/// A fresh database of backend `B` with `schema` created and `data` (portable SQL) run.
pub fn with<B: TestBackend>(schema: Schema, data: &str) -> Fresh<B> {
    let mut db = B::fresh();
    schema
        .create_all(&mut db.conn, false)
        .expect("create the schema");
    if !data.trim().is_empty() {
        db.conn.batch_execute(data).expect("insert the test rows");
    }
    db
}

/// `sql`, written with PostgreSQL's `$n` placeholders (and `"` around names), as backend
/// `B` spells it: on MySQL `?`, unnumbered (each `$n` must then appear once, in order), and
/// backticks for the double quotes (`sql` must hold no double-quoted string).
pub fn spelled<B: Backend>(sql: &str) -> String {
    match B::DIALECT {
        Dialect::Sqlite => sql.replace('$', "?"),
        Dialect::Mysql => {
            let mut out = String::with_capacity(sql.len());
            let mut chars = sql.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '$' {
                    out.push('?');
                    while chars.next_if(char::is_ascii_digit).is_some() {}
                } else if c == '"' {
                    out.push('`');
                } else {
                    out.push(c);
                }
            }
            out
        }
        _ => sql.to_string(),
    }
}

/// Makes `name::postgres` and `name::sqlite` tests of each generic `fn name<B: TestBackend>()`.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn postgres() {
                super::$name::<sqlwright::Postgres>()
            }
            #[test]
            fn sqlite() {
                super::$name::<sqlwright::Sqlite>()
            }
        }
    )*};
}

/// Makes `name::postgres`, `name::sqlite` and `name::mysql` (MariaDB) tests of each generic
/// `fn name<B: TestBackend>()`.
#[macro_export]
macro_rules! on_all {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn postgres() {
                super::$name::<sqlwright::Postgres>()
            }
            #[test]
            fn sqlite() {
                super::$name::<sqlwright::Sqlite>()
            }
            #[test]
            fn mysql() {
                super::$name::<sqlwright::Mysql>()
            }
        }
    )*};
}

/// The SQL text of `debug_sql_for(B::DIALECT)`'s output, without its binds.
pub fn text_of(debug: String) -> String {
    match debug.split_once(" -- binds: ") {
        Some((sql, _)) => sql.to_string(),
        None => debug,
    }
}
