//! The types users reach for: `timestamptz` as `DateTime<FixedOffset>`/`DateTime<Local>`,
//! the `time` crate, and PostgreSQL's network types. Values are written with sqlwright,
//! read back with sqlwright, and (on PostgreSQL) read as text by hand, so a decoder and an
//! encoder that agree on a mistake are still caught.

use crate::both::with;
use crate::setup;
use crate::twice::twice;
use crate::twice::HandClient;
use chrono::{DateTime, FixedOffset, Local, NaiveDate, TimeZone, Utc};
use ipnetwork::IpNetwork;
use sqlwright::backend::Dialect;
use sqlwright::prelude::*;
use sqlwright::types::{MacAddress, Network};
use std::net::IpAddr;

mod temporal {
    sqlwright::table! {
        moments (id) {
            id -> Int4,
            d -> Nullable<Date>,
            t -> Nullable<Time>,
            ts -> Nullable<Timestamp>,
            tstz -> Nullable<Timestamptz>,
        }
    }
}
use temporal::moments;

const MOMENTS: sqlwright::ddl::Schema = sqlwright::schema!(temporal::moments);

/// The text of `sql`'s one value, read with the `postgres` crate (PostgreSQL only).
fn by_hand_text(db: &mut impl HandClient, sql: &str) -> String {
    db.client().query_one(sql, &[]).unwrap().get(0)
}

twice! {
    /// Offsets written and read as the same instant; loaded with offset +00:00 (the server
    /// sends UTC); before 1970 and far in the future; NULL as `None`.
    fn fixed_offsets_round_trip_as_the_same_instant<B>() {
        let mut db = with::<B>(MOMENTS, "");
        let india = FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
        let moon = india.with_ymd_and_hms(1969, 7, 21, 8, 26, 15).unwrap();
        let far = FixedOffset::west_opt(8 * 3600)
            .unwrap()
            .with_ymd_and_hms(9999, 12, 31, 15, 59, 59)
            .unwrap()
            + chrono::Duration::microseconds(999_999);
        for (id, at) in [(1, moon), (2, far)] {
            go!(insert_into(moments::table)
                .values((moments::id.to(id), moments::tstz.to(Some(at))))
                .execute(&mut db.conn))
                .unwrap();
        }
        go!(insert_into(moments::table)
            .values(moments::id.to(3))
            .execute(&mut db.conn))
            .unwrap();
        let rows: Vec<(i32, Option<DateTime<FixedOffset>>)> = go!(moments::table
            .select((moments::id, moments::tstz))
            .order_by(moments::id)
            .load_as(&mut db.conn))
            .unwrap();
        assert_eq!(rows, [(1, Some(moon)), (2, Some(far)), (3, None)]);
        let loaded = rows[0].1.unwrap();
        assert_eq!(loaded.offset().local_minus_utc(), 0, "{loaded}");
        assert_eq!(loaded.to_rfc3339(), "1969-07-21T02:56:15+00:00");
        // The same instant, compared on the server with a value of another offset.
        let found: Vec<i32> = go!(moments::table
            .filter(moments::tstz.eq(moon.with_timezone(&Utc)))
            .select(moments::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(found, [1]);
        let local: Vec<Option<DateTime<Local>>> = go!(moments::table
            .filter(moments::id.eq(1))
            .select(moments::tstz)
            .load_as(&mut db.conn))
            .unwrap();
        assert_eq!(local, [Some(moon.with_timezone(&Local))]);
        let before: Vec<i32> = go!(moments::table
            .filter(moments::tstz.lt(Local.with_ymd_and_hms(1970, 1, 2, 0, 0, 0).unwrap()))
            .select(moments::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(before, [1]);
    }

    fn fixed_offsets_are_stored_as_the_instant_in_utc_on_postgres() {
        let mut db = setup("CREATE TABLE moments (id int4 PRIMARY KEY, d date, t time, ts timestamp, tstz timestamptz)");
        let at = FixedOffset::east_opt(5 * 3600 + 1800)
            .unwrap()
            .with_ymd_and_hms(1969, 7, 21, 8, 26, 15)
            .unwrap();
        go!(insert_into(moments::table)
            .values((moments::id.to(1), moments::tstz.to(Some(at))))
            .execute(&mut db.conn))
            .unwrap();
        let text = by_hand_text(
            &mut db,
            "SELECT to_char(tstz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM moments",
        );
        assert_eq!(text, "1969-07-21 02:56:15");
    }

    /// `time::Date`, `Time`, `PrimitiveDateTime` and `OffsetDateTime` bind, compare and load;
    /// what they store reads back with chrono too (the same text on SQLite).
    fn time_crate_values_round_trip<B>() {
        let mut db = with::<B>(MOMENTS, "");
        let d = time::Date::from_calendar_date(1000, time::Month::January, 1).unwrap();
        let t = time::Time::from_hms_micro(23, 59, 59, 999_999).unwrap();
        let ts = time::PrimitiveDateTime::new(
            time::Date::from_calendar_date(1901, time::Month::December, 13).unwrap(),
            time::Time::from_hms_micro(20, 45, 52, 123_456).unwrap(),
        );
        let offset = time::UtcOffset::from_hms(-8, 0, 0).unwrap();
        let tstz = time::PrimitiveDateTime::new(
            time::Date::from_calendar_date(9999, time::Month::December, 31).unwrap(),
            time::Time::from_hms(15, 0, 0).unwrap(),
        )
        .assume_offset(offset);
        go!(insert_into(moments::table)
            .values((
                moments::id.to(1),
                moments::d.to(Some(d)),
                moments::t.to(Some(t)),
                moments::ts.to(Some(ts)),
                moments::tstz.to(Some(tstz)),
            ))
            .execute(&mut db.conn))
            .unwrap();
        go!(insert_into(moments::table)
            .values(moments::id.to(2))
            .execute(&mut db.conn))
            .unwrap();
        type Row = (
            i32,
            Option<time::Date>,
            Option<time::Time>,
            Option<time::PrimitiveDateTime>,
            Option<time::OffsetDateTime>,
        );
        let rows: Vec<Row> = go!(moments::table
            .select((
                moments::id,
                moments::d,
                moments::t,
                moments::ts,
                moments::tstz,
            ))
            .order_by(moments::id)
            .load_as(&mut db.conn))
            .unwrap();
        assert_eq!(
            rows,
            [
                (1, Some(d), Some(t), Some(ts), Some(tstz)),
                (2, None, None, None, None)
            ]
        );
        assert_eq!(rows[0].4.unwrap().offset(), time::UtcOffset::UTC);
        // Comparisons bind time values too.
        let found: Vec<i32> = go!(moments::table
            .filter(
                moments::d
                    .eq(d)
                    .and(moments::ts.lt(ts + time::Duration::SECOND)),
            )
            .filter(moments::tstz.gt(tstz - time::Duration::DAY))
            .select(moments::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(found, [1]);
        // chrono reads what the time crate wrote.
        let chrono_row: Vec<(Option<NaiveDate>, Option<DateTime<Utc>>)> = go!(moments::table
            .filter(moments::id.eq(1))
            .select((moments::d, moments::tstz))
            .load_as(&mut db.conn))
            .unwrap();
        assert_eq!(
            chrono_row,
            [(
                NaiveDate::from_ymd_opt(1000, 1, 1),
                Some(Utc.with_ymd_and_hms(9999, 12, 31, 23, 0, 0).unwrap())
            )]
        );
        // A value with no UTC form in the time crate's range is a typed error, not a panic,
        // and the connection goes on.
        let beyond = time::PrimitiveDateTime::new(
            time::Date::from_calendar_date(9999, time::Month::December, 31).unwrap(),
            time::Time::from_hms(23, 30, 0).unwrap(),
        )
        .assume_offset(time::UtcOffset::from_hms(-5, 0, 0).unwrap());
        let err: sqlwright::Error = go!(moments::table
            .filter(moments::tstz.lt(beyond))
            .select(moments::id)
            .load(&mut db.conn))
            .map(|ids: Vec<i32>| ids.len())
            .unwrap_err();
        assert!(
            matches!(&err, sqlwright::Error::Parameter(r) if r.contains("no UTC form")),
            "{err:?}"
        );
        assert_eq!(go!(moments::table.count(&mut db.conn)).unwrap(), 2);
    }

    fn network_types_round_trip_compare_and_read_as_text() {
        let mut db = setup("");
        let sql = HOSTS.create_sql(false);
        for expected in [
            r#""addr" inet NOT NULL"#,
            r#""net" cidr,"#,
            r#""mac" macaddr,"#,
            r#""seen" inet[]"#,
        ] {
            assert!(sql.contains(expected), "{expected} not in {sql}");
        }
        go!(HOSTS.create_all(&mut db.conn, false)).unwrap();
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        let v6: IpAddr = "2001:db8::ff00:42:8329".parse().unwrap();
        let net6: IpNetwork = "2001:db8::/32".parse().unwrap();
        let net4: IpNetwork = "10.0.0.0/8".parse().unwrap();
        let mac = [0x08, 0x00, 0x2b, 0x01, 0x02, 0x03];
        go!(insert_into(hosts::table)
            .values((
                hosts::id.to(1),
                hosts::addr.to(v4),
                hosts::net.to(Some(Network(net4))),
                hosts::mac.to(Some(MacAddress(mac))),
                hosts::seen.to(Some(vec![v4, v6])),
            ))
            .execute(&mut db.conn))
            .unwrap();
        go!(insert_into(hosts::table)
            .values((
                hosts::id.to(2),
                hosts::addr.to(v6),
                hosts::net.to(Some(Network(net6))),
            ))
            .execute(&mut db.conn))
            .unwrap();
        // An inet holding a network: written through `Network`, loaded as `IpNetwork`.
        let with_prefix: IpNetwork = "198.51.100.9/24".parse().unwrap();
        go!(insert_into(hosts::table)
            .values((hosts::id.to(3), hosts::addr.to(Network(with_prefix))))
            .execute(&mut db.conn))
            .unwrap();

        let text = by_hand_text(
            &mut db,
            "SELECT string_agg(concat_ws(' ', addr, net, mac, seen), ' | ' ORDER BY id) FROM hosts",
        );
        assert_eq!(
            text,
            "192.0.2.7 10.0.0.0/8 08:00:2b:01:02:03 {192.0.2.7,2001:db8::ff00:42:8329} | \
         2001:db8::ff00:42:8329 2001:db8::/32 | 198.51.100.9/24"
        );

        type Row = (i32, Option<IpNetwork>, Option<[u8; 6]>, Option<Vec<IpAddr>>);
        let rows: Vec<Row> = go!(hosts::table
            .select((hosts::id, hosts::net, hosts::mac, hosts::seen))
            .order_by(hosts::id)
            .load_as(&mut db.conn))
            .unwrap();
        assert_eq!(
            rows,
            [
                (1, Some(net4), Some(mac), Some(vec![v4, v6])),
                (2, Some(net6), None, None),
                (3, None, None, None),
            ]
        );
        // Default Rust types: inet as IpAddr, cidr as IpNetwork, macaddr as [u8; 6].
        let first = go!(hosts::table
            .filter(hosts::id.eq(1))
            .select((hosts::addr, hosts::net, hosts::mac))
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(first, (v4, Some(net4), Some(mac)));
        let networks: Vec<IpNetwork> = go!(hosts::table
            .select(hosts::addr)
            .order_by(hosts::id)
            .load_as(&mut db.conn))
            .unwrap();
        assert_eq!(
            networks,
            [
                IpNetwork::new(v4, 32).unwrap(),
                IpNetwork::new(v6, 128).unwrap(),
                with_prefix
            ]
        );
        // A network in an inet column is not a host address: a typed error, not a lost prefix.
        let err = go!(hosts::table
            .filter(hosts::id.eq(3))
            .select(hosts::addr)
            .load(&mut db.conn))
            .unwrap_err();
        assert!(
            matches!(err, sqlwright::Error::Decode { .. })
                && err.to_string().contains("198.51.100.9/24 is a network"),
            "{err}"
        );

        // Comparisons: equality and PostgreSQL's ordering of addresses.
        let q = hosts::table
            .filter(hosts::addr.eq(v6).or(hosts::mac.eq(MacAddress(mac))))
            .select(hosts::id)
            .order_by(hosts::id);
        assert_eq!(
            q.to_sql(),
            r#"SELECT "hosts"."id" FROM "hosts" WHERE ("hosts"."addr" = $1) OR ("hosts"."mac" = $2) ORDER BY "hosts"."id""#
        );
        assert_eq!(go!(q.load(&mut db.conn)).unwrap(), [1, 2]);
        let below: Vec<i32> = go!(hosts::table
            .filter(hosts::addr.lt("198.0.0.0".parse::<IpAddr>().unwrap()))
            .filter(hosts::net.ne(Network(net6)))
            .select(hosts::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(below, [1]);
        // `value(..)` knows their SQL types.
        let constants: Vec<(IpAddr, [u8; 6], Option<bool>)> = go!(hosts::table
            .filter(hosts::id.eq(1))
            .select((
                value(v6),
                value(MacAddress(mac)),
                hosts::mac.eq(value(MacAddress(mac))),
            ))
            .load_as(&mut db.conn))
            .unwrap();
        assert_eq!(constants, [(v6, mac, Some(true))]);
    }

    fn network_columns_reflect_and_print_as_their_markers() {
        let mut db = setup("");
        go!(HOSTS.create_all(&mut db.conn, false)).unwrap();
        let catalog = go!(sqlwright::reflect::reflect(&mut db.conn, &Default::default())).unwrap();
        let printed = sqlwright::reflect::print_schema(&catalog, &Default::default()).unwrap();
        for expected in [
            "addr -> Inet,",
            "net -> Nullable<Cidr>,",
            "mac -> Nullable<MacAddr>,",
            "seen -> Nullable<Array<Inet>>,",
        ] {
            assert!(printed.contains(expected), "{expected} not in {printed}");
        }
        let drift = go!(sqlwright::reflect::verify_schema(
            &mut db.conn,
            &[<hosts::table as sqlwright::query::Table>::META],
        ))
        .unwrap();
        assert_eq!(drift, []);
    }

    /// The re-exported value crates are the ones sqlwright binds: a program names
    /// `sqlwright::deps::rust_decimal::Decimal` and needs no `rust_decimal` of its own.
    fn re_exported_value_crates_bind_and_load() {
        use sqlwright::deps::{chrono as c, rust_decimal::Decimal, serde_json, time as t, uuid};
        sqlwright::table! {
            deps_values (id) {
                id -> Int4,
                price -> Numeric(12, 2),
                day -> Date,
                at -> Timestamptz,
                u -> Uuid,
                doc -> Jsonb,
            }
        }
        let mut db = setup("");
        go!(sqlwright::schema!(deps_values)
            .create_all(&mut db.conn, false))
            .unwrap();
        let day = c::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        let at = t::OffsetDateTime::from_unix_timestamp(-1).unwrap();
        let u = uuid::Uuid::from_u128(7);
        let doc = serde_json::json!({"k": [1, 2]});
        go!(insert_into(deps_values::table)
            .values((
                deps_values::id.to(1),
                deps_values::price.to(Decimal::new(1999, 2)),
                deps_values::day.to(day),
                deps_values::at.to(at),
                deps_values::u.to(u),
                deps_values::doc.to(doc.clone()),
            ))
            .execute(&mut db.conn))
            .unwrap();
        let q = deps_values::table
            .filter(deps_values::price.lt(Decimal::new(2000, 2)))
            .select((
                deps_values::price,
                deps_values::day,
                deps_values::u,
                deps_values::doc,
            ));
        assert_eq!(
            q.to_sql(),
            r#"SELECT "deps_values"."price", "deps_values"."day", "deps_values"."u", "deps_values"."doc" FROM "deps_values" WHERE "deps_values"."price" < $1"#
        );
        assert_eq!(
            go!(q.load(&mut db.conn)).unwrap(),
            [(Decimal::new(1999, 2), day, u, doc)]
        );
        let loaded: Vec<t::OffsetDateTime> = go!(deps_values::table
            .select(deps_values::at)
            .load_as(&mut db.conn))
            .unwrap();
        assert_eq!(loaded, [at]);
    }

    /// Arrays of the wrapped types bind and load through the wrappers.
    fn arrays_of_mac_addresses_and_networks_round_trip() {
        use net_arrays::fleets;
        let mut db = setup("");
        go!(sqlwright::schema!(net_arrays::fleets)
            .create_all(&mut db.conn, false))
            .unwrap();
        let macs = vec![MacAddress([0, 1, 2, 3, 4, 5]), MacAddress([0xff; 6])];
        let nets = vec![
            Network("192.168.0.0/16".parse().unwrap()),
            Network("fe80::/10".parse().unwrap()),
        ];
        go!(insert_into(fleets::table)
            .values((
                fleets::id.to(1),
                fleets::macs.to(macs.clone()),
                fleets::nets.to(Some(nets.clone())),
            ))
            .execute(&mut db.conn))
            .unwrap();
        assert_eq!(
            by_hand_text(
                &mut db,
                "SELECT macs::text || ' ' || nets::text FROM fleets"
            ),
            "{00:01:02:03:04:05,ff:ff:ff:ff:ff:ff} {192.168.0.0/16,fe80::/10}"
        );
        let rows: Vec<(Vec<MacAddress>, Option<Vec<Network>>)> = go!(fleets::table
            .select((fleets::macs, fleets::nets))
            .load_as(&mut db.conn))
            .unwrap();
        assert_eq!(rows, [(macs, Some(nets))]);
    }
}

/// A `time::OffsetDateTime` without a UTC form in a COPY: the row and column are named, and
/// nothing is stored.
#[test]
fn a_time_value_without_a_utc_form_stops_a_copy_naming_its_row() {
    let mut db = with::<sqlwright::Postgres>(MOMENTS, "");
    let fine = time::OffsetDateTime::UNIX_EPOCH;
    let beyond = time::PrimitiveDateTime::new(
        time::Date::from_calendar_date(9999, time::Month::December, 31).unwrap(),
        time::Time::from_hms(23, 30, 0).unwrap(),
    )
    .assume_offset(time::UtcOffset::from_hms(-5, 0, 0).unwrap());
    let rows = (1..4).map(|id| {
        let at = if id == 2 { beyond } else { fine };
        (moments::id.to(id), moments::tstz.to(Some(at)))
    });
    let err = copy_in(moments::table)
        .rows(rows, &mut db.conn)
        .unwrap_err();
    match &err {
        sqlwright::Error::Copy {
            row: Some(2),
            column: Some(column),
            source,
        } => {
            assert_eq!(column, "tstz");
            assert!(
                matches!(&**source, sqlwright::Error::Parameter(r) if r.contains("no UTC form")),
                "{source:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(moments::table.count(&mut db.conn).unwrap(), 0);
}

/// On SQLite the time crate writes the text chrono writes: ISO-8601, UTC for `timestamptz`.
#[test]
fn time_crate_values_are_iso_text_on_sqlite() {
    let mut db = with::<sqlwright::Sqlite>(MOMENTS, "");
    assert_eq!(db.conn.dialect(), Dialect::Sqlite);
    let ts = time::PrimitiveDateTime::new(
        time::Date::from_calendar_date(1901, time::Month::December, 13).unwrap(),
        time::Time::from_hms_micro(20, 45, 52, 123_456).unwrap(),
    );
    let tstz = ts.assume_offset(time::UtcOffset::from_hms(-8, 0, 0).unwrap());
    insert_into(moments::table)
        .values((
            moments::id.to(1),
            moments::ts.to(Some(ts)),
            moments::tstz.to(Some(tstz)),
        ))
        .execute(&mut db.conn)
        .unwrap();
    let text: Vec<String> =
        sqlwright::raw::sql("SELECT ts || '|' || tstz AS v FROM moments WHERE id = 1")
            .load(&mut db.conn)
            .unwrap()
            .iter()
            .map(|r| r.get("v").unwrap())
            .collect();
    assert_eq!(
        text,
        ["1901-12-13 20:45:52.123456|1901-12-14 04:45:52.123456+00:00"]
    );
}

mod net {
    sqlwright::table! {
        hosts (id) {
            id -> Int4,
            addr -> Inet,
            net -> Nullable<Cidr>,
            mac -> Nullable<MacAddr>,
            seen -> Nullable<Array<Inet>>,
        }
    }
}
use net::hosts;

const HOSTS: sqlwright::ddl::Schema = sqlwright::schema!(net::hosts);

mod net_arrays {
    sqlwright::table! {
        fleets (id) {
            id -> Int4,
            macs -> Array<MacAddr>,
            nets -> Nullable<Array<Cidr>>,
        }
    }
}
