//! Structs loaded from rows by field name.

use crate::both::{spelled, text_of, with};
use crate::schema::*;
use crate::twice::twice;
use sqlwright::prelude::*;

#[derive(sqlwright::Row, Debug, PartialEq)]
#[sqlwright(table = users)]
struct User {
    id: i32,
    // declared before `name`: mapping is by name, so the order of fields does not matter
    email: String,
    name: String,
    #[sqlwright(column = hair_color)]
    hair: Option<String>,
}

twice! {
    fn load_structs_by_field_name<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        let q = users::table
            .filter(users::hair_color.eq("red"))
            .select(User::as_select())
            .order_by(users::id);
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(
                r#"SELECT "users"."id", "users"."email", "users"."name", "users"."hair_color" FROM "users" WHERE "users"."hair_color" = $1 ORDER BY "users"."id""#
            )
        );
        let users: Vec<User> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(
            users,
            vec![
                User {
                    id: 1,
                    email: "ann@example.com".into(),
                    name: "Ann".into(),
                    hair: Some("red".into())
                },
                User {
                    id: 4,
                    email: "dee@example.com".into(),
                    name: "Dee".into(),
                    hair: Some("red".into())
                },
            ]
        );
        let bob = go!(users::table
            .filter(users::name.eq("Bob"))
            .select(User::as_select())
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(bob.hair, None);
        // a struct inside a tuple
        let pairs = go!(users::table
            .filter(users::id.eq(3))
            .select((users::age, User::as_select()))
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(pairs[0].0, Some(41));
        assert_eq!(pairs[0].1.name, "Cid");
    }
}
