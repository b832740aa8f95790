//! Decoder tests on crafted bytes: arrays (counts bounded by the bytes) and times.

use super::*;

mod array_tests {
    use super::*;

    /// An array value as the server sends it: header, one (length, lower bound) pair per
    /// dimension, then each element as its length and bytes (`None` is NULL).
    fn array(
        ndim: i32,
        flags: i32,
        oid: u32,
        dims: &[(i32, i32)],
        elems: &[Option<&[u8]>],
    ) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&ndim.to_be_bytes());
        out.extend_from_slice(&flags.to_be_bytes());
        out.extend_from_slice(&oid.to_be_bytes());
        for (len, lower) in dims {
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(&lower.to_be_bytes());
        }
        for e in elems {
            match e {
                None => out.extend_from_slice(&(-1i32).to_be_bytes()),
                Some(b) => {
                    out.extend_from_slice(&(b.len() as i32).to_be_bytes());
                    out.extend_from_slice(b);
                }
            }
        }
        out
    }

    fn ints(raw: &[u8]) -> Result<Vec<i32>, DecodeError> {
        <Vec<i32> as FromSqlValue<Array<Int4>>>::decode(&Type::INT4_ARRAY, Some(raw))
    }

    fn texts(raw: &[u8]) -> Result<Vec<String>, DecodeError> {
        <Vec<String> as FromSqlValue<Array<Text>>>::decode(&Type::TEXT_ARRAY, Some(raw))
    }

    fn nullable_ints(raw: &[u8]) -> Result<Vec<Option<i32>>, DecodeError> {
        <Vec<Option<i32>> as FromSqlValue<Array<Nullable<Int4>>>>::decode(
            &Type::INT4_ARRAY,
            Some(raw),
        )
    }

    /// The error's reason, or a panic naming what decoded instead.
    #[track_caller]
    fn reason<T: std::fmt::Debug>(r: Result<T, DecodeError>) -> String {
        match r {
            Err(DecodeError::Invalid { reason, .. }) => reason,
            other => panic!("expected DecodeError::Invalid, got {other:?}"),
        }
    }

    const INT4: u32 = 23;
    const ONE: &[u8] = &1i32.to_be_bytes();
    const THREE: &[u8] = &3i32.to_be_bytes();

    #[test]
    fn well_formed_arrays_load() {
        assert_eq!(
            ints(&array(1, 0, INT4, &[(2, 1)], &[Some(ONE), Some(THREE)])),
            Ok(vec![1, 3])
        );
        assert_eq!(ints(&array(0, 0, INT4, &[], &[])), Ok(vec![]));
        assert_eq!(
            nullable_ints(&array(
                1,
                1,
                INT4,
                &[(3, 1)],
                &[Some(ONE), None, Some(THREE)]
            )),
            Ok(vec![Some(1), None, Some(3)])
        );
        assert_eq!(
            texts(&array(1, 0, 25, &[(2, 1)], &[Some(b"ab"), Some(b"")])),
            Ok(vec!["ab".to_string(), String::new()])
        );
    }

    #[test]
    fn counts_beyond_the_bytes_present_are_errors_not_allocations() {
        // 2^31 - 2 elements claimed, none sent: no 48 GiB Vec<String>, an error.
        let huge = array(1, 0, 25, &[(i32::MAX - 1, 1)], &[]);
        assert!(reason(texts(&huge)).contains("elements"));
        let huge = array(1, 0, INT4, &[(i32::MAX - 1, 1)], &[Some(ONE)]);
        reason(ints(&huge));
        // the last index would pass i32::MAX
        reason(ints(&array(1, 0, INT4, &[(i32::MAX, 1)], &[Some(ONE)])));
        // more claimed than sent by one
        reason(ints(&array(
            1,
            0,
            INT4,
            &[(3, 1)],
            &[Some(ONE), Some(THREE)],
        )));
        // dimensions whose product overflows
        let dims = [(i32::MAX, 0), (i32::MAX, 0), (i32::MAX, 0)];
        assert!(reason(ints(&array(3, 0, INT4, &dims, &[]))).contains("multiply"));
    }

    #[test]
    fn negative_and_malformed_headers_are_errors() {
        reason(ints(&array(1, 0, INT4, &[(-1, 1)], &[])));
        reason(ints(&array(-1, 0, INT4, &[], &[])));
        reason(ints(&array(i32::MAX, 0, INT4, &[], &[])));
        reason(ints(&array(1, 0, INT4, &[], &[])));
        reason(ints(&array(1, 7, INT4, &[(1, 1)], &[Some(ONE)])));
        reason(ints(&[0, 0, 0, 1, 0, 0]));
        reason(ints(&[]));
    }

    #[test]
    fn several_dimensions_do_not_load_into_a_vec() {
        let four = [Some(ONE), Some(THREE), Some(ONE), Some(THREE)];
        let square = array(2, 0, INT4, &[(2, 1), (2, 1)], &four);
        assert!(reason(ints(&square)).contains("2 dimensions"));
    }

    #[test]
    fn lower_bounds_other_than_one_do_not_load_into_a_vec() {
        let elems = [Some(ONE), Some(THREE)];
        assert!(reason(ints(&array(1, 0, INT4, &[(2, 0)], &elems))).contains("lower bound 0"));
        assert!(reason(ints(&array(1, 0, INT4, &[(2, -5)], &elems))).contains("lower bound -5"));
        assert!(reason(ints(&array(1, 0, INT4, &[(2, 2)], &elems))).contains("lower bound 2"));
    }

    #[test]
    fn malformed_elements_are_errors() {
        // element length -2
        let mut raw = array(1, 0, INT4, &[(1, 1)], &[]);
        raw.extend_from_slice(&(-2i32).to_be_bytes());
        reason(ints(&raw));
        // element longer than the bytes left
        let mut raw = array(1, 0, INT4, &[(1, 1)], &[]);
        raw.extend_from_slice(&8i32.to_be_bytes());
        raw.extend_from_slice(ONE);
        reason(ints(&raw));
        // a truncated length
        let mut raw = array(1, 0, INT4, &[(1, 1)], &[]);
        raw.extend_from_slice(&[0, 0]);
        reason(ints(&raw));
        // bytes after the last element
        let mut raw = array(1, 0, INT4, &[(1, 1)], &[Some(ONE)]);
        raw.push(0);
        reason(ints(&raw));
        // an element of the wrong size for int4
        reason(ints(&array(1, 0, INT4, &[(1, 1)], &[Some(&[1, 2, 3])])));
        // NULL in an array loaded into Vec<i32>
        reason(ints(&array(1, 1, INT4, &[(1, 1)], &[None])));
    }

    #[test]
    fn element_type_must_match_the_column() {
        let text_elems = array(1, 0, 25, &[(1, 1)], &[Some(ONE)]);
        assert!(reason(ints(&text_elems)).contains("text"));
        assert!(matches!(
            <Vec<i32> as FromSqlValue<Array<Int4>>>::decode(&Type::INT4, Some(&text_elems)),
            Err(DecodeError::WrongType { .. })
        ));
    }
}

#[cfg(feature = "chrono")]
mod time_tests {
    use super::*;
    use chrono::NaiveTime;

    fn time(micros: i64) -> Result<NaiveTime, DecodeError> {
        <NaiveTime as FromSqlValue<Time>>::decode(&Type::TIME, Some(&micros.to_be_bytes()))
    }

    #[track_caller]
    fn reason(r: Result<NaiveTime, DecodeError>) -> String {
        match r {
            Err(DecodeError::Invalid { reason, .. }) => reason,
            other => panic!("expected DecodeError::Invalid, got {other:?}"),
        }
    }

    #[test]
    fn times_within_the_day_load() {
        assert_eq!(time(0), Ok(NaiveTime::MIN));
        assert_eq!(
            time(86_399_999_999),
            Ok(NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap())
        );
        assert_eq!(
            time(3_723_000_004),
            Ok(NaiveTime::from_hms_micro_opt(1, 2, 3, 4).unwrap())
        );
    }

    #[test]
    fn midnight_at_the_end_of_the_day_and_beyond_are_errors() {
        assert!(reason(time(86_400_000_000)).contains("24:00"));
        reason(time(86_400_000_001));
        reason(time(-1));
        reason(time(i64::MIN));
        let seven = <NaiveTime as FromSqlValue<Time>>::decode(&Type::TIME, Some(&[0; 7]));
        reason(seven);
        assert!(matches!(
            <NaiveTime as FromSqlValue<Time>>::decode(&Type::TIME, None),
            Err(DecodeError::UnexpectedNull { .. })
        ));
        assert!(matches!(
            <NaiveTime as FromSqlValue<Time>>::decode(&Type::TIMETZ, Some(&[0; 12])),
            Err(DecodeError::WrongType { .. })
        ));
    }
}
