//! Every operator of the single-table expression language, on PostgreSQL and SQLite.

use crate::both::{spelled, text_of, with, Fresh};
use crate::schema::*;
use crate::setup;
use crate::twice::twice;
use sqlwright::backend::Dialect;
use sqlwright::prelude::*;

/// The names of the users `condition` keeps, by id (a macro: the run is awaited on
/// tokio); the condition passes through [`portable`].
macro_rules! names {
    ($conn:expr, $condition:expr $(,)?) => {
        go!(users::table
            .filter(portable($condition))
            .select(users::name)
            .order_by(users::id)
            .load($conn))
        .unwrap()
    };
}

/// [`names`] on PostgreSQL, which runs every condition: no `Portable` bound.
macro_rules! pg_names {
    ($conn:expr, $condition:expr $(,)?) => {
        go!(users::table
            .filter($condition)
            .select(users::name)
            .order_by(users::id)
            .load($conn))
        .unwrap()
    };
}

/// `condition`, checked to run on every backend: what generic code over the backend asks
/// of a condition.
fn portable<E, I>(condition: E) -> E
where
    E: sqlwright::check::ValidWhere<sqlwright::query::SingleFrom<users::table>, I>,
    E: sqlwright::backend::Portable,
{
    condition
}

twice! {
    fn comparisons_with_values_and_columns<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        assert_eq!(names!(&mut db.conn, users::age.eq(30)), ["Ann"]);
        assert_eq!(
            names!(&mut db.conn, users::age.ne(30)),
            ["Cid", "Dee", "Ёжик"]
        );
        assert_eq!(names!(&mut db.conn, users::age.lt(25)), ["Ёжик"]);
        assert_eq!(names!(&mut db.conn, users::age.le(25)), ["Dee", "Ёжик"]);
        assert_eq!(names!(&mut db.conn, users::age.gt(30)), ["Cid"]);
        assert_eq!(names!(&mut db.conn, users::age.ge(30)), ["Ann", "Cid"]);
        assert_eq!(names!(&mut db.conn, users::name.eq("Bob")), ["Bob"]);
        assert_eq!(
            names!(&mut db.conn, users::name.eq(String::from("Cid"))),
            ["Cid"]
        );
        let wanted = String::from("Dee");
        assert_eq!(names!(&mut db.conn, users::name.eq(&wanted)), ["Dee"]);
        // column against column, nullable against not null
        assert_eq!(
            names!(&mut db.conn, users::id.eq(users::age)),
            Vec::<String>::new()
        );
        assert_eq!(
            names!(&mut db.conn, users::hair_color.eq(users::name)),
            Vec::<String>::new()
        );
        assert_eq!(
            names!(&mut db.conn, users::age.gt(users::id)),
            ["Ann", "Cid", "Dee", "Ёжик"]
        );
    }

    fn boolean_combinators_follow_sql_precedence<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        let q = users::table
            .filter(users::age.gt(20) & (users::hair_color.eq("red") | users::name.eq("Cid")))
            .select(users::name);
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(
                r#"SELECT "users"."name" FROM "users" WHERE ("users"."age" > $1) AND (("users"."hair_color" = $2) OR ("users"."name" = $3))"#
            )
        );
        let mut rows = go!(q.load(&mut db.conn)).unwrap();
        rows.sort();
        assert_eq!(rows, ["Ann", "Cid", "Dee"]);
        assert_eq!(
            names!(&mut db.conn, !users::hair_color.eq("red")),
            ["Cid"],
            "NOT of NULL is NULL, so Bob and Ёжик (NULL hair) are not returned"
        );
        assert_eq!(
            names!(
                &mut db.conn,
                users::age
                    .gt(20)
                    .and(users::age.lt(40))
                    .or(users::name.eq("Bob"))
            ),
            ["Ann", "Bob", "Dee"]
        );
        // repeated filter calls are ANDed
        let rows = go!(users::table
            .filter(users::age.gt(20))
            .filter(users::hair_color.eq("red"))
            .select(users::name)
            .order_by(users::name)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(rows, ["Ann", "Dee"]);
    }

    fn null_tests<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        assert_eq!(
            names!(&mut db.conn, users::hair_color.is_null()),
            ["Bob", "Ёжик"]
        );
        assert_eq!(
            names!(&mut db.conn, users::age.is_not_null()),
            ["Ann", "Cid", "Dee", "Ёжик"]
        );
        assert_eq!(
            names!(&mut db.conn, users::age.eq(30).is_null()),
            ["Bob"],
            "a comparison with NULL is NULL"
        );
    }

    fn like_and_not_like<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        assert_eq!(names!(&mut db.conn, users::name.like("_o%")), ["Bob"]);
        assert_eq!(
            names!(&mut db.conn, users::name.not_like("%e%")),
            ["Ann", "Bob", "Cid", "Ёжик"]
        );
        assert_eq!(
            names!(&mut db.conn, users::hair_color.like("r%")),
            ["Ann", "Dee"]
        );
        assert_eq!(
            names!(&mut db.conn, users::name.concat("!").eq("Bob!")),
            ["Bob"]
        );
    }

    /// ILIKE is PostgreSQL's (SQLite's `lower()` folds only ASCII, so there is no exact
    /// rewrite; see docs/design.md).
    fn ilike() {
        let mut db = setup(USERS);
        assert_eq!(pg_names!(&mut db.conn, users::email.ilike("ANN@%")), ["Ann"]);
        assert_eq!(pg_names!(&mut db.conn, users::name.ilike("ёж%")), ["Ёжик"]);
        assert_eq!(
            pg_names!(&mut db.conn, users::name.not_ilike("%D%")),
            ["Ann", "Bob", "Ёжик"]
        );
    }

    fn in_and_not_in_lists<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        let q = users::table
            .filter(users::id.in_([1, 3]))
            .select(users::name);
        // The bound list is one parameter on both: an array on PostgreSQL, JSON on SQLite.
        let expected = match B::DIALECT {
            Dialect::Sqlite => {
                r#"SELECT "users"."name" FROM "users" WHERE "users"."id" IN (SELECT value FROM json_each(?1))"#
            }
            // MySQL has no arrays: one `?` an element, padded to a power of two.
            Dialect::Mysql => "SELECT `users`.`name` FROM `users` WHERE `users`.`id` IN (?, ?)",
            _ => r#"SELECT "users"."name" FROM "users" WHERE "users"."id" = ANY($1)"#,
        };
        assert_eq!(text_of(q.debug_sql_for(B::DIALECT)), expected);
        assert_eq!(names!(&mut db.conn, users::id.in_([1, 3])), ["Ann", "Cid"]);
        assert_eq!(
            names!(&mut db.conn, users::name.in_(vec!["Bob", "Dee", "Zed"])),
            ["Bob", "Dee"]
        );
        assert_eq!(
            names!(&mut db.conn, users::id.not_in([1, 3])),
            ["Bob", "Dee", "Ёжик"]
        );
        assert_eq!(
            names!(&mut db.conn, users::id.in_(Vec::<i32>::new())),
            Vec::<String>::new()
        );
        assert_eq!(
            names!(&mut db.conn, users::id.not_in(Vec::<i32>::new())).len(),
            5
        );
        // NOT IN with a NULL operand: unknown, so the row is not returned
        assert_eq!(
            names!(&mut db.conn, users::age.not_in([30])),
            ["Cid", "Dee", "Ёжик"]
        );
    }

    fn between_and_not_between<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        assert_eq!(
            names!(&mut db.conn, users::age.between(25, 30)),
            ["Ann", "Dee"]
        );
        assert_eq!(
            names!(&mut db.conn, users::age.not_between(25, 30)),
            ["Cid", "Ёжик"]
        );
        assert_eq!(
            names!(&mut db.conn, users::name.between("B", "Cz")),
            ["Bob", "Cid"]
        );
        assert_eq!(
            names!(&mut db.conn, users::id.between(users::age, 100)),
            Vec::<String>::new(),
            "bounds can be columns"
        );
    }

    fn arithmetic<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        let q = users::table.filter(users::name.eq("Ann")).select((
            users::age + 1,
            users::age - 1,
            users::age * 2,
            users::age / 7,
            users::id + users::id,
        ));
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(
                r#"SELECT "users"."age" + $1, "users"."age" - $2, "users"."age" * $3, "users"."age" / $4, "users"."id" + "users"."id" FROM "users" WHERE "users"."name" = $5"#
            )
            // MySQL's `/` gives a decimal: integers are divided with DIV, which truncates.
            .replace("`age` / ?", "`age` DIV ?")
        );
        let row: (Option<i32>, Option<i32>, Option<i32>, Option<i32>, i32) =
            go!(q.one(&mut db.conn)).unwrap();
        assert_eq!(row, (Some(31), Some(29), Some(60), Some(4), 2));
        let bob: Option<i32> = go!(users::table
            .filter(users::name.eq("Bob"))
            .select(users::age * 2)
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(bob, None, "arithmetic on NULL is NULL, typed Option");
        assert_eq!(
            names!(&mut db.conn, (users::age + 10).gt(39)),
            ["Ann", "Cid"]
        );
    }

    fn ordering_limit_offset_distinct<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        let q = users::table
            .select(users::hair_color)
            .order_by(users::hair_color.asc().nulls_first())
            .then_order_by(users::id.desc());
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            if B::DIALECT == Dialect::Mysql {
                // MySQL has no NULLS FIRST: the NULLs are ordered first by a key of their own.
                "SELECT `users`.`hair_color` FROM `users` ORDER BY `users`.`hair_color` IS NULL DESC, `users`.`hair_color` ASC, `users`.`id` DESC".to_string()
            } else {
                r#"SELECT "users"."hair_color" FROM "users" ORDER BY "users"."hair_color" ASC NULLS FIRST, "users"."id" DESC"#.to_string()
            }
        );
        let rows = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(
            rows,
            [
                None,
                None,
                Some("black".into()),
                Some("red".into()),
                Some("red".into())
            ]
        );
        let rows = go!(users::table
            .select(users::age)
            .order_by(users::age.desc().nulls_last())
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(rows, [Some(41), Some(30), Some(25), Some(7), None]);
        let page = go!(users::table
            .select(users::name)
            .order_by((users::hair_color.desc(), users::name.asc()))
            .limit(2)
            .offset(1)
            .load(&mut db.conn))
            .unwrap();
        // Without NULLS FIRST/LAST the backends differ, and sqlwright writes what was asked:
        // PostgreSQL sorts NULL as the largest value, so DESC puts NULLs first (Bob, Ёжик,
        // Ann, Dee, Cid); SQLite sorts NULL as the smallest, so DESC puts them last (Ann, Dee,
        // Cid, Bob, Ёжик), and so does MySQL.
        match B::DIALECT {
            Dialect::Sqlite | Dialect::Mysql => assert_eq!(page, ["Dee", "Cid"]),
            _ => assert_eq!(page, ["Ёжик", "Ann"]),
        }
        let mut colors = go!(users::table
            .select(users::hair_color)
            .distinct()
            .load(&mut db.conn))
            .unwrap();
        colors.sort();
        assert_eq!(colors, [None, Some("black".into()), Some("red".into())]);
        let q = users::table.distinct().limit(3);
        let sql = text_of(q.debug_sql_for(B::DIALECT));
        assert!(
            sql.starts_with(&spelled::<B>("SELECT DISTINCT \"users\".\"id\", ")),
            "{sql}"
        );
        assert!(sql.ends_with(&spelled::<B>(" LIMIT $1")), "{sql}");
    }

    fn optional_filters_keep_the_query_type<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        // filters chosen at run time: the query's type is the same whichever are present
        let search = |db: &mut Fresh<B>, name: Option<&str>, min_age: Option<i32>| {
            go!(users::table
                .filter_opt(name.map(|n| users::name.like(n)))
                .filter_opt(min_age.map(|a| users::age.ge(a)))
                .select(users::name)
                .order_by(users::id)
                .load(&mut db.conn))
                .unwrap()
        };
        assert_eq!(search(&mut db, None, None).len(), 5);
        assert_eq!(search(&mut db, Some("%e%"), None), ["Dee"]);
        assert_eq!(search(&mut db, None, Some(30)), ["Ann", "Cid"]);
        assert_eq!(search(&mut db, Some("A%"), Some(30)), ["Ann"]);
        let chosen = |keep: bool| Some(users::id.eq(1)).filter(|_| keep);
        let q = users::table.filter_opt(chosen(true)).select(users::id);
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(r#"SELECT "users"."id" FROM "users" WHERE "users"."id" = $1"#)
        );
        // an absent condition adds nothing to the SQL: no `WHERE TRUE`, no `AND TRUE`
        let q = users::table.filter_opt(chosen(false)).select(users::id);
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(r#"SELECT "users"."id" FROM "users""#)
        );
        assert_eq!(go!(q.load(&mut db.conn)).unwrap().len(), 5);
        let q = users::table
            .filter_opt(chosen(false))
            .filter(users::age.gt(20))
            .filter_opt(chosen(false))
            .select(users::id);
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(r#"SELECT "users"."id" FROM "users" WHERE "users"."age" > $1"#)
        );
        assert_eq!(go!(q.load(&mut db.conn)).unwrap().len(), 3);
        let q = users::table
            .filter(users::age.gt(20))
            .filter_opt(chosen(true))
            .select(users::id);
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(
                r#"SELECT "users"."id" FROM "users" WHERE ("users"."age" > $1) AND ("users"."id" = $2)"#
            )
        );
        assert_eq!(go!(q.load(&mut db.conn)).unwrap(), [1]);
        // the same statement run with and without the condition: two statements, both right
        for keep in [true, false, true, false] {
            let n = go!(users::table
                .filter_opt(chosen(keep))
                .select(users::id)
                .load(&mut db.conn))
                .unwrap()
                .len();
            assert_eq!(n, if keep { 1 } else { 5 });
        }
    }
}
