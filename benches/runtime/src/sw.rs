//! The benchmark schema for sqlwright.

sqlwright::table! {
    users (id) {
        #[serial] id -> Int4,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
    posts (id) {
        #[serial] id -> Int4,
        #[references(users::id)] user_id -> Int4,
        title -> Text,
    }
    comments (id) {
        #[serial] id -> Int4,
        #[references(posts::id)] post_id -> Int4,
        body -> Text,
    }
    big (id) {
        id -> Int4,
        name -> Text,
    }
}

#[derive(sqlwright::Row, Debug)]
#[sqlwright(table = users)]
pub struct User {
    pub id: i32,
    pub name: String,
    pub hair_color: Option<String>,
}

#[derive(sqlwright::Row, Debug)]
#[sqlwright(table = posts)]
pub struct Post {
    pub id: i32,
    pub user_id: i32,
    pub title: String,
}

#[derive(sqlwright::Row, Debug)]
#[sqlwright(table = comments)]
pub struct Comment {
    pub id: i32,
    pub post_id: i32,
    pub body: String,
}

/// Users, each with their posts, each post with its comments.
pub type Tree = Vec<(User, Vec<(Post, Vec<Comment>)>)>;
