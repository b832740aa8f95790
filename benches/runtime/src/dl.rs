//! The benchmark schema for Diesel.

use diesel::prelude::*;

diesel::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}
diesel::table! {
    posts (id) {
        id -> Int4,
        user_id -> Int4,
        title -> Text,
    }
}
diesel::table! {
    comments (id) {
        id -> Int4,
        post_id -> Int4,
        body -> Text,
    }
}
diesel::table! {
    big (id) {
        id -> Int4,
        name -> Text,
    }
}
diesel::joinable!(posts -> users (user_id));
diesel::joinable!(comments -> posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(users, posts, comments);

#[derive(Queryable, Selectable, Identifiable, Debug)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i32,
    pub name: String,
    pub hair_color: Option<String>,
}

#[derive(Queryable, Selectable, Identifiable, Associations, Debug)]
#[diesel(table_name = posts, belongs_to(User))]
pub struct Post {
    pub id: i32,
    pub user_id: i32,
    pub title: String,
}

#[derive(Queryable, Selectable, Identifiable, Associations, Debug)]
#[diesel(table_name = comments, belongs_to(Post))]
pub struct Comment {
    pub id: i32,
    pub post_id: i32,
    pub body: String,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub name: &'a str,
    pub hair_color: Option<&'a str>,
}
