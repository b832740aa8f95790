//! Every operator of the single-table expression language, against the real server.

use crate::schema::*;
use crate::setup;
use sqlwright::prelude::*;

fn names<E, I>(db: &mut crate::Db, condition: E) -> Vec<String>
where
    E: sqlwright::check::ValidWhere<sqlwright::query::SingleFrom<users::table>, I>,
    E: sqlwright::render::Render,
{
    users::table
        .filter(condition)
        .select(users::name)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap()
}

#[test]
fn comparisons_with_values_and_columns() {
    let mut db = setup(USERS);
    assert_eq!(names(&mut db, users::age.eq(30)), ["Ann"]);
    assert_eq!(names(&mut db, users::age.ne(30)), ["Cid", "Dee", "Ёжик"]);
    assert_eq!(names(&mut db, users::age.lt(25)), ["Ёжик"]);
    assert_eq!(names(&mut db, users::age.le(25)), ["Dee", "Ёжик"]);
    assert_eq!(names(&mut db, users::age.gt(30)), ["Cid"]);
    assert_eq!(names(&mut db, users::age.ge(30)), ["Ann", "Cid"]);
    assert_eq!(names(&mut db, users::name.eq("Bob")), ["Bob"]);
    assert_eq!(names(&mut db, users::name.eq(String::from("Cid"))), ["Cid"]);
    let wanted = String::from("Dee");
    assert_eq!(names(&mut db, users::name.eq(&wanted)), ["Dee"]);
    // column against column, nullable against not null
    assert_eq!(
        names(&mut db, users::id.eq(users::age)),
        Vec::<String>::new()
    );
    assert_eq!(
        names(&mut db, users::hair_color.eq(users::name)),
        Vec::<String>::new()
    );
    assert_eq!(
        names(&mut db, users::age.gt(users::id)),
        ["Ann", "Cid", "Dee", "Ёжик"]
    );
}

#[test]
fn boolean_combinators_follow_sql_precedence() {
    let mut db = setup(USERS);
    let q = users::table
        .filter(users::age.gt(20) & (users::hair_color.eq("red") | users::name.eq("Cid")))
        .select(users::name);
    assert_eq!(
        q.to_sql(),
        r#"SELECT "users"."name" FROM "users" WHERE ("users"."age" > $1) AND (("users"."hair_color" = $2) OR ("users"."name" = $3))"#
    );
    let mut rows = q.load(&mut db.conn).unwrap();
    rows.sort();
    assert_eq!(rows, ["Ann", "Cid", "Dee"]);
    assert_eq!(
        names(&mut db, !users::hair_color.eq("red")),
        ["Cid"],
        "NOT of NULL is NULL, so Bob and Ёжик (NULL hair) are not returned"
    );
    assert_eq!(
        names(
            &mut db,
            users::age
                .gt(20)
                .and(users::age.lt(40))
                .or(users::name.eq("Bob"))
        ),
        ["Ann", "Bob", "Dee"]
    );
    // repeated filter calls are ANDed
    let rows = users::table
        .filter(users::age.gt(20))
        .filter(users::hair_color.eq("red"))
        .select(users::name)
        .order_by(users::name)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(rows, ["Ann", "Dee"]);
}

#[test]
fn null_tests() {
    let mut db = setup(USERS);
    assert_eq!(names(&mut db, users::hair_color.is_null()), ["Bob", "Ёжик"]);
    assert_eq!(
        names(&mut db, users::age.is_not_null()),
        ["Ann", "Cid", "Dee", "Ёжик"]
    );
    assert_eq!(
        names(&mut db, users::age.eq(30).is_null()),
        ["Bob"],
        "a comparison with NULL is NULL"
    );
}

#[test]
fn like_and_ilike() {
    let mut db = setup(USERS);
    assert_eq!(names(&mut db, users::name.like("_o%")), ["Bob"]);
    assert_eq!(
        names(&mut db, users::name.not_like("%e%")),
        ["Ann", "Bob", "Cid", "Ёжик"]
    );
    assert_eq!(names(&mut db, users::email.ilike("ANN@%")), ["Ann"]);
    assert_eq!(names(&mut db, users::name.ilike("ёж%")), ["Ёжик"]);
    assert_eq!(
        names(&mut db, users::name.not_ilike("%D%")),
        ["Ann", "Bob", "Ёжик"]
    );
    assert_eq!(names(&mut db, users::hair_color.like("r%")), ["Ann", "Dee"]);
    assert_eq!(names(&mut db, users::name.concat("!").eq("Bob!")), ["Bob"]);
}

#[test]
fn in_and_not_in_lists() {
    let mut db = setup(USERS);
    let q = users::table
        .filter(users::id.in_([1, 3]))
        .select(users::name);
    assert_eq!(
        q.to_sql(),
        r#"SELECT "users"."name" FROM "users" WHERE "users"."id" = ANY($1)"#
    );
    assert_eq!(names(&mut db, users::id.in_([1, 3])), ["Ann", "Cid"]);
    assert_eq!(
        names(&mut db, users::name.in_(vec!["Bob", "Dee", "Zed"])),
        ["Bob", "Dee"]
    );
    assert_eq!(
        names(&mut db, users::id.not_in([1, 3])),
        ["Bob", "Dee", "Ёжик"]
    );
    assert_eq!(
        names(&mut db, users::id.in_(Vec::<i32>::new())),
        Vec::<String>::new()
    );
    assert_eq!(names(&mut db, users::id.not_in(Vec::<i32>::new())).len(), 5);
    // NOT IN with a NULL operand: unknown, so the row is not returned
    assert_eq!(
        names(&mut db, users::age.not_in([30])),
        ["Cid", "Dee", "Ёжик"]
    );
}

#[test]
fn between_and_not_between() {
    let mut db = setup(USERS);
    assert_eq!(names(&mut db, users::age.between(25, 30)), ["Ann", "Dee"]);
    assert_eq!(
        names(&mut db, users::age.not_between(25, 30)),
        ["Cid", "Ёжик"]
    );
    assert_eq!(
        names(&mut db, users::name.between("B", "Cz")),
        ["Bob", "Cid"]
    );
    assert_eq!(
        names(&mut db, users::id.between(users::age, 100)),
        Vec::<String>::new(),
        "bounds can be columns"
    );
}

#[test]
fn arithmetic() {
    let mut db = setup(USERS);
    let q = users::table.filter(users::name.eq("Ann")).select((
        users::age + 1,
        users::age - 1,
        users::age * 2,
        users::age / 7,
        users::id + users::id,
    ));
    assert_eq!(
        q.to_sql(),
        r#"SELECT "users"."age" + $1, "users"."age" - $2, "users"."age" * $3, "users"."age" / $4, "users"."id" + "users"."id" FROM "users" WHERE "users"."name" = $5"#
    );
    let row: (Option<i32>, Option<i32>, Option<i32>, Option<i32>, i32) =
        q.one(&mut db.conn).unwrap();
    assert_eq!(row, (Some(31), Some(29), Some(60), Some(4), 2));
    let bob: Option<i32> = users::table
        .filter(users::name.eq("Bob"))
        .select(users::age * 2)
        .one(&mut db.conn)
        .unwrap();
    assert_eq!(bob, None, "arithmetic on NULL is NULL, typed Option");
    assert_eq!(names(&mut db, (users::age + 10).gt(39)), ["Ann", "Cid"]);
}

#[test]
fn ordering_limit_offset_distinct() {
    let mut db = setup(USERS);
    let q = users::table
        .select(users::hair_color)
        .order_by(users::hair_color.asc().nulls_first())
        .then_order_by(users::id.desc());
    assert_eq!(
        q.to_sql(),
        r#"SELECT "users"."hair_color" FROM "users" ORDER BY "users"."hair_color" ASC NULLS FIRST, "users"."id" DESC"#
    );
    let rows = q.load(&mut db.conn).unwrap();
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
    let rows = users::table
        .select(users::age)
        .order_by(users::age.desc().nulls_last())
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(rows, [Some(41), Some(30), Some(25), Some(7), None]);
    let page = users::table
        .select(users::name)
        .order_by((users::hair_color.desc(), users::name.asc()))
        .limit(2)
        .offset(1)
        .load(&mut db.conn)
        .unwrap();
    // DESC puts NULLs first in PostgreSQL: Bob, Ёжик, Ann, Dee, Cid
    assert_eq!(page, ["Ёжик", "Ann"]);
    let mut colors = users::table
        .select(users::hair_color)
        .distinct()
        .load(&mut db.conn)
        .unwrap();
    colors.sort();
    assert_eq!(colors, [None, Some("black".into()), Some("red".into())]);
    let q = users::table.distinct().limit(3);
    assert!(q.to_sql().starts_with("SELECT DISTINCT \"users\".\"id\", "));
    assert!(q.to_sql().ends_with(" LIMIT $1"));
}

#[test]
fn optional_filters_keep_the_query_type() {
    let mut db = setup(USERS);
    // filters chosen at run time: the query's type is the same whichever are present
    let search = |db: &mut crate::Db, name: Option<&str>, min_age: Option<i32>| {
        users::table
            .filter_opt(name.map(|n| users::name.like(n)))
            .filter_opt(min_age.map(|a| users::age.ge(a)))
            .select(users::name)
            .order_by(users::id)
            .load(&mut db.conn)
            .unwrap()
    };
    assert_eq!(search(&mut db, None, None).len(), 5);
    assert_eq!(search(&mut db, Some("%e%"), None), ["Dee"]);
    assert_eq!(search(&mut db, None, Some(30)), ["Ann", "Cid"]);
    assert_eq!(search(&mut db, Some("A%"), Some(30)), ["Ann"]);
    let chosen = |keep: bool| Some(users::id.eq(1)).filter(|_| keep);
    let q = users::table.filter_opt(chosen(true)).select(users::id);
    assert_eq!(
        q.to_sql(),
        r#"SELECT "users"."id" FROM "users" WHERE "users"."id" = $1"#
    );
    let q = users::table.filter_opt(chosen(false)).select(users::id);
    assert_eq!(q.to_sql(), r#"SELECT "users"."id" FROM "users" WHERE TRUE"#);
    assert_eq!(q.load(&mut db.conn).unwrap().len(), 5);
}
