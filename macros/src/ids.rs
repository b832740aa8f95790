//! Type-level ids: a name hashed to 32 bits and spelled in hexadecimal digits,
//! `X3<XA<...BEnd>>`.

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

/// The type `X?<X?<...BEnd>>` for the low `bits` bits of `value` (a multiple of 4), one
/// hexadecimal digit a step, lowest digit outermost (so that two different ids usually
/// differ at the first step, and two equal ones are walked in `bits / 4` steps).
pub fn bits(value: u32, bits: u32) -> TokenStream {
    let mut ty = quote!(::sqlwright::__private::BEnd);
    for i in (0..bits / 4).rev() {
        let digit = quote::format_ident!("X{:X}", value >> (4 * i) & 0xF);
        ty = quote!(::sqlwright::__private::#digit<#ty>);
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
    fn bits_spell_the_value_lowest_digit_first() {
        let t = bits(0xA2, 8).to_string().replace(' ', "");
        assert_eq!(
            t,
            "::sqlwright::__private::X2<::sqlwright::__private::XA<::sqlwright::__private::BEnd>>"
        );
    }
}
