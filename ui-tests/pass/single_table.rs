use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[derive(sqlwright::Row)]
#[sqlwright(table = users)]
struct User {
    id: i32,
    name: String,
    #[sqlwright(column = hair_color)]
    hair: Option<String>,
}

fn main() {
    let q = users::table
        .filter(users::name.like("A%") & !users::hair_color.is_null() | users::active)
        .filter(users::id.between(1, 10).and(users::id.in_([1, 2, 3])))
        .select((users::id, users::name, users::hair_color, users::id + 1))
        .order_by((users::name.asc(), users::id.desc().nulls_last()))
        .limit(10)
        .offset(5);
    let _ = q.to_sql();
    let _ = users::table.filter(users::hair_color.eq("red")).select(User::as_select());
    let _ = users::table.filter(users::name.eq(users::hair_color));
    // `concat` of any values, nested for more than two; CASE branches of one type.
    let labels = users::table.select((
        sqlwright::dsl::concat(users::name, sqlwright::dsl::concat(" #", users::id)),
        sqlwright::dsl::case_when(users::active, users::name).otherwise(users::hair_color),
        users::id * users::id - 1,
        users::id.eq(&5),
    ));
    let _ = labels.to_sql();
}
