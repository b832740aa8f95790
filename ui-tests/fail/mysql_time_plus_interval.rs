use sqlwright::deps::chrono::{DateTime, NaiveTime, Utc};
use sqlwright::dsl::*;
use sqlwright::prelude::*;
use sqlwright::types::PgInterval;

sqlwright::table! {
    shifts (id) {
        id -> Int4,
        starts -> Timestamptz,
        opens -> Time,
    }
}

// A `timestamptz` plus an interval runs on MySQL (PostgreSQL's sum in a session at UTC); a
// `time` plus one does not: PostgreSQL's wraps at midnight, MySQL's TIME is a duration.
#[allow(dead_code)]
fn an_hour_later(
    conn: &mut sqlwright::MysqlConnection,
) -> Result<Vec<(DateTime<Utc>, NaiveTime)>, sqlwright::Error> {
    let hour = || value(PgInterval::new(0, 0, 3_600_000_000));
    let rows = shifts::table
        .select((shifts::starts.plus(hour()), shifts::opens.plus(hour())))
        .load(conn)?;
    Ok(rows)
}

fn main() {}
