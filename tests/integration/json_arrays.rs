//! JSON (`jsonb`, `json`) and array operators and functions on PostgreSQL: the SQL each one
//! writes and the values the server gives back (a missing key is NULL, loaded as `None`).
//! `sqlwright::Json<T>` values are in `json_values.rs`.

use crate::setup;
use crate::twice::twice;
use serde::Serialize;
use serde_json::json;
use sqlwright::dsl::*;
use sqlwright::prelude::*;
use sqlwright::Json;

sqlwright::table! {
    products (id) {
        id -> Int4,
        name -> Text,
        attributes -> Jsonb,
        extra -> Nullable<Jsonb>,
        raw -> Nullable<Json>,
        tags -> Array<Text>,
        scores -> Nullable<Array<Int4>>,
    }

    /// The elements of an unnested array.
    #[derived]
    wanted { tag -> Text, }
}

pub(crate) const TABLE: &str = "
CREATE TABLE products (id int4 PRIMARY KEY, name text NOT NULL, attributes jsonb NOT NULL,
    extra jsonb, raw json, tags text[] NOT NULL DEFAULT '{}', scores int4[]);";

pub(crate) const ROWS: &str = r#"
INSERT INTO products VALUES
    (1, 'lamp', '{"color": "red", "size": {"w": 10, "h": 20}, "dims": [1, 2, 3]}', NULL,
        '{"a": {"b": "x"}}', '{home,light}', '{1,2,3}'),
    (2, 'chair', '{"color": "blue", "legs": 4}', '{"k": 1}', NULL, '{home}', NULL),
    (3, 'pen', '{"size": {"w": 1}}', NULL, '[10, 20]', '{}', '{}');"#;

/// The ids of the products that `filter` keeps, in order.
macro_rules! ids {
    ($db:expr, $filter:expr) => {{
        let ids: Vec<i32> = go!(products::table
            .filter($filter)
            .select(products::id)
            .order_by(products::id)
            .load(&mut $db.conn))
        .unwrap();
        ids
    }};
}
twice! {
    fn json_access_by_key_index_and_path() {
        let mut db = setup(&format!("{TABLE}{ROWS}"));
        let q = products::table
            .select((
                products::attributes.get("color"),
                products::attributes.get_text("color"),
            ))
            .order_by(products::id);
        assert_eq!(
            q.to_sql(),
            r#"SELECT "products"."attributes" -> $1, "products"."attributes" ->> $2 FROM "products" ORDER BY "products"."id""#
        );
        let rows: Vec<(Option<serde_json::Value>, Option<String>)> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(
            rows,
            [
                (Some(json!("red")), Some("red".to_string())),
                (Some(json!("blue")), Some("blue".to_string())),
                (None, None), // no "color" key: NULL
            ]
        );

        // by index (negative from the end), chained after a key
        let q = products::table
            .select((
                products::attributes.get("dims").get(1),
                products::attributes.get("dims").get_text(-1),
            ))
            .order_by(products::id);
        assert_eq!(
            q.to_sql(),
            r#"SELECT ("products"."attributes" -> $1) -> $2, ("products"."attributes" -> $3) ->> $4 FROM "products" ORDER BY "products"."id""#
        );
        let rows: Vec<(Option<serde_json::Value>, Option<String>)> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(
            rows,
            [
                (Some(json!(2)), Some("3".into())),
                (None, None),
                (None, None)
            ]
        );

        // by path, as JSON and as text
        let q = products::table
            .select((
                products::attributes.get_path(["size", "w"]),
                products::attributes.get_path_text(["size", "h"]),
            ))
            .order_by(products::id);
        assert_eq!(
            q.to_sql(),
            r#"SELECT "products"."attributes" #> $1, "products"."attributes" #>> $2 FROM "products" ORDER BY "products"."id""#
        );
        let rows: Vec<(Option<serde_json::Value>, Option<String>)> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(
            rows,
            [
                (Some(json!(10)), Some("20".into())),
                (None, None),
                (Some(json!(1)), None),
            ]
        );

        // a `json` column (nullable) has the access operators too
        let rows: Vec<(Option<String>, Option<serde_json::Value>)> = go!(products::table
            .select((products::raw.get("a").get_text("b"), products::raw.get(1)))
            .order_by(products::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(
            rows,
            [
                (Some("x".into()), None),
                (None, None),
                (None, Some(json!(20)))
            ]
        );

        // in a filter: the text of a member compared with a value
        assert_eq!(
            ids!(db, products::attributes.get_text("color").eq("blue")),
            [2]
        );
    }

    fn jsonb_keys_and_containment() {
        let mut db = setup(&format!("{TABLE}{ROWS}"));
        let q = products::table
            .filter(products::attributes.has_key("color"))
            .select(products::id);
        assert_eq!(
            q.to_sql(),
            r#"SELECT "products"."id" FROM "products" WHERE "products"."attributes" ? $1"#
        );
        assert_eq!(ids!(db, products::attributes.has_key("color")), [1, 2]);
        assert_eq!(
            ids!(db, products::attributes.has_any_key(["legs", "dims"])),
            [1, 2]
        );
        assert_eq!(
            ids!(db, products::attributes.has_all_keys(["color", "size"])),
            [1]
        );
        assert!(ids!(db, products::attributes.has_any_key(Vec::<String>::new())).is_empty());

        let q = products::table
            .filter(products::attributes.contains(json!({"color": "red"})))
            .select(products::id);
        assert_eq!(
            q.to_sql(),
            r#"SELECT "products"."id" FROM "products" WHERE "products"."attributes" @> $1"#
        );
        assert_eq!(go!(q.load(&mut db.conn)).unwrap(), [1]);
        assert_eq!(
            ids!(
                db,
                products::attributes.contained_by(json!({"color": "blue", "legs": 4, "x": 1}))
            ),
            [2]
        );
        // nested containment
        assert_eq!(
            ids!(db, products::attributes.contains(json!({"size": {"w": 1}}))),
            [3]
        );
        // a nullable document: NULL where the column is
        let rows: Vec<Option<bool>> = go!(products::table
            .select(products::extra.contains(json!({"k": 1})))
            .order_by(products::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(rows, [None, Some(true), None]);
        assert_eq!(ids!(db, products::extra.has_key("k")), [2]);
        // a document compared with another column's
        assert_eq!(
            ids!(db, products::attributes.contains(products::attributes)),
            [1, 2, 3]
        );
    }

    fn jsonb_functions() {
        let mut db = setup(&format!("{TABLE}{ROWS}"));
        let q = products::table
            .filter(products::id.eq(1))
            .select(jsonb_build_object((
                "id",
                products::id,
                "name",
                products::name,
            )));
        assert_eq!(
            q.to_sql(),
            r#"SELECT jsonb_build_object($1, "products"."id", $2, "products"."name") FROM "products" WHERE "products"."id" = $3"#
        );
        let built: serde_json::Value = go!(q.one(&mut db.conn)).unwrap();
        assert_eq!(built, json!({"id": 1, "name": "lamp"}));
        // a Rust value as a member: bound with its natural type (`Json<T>` as jsonb)
        let built: serde_json::Value = go!(products::table
            .filter(products::id.eq(2))
            .select(jsonb_build_object((
                "name",
                products::name,
                "attrs",
                Json(Color { color: "teal" }),
                "n",
                7,
            )))
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(
            built,
            json!({"name": "chair", "attrs": {"color": "teal"}, "n": 7})
        );

        let q = products::table
            .select((to_jsonb(products::tags), to_jsonb(products::scores)))
            .order_by(products::id);
        assert_eq!(
            q.to_sql(),
            r#"SELECT to_jsonb("products"."tags"), to_jsonb("products"."scores") FROM "products" ORDER BY "products"."id""#
        );
        let rows: Vec<(serde_json::Value, Option<serde_json::Value>)> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(
            rows,
            [
                (json!(["home", "light"]), Some(json!([1, 2, 3]))),
                (json!(["home"]), None),
                (json!([]), Some(json!([]))),
            ]
        );

        // jsonb_agg is an aggregate: alone, or beside the grouped columns; NULL over no rows
        let q = products::table.select(jsonb_agg(products::name).order_by(products::id.desc()));
        assert_eq!(
            q.to_sql(),
            r#"SELECT jsonb_agg("products"."name" ORDER BY "products"."id" DESC) FROM "products""#
        );
        let all: Option<serde_json::Value> = go!(q.one(&mut db.conn)).unwrap();
        assert_eq!(all, Some(json!(["pen", "chair", "lamp"])));
        let rows: Vec<(i32, Option<serde_json::Value>)> = go!(products::table
            .group_by(products::id)
            .select((products::id, jsonb_agg(products::tags)))
            .order_by(products::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(
            rows,
            [
                (1, Some(json!([["home", "light"]]))),
                (2, Some(json!([["home"]]))),
                (3, Some(json!([[]]))),
            ]
        );
        // the `json` forms: the same values, of type `json`
        let q = products::table.filter(products::id.eq(1)).select((
            json_build_object(("id", products::id)),
            to_json(products::name),
        ));
        assert_eq!(
            q.to_sql(),
            r#"SELECT json_build_object($1, "products"."id"), to_json("products"."name") FROM "products" WHERE "products"."id" = $2"#
        );
        let (built, name): (serde_json::Value, serde_json::Value) = go!(q.one(&mut db.conn)).unwrap();
        assert_eq!((built, name), (json!({"id": 1}), json!("lamp")));
        let ids: Option<serde_json::Value> = go!(products::table
            .select(json_agg(products::id).order_by(products::id))
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(ids, Some(json!([1, 2, 3])));
        let none: Option<serde_json::Value> = go!(products::table
            .filter(products::id.gt(10))
            .select(jsonb_agg(products::id))
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(none, None);
    }

    fn array_operators() {
        let mut db = setup(&format!("{TABLE}{ROWS}"));
        let q = products::table
            .filter(products::tags.contains(vec!["home"]))
            .select(products::id);
        assert_eq!(
            q.to_sql(),
            r#"SELECT "products"."id" FROM "products" WHERE "products"."tags" @> $1"#
        );
        assert_eq!(ids!(db, products::tags.contains(vec!["home"])), [1, 2]);
        assert_eq!(
            ids!(db, products::tags.contained_by(vec!["home", "light", "x"])),
            [1, 2, 3]
        );
        assert_eq!(ids!(db, products::tags.contained_by(vec!["home"])), [2, 3]);
        assert_eq!(ids!(db, products::tags.overlaps(vec!["light", "x"])), [1]);

        let q = products::table
            .filter(products::tags.any_eq("home"))
            .select(products::id);
        assert_eq!(
            q.to_sql(),
            r#"SELECT "products"."id" FROM "products" WHERE $1 = ANY("products"."tags")"#
        );
        assert_eq!(ids!(db, products::tags.any_eq("home")), [1, 2]);
        assert_eq!(ids!(db, products::scores.any_eq(2)), [1]);
        // an expression on the left: the rows whose name is one of their own tags
        assert!(ids!(db, products::tags.any_eq(products::name)).is_empty());
        // NULL array: NULL, loaded as None
        let rows: Vec<Option<bool>> = go!(products::table
            .select(products::scores.any_eq(3))
            .order_by(products::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(rows, [Some(true), None, Some(false)]);
    }

    fn array_functions() {
        let mut db = setup(&format!("{TABLE}{ROWS}"));
        let q = products::table
            .select((
                array_length(products::tags, 1),
                cardinality(products::tags),
                cardinality(products::scores),
            ))
            .order_by(products::id);
        assert_eq!(
            q.to_sql(),
            r#"SELECT array_length("products"."tags", $1), cardinality("products"."tags"), cardinality("products"."scores") FROM "products" ORDER BY "products"."id""#
        );
        let rows: Vec<(Option<i32>, i32, Option<i32>)> = go!(q.load(&mut db.conn)).unwrap();
        // an empty array has no length along dimension 1 (NULL), and cardinality 0
        assert_eq!(
            rows,
            [
                (Some(2), 2, Some(3)),
                (Some(1), 1, None),
                (None, 0, Some(0))
            ]
        );

        // unnest in the select list: one row per element
        let q = products::table
            .filter(products::id.le(2))
            .select((products::id, unnest(products::tags)))
            .order_by(products::id);
        assert_eq!(
            q.to_sql(),
            r#"SELECT "products"."id", unnest("products"."tags") FROM "products" WHERE "products"."id" <= $1 ORDER BY "products"."id""#
        );
        let rows: Vec<(i32, String)> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(
            rows,
            [(1, "home".into()), (1, "light".into()), (2, "home".into())]
        );

        // array_agg loads into Vec, NULL (None) over no rows
        let all: Option<Vec<i32>> = go!(products::table
            .select(array_agg(products::id).order_by(products::id.desc()))
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(all, Some(vec![3, 2, 1]));
        let none: Option<Vec<String>> = go!(products::table
            .filter(products::id.gt(10))
            .select(array_agg(products::name))
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(none, None);
    }

    fn unnest_as_a_from_source() {
        let mut db = setup(&format!("{TABLE}{ROWS}"));
        let q = wanted::table
            .from_unnest(vec!["home", "garden", "light", "home"])
            .filter(wanted::tag.ne("garden"))
            .select(wanted::tag)
            .order_by(wanted::tag);
        assert_eq!(
            q.to_sql(),
            r#"SELECT "wanted"."tag" FROM unnest($1) AS "wanted"("tag") WHERE "wanted"."tag" <> $2 ORDER BY "wanted"."tag""#
        );
        let tags: Vec<String> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(tags, ["home", "home", "light"]);

        // grouped like any table
        let counted: Vec<(String, i64)> = go!(wanted::table
            .from_unnest(vec!["b", "a", "b"])
            .group_by(wanted::tag)
            .select((wanted::tag, count_star()))
            .order_by(wanted::tag)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(counted, [("a".into(), 1), ("b".into(), 2)]);

        // as a subquery: the products named in an array
        let found: Vec<i32> = go!(products::table
            .filter(
                products::name.in_query(
                    wanted::table
                        .from_unnest(vec!["pen", "lamp", "sofa"])
                        .select(wanted::tag),
                ),
            )
            .select(products::id)
            .order_by(products::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(found, [1, 3]);
    }

    /// A JSON member as a GROUP BY item, selected again and ordered by: the same expression
    /// (its key is a bound value, so it is grouped through the document column).
    fn grouped_by_a_json_member_and_an_array_length() {
        let mut db = setup(&format!("{TABLE}{ROWS}"));
        // by the document: its members are expressions of a grouped column
        let rows: Vec<(Option<String>, i64)> = go!(products::table
            .group_by(products::attributes)
            .select((products::attributes.get_text("color"), count_star()))
            .order_by(products::attributes.get_text("color"))
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(
            rows,
            [(Some("blue".into()), 1), (Some("red".into()), 1), (None, 1)]
        );
        // by a function of a column, with no value in it: matched as the same expression
        let by_len: Vec<(i32, i64)> = go!(products::table
            .group_by(cardinality(products::tags))
            .select((cardinality(products::tags), count_star()))
            .order_by(cardinality(products::tags))
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(by_len, [(0, 1), (1, 1), (2, 1)]);
    }
}

#[derive(Serialize, Debug)]
pub(crate) struct Color<'a> {
    pub(crate) color: &'a str,
}
