//! PostgreSQL's binary `numeric` read into `rust_decimal::Decimal` exactly, or not at all.
//!
//! The format (PostgreSQL's `numeric_send`): the number of base-10000 digits (u16), the
//! weight of the first digit (i16: the value is `Σ digit[i] × 10000^(weight - i)`), the sign
//! (u16: 0x0000 positive, 0x4000 negative, 0xC000 NaN, 0xD000 +Infinity, 0xF000 -Infinity),
//! the display scale (u16: digits shown after the point), then the digits (u16 each, 0 to
//! 9999).
//!
//! `Decimal` is a 96-bit integer divided by 10^scale with scale at most 28. A value that
//! needs more (a 29th significant fractional digit, a magnitude of 2^96 or more) is an error
//! naming why; trailing zeros cost nothing, so `numeric(40,30)` holding 1 loads as 1.

use rust_decimal::Decimal;

const POSITIVE: u16 = 0x0000;
const NEGATIVE: u16 = 0x4000;
const NAN: u16 = 0xC000;
const PLUS_INFINITY: u16 = 0xD000;
const MINUS_INFINITY: u16 = 0xF000;

/// `Decimal`'s largest mantissa plus one: 2^96.
const MANTISSA_LIMIT: u128 = 1 << 96;

fn read_u16(raw: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*raw.get(at)?, *raw.get(at + 1)?]))
}

/// Decodes a binary `numeric` into the `Decimal` of exactly the same value, with the
/// value's display scale where that fits (`1.50` keeps scale 2). Errors say why not.
pub(crate) fn decode(raw: &[u8]) -> Result<Decimal, String> {
    let (Some(ndigits), Some(weight), Some(sign), Some(dscale)) = (
        read_u16(raw, 0),
        read_u16(raw, 2),
        read_u16(raw, 4),
        read_u16(raw, 6),
    ) else {
        return Err(format!(
            "a numeric starts with an 8-byte header, but only {} bytes came",
            raw.len()
        ));
    };
    let weight = i64::from(weight as i16);
    let negative = match sign {
        POSITIVE => false,
        NEGATIVE => true,
        NAN => return Err("NaN has no Decimal value".into()),
        PLUS_INFINITY => return Err("Infinity has no Decimal value".into()),
        MINUS_INFINITY => return Err("-Infinity has no Decimal value".into()),
        other => return Err(format!("a numeric's sign is {other:#06x}")),
    };
    let body = &raw[8..];
    if body.len() != 2 * usize::from(ndigits) {
        return Err(format!(
            "a numeric of {ndigits} digits takes {} bytes after its header, but {} came",
            2 * usize::from(ndigits),
            body.len()
        ));
    }
    let digits: Vec<u16> = body
        .chunks_exact(2)
        .map(|d| u16::from_be_bytes([d[0], d[1]]))
        .collect();
    if let Some(bad) = digits.iter().find(|&&d| d > 9999) {
        return Err(format!("a numeric's base-10000 digit is {bad}"));
    }
    // Zero digits at either end carry no value: leading ones only shift the weight,
    // trailing ones only the position of the last significant digit.
    let Some(first) = digits.iter().position(|&d| d != 0) else {
        return with_display_scale(0, 0, negative, dscale);
    };
    let last = digits.iter().rposition(|&d| d != 0).unwrap_or(first);
    let significant = &digits[first..=last];
    // value = mantissa × 10^exponent, the exponent that of the last significant digit
    let mut exponent = 4 * (weight - last as i64);
    let mut mantissa: u128 = 0;
    for &d in significant {
        // Past 2^96 × 1000 no trailing decimal zeros (at most 3 in the last digit) can
        // bring the mantissa back under 2^96: stop before u128 could overflow.
        if mantissa >= MANTISSA_LIMIT * 1000 {
            return Err(too_many_digits(exponent));
        }
        mantissa = mantissa * 10_000 + u128::from(d);
    }
    while mantissa.is_multiple_of(10) {
        mantissa /= 10;
        exponent += 1;
    }
    if exponent >= 0 {
        // An integer: mantissa × 10^exponent must itself be under 2^96.
        let whole = u32::try_from(exponent)
            .ok()
            .and_then(|e| 10u128.checked_pow(e))
            .and_then(|p| mantissa.checked_mul(p))
            .filter(|&m| m < MANTISSA_LIMIT);
        return match whole {
            Some(m) => with_display_scale(m, 0, negative, dscale),
            None => Err(
                "the value is too large for Decimal (whose magnitude is below 2^96 ≈ 7.9e28)"
                    .into(),
            ),
        };
    }
    let scale = exponent.unsigned_abs();
    if scale > u64::from(Decimal::MAX_SCALE) {
        return Err(format!(
            "the value needs {scale} digits after the decimal point; Decimal holds at most 28"
        ));
    }
    if mantissa >= MANTISSA_LIMIT {
        return Err(too_many_digits(exponent));
    }
    with_display_scale(mantissa, scale as u32, negative, dscale)
}

fn too_many_digits(exponent: i64) -> String {
    if exponent < -i64::from(Decimal::MAX_SCALE) {
        format!(
            "the value needs at least {} digits after the decimal point; Decimal holds at most 28",
            -exponent
        )
    } else {
        "the value has too many significant digits (or is too large) for Decimal, \
         whose 96-bit mantissa holds 28 to 29 of them"
            .into()
    }
}

/// `mantissa / 10^scale`, its scale raised toward the display scale (at most 28) while the
/// mantissa stays under 2^96: trailing zeros the server shows are kept where they fit.
fn with_display_scale(
    mut mantissa: u128,
    mut scale: u32,
    negative: bool,
    dscale: u16,
) -> Result<Decimal, String> {
    let target = u32::from(dscale).min(Decimal::MAX_SCALE);
    while scale < target && mantissa * 10 < MANTISSA_LIMIT {
        mantissa *= 10;
        scale += 1;
    }
    let signed = if negative {
        -(mantissa as i128)
    } else {
        mantissa as i128
    };
    Decimal::try_from_i128_with_scale(signed, scale).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A binary numeric: header then base-10000 digits.
    fn numeric(weight: i16, sign: u16, dscale: u16, digits: &[u16]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&(digits.len() as u16).to_be_bytes());
        out.extend_from_slice(&weight.to_be_bytes());
        out.extend_from_slice(&sign.to_be_bytes());
        out.extend_from_slice(&dscale.to_be_bytes());
        for d in digits {
            out.extend_from_slice(&d.to_be_bytes());
        }
        out
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[track_caller]
    fn loads(raw: Vec<u8>, expected: &str) {
        let got = decode(&raw).unwrap();
        assert_eq!(got, dec(expected));
        assert_eq!(got.to_string(), expected, "scale kept");
    }

    #[track_caller]
    fn fails(raw: Vec<u8>, why: &str) {
        let reason = decode(&raw).unwrap_err();
        assert!(reason.contains(why), "{reason}");
    }

    #[test]
    fn exact_values_load_with_their_display_scale() {
        loads(numeric(0, POSITIVE, 0, &[]), "0");
        loads(numeric(0, POSITIVE, 2, &[]), "0.00");
        loads(numeric(0, POSITIVE, 2, &[1, 5000]), "1.50");
        loads(numeric(1, NEGATIVE, 0, &[12, 3456]), "-123456");
        loads(numeric(-1, POSITIVE, 3, &[10]), "0.001");
        // 1e-28, the smallest positive Decimal
        loads(
            numeric(-7, POSITIVE, 28, &[1]),
            "0.0000000000000000000000000001",
        );
        // numeric(40,30) holding 1: display scale capped at 28
        loads(
            numeric(0, POSITIVE, 30, &[1]),
            "1.0000000000000000000000000000",
        );
        // Decimal::MAX = 79228162514264337593543950335
        loads(
            numeric(
                7,
                POSITIVE,
                0,
                &[7, 9228, 1625, 1426, 4337, 5935, 4395, 335],
            ),
            "79228162514264337593543950335",
        );
        // zero digits at both ends, as a hostile or careless server may send
        loads(numeric(2, POSITIVE, 1, &[0, 0, 12, 5000, 0, 0]), "12.5");
        // 1e28 as one digit with a large weight
        loads(
            numeric(7, POSITIVE, 0, &[1]),
            "10000000000000000000000000000",
        );
    }

    #[test]
    fn inexact_values_are_errors_saying_why() {
        fails(numeric(-8, POSITIVE, 29, &[1000]), "28");
        // 29 fractional digits, the last 9: 0.12345678901234567890123456789
        fails(
            numeric(
                -1,
                POSITIVE,
                29,
                &[1234, 5678, 9012, 3456, 7890, 1234, 5678, 9000],
            ),
            "28",
        );
        // Decimal::MAX + 1
        fails(
            numeric(
                7,
                POSITIVE,
                0,
                &[7, 9228, 1625, 1426, 4337, 5935, 4395, 336],
            ),
            "too large",
        );
        fails(numeric(8, POSITIVE, 0, &[1]), "too large");
        fails(numeric(i16::MAX, NEGATIVE, 0, &[1]), "too large");
        fails(numeric(i16::MIN, POSITIVE, 0, &[1]), "28");
        // 1234567890123456789012345678.91: 30 significant digits
        fails(
            numeric(
                6,
                POSITIVE,
                2,
                &[1234, 5678, 9012, 3456, 7890, 1234, 5678, 9100],
            ),
            "significant",
        );
        // a thousand base-10000 digits: after the point, and all before it
        fails(
            numeric(0, POSITIVE, 0, &[1234; 1000]),
            "at least 3996 digits",
        );
        fails(numeric(999, POSITIVE, 0, &[1234; 1000]), "too large");
        fails(numeric(0, NAN, 0, &[]), "NaN");
        fails(numeric(0, PLUS_INFINITY, 0, &[]), "Infinity");
        fails(numeric(0, MINUS_INFINITY, 0, &[]), "-Infinity");
    }

    #[test]
    fn malformed_numerics_are_errors() {
        fails(vec![0, 1, 0, 0], "header");
        fails(numeric(0, 0x1234, 0, &[1]), "sign");
        fails(numeric(0, POSITIVE, 0, &[10_000]), "digit");
        let mut short = numeric(0, POSITIVE, 0, &[1, 2]);
        short.pop();
        fails(short, "bytes");
        let mut claims_more = numeric(0, POSITIVE, 0, &[1]);
        claims_more[0..2].copy_from_slice(&u16::MAX.to_be_bytes());
        fails(claims_more, "bytes");
    }
}
