//! A parent inserted with its children in one call, on PostgreSQL and SQLite: the children
//! get the parent's new key, and a failure writes nothing.

use crate::both::with;
use crate::twice::twice;
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::relation::insert_with_children;
use sqlwright::Error;

sqlwright::table! {
    profiles (id) {
        #[serial] id -> Int4,
        name -> Text,
    }
    photos (id) {
        #[serial] id -> Int4,
        #[references(profiles::id, on_delete = cascade)] id_user -> Int4,
        #[unique] path -> Text,
    }
}

const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(profiles, photos);

#[derive(sqlwright::Insertable)]
#[sqlwright(table = profiles)]
struct NewProfile {
    name: String,
}

#[derive(sqlwright::Insertable)]
#[sqlwright(table = photos)]
struct NewPhoto {
    path: String,
}

#[derive(sqlwright::Insertable)]
#[sqlwright(table = photos)]
struct PhotoWithOwner {
    id_user: i32,
    path: String,
}

#[derive(sqlwright::Row, Debug, PartialEq)]
#[sqlwright(table = profiles)]
struct Profile {
    id: i32,
    name: String,
}

#[derive(sqlwright::Row, Debug, PartialEq)]
#[sqlwright(table = photos)]
struct Photo {
    id: i32,
    id_user: i32,
    path: String,
}

fn photos(paths: &[&str]) -> Vec<NewPhoto> {
    paths
        .iter()
        .map(|p| NewPhoto {
            path: p.to_string(),
        })
        .collect()
}

twice! {
    fn parent_and_children_in_one_call<B>() {
        let mut db = with::<B>(SCHEMA, "INSERT INTO profiles (name) VALUES ('first');");
        // the notes' `ob.photo = [Photo(..), ..]; session.add(ob)`
        let (profile, saved): (Profile, Vec<Photo>) = go!(insert_with_children(
            &NewProfile {
                name: "Петя".into(),
            },
            photos::id_user,
            &photos(&["Фото_1", "Фото_2", "Фото_3"]),
            &mut db.conn,
        ))
        .unwrap();
        assert_eq!(
            profile,
            Profile {
                id: 2,
                name: "Петя".into()
            }
        );
        let paths: Vec<&str> = saved.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["Фото_1", "Фото_2", "Фото_3"]);
        assert!(saved.iter().all(|p| p.id_user == 2));
        // what the database holds, read back through the relation
        let stored = go!(vec![profile].with_children::<Photo, _>(photos::id_user, &mut db.conn)).unwrap();
        assert_eq!(stored[0].1.len(), 3);
        // no children: the parent alone
        let (alone, none): (Profile, Vec<Photo>) = go!(insert_with_children(
            &NewProfile {
                name: "Катя".into(),
            },
            photos::id_user,
            &[] as &[NewPhoto],
            &mut db.conn,
        ))
        .unwrap();
        assert_eq!((alone.id, none.len()), (3, 0));
        // many children: split under the parameter limit, all with the key
        let many: Vec<NewPhoto> = (0..40_000)
            .map(|i| NewPhoto {
                path: format!("p{i}"),
            })
            .collect();
        let (big, saved): (Profile, Vec<Photo>) = go!(insert_with_children(
            &NewProfile {
                name: "Вася".into(),
            },
            photos::id_user,
            &many,
            &mut db.conn,
        ))
        .unwrap();
        assert_eq!(saved.len(), 40_000);
        assert!(saved.iter().all(|p| p.id_user == big.id));
        // inside a transaction: a savepoint, rolled back with it
        let mut tx = go!(db.conn.begin()).unwrap();
        let (temp, _): (Profile, Vec<Photo>) = go!(insert_with_children(
            &NewProfile {
                name: "temp".into(),
            },
            photos::id_user,
            &photos(&["t1"]),
            &mut tx,
        ))
        .unwrap();
        assert_eq!(temp.name, "temp");
        go!(tx.rollback()).unwrap();
        let names: Vec<String> = go!(profiles::table
            .select(profiles::name)
            .order_by(profiles::id)
            .load(&mut db.conn))
        .unwrap();
        assert_eq!(names, ["first", "Петя", "Катя", "Вася"]);
    }

    fn a_failing_child_writes_nothing<B>() {
        let mut db = with::<B>(SCHEMA, "");
        // two photos with the same path: the second breaks the unique key
        let err = go!(insert_with_children::<Profile, Photo, _, _, _, _, _, _>(
            &NewProfile { name: "Eve".into() },
            photos::id_user,
            &photos(&["same", "same"]),
            &mut db.conn,
        ))
        .unwrap_err();
        assert_eq!(err.kind(), Some(DbErrorKind::UniqueViolation), "{err}");
        let count = go!(profiles::table.count(&mut db.conn)).unwrap();
        assert_eq!(count, 0, "the parent was rolled back with its children");
        // a children's struct that sets the foreign key itself is refused before anything runs
        let err = go!(insert_with_children::<Profile, Photo, _, _, _, _, _, _>(
            &NewProfile { name: "Eve".into() },
            photos::id_user,
            &[PhotoWithOwner {
                id_user: 7,
                path: "x".into(),
            }],
            &mut db.conn,
        ))
        .unwrap_err();
        assert!(
            matches!(&err, Error::Misuse(m) if m.contains("`photos.id_user`")),
            "{err}"
        );
        assert_eq!(go!(profiles::table.count(&mut db.conn)).unwrap(), 0);
    }
}
