//! Names the DDL makes: dollar-quote tags, and index and constraint names that fit
//! PostgreSQL's 63 bytes (with the stable hash that keeps shortened ones apart).

/// A dollar-quote delimiter that `body` does not contain (`$sqlwright$`, else
/// `$sqlwright1$`, `$sqlwright2$`, ...): names in the body are the declaration's, and one
/// holding the delimiter would end the quoted text early.
pub(crate) fn dollar_tag(body: &str) -> String {
    (0..)
        .map(|n| match n {
            0 => "$sqlwright$".to_string(),
            n => format!("$sqlwright{n}$"),
        })
        .find(|tag| !body.contains(tag.as_str()))
        .unwrap_or_default()
}

/// PostgreSQL's longest identifier, in bytes (`NAMEDATALEN - 1`); longer ones are cut.
const MAX_IDENTIFIER: usize = 63;

/// A name for an index or constraint: `name1_name2_label` as PostgreSQL makes one when it
/// fits in 63 bytes. A longer one is shortened as PostgreSQL's `makeObjectName` does (the
/// longer of `name1` and `name2` first, at a character boundary, the label kept) and gets
/// 8 hex digits of a hash of the whole name before its label, so that two tables whose long
/// names share a prefix do not get one index name (index names are unique in a schema). A
/// name already in `used` (two indexes of one table) gets a number after the label
/// (`_idx1`), as PostgreSQL's own choice of names does.
pub(crate) fn object_name(name1: &str, name2: &str, label: &str, used: &mut Vec<String>) -> String {
    let shorten = |text: &str, len: usize| {
        let mut end = len.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        end
    };
    let mut pass = 0usize;
    loop {
        let label = match pass {
            0 => label.to_string(),
            n => format!("{label}{n}"),
        };
        let whole = if name2.is_empty() {
            format!("{name1}_{label}")
        } else {
            format!("{name1}_{name2}_{label}")
        };
        let name = if whole.len() <= MAX_IDENTIFIER {
            whole
        } else {
            let tag = format!("{:08x}", fnv1a(whole.as_bytes()) as u32);
            let room =
                MAX_IDENTIFIER - label.len() - tag.len() - 2 - usize::from(!name2.is_empty());
            let (mut n1, mut n2) = (name1.len(), name2.len());
            while n1 + n2 > room {
                if n1 > n2 {
                    n1 = shorten(name1, n1 - 1);
                } else {
                    n2 = shorten(name2, n2 - 1);
                }
            }
            if name2.is_empty() {
                format!("{}_{tag}_{label}", &name1[..n1])
            } else {
                format!("{}_{}_{tag}_{label}", &name1[..n1], &name2[..n2])
            }
        };
        if !used.contains(&name) {
            used.push(name.clone());
            return name;
        }
        // `used` is finite: some number is free.
        pass += 1;
    }
}

/// FNV-1a, 64 bits: a stable hash (the same name on every build and machine).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
