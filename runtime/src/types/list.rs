//! Lists of values (`in_`/`not_in`, relation keys by many keys): one array parameter on
//! PostgreSQL, a JSON array on SQLite, one parameter per element on MySQL.

use super::*;
use crate::backend::Dialect;

/// A SQL type whose values can be listed: every [`ArrayElement`], and the unsigned integers,
/// which are no array element (there is no `Array<UInt4>` column) but whose lists go to
/// PostgreSQL as arrays of their storage (`uint4`'s as a `bigint[]`).
pub trait ListElement: SqlType {
    /// The SQL type a whole list is bound as.
    type List: SqlType;
}

impl<T: ArrayElement> ListElement for T {
    type List = Array<T>;
}

/// A list of unsigned values (`ST` is `UInt1`..`UInt8`), bound as an array of the type's
/// PostgreSQL storage. Not API: it only ever types a list's parameter.
#[doc(hidden)]
pub struct UnsignedList<ST>(PhantomData<ST>);

macro_rules! unsigned_lists {
    ($($name:ident = $sql:literal, $arr:ident;)*) => {$(
        impl SqlType for UnsignedList<$name> {
            const NAME: &'static str = $sql;
            const IS_NULLABLE: bool = false;
            const PG_TYPE: Type = Type::$arr;
            type Nullability = NotNull;
            type NotNull = Self;
            type Nullable = Nullable<Self>;
            type Needs = crate::backend::needs::PgOnly<crate::backend::needs::features::Arrays>;
            type Rank = NotNumeric;
        }
        impl ListElement for $name {
            type List = UnsignedList<$name>;
        }
        impl ListElement for Nullable<$name> {
            type List = UnsignedList<$name>;
        }
    )*};
}

unsigned_lists! {
    UInt1 = "uint1[]", INT2_ARRAY;
    UInt2 = "uint2[]", INT4_ARRAY;
    UInt4 = "uint4[]", INT8_ARRAY;
    UInt8 = "uint8[]", NUMERIC_ARRAY;
}

/// The type a list of `ST` is declared as where it is bound: the list's own, but on MySQL an
/// unsigned list's elements go as unsigned BIGINTs (`UInt8`'s storage, `numeric`, would add
/// the decimal's cast to each). A constant test for every other type.
#[inline]
pub(crate) fn list_type<ST: ListElement>(dialect: Dialect) -> Type {
    if ST::UNSIGNED && dialect == Dialect::Mysql {
        Type::INT8_ARRAY
    } else {
        <ST::List as SqlType>::PG_TYPE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned_lists_are_arrays_of_the_storage_but_bigints_on_mysql() {
        assert_eq!(list_type::<UInt1>(Dialect::Postgres), Type::INT2_ARRAY);
        assert_eq!(list_type::<UInt4>(Dialect::Postgres), Type::INT8_ARRAY);
        assert_eq!(list_type::<UInt8>(Dialect::Postgres), Type::NUMERIC_ARRAY);
        assert_eq!(
            list_type::<Nullable<UInt8>>(Dialect::Mysql),
            Type::INT8_ARRAY
        );
        assert_eq!(list_type::<UInt2>(Dialect::Mysql), Type::INT8_ARRAY);
        assert_eq!(list_type::<Int4>(Dialect::Mysql), Type::INT4_ARRAY);
        assert_eq!(list_type::<Numeric>(Dialect::Mysql), Type::NUMERIC_ARRAY);
    }
}
