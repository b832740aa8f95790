//! Result shapes: all rows, first, one, scalar, count; and seeing SQL without running it.

use crate::both::{spelled, with};
use crate::schema::*;
use crate::twice::twice;
use sqlwright::backend::Dialect;
use sqlwright::prelude::*;

twice! {
    fn first_one_scalar_count<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        let first = go!(users::table
            .select(users::name)
            .order_by(users::id)
            .first(&mut db.conn))
            .unwrap();
        assert_eq!(first.as_deref(), Some("Ann"));
        let none = go!(users::table
            .filter(users::age.gt(100))
            .select(users::name)
            .first(&mut db.conn))
            .unwrap();
        assert_eq!(none, None);

        let one = go!(users::table
            .filter(users::email.eq("cid@example.com"))
            .select((users::id, users::name))
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(one, (3, "Cid".to_string()));
        let err = go!(users::table
            .filter(users::age.gt(100))
            .select(users::id)
            .one(&mut db.conn))
            .unwrap_err();
        assert!(matches!(err, sqlwright::Error::NotFound), "{err}");
        let err = go!(users::table
            .filter(users::hair_color.eq("red"))
            .select(users::id)
            .one(&mut db.conn))
            .unwrap_err();
        assert!(matches!(err, sqlwright::Error::MultipleRows), "{err}");

        let age = go!(users::table
            .filter(users::name.eq("Dee"))
            .select(users::age)
            .scalar(&mut db.conn))
            .unwrap();
        assert_eq!(age, Some(Some(25)));
        let missing = go!(users::table
            .filter(users::name.eq("Zed"))
            .select(users::age)
            .scalar(&mut db.conn))
            .unwrap();
        assert_eq!(missing, None);
        assert!(matches!(
            go!(users::table.select(users::age).scalar(&mut db.conn)),
            Err(sqlwright::Error::MultipleRows)
        ));

        assert_eq!(go!(users::table.count(&mut db.conn)).unwrap(), 5);
        assert_eq!(
            go!(users::table
                .filter(users::hair_color.is_null())
                .count(&mut db.conn))
                .unwrap(),
            2
        );
        assert_eq!(
            go!(users::table
                .select(users::hair_color)
                .distinct()
                .count(&mut db.conn))
                .unwrap(),
            3
        );
        // one() on a limited query still sees at most the limit
        let limited = go!(users::table
            .select(users::id)
            .order_by(users::id)
            .limit(1)
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(limited, 1);
    }

    fn hostile_values_are_parameters<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        let evil = "x' OR '1'='1";
        let n = go!(users::table
            .filter(users::name.eq(evil))
            .count(&mut db.conn))
            .unwrap();
        assert_eq!(n, 0);
        assert_eq!(go!(users::table.count(&mut db.conn)).unwrap(), 5);
    }
}

#[test]
fn sql_and_parameters_without_running() {
    let q = users::table
        .filter(users::name.eq("O'Brien; DROP TABLE users; --") & users::age.between(18, 65))
        .select(users::id)
        .limit(5);
    let rendered = q.render();
    assert_eq!(
        rendered.sql,
        r#"SELECT "users"."id" FROM "users" WHERE ("users"."name" = $1) AND ("users"."age" BETWEEN $2 AND $3) LIMIT $4"#
    );
    assert_eq!(rendered.params.len(), 4);
    assert_eq!(
        q.debug_sql(),
        format!(
            "{} -- binds: [\"O'Brien; DROP TABLE users; --\", 18, 65, 5]",
            rendered.sql
        )
    );
    assert_eq!(
        q.debug_sql_for(Dialect::Sqlite),
        format!(
            "{} -- binds: [\"O'Brien; DROP TABLE users; --\", 18, 65, 5]",
            spelled::<sqlwright::Sqlite>(&rendered.sql)
        )
    );
}
