//! GROUP BY, HAVING and aggregates on PostgreSQL and SQLite, checked against the rows the
//! data gives, and on PostgreSQL against hand-written SQL.

use crate::both::{spelled, text_of, with, HandWritten};
use crate::joins::{articles, people, remarks, ROWS, SCHEMA};
use crate::twice::twice;
use rust_decimal::Decimal;
use sqlwright::prelude::*;

/// Asserts that `typed` are the rows `sql` gives when written by hand, on PostgreSQL.
fn same_by_hand<T: for<'a> FromHand<'a> + PartialEq + std::fmt::Debug>(
    db: &impl HandWritten,
    typed: &[T],
    sql: &str,
) {
    if let Some(hand) = db.by_hand(sql, |r| T::from_hand(r)) {
        assert_eq!(typed, hand);
    }
}

twice! {
    fn group_by_with_aggregates_of_postgres_types<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        let q = articles::table
            .group_by(articles::author_id)
            .select((
                articles::author_id,
                count_star(),
                sum(articles::id),
                avg(articles::id),
                min(articles::title),
                max(articles::editor_id),
                count(articles::editor_id),
            ))
            .order_by(articles::author_id);
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(r#"SELECT "articles"."author_id", COUNT(*), SUM("articles"."id"), AVG("articles"."id"), MIN("articles"."title"), MAX("articles"."editor_id"), COUNT("articles"."editor_id") FROM "articles" GROUP BY "articles"."author_id" ORDER BY "articles"."author_id""#)
        );
        type Row = (
            i32,
            i64,
            Option<i64>,
            Option<Decimal>,
            Option<String>,
            Option<i32>,
            i64,
        );
        let typed: Vec<Row> = go!(q.load(&mut db.conn)).unwrap();
        same_by_hand::<Row>(
            &db,
            &typed,
            "SELECT author_id, count(*), sum(id), avg(id), min(title), max(editor_id), count(editor_id)
         FROM articles GROUP BY author_id ORDER BY author_id",
        );
        assert_eq!(typed[0].1, 2);
        assert_eq!(typed[0].3, Some(Decimal::new(105, 1)));
        let title = |t: &str| Some(t.to_string());
        assert_eq!(
            typed,
            vec![
                (
                    1,
                    2,
                    Some(21),
                    Some(Decimal::new(105, 1)),
                    title("Rust"),
                    Some(2),
                    1
                ),
                (
                    2,
                    1,
                    Some(12),
                    Some(Decimal::from(12)),
                    title("Types"),
                    Some(1),
                    1
                ),
                (
                    4,
                    1,
                    Some(13),
                    Some(Decimal::from(13)),
                    title("Lonely"),
                    None,
                    0
                ),
            ]
        );
    }

    fn having_and_ordering_by_aggregates<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        let typed: Vec<(i32, i64)> = go!(remarks::table
            .group_by(remarks::person_id)
            .having(count_star().gt(1))
            .select((remarks::person_id, count_star()))
            .order_by(count_star().desc())
            .load(&mut db.conn))
            .unwrap();
        same_by_hand::<(i32, i64)>(
            &db,
            &typed,
            "SELECT person_id, count(*) FROM remarks GROUP BY person_id HAVING count(*) > 1
         ORDER BY count(*) DESC",
        );
        assert_eq!(typed, [(2, 2)]);
    }

    fn functional_dependency_on_the_primary_key<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        // grouped by people.id, so people.name may be selected without being grouped
        let q = people::table
            .left_join(remarks::table)
            .group_by(people::id)
            .select((people::name, count(remarks::id)))
            .order_by(people::name);
        let typed: Vec<(String, i64)> = go!(q.load(&mut db.conn)).unwrap();
        same_by_hand::<(String, i64)>(
            &db,
            &typed,
            "SELECT p.name, count(r.id) FROM people p LEFT JOIN remarks r ON r.person_id = p.id
         GROUP BY p.id ORDER BY p.name",
        );
        assert_eq!(typed.last(), Some(&("Dee".to_string(), 0)));
        let n = |name: &str, count: i64| (name.to_string(), count);
        assert_eq!(typed, [n("Ann", 1), n("Bob", 2), n("Cid", 1), n("Dee", 0)]);
    }

    fn aggregate_only_queries_and_having_without_group_by<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        let (n, first, last): (i64, Option<String>, Option<String>) = go!(people::table
            .select((count_star(), min(people::name), max(people::name)))
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(
            (n, first.as_deref(), last.as_deref()),
            (4, Some("Ann"), Some("Dee"))
        );

        let q = people::table
            .having(count_star().gt(3))
            .select(count_star());
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(r#"SELECT COUNT(*) FROM "people" HAVING COUNT(*) > $1"#)
        );
        assert_eq!(go!(q.load(&mut db.conn)).unwrap(), [4]);
        let none = go!(people::table
            .having(count_star().gt(10))
            .select(count_star())
            .load(&mut db.conn))
            .unwrap();
        assert!(none.is_empty());

        // constants mix with aggregates
        let (one, total): (i32, i64) = go!(articles::table
            .select((value(1), count_distinct(articles::author_id)))
            .one(&mut db.conn))
            .unwrap();
        assert_eq!((one, total), (1, 3));

        // an aggregate over no rows is NULL, typed as Option
        let empty: Option<i64> = go!(articles::table
            .filter(articles::id.gt(1000))
            .select(sum(articles::author_id))
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(empty, None);
    }

    fn grouping_by_joined_and_aliased_columns<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        sqlwright::alias!(author = people);
        let typed: Vec<(String, i64)> = go!(articles::table
            .inner_join_on(author, articles::author_id.eq(author.col(people::id)))
            .group_by(author.col(people::name))
            .select((author.col(people::name), count_star()))
            .order_by(author.col(people::name))
            .load(&mut db.conn))
            .unwrap();
        same_by_hand::<(String, i64)>(
            &db,
            &typed,
            "SELECT a.name, count(*) FROM articles JOIN people a ON author_id = a.id
         GROUP BY a.name ORDER BY a.name",
        );
        let n = |name: &str, count: i64| (name.to_string(), count);
        assert_eq!(typed, [n("Ann", 2), n("Bob", 1), n("Dee", 1)]);
    }
}

/// Maps a driver row into a tuple, for comparing with hand-written SQL.
trait FromHand<'a>: Sized {
    fn from_hand(row: &'a postgres::Row) -> Self;
}
macro_rules! from_hand {
    ($(($($t:ident $i:tt),+))*) => {$(
        impl<'a, $($t: postgres::types::FromSql<'a>),+> FromHand<'a> for ($($t,)+) {
            fn from_hand(row: &'a postgres::Row) -> Self {
                ($(row.get($i),)+)
            }
        }
    )*};
}
from_hand! { (A 0) (A 0, B 1) (A 0, B 1, C 2) (A 0, B 1, C 2, D 3, E 4, F 5, G 6) }
