//! The fingerprint that keys a connection's prepared statements.

use postgres_types::Type;

/// A fast 64-bit hash of the pieces of a statement, in the order written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fingerprint(u64);

const SEED: u64 = 0x243f_6a88_85a3_08d3;
const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

impl Fingerprint {
    pub(super) fn new() -> Self {
        Fingerprint(SEED)
    }

    #[inline]
    pub(super) fn word(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(23) ^ w).wrapping_mul(MULTIPLIER);
    }

    #[inline]
    pub(super) fn bytes(&mut self, kind: u8, bytes: &[u8]) {
        self.word(((bytes.len() as u64) << 8) | u64::from(kind));
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            self.word(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.word(u64::from_le_bytes(w));
        }
    }

    pub(super) fn finish(self) -> u64 {
        let mut h = self.0;
        h ^= h >> 31;
        h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^ (h >> 29)
    }

    /// The fingerprint of SQL text sent as it is (raw SQL, transaction control).
    pub(crate) fn of_text(sql: &str, types: &[Type]) -> u64 {
        let mut f = Fingerprint::new();
        f.bytes(b't', sql.as_bytes());
        for ty in types {
            f.word(u64::from(ty.oid()));
        }
        f.finish()
    }
}
