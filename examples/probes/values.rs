//! Hostile text values through every value path: a typed INSERT, typed filters (`eq`,
//! `in_`, `like` with the pattern escaped) and a typed UPDATE `set` with RETURNING; raw SQL
//! with bound `:name` parameters (INSERT, SELECT, `= ANY(:list)` with a `text[]`, UPDATE);
//! dynamic queries on the reflected table (insert, `=`/`in`/`like` filters, update with
//! RETURNING); and COPY.
//!
//! Each value gets a row of its own on each path (ids `4 * n + path`). A value without NUL
//! must be stored and read back byte for byte, and every filter must find exactly its row;
//! a value holding a NUL byte must be refused on every statement with `Error::NulInText`
//! (`Error::Copy` with that source for COPY) and store nothing. After each batch the whole
//! table is read and compared with what was stored, then emptied; a sentinel table's rows
//! and the list of relations and roles must never change.

use super::{hostile_text, shown, Failures, Rng};
use sqlwright::dynamic::{DynFilter, Value};
use sqlwright::prelude::*;
use sqlwright::raw;
use sqlwright::reflect::{reflect, ReflectOptions, ReflectedTable};
use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

sqlwright::table! {
    /// The probe's rows: one per value and path.
    probe_values (id) {
        id -> Int4,
        body -> Text,
    }
    /// Rows that must never change.
    probe_sentinel (id) {
        id -> Int4,
        body -> Text,
    }
}

/// The paths, in the order of their row ids.
pub const PATHS: [&str; 4] = ["typed", "raw", "dynamic", "copy"];

/// Values checked per batch (then the table is read whole and emptied).
const BATCH: u64 = 100;

const SENTINEL: [(i32, &str); 3] = [
    (1, "sentinel"),
    (2, "it's \"quoted\"; -- and $$dollar$$"),
    (3, "\u{1f600} \\ '' /* */"),
];

/// What to run: how many values, from which seed.
pub use super::Options;

/// What the probe saw.
#[derive(Debug, Default)]
pub struct Report {
    /// The seed.
    pub seed: u64,
    /// Values generated.
    pub values: u64,
    /// Of them, holding a NUL byte.
    pub with_nul: u64,
    /// Value-path pairs sent (values times paths).
    pub sent: u64,
    /// Value-path pairs stored and read back byte for byte, every filter finding the row.
    pub round_tripped: u64,
    /// Value-path pairs refused with `NulInText` on every statement, storing nothing.
    pub refused: u64,
    /// Statements that sent a value with NUL to the server (which refused it: nothing
    /// stored, but the error is the server's, not `NulInText`). Each is a failure too.
    pub nul_sent: u64,
    /// Stored rows whose text differs from the value sent.
    pub mismatches: u64,
    /// Changes to the database nobody asked for: rows missing or extra, the sentinel
    /// table or the list of relations or roles changed.
    pub injections: u64,
    /// Bytes of text sent (each value once per path).
    pub bytes: u64,
    /// The longest value, in bytes.
    pub longest: usize,
    /// How long it took.
    pub elapsed: Duration,
    /// Everything that went wrong.
    pub failures: Failures,
}

impl Report {
    /// Whether the probe found nothing wrong.
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.mismatches == 0 && self.injections == 0
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "values: {} hostile values (seed {}, {} with NUL, longest {} bytes, {:.1} MB sent) \
             through {} paths ({}): {} sent, {} round-tripped, {} refused (NUL), \
             {} mismatches, {} injections, {} failures ({} statements sent a NUL to the \
             server), in {:.1} s",
            self.values,
            self.seed,
            self.with_nul,
            self.longest,
            self.bytes as f64 / 1e6,
            PATHS.len(),
            PATHS.join(", "),
            self.sent,
            self.round_tripped,
            self.refused,
            self.mismatches,
            self.injections,
            self.failures.count,
            self.nul_sent,
            self.elapsed.as_secs_f64()
        )
    }
}

/// `value` as a LIKE pattern matching exactly it (PostgreSQL's default escape is `\`).
pub fn escape_like(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether `e` is the refusal of a NUL byte (for COPY, wrapped in `Error::Copy`).
fn is_nul_refusal(e: &Error) -> bool {
    match e {
        Error::NulInText => true,
        Error::Copy { source, .. } => matches!(**source, Error::NulInText),
        _ => false,
    }
}

/// Whether `e` is the server's refusal of a NUL byte in text (SQLSTATE 22021, invalid
/// byte sequence): the value was sent.
fn is_server_nul_refusal(e: &Error) -> bool {
    let e = match e {
        Error::Copy { source, .. } => source,
        e => e,
    };
    e.database_error()
        .is_some_and(|d| d.code == "22021" && d.message.contains("0x00"))
}

/// What must stay as it is: the sentinel rows, the relations and the roles.
#[derive(Debug, PartialEq)]
struct Landmarks {
    sentinel: Vec<(i32, String)>,
    relations: Vec<String>,
    roles: Vec<String>,
}

fn landmarks(conn: &mut Connection) -> Result<Landmarks, Error> {
    let sentinel = probe_sentinel::table
        .select((probe_sentinel::id, probe_sentinel::body))
        .order_by(probe_sentinel::id)
        .load(conn)?;
    let names = |rows: Vec<raw::DynRow>| -> Result<Vec<String>, Error> {
        rows.iter().map(|r| r.get(0)).collect()
    };
    let relations = names(
        raw::sql(
            "SELECT n.nspname || '.' || c.relname || ':' || c.relkind::text
             FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg\\_%'
             ORDER BY 1",
        )
        .load(conn)?,
    )?;
    let roles =
        names(raw::sql("SELECT rolname::text FROM pg_catalog.pg_roles ORDER BY 1").load(conn)?)?;
    Ok(Landmarks {
        sentinel,
        relations,
        roles,
    })
}

/// Runs the probe on a throwaway database (`sqlwright::testing`: `DATABASE_URL`'s server,
/// or a temporary cluster).
pub fn run(options: &Options) -> Result<Report, Box<dyn std::error::Error>> {
    let db = sqlwright::testing::try_database()?;
    let mut conn = Connection::connect_url(db.url())?;
    let report = run_on(&mut conn, options)?;
    drop(conn);
    drop(db);
    Ok(report)
}

/// Runs the probe on `conn`'s database, which must not have tables `probe_values` and
/// `probe_sentinel` (they are made, and dropped at the end).
pub fn run_on(conn: &mut Connection, options: &Options) -> Result<Report, Error> {
    let started = Instant::now();
    const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(probe_values, probe_sentinel);
    SCHEMA.create_all(conn, false)?;
    insert_into(probe_sentinel::table)
        .values(
            SENTINEL
                .iter()
                .map(|(id, body)| (probe_sentinel::id.to(*id), probe_sentinel::body.to(*body)))
                .collect::<Vec<_>>(),
        )
        .execute(conn)?;
    let before = landmarks(conn)?;
    let catalog = reflect(
        conn,
        &ReflectOptions {
            schemas: vec!["public".into()],
        },
    )?;
    let table = catalog.table_in("public", "probe_values")?;

    let mut report = Report {
        seed: options.seed,
        ..Report::default()
    };
    let mut rng = Rng::new(options.seed);
    let mut n = 0u64;
    while n < options.count {
        let batch: Vec<(i32, String)> = (n..options.count.min(n + BATCH))
            .map(|i| {
                let base = i32::try_from(i * PATHS.len() as u64).expect("ids fit in int4");
                (base, hostile_text(&mut rng, true))
            })
            .collect();
        n += batch.len() as u64;
        let mut stored: BTreeMap<i32, &str> = BTreeMap::new();
        for (base, value) in &batch {
            report.values += 1;
            report.sent += PATHS.len() as u64;
            report.bytes += (value.len() * PATHS.len()) as u64;
            report.longest = report.longest.max(value.len());
            let nul = value.contains('\0');
            report.with_nul += u64::from(nul);
            let mut check = Check {
                value,
                nul,
                path: "",
                id: 0,
                ok: true,
                failures: &mut report.failures,
                nul_sent: &mut report.nul_sent,
            };
            for (path, id, run) in [
                (PATHS[0], *base, typed as PathFn),
                (PATHS[1], base + 1, raw_sql),
                (PATHS[2], base + 2, dynamic),
            ] {
                check.path = path;
                check.id = id;
                check.ok = true;
                run(&mut check, conn, table);
                path_done(&mut check, conn, &mut report.refused, &mut stored);
            }
        }
        copy(conn, &batch, &mut report, &mut stored);
        verify(conn, &stored, &before, &mut report)?;
        delete(probe_values::table).execute(conn)?;
    }
    SCHEMA.drop_all(conn, true)?;
    report.elapsed = started.elapsed();
    Ok(report)
}

type PathFn = fn(&mut Check<'_, '_>, &mut Connection, &ReflectedTable);

/// One value on one path: what each statement must give.
struct Check<'v, 'f> {
    value: &'v str,
    nul: bool,
    path: &'static str,
    id: i32,
    ok: bool,
    failures: &'f mut Failures,
    nul_sent: &'f mut u64,
}

impl Check<'_, '_> {
    fn fail(&mut self, step: &str, what: impl fmt::Display) {
        self.ok = false;
        self.failures.push(format!(
            "{} path, {step}, value {}: {what}",
            self.path,
            shown(self.value)
        ));
    }

    /// A statement's result: for a value with NUL, the NUL refusal; otherwise `Ok`,
    /// given to `then`.
    fn statement<T: fmt::Debug>(
        &mut self,
        step: &str,
        result: Result<T, Error>,
        then: impl FnOnce(&mut Self, T),
    ) {
        match result {
            Err(e) if self.nul && is_nul_refusal(&e) => {}
            Err(e) if self.nul && is_server_nul_refusal(&e) => {
                *self.nul_sent += 1;
                self.fail(
                    step,
                    format!("sent to the server, which refused it (not NulInText): {e}"),
                );
            }
            Err(e) => self.fail(step, format!("error {e:?}")),
            Ok(v) if self.nul => {
                self.fail(step, format!("a value with NUL was not refused: {v:?}"))
            }
            Ok(v) => then(self, v),
        }
    }

    /// A statement that must affect (or find) exactly `want`.
    fn expect<T: fmt::Debug + PartialEq>(&mut self, step: &str, result: Result<T, Error>, want: T) {
        self.statement(step, result, |c, got| {
            if got != want {
                c.fail(step, format!("got {got:?}, expected {want:?}"));
            }
        });
    }
}

/// After a path: a stored row is expected at verification, a failed one removed; a value
/// with NUL refused on every statement counts as refused.
fn path_done<'v>(
    check: &mut Check<'v, '_>,
    conn: &mut Connection,
    refused: &mut u64,
    stored: &mut BTreeMap<i32, &'v str>,
) {
    match (check.ok, check.nul) {
        (true, true) => *refused += 1,
        (true, false) => {
            stored.insert(check.id, check.value);
        }
        (false, _) => {
            let id = check.id;
            if let Err(e) = delete(probe_values::table)
                .filter(probe_values::id.eq(id))
                .execute(conn)
            {
                check.fail("cleanup", format!("error {e:?}"));
            }
        }
    }
}

fn typed(c: &mut Check<'_, '_>, conn: &mut Connection, _: &ReflectedTable) {
    let (id, v) = (c.id, c.value);
    c.expect(
        "insert_into",
        insert_into(probe_values::table)
            .values((probe_values::id.to(id), probe_values::body.to(v)))
            .execute(conn),
        1,
    );
    c.expect(
        "filter eq",
        probe_values::table
            .filter(probe_values::body.eq(v) & probe_values::id.eq(id))
            .select(probe_values::id)
            .load(conn),
        vec![id],
    );
    c.expect(
        "filter in_",
        probe_values::table
            .filter(probe_values::body.in_([v, "other"]) & probe_values::id.eq(id))
            .select(probe_values::id)
            .load(conn),
        vec![id],
    );
    let pattern = escape_like(v);
    c.expect(
        "filter like",
        probe_values::table
            .filter(probe_values::body.like(pattern.as_str()) & probe_values::id.eq(id))
            .select(probe_values::id)
            .load(conn),
        vec![id],
    );
    // Away and back: the row's final text is the value, set by the second UPDATE.
    c.expect(
        "update set (away)",
        update(probe_values::table)
            .filter(probe_values::id.eq(id) & probe_values::body.eq(v))
            .set(probe_values::body.to("moved"))
            .execute(conn),
        1,
    );
    c.expect(
        "update set (back)",
        update(probe_values::table)
            .filter(probe_values::id.eq(id))
            .set(probe_values::body.to(v))
            .returning(probe_values::body)
            .get_results(conn),
        vec![v.to_string()],
    );
}

fn raw_sql(c: &mut Check<'_, '_>, conn: &mut Connection, _: &ReflectedTable) {
    let (id, v) = (c.id, c.value);
    c.expect(
        "raw insert",
        raw::sql("INSERT INTO probe_values (id, body) VALUES (:id, :body)")
            .bind("id", id)
            .bind("body", v)
            .execute(conn),
        1,
    );
    let found = raw::sql("SELECT id, body FROM probe_values WHERE body = :body AND id = :id")
        .bind("body", v)
        .bind("id", id)
        .load(conn);
    c.statement("raw select", found, |c, rows| {
        let got: Result<Vec<(i32, String)>, Error> = rows
            .iter()
            .map(|r| Ok((r.get("id")?, r.get("body")?)))
            .collect();
        match got {
            Ok(got) if got == [(id, v.to_string())] => {}
            Ok(got) => c.fail("raw select", format!("got {got:?}")),
            Err(e) => c.fail("raw select", format!("error {e:?}")),
        }
    });
    c.expect(
        "raw = ANY(text[])",
        raw::sql("SELECT id FROM probe_values WHERE id = :id AND body = ANY(:bodies)")
            .bind("id", id)
            .bind_as::<Array<Text>, _>("bodies", vec![v, "other"])
            .scalar::<i32>(conn),
        Some(id),
    );
    c.expect(
        "raw update",
        raw::sql("UPDATE probe_values SET body = :body WHERE id = :id AND body = :body")
            .bind("body", v)
            .bind("id", id)
            .execute(conn),
        1,
    );
}

fn dynamic(c: &mut Check<'_, '_>, conn: &mut Connection, t: &ReflectedTable) {
    let (id, v) = (c.id, c.value);
    c.expect(
        "dynamic insert",
        t.insert().value("id", id).value("body", v).execute(conn),
        1,
    );
    let found = t
        .select()
        .filter("id", "=", id)
        .filter("body", "=", v)
        .load(conn);
    c.statement("dynamic select", found, |c, rows| {
        let got: Result<Vec<String>, Error> = rows.iter().map(|r| r.get("body")).collect();
        match got {
            Ok(got) if got == [v] => {}
            Ok(got) => c.fail("dynamic select", format!("got {got:?}")),
            Err(e) => c.fail("dynamic select", format!("error {e:?}")),
        }
    });
    c.expect(
        "dynamic filter_in",
        t.select()
            .filter("id", "=", id)
            .filter_in("body", [v, "other"])
            .count(conn),
        1,
    );
    c.expect(
        "dynamic like",
        t.select()
            .filter("id", "=", id)
            .filter("body", "like", escape_like(v))
            .count(conn),
        1,
    );
    c.expect(
        "dynamic update (away)",
        t.update()
            .set("body", Value::Text("moved".into()))
            .filter("id", "=", id)
            .filter("body", "=", v)
            .execute(conn),
        1,
    );
    let back = t
        .update()
        .set("body", v)
        .filter("id", "=", id)
        .returning(["body"])
        .load(conn);
    c.statement("dynamic update (back)", back, |c, rows| {
        let got: Result<Vec<String>, Error> = rows.iter().map(|r| r.get("body")).collect();
        match got {
            Ok(got) if got == [v] => {}
            Ok(got) => c.fail("dynamic update (back)", format!("got {got:?}")),
            Err(e) => c.fail("dynamic update (back)", format!("error {e:?}")),
        }
    });
}

/// The batch by COPY: when some values hold a NUL, the whole batch first (refused, nothing
/// stored) and each of those alone (refused); then the others in one COPY.
fn copy<'a>(
    conn: &mut Connection,
    batch: &'a [(i32, String)],
    report: &mut Report,
    stored: &mut BTreeMap<i32, &'a str>,
) {
    let row = |(base, v): &'a (i32, String)| {
        (
            probe_values::id.to(base + 3),
            probe_values::body.to(v.as_str()),
        )
    };
    let with_nul: Vec<&(i32, String)> = batch.iter().filter(|(_, v)| v.contains('\0')).collect();
    if !with_nul.is_empty() {
        match copy_in(probe_values::table).rows(batch.iter().map(row), conn) {
            Err(e) if is_nul_refusal(&e) => {}
            other => report.failures.push(format!(
                "copy path, a batch with {} values holding NUL: {other:?}",
                with_nul.len()
            )),
        }
    }
    for value in with_nul {
        match copy_in(probe_values::table).rows([row(value)], conn) {
            Err(e) if is_nul_refusal(&e) => report.refused += 1,
            other => report.failures.push(format!(
                "copy path, value {}: not refused: {other:?}",
                shown(&value.1)
            )),
        }
    }
    let clean: Vec<&(i32, String)> = batch.iter().filter(|(_, v)| !v.contains('\0')).collect();
    match copy_in(probe_values::table).rows(clean.iter().map(|v| row(v)), conn) {
        Ok(n) if n == clean.len() as u64 => {
            for (base, v) in clean {
                stored.insert(base + 3, v);
            }
        }
        other => report.failures.push(format!(
            "copy path, a batch of {} values without NUL: {other:?}",
            clean.len()
        )),
    }
}

/// The table holds exactly the stored rows, each with its text; the landmarks are as
/// they were.
fn verify(
    conn: &mut Connection,
    stored: &BTreeMap<i32, &str>,
    before: &Landmarks,
    report: &mut Report,
) -> Result<(), Error> {
    let rows: Vec<(i32, String)> = probe_values::table
        .select((probe_values::id, probe_values::body))
        .order_by(probe_values::id)
        .load(conn)?;
    let mut found: BTreeMap<i32, String> = BTreeMap::new();
    for (id, body) in rows {
        if found.insert(id, body).is_some() {
            report.injections += 1;
            report.failures.push(format!("row {id} is there twice"));
        }
    }
    for (id, want) in stored {
        let path = PATHS[*id as usize % PATHS.len()];
        match found.remove(id) {
            Some(got) if got == *want => report.round_tripped += 1,
            Some(got) => {
                report.mismatches += 1;
                report.failures.push(format!(
                    "{path} path: sent {}, stored {}",
                    shown(want),
                    shown(&got)
                ));
            }
            None => {
                report.injections += 1;
                report
                    .failures
                    .push(format!("{path} path: the row of {} is gone", shown(want)));
            }
        }
    }
    for (id, body) in found {
        report.injections += 1;
        report
            .failures
            .push(format!("row {id} ({}) should not be there", shown(&body)));
    }
    let now = landmarks(conn)?;
    if now != *before {
        report.injections += 1;
        report
            .failures
            .push(format!("the database changed: {before:?} became {now:?}"));
    }
    Ok(())
}
