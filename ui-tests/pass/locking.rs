use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[derive(sqlwright::Row)]
#[sqlwright(table = users)]
struct User {
    id: i32,
    name: String,
}

// The locking forms PostgreSQL accepts, each run (in a function never called) on a
// PostgreSQL connection and inside a transaction.
#[allow(dead_code)]
fn locked(conn: &mut Connection) -> Result<(), sqlwright::Error> {
    conn.transaction(|tx| {
        // the whole row, a struct, scalar columns, expressions; ORDER BY, LIMIT, OFFSET
        let _: Vec<(i32, String, Option<String>, bool)> = users::table.for_update().load(tx)?;
        let _: Option<User> = users::table
            .select(User::as_select())
            .order_by(users::id)
            .limit(1)
            .offset(2)
            .for_no_key_update()
            .skip_locked()
            .first(tx)?;
        let _: (i32, i32) = users::table
            .filter(users::id.eq(1))
            .select((users::id, users::id + 1))
            .for_share()
            .no_wait()
            .one(tx)?;
        // filter, order_by and limit after the locking clause (Diesel's order)
        let _: Option<i32> = users::table
            .select(users::id)
            .for_update()
            .skip_locked()
            .filter(users::active)
            .order_by(users::id)
            .then_order_by(users::name)
            .limit(1)
            .first(tx)?;
        // a join: every table, one of them, both, an alias
        let _: Vec<(String, String)> = posts::table
            .inner_join(users::table)
            .select((users::name, posts::title))
            .for_key_share()
            .load(tx)?;
        let _: Vec<(String, Option<String>)> = users::table
            .left_join(posts::table)
            .select((users::name, posts::title))
            .for_update()
            .of(users::table)
            .load(tx)?;
        let _: Vec<String> = posts::table
            .inner_join(users::table)
            .select(posts::title)
            .for_update()
            .of((posts::table, users::table))
            .skip_locked()
            .load(tx)?;
        let _: Vec<String> = other_user
            .select(other_user.col(users::name))
            .for_update()
            .of(other_user)
            .load(tx)?;
        // a boxed query, a stream, rows handed to a closure
        let mut boxed = users::table.select(users::id).into_boxed();
        boxed = boxed.filter(users::active);
        let _: Vec<i32> = boxed.for_update().load(tx)?;
        for id in users::table.select(users::id).for_share().stream(tx)? {
            let _: i32 = id?;
        }
        users::table
            .select(users::name)
            .for_update()
            .for_each(tx, |_: String| Ok(()))?;
        Ok(())
    })
}

fn main() {}
