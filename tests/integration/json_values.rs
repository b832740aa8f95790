//! `sqlwright::Json<T>`: the user's serde structs as the values of `jsonb` columns, inserted,
//! loaded, compared and updated; a stored document of another shape is a typed error naming
//! the column. Portable as values (SQLite stores the JSON text).

use crate::both::with;
use crate::json_arrays::{products, Color, ROWS, TABLE};
use crate::twice::twice;
use crate::{by_hand, setup};
use serde::{Deserialize, Serialize};
use sqlwright::engine::DecodeError;
use sqlwright::prelude::*;
use sqlwright::Json;

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Attributes {
    color: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    legs: Option<i32>,
}

#[derive(sqlwright::Insertable)]
#[sqlwright(table = products)]
struct NewProduct {
    id: i32,
    name: String,
    attributes: Json<Attributes>,
    extra: Option<Json<Attributes>>,
}

#[derive(sqlwright::Row, Debug, PartialEq)]
#[sqlwright(table = products)]
struct Product {
    id: i32,
    attributes: Json<Attributes>,
    extra: Option<Json<Attributes>>,
}

twice! {
    fn serde_structs_round_trip_through_jsonb() {
        let mut db = setup(TABLE);
        let red = Attributes {
            color: "red".into(),
            legs: None,
        };
        let blue = Attributes {
            color: "blue".into(),
            legs: Some(4),
        };
        let new = [
            NewProduct {
                id: 1,
                name: "lamp".into(),
                attributes: Json(red.clone()),
                extra: None,
            },
            NewProduct {
                id: 2,
                name: "chair".into(),
                attributes: Json(blue.clone()),
                extra: Some(Json(red.clone())),
            },
        ];
        go!(insert_into(products::table)
            .values(&new[..])
            .execute(&mut db.conn))
            .unwrap();
        // stored as JSON documents the server reads
        let stored = by_hand(
            &mut db,
            "SELECT attributes ->> 'color', attributes -> 'legs' IS NULL FROM products ORDER BY id",
            |r| (r.get::<_, String>(0), r.get::<_, bool>(1)),
        );
        assert_eq!(stored, [("red".into(), true), ("blue".into(), false)]);

        let loaded: Vec<Product> = go!(products::table
            .select(Product::as_select())
            .order_by(products::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(
            loaded,
            [
                Product {
                    id: 1,
                    attributes: Json(red.clone()),
                    extra: None,
                },
                Product {
                    id: 2,
                    attributes: Json(blue.clone()),
                    extra: Some(Json(red.clone())),
                },
            ]
        );

        // filtered by containment of another serde value
        let q = products::table
            .filter(products::attributes.contains(Json(Color { color: "blue" })))
            .select(products::attributes);
        let found = go!(q.load_as::<Json<Attributes>, _, _>(&mut db.conn)).unwrap();
        assert_eq!(found, [Json(blue.clone())]);
        // and by equality (jsonb has `=`)
        let found: Vec<i32> = go!(products::table
            .filter(products::attributes.eq(Json(red.clone())))
            .select(products::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(found, [1]);

        // updated: the new document replaces the old
        let painted = Attributes {
            color: "green".into(),
            legs: Some(3),
        };
        let n = go!(update(products::table)
            .filter(products::id.eq(1))
            .set((
                products::attributes.to(Json(painted.clone())),
                products::extra.to(Some(Json(blue.clone()))),
            ))
            .execute(&mut db.conn))
            .unwrap();
        assert_eq!(n, 1);
        let mut rows = go!(products::table
            .filter(products::id.eq(1))
            .select((products::attributes, products::extra))
            .load_as::<(Json<Attributes>, Option<Json<Attributes>>), _, _>(&mut db.conn))
            .unwrap();
        let (attributes, extra) = rows.remove(0);
        assert_eq!(attributes.into_inner(), painted);
        assert_eq!(extra.map(Json::into_inner), Some(blue));
    }
}

twice! {
    fn a_document_of_another_shape_is_a_decode_error_naming_the_column() {
        let mut db = setup(&format!("{TABLE}{ROWS}"));
        // row 3's attributes have no "color"
        let err = go!(products::table
            .select(Product::as_select())
            .order_by(products::id)
            .load(&mut db.conn))
        .unwrap_err();
        match &err {
            sqlwright::Error::Decode {
                column,
                source: DecodeError::Invalid { rust, reason },
            } => {
                // row 2's `extra` ({"k": 1}) is read before row 3
                assert_eq!(column, "products.extra");
                assert!(rust.ends_with("Attributes"), "{rust}");
                assert!(reason.contains("missing field `color`"), "{reason}");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
        let err = go!(products::table
            .filter(products::id.eq(3))
            .select(products::attributes)
            .load_as::<Json<Attributes>, _, _>(&mut db.conn))
        .unwrap_err();
        assert!(
            matches!(&err, sqlwright::Error::Decode { column, .. } if column == "products.attributes"),
            "{err:?}"
        );
        assert!(err.to_string().contains("missing field `color`"), "{err}");
        // a member of another type
        let err = go!(products::table
            .filter(products::id.eq(2))
            .select(products::attributes.get("legs"))
            .load_as::<Option<Json<String>>, _, _>(&mut db.conn))
        .unwrap_err();
        assert!(
            err.to_string().contains("invalid type: integer `4`"),
            "{err}"
        );
        // the connection is still usable
        assert_eq!(go!(products::table.count(&mut db.conn)).unwrap(), 3);
    }
}

sqlwright::table! {
    notes (id) {
        id -> Int4,
        body -> Jsonb,
        extra -> Nullable<Jsonb>,
    }
}

const NOTES: sqlwright::ddl::Schema = sqlwright::schema!(notes);

#[derive(sqlwright::Insertable, sqlwright::Row, Debug, PartialEq)]
#[sqlwright(table = notes)]
struct Note {
    id: i32,
    body: Json<Attributes>,
    extra: Option<Json<Attributes>>,
}

twice! {
    /// `Json<T>` is a value: it is written, read, compared for equality and assigned on every
    /// backend (SQLite stores the JSON text); only the operators are PostgreSQL's.
    fn json_values_are_portable<B>() {
        let mut db = with::<B>(NOTES, "");
        let lamp = Attributes {
            color: "red".into(),
            legs: None,
        };
        let chair = Attributes {
            color: "blue".into(),
            legs: Some(4),
        };
        let rows = [
            Note {
                id: 1,
                body: Json(lamp.clone()),
                extra: None,
            },
            Note {
                id: 2,
                body: Json(chair.clone()),
                extra: Some(Json(lamp.clone())),
            },
        ];
        go!(insert_into(notes::table)
            .values(&rows[..])
            .execute(&mut db.conn))
        .unwrap();
        let loaded: Vec<Note> = go!(notes::table
            .select(Note::as_select())
            .order_by(notes::id)
            .load(&mut db.conn))
        .unwrap();
        assert_eq!(loaded, rows);
        let found: Vec<i32> = go!(notes::table
            .filter(notes::body.eq(Json(chair.clone())))
            .select(notes::id)
            .load(&mut db.conn))
        .unwrap();
        assert_eq!(found, [2]);
        go!(update(notes::table)
            .filter(notes::id.eq(1))
            .set(notes::extra.to(Some(Json(chair.clone()))))
            .execute(&mut db.conn))
        .unwrap();
        let extra = go!(notes::table
            .filter(notes::id.eq(1))
            .select(notes::extra)
            .load_as::<Option<Json<Attributes>>, _, _>(&mut db.conn))
        .unwrap();
        assert_eq!(extra, [Some(Json(chair))]);
        // a document of another shape: the typed error, on both
        let err = go!(notes::table
            .select(notes::body)
            .load_as::<Json<Vec<i32>>, _, _>(&mut db.conn))
        .unwrap_err();
        assert!(
            matches!(&err, sqlwright::Error::Decode { column, .. } if column == "notes.body"),
            "{err:?}"
        );
    }
}
