sqlwright_ui_tests::schema!();

#[derive(sqlwright::Insertable)]
#[sqlwright(table = users)]
struct NewUser<'a> {
    id: i32,
    name: &'a str,
    active: bool,
}

fn add(conn: &mut sqlwright::Connection) {
    let mut session = sqlwright::Session::new(conn);
    let name = String::from("Ann");
    session.add(NewUser { id: 1, name: &name, active: true });
    session.commit().unwrap();
}

fn main() {}
