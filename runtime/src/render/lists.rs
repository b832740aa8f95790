//! Lists, LIMIT/OFFSET and integer literals: the parts of [`SqlWriter`] whose SQL differs
//! most between the backends (an array parameter on PostgreSQL, JSON on SQLite, one `?` an
//! element on MySQL).

use super::{SqlWriter, UNNEST_FROM};
use crate::backend::{Dialect, Encode};
use postgres_types::Type;

impl<'a> SqlWriter<'a> {
    /// Writes membership of the expression just written in a list of `len` values, bound
    /// by `bind` as one array parameter: ` = ANY($n)` (` <> ALL($n)` when `negated`) for
    /// fewer than [`UNNEST_FROM`] values, ` IN (SELECT unnest($n))` (`NOT IN`) from there
    /// on. A prepared statement's generic plan cannot hash an array parameter, so `= ANY`
    /// tests every row against every element — on a column without an index, relation
    /// loading ran several times slower; the subquery form is hashed (or probes an index)
    /// in a generic plan too. Below 9 values PostgreSQL searches the list element by
    /// element in every plan, so the plain form loses nothing (docs/design.md, "Plans that
    /// fit the parameters").
    ///
    /// SQLite has no arrays: the list is bound as one JSON array (see
    /// `Encode::to_sqlite`) and read with `json_each`, so the statement's text does not
    /// depend on the list's length either. MySQL binds the elements one by one (see
    /// [`in_list`](Self::in_list), the caller on every backend); a composite key's lists
    /// are read there with `JSON_TABLE` (`mysql_list`).
    #[inline]
    pub fn in_array(&mut self, len: usize, negated: bool, bind: impl FnOnce(&mut Self)) {
        if self.dialect == Dialect::Sqlite {
            self.sql(if negated {
                " NOT IN (SELECT value FROM json_each("
            } else {
                " IN (SELECT value FROM json_each("
            });
            bind(self);
            self.sql("))");
            return;
        }
        let unnest = len >= UNNEST_FROM;
        self.sql(match (unnest, negated) {
            (false, false) => " = ANY(",
            (false, true) => " <> ALL(",
            (true, false) => " IN (SELECT unnest(",
            (true, true) => " NOT IN (SELECT unnest(",
        });
        bind(self);
        self.sql(if unnest { "))" } else { ")" });
    }

    /// [`in_array`](Self::in_array) for a list whose elements are at hand (`array`: the
    /// list's array type, whose element type each element is bound as). MySQL has no
    /// arrays and no JSON reader that keeps each element's type, so there the elements are
    /// bound one by one, ` IN (?, ?, ..)`, their count rounded up to a power of two by
    /// repeating the last one (a duplicate changes neither `IN` nor `NOT IN`), so that
    /// lists of 1 to 1000 elements make 11 statements, not 1000 (lists of more than 32768
    /// are not padded). An empty list is
    /// ` IN (SELECT 1 FROM DUAL WHERE FALSE)`: false, and `NOT IN` true, for NULL too, as
    /// `= ANY('{}')` is on PostgreSQL. Elsewhere `bind_array` binds the list as one
    /// parameter.
    #[inline]
    pub fn in_list<T: Encode>(
        &mut self,
        values: &'a [T],
        array: &Type,
        negated: bool,
        bind_array: impl FnOnce(&mut Self),
    ) {
        if self.dialect != Dialect::Mysql {
            return self.in_array(values.len(), negated, bind_array);
        }
        // Each element is bound as the array's element type (a decimal is then cast).
        let element = match array.kind() {
            postgres_types::Kind::Array(member) => member.clone(),
            _ => Type::UNKNOWN,
        };
        self.sql(if negated { " NOT IN (" } else { " IN (" });
        let Some(last) = values.last() else {
            return self.sql("SELECT 1 FROM DUAL WHERE FALSE)");
        };
        // Past 32768 elements the next power of two could pass MySQL's 65535 parameters.
        let padded = match values.len().next_power_of_two() {
            p if p <= 1 << 15 => p,
            _ => values.len(),
        };
        self.hash_count(padded);
        for i in 0..padded {
            if i > 0 {
                self.sql_unhashed(", ");
            }
            let value = values.get(i).unwrap_or(last);
            self.check_value(value);
            self.bind(value, element.clone());
        }
        self.sql(")");
    }

    /// Writes ` LIMIT $n` and ` OFFSET $m` for whichever is given. SQLite takes OFFSET only
    /// after a LIMIT: there an OFFSET alone gets `LIMIT -1` (no limit); MySQL too, and
    /// there its largest row count stands for no limit.
    #[inline]
    pub fn limit_offset(&mut self, limit: Option<&'a i64>, offset: Option<&'a i64>) {
        if let Some(limit) = limit {
            self.sql(" LIMIT ");
            self.bind(limit, Type::INT8);
        } else if offset.is_some() && self.dialect != Dialect::Postgres {
            self.sql(if self.dialect == Dialect::Sqlite {
                " LIMIT -1"
            } else {
                " LIMIT 18446744073709551615"
            });
        }
        if let Some(offset) = offset {
            self.sql(" OFFSET ");
            self.bind(offset, Type::INT8);
        }
    }

    /// Runs `f`, which writes one argument of a function that MySQL/MariaDB take only as a
    /// literal (the offset of `lag`/`lead`, `ntile`'s count, `nth_value`'s row: MariaDB
    /// refuses a `?` there). Elsewhere `f` writes as ever. On MySQL, when all `f` wrote is
    /// one bound `int4` that is an integer (a Rust number, not user text), it is written as
    /// its digits instead of `?`, which go into the fingerprint too; anything else (a
    /// column, an expression, NULL, a `#[sensitive]` value) refuses the statement, naming
    /// `what`, before it is sent.
    pub(crate) fn integer_literal(&mut self, what: &'static str, f: impl FnOnce(&mut Self)) {
        if self.dialect != Dialect::Mysql {
            return f(self);
        }
        let (key, params, sensitive, len) = (
            self.key,
            self.params.len(),
            self.sensitive.len(),
            self.sql.len(),
        );
        f(self);
        let mut one_int = key;
        one_int.word(0x7000_0000_0000_0000 | u64::from(Type::INT4.oid()));
        let single = self.key == one_int
            && self.params.len() == params + 1
            && self.sensitive.len() == sensitive;
        #[cfg(feature = "mysql")]
        let value = match self.params.get(params).map(|p| p.to_mysql()) {
            Some(Ok(mysql_common::value::Value::Int(n))) if single => Some(n),
            _ => None,
        };
        #[cfg(not(feature = "mysql"))]
        let value: Option<i64> = {
            let _ = single;
            None
        };
        match value {
            Some(n) => {
                self.params.truncate(params);
                self.sql.truncate(len);
                self.key = key;
                self.sql(&n.to_string());
            }
            None => self.lacks_on_mysql(Some(what)),
        }
    }
}
