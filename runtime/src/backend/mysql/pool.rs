//! MySQL's part of the engine: not built yet. An engine (a pool) of MySQL connections is
//! refused when it is built, so no pooled connection is ever opened, reset or pinged.

use super::Mysql;
use crate::backend::driver::Pooled;
use crate::engine::{Connection, DatabaseUrl, Error};
use std::time::{Duration, Instant};

/// MySQL's engine options: none (the pool itself is not built for MySQL yet).
#[derive(Clone, Debug, Default)]
pub struct MysqlOptions {}

/// What a MySQL engine would keep to open connections; no value of it exists.
pub enum MysqlOpener {}

impl Pooled for Mysql {
    type Options = MysqlOptions;
    type Opener = MysqlOpener;

    /// Refused: pooling MySQL connections is the next step of issue #23.
    fn opener(_url: &DatabaseUrl, _options: &MysqlOptions) -> Result<MysqlOpener, Error> {
        Err(Error::Misuse(
            "an engine (connection pool) for MySQL is not built yet; open a \
             Connection<Mysql> with Connection::<Mysql>::open"
                .into(),
        ))
    }

    fn open_pooled(
        opener: &MysqlOpener,
        _deadline: Option<Instant>,
    ) -> Result<Connection<Self>, Error> {
        match *opener {}
    }

    fn reset(opener: &MysqlOpener, _conn: &mut Connection<Self>) -> Result<(), Error> {
        match *opener {}
    }

    fn rollback_bound(opener: &MysqlOpener) -> Duration {
        match *opener {}
    }
}
