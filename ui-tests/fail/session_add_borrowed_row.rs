sqlwright_ui_tests::schema!();

#[derive(sqlwright::Insertable)]
#[sqlwright(table = users)]
struct NewUser<'a> {
    id: i32,
    name: &'a str,
    active: bool,
}

#[allow(dead_code)]
fn add(conn: &mut sqlwright::Connection) -> Result<u64, sqlwright::Error> {
    let mut session = sqlwright::Session::new(conn);
    let name = String::from("Ann");
    session.add(NewUser { id: 1, name: &name, active: true });
    let n = session.commit()?;
    Ok(n)
}

fn main() {}
