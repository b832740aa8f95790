//! `#[derive(Changeset)]` with unsigned fields (#23), on every backend: `set(&changes)`
//! stores each field as a `Bound` borrowing it, so `u8`..`u64` (owned, borrowed, nullable)
//! bind as `column.to(&field)` binds them, `u64::MAX` included where the backend stores it.

use crate::both::{text_of, with, TestBackend};
use crate::unsigned::{big_max, counters, rows, Counter};
use sqlwright::prelude::*;
use sqlwright::query::WriteStatement;

#[derive(sqlwright::Changeset, Default)]
#[sqlwright(table = counters)]
struct CounterChanges {
    tiny: Option<u8>,
    small: Option<u16>,
    mid: Option<u32>,
    big: Option<u64>,
    maybe: Option<Option<u32>>,
}

/// Borrowed fields: a changeset built over values owned elsewhere.
#[derive(sqlwright::Changeset)]
#[sqlwright(table = counters)]
struct BorrowedChanges<'a> {
    #[sqlwright(column = mid)]
    middle: Option<&'a u32>,
    maybe: Option<Option<&'a u32>>,
}

crate::on_all!(a_changeset_with_unsigned_fields_updates_them);

fn a_changeset_with_unsigned_fields_updates_them<B: TestBackend>() {
    let mut db = with::<B>(sqlwright::schema!(counters), "");
    insert_into(counters::table)
        .values(&rows::<B>()[..])
        .execute(&mut db.conn)
        .unwrap();
    let load = |conn: &mut sqlwright::Connection<B>, id: u32| -> Counter {
        counters::table
            .filter(counters::id.eq(id))
            .select(Counter::as_select())
            .one(conn)
            .unwrap()
    };

    // Every field: row 1 (all zeros, NULL) gets each type's largest value.
    let all = CounterChanges {
        tiny: Some(u8::MAX),
        small: Some(u16::MAX),
        mid: Some(u32::MAX),
        big: Some(big_max::<B>()),
        maybe: Some(Some(u32::MAX)),
    };
    let statement = update(counters::table).filter(counters::id.eq(1)).set(&all);
    let mut out = sqlwright::render::SqlWriter::for_dialect(B::DIALECT);
    statement.render_statement(&mut out);
    let rendered = out.finish();
    assert_eq!(rendered.params.len(), 6, "{}", rendered.sql);
    let set = text_of(rendered.sql.clone());
    let expected = match B::DIALECT {
        sqlwright::backend::Dialect::Mysql => {
            "UPDATE `counters` SET `tiny` = ?, `small` = ?, `mid` = ?, `big` = ?, `maybe` = ? \
             WHERE `counters`.`id` = ?"
        }
        sqlwright::backend::Dialect::Sqlite => {
            "UPDATE \"counters\" SET \"tiny\" = ?1, \"small\" = ?2, \"mid\" = ?3, \"big\" = ?4, \
             \"maybe\" = ?5 WHERE \"counters\".\"id\" = ?6"
        }
        _ => {
            "UPDATE \"counters\" SET \"tiny\" = $1, \"small\" = $2, \"mid\" = $3, \"big\" = $4, \
             \"maybe\" = $5 WHERE \"counters\".\"id\" = $6"
        }
    };
    assert_eq!(set, expected);
    assert_eq!(statement.execute(&mut db.conn).unwrap(), 1);
    assert_eq!(
        load(&mut db.conn, 1),
        Counter {
            id: 1,
            ..rows::<B>()[1].clone()
        }
    );

    // Some fields: the others are left as they are; `Some(None)` writes NULL.
    let some = CounterChanges {
        tiny: Some(3),
        maybe: Some(None),
        ..CounterChanges::default()
    };
    let n = update(counters::table)
        .filter(counters::id.eq(1))
        .set(&some)
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(n, 1);
    let row = load(&mut db.conn, 1);
    assert_eq!(
        (row.tiny, row.small, row.big, row.maybe),
        (3, u16::MAX, big_max::<B>(), None)
    );

    // None at all: nothing is sent, nothing changes.
    let none = CounterChanges::default();
    let n = update(counters::table)
        .filter(counters::id.eq(1))
        .set(&none)
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(n, 0);
    assert_eq!(load(&mut db.conn, 1).tiny, 3);

    // Borrowed fields, a renamed column, a nullable one set through a reference.
    let (mid, maybe) = (70_001u32, 9u32);
    let borrowed = BorrowedChanges {
        middle: Some(&mid),
        maybe: Some(Some(&maybe)),
    };
    let n = update(counters::table)
        .filter(counters::id.eq(3))
        .set(&borrowed)
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(n, 1);
    let row = load(&mut db.conn, 3);
    assert_eq!((row.mid, row.maybe, row.tiny), (70_001, Some(9), 7));

    // A value outside the column's range is the server's error (the check on PostgreSQL
    // and SQLite, the type's range on MySQL), and the row is unchanged.
    let too_big: Option<u64> = match B::DIALECT {
        sqlwright::backend::Dialect::Sqlite => None,
        _ => Some(u64::MAX),
    };
    if let Some(v) = too_big {
        // `big` holds u64::MAX on MySQL and PostgreSQL: the top of the range is accepted.
        let top = CounterChanges {
            big: Some(v),
            ..CounterChanges::default()
        };
        update(counters::table)
            .filter(counters::id.eq(3))
            .set(&top)
            .execute(&mut db.conn)
            .unwrap();
        assert_eq!(load(&mut db.conn, 3).big, u64::MAX);
    } else {
        // SQLite's integers end at i64::MAX: a larger u64 is refused before sending.
        let top = CounterChanges {
            big: Some(u64::MAX),
            ..CounterChanges::default()
        };
        let err = update(counters::table)
            .filter(counters::id.eq(3))
            .set(&top)
            .execute(&mut db.conn)
            .unwrap_err();
        assert!(err.to_string().contains("i64::MAX"), "{err}");
        assert_eq!(load(&mut db.conn, 3).big, 5_000_000_000);
    }
}
