use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[derive(sqlwright::Row)]
#[sqlwright(table = posts)]
struct Post {
    id: i32,
    title: String,
}

fn main() {
    // Only compiled: the point is that these queries type-check with these row types.
    let _ = queries;
}

fn queries(conn: &mut Connection) {
    // left join: Option decided by the compiler
    let _: Result<Vec<(String, Option<String>)>, _> = users::table
        .left_join(posts::table)
        .select((users::name, posts::title))
        .load(&mut *conn);
    // right join: the earlier side becomes optional
    let _: Result<Vec<(Option<String>, String)>, _> = users::table
        .right_join(posts::table)
        .select((users::name, posts::title))
        .load(&mut *conn);
    // a struct of the optional side
    let _: Result<Vec<(i32, Option<Post>)>, _> = users::table
        .left_join(posts::table)
        .select((users::id, Post::as_select()))
        .load(&mut *conn);
    // functional dependency: grouped by the primary key, other columns may be selected
    let _: Result<Vec<(String, Option<String>, i64)>, _> = users::table
        .inner_join(posts::table)
        .group_by(users::id)
        .select((users::name, users::hair_color, count_star()))
        .load(&mut *conn);
    // aggregate-only HAVING without GROUP BY
    let _: Result<Vec<i64>, _> = users::table.having(count_star().gt(1)).select(count_star()).load(&mut *conn);
    // constants mixed with aggregates
    let _: Result<Vec<(i32, i64, Option<i64>)>, _> =
        posts::table.select((value(1), count_star(), sum(posts::id))).load(&mut *conn);
    // the same table twice through an alias, on a named path
    let _: Result<Vec<(String, Option<String>)>, _> = articles::table
        .inner_join(articles::author)
        .left_join_on(other_user, articles::editor_id.eq(other_user.col(users::id)))
        .select((users::name, other_user.col(users::name)))
        .load(&mut *conn);
    // ordering by an aggregate under GROUP BY, and HAVING on a grouped column
    let _ = posts::table
        .group_by(posts::user_id)
        .having(posts::user_id.gt(3) & count_star().gt(1))
        .select((posts::user_id, max(posts::title)))
        .order_by(count_star().desc());
    // group_by after select (SQLAlchemy's order), with HAVING and ORDER BY after it
    let _: Result<Vec<(i32, i64)>, _> = posts::table
        .select((posts::user_id, count_star()))
        .group_by(posts::user_id)
        .having(count_star().gt(1))
        .order_by(count_star().desc())
        .load(&mut *conn);
    // functional dependency after select: grouped by the key of a joined table
    let _: Result<Vec<(String, i64)>, _> = users::table
        .inner_join(posts::table)
        .select((users::name, count_star()))
        .group_by(users::id)
        .load(&mut *conn);
    // DISTINCT before or after select, ordered by selected columns (or any expression over
    // them), or over a whole table
    let _: Result<Vec<(String, Option<String>)>, _> = users::table
        .distinct()
        .select((users::name, users::hair_color))
        .order_by((users::hair_color.desc(), users::name))
        .load(&mut *conn);
    let _: Result<Vec<String>, _> = users::table
        .order_by(users::name)
        .select(users::name)
        .distinct()
        .load(&mut *conn);
    let _: Result<Vec<(i32, String)>, _> = posts::table
        .inner_join(users::table)
        .select((posts::id, users::name))
        .distinct()
        .order_by(posts::id)
        .then_order_by(users::name)
        .load(&mut *conn);
    let _ = users::table.distinct().order_by(users::name);
    // DISTINCT ON with ORDER BY starting with its columns in any order, then anything else
    let _: Result<Vec<(i32, String)>, _> = posts::table
        .distinct_on(posts::user_id)
        .select((posts::user_id, posts::title))
        .order_by((posts::user_id, posts::id.desc()))
        .load(&mut *conn);
    let _: Result<Vec<String>, _> = posts::table
        .select(posts::title)
        .distinct_on((posts::user_id, posts::title))
        .order_by((posts::title.desc(), posts::user_id, posts::id))
        .load(&mut *conn);
    let _: Result<Vec<String>, _> = posts::table
        .distinct_on(posts::user_id)
        .order_by(posts::user_id)
        .then_order_by(posts::id.desc())
        .select(posts::title)
        .load(&mut *conn);
}
