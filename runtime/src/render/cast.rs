//! Parameters of declared enum types: cast to the type in the SQL text on PostgreSQL.

use super::{Param, SqlWriter};
use crate::backend::{Dialect, Encode};
use crate::types::SqlType;

impl<'a> SqlWriter<'a> {
    /// Binds `value` as a parameter of SQL type `ST`, declared as `ST::PG_TYPE`. A value of
    /// an enum type declared in `table!` is sent as text and, on PostgreSQL, cast to the
    /// type (`$1::"order_status"`, `$1::"order_status"[]` for a list): the type's OID is
    /// not known when the program is built, and the cast makes the server check the label.
    #[inline]
    pub fn bind_as<ST: SqlType>(&mut self, value: Param<'a>) {
        if ST::UNSIGNED && self.dialect() == Dialect::Mysql {
            // An unsigned integer goes to MySQL as an unsigned BIGINT; `UInt8`'s declared
            // type (`numeric`, its PostgreSQL storage) would add the decimal's cast.
            self.bind(value, postgres_types::Type::INT8);
        } else {
            self.bind(value, ST::PG_TYPE);
        }
        self.enum_cast::<ST>();
    }

    /// [`bind_value`](Self::bind_value) with the cast of [`bind_as`](Self::bind_as).
    #[inline]
    pub fn bind_value_as<ST: SqlType, T: Encode>(&mut self, value: &'a T) {
        self.bind_value(value, ST::PG_TYPE);
        self.enum_cast::<ST>();
    }

    /// Refuses the statement being written, for `reason` (the first reason recorded is
    /// kept): it is not sent, and running it is [`Error::Parameter`](crate::Error::Parameter)
    /// with the reason.
    #[doc(hidden)]
    pub fn refuse(&mut self, reason: String) {
        if self.refused.is_none() {
            self.refused = Some((self.params.len(), reason));
        }
    }

    /// Records a value that cannot be sent ([`Encode::check`]), as the parameter about to be
    /// bound: the statement is refused before it is sent. Called with the value's own type,
    /// so that the check costs nothing for the values that always pass it.
    #[inline]
    pub(crate) fn check_value<T: crate::backend::BindValue + ?Sized>(&mut self, value: &T) {
        if let Err(reason) = value.check() {
            if self.refused.is_none() {
                self.refused = Some((self.params.len(), reason));
            }
        }
    }

    #[inline]
    fn enum_cast<ST: SqlType>(&mut self) {
        if let (Some(e), Dialect::Postgres) = (ST::ENUM, self.dialect()) {
            self.sql("::");
            self.ident(e.sql_name);
            if ST::NAME.ends_with("[]") {
                self.sql("[]");
            }
        }
    }
}

/// The type MySQL's `CAST(x AS ..)` takes for a SQL type named as PostgreSQL names it
/// (`numeric` is `DECIMAL(65, 30)`, which holds every `Decimal`; integers are `SIGNED`, a
/// BIGINT, which loads into a narrower Rust integer only when the value fits).
pub(crate) fn mysql_cast_type(name: &'static str) -> &'static str {
    match name {
        "int2" | "int4" | "int8" => "SIGNED",
        "float4" => "FLOAT",
        "float8" => "DOUBLE",
        "numeric" => "DECIMAL(65, 30)",
        "text" => "CHAR",
        "date" => "DATE",
        "time" => "TIME(6)",
        "timestamp" | "timestamptz" => "DATETIME(6)",
        "bytea" => "BINARY",
        "uuid" => "UUID",
        other => other,
    }
}
