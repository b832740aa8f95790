//! ON CONFLICT on each kind of key `table!` declares (primary key, composite primary key,
//! `#[unique]` column, table-level `#[unique(..)]`, unique index), with the target's columns
//! in another order than declared: the compile-time check accepts them, and so does the
//! server's arbiter inference.

use crate::both::with;
use crate::twice::twice;
use sqlwright::prelude::*;

mod keyed {
    sqlwright::table! {
        #[unique(owner, slug)]
        #[index(code, unique)]
        repos (id) {
            id -> Int4,
            #[unique] name -> Text,
            owner -> Text,
            slug -> Text,
            code -> Int4,
            stars -> Int4,
        }
        memberships (user_id, group_id) {
            user_id -> Int4,
            group_id -> Int4,
            role -> Text,
        }
    }
}
use keyed::{memberships, repos};

const KEYED: sqlwright::ddl::Schema = sqlwright::schema!(keyed::repos, keyed::memberships);

const ROWS: &str = "
INSERT INTO repos (id, name, owner, slug, code, stars) VALUES (1, 'r', 'o', 's', 7, 0);
INSERT INTO memberships (user_id, group_id, role) VALUES (1, 2, 'member');";

type Repo = (i32, String, String, String, i32, i32);

/// Every repo, by id (a macro: the run is awaited on tokio).
macro_rules! repos_of {
    ($conn:expr) => {{
        let repos: Vec<Repo> = go!(repos::table.order_by(repos::id).load($conn)).unwrap();
        repos
    }};
}

twice! {
    // MySQL has no conflict target: ON DUPLICATE KEY UPDATE fires on any unique key, so a
    // target it cannot honour is refused (mariadb_writes.rs tests upserts on MySQL).
    fn upserts_on_every_kind_of_key<B: PgOrSqlite>() {
        let mut db = with::<B>(KEYED, ROWS);
        let conn = &mut db.conn;
        let row = |id: i32, name: &'static str, slug: &'static str, code: i32| {
            (
                repos::id.to(id),
                repos::name.to(name),
                repos::owner.to("o"),
                repos::slug.to(slug),
                repos::code.to(code),
                repos::stars.to(5),
            )
        };
        // The table-level unique, named in the other order.
        let q = insert_into(repos::table)
            .values(row(2, "r2", "s", 8))
            .on_conflict((repos::slug, repos::owner))
            .do_update(repos::stars.to(excluded(repos::stars)));
        assert!(
            q.to_sql()
                .ends_with(r#"ON CONFLICT ("slug", "owner") DO UPDATE SET "stars" = EXCLUDED."stars""#),
            "{}",
            q.to_sql()
        );
        assert_eq!(go!(q.execute(&mut *conn)).unwrap(), 1);
        // The unique index, and the primary key: nothing written.
        let skipped = go!(insert_into(repos::table)
            .values(row(3, "r3", "t", 7))
            .on_conflict(repos::code)
            .do_nothing()
            .execute(&mut *conn))
            .unwrap();
        assert_eq!(skipped, 0);
        let skipped = go!(insert_into(repos::table)
            .values(row(1, "r4", "u", 10))
            .on_conflict(repos::id)
            .do_nothing()
            .execute(&mut *conn))
            .unwrap();
        assert_eq!(skipped, 0);
        // The `#[unique]` column, updating two columns from the row and the proposal.
        let n = go!(insert_into(repos::table)
            .values(row(5, "r", "v", 9))
            .on_conflict(repos::name)
            .do_update((
                repos::stars.to(repos::stars + 1),
                repos::code.to(excluded(repos::code)),
            ))
            .execute(&mut *conn))
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(
            repos_of!(conn),
            vec![(1, "r".into(), "o".into(), "s".into(), 9, 6)]
        );
        // The composite primary key, in the other order.
        let q = insert_into(memberships::table)
            .values((
                memberships::user_id.to(1),
                memberships::group_id.to(2),
                memberships::role.to("admin"),
            ))
            .on_conflict((memberships::group_id, memberships::user_id))
            .do_update(memberships::role.to(excluded(memberships::role)))
            .returning((memberships::user_id, memberships::role));
        assert!(
            q.to_sql().contains(
                r#"ON CONFLICT ("group_id", "user_id") DO UPDATE SET "role" = EXCLUDED."role""#
            ),
            "{}",
            q.to_sql()
        );
        assert_eq!(go!(q.get_result(&mut *conn)).unwrap(), (1, "admin".to_string()));
    }

    fn several_columns_assigned_once_each<B>() {
        let mut db = with::<B>(KEYED, ROWS);
        let conn = &mut db.conn;
        let q = update(repos::table).filter(repos::id.eq(1)).set((
            repos::name.to("renamed"),
            repos::stars.to(repos::stars + 2),
            repos::code.to(repos::code * 10),
        ));
        assert_eq!(
            q.to_sql(),
            r#"UPDATE "repos" SET "name" = $1, "stars" = "repos"."stars" + $2, "code" = "repos"."code" * $3 WHERE "repos"."id" = $4"#
        );
        assert_eq!(go!(q.execute(&mut *conn)).unwrap(), 1);
        assert_eq!(
            repos_of!(conn),
            vec![(1, "renamed".into(), "o".into(), "s".into(), 70, 2)]
        );
    }
}
