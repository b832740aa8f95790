//! Hostile identifiers as table and column names, through every path that takes names at
//! run time.
//!
//! Each round draws eight names (two tables and six columns, at most 63 bytes, no NUL) and
//! two hostile comments, and builds two `TableMeta`s from them: table A with a primary key,
//! a commented text column, a unique integer column with an index, a two-column unique
//! constraint and a foreign key to B; table B with a primary key and a foreign key to A
//! (a cycle, so one key is added by a later `ALTER TABLE`). Then:
//!
//! - DDL: `Schema::create_all` (every other round with `IF NOT EXISTS`, run twice);
//! - pg_catalog, read back with bound parameters: exactly the tables, columns,
//!   constraints, index and comments named, and nothing else;
//! - reflection: `reflect` gives the same names, keys and comments, and
//!   `Catalog::table(name)` finds each table as documented;
//! - dynamic queries by name: insert, update, select with `=` and `IN` filters, delete
//!   with RETURNING;
//! - raw SQL: `SqlWriter::ident` quotes the names into a statement run as it is, and into
//!   a `raw::sql` text with a `:name` parameter;
//! - `Schema::drop_all`: nothing of the round is left, the sentinel table is untouched.
//!
//! The `TableMeta`s are leaked (`&'static` is what `table!` gives): a few hundred bytes a
//! round.

use super::{hostile_name, hostile_text, shown, Failures, Rng};
use postgres::types::Type;
use sqlwright::ddl::Schema;
use sqlwright::dynamic::{DynFilter, Value};
use sqlwright::query::{ColumnMeta, ForeignKeyMeta, IndexMeta, TableMeta, UniqueMeta};
use sqlwright::raw;
use sqlwright::reflect::{reflect, Catalog, ReflectOptions, ReflectedTable};
use sqlwright::render::SqlWriter;
use sqlwright::{Connection, Error};
use std::fmt;
use std::time::{Duration, Instant};

/// Names drawn per round.
pub const NAMES_PER_ROUND: u64 = 8;

/// What to run: how many names (rounded up to whole rounds of `NAMES_PER_ROUND`), from which seed.
pub use super::Options;

/// What the probe saw.
#[derive(Debug, Default)]
pub struct Report {
    /// The seed.
    pub seed: u64,
    /// Rounds run.
    pub rounds: u64,
    /// Names used.
    pub names: u64,
    /// Of them, exactly 63 bytes long (the most PostgreSQL keeps).
    pub longest_names: u64,
    /// Rounds whose every check passed.
    pub rounds_passed: u64,
    /// Objects (tables, columns, constraints, indexes, comments) checked in pg_catalog.
    pub objects_checked: u64,
    /// Changes nobody asked for: relations or sentinel rows that appeared, changed or
    /// went missing.
    pub injections: u64,
    /// How long it took.
    pub elapsed: Duration,
    /// Everything that went wrong.
    pub failures: Failures,
}

impl Report {
    /// Whether the probe found nothing wrong.
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.injections == 0
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "names: {} hostile names (seed {}, {} of 63 bytes) in {} rounds of 2 tables \
             (create_all, pg_catalog, reflect, dynamic, SqlWriter::ident, raw, drop_all): \
             {} rounds passed, {} catalog objects checked, {} injections, {} failures, \
             in {:.1} s",
            self.names,
            self.seed,
            self.longest_names,
            self.rounds,
            self.rounds_passed,
            self.objects_checked,
            self.injections,
            self.failures.count,
            self.elapsed.as_secs_f64()
        )
    }
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn leak_slice<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

/// The names and comments of one round.
#[derive(Clone, Debug)]
struct Round {
    a: &'static str,
    b: &'static str,
    /// A's columns: key, text (commented), unique integer (indexed), key to B.
    k: &'static str,
    c1: &'static str,
    c2: &'static str,
    c3: &'static str,
    /// B's columns: key, key to A's `c2`.
    bk: &'static str,
    d1: &'static str,
    table_doc: &'static str,
    column_doc: &'static str,
}

fn comment(rng: &mut Rng) -> &'static str {
    let mut text = hostile_text(rng, false);
    let mut end = text.len().min(2000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    leak(text)
}

impl Round {
    fn draw(rng: &mut Rng, taken: &[String]) -> Round {
        let mut used: Vec<String> = Vec::new();
        let fresh = |rng: &mut Rng, used: &mut Vec<String>| loop {
            let name = hostile_name(rng);
            if !used.contains(&name) && !taken.contains(&name) {
                used.push(name.clone());
                return leak(name);
            }
        };
        // Names are drawn distinct from each other, which is more than needed (only the
        // columns of one table must differ) but keeps the checks simple.
        let a = fresh(rng, &mut used);
        let b = fresh(rng, &mut used);
        let k = fresh(rng, &mut used);
        let c1 = fresh(rng, &mut used);
        let c2 = fresh(rng, &mut used);
        let c3 = fresh(rng, &mut used);
        let bk = fresh(rng, &mut used);
        let d1 = fresh(rng, &mut used);
        Round {
            a,
            b,
            k,
            c1,
            c2,
            c3,
            bk,
            d1,
            table_doc: comment(rng),
            column_doc: comment(rng),
        }
    }

    fn names(&self) -> [&'static str; 8] {
        [
            self.a, self.b, self.k, self.c1, self.c2, self.c3, self.bk, self.d1,
        ]
    }

    fn schema(&self) -> Schema {
        let column = |name: &'static str, ty: &'static str| ColumnMeta {
            name: "probe",
            sql_name: name,
            sql_type: ty,
            enum_type: None,
            sized_type: None,
            nullable: true,
            primary_key: false,
            serial: false,
            unique: false,
            unique_name: None,
            default: None,
            check: None,
            references: None,
            doc: "",
            renamed_from: None,
        };
        let a = TableMeta {
            name: "probe_a",
            sql_name: self.a,
            columns: leak_slice(vec![
                ColumnMeta {
                    nullable: false,
                    primary_key: true,
                    ..column(self.k, "int4")
                },
                ColumnMeta {
                    doc: self.column_doc,
                    ..column(self.c1, "text")
                },
                ColumnMeta {
                    nullable: false,
                    unique: true,
                    ..column(self.c2, "int4")
                },
                ColumnMeta {
                    references: Some(ForeignKeyMeta {
                        table: self.b,
                        column: self.bk,
                        constraint: None,
                        on_delete: "SET NULL",
                        on_update: "NO ACTION",
                    }),
                    ..column(self.c3, "int4")
                },
            ]),
            primary_key: leak_slice(vec![self.k]),
            primary_key_name: None,
            uniques: leak_slice(vec![UniqueMeta {
                columns: leak_slice(vec![self.c1, self.c2]),
                name: None,
            }]),
            checks: &[],
            indexes: leak_slice(vec![IndexMeta {
                columns: leak_slice(vec![self.c2]),
                unique: false,
            }]),
            foreign_keys: &[],
            doc: self.table_doc,
            renamed_from: None,
        };
        let b = TableMeta {
            name: "probe_b",
            sql_name: self.b,
            columns: leak_slice(vec![
                ColumnMeta {
                    nullable: false,
                    primary_key: true,
                    ..column(self.bk, "int4")
                },
                ColumnMeta {
                    nullable: false,
                    references: Some(ForeignKeyMeta {
                        table: self.a,
                        column: self.c2,
                        constraint: None,
                        on_delete: "CASCADE",
                        on_update: "NO ACTION",
                    }),
                    ..column(self.d1, "int4")
                },
            ]),
            primary_key: leak_slice(vec![self.bk]),
            primary_key_name: None,
            uniques: &[],
            checks: &[],
            indexes: &[],
            foreign_keys: &[],
            doc: "",
            renamed_from: None,
        };
        let a: &'static TableMeta = Box::leak(Box::new(a));
        let b: &'static TableMeta = Box::leak(Box::new(b));
        Schema::new(leak_slice(vec![a, b]))
    }
}

/// A round's failures, each prefixed with the round's names.
struct RoundCheck<'a> {
    round: &'a Round,
    failed: bool,
    failures: &'a mut Failures,
    objects: u64,
}

impl RoundCheck<'_> {
    fn fail(&mut self, what: impl fmt::Display) {
        self.failed = true;
        let names: Vec<String> = self.round.names().iter().map(|n| shown(n)).collect();
        self.failures
            .push(format!("{what}; names [{}]", names.join(", ")));
    }

    fn equal<T: PartialEq + fmt::Debug>(&mut self, what: &str, got: T, want: T) {
        self.objects += 1;
        if got != want {
            self.fail(format!("{what}: got {got:?}, expected {want:?}"));
        }
    }

    /// `result`'s value, or the failure recorded.
    fn ok<T>(&mut self, what: &str, result: Result<T, Error>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(format!("{what}: {e}"));
                None
            }
        }
    }
}

/// The relations of schema `public` (name and kind), and the sentinel's rows.
fn public_state(conn: &mut Connection) -> Result<Vec<String>, Error> {
    let mut state: Vec<String> = raw::sql(
        "SELECT c.relname::text || ':' || c.relkind::text FROM pg_catalog.pg_class c
         WHERE c.relnamespace = 'public'::regnamespace ORDER BY 1",
    )
    .load(conn)?
    .iter()
    .map(|r| r.get(0usize))
    .collect::<Result<_, _>>()?;
    for row in raw::sql("SELECT id, body FROM probe_sentinel ORDER BY id").load(conn)? {
        state.push(format!(
            "sentinel {}: {}",
            row.get::<i32>("id")?,
            row.get::<String>("body")?
        ));
    }
    Ok(state)
}

/// Runs the probe on a throwaway database (`sqlwright::testing`).
pub fn run(options: &Options) -> Result<Report, Box<dyn std::error::Error>> {
    let db = sqlwright::testing::try_database()?;
    let mut conn = Connection::connect_url(db.url())?;
    let report = run_on(&mut conn, options)?;
    drop(conn);
    drop(db);
    Ok(report)
}

/// Runs the probe on `conn`'s database, whose schema `public` must be empty.
pub fn run_on(conn: &mut Connection, options: &Options) -> Result<Report, Error> {
    let started = Instant::now();
    conn.batch_execute(
        "CREATE TABLE probe_sentinel (id int4 PRIMARY KEY, body text NOT NULL);
         INSERT INTO probe_sentinel VALUES (1, 'sentinel'), (2, 'it''s \"here\" -- still');",
    )?;
    let baseline = public_state(conn)?;
    let taken: Vec<String> = baseline
        .iter()
        .filter_map(|s| s.rsplit_once(':').map(|(name, _)| name.to_string()))
        .collect();
    let mut report = Report {
        seed: options.seed,
        ..Report::default()
    };
    let mut rng = Rng::new(options.seed);
    while report.names < options.count {
        let round = Round::draw(&mut rng, &taken);
        report.rounds += 1;
        report.names += NAMES_PER_ROUND;
        report.longest_names += round
            .names()
            .iter()
            .filter(|n| n.len() == super::MAX_IDENTIFIER_BYTES)
            .count() as u64;
        let if_not_exists = report.rounds.is_multiple_of(2);
        let mut check = RoundCheck {
            round: &round,
            failed: false,
            failures: &mut report.failures,
            objects: 0,
        };
        run_round(conn, &round, if_not_exists, &mut check);
        let (failed, objects) = (check.failed, check.objects);
        report.objects_checked += objects;
        // Whatever happened, the round's tables go, and nothing else may have changed.
        let _ = round.schema().drop_all(conn, true);
        let now = public_state(conn)?;
        if now != baseline {
            report.injections += 1;
            let extra: Vec<&String> = now.iter().filter(|s| !baseline.contains(s)).collect();
            let gone: Vec<&String> = baseline.iter().filter(|s| !now.contains(s)).collect();
            report.failures.push(format!(
                "after the round of table {}: appeared {extra:?}, gone {gone:?}",
                shown(round.a)
            ));
            // Start the next round from the baseline again.
            for s in extra {
                if let Some((name, "r")) = s.rsplit_once(':') {
                    let mut sql = SqlWriter::new();
                    sql.sql("DROP TABLE IF EXISTS ");
                    sql.ident(name);
                    sql.sql(" CASCADE");
                    conn.batch_execute(&sql.finish().sql)?;
                }
            }
        } else if !failed {
            report.rounds_passed += 1;
        }
    }
    conn.batch_execute("DROP TABLE probe_sentinel")?;
    report.elapsed = started.elapsed();
    Ok(report)
}

fn run_round(conn: &mut Connection, r: &Round, if_not_exists: bool, check: &mut RoundCheck<'_>) {
    let schema = r.schema();
    let created = schema.create_all(conn, if_not_exists);
    if check.ok("create_all", created).is_none() {
        return;
    }
    if if_not_exists {
        let again = schema.create_all(conn, true);
        if check.ok("create_all a second time", again).is_none() {
            return;
        }
    }
    if let Err(e) = catalog_checks(conn, r, check) {
        check.fail(format!("reading pg_catalog: {e}"));
        return;
    }
    match reflect(
        conn,
        &ReflectOptions {
            schemas: vec!["public".into()],
        },
    ) {
        Ok(catalog) => {
            reflect_checks(&catalog, r, check);
            if let (Ok(a), Ok(b)) = (
                catalog.table_in("public", r.a),
                catalog.table_in("public", r.b),
            ) {
                dynamic_checks(conn, a, b, r, check);
            }
        }
        Err(e) => check.fail(format!("reflect: {e}")),
    }
    raw_checks(conn, r, check);
    let dropped = schema.drop_all(conn, true);
    check.ok("drop_all", dropped);
    let again = schema.drop_all(conn, true);
    check.ok("drop_all a second time", again);
}

fn texts(rows: Vec<raw::DynRow>) -> Result<Vec<String>, Error> {
    rows.iter().map(|r| r.get(0usize)).collect()
}

/// A key as pg_catalog has it: kind (`p`, `u`, `f`), table, referenced table, columns,
/// referenced columns, `ON DELETE` action.
type Key = (String, String, String, Vec<String>, Vec<String>, String);

/// Tables, columns, constraints, the index and the comments, as pg_catalog has them.
fn catalog_checks(
    conn: &mut Connection,
    r: &Round,
    check: &mut RoundCheck<'_>,
) -> Result<(), Error> {
    let mut tables = texts(
        raw::sql(
            "SELECT relname::text FROM pg_catalog.pg_class
             WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'v', 'm', 'f')
             ORDER BY 1",
        )
        .load(conn)?,
    )?;
    tables.sort();
    let mut want = vec![
        r.a.to_string(),
        r.b.to_string(),
        "probe_sentinel".to_string(),
    ];
    want.sort();
    check.equal("tables", tables, want);

    let columns = |conn: &mut Connection, table: &str| -> Result<Vec<String>, Error> {
        texts(
            raw::sql(
                "SELECT a.attname::text FROM pg_catalog.pg_attribute a
                 JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
                 WHERE c.relnamespace = 'public'::regnamespace AND c.relname = :table
                   AND a.attnum > 0 AND NOT a.attisdropped
                 ORDER BY a.attnum",
            )
            .bind("table", table)
            .load(conn)?,
        )
    };
    let got = columns(conn, r.a)?;
    check.equal(
        "columns of A",
        got,
        vec![r.k, r.c1, r.c2, r.c3]
            .into_iter()
            .map(String::from)
            .collect(),
    );
    let got = columns(conn, r.b)?;
    check.equal(
        "columns of B",
        got,
        vec![r.bk, r.d1].into_iter().map(String::from).collect(),
    );

    // Keys: kind, table, referenced table, columns, referenced columns.
    let rows = raw::sql(
        "SELECT con.contype::text AS kind, t.relname::text AS tab, coalesce(f.relname::text, '') AS ref,
                array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                      JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n
                      ORDER BY k.o) AS cols,
                array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
                      JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n
                      ORDER BY k.o) AS refcols,
                con.confdeltype::text AS on_delete
         FROM pg_catalog.pg_constraint con
         JOIN pg_catalog.pg_class t ON t.oid = con.conrelid
         LEFT JOIN pg_catalog.pg_class f ON f.oid = con.confrelid
         WHERE t.relnamespace = 'public'::regnamespace AND con.contype IN ('p', 'u', 'f')",
    )
    .load(conn)?;
    let mut keys: Vec<Key> = rows
        .iter()
        .map(|row| {
            Ok((
                row.get("kind")?,
                row.get("tab")?,
                row.get("ref")?,
                row.get("cols")?,
                row.get("refcols")?,
                row.get("on_delete")?,
            ))
        })
        .collect::<Result<_, Error>>()?;
    keys.sort();
    let key = |kind: &str, tab: &str, refers: &str, cols: &[&str], refcols: &[&str], del: &str| {
        (
            kind.to_string(),
            tab.to_string(),
            refers.to_string(),
            cols.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            refcols.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            del.to_string(),
        )
    };
    // confdeltype is a space for keys other than foreign keys.
    let mut want = vec![
        key("p", "probe_sentinel", "", &["id"], &[], " "),
        key("p", r.a, "", &[r.k], &[], " "),
        key("u", r.a, "", &[r.c2], &[], " "),
        key("u", r.a, "", &[r.c1, r.c2], &[], " "),
        key("f", r.a, r.b, &[r.c3], &[r.bk], "n"),
        key("p", r.b, "", &[r.bk], &[], " "),
        key("f", r.b, r.a, &[r.d1], &[r.c2], "c"),
    ];
    want.sort();
    check.equal("keys", keys, want);

    // The declared index: on A's c2, not unique (besides the unique constraint's).
    let indexed = texts(
        raw::sql(
            "SELECT array_to_string(array(SELECT a.attname::text FROM unnest(i.indkey) k(n)
                    JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n), ',')
             FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
             WHERE t.relnamespace = 'public'::regnamespace AND t.relname = :table
               AND NOT i.indisunique",
        )
        .bind("table", r.a)
        .load(conn)?,
    )?;
    check.equal("non-unique indexes of A", indexed, vec![r.c2.to_string()]);

    let comments = raw::sql(
        "SELECT obj_description(c.oid, 'pg_class') AS t,
                col_description(c.oid, (SELECT attnum FROM pg_catalog.pg_attribute
                                        WHERE attrelid = c.oid AND attname = :column)) AS c
         FROM pg_catalog.pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relname = :table",
    )
    .bind("table", r.a)
    .bind("column", r.c1)
    .load(conn)?;
    let got: Vec<(Option<String>, Option<String>)> = comments
        .iter()
        .map(|row| Ok((row.get("t")?, row.get("c")?)))
        .collect::<Result<_, Error>>()?;
    let doc = |d: &str| Some(d.trim()).filter(|d| !d.is_empty()).map(String::from);
    check.equal(
        "comments of A and its text column",
        got,
        vec![(doc(r.table_doc), doc(r.column_doc))],
    );
    Ok(())
}

fn reflect_checks(catalog: &Catalog, r: &Round, check: &mut RoundCheck<'_>) {
    let mut names: Vec<&str> = catalog.tables.iter().map(|t| t.name.as_str()).collect();
    names.sort();
    let mut want = vec![r.a, r.b, "probe_sentinel"];
    want.sort();
    check.equal("reflected tables", names, want);
    // `Catalog::table(name)`: the one table whose name is `name`, or `schema.name` spelled
    // out; several is an error.
    for name in [r.a, r.b] {
        let readings: Vec<&str> = catalog
            .tables
            .iter()
            .filter(|t| t.name == name || name == format!("{}.{}", t.schema, t.name))
            .map(|t| t.name.as_str())
            .collect();
        let found = catalog.table(name).map(|t| t.name.as_str()).ok();
        let want = match readings[..] {
            [one] => Some(one),
            _ => None,
        };
        check.equal(&format!("Catalog::table({})", shown(name)), found, want);
    }
    let Ok(a) = catalog.table_in("public", r.a) else {
        return check.fail("reflect: table A not found by table_in");
    };
    let Ok(b) = catalog.table_in("public", r.b) else {
        return check.fail("reflect: table B not found by table_in");
    };
    let cols = |t: &ReflectedTable| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    let strings = |s: &[&str]| s.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    check.equal(
        "reflected columns of A",
        cols(a),
        strings(&[r.k, r.c1, r.c2, r.c3]),
    );
    check.equal("reflected columns of B", cols(b), strings(&[r.bk, r.d1]));
    check.equal("reflected key of A", a.primary_key.clone(), strings(&[r.k]));
    check.equal(
        "reflected key of B",
        b.primary_key.clone(),
        strings(&[r.bk]),
    );
    let fks = |t: &ReflectedTable| {
        t.foreign_keys
            .iter()
            .map(|f| {
                (
                    f.columns.clone(),
                    f.referenced_table.clone(),
                    f.referenced_columns.clone(),
                    f.on_delete,
                )
            })
            .collect::<Vec<_>>()
    };
    check.equal(
        "reflected foreign keys of A",
        fks(a),
        vec![(
            strings(&[r.c3]),
            r.b.to_string(),
            strings(&[r.bk]),
            "SET NULL",
        )],
    );
    check.equal(
        "reflected foreign keys of B",
        fks(b),
        vec![(
            strings(&[r.d1]),
            r.a.to_string(),
            strings(&[r.c2]),
            "CASCADE",
        )],
    );
    let mut uniques: Vec<Vec<String>> = a.uniques.iter().map(|(_, c)| c.clone()).collect();
    uniques.sort();
    let mut want = vec![strings(&[r.c2]), strings(&[r.c1, r.c2])];
    want.sort();
    check.equal("reflected unique constraints of A", uniques, want);
    let doc = |d: &str| Some(d.trim()).filter(|d| !d.is_empty()).map(String::from);
    check.equal(
        "reflected comment of A",
        a.comment.clone(),
        doc(r.table_doc),
    );
    let c1 = a.columns.iter().find(|c| c.name == r.c1);
    check.equal(
        "reflected comment of A's text column",
        c1.and_then(|c| c.comment.clone()),
        doc(r.column_doc),
    );
}

/// Rows written and read by column name; the text value is hostile too.
fn dynamic_checks(
    conn: &mut Connection,
    a: &ReflectedTable,
    b: &ReflectedTable,
    r: &Round,
    check: &mut RoundCheck<'_>,
) {
    let text = r.column_doc;
    let steps: [(&str, Result<u64, Error>); 3] = [
        (
            "dynamic insert into A",
            a.insert()
                .value(r.k, 1)
                .value(r.c1, text)
                .value(r.c2, 7)
                .execute(conn),
        ),
        (
            "dynamic insert into B",
            b.insert().value(r.bk, 2).value(r.d1, 7).execute(conn),
        ),
        (
            "dynamic update of A",
            a.update().set(r.c3, 2).filter(r.k, "=", 1).execute(conn),
        ),
    ];
    for (what, result) in steps {
        if let Some(n) = check.ok(what, result) {
            check.equal(what, n, 1);
        }
    }
    let rows = a
        .select()
        .columns([r.c1, r.c2, r.c3])
        .filter(r.c2, "=", 7)
        .filter_in(r.c1, [text])
        .load(conn);
    if let Some(rows) = check.ok("dynamic select from A", rows) {
        let got: Result<Vec<(String, i32, Option<i32>)>, Error> = rows
            .iter()
            .map(|row| Ok((row.get(r.c1)?, row.get(r.c2)?, row.get(r.c3)?)))
            .collect();
        if let Some(got) = check.ok("dynamic select from A, reading", got) {
            check.equal(
                "dynamic select from A",
                got,
                vec![(text.to_string(), 7, Some(2))],
            );
        }
    }
    let unlinked = a.update().set(r.c3, Value::Null).execute(conn);
    check.ok("dynamic update of A to NULL", unlinked);
    let gone = b.delete().filter(r.bk, "=", 2).returning([r.d1]).load(conn);
    if let Some(rows) = check.ok("dynamic delete from B", gone) {
        let got: Result<Vec<i32>, Error> = rows.iter().map(|row| row.get(r.d1)).collect();
        if let Some(got) = check.ok("dynamic delete from B, reading", got) {
            check.equal("dynamic delete from B", got, vec![7]);
        }
    }
    let gone = a.delete().filter(r.k, "=", 1).returning([r.c1]).load(conn);
    if let Some(rows) = check.ok("dynamic delete from A", gone) {
        let got: Result<Vec<String>, Error> = rows.iter().map(|row| row.get(r.c1)).collect();
        if let Some(got) = check.ok("dynamic delete from A, reading", got) {
            check.equal("dynamic delete from A", got, vec![text.to_string()]);
        }
    }
}

/// `SqlWriter::ident` quoting the names, in a statement run as written and in a `raw::sql`
/// text (whose `:name` parsing must leave quoted identifiers alone).
fn raw_checks(conn: &mut Connection, r: &Round, check: &mut RoundCheck<'_>) {
    let mut insert = SqlWriter::new();
    insert.sql("INSERT INTO ");
    insert.ident(r.a);
    insert.sql(" (");
    insert.ident(r.k);
    insert.sql(", ");
    insert.ident(r.c2);
    insert.sql(") VALUES (5, ");
    let seven = 7i32;
    insert.bind(&seven, Type::INT4);
    insert.sql(")");
    let inserted = conn.execute_rendered(&insert.finish());
    if let Some(n) = check.ok("SqlWriter insert", inserted) {
        check.equal("SqlWriter insert", n, 1);
    }

    let mut select = SqlWriter::new();
    select.sql("SELECT ");
    select.column(r.a, r.c2);
    select.sql(" AS ");
    select.ident(r.d1);
    select.sql(" FROM ");
    select.ident(r.a);
    select.sql(" WHERE ");
    select.column(r.a, r.k);
    select.sql(" = ");
    let five = 5i32;
    select.bind(&five, Type::INT4);
    if let Some(rows) = check.ok("SqlWriter select", conn.query_rendered(&select.finish())) {
        let named: Vec<String> = rows
            .iter()
            .flat_map(|row| row.columns().iter().map(|c| c.name().to_string()))
            .collect();
        check.equal(
            "SqlWriter select: column names",
            named,
            vec![r.d1.to_string()],
        );
    }

    // The same query as a raw text with a `:key` parameter.
    let mut text = SqlWriter::new();
    text.sql("SELECT ");
    text.column(r.a, r.c2);
    text.sql(" AS ");
    text.ident(r.d1);
    text.sql(" FROM ");
    text.ident(r.a);
    text.sql(" WHERE ");
    text.column(r.a, r.k);
    text.sql(" = :key");
    let text = text.finish().sql;
    let rows = raw::sql(&text).bind("key", 5).load(conn);
    if let Some(rows) = check.ok("raw::sql with quoted names", rows) {
        let got: Result<Vec<i32>, Error> = rows.iter().map(|row| row.get(r.d1)).collect();
        if let Some(got) = check.ok("raw::sql with quoted names, reading", got) {
            check.equal("raw::sql with quoted names", got, vec![7]);
        }
    }

    let mut delete = SqlWriter::new();
    delete.sql("DELETE FROM ");
    delete.ident(r.a);
    let deleted = conn.execute_rendered(&delete.finish());
    if let Some(n) = check.ok("SqlWriter delete", deleted) {
        check.equal("SqlWriter delete", n, 1);
    }
}
