//! The fingerprint that keys a connection's prepared statements.

use postgres_types::Type;

/// A fast 64-bit hash of the pieces of a statement, in the order written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// A second hash of a statement's parameter types, independent of [`Fingerprint`] (its own
/// seed, multiplier and finish): the statement cache's guard against two statements whose
/// fingerprints collide but whose parameter types differ. Comparing it stands in for
/// comparing the types one by one on every cache hit, and lets a statement rendered
/// without its text skip collecting the types at all.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TypesKey(u64);

impl TypesKey {
    pub(crate) const fn new() -> Self {
        TypesKey(0x1319_8a2e_0370_7344)
    }

    /// Adds the next parameter's type, by its oid.
    #[inline]
    pub(crate) fn add(&mut self, oid: u32) {
        self.0 = (self.0 ^ u64::from(oid))
            .wrapping_mul(0xff51_afd7_ed55_8ccd)
            .rotate_left(29);
    }

    pub(crate) fn finish(self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }

    /// The key of a list of parameter types.
    pub(crate) fn of(types: &[Type]) -> u64 {
        let mut k = TypesKey::new();
        for ty in types {
            k.add(ty.oid());
        }
        k.finish()
    }
}
