use sqlwright::dsl::*;
use sqlwright::prelude::*;

sqlwright::table! {
    docs (id) {
        id -> Int4,
        body -> Jsonb,
        meta -> Nullable<Json>,
        tags -> Array<Text>,
        marks -> Nullable<Array<Nullable<Int4>>>,
    }
    #[derived]
    maybe_marks { mark -> Nullable<Int4>, }
}

fn main() {
    // Only compiled: the point is that these forms type-check with these row types.
    let _ = queries;
}

fn queries(conn: &mut Connection, keys: Vec<String>, path: &[&str]) {
    // access on a nullable json column, chained, by key, index and path; keys borrowed
    let _: Result<Vec<(Option<_>, Option<String>, Option<String>)>, _> =
        docs::table
            .select((
                docs::meta.get("a").get(0),
                docs::meta.get_path_text(path),
                docs::body.get_path_text(&keys),
            ))
            .load(&mut *conn);
    // key tests from borrowed and owned lists; a member's text compared with a value
    let _: Result<Vec<i32>, _> = docs::table
        .filter(docs::body.has_any_key(&keys) & docs::body.has_all_keys(["a", "b"]))
        .filter(docs::body.get_text("kind").eq("note"))
        .select(docs::id)
        .load(&mut *conn);
    // an array of nullable elements: any_eq may be NULL, so it loads as Option
    let _: Result<Vec<Option<bool>>, _> = docs::table
        .select(docs::marks.any_eq(3))
        .load(&mut *conn);
    // containment between two columns of the same array type; a member as any_eq's value
    let _: Result<Vec<(i32, Option<bool>)>, _> = docs::table
        .filter(docs::tags.contains(docs::tags))
        .select((docs::id, docs::tags.any_eq(docs::body.get_text("kind"))))
        .load(&mut *conn);
    // aggregates beside grouped columns; unnest of nullable elements in FROM
    let _: Result<Vec<(i32, Option<_>, i32)>, _> = docs::table
        .group_by(docs::id)
        .select((docs::id, jsonb_agg(docs::body), cardinality(docs::tags)))
        .load(&mut *conn);
    let _: Result<Vec<Option<i32>>, _> = maybe_marks::table
        .from_unnest(vec![Some(1), None])
        .select(maybe_marks::mark)
        .load(&mut *conn);
}
