//! SELECT DISTINCT, DISTINCT ON (PostgreSQL) and `group_by` written after `select`: the
//! queries the compile-time rules accept run, and give the rows the data implies.

use crate::both::{spelled, text_of, with};
use crate::schema::*;
use crate::twice::twice;
use sqlwright::backend::Dialect;
use sqlwright::prelude::*;
use sqlwright::Postgres;

twice! {
    fn distinct_ordered_by_selected_columns<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        // DISTINCT written before or after `select`, ordered by a selected column
        let colors: Vec<Option<String>> = go!(users::table
            .select(users::hair_color)
            .distinct()
            .filter(users::hair_color.is_not_null())
            .order_by(users::hair_color.desc())
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(colors, [Some("red".into()), Some("black".into())]);
        let colors: Vec<Option<String>> = go!(users::table
            .distinct()
            .filter(users::hair_color.is_not_null())
            .select(users::hair_color)
            .order_by(users::hair_color)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(colors, [Some("black".into()), Some("red".into())]);
        // ordered first, made DISTINCT last: the same rule, checked by `distinct`
        let q = users::table
            .filter(users::age.gt(20))
            .order_by(users::name)
            .select((users::name, users::hair_color))
            .distinct();
        assert!(text_of(q.debug_sql_for(B::DIALECT)).starts_with(&spelled::<B>("SELECT DISTINCT \"users\".\"name\"")));
        let rows: Vec<(String, Option<String>)> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(
            rows,
            [
                ("Ann".into(), Some("red".into())),
                ("Cid".into(), Some("black".into())),
                ("Dee".into(), Some("red".into())),
            ]
        );
        // a whole table selected: any of its columns may order it
        let ids: Vec<i32> = go!(users::table
            .distinct()
            .order_by(users::age.desc())
            .filter(users::age.is_not_null())
            .load_as::<(i32, String, String, Option<String>, Option<i32>), _, _>(&mut db.conn))
            .unwrap()
            .into_iter()
            .map(|u| u.0)
            .collect();
        assert_eq!(ids, [3, 1, 4, 5]);
    }

    fn group_by_after_select<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        // SQLAlchemy's order: select, then group_by; the same query as SQL's order
        let after: Vec<(Option<String>, i64)> = go!(users::table
            .select((users::hair_color, count_star()))
            .group_by(users::hair_color)
            .order_by(count_star().desc())
            .then_order_by(users::hair_color)
            .load(&mut db.conn))
            .unwrap();
        let before: Vec<(Option<String>, i64)> = go!(users::table
            .group_by(users::hair_color)
            .select((users::hair_color, count_star()))
            .order_by(count_star().desc())
            .then_order_by(users::hair_color)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(after, before);
        let (nulls, colored): (Vec<_>, Vec<_>) = after.into_iter().partition(|(c, _)| c.is_none());
        assert_eq!(nulls, [(None, 2)]);
        assert_eq!(
            colored,
            [(Some("red".into()), 2), (Some("black".into()), 1)]
        );
        // an aggregate-only list, then group_by: one row per group, not one for the table
        let per_color: Vec<i64> = go!(users::table
            .select(count_star())
            .group_by(users::hair_color)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(per_color.len(), 3);
        // grouped by the primary key after select: the other columns of the table follow it
        let names: Vec<(String, i64)> = go!(users::table
            .select((users::name, count_star()))
            .group_by(users::id)
            .order_by(users::name)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(names.len(), 5);
        assert_eq!(names[0], ("Ann".into(), 1));
    }
}

twice! {
    fn distinct_on_keeps_the_first_row_of_each_group() {
        let mut db = with::<Postgres>(USERS_SCHEMA, USER_ROWS);
        // the youngest user of each hair colour
        let q = users::table
            .distinct_on(users::hair_color)
            .select((users::hair_color, users::name))
            .order_by((users::hair_color, users::age.asc()));
        assert_eq!(
            text_of(q.debug_sql_for(Dialect::Postgres)),
            "SELECT DISTINCT ON (\"users\".\"hair_color\") \"users\".\"hair_color\", \"users\".\"name\" \
         FROM \"users\" ORDER BY \"users\".\"hair_color\", \"users\".\"age\" ASC"
        );
        let rows: Vec<(Option<String>, String)> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(
            rows,
            [
                (Some("black".into()), "Cid".into()),
                (Some("red".into()), "Dee".into()),
                (None, "Ёжик".into()),
            ]
        );
        // two columns, in either order at the head of ORDER BY, then anything else; the ORDER
        // BY columns need not be selected
        let rows: Vec<String> = go!(users::table
            .select(users::name)
            .distinct_on((users::hair_color, users::age))
            .order_by((users::age.desc(), users::hair_color, users::name))
            .filter(users::hair_color.is_not_null())
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(rows, ["Cid", "Ann", "Dee"]);
        // without ORDER BY: one row per value, whichever the server finds first
        let count = go!(users::table
            .distinct_on(users::hair_color)
            .select(users::hair_color)
            .count(&mut db.conn))
            .unwrap();
        assert_eq!(count, 3);
    }
}
