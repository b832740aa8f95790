//! LATERAL forms that must compile: a LATERAL subquery reading an earlier LATERAL table, and
//! a LATERAL join inside a correlated subquery whose LATERAL query reads the outermost table.
use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();
sqlwright::table! {
    #[derived]
    last_post { id -> Int4, title -> Text, }
    #[derived]
    tagged { n -> Int8, }
}

#[allow(dead_code)]
fn queries(conn: &mut Connection) -> Result<(), sqlwright::Error> {
    let last = posts::table
        .correlate(users::table)
        .filter(posts::user_id.eq(users::id))
        .order_by(posts::id.desc())
        .limit(1)
        .select((posts::id, posts::title));
    // reads the LATERAL table joined before it
    let labels = tags::table
        .correlate(last_post::table)
        .filter(tags::label.eq(last_post::title))
        .select(count_star());
    let _: Vec<(String, Option<String>, Option<i64>)> = users::table
        .left_join_lateral(last_post::table, last)
        .left_join_lateral(tagged::table, labels)
        .select((users::name, last_post::title, tagged::n))
        .load(conn)?;

    // inside EXISTS, correlated with `users`: the LATERAL query reads `users` of the
    // outermost query, in scope through the subquery's own correlation
    let others = articles::table
        .correlate(users::table)
        .filter(articles::author_id.eq(users::id))
        .select(count_star());
    let has_tags = exists(
        tags::table
            .correlate(users::table)
            .inner_join_lateral(tagged::table, others)
            .filter(tagged::n.gt(0)),
    );
    let _: Vec<String> = users::table.filter(has_tags).select(users::name).load(conn)?;
    Ok(())
}

fn main() {}
