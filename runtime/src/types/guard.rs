//! Checks of a value's bytes for decoders sqlwright does not own (raw rows decode through
//! `postgres-types`' `FromSql`): an array's counts are always bounded by its bytes before
//! anything allocates; and where the Rust type is one that would change a value silently
//! (`Decimal` past its precision, `NaiveTime` at `24:00`, a `Vec` losing an array's lower
//! bound or dimensions), that value is refused. Other Rust types (a multi-dimensional
//! array type, a big-decimal type of the user's) get the value as it is.

use super::array::RawArray;
use postgres_types::{Kind, Type};

/// Which exactness checks the Rust type a value is loaded into needs.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Exact {
    /// `rust_decimal::Decimal` (28 fractional digits, 96 bits, no NaN).
    #[cfg_attr(not(feature = "rust_decimal"), allow(dead_code))]
    pub(crate) decimal: bool,
    /// `chrono::NaiveTime` (no 24:00).
    pub(crate) time: bool,
    /// A `Vec` (one dimension, numbered from 1).
    pub(crate) vec: bool,
}

impl Exact {
    /// The checks Rust type `T` needs, from its name (the types in question are named
    /// concretely, and a wrapper such as `Option` keeps the name inside).
    pub(crate) fn of<T: ?Sized>() -> Exact {
        let name = std::any::type_name::<T>();
        Exact {
            decimal: name.contains("rust_decimal::"),
            time: name.contains("chrono::naive::time::NaiveTime"),
            vec: name.starts_with("alloc::vec::Vec<")
                || name.starts_with("core::option::Option<alloc::vec::Vec<"),
        }
    }
}

/// What is wrong with `bytes` as a value of `ty` loaded into a Rust type that needs
/// `exact`, if anything.
pub(crate) fn check(ty: &Type, bytes: &[u8], exact: Exact) -> Result<(), String> {
    match ty.kind() {
        Kind::Array(member) => {
            let array = RawArray::parse(bytes)?;
            if array.element != member.oid() {
                return Err(format!(
                    "the array's elements are of type OID {}, not the column's element type {}",
                    array.element,
                    member.name()
                ));
            }
            // int2vector and oidvector (catalog types) always number from 0: their bound
            // is the type's, not the value's.
            let zero_based = *ty == Type::INT2_VECTOR || *ty == Type::OID_VECTOR;
            match array.dimensions() {
                _ if !exact.vec => {}
                [] | [(_, 1)] => {}
                [(_, 0)] if zero_based => {}
                [(_, lower)] => {
                    return Err(format!(
                        "the array's indexes start at {lower}, not 1, which a Vec would lose: \
                         select `column[:]`, and `array_lower(column, 1)` if the bound matters"
                    ))
                }
                more => {
                    return Err(format!(
                        "the array has {} dimensions; a Vec holds one",
                        more.len()
                    ))
                }
            }
            for (i, element) in array.elements().enumerate() {
                if let Some(bytes) = element? {
                    check(member, bytes, exact).map_err(|e| format!("element {}: {e}", i + 1))?;
                }
            }
            Ok(())
        }
        #[cfg(feature = "rust_decimal")]
        _ if exact.decimal && *ty == Type::NUMERIC => super::numeric::decode(bytes).map(drop),
        _ if exact.time && *ty == Type::TIME && bytes == 86_400_000_000i64.to_be_bytes() => Err(
            "24:00:00 is a PostgreSQL time, but a Rust time of day ends at 23:59:59.999999 \
             (select it as an interval: `column - time '00:00'`)"
                .into(),
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_all(ty: &Type, bytes: &[u8]) -> Result<(), String> {
        let all = Exact {
            decimal: true,
            time: true,
            vec: true,
        };
        check(ty, bytes, all)
    }

    fn int_array(count: i32, lower: i32, elements: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for word in [1, 0, Type::INT4.oid() as i32, count, lower] {
            out.extend_from_slice(&word.to_be_bytes());
        }
        for e in elements {
            out.extend_from_slice(&(e.len() as i32).to_be_bytes());
            out.extend_from_slice(e);
        }
        out
    }

    #[test]
    fn arrays_are_bounded_by_their_bytes_and_numbered_from_one() {
        let one = 7i32.to_be_bytes();
        assert!(check_all(&Type::INT4_ARRAY, &int_array(1, 1, &[&one])).is_ok());
        // A header claiming 2^31-1 elements over one element's bytes.
        assert!(check_all(&Type::INT4_ARRAY, &int_array(i32::MAX, 1, &[&one])).is_err());
        assert!(check_all(&Type::INT4_ARRAY, &int_array(1, 0, &[&one]))
            .unwrap_err()
            .contains("start at 0"));
        // An element type other than the column's.
        assert!(check_all(&Type::TEXT_ARRAY, &int_array(1, 1, &[&one])).is_err());
    }

    #[test]
    fn twenty_four_hundred_is_not_a_time_of_day() {
        assert!(check_all(&Type::TIME, &86_400_000_000i64.to_be_bytes()).is_err());
        assert!(check_all(&Type::TIME, &86_399_999_999i64.to_be_bytes()).is_ok());
    }

    #[cfg(feature = "rust_decimal")]
    #[test]
    fn numerics_past_decimal_precision_are_refused() {
        // 1e-29: ndigits 1, weight -8 (base 10000), sign +, dscale 29, digit 1000.
        let tiny = [0, 1, 0xff, 0xf8, 0, 0, 0, 29, 0x03, 0xe8];
        assert!(check_all(&Type::NUMERIC, &tiny).is_err());
        // 1.5: ndigits 2, weight 0, dscale 1, digits 1 and 5000.
        let ok = [0, 2, 0, 0, 0, 0, 0, 1, 0, 1, 0x13, 0x88];
        assert!(check_all(&Type::NUMERIC, &ok).is_ok());
    }
}
