//! The TPC-H queries on a backend with the date features they use (PostgreSQL, MySQL):
//! code generic over the backend, bounded by the queries' sets of features.

use super::queries::*;
use super::ResultSet;
use sqlwright::backend::needs::features::{DateArithmetic, DateParts};
use sqlwright::backend::needs::PgOnly;
use sqlwright::backend::Runs;
use sqlwright::prelude::*;
use sqlwright::Error;

/// The queries that compile for MySQL besides the [`PORTABLE`] ones: their date arithmetic,
/// date casts and `extract(year ..)` are features MySQL computes as PostgreSQL does
/// ([`RunsDates`]).
pub const DATED: [usize; 12] = [1, 4, 5, 6, 7, 8, 9, 10, 12, 14, 15, 20];

/// A backend that runs every TPC-H query: PostgreSQL and MySQL. Code generic over the
/// backend says what its queries need as bounds on their sets of features.
pub trait RunsDates:
    Runs<PgOnly<DateArithmetic>> + Runs<DateWindow> + Runs<PgOnly<DateParts>>
{
}
impl<B: Runs<PgOnly<DateArithmetic>> + Runs<DateWindow> + Runs<PgOnly<DateParts>>> RunsDates for B {}

/// Runs query `n` (1 to 22) on a connection of a backend that has the date features TPC-H
/// uses (PostgreSQL, MySQL; not SQLite, where [`run_portable`] runs the portable ones) and
/// returns its columns and rows as PostgreSQL prints them.
pub fn run_dated<C: Executor>(conn: &mut C, n: usize) -> Result<ResultSet, Error>
where
    C::Backend: RunsDates,
{
    let v = ToResultSet;
    match n {
        1 => q1(conn, v),
        4 => q4(conn, v),
        5 => q5(conn, v),
        6 => q6(conn, v),
        7 => q7(conn, v),
        8 => q8(conn, v),
        9 => q9(conn, v),
        10 => q10(conn, v),
        12 => q12(conn, v),
        14 => q14(conn, v),
        15 => q15(conn, v),
        20 => q20(conn, v),
        _ => run_portable(conn, n),
    }
}

/// Every TPC-H query compiles for MySQL (a check with no run: the queries' bounds met by
/// `Connection<Mysql>`).
#[allow(dead_code)]
fn compiles_for_mysql(conn: &mut sqlwright::Connection<sqlwright::Mysql>) {
    for n in 1..=22 {
        let _ = run_dated(conn, n);
    }
}
