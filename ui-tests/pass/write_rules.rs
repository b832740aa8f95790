// What the write rules accept: ON CONFLICT on every kind of declared key (in any order),
// each column once per row or SET list, and the derives.
use sqlwright::prelude::*;

sqlwright::table! {
    #[unique(owner, slug)]
    #[index(code, unique)]
    #[index(stars)]
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

#[derive(sqlwright::Insertable)]
#[sqlwright(table = repos)]
struct NewRepo {
    id: i32,
    name: String,
    owner: String,
    slug: String,
    #[sqlwright(column = code)]
    number: i32,
    stars: i32,
}

#[derive(sqlwright::Changeset)]
#[sqlwright(table = repos)]
struct RepoChanges {
    name: Option<String>,
    stars: Option<i32>,
}

fn main() {
    // Only compiled: the statements type-check with these result types.
    let _ = statements;
}

fn statements(conn: &mut Connection) -> Result<(), sqlwright::Error> {
    let row = (
        repos::id.to(1),
        repos::name.to("r"),
        repos::owner.to("o"),
        repos::slug.to("s"),
        repos::code.to(7),
        repos::stars.to(0),
    );
    // The primary key, a `#[unique]` column, a table-level unique (in the other order), a
    // unique index.
    let _: u64 = insert_into(repos::table)
        .values(row)
        .on_conflict(repos::id)
        .do_nothing()
        .execute(&mut *conn)?;
    let _: Vec<i32> = insert_into(repos::table)
        .values(vec![(repos::name.to("r"), repos::owner.to("o"), repos::slug.to("s"))])
        .on_conflict(repos::name)
        .do_update((
            repos::stars.to(excluded(repos::stars)),
            repos::code.to(repos::code + 1),
        ))
        .returning(repos::id)
        .get_results(&mut *conn)?;
    let _: u64 = insert_into(repos::table)
        .values((repos::owner.to("o"), repos::slug.to("s"), repos::name.to("n")))
        .on_conflict((repos::slug, repos::owner))
        .do_update(repos::name.to(excluded(repos::name)))
        .execute(&mut *conn)?;
    let _: u64 = insert_into(repos::table)
        .values((repos::code.to(9), repos::name.to("c"), repos::owner.to("o")))
        .on_conflict(repos::code)
        .do_nothing()
        .execute(&mut *conn)?;
    // A composite primary key, in the other order.
    let _: (i32, String) = insert_into(memberships::table)
        .values((
            memberships::user_id.to(1),
            memberships::group_id.to(2),
            memberships::role.to("admin"),
        ))
        .on_conflict((memberships::group_id, memberships::user_id))
        .do_update(memberships::role.to(excluded(memberships::role)))
        .returning((memberships::user_id, memberships::role))
        .get_result(&mut *conn)?;
    // Several columns, each once.
    let _: u64 = update(repos::table)
        .filter(repos::id.eq(1))
        .set((repos::name.to("x"), repos::stars.to(repos::stars + 1), repos::code.to(2)))
        .execute(&mut *conn)?;
    let _: u64 = insert_into(memberships::table)
        .from_select(
            (memberships::user_id, memberships::group_id, memberships::role),
            repos::table.select((repos::id, repos::code, repos::name)),
        )
        .execute(&mut *conn)?;
    // The derives: a row inserted, saved back whole, and a changeset.
    let new = NewRepo {
        id: 2,
        name: "two".into(),
        owner: "o".into(),
        slug: "two".into(),
        number: 2,
        stars: 0,
    };
    let _: u64 = insert_into(repos::table).values(&new).execute(&mut *conn)?;
    let _: u64 = insert_into(repos::table)
        .values(std::slice::from_ref(&new))
        .on_conflict(repos::id)
        .do_nothing()
        .execute(&mut *conn)?;
    let _: u64 = update(repos::table)
        .by_key(new.id)
        .set(new.values())
        .execute(&mut *conn)?;
    let changes = RepoChanges {
        name: None,
        stars: Some(3),
    };
    let _: Vec<String> = update(repos::table)
        .filter(repos::id.eq(2))
        .set(&changes)
        .returning(repos::name)
        .get_results(&mut *conn)?;
    Ok(())
}
