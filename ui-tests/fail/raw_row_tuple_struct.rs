#[derive(sqlwright::RawRow)]
struct Pair(i32, String);

#[allow(dead_code)]
fn pairs(conn: &mut sqlwright::Connection) -> Result<Vec<Pair>, sqlwright::Error> {
    let pairs = sqlwright::raw::sql("SELECT id, name FROM users").load_as(conn)?;
    Ok(pairs)
}

fn main() {}
