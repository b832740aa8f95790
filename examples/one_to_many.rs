//! The notes' one-to-many example: profiles and their photos, both directions.
//!
//! `cargo run --example one_to_many [-- --echo]`: creates the tables in a throwaway
//! database (the server in `DATABASE_URL`, or a temporary local cluster), inserts Петя
//! Федоров with three photos, then prints the profiles, each profile's photos (loaded
//! lazily, one statement per profile, as SQLAlchemy's default `lazy='select'`), and each
//! photo's profile (select-in: one statement for all photos). `--echo` shows the SQL.

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
    let db = sqlwright::testing::try_database()?;
    let engine = Engine::builder_url(db.url().clone())
        .echo(std::env::args().any(|a| a == "--echo"))
        .build()?;
    let mut conn = engine.connect()?;
    sqlwright::schema!(пользователь_, фотографии_).create_all(&mut conn, false)?;

    // The profile and its photos in one transaction: the photos get the new profile's id.
    conn.transaction(|tx| {
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
