//! Rust values printed the way PostgreSQL prints them in its text output, so that rows a
//! typed query decoded into Rust can be compared with what `psql` or a simple-protocol
//! query shows for the same SQL.
//!
//! | Rust | SQL type | text |
//! |---|---|---|
//! | `i16`, `i32`, `i64` | `smallint`, `integer`, `bigint` | `-42` |
//! | `String`, `&str` | `text`, `varchar`, `char(n)` | as is (`char(n)` arrives blank-padded) |
//! | `rust_decimal::Decimal` | `numeric` | with the value's scale: `0.50`, `17.00`, never `-0` |
//! | `chrono::NaiveDate` | `date` | ISO (`DateStyle` ISO): `1995-03-15`, `10000-01-01`, `0044-03-15 BC` |
//! | `f64`, `f32` | `float8`, `float4` | shortest text that reads back as the same value, in exponent form outside 1e-4 .. 1e15 (1e6 for `float4`): `0.1`, `1e+15`, `1.5e-05`, `-0`, `NaN`, `Infinity` |
//! | `bool` | `boolean` | `t`, `f` |
//! | `Option<T>` | any | `None` is NULL |
//!
//! A `Decimal` loaded through the `postgres` driver keeps the scale the server sent (its
//! `dscale`): `sum` of `decimal(15,2)` values comes back with two decimals, `avg` with the
//! 16 or more PostgreSQL chose; a numeric whose scale is past `Decimal`'s 28 digits cannot
//! be loaded in the first place.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// A value as PostgreSQL's text output shows it; see the [module docs](self).
pub trait PgText {
    /// The text, or `None` for SQL NULL.
    fn pg_text(&self) -> Option<String>;
}

impl<T: PgText + ?Sized> PgText for &T {
    fn pg_text(&self) -> Option<String> {
        (**self).pg_text()
    }
}

impl<T: PgText> PgText for Option<T> {
    fn pg_text(&self) -> Option<String> {
        self.as_ref().and_then(PgText::pg_text)
    }
}

macro_rules! display_text {
    ($($t:ty),*) => {$(
        impl PgText for $t {
            fn pg_text(&self) -> Option<String> {
                Some(self.to_string())
            }
        }
    )*};
}
display_text!(i16, i32, i64, str, String);

impl PgText for bool {
    fn pg_text(&self) -> Option<String> {
        Some(if *self { "t" } else { "f" }.to_string())
    }
}

impl PgText for Decimal {
    fn pg_text(&self) -> Option<String> {
        // PostgreSQL's numeric has no negative zero; rust_decimal's arithmetic can make one.
        if self.is_zero() {
            Some(self.abs().to_string())
        } else {
            Some(self.to_string())
        }
    }
}

impl PgText for NaiveDate {
    fn pg_text(&self) -> Option<String> {
        let (month, day) = (self.month(), self.day());
        let year = self.year();
        Some(if year > 0 {
            format!("{year:04}-{month:02}-{day:02}")
        } else {
            // chrono's year 0 is 1 BC.
            format!("{:04}-{month:02}-{day:02} BC", 1 - i64::from(year))
        })
    }
}

impl PgText for f64 {
    fn pg_text(&self) -> Option<String> {
        let abs = self.abs();
        let shortest = pg_shortest(
            |precision| match precision {
                None => format!("{abs:e}"),
                Some(p) => format!("{abs:.p$e}"),
            },
            |text| text.parse::<f64>().is_ok_and(|v| v == abs),
            17,
        );
        Some(float_text(*self, self.is_sign_negative(), &shortest, 15))
    }
}

impl PgText for f32 {
    fn pg_text(&self) -> Option<String> {
        let abs = self.abs();
        let shortest = pg_shortest(
            |precision| match precision {
                None => format!("{abs:e}"),
                Some(p) => format!("{abs:.p$e}"),
            },
            |text| text.parse::<f32>().is_ok_and(|v| v == abs),
            9,
        );
        Some(float_text(
            f64::from(*self),
            self.is_sign_negative(),
            &shortest,
            6,
        ))
    }
}

/// The digits PostgreSQL's float output (its copy of Ryu) chooses for a finite value, as
/// `d.ddde[-]x`: the shortest that reads back as the value *and lies strictly inside* the
/// interval of numbers that read back as it. Rust's shortest digits (`sci(None)`) are the
/// same except when they fall exactly on the interval's edge, halfway to the next value
/// (a tie that reading rounds to the value's even mantissa): Rust takes them, PostgreSQL
/// goes on to more digits (`29622020020158592::float8` prints `2.9622020020158592e+16`,
/// not `2.962202002015859e+16`). Then the value rounded to the next lengths
/// (`sci(Some(precision))`) is tried until one lies inside; `max_digits` always does.
fn pg_shortest(
    sci: impl Fn(Option<usize>) -> String,
    reads_back: impl Fn(&str) -> bool,
    max_digits: usize,
) -> String {
    let shortest = sci(None);
    if !on_edge(&shortest, &reads_back) {
        return shortest;
    }
    let digits = shortest
        .split('e')
        .next()
        .map_or(0, |m| m.chars().filter(char::is_ascii_digit).count());
    for precision in digits..max_digits {
        let candidate = sci(Some(precision));
        if reads_back(&candidate) && !on_edge(&candidate, &reads_back) {
            return candidate;
        }
    }
    sci(Some(max_digits - 1))
}

/// Whether the decimal `text` (`d.ddde[-]x`, reading back as the value) is exactly halfway
/// to a neighbouring value: then nudging it by far less than any other decimal of its
/// length could differ from that halfway point makes it read as the neighbour. A double's
/// exact value has at most 767 significant digits, so 1100 digits of nudge are enough.
fn on_edge(text: &str, reads_back: &impl Fn(&str) -> bool) -> bool {
    const NUDGE: usize = 1100;
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
    let mantissa = if mantissa.contains('.') {
        mantissa.to_string()
    } else {
        format!("{mantissa}.")
    };
    // A little above: the same digits, then zeros and a 1.
    let above = format!("{mantissa}{}1e{exponent}", "0".repeat(NUDGE));
    if !reads_back(&above) {
        return true;
    }
    // A little below: the last digit one less (borrowing as needed), then nines.
    let mut digits: Vec<u8> = mantissa.bytes().collect();
    for d in digits.iter_mut().rev() {
        match *d {
            b'.' => continue,
            b'0' => *d = b'9',
            _ => {
                *d -= 1;
                break;
            }
        }
    }
    let below = format!(
        "{}{}e{exponent}",
        String::from_utf8_lossy(&digits),
        "9".repeat(NUDGE)
    );
    !reads_back(&below)
}

/// PostgreSQL 12+'s `float8out`/`float4out` with the default `extra_float_digits = 1`,
/// given the digits [`pg_shortest`] chose for the absolute value: written plainly when the
/// decimal exponent is in `-4 .. fixed_below`, otherwise as `d.ddde+XX` with at least two
/// exponent digits.
fn float_text(value: f64, negative: bool, shortest: &str, fixed_below: i32) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    let sign = if negative { "-" } else { "" };
    if value.is_infinite() {
        return format!("{sign}Infinity");
    }
    // `shortest` is `d[.ddd]e[-]x` for the absolute value.
    let (mantissa, exponent) = shortest.split_once('e').unwrap_or((shortest, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if digits.bytes().all(|d| d == b'0') {
        return format!("{sign}0");
    }
    let mut out = String::from(sign);
    if (-4..fixed_below).contains(&exponent) {
        if exponent < 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-exponent - 1) as usize));
            out.push_str(&digits);
        } else {
            let int_len = exponent as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', int_len - digits.len()));
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        out.push_str(&format!("e{exp_sign}{:02}", exponent.unsigned_abs()));
    }
    out
}

/// A row of values printed as PostgreSQL prints them: tuples of 1 to 12 [`PgText`] values.
pub trait PgRow {
    /// The row's values, `None` for NULL.
    fn pg_row(&self) -> Vec<Option<String>>;
}

/// A single nullable value is a row of one column.
impl<T: PgText> PgRow for Option<T> {
    fn pg_row(&self) -> Vec<Option<String>> {
        vec![self.pg_text()]
    }
}

macro_rules! pg_row_tuples {
    ($(($($t:ident $i:tt),+))*) => {$(
        impl<$($t: PgText),+> PgRow for ($($t,)+) {
            fn pg_row(&self) -> Vec<Option<String>> {
                vec![$(self.$i.pg_text()),+]
            }
        }
    )*};
}

pg_row_tuples! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn formats_without_a_server() {
        assert_eq!(42i32.pg_text().as_deref(), Some("42"));
        assert_eq!((-7i16).pg_text().as_deref(), Some("-7"));
        assert_eq!(i64::MIN.pg_text().as_deref(), Some("-9223372036854775808"));
        assert_eq!(true.pg_text().as_deref(), Some("t"));
        assert_eq!(false.pg_text().as_deref(), Some("f"));
        assert_eq!("Brand#12  ".pg_text().as_deref(), Some("Brand#12  "));
        assert_eq!(None::<i32>.pg_text(), None);
        assert_eq!(Some(Some(1i64)).pg_text().as_deref(), Some("1"));
        assert_eq!(Decimal::new(50, 2).pg_text().as_deref(), Some("0.50"));
        assert_eq!(Decimal::new(-1700, 2).pg_text().as_deref(), Some("-17.00"));
        let negative_zero = Decimal::from_str("-0.00").expect("a decimal");
        assert_eq!(negative_zero.pg_text().as_deref(), Some("0.00"));
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a date");
        assert_eq!(date(1995, 3, 15).pg_text().as_deref(), Some("1995-03-15"));
        assert_eq!(date(12, 1, 2).pg_text().as_deref(), Some("0012-01-02"));
        assert_eq!(date(-43, 3, 15).pg_text().as_deref(), Some("0044-03-15 BC"));
        assert_eq!(date(10000, 1, 1).pg_text().as_deref(), Some("10000-01-01"));
        for (value, text) in [
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (0.1 + 0.2, "0.30000000000000004"),
            (100.0, "100"),
            (123456789012345.0, "123456789012345"),
            (1e15, "1e+15"),
            (1.5e16, "1.5e+16"),
            (0.0001, "0.0001"),
            (0.00015, "0.00015"),
            (0.00001, "1e-05"),
            (-2.5e-7, "-2.5e-07"),
            (1e100, "1e+100"),
            // Rust's shortest digits 2.962202002015859e16 lie halfway to the next double.
            (29622020020158592.0, "2.9622020020158592e+16"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(value.pg_text().as_deref(), Some(text), "{value:e}");
        }
        assert_eq!(123456.0f32.pg_text().as_deref(), Some("123456"));
        assert_eq!(1234567.0f32.pg_text().as_deref(), Some("1.234567e+06"));
        assert_eq!(0.1f32.pg_text().as_deref(), Some("0.1"));
        assert_eq!(
            (1i32, "x", None::<bool>).pg_row(),
            vec![Some("1".into()), Some("x".into()), None]
        );
    }

    /// The values of column `column` of `sql`'s result, decoded by the driver as `T` from
    /// the binary protocol and printed by [`PgText`], against the text the server sends for
    /// the same query over the simple (text) protocol.
    fn check<T>(client: &mut postgres::Client, sql: &str, column: usize) -> usize
    where
        T: PgText + std::fmt::Debug + for<'a> postgres::types::FromSql<'a>,
    {
        let decoded: Vec<T> = client
            .query(sql, &[])
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .iter()
            .map(|row| row.get(column))
            .collect();
        let texts: Vec<Option<String>> = client
            .simple_query(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .into_iter()
            .filter_map(|m| match m {
                postgres::SimpleQueryMessage::Row(row) => Some(row.get(column).map(String::from)),
                _ => None,
            })
            .collect();
        assert_eq!(decoded.len(), texts.len(), "{sql}");
        for (value, text) in decoded.iter().zip(&texts) {
            assert_eq!(&value.pg_text(), text, "{value:?} from {sql}");
        }
        decoded.len()
    }

    /// Values the server makes, decoded by the driver and printed by [`PgText`], against
    /// the server's own text output for them.
    #[test]
    fn formats_like_the_server() {
        let db = sqlwright::testing::database();
        let client =
            &mut postgres::Client::connect(&db.url().to_string_with_password(), postgres::NoTls)
                .expect("a connection");

        // float8: edge cases, 4000 values spread over 600 orders of magnitude, fractions.
        let floats = "SELECT f FROM (
                SELECT unnest(ARRAY['0', '-0', '1', '0.1', '1e15', '999999999999999',
                    '1e16', '1e-4', '1e-5', '0.00012345', '5e-324', '2.2250738585072014e-308',
                    '1.7976931348623157e308', 'NaN', 'Infinity', '-Infinity',
                    '123456789.125', '-3.14159', '29622020020158592'])::float8
                UNION ALL
                SELECT (CASE WHEN i % 2 = 0 THEN -1 ELSE 1 END)
                       * (i * 0.7548776662466927 - floor(i * 0.7548776662466927))
                       * 10 ^ (i % 600 - 300)
                FROM generate_series(1, 4000) AS i
                UNION ALL
                SELECT i / 7.0::float8 FROM generate_series(1, 200) AS i
                UNION ALL
                SELECT (i * 1234567)::float8 * 2 ^ (i % 40) FROM generate_series(1, 400) AS i
            ) AS v (f)";
        assert!(check::<f64>(client, floats, 0) > 4000);
        check::<Option<f64>>(client, "SELECT NULL::float8", 0);

        check::<f32>(
            client,
            "SELECT unnest(ARRAY['0', '-0', '1234567', '123456', '0.1', '1e-5', '0.0001',
                '3.4028235e38', 'NaN', '-Infinity', '1.17549435e-38', '2.5',
                '-7.125e-12']::float4[])",
            0,
        );
        check::<f32>(
            client,
            "SELECT ((i / 7.0) * 10 ^ (i % 60 - 30))::float4 FROM generate_series(1, 500) AS i",
            0,
        );

        // numeric: sums, averages and quotients of decimal(15,2) as the TPC-H queries make
        // them, and extract(year ..).
        let numerics = "WITH t (q, d) AS (VALUES (17.00::numeric(15,2), 0.05::numeric(15,2)),
                (36.00, 0.09), (8.00, 0.10), (-0.00, 0.00), (28.00, 0.01))
            SELECT v FROM (
                SELECT sum(q) FROM t UNION ALL SELECT avg(q) FROM t
                UNION ALL SELECT avg(d) FROM t UNION ALL SELECT sum(q * (1 - d)) FROM t
                UNION ALL SELECT sum(q * (1 - d) * (1 + d)) FROM t
                UNION ALL SELECT 100.00 * sum(q) / sum(q * (1 - d)) FROM t
                UNION ALL SELECT sum(q) / 7.0 FROM t
                UNION ALL SELECT min(d) - max(d) FROM t
                UNION ALL SELECT 0.0::numeric UNION ALL SELECT -0.00::numeric
                UNION ALL SELECT 1e-20::numeric UNION ALL SELECT 12345678901234567.891
                UNION ALL SELECT extract(year FROM date '1995-03-15')
            ) AS v (v)";
        check::<Decimal>(client, numerics, 0);
        check::<Option<Decimal>>(
            client,
            "SELECT avg(x) FROM (SELECT 1.5 WHERE false) AS t (x)",
            0,
        );

        check::<NaiveDate>(
            client,
            "SELECT unnest(ARRAY['1995-03-15', '1992-01-01', '1998-12-31', '0001-01-01',
                '0044-03-15 BC', '4713-01-01 BC', '9999-12-31', '10000-01-01',
                '2000-02-29']::date[])",
            0,
        );

        let others = "SELECT b, s, i, n, c, t FROM (VALUES
                (true, 32767::int2, 2147483647, '-9223372036854775808'::int8,
                 'MAIL'::char(10), 'Brand#12'::varchar(10)),
                (false, (-1)::int2, 0, 0::int8, 'x'::char(10), ''::varchar(10)))
                AS v (b, s, i, n, c, t)";
        check::<bool>(client, others, 0);
        check::<i16>(client, others, 1);
        check::<i32>(client, others, 2);
        check::<i64>(client, others, 3);
        check::<String>(client, others, 4);
        check::<String>(client, others, 5);
    }
}
