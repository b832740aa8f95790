//! A list as MySQL gets it: one JSON array, read as rows by the `JSON_TABLE` the renderer
//! writes (`SqlWriter::mysql_list`), since MySQL has no array parameters.

use std::fmt::Write as _;

/// The JSON array of `elements`, each already in its MySQL form: integers and finite floats
/// as numbers, NULL as null, text as a string. Anything else (bytes that are not UTF-8,
/// dates) is refused with a reason.
pub(crate) fn json_list(
    elements: impl Iterator<Item = Result<mysql_common::value::Value, String>>,
) -> Result<mysql_common::value::Value, String> {
    let mut json = String::from("[");
    for (i, element) in elements.enumerate() {
        if i > 0 {
            json.push(',');
        }
        match element? {
            mysql_common::value::Value::NULL => json.push_str("null"),
            mysql_common::value::Value::Int(n) => {
                let _ = write!(json, "{n}");
            }
            mysql_common::value::Value::UInt(n) => {
                let _ = write!(json, "{n}");
            }
            mysql_common::value::Value::Float(x) if x.is_finite() => {
                let _ = write!(json, "{x:?}");
            }
            mysql_common::value::Value::Double(x) if x.is_finite() => {
                let _ = write!(json, "{x:?}");
            }
            mysql_common::value::Value::Float(_) | mysql_common::value::Value::Double(_) => {
                return Err("a list holding NaN or an infinity has no JSON form".into())
            }
            mysql_common::value::Value::Bytes(bytes) => match std::str::from_utf8(&bytes) {
                Ok(text) => json_string(&mut json, text),
                Err(_) => return Err("a list of byte strings cannot be sent to MySQL".into()),
            },
            _ => return Err("a list of dates or times cannot be sent to MySQL yet".into()),
        }
    }
    json.push(']');
    Ok(mysql_common::value::Value::Bytes(json.into_bytes()))
}

/// Appends `text` as a JSON string.
fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::json_list;
    use mysql_common::value::Value;

    fn json(values: Vec<Value>) -> Result<String, String> {
        json_list(values.into_iter().map(Ok)).map(|v| match v {
            Value::Bytes(b) => String::from_utf8(b).unwrap(),
            other => panic!("{other:?}"),
        })
    }

    #[test]
    fn numbers_text_and_null_become_a_json_array() {
        let got = json(vec![
            Value::Int(-5),
            Value::UInt(u64::MAX),
            Value::Double(1.5),
            Value::NULL,
            Value::Bytes("a\"b\\c\n'Ёж".into()),
        ]);
        assert_eq!(
            got.unwrap(),
            r#"[-5,18446744073709551615,1.5,null,"a\"b\\c\u000a'Ёж"]"#
        );
        assert_eq!(json(vec![]).unwrap(), "[]");
        assert!(json(vec![Value::Double(f64::NAN)]).is_err());
        assert!(json(vec![Value::Bytes(vec![0xff])]).is_err());
    }
}
