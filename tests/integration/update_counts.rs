//! UPDATE counts on every backend: the rows an UPDATE matched, as PostgreSQL counts them
//! (MySQL's own count leaves out a row set to the values it had; see docs/design.md,
//! "MySQL stream, Any, counts").

use crate::both::with;
use crate::schema::*;
use crate::twice::twice;
use sqlwright::prelude::*;

twice! {
    // PostgreSQL and SQLite count the rows an UPDATE matched; MySQL's affected rows leave
    // out a row set to the values it had, so sqlwright reads the matched rows there.
    fn an_update_counts_the_rows_it_matched<B>() {
        let mut db = with::<B>(USERS_SCHEMA, "");
        go!(insert_into(users::table)
            .values(vec![
                (users::name.to("a"), users::email.to("a@x"), users::age.to(Some(1))),
                (users::name.to("b"), users::email.to("b@x"), users::age.to(Some(1))),
                (users::name.to("c"), users::email.to("c@x"), users::age.to(Some(2))),
            ])
            .execute(&mut db.conn))
            .unwrap();
        // Two rows match; one of them already has the name.
        let n = go!(update(users::table)
            .filter(users::age.eq(1))
            .set(users::name.to("a"))
            .execute(&mut db.conn))
            .unwrap();
        assert_eq!(n, 2);
        // Every row set to what it was: nothing changes, three rows match.
        let n = go!(update(users::table)
            .set(users::age.to(users::age))
            .execute(&mut db.conn))
            .unwrap();
        assert_eq!(n, 3);
        let n = go!(update(users::table)
            .filter(users::name.eq("nobody"))
            .set(users::age.to(Some(9)))
            .execute(&mut db.conn))
            .unwrap();
        assert_eq!(n, 0);
        let rows: Vec<(i32, String, Option<i32>)> = go!(users::table
            .select((users::id, users::name, users::age))
            .order_by(users::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(
            rows,
            vec![(1, "a".into(), Some(1)), (2, "a".into(), Some(1)), (3, "c".into(), Some(2))]
        );
    }
}
