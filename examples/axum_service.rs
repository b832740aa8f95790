//! A small HTTP service on axum and tokio: each request checks a connection out of the
//! async engine's pool and runs typed queries on it, answering JSON.
//!
//! `cargo run --example axum_service` listens on 127.0.0.1:3000 (`-- --addr HOST:PORT`
//! for another address; port 0 picks a free one) and prints the address it got. Ctrl-C
//! (SIGINT) stops it after the requests in flight are answered. Routes:
//!
//! - `GET /books?min_pages=N`: the books of at least N pages (all without it), by id.
//! - `GET /books/{id}`: one book, or 404.
//! - `POST /books` with `{"title": .., "author": .., "pages": ..}`: adds a book and answers
//!   it with its new id (201); an empty title or pages below 1 is 422, a title already
//!   there is 409.
//! - `GET /authors`: per author, how many books and pages.
//!
//! PostgreSQL only (the async engine is PostgreSQL's). Which database it uses, and what it
//! leaves behind:
//!
//! - `DATABASE_URL` set to a `postgres://` URL: that database. The table `books` is
//!   created if missing and stays there with its rows; the three first books are added
//!   only when the table is empty. A `sqlite:///` URL is refused with a message saying why.
//! - Otherwise a throwaway PostgreSQL database (`sqlwright::testing`: a temporary local
//!   cluster), dropped when the service stops.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::{AsyncEngine, Error};
use std::time::Duration;

sqlwright::table! {
    books (id) {
        #[serial] id -> Int4,
        #[unique] title -> Text,
        author -> Text,
        pages -> Int4,
    }
}

#[derive(sqlwright::Row, Serialize, Debug)]
#[sqlwright(table = books)]
struct Book {
    id: i32,
    title: String,
    author: String,
    pages: i32,
}

#[derive(Deserialize)]
struct NewBook {
    title: String,
    author: String,
    pages: i32,
}

#[derive(Deserialize)]
struct Filter {
    min_pages: Option<i32>,
}

#[derive(Serialize)]
struct AuthorStats {
    author: String,
    books: i64,
    pages: i64,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("axum_service example failed: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut addr = "127.0.0.1:3000".to_string();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--addr" => addr = args.next().ok_or("--addr needs HOST:PORT")?,
            other => {
                return Err(format!("unknown argument {other:?} (try --addr HOST:PORT)").into())
            }
        }
    }
    let db = sqlwright_examples::postgres("the axum_service example", "the async engine")?;
    println!("{}", db.describe());
    let engine = Engine::builder_url(db.url().clone())
        .pool_size(10)
        .max_overflow(0)
        .checkout_timeout(Duration::from_secs(5))
        .statement_timeout(Duration::from_secs(10))
        .build_async()?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(serve(engine, &addr))?;
    // The throwaway database (if any) is dropped here, after the last connection closed.
    drop(runtime);
    drop(db);
    Ok(())
}

async fn serve(engine: AsyncEngine, addr: &str) -> Result<(), Box<dyn std::error::Error>> {
    let mut conn = engine.connect().await?;
    conn.batch_execute(&sqlwright::schema!(books).create_sql(true))
        .await?;
    if books::table.count(&mut conn).await? == 0 {
        insert_into(books::table)
            .values(vec![
                (
                    books::title.to("Dune"),
                    books::author.to("Herbert"),
                    books::pages.to(412),
                ),
                (
                    books::title.to("Solaris"),
                    books::author.to("Lem"),
                    books::pages.to(204),
                ),
                (
                    books::title.to("Eden"),
                    books::author.to("Lem"),
                    books::pages.to(262),
                ),
            ])
            .execute(&mut conn)
            .await?;
    }
    drop(conn);

    let app = Router::new()
        .route("/books", get(list_books).post(add_book))
        .route("/books/{id}", get(one_book))
        .route("/authors", get(authors))
        .with_state(engine.clone());
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    engine.dispose();
    println!("stopped");
    Ok(())
}

async fn list_books(
    State(engine): State<AsyncEngine>,
    Query(filter): Query<Filter>,
) -> Result<Json<Vec<Book>>, ApiError> {
    let mut conn = engine.connect().await?;
    let found = books::table
        .filter(books::pages.ge(filter.min_pages.unwrap_or(0)))
        .order_by(books::id)
        .select(Book::as_select())
        .load(&mut conn)
        .await?;
    Ok(Json(found))
}

async fn one_book(
    State(engine): State<AsyncEngine>,
    Path(id): Path<i32>,
) -> Result<Json<Book>, ApiError> {
    let mut conn = engine.connect().await?;
    let book = books::table
        .filter(books::id.eq(id))
        .select(Book::as_select())
        .first(&mut conn)
        .await?;
    book.map(Json).ok_or(ApiError::NotFound)
}

async fn add_book(
    State(engine): State<AsyncEngine>,
    Json(new): Json<NewBook>,
) -> Result<(StatusCode, Json<Book>), ApiError> {
    if new.title.trim().is_empty() || new.pages < 1 {
        return Err(ApiError::Invalid(
            "a book needs a title and at least one page",
        ));
    }
    let mut conn = engine.connect().await?;
    let book = insert_into(books::table)
        .values((
            books::title.to(new.title),
            books::author.to(new.author),
            books::pages.to(new.pages),
        ))
        .returning(Book::as_select())
        .get_result(&mut conn)
        .await?;
    Ok((StatusCode::CREATED, Json(book)))
}

async fn authors(State(engine): State<AsyncEngine>) -> Result<Json<Vec<AuthorStats>>, ApiError> {
    let mut conn = engine.connect().await?;
    let rows: Vec<(String, i64, Option<i64>)> = books::table
        .group_by(books::author)
        .select((books::author, count(books::id), sum(books::pages)))
        .order_by(books::author)
        .load(&mut conn)
        .await?;
    let stats = rows
        .into_iter()
        .map(|(author, books, pages)| AuthorStats {
            author,
            books,
            pages: pages.unwrap_or(0),
        })
        .collect();
    Ok(Json(stats))
}

/// What a request can fail with, as an HTTP status and a JSON body.
enum ApiError {
    NotFound,
    Invalid(&'static str),
    Database(Error),
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError::Database(e)
    }
}

#[derive(Serialize)]
struct ErrorBody {
    error: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, error) = match self {
            ApiError::NotFound => (StatusCode::NOT_FOUND, "no such book".to_string()),
            ApiError::Invalid(why) => (StatusCode::UNPROCESSABLE_ENTITY, why.to_string()),
            ApiError::Database(Error::Database(db)) if db.kind == DbErrorKind::UniqueViolation => (
                StatusCode::CONFLICT,
                "a book with this title is there already".into(),
            ),
            ApiError::Database(e @ Error::PoolTimeout { .. }) => {
                (StatusCode::SERVICE_UNAVAILABLE, e.to_string())
            }
            ApiError::Database(e) => {
                eprintln!("request failed: {e}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error".to_string(),
                )
            }
        };
        (status, Json(ErrorBody { error })).into_response()
    }
}
