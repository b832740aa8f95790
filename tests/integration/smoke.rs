use crate::schema::*;
use sqlwright::prelude::*;

#[test]
fn select_filter_order() {
    let db = sqlwright::testing::database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(USERS_DDL).unwrap();
    conn.batch_execute(
        "INSERT INTO users (name, email, hair_color, age) VALUES
         ('Ann', 'a@x', 'red', 30), ('Bob', 'b@x', NULL, NULL), ('Cid', 'c@x', 'black', 41)",
    )
    .unwrap();
    let q = users::table
        .filter(users::age.gt(20) & users::hair_color.is_not_null())
        .select((users::name, users::hair_color))
        .order_by(users::name.desc());
    assert_eq!(
        q.to_sql(),
        r#"SELECT "users"."name", "users"."hair_color" FROM "users" WHERE ("users"."age" > $1) AND ("users"."hair_color" IS NOT NULL) ORDER BY "users"."name" DESC"#
    );
    let rows: Vec<(String, Option<String>)> = q.load(&mut conn).unwrap();
    assert_eq!(
        rows,
        vec![
            ("Cid".to_string(), Some("black".to_string())),
            ("Ann".to_string(), Some("red".to_string()))
        ]
    );
    let all = users::table.load(&mut conn).unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[1].1, "Bob");
}
