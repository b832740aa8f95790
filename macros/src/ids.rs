//! Type-level ids: a name hashed to 32 bits and spelled as `B0<B1<...BEnd>>`.

use proc_macro2::TokenStream;
use quote::quote;

/// FNV-1a, 32 bits: stable across builds and platforms.
pub fn hash(text: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The type `B?<B?<...BEnd>>` for the low `bits` bits of `value`, lowest bit outermost (so
/// that two different ids usually differ at the first step).
pub fn bits(value: u32, bits: u32) -> TokenStream {
    let mut ty = quote!(::sqlwright::__private::BEnd);
    for i in (0..bits).rev() {
        ty = if value >> i & 1 == 1 {
            quote!(::sqlwright::__private::B1<#ty>)
        } else {
            quote!(::sqlwright::__private::B0<#ty>)
        };
    }
    ty
}

/// The id of a source named `kind:name`.
pub fn source_id(kind: &str, name: &str) -> TokenStream {
    bits(hash(&format!("{kind}:{name}")), 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_fnv1a() {
        assert_eq!(hash(""), 0x811c_9dc5);
        assert_eq!(hash("a"), 0xe40c_292c);
    }

    #[test]
    fn bits_spell_the_value_lowest_first() {
        let t = bits(0b10, 2).to_string().replace(' ', "");
        assert_eq!(
            t,
            "::sqlwright::__private::B0<::sqlwright::__private::B1<::sqlwright::__private::BEnd>>"
        );
    }
}
