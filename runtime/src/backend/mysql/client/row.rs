//! Binary result rows (the answer to COM_STMT_EXECUTE), read in place: a row's values
//! are located once (their offsets checked against the packet), then read from the
//! packet's bytes without copying.

use super::packet::protocol;
use super::wire::{Column, Reader, UNSIGNED};
use crate::engine::Error;

// `MYSQL_TYPE_*` (the column types the binary protocol sends in fixed widths).
pub(crate) const TYPE_TINY: u8 = 1;
pub(crate) const TYPE_SHORT: u8 = 2;
pub(crate) const TYPE_LONG: u8 = 3;
pub(crate) const TYPE_FLOAT: u8 = 4;
pub(crate) const TYPE_DOUBLE: u8 = 5;
pub(crate) const TYPE_NULL: u8 = 6;
pub(crate) const TYPE_TIMESTAMP: u8 = 7;
pub(crate) const TYPE_LONGLONG: u8 = 8;
pub(crate) const TYPE_INT24: u8 = 9;
pub(crate) const TYPE_DATE: u8 = 10;
pub(crate) const TYPE_TIME: u8 = 11;
pub(crate) const TYPE_DATETIME: u8 = 12;
pub(crate) const TYPE_YEAR: u8 = 13;
pub(crate) const TYPE_TIMESTAMP2: u8 = 17;
pub(crate) const TYPE_DATETIME2: u8 = 18;
pub(crate) const TYPE_TIME2: u8 = 19;

/// One value of a MySQL row as the server sent it (the binary protocol), borrowed from
/// the row's packet: what [`FromSqlValue::decode_mysql`](crate::types::FromSqlValue)
/// reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MysqlValue<'a> {
    /// NULL.
    Null,
    /// A signed integer (TINYINT to BIGINT, YEAR).
    Int(i64),
    /// An UNSIGNED integer.
    UInt(u64),
    /// A FLOAT.
    Float(f32),
    /// A DOUBLE.
    Double(f64),
    /// Text, binary strings, DECIMAL, JSON, BIT, ENUM, SET... as the server sent them.
    Bytes(&'a [u8]),
    /// DATE, DATETIME, TIMESTAMP: year, month, day, hour, minute, second, microsecond.
    Date(u16, u8, u8, u8, u8, u8, u32),
    /// TIME: negative, days, hours, minutes, seconds, microseconds.
    Time(bool, u32, u8, u8, u8, u32),
}

impl<'a> MysqlValue<'a> {
    /// A view of an owned value (hand-written SQL's rows keep those).
    pub(crate) fn of(value: &'a mysql_common::value::Value) -> MysqlValue<'a> {
        use mysql_common::value::Value;
        match value {
            Value::NULL => MysqlValue::Null,
            Value::Int(n) => MysqlValue::Int(*n),
            Value::UInt(n) => MysqlValue::UInt(*n),
            Value::Float(x) => MysqlValue::Float(*x),
            Value::Double(x) => MysqlValue::Double(*x),
            Value::Bytes(b) => MysqlValue::Bytes(b),
            &Value::Date(y, mo, d, h, mi, s, us) => MysqlValue::Date(y, mo, d, h, mi, s, us),
            &Value::Time(neg, d, h, mi, s, us) => MysqlValue::Time(neg, d, h, mi, s, us),
        }
    }

    /// As an owned value (`mysql_common`'s).
    pub(crate) fn to_value(self) -> mysql_common::value::Value {
        use mysql_common::value::Value;
        match self {
            MysqlValue::Null => Value::NULL,
            MysqlValue::Int(n) => Value::Int(n),
            MysqlValue::UInt(n) => Value::UInt(n),
            MysqlValue::Float(x) => Value::Float(x),
            MysqlValue::Double(x) => Value::Double(x),
            MysqlValue::Bytes(b) => Value::Bytes(b.to_vec()),
            MysqlValue::Date(y, mo, d, h, mi, s, us) => Value::Date(y, mo, d, h, mi, s, us),
            MysqlValue::Time(neg, d, h, mi, s, us) => Value::Time(neg, d, h, mi, s, us),
        }
    }
}

/// Where a value lies in its row's payload; `start == NULL_AT` for NULL.
pub(crate) type Span = (u32, u32);
const NULL_AT: u32 = u32::MAX;

/// Finds the values of a binary row (`payload` starts with its 0x00 header), writing one
/// span per column into `spans` (emptied first). Every length is checked against the
/// payload, and a payload with bytes left over is refused.
pub(crate) fn locate(
    payload: &[u8],
    columns: &[Column],
    spans: &mut Vec<Span>,
) -> Result<(), Error> {
    spans.clear();
    if payload.len() > u32::MAX as usize - 1 {
        return Err(protocol("a row longer than 4 GiB"));
    }
    let mut r = Reader::new(payload, "binary row");
    if r.u8()? != 0x00 {
        return Err(protocol("a binary row without its 0x00 header"));
    }
    // The NULL bitmap has two bits before the first column's.
    let bitmap = r.bytes((columns.len() + 2).div_ceil(8))?;
    let mut at = 1 + bitmap.len();
    for (i, column) in columns.iter().enumerate() {
        let bit = i + 2;
        if bitmap[bit / 8] & (1 << (bit % 8)) != 0 {
            spans.push((NULL_AT, 0));
            continue;
        }
        let rest = &payload[at..];
        let (skip, len) = match column.kind {
            TYPE_TINY => (0, 1),
            TYPE_SHORT | TYPE_YEAR => (0, 2),
            TYPE_LONG | TYPE_INT24 | TYPE_FLOAT => (0, 4),
            TYPE_LONGLONG | TYPE_DOUBLE => (0, 8),
            TYPE_NULL => (0, 0),
            TYPE_DATE | TYPE_DATETIME | TYPE_TIMESTAMP | TYPE_DATETIME2 | TYPE_TIMESTAMP2 => {
                let len = *rest
                    .first()
                    .ok_or_else(|| protocol("a truncated binary row"))?;
                if !matches!(len, 0 | 4 | 7 | 11) {
                    return Err(protocol(format!("a date of {len} bytes")));
                }
                (1, usize::from(len))
            }
            TYPE_TIME | TYPE_TIME2 => {
                let len = *rest
                    .first()
                    .ok_or_else(|| protocol("a truncated binary row"))?;
                if !matches!(len, 0 | 8 | 12) {
                    return Err(protocol(format!("a time of {len} bytes")));
                }
                (1, usize::from(len))
            }
            _ => {
                let mut lr = Reader::new(rest, "binary row");
                let len = lr.lenenc()?;
                let skip = rest.len() - lr.rest().len();
                let len = usize::try_from(len).map_err(|_| protocol("a truncated binary row"))?;
                (skip, len)
            }
        };
        let end = skip
            .checked_add(len)
            .filter(|&end| end <= rest.len())
            .ok_or_else(|| protocol("a truncated binary row"))?;
        spans.push(((at + skip) as u32, len as u32));
        at += end;
    }
    if at != payload.len() {
        return Err(protocol("a binary row with bytes after its last value"));
    }
    Ok(())
}

/// A binary row: its payload, its columns, and where each value lies.
#[derive(Clone, Copy)]
pub(crate) struct Row<'a> {
    pub(crate) payload: &'a [u8],
    pub(crate) columns: &'a [Column],
    pub(crate) spans: &'a [Span],
}

impl<'a> Row<'a> {
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    pub(crate) fn is_null(&self, i: usize) -> bool {
        self.spans.get(i).is_some_and(|s| s.0 == NULL_AT)
    }

    /// Value `i`, `None` past the last column (the spans and the temporal values'
    /// lengths were checked by [`locate`]).
    pub(crate) fn value(&self, i: usize) -> Option<MysqlValue<'a>> {
        let &(start, len) = self.spans.get(i)?;
        if start == NULL_AT {
            return Some(MysqlValue::Null);
        }
        let column = &self.columns[i];
        let b = &self.payload[start as usize..start as usize + len as usize];
        let unsigned = column.flags & UNSIGNED != 0;
        let le = |n: usize| {
            let mut x = [0u8; 8];
            x[..n].copy_from_slice(&b[..n]);
            u64::from_le_bytes(x)
        };
        let int = |n: usize| {
            let raw = le(n);
            if unsigned {
                MysqlValue::UInt(raw)
            } else {
                // Sign-extend from n bytes.
                let shift = 64 - 8 * n as u32;
                MysqlValue::Int(((raw << shift) as i64) >> shift)
            }
        };
        Some(match column.kind {
            TYPE_TINY => int(1),
            TYPE_SHORT | TYPE_YEAR => int(2),
            TYPE_LONG | TYPE_INT24 => int(4),
            TYPE_LONGLONG => int(8),
            TYPE_FLOAT => MysqlValue::Float(f32::from_bits(le(4) as u32)),
            TYPE_DOUBLE => MysqlValue::Double(f64::from_bits(le(8))),
            TYPE_NULL => MysqlValue::Null,
            TYPE_DATE | TYPE_DATETIME | TYPE_TIMESTAMP | TYPE_DATETIME2 | TYPE_TIMESTAMP2 => {
                date(b)
            }
            TYPE_TIME | TYPE_TIME2 => time(b),
            _ => MysqlValue::Bytes(b),
        })
    }

    /// The name of column `i`.
    pub(crate) fn column_name(&self, i: usize) -> Option<&'a str> {
        self.columns.get(i).map(|c| &*c.name)
    }
}

fn date(b: &[u8]) -> MysqlValue<'_> {
    let (mut y, mut mo, mut d, mut h, mut mi, mut s, mut us) = (0, 0, 0, 0, 0, 0, 0);
    match b.len() {
        0 => {}
        4 | 7 | 11 => {
            y = u16::from_le_bytes([b[0], b[1]]);
            mo = b[2];
            d = b[3];
            if b.len() >= 7 {
                (h, mi, s) = (b[4], b[5], b[6]);
            }
            if b.len() == 11 {
                us = u32::from_le_bytes([b[7], b[8], b[9], b[10]]);
            }
        }
        _ => {}
    }
    MysqlValue::Date(y, mo, d, h, mi, s, us)
}

fn time(b: &[u8]) -> MysqlValue<'_> {
    match b.len() {
        8 | 12 => {
            let days = u32::from_le_bytes([b[1], b[2], b[3], b[4]]);
            let us = if b.len() == 12 {
                u32::from_le_bytes([b[8], b[9], b[10], b[11]])
            } else {
                0
            };
            MysqlValue::Time(b[0] == 1, days, b[5], b[6], b[7], us)
        }
        _ => MysqlValue::Time(false, 0, 0, 0, 0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(kind: u8, flags: u16) -> Column {
        Column {
            name: "c".into(),
            kind,
            flags,
            charset: 63,
            def: Box::new([]),
        }
    }

    #[test]
    fn rows_are_read_in_place_and_checked() {
        let columns = [
            col(TYPE_LONGLONG, 0),
            col(3, UNSIGNED),
            col(253, 0),
            col(TYPE_TINY, 0),
        ];
        // header, bitmap (bit 2+3 = column 1... here column 3 NULL: bit 5), values
        let mut p = vec![0x00, 0b0010_0000];
        p.extend_from_slice(&(-5i64).to_le_bytes());
        p.extend_from_slice(&u32::MAX.to_le_bytes());
        p.extend_from_slice(&[3, b'a', b'b', b'c']);
        let mut spans = Vec::new();
        locate(&p, &columns, &mut spans).unwrap();
        let row = Row {
            payload: &p,
            columns: &columns,
            spans: &spans,
        };
        assert_eq!(row.value(0).unwrap(), MysqlValue::Int(-5));
        assert_eq!(row.value(1).unwrap(), MysqlValue::UInt(u64::from(u32::MAX)));
        assert_eq!(row.value(2).unwrap(), MysqlValue::Bytes(b"abc"));
        assert!(row.is_null(3));
        assert!(row.value(4).is_none());
        // Every truncation of it is an error, never a panic.
        for cut in 0..p.len() {
            assert!(
                locate(&p[..cut], &columns, &mut spans).is_err(),
                "cut at {cut}"
            );
        }
        // A string length past the end, and bytes left over.
        let mut long = p.clone();
        long[14] = 0xFC;
        assert!(locate(&long, &columns, &mut spans).is_err());
        let mut extra = p.clone();
        extra.push(0);
        assert!(locate(&extra, &columns, &mut spans).is_err());
    }

    #[test]
    fn small_signed_integers_are_sign_extended() {
        let columns = [
            col(TYPE_TINY, 0),
            col(TYPE_SHORT, 0),
            col(TYPE_TINY, UNSIGNED),
        ];
        let p = [0x00, 0x00, 0xFF, 0xFE, 0xFF, 0xFF];
        let mut spans = Vec::new();
        locate(&p, &columns, &mut spans).unwrap();
        let row = Row {
            payload: &p,
            columns: &columns,
            spans: &spans,
        };
        assert_eq!(row.value(0).unwrap(), MysqlValue::Int(-1));
        assert_eq!(row.value(1).unwrap(), MysqlValue::Int(-2));
        assert_eq!(row.value(2).unwrap(), MysqlValue::UInt(255));
    }
}
