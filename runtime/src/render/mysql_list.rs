//! Lists on MySQL, which has no array type: the list is bound as one JSON array (see
//! `Encode::to_mysql` of `Vec<T>`) and read as rows with `JSON_TABLE`, so the statement's
//! text does not depend on the list's length (one prepared statement serves every length).

use super::SqlWriter;
use crate::backend::Dialect;
use postgres_types::Type;

impl<'a> SqlWriter<'a> {
    /// Writes `JSON_TABLE(?, '$[*]' COLUMNS (`i` FOR ORDINALITY, `v` <type> PATH '$'))` for
    /// the list `bind` binds (one array value): a table of the elements, `v`, numbered from
    /// 1 in list order, `i` (composite keys join their lists on it). The column type is the
    /// element's: BIGINT for integers (and booleans, sent as 0 and 1), DOUBLE for floats,
    /// LONGTEXT for text (in the database's default collation, which must be the text
    /// columns' for `IN` to compare them: MySQL refuses a mix). A list of another type is
    /// refused before the statement is sent ([`Error::Parameter`](crate::Error::Parameter)).
    pub(crate) fn mysql_list(&mut self, bind: impl FnOnce(&mut Self)) {
        debug_assert_eq!(self.dialect, Dialect::Mysql);
        self.sql("JSON_TABLE(");
        self.last_type = None;
        bind(self);
        let column = match self.last_type.take() {
            Some(Type::INT2_ARRAY | Type::INT4_ARRAY | Type::INT8_ARRAY | Type::BOOL_ARRAY) => {
                "BIGINT"
            }
            Some(Type::FLOAT4_ARRAY | Type::FLOAT8_ARRAY) => "DOUBLE",
            Some(
                Type::TEXT_ARRAY | Type::VARCHAR_ARRAY | Type::BPCHAR_ARRAY | Type::NAME_ARRAY,
            ) => "LONGTEXT",
            other => {
                if self.refused.is_none() {
                    let name = other.as_ref().map_or("unknown", Type::name);
                    self.refused = Some((
                        self.params.len(),
                        format!(
                            "a list of {name} cannot be sent to MySQL yet (lists of integers, \
                             floats, booleans and text can)"
                        ),
                    ));
                }
                "LONGTEXT"
            }
        };
        self.sql(", '$[*]' COLUMNS (`i` FOR ORDINALITY, `v` ");
        self.sql(column);
        self.sql(" PATH '$'))");
    }
}
