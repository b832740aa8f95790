use sqlwright::dynamic::DynFilter;
use sqlwright::reflect::ReflectedTable;

#[derive(sqlwright::RawRow)]
#[allow(dead_code)]
struct Task {
    name: String,
    // PostgreSQL's rows read an i8 (its "char"); MySQL's do not.
    rank: i8,
}

#[allow(dead_code)]
fn due(
    tasks: &ReflectedTable,
    conn: &mut sqlwright::MysqlConnection,
) -> Result<Vec<Task>, sqlwright::Error> {
    let due = tasks.select().filter("done", "=", false).load_as(conn)?;
    Ok(due)
}

fn main() {}
