//! The notes' one-to-one example: an employee and their passport, through a unique
//! foreign key.
//!
//! `cargo run --example one_to_one [-- --echo]`: inserts Петя Федоров with Паспорт_1,
//! prints both directions, then tries a second passport for the same person and prints
//! the typed unique-violation error (the expected outcome: the program exits 0).
//!
//! Which database it uses, and what it leaves behind:
//!
//! - `DATABASE_URL` set (`postgres://...` or `sqlite:///path.db`): that database, as
//!   `create_engine(url)` would. The tables `сотрудник_` and `паспорт_` are created if
//!   missing, and they and their rows stay there; a second run finds Петя and adds nothing.
//! - Otherwise a throwaway SQLite file in a temporary directory, deleted at the end.
//!
//! The queries run on either backend: `run_on` is generic over it.

use sqlwright::backend::Backend;
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;

sqlwright::table! {
    сотрудник_ (id) {
        #[serial] id -> Int4,
        f_name -> Varchar,
        l_name -> Varchar,
        position -> Int4,
    }
    паспорт_ (id) {
        #[serial] id -> Int4,
        /// One passport per person: the unique key makes the relation one-to-one.
        #[unique] #[references(сотрудник_::id, on_delete = cascade)] id_person -> Int4,
        passport_number -> Varchar,
    }
}

#[derive(sqlwright::Row, Debug, Clone)]
#[sqlwright(table = сотрудник_)]
struct Employee {
    id: i32,
    f_name: String,
    l_name: String,
    position: i32,
}

#[derive(sqlwright::Row, Debug, Clone)]
#[sqlwright(table = паспорт_)]
struct Passport {
    id: i32,
    id_person: i32,
    passport_number: String,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("one_to_one failed: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let echo = std::env::args().any(|a| a == "--echo");
    let db = sqlwright_examples::portable()?;
    println!("{}", db.describe());
    if db.is_sqlite() {
        run_on(
            &Engine::sqlite_builder_url(db.url().clone())
                .echo(echo)
                .build()?,
        )
    } else {
        run_on(&Engine::builder_url(db.url().clone()).echo(echo).build()?)
    }
}

fn run_on<B: Backend>(engine: &Engine<B>) -> Result<(), Box<dyn std::error::Error>> {
    let mut conn = engine.connect()?;
    sqlwright::schema!(сотрудник_, паспорт_).create_all(&mut conn, true)?;

    // Петя and his passport in one transaction; a second run finds him and adds nothing.
    conn.transaction(|tx| {
        let there = сотрудник_::table
            .filter(
                сотрудник_::f_name
                    .eq("Петя")
                    .and(сотрудник_::l_name.eq("Федоров")),
            )
            .count(&mut *tx)?;
        if there > 0 {
            println!("Петя Федоров is there already: nothing inserted");
            return Ok(0);
        }
        let id: i32 = insert_into(сотрудник_::table)
            .values((
                сотрудник_::f_name.to("Петя"),
                сотрудник_::l_name.to("Федоров"),
                сотрудник_::position.to(5),
            ))
            .returning(сотрудник_::id)
            .get_result(tx)?;
        insert_into(паспорт_::table)
            .values((
                паспорт_::id_person.to(id),
                паспорт_::passport_number.to("Паспорт_1"),
            ))
            .execute(tx)
    })?;

    let employees: Vec<Employee> = сотрудник_::table
        .select(Employee::as_select())
        .order_by(сотрудник_::id)
        .load(&mut *conn)?;
    for employee in &employees {
        let passport: Option<Passport> = employee.child(паспорт_::id_person, &mut *conn)?;
        println!("{employee:?}\n  passport: {passport:?}");
    }
    let passports: Vec<Passport> = паспорт_::table
        .select(Passport::as_select())
        .order_by(паспорт_::id)
        .load(&mut *conn)?;
    for passport in &passports {
        let owner: Employee = passport.parent(паспорт_::id_person, &mut *conn)?;
        println!(
            "{passport:?}\n  owner: {} {} (position {})",
            owner.f_name, owner.l_name, owner.position
        );
    }

    // A second passport for the same person: the unique key refuses it.
    let second = insert_into(паспорт_::table)
        .values((
            паспорт_::id_person.to(employees[0].id),
            паспорт_::passport_number.to("Паспорт_2"),
        ))
        .execute(&mut *conn);
    match second {
        Err(e) if e.kind() == Some(DbErrorKind::UniqueViolation) => {
            println!("second passport refused, as expected: {e}");
        }
        Err(e) => return Err(e.into()),
        Ok(_) => return Err("a second passport was accepted".into()),
    }
    let _ = passports.iter().map(|p| p.id).sum::<i32>();
    Ok(())
}
