//! The async column's four implementations of each workload (see `asyncs.rs`): the same
//! statements and the same result shapes as the blocking column's (`data.rs`, `plans.rs`),
//! awaited on one current-thread runtime. Each call returns a checksum that is equal across
//! the four sides.

use crate::data::checksum;
use crate::{dl, sw};
use diesel::{
    BelongingToDsl as _, ExpressionMethods as _, GroupedBy as _, NullableExpressionMethods as _,
    QueryDsl as _, SelectableHelper as _,
};
use diesel_async::{AsyncConnection as _, RunQueryDsl as _};
use sqlwright::prelude::*;
use sqlx::Connection as _;
use std::collections::HashMap;
use tokio_postgres::types::ToSql;
use tokio_postgres::Statement;

const USERS: &str = "SELECT id, name, hair_color FROM users";
const JOIN: &str = "SELECT users.name, posts.title FROM users LEFT JOIN posts \
                    ON posts.user_id = users.id WHERE users.hair_color = $1";
const POSTS: &str = "SELECT id, user_id, title FROM posts WHERE user_id = ANY($1)";
const COMMENTS: &str = "SELECT id, post_id, body FROM comments WHERE post_id = ANY($1)";

/// One connection per side, to the same database.
pub struct Conns {
    sw: sqlwright::AsyncConnection,
    tp: tokio_postgres::Client,
    sx: sqlx::PgConnection,
    da: diesel_async::AsyncPgConnection,
}

impl Conns {
    /// Connects the four sides; the tokio-postgres connection runs as a task of the
    /// current runtime (diesel-async spawns its own the same way).
    pub async fn connect(url: &str) -> Conns {
        let pg_url = url.replace("postgres://", "postgresql://");
        let sw = sqlwright::AsyncConnection::connect(url)
            .await
            .expect("sqlwright connects");
        let (tp, connection) = tokio_postgres::connect(&pg_url, tokio_postgres::NoTls)
            .await
            .expect("tokio-postgres connects");
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                eprintln!("tokio-postgres connection failed: {e}");
            }
        });
        let sx = sqlx::PgConnection::connect(url)
            .await
            .expect("sqlx connects");
        let da = diesel_async::AsyncPgConnection::establish(&pg_url)
            .await
            .expect("diesel-async connects");
        Conns { sw, tp, sx, da }
    }
}

/// One workload, with tokio-postgres's statements prepared once (the hand-written best).
pub enum Work<'a> {
    Select(Statement),
    Join(Statement),
    Insert {
        stmt: Statement,
        names: &'a [String],
        hair: &'a [Option<&'a str>],
        sql: &'a str,
    },
    Assoc([Statement; 3]),
}

impl<'a> Work<'a> {
    pub async fn select(c: &Conns) -> Work<'a> {
        Work::Select(c.tp.prepare(USERS).await.unwrap())
    }

    pub async fn join(c: &Conns) -> Work<'a> {
        Work::Join(c.tp.prepare(JOIN).await.unwrap())
    }

    pub async fn insert(
        c: &Conns,
        names: &'a [String],
        hair: &'a [Option<&'a str>],
        sql: &'a str,
    ) -> Work<'a> {
        let stmt = c.tp.prepare(sql).await.unwrap();
        Work::Insert {
            stmt,
            names,
            hair,
            sql,
        }
    }

    pub async fn assoc(c: &Conns) -> Work<'a> {
        let users = c.tp.prepare(USERS).await.unwrap();
        let posts = c.tp.prepare(POSTS).await.unwrap();
        let comments = c.tp.prepare(COMMENTS).await.unwrap();
        Work::Assoc([users, posts, comments])
    }
}

/// One call of `work` by side `side` (an index into `asyncs::SIDES`).
pub async fn call(c: &mut Conns, work: &Work<'_>, side: usize) -> u64 {
    match work {
        Work::Select(stmt) => select(c, stmt, side).await,
        Work::Join(stmt) => join(c, stmt, side).await,
        Work::Insert {
            stmt,
            names,
            hair,
            sql,
        } => insert(c, stmt, names, hair, sql, side).await,
        Work::Assoc(stmts) => assoc(c, stmts, side).await,
    }
}

async fn select(c: &mut Conns, stmt: &Statement, side: usize) -> u64 {
    let rows: Vec<(i32, String, Option<String>)> = match side {
        0 => sw::users::table
            .select((sw::users::id, sw::users::name, sw::users::hair_color))
            .load(&mut c.sw)
            .await
            .unwrap(),
        1 => {
            c.tp.query(stmt, &[])
                .await
                .unwrap()
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect()
        }
        2 => sqlx::query_as(USERS).fetch_all(&mut c.sx).await.unwrap(),
        _ => dl::users::table
            .select((dl::users::id, dl::users::name, dl::users::hair_color))
            .load(&mut c.da)
            .await
            .unwrap(),
    };
    checksum(rows.iter().map(|r| r.0), rows.iter().map(|r| r.1.as_str()))
}

async fn join(c: &mut Conns, stmt: &Statement, side: usize) -> u64 {
    let rows: Vec<(String, Option<String>)> = match side {
        0 => sw::users::table
            .left_join(sw::posts::table)
            .filter(sw::users::hair_color.eq("brown"))
            .select((sw::users::name, sw::posts::title))
            .load(&mut c.sw)
            .await
            .unwrap(),
        1 => {
            c.tp.query(stmt, &[&"brown"])
                .await
                .unwrap()
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect()
        }
        2 => sqlx::query_as(JOIN)
            .bind("brown")
            .fetch_all(&mut c.sx)
            .await
            .unwrap(),
        _ => dl::users::table
            .left_join(dl::posts::table)
            .filter(dl::users::hair_color.eq("brown"))
            .select((dl::users::name, dl::posts::title.nullable()))
            .load(&mut c.da)
            .await
            .unwrap(),
    };
    rows.iter()
        .map(|r| (r.0.len() + r.1.as_ref().map_or(0, String::len)) as u64)
        .sum()
}

async fn insert(
    c: &mut Conns,
    stmt: &Statement,
    names: &[String],
    hair: &[Option<&str>],
    sql: &str,
    side: usize,
) -> u64 {
    match side {
        0 => {
            let rows: Vec<_> = names
                .iter()
                .zip(hair)
                .map(|(name, hair)| {
                    (
                        sw::users::name.to(name.as_str()),
                        sw::users::hair_color.to(*hair),
                    )
                })
                .collect();
            insert_into(sw::users::table)
                .values(rows)
                .execute(&mut c.sw)
                .await
                .unwrap()
        }
        1 => {
            let mut params: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(2 * names.len());
            for (name, hair) in names.iter().zip(hair) {
                params.push(name);
                params.push(hair);
            }
            c.tp.execute(stmt, &params).await.unwrap()
        }
        2 => {
            let mut query = sqlx::query(sql);
            for (name, hair) in names.iter().zip(hair) {
                query = query.bind(name.as_str()).bind(*hair);
            }
            query.execute(&mut c.sx).await.unwrap().rows_affected()
        }
        _ => {
            let rows: Vec<dl::NewUser<'_>> = names
                .iter()
                .zip(hair)
                .map(|(name, hair)| dl::NewUser {
                    name,
                    hair_color: *hair,
                })
                .collect();
            diesel::insert_into(dl::users::table)
                .values(&rows)
                .execute(&mut c.da)
                .await
                .unwrap() as u64
        }
    }
}

/// Users, posts per user, comments in all: equal on every side.
fn tally(users: usize, posts: usize, comments: usize) -> u64 {
    (users as u64) * 1_000_000_000 + (posts as u64) * 100_000 + comments as u64
}

type Row3 = (i32, i32, String);

/// Users -> posts -> comments, one level a statement, each level grouped under its parent.
async fn assoc(c: &mut Conns, stmts: &[Statement; 3], side: usize) -> u64 {
    match side {
        0 => assoc_sqlwright(&mut c.sw).await,
        1 => assoc_tokio_postgres(&c.tp, stmts).await,
        2 => assoc_sqlx(&mut c.sx).await,
        _ => {
            let users: Vec<dl::User> = dl::users::table
                .select(dl::User::as_select())
                .load(&mut c.da)
                .await
                .unwrap();
            let posts: Vec<dl::Post> = dl::Post::belonging_to(&users)
                .select(dl::Post::as_select())
                .load(&mut c.da)
                .await
                .unwrap();
            let comments: Vec<dl::Comment> = dl::Comment::belonging_to(&posts)
                .select(dl::Comment::as_select())
                .load(&mut c.da)
                .await
                .unwrap();
            let per_post: Vec<Vec<dl::Comment>> = comments.grouped_by(&posts);
            let per_user: Vec<Vec<dl::Post>> = posts.grouped_by(&users);
            tally(
                users.len(),
                per_user.iter().map(Vec::len).sum(),
                per_post.iter().map(Vec::len).sum(),
            )
        }
    }
}

/// sqlwright as the README writes it: `with_children` + `with_grandchildren`, awaited
/// (the parents' keys as one `in_` list per level, grouped under each parent).
async fn assoc_sqlwright(conn: &mut sqlwright::AsyncConnection) -> u64 {
    let users: Vec<sw::User> = sw::users::table
        .select(sw::User::as_select())
        .load(&mut *conn)
        .await
        .unwrap();
    let tree: sw::Tree = users
        .with_children(sw::posts::user_id, &mut *conn)
        .await
        .unwrap()
        .with_grandchildren(sw::comments::post_id, &mut *conn)
        .await
        .unwrap();
    let posts = tree.iter().flat_map(|(_, posts)| posts);
    tally(
        tree.len(),
        posts.clone().count(),
        posts.map(|(_, comments)| comments.len()).sum(),
    )
}

/// Hand-written, as in `plans.rs`: `= ANY($1)` and a `HashMap` per level.
async fn assoc_tokio_postgres(tp: &tokio_postgres::Client, stmts: &[Statement; 3]) -> u64 {
    let users: Vec<(i32, String, Option<String>)> = tp
        .query(&stmts[0], &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let ids: Vec<i32> = users.iter().map(|u| u.0).collect();
    let mut by_user: HashMap<i32, Vec<Row3>> = HashMap::new();
    for r in tp.query(&stmts[1], &[&ids]).await.unwrap() {
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
    for r in tp.query(&stmts[2], &[&post_ids]).await.unwrap() {
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
}

/// sqlx `query_as` into tuples, the same statements as the hand-written side.
async fn assoc_sqlx(sx: &mut sqlx::PgConnection) -> u64 {
    let users: Vec<(i32, String, Option<String>)> =
        sqlx::query_as(USERS).fetch_all(&mut *sx).await.unwrap();
    let ids: Vec<i32> = users.iter().map(|u| u.0).collect();
    let mut by_user: HashMap<i32, Vec<Row3>> = HashMap::new();
    let posts: Vec<Row3> = sqlx::query_as(POSTS)
        .bind(&ids[..])
        .fetch_all(&mut *sx)
        .await
        .unwrap();
    for post in posts {
        by_user.entry(post.1).or_default().push(post);
    }
    let posts: Vec<Row3> = users
        .iter()
        .flat_map(|u| by_user.remove(&u.0).unwrap_or_default())
        .collect();
    let post_ids: Vec<i32> = posts.iter().map(|p| p.0).collect();
    let comments: Vec<Row3> = sqlx::query_as(COMMENTS)
        .bind(&post_ids[..])
        .fetch_all(&mut *sx)
        .await
        .unwrap();
    let mut by_post: HashMap<i32, Vec<Row3>> = HashMap::new();
    for comment in comments {
        by_post.entry(comment.1).or_default().push(comment);
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
}
