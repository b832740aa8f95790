//! The `tls-server-end-point` data SCRAM's channel binding signs: the server certificate's
//! hash, by the hash its signature algorithm names (read from the certificate's DER).

/// The `tls-server-end-point` channel binding data (RFC 5929 section 4.1): the hash of
/// the certificate's DER with the hash of its signature algorithm, SHA-256 for MD5 and
/// SHA-1. `None` when the algorithm names no hash (Ed25519, RSA-PSS): PostgreSQL then
/// offers no binding either.
pub(in crate::engine::wire) fn server_end_point(cert: &[u8]) -> Option<Vec<u8>> {
    use ring::digest;
    let algorithm = match signature_oid(cert)? {
        // md5WithRSAEncryption, sha1WithRSAEncryption, sha256WithRSAEncryption
        [42, 134, 72, 134, 247, 13, 1, 1, 4 | 5 | 11] => &digest::SHA256,
        // sha384WithRSAEncryption, sha512WithRSAEncryption
        [42, 134, 72, 134, 247, 13, 1, 1, 12] => &digest::SHA384,
        [42, 134, 72, 134, 247, 13, 1, 1, 13] => &digest::SHA512,
        // ecdsa-with-SHA1
        [42, 134, 72, 206, 61, 4, 1] => &digest::SHA256,
        // ecdsa-with-SHA256, -SHA384, -SHA512
        [42, 134, 72, 206, 61, 4, 3, 2] => &digest::SHA256,
        [42, 134, 72, 206, 61, 4, 3, 3] => &digest::SHA384,
        [42, 134, 72, 206, 61, 4, 3, 4] => &digest::SHA512,
        _ => return None,
    };
    Some(digest::digest(algorithm, cert).as_ref().to_vec())
}

/// The OID of a certificate's `signatureAlgorithm`: `Certificate ::= SEQUENCE {
/// tbsCertificate, signatureAlgorithm SEQUENCE { algorithm OID, ... }, signature }`.
pub(super) fn signature_oid(cert: &[u8]) -> Option<&[u8]> {
    let (tag, body, _) = der_item(cert)?;
    if tag != 0x30 {
        return None;
    }
    let (_, _, rest) = der_item(body)?; // tbsCertificate
    let (tag, algorithm, _) = der_item(rest)?;
    if tag != 0x30 {
        return None;
    }
    let (tag, oid, _) = der_item(algorithm)?;
    (tag == 0x06).then_some(oid)
}

/// One DER item at the front of `data`: its tag, its contents, and what follows it.
pub(super) fn der_item(data: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *data.first()?;
    let first = *data.get(1)?;
    let (len, head) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let mut len = 0usize;
        for b in data.get(2..2 + count)? {
            len = (len << 8) | usize::from(*b);
        }
        (len, 2 + count)
    };
    let end = head.checked_add(len)?;
    Some((tag, data.get(head..end)?, data.get(end..)?))
}
