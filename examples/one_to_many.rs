//! The notes' one-to-many example: profiles and their photos, both directions.
//!
//! `cargo run --example one_to_many [-- --echo]`: creates the tables if they are missing,
//! inserts Петя Федоров with three photos (unless he is there already), then prints the
//! profiles, each profile's photos (loaded lazily, one statement per profile, as
//! SQLAlchemy's default `lazy='select'`), and each photo's profile (select-in: one statement
//! for all photos). `--echo` shows the SQL.
//!
//! Which database it uses, and what it leaves behind:
//!
//! - `DATABASE_URL` set (`postgres://...` or `sqlite:///path.db`): that database, as
//!   `create_engine(url)` would. The tables `пользователь_` and `фотографии_` and their rows
//!   stay there; a second run finds Петя and adds nothing.
//! - Otherwise a throwaway SQLite file in a temporary directory, deleted at the end.
//!
//! The queries run on either backend: `run_on` is generic over it.

use sqlwright::backend::Backend;
use sqlwright::prelude::*;

sqlwright::table! {
    пользователь_ (id) {
        #[serial] id -> Int4,
        f_name -> Varchar,
        l_name -> Varchar,
    }
    фотографии_ (id) {
        #[serial] id -> Int4,
        #[references(пользователь_::id, on_delete = cascade)] id_user -> Int4,
        path_image -> Varchar,
    }
}

#[derive(sqlwright::Row, Debug, Clone)]
#[sqlwright(table = пользователь_)]
struct Profile {
    id: i32,
    f_name: String,
    l_name: String,
}

#[derive(sqlwright::Row, Debug, Clone)]
#[sqlwright(table = фотографии_)]
struct Photo {
    id: i32,
    id_user: i32,
    path_image: String,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("one_to_many failed: {e}");
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
    sqlwright::schema!(пользователь_, фотографии_).create_all(&mut conn, true)?;

    // The profile and its photos in one transaction: the photos get the new profile's id.
    // A second run finds Петя there and adds nothing.
    conn.transaction(|tx| {
        let there = пользователь_::table
            .filter(
                пользователь_::f_name
                    .eq("Петя")
                    .and(пользователь_::l_name.eq("Федоров")),
            )
            .count(&mut *tx)?;
        if there > 0 {
            println!("Петя Федоров is there already: nothing inserted");
            return Ok(0);
        }
        let id: i32 = insert_into(пользователь_::table)
            .values((
                пользователь_::f_name.to("Петя"),
                пользователь_::l_name.to("Федоров"),
            ))
            .returning(пользователь_::id)
            .get_result(tx)?;
        let photos: Vec<_> = ["Фото_1", "Фото_2", "Фото_3"]
            .into_iter()
            .map(|path| {
                (
                    фотографии_::id_user.to(id),
                    фотографии_::path_image.to(path),
                )
            })
            .collect();
        insert_into(фотографии_::table).values(photos).execute(tx)
    })?;

    let profiles: Vec<Profile> = пользователь_::table
        .select(Profile::as_select())
        .order_by(пользователь_::id)
        .load(&mut *conn)?;
    println!("profiles: {profiles:#?}");
    for profile in &profiles {
        // lazy: one statement for this profile's photos
        let photos: Vec<Photo> = profile.children(фотографии_::id_user, &mut *conn)?;
        println!(
            "photos of {} {}: {photos:#?}",
            profile.f_name, profile.l_name
        );
    }

    let photos: Vec<Photo> = фотографии_::table
        .select(Photo::as_select())
        .order_by(фотографии_::id)
        .load(&mut *conn)?;
    // select-in: one statement for the profiles of all photos (the backref)
    for (photo, profile) in photos.with_parents::<Profile, _>(фотографии_::id_user, &mut *conn)?
    {
        println!(
            "{} belongs to {} {} (id {})",
            photo.path_image, profile.f_name, profile.l_name, profile.id
        );
        let _ = photo.id;
    }
    Ok(())
}
