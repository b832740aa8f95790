//! Unicode and reserved-word identifiers, and SQL names that differ from Rust names, on
//! PostgreSQL and SQLite.

use crate::both::{spelled, text_of, with};
use crate::twice::twice;
use sqlwright::prelude::*;

sqlwright::table! {
    /// The notes' users table.
    пользователь_ (ид) {
        ид -> Int4,
        имя -> Text,
        фамилия -> Nullable<Text>,
    }

    /// Reserved words as table and column names.
    user (id) {
        id -> Int4,
        order -> Int4,
        group -> Text,
        select -> Nullable<Text>,
        r#type -> Text,
    }
    #[sql_name = "Order Lines"]
    order_lines (id) {
        id -> Int4,
        #[sql_name = "Qty \"x\""]
        qty -> Int4,
    }
}

/// The three tables with their rows, created by their declarations on backend `B`.
macro_rules! fixture {
    () => {
        with::<B>(
            sqlwright::schema!(пользователь_, user, order_lines),
            &crate::both::spelled::<B>(
                r#"
INSERT INTO "пользователь_" VALUES (1, 'Петя', 'Иванов'), (2, 'Маша', NULL);
INSERT INTO "user" VALUES (1, 10, 'admins', NULL, 'human'), (2, 5, 'guests', 'x', 'bot');
INSERT INTO "Order Lines" VALUES (1, 3), (2, 4);
"#,
            ),
        )
    };
}

twice! {
    fn cyrillic_names<B>() {
        let mut db = fixture!();
        let q = пользователь_::table
            .filter(пользователь_::имя.like("П%"))
            .select((пользователь_::имя, пользователь_::фамилия));
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(
                r#"SELECT "пользователь_"."имя", "пользователь_"."фамилия" FROM "пользователь_" WHERE "пользователь_"."имя" LIKE $1"#
            )
        );
        assert_eq!(
            go!(q.load(&mut db.conn)).unwrap(),
            vec![("Петя".to_string(), Some("Иванов".to_string()))]
        );
        let rows = go!(пользователь_::table
            .filter(пользователь_::фамилия.is_null())
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(rows, vec![(2, "Маша".to_string(), None)]);
    }

    fn reserved_words<B>() {
        let mut db = fixture!();
        let q = user::table
            .filter(user::order.gt(6) & user::r#type.eq("human"))
            .select((user::group, user::select, user::r#type))
            .order_by(user::order.desc());
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(
                r#"SELECT "user"."group", "user"."select", "user"."type" FROM "user" WHERE ("user"."order" > $1) AND ("user"."type" = $2) ORDER BY "user"."order" DESC"#
            )
        );
        assert_eq!(
            go!(q.load(&mut db.conn)).unwrap(),
            vec![("admins".to_string(), None, "human".to_string())]
        );
    }

    fn sql_names_with_spaces_and_quotes<B>() {
        let mut db = fixture!();
        let q = order_lines::table
            .select(order_lines::qty)
            .order_by(order_lines::qty.desc());
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            if B::DIALECT == sqlwright::backend::Dialect::Mysql {
                // A double quote needs no escape between backticks.
                r#"SELECT `Order Lines`.`Qty "x"` FROM `Order Lines` ORDER BY `Order Lines`.`Qty "x"` DESC"#.to_string()
            } else {
                spelled::<B>(
                r#"SELECT "Order Lines"."Qty ""x""" FROM "Order Lines" ORDER BY "Order Lines"."Qty ""x""" DESC"#
                )
            }
        );
        assert_eq!(go!(q.load(&mut db.conn)).unwrap(), vec![4, 3]);
    }

    fn composite_primary_keys<B>() {
        use sqlwright::query::Table;
        let meta = <memberships::table as Table>::META;
        assert_eq!(meta.primary_key, ["group_id", "user_id"]);
        assert!(meta.columns[0].primary_key && meta.columns[1].primary_key);
        assert!(!meta.columns[2].primary_key);
        let mut db = with::<B>(
            sqlwright::schema!(memberships),
            "INSERT INTO memberships VALUES (1, 1, 'owner'), (1, 2, 'member'), (2, 1, 'member');",
        );
        let roles = go!(memberships::table
            .filter(memberships::group_id.eq(1) & memberships::user_id.eq(2))
            .select(memberships::role)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(roles, ["member"]);
    }
}

#[test]
fn metadata_describes_the_declaration() {
    use sqlwright::query::Table;
    let meta = <order_lines::table as Table>::META;
    assert_eq!(meta.name, "order_lines");
    assert_eq!(meta.sql_name, "Order Lines");
    assert_eq!(meta.primary_key, ["id"]);
    let qty = meta.column("Qty \"x\"").unwrap();
    assert_eq!(
        (qty.name, qty.sql_type, qty.nullable),
        ("qty", "int4", false)
    );
    let users = <пользователь_::table as Table>::META;
    assert_eq!(users.doc, "The notes' users table.");
    assert!(users.column("фамилия").unwrap().nullable);
    let reserved = <user::table as Table>::META;
    assert_eq!(reserved.columns[4].name, "type");
    assert_eq!(reserved.columns[4].sql_name, "type");
}

sqlwright::table! {
    /// A composite primary key.
    memberships (group_id, user_id) {
        group_id -> Int4,
        user_id -> Int4,
        role -> Text,
    }
}
