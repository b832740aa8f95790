//! Unsigned values wherever a value is bound (#23): `in_`/`not_in` lists, relations loaded
//! by an unsigned key, and `#[derive(Changeset)]` structs with unsigned fields, on every
//! backend. The lists go to PostgreSQL as one array of the storage type, to SQLite as one
//! JSON array, to MySQL as one unsigned parameter per element.

use crate::both::{text_of, with, TestBackend};
use crate::unsigned::{big_max, counters, rows, Counter};
use sqlwright::backend::Dialect;
use sqlwright::prelude::*;

sqlwright::table! {
    readings (id) {
        id -> UInt8,
        #[references(counters::id, on_delete = cascade)] counter_id -> UInt4,
        note -> Text,
    }
}

sqlwright::table! {
    labels (id) {
        id -> UInt8,
        name -> Text,
    }
    counter_labels (counter_id, label_id) {
        #[references(counters::id, on_delete = cascade)] counter_id -> UInt4,
        #[references(labels::id, on_delete = cascade)] label_id -> UInt8,
    }
}

#[derive(sqlwright::Insertable, sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = labels)]
struct Label {
    id: u64,
    name: String,
}

#[derive(sqlwright::Insertable, sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = readings)]
struct Reading {
    id: u64,
    counter_id: u32,
    note: String,
}

fn filled<B: TestBackend>() -> crate::both::Fresh<B> {
    let mut db = with::<B>(sqlwright::schema!(counters, readings), "");
    insert_into(counters::table)
        .values(&rows::<B>()[..])
        .execute(&mut db.conn)
        .unwrap();
    let readings =
        [(big_max::<B>(), 2, "top"), (7, 3, "a"), (8, 3, "b")].map(|(id, c, n)| Reading {
            id,
            counter_id: c,
            note: n.into(),
        });
    insert_into(readings::table)
        .values(&readings[..])
        .execute(&mut db.conn)
        .unwrap();
    db
}

crate::on_all!(
    unsigned_values_in_lists,
    relations_load_by_unsigned_keys,
    raw_sql_binds_unsigned_values_by_their_natural_type,
    a_parent_with_an_unsigned_key_is_inserted_with_its_children,
    many_to_many_loads_by_unsigned_keys,
);

fn many_to_many_loads_by_unsigned_keys<B: TestBackend>() {
    let mut db = with::<B>(sqlwright::schema!(counters, labels, counter_labels), "");
    let mut counters_made = rows::<B>();
    counters_made[1].id = u32::MAX;
    insert_into(counters::table)
        .values(&counters_made[..])
        .execute(&mut db.conn)
        .unwrap();
    let top = big_max::<B>();
    let labels_made = [(top, "top"), (5, "five"), (6, "unused")].map(|(id, name)| Label {
        id,
        name: name.into(),
    });
    insert_into(labels::table)
        .values(&labels_made[..])
        .execute(&mut db.conn)
        .unwrap();
    let links: Vec<_> = [(u32::MAX, top), (u32::MAX, 5), (3, 5)]
        .into_iter()
        .map(|(c, l)| {
            (
                counter_labels::counter_id.to(c),
                counter_labels::label_id.to(l),
            )
        })
        .collect();
    insert_into(counter_labels::table)
        .values(links)
        .execute(&mut db.conn)
        .unwrap();

    // Counters with their labels: keyed by u32 counter ids, u32::MAX among them.
    let parents: Vec<Counter> = counters::table
        .select(Counter::as_select())
        .order_by(counters::id)
        .load(&mut db.conn)
        .unwrap();
    let loaded = parents
        .clone()
        .with_through::<Label, _, _>(
            counter_labels::counter_id,
            counter_labels::label_id,
            &mut db.conn,
        )
        .unwrap();
    let got: Vec<(u32, Vec<u64>)> = loaded
        .iter()
        .map(|(c, ls)| {
            let mut ids: Vec<u64> = ls.iter().map(|l| l.id).collect();
            ids.sort();
            (c.id, ids)
        })
        .collect();
    let mut both = vec![5, top];
    both.sort();
    assert_eq!(got, [(1, vec![]), (3, vec![5]), (u32::MAX, both)]);

    // Labels with their counters: keyed by u64 label ids, the backend's largest among them.
    let labels: Vec<Label> = labels::table
        .select(Label::as_select())
        .order_by(labels::id)
        .load(&mut db.conn)
        .unwrap();
    let loaded = labels
        .clone()
        .with_through::<Counter, _, _>(
            counter_labels::label_id,
            counter_labels::counter_id,
            &mut db.conn,
        )
        .unwrap();
    let got: Vec<(u64, Vec<u32>)> = loaded
        .iter()
        .map(|(l, cs)| {
            let mut ids: Vec<u32> = cs.iter().map(|c| c.id).collect();
            ids.sort();
            (l.id, ids)
        })
        .collect();
    assert_eq!(
        got,
        [(5, vec![3, u32::MAX]), (6, vec![]), (top, vec![u32::MAX])]
    );

    // One row's related rows.
    let top_label = labels.last().unwrap();
    let counters_of: Vec<Counter> = top_label
        .through(
            counter_labels::label_id,
            counter_labels::counter_id,
            &mut db.conn,
        )
        .unwrap();
    assert_eq!(counters_of, [counters_made[1].clone()]);
}

fn unsigned_values_in_lists<B: TestBackend>() {
    let mut db = filled::<B>();
    // The u64 list holds the largest value the backend stores (u64::MAX on MySQL and
    // PostgreSQL, where it is above i64::MAX).
    let ids: Vec<u32> = counters::table
        .filter(counters::big.in_([big_max::<B>(), 0]))
        .select(counters::id)
        .order_by(counters::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [1, 2]);
    let ids: Vec<u32> = counters::table
        .filter(counters::big.not_in(vec![big_max::<B>(), 1]))
        .select(counters::id)
        .order_by(counters::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [1, 3]);
    let ids: Vec<u32> = counters::table
        .filter(counters::mid.not_in([u32::MAX, 0]))
        .select(counters::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [3]);
    // Borrowed values, the narrow types, a nullable column, an empty list, a long list.
    let tinies = [7u8, u8::MAX];
    let ids: Vec<u32> = counters::table
        .filter(counters::tiny.in_(tinies.iter()))
        .select(counters::id)
        .order_by(counters::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [2, 3]);
    let ids: Vec<u32> = counters::table
        .filter(counters::small.in_([300u16]))
        .select(counters::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [3]);
    let ids: Vec<u32> = counters::table
        .filter(counters::maybe.in_([0u32, u32::MAX]))
        .select(counters::id)
        .order_by(counters::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [2, 3]);
    let ids: Vec<u32> = counters::table
        .filter(counters::id.in_(Vec::<u32>::new()))
        .select(counters::id)
        .load(&mut db.conn)
        .unwrap();
    assert!(ids.is_empty());
    let ids: Vec<u32> = counters::table
        .filter(counters::id.in_(2..=40u32))
        .select(counters::id)
        .order_by(counters::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [2, 3]);
    // What each backend is sent for a u64 list.
    let sql = text_of(
        counters::table
            .filter(counters::big.in_([1u64, 2]))
            .select(counters::id)
            .debug_sql_for(B::DIALECT),
    );
    let expected = match B::DIALECT {
        Dialect::Postgres => "\"counters\".\"big\" = ANY($1)",
        Dialect::Sqlite => "\"counters\".\"big\" IN (SELECT value FROM json_each(?1))",
        _ => "`counters`.`big` IN (?, ?)",
    };
    assert!(sql.contains(expected), "{sql}");
    if B::DIALECT == Dialect::Sqlite {
        // Past i64::MAX SQLite has no integer: refused before anything is sent.
        let err = counters::table
            .filter(counters::big.in_([u64::MAX]))
            .select(counters::id)
            .load(&mut db.conn)
            .map(|ids: Vec<u32>| ids)
            .unwrap_err();
        assert!(err.to_string().contains("above i64::MAX"), "{err}");
    }
}

fn relations_load_by_unsigned_keys<B: TestBackend>() {
    let mut db = filled::<B>();
    let parents: Vec<Counter> = counters::table
        .select(Counter::as_select())
        .order_by(counters::id)
        .load(&mut db.conn)
        .unwrap();
    // Each counter with its readings: one statement keyed by the u32s.
    let loaded = parents
        .clone()
        .with_children::<Reading, _>(readings::counter_id, &mut db.conn)
        .unwrap();
    let got: Vec<(u32, Vec<u64>)> = loaded
        .iter()
        .map(|(c, r)| {
            let mut ids: Vec<u64> = r.iter().map(|r| r.id).collect();
            ids.sort();
            (c.id, ids)
        })
        .collect();
    assert_eq!(
        got,
        [(1, vec![]), (2, vec![big_max::<B>()]), (3, vec![7, 8])]
    );
    // Each reading with its counter, and one reading's counter, one counter's readings.
    let readings: Vec<Reading> = readings::table
        .select(Reading::as_select())
        .order_by(readings::id)
        .load(&mut db.conn)
        .unwrap();
    let with_parents = readings
        .clone()
        .with_parents::<Counter, _>(readings::counter_id, &mut db.conn)
        .unwrap();
    let pairs: Vec<(u64, u32)> = with_parents.iter().map(|(r, c)| (r.id, c.id)).collect();
    assert_eq!(pairs, [(7, 3), (8, 3), (big_max::<B>(), 2)]);
    let top = readings.last().unwrap();
    let parent: Counter = top.parent(readings::counter_id, &mut db.conn).unwrap();
    assert_eq!(parent.mid, u32::MAX);
    let children: Vec<Reading> = parents[2]
        .children(readings::counter_id, &mut db.conn)
        .unwrap();
    assert_eq!(children.len(), 2);
    // A reading found by its u64 key above i64::MAX (MySQL, PostgreSQL).
    let found = Reading::get(big_max::<B>(), &mut db.conn).unwrap();
    assert_eq!(found.map(|r| r.note), Some("top".to_string()));
    let found = Reading::find(7u64, &mut db.conn).unwrap();
    assert_eq!(found.counter_id, 3);
}

fn raw_sql_binds_unsigned_values_by_their_natural_type<B: TestBackend>() {
    let mut db = filled::<B>();
    // `bind` declares each value as its natural unsigned type (`u32` as `UInt4`, ...).
    let n = sqlwright::raw::sql(
        "UPDATE counters SET mid = :mid, tiny = :tiny, maybe = :maybe, big = :big WHERE id = :id",
    )
    .bind("mid", 5u32)
    .bind("tiny", 9u8)
    .bind("maybe", None::<u32>)
    .bind("big", big_max::<B>())
    .bind("id", 3u32)
    .execute(&mut db.conn)
    .unwrap();
    assert_eq!(n, 1);
    let row: (u32, u8, Option<u32>, u64) = counters::table
        .filter(counters::id.eq(3))
        .select((
            counters::mid,
            counters::tiny,
            counters::maybe,
            counters::big,
        ))
        .one(&mut db.conn)
        .unwrap();
    assert_eq!(row, (5, 9, None, big_max::<B>()));
    let n = sqlwright::raw::sql("DELETE FROM counters WHERE small = :small AND big = :big")
        .bind("small", Some(65_535u16))
        .bind_sensitive("big", big_max::<B>())
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(n, 1);
}

#[derive(sqlwright::Insertable)]
#[sqlwright(table = readings)]
struct NewReading {
    id: u64,
    note: String,
}

fn a_parent_with_an_unsigned_key_is_inserted_with_its_children<B: TestBackend>() {
    let mut db = filled::<B>();
    let parent = Counter {
        id: u32::MAX,
        ..rows::<B>()[1].clone()
    };
    let children = [(big_max::<B>() - 1, "x"), (11, "y")].map(|(id, note)| NewReading {
        id,
        note: note.into(),
    });
    // The children get the parent's `u32::MAX` key, bound once for every child row.
    let (saved, readings): (Counter, Vec<Reading>) = sqlwright::relation::insert_with_children(
        &parent,
        readings::counter_id,
        &children,
        &mut db.conn,
    )
    .unwrap();
    assert_eq!(saved, parent);
    let mut got: Vec<(u64, u32)> = readings.iter().map(|r| (r.id, r.counter_id)).collect();
    got.sort();
    assert_eq!(got, [(11, u32::MAX), (big_max::<B>() - 1, u32::MAX)]);
}
