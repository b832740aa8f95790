//! Workloads whose server plans depend on the parameters: relation loading as the README
//! teaches it, on foreign keys without indexes (PostgreSQL creates none for them), and
//! `in_` lists of 1 to 1000 values. Each runs enough calls that a named prepared
//! statement's plan cache reaches its steady state (PostgreSQL considers a generic plan
//! from the sixth execution on).

use crate::data::Env;
use crate::{dl, sw, Report, Run};
use diesel::{
    BelongingToDsl as _, ExpressionMethods as _, GroupedBy as _, QueryDsl as _, RunQueryDsl as _,
    SelectableHelper as _,
};
use sqlwright::prelude::*;
use std::collections::HashMap;

/// The associations' data: 100 users, 10 posts each, `comments_per_post` comments on each.
pub fn association_data(comments_per_post: usize) -> String {
    format!(
        "INSERT INTO users (name) SELECT 'User ' || i FROM generate_series(1, 100) i;
         INSERT INTO posts (user_id, title) SELECT u.id, 'Post ' || p FROM users u, generate_series(1, 10) p;
         INSERT INTO comments (post_id, body) SELECT p.id, 'Comment ' || c FROM posts p, generate_series(1, {comments_per_post}) c"
    )
}

/// Users -> posts -> comments, 100 users with 10 posts each and `comments_per_post`
/// comments on each post, loaded one level at a time: `with_children` + `with_grandchildren` (sqlwright),
/// `belonging_to` + `grouped_by` (Diesel), and hand-written prepared statements with
/// `= ANY($1)` grouped in a `HashMap`. Every side builds each user's posts and each post's
/// comments; `name` is the report's line.
pub fn associations(
    env: &mut Env,
    report: &mut Report,
    rounds: usize,
    comments_per_post: usize,
    name: &str,
) {
    env.reset(&association_data(comments_per_post));
    let Env { sw, pg, dl, .. } = env;
    let users_stmt = pg
        .prepare("SELECT id, name, hair_color FROM users")
        .unwrap();
    let posts_stmt = pg
        .prepare("SELECT id, user_id, title FROM posts WHERE user_id = ANY($1)")
        .unwrap();
    let comments_stmt = pg
        .prepare("SELECT id, post_id, body FROM comments WHERE post_id = ANY($1)")
        .unwrap();
    // Users, posts per user, comments in all: equal on every side.
    let tally = |users: usize, posts: usize, comments: usize| -> u64 {
        (users as u64) * 1_000_000_000 + (posts as u64) * 100_000 + comments as u64
    };
    let mut runs: Vec<Run<'_>> = vec![
        (
            "sqlwright",
            Box::new(|| {
                let users: Vec<sw::User> = sw::users::table
                    .select(sw::User::as_select())
                    .load(&mut *sw)
                    .unwrap();
                let tree: sw::Tree = users
                    .with_children(sw::posts::user_id, &mut *sw)
                    .unwrap()
                    .with_grandchildren(sw::comments::post_id, &mut *sw)
                    .unwrap();
                let posts = tree.iter().flat_map(|(_, posts)| posts);
                tally(
                    tree.len(),
                    posts.clone().count(),
                    posts.map(|(_, comments)| comments.len()).sum(),
                )
            }),
        ),
        (
            "postgres",
            Box::new(|| {
                type Row3 = (i32, i32, String);
                let users: Vec<(i32, String, Option<String>)> = pg
                    .query(&users_stmt, &[])
                    .unwrap()
                    .iter()
                    .map(|r| (r.get(0), r.get(1), r.get(2)))
                    .collect();
                let ids: Vec<i32> = users.iter().map(|u| u.0).collect();
                let mut by_user: HashMap<i32, Vec<Row3>> = HashMap::new();
                for r in pg.query(&posts_stmt, &[&ids]).unwrap() {
                    by_user
                        .entry(r.get(1))
                        .or_default()
                        .push((r.get(0), r.get(1), r.get(2)));
                }
                let posts: Vec<Row3> = users
                    .iter()
                    .flat_map(|u| by_user.remove(&u.0).unwrap_or_default())
                    .collect();
                let post_ids: Vec<i32> = posts.iter().map(|p| p.0).collect();
                let mut by_post: HashMap<i32, Vec<Row3>> = HashMap::new();
                for r in pg.query(&comments_stmt, &[&post_ids]).unwrap() {
                    by_post
                        .entry(r.get(1))
                        .or_default()
                        .push((r.get(0), r.get(1), r.get(2)));
                }
                let comments: Vec<Vec<Row3>> = post_ids
                    .iter()
                    .map(|id| by_post.remove(id).unwrap_or_default())
                    .collect();
                tally(
                    users.len(),
                    posts.len(),
                    comments.iter().map(Vec::len).sum(),
                )
            }),
        ),
        (
            "diesel",
            Box::new(|| {
                let users: Vec<dl::User> = dl::users::table
                    .select(dl::User::as_select())
                    .load(&mut *dl)
                    .unwrap();
                let posts: Vec<dl::Post> = dl::Post::belonging_to(&users)
                    .select(dl::Post::as_select())
                    .load(&mut *dl)
                    .unwrap();
                let comments: Vec<dl::Comment> = dl::Comment::belonging_to(&posts)
                    .select(dl::Comment::as_select())
                    .load(&mut *dl)
                    .unwrap();
                let per_post: Vec<Vec<dl::Comment>> = comments.grouped_by(&posts);
                let per_user: Vec<Vec<dl::Post>> = posts.grouped_by(&users);
                tally(
                    users.len(),
                    per_user.iter().map(Vec::len).sum(),
                    per_post.iter().map(Vec::len).sum(),
                )
            }),
        ),
    ];
    report.measure(name, rounds, &mut runs);
}

/// `SELECT id, name FROM big WHERE id IN (...)` with `n` ids spread over 100 000 rows.
pub fn in_list(env: &mut Env, report: &mut Report, n: usize, rounds: usize) {
    env.fill_big(100_000);
    let ids: Vec<i32> = (0..n as i32).map(|i| 1 + (i * 7919) % 100_000).collect();
    let Env { sw, pg, dl, .. } = env;
    let stmt = pg
        .prepare("SELECT id, name FROM big WHERE id = ANY($1)")
        .unwrap();
    let sum = |rows: &mut dyn Iterator<Item = (i32, usize)>| -> u64 {
        rows.map(|(id, len)| id as u64 * 7 + len as u64).sum()
    };
    let mut runs: Vec<Run<'_>> = vec![
        (
            "sqlwright",
            Box::new(|| {
                let rows: Vec<(i32, String)> = sw::big::table
                    .filter(sw::big::id.in_(ids.iter().copied()))
                    .select((sw::big::id, sw::big::name))
                    .load(&mut *sw)
                    .unwrap();
                sum(&mut rows.iter().map(|(i, s)| (*i, s.len())))
            }),
        ),
        (
            "postgres",
            Box::new(|| {
                let rows: Vec<(i32, String)> = pg
                    .query(&stmt, &[&ids])
                    .unwrap()
                    .iter()
                    .map(|r| (r.get(0), r.get(1)))
                    .collect();
                sum(&mut rows.iter().map(|(i, s)| (*i, s.len())))
            }),
        ),
        (
            "diesel",
            Box::new(|| {
                let rows: Vec<(i32, String)> = dl::big::table
                    .filter(dl::big::id.eq_any(&ids))
                    .select((dl::big::id, dl::big::name))
                    .load(&mut *dl)
                    .unwrap();
                sum(&mut rows.iter().map(|(i, s)| (*i, s.len())))
            }),
        ),
    ];
    report.measure(&format!("in_ list of {n} ids"), rounds, &mut runs);
}
