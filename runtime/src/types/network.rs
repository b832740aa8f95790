//! PostgreSQL's network types: `inet` and `cidr` (an address and a prefix length) and
//! `macaddr`. They are PostgreSQL's only: a column or value of them on SQLite is a compile
//! error naming `NetworkTypes`.
//!
//! | SQL type | loads as | binds from |
//! | --- | --- | --- |
//! | [`Inet`] | `std::net::IpAddr` (a host address: an error for a value with a shorter prefix), `ipnetwork::IpNetwork` | `IpAddr`, [`Network`] |
//! | [`Cidr`] | `ipnetwork::IpNetwork` | [`Network`] |
//! | [`MacAddr`] | `[u8; 6]`, [`MacAddress`] | [`MacAddress`] |
//!
//! `IpNetwork` and `[u8; 6]` belong to other crates, which `postgres-types` cannot send:
//! they bind through the two small wrappers, [`Network`] and [`MacAddress`], which also load
//! arrays (`Vec<MacAddress>`, `Vec<Network>`; `Vec<IpAddr>` for `Array<Inet>`).

use super::decode::FromSqlValue;
use super::{Inet, MacAddr};
use crate::engine::error::DecodeError;
use crate::expr::{AsExpr, Bound, RustValue, SqlValue};
use bytes::BytesMut;
use postgres_types::{IsNull, ToSql, Type};
use std::error::Error as StdError;
use std::net::IpAddr;

/// PostgreSQL's family bytes in the binary form of `inet` and `cidr`.
const FAMILY_V4: u8 = 2;
const FAMILY_V6: u8 = 3;

fn invalid<T>(reason: String) -> DecodeError {
    DecodeError::Invalid {
        rust: std::any::type_name::<T>(),
        reason,
    }
}

/// The bytes of a value of one of `accepted`, or the error for another type or NULL.
fn raw_of<'r, T>(
    ty: &Type,
    raw: Option<&'r [u8]>,
    accepted: &[Type],
) -> Result<&'r [u8], DecodeError> {
    if !accepted.contains(ty) {
        return Err(DecodeError::WrongType {
            rust: std::any::type_name::<T>(),
            sql: ty.name().to_string(),
        });
    }
    raw.ok_or(DecodeError::UnexpectedNull {
        rust: std::any::type_name::<T>(),
    })
}

/// An `inet` or `cidr` in binary form: family, prefix length, is-cidr flag, address length,
/// address.
fn parse_inet<T>(bytes: &[u8]) -> Result<(IpAddr, u8), DecodeError> {
    let [family, bits, _is_cidr, len, address @ ..] = bytes else {
        return Err(invalid::<T>(format!(
            "a network address of {} bytes",
            bytes.len()
        )));
    };
    let ip = match (*family, *len, address) {
        (FAMILY_V4, 4, &[a, b, c, d]) => IpAddr::from([a, b, c, d]),
        (FAMILY_V6, 16, address) if address.len() == 16 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(address);
            IpAddr::from(octets)
        }
        _ => {
            return Err(invalid::<T>(format!(
                "a network address of family {family} and {len} bytes"
            )))
        }
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    if *bits > max {
        return Err(invalid::<T>(format!("a prefix of {bits} bits for {ip}")));
    }
    Ok((ip, *bits))
}

/// Writes `ip/bits` in binary form, as `cidr` when `ty` is.
#[cfg(feature = "ipnetwork")]
fn write_inet(ip: IpAddr, bits: u8, ty: &Type, out: &mut BytesMut) {
    let is_cidr = u8::from(*ty == Type::CIDR);
    match ip {
        IpAddr::V4(v4) => {
            out.extend_from_slice(&[FAMILY_V4, bits, is_cidr, 4]);
            out.extend_from_slice(&v4.octets());
        }
        IpAddr::V6(v6) => {
            out.extend_from_slice(&[FAMILY_V6, bits, is_cidr, 16]);
            out.extend_from_slice(&v6.octets());
        }
    }
}

/// SQLite has no network types (a query reading one does not compile for it); a value
/// that reaches here anyway is an error.
#[cfg(feature = "sqlite")]
fn no_sqlite<T>(value: crate::backend::SqliteValue<'_>) -> Result<T, DecodeError> {
    match value {
        crate::backend::SqliteValue::Null => Err(DecodeError::UnexpectedNull {
            rust: std::any::type_name::<T>(),
        }),
        _ => Err(invalid::<T>("network types are PostgreSQL's only".into())),
    }
}

/// `inet` loads as a host address; a value with a shorter prefix (`10.1.2.3/8`) is an
/// error rather than the address without its prefix.
impl FromSqlValue<Inet> for IpAddr {
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        no_sqlite(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        let (ip, bits) = parse_inet::<Self>(raw_of::<Self>(ty, raw, &[Type::INET])?)?;
        let host = if ip.is_ipv4() { 32 } else { 128 };
        if bits != host {
            return Err(invalid::<Self>(format!(
                "{ip}/{bits} is a network, not a host address; load it as ipnetwork::IpNetwork"
            )));
        }
        Ok(ip)
    }
}
impl super::DefaultRust for Inet {
    type Rust = IpAddr;
}
impl RustValue for IpAddr {}
impl SqlValue<Inet> for IpAddr {}
impl AsExpr<Inet> for IpAddr {
    type Expr = Bound<Inet, IpAddr>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}
impl crate::backend::Encode for IpAddr {
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<crate::backend::SqliteArg<'_>, String> {
        Err("inet values are PostgreSQL's only".into())
    }
}

/// A `macaddr`, to bind (`[u8; 6]` loads, but cannot be sent: it is another crate's type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MacAddress(pub [u8; 6]);

fn decode_mac<T>(ty: &Type, raw: Option<&[u8]>) -> Result<[u8; 6], DecodeError> {
    let bytes = raw_of::<T>(ty, raw, &[Type::MACADDR])?;
    <[u8; 6]>::try_from(bytes)
        .map_err(|_| invalid::<T>(format!("a macaddr takes 6 bytes, {} came", bytes.len())))
}

impl FromSqlValue<MacAddr> for [u8; 6] {
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        no_sqlite(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        decode_mac::<Self>(ty, raw)
    }
}
impl FromSqlValue<MacAddr> for MacAddress {
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        no_sqlite(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        decode_mac::<Self>(ty, raw).map(MacAddress)
    }
}
impl super::DefaultRust for MacAddr {
    type Rust = [u8; 6];
}
impl ToSql for MacAddress {
    fn to_sql(
        &self,
        _: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        out.extend_from_slice(&self.0);
        Ok(IsNull::No)
    }
    fn accepts(ty: &Type) -> bool {
        *ty == Type::MACADDR
    }
    postgres_types::to_sql_checked!();
}
/// Also what `Vec<MacAddress>` loads an `Array<MacAddr>` through.
impl<'a> postgres_types::FromSql<'a> for MacAddress {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        Ok(MacAddress(decode_mac::<Self>(ty, Some(raw))?))
    }
    fn accepts(ty: &Type) -> bool {
        *ty == Type::MACADDR
    }
}
impl RustValue for MacAddress {}
impl SqlValue<MacAddr> for MacAddress {}
impl AsExpr<MacAddr> for MacAddress {
    type Expr = Bound<MacAddr, MacAddress>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}
impl crate::backend::Encode for MacAddress {
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<crate::backend::SqliteArg<'_>, String> {
        Err("macaddr values are PostgreSQL's only".into())
    }
}

#[cfg(feature = "ipnetwork")]
pub use with_ipnetwork::Network;

#[cfg(feature = "ipnetwork")]
mod with_ipnetwork {
    use super::*;
    use crate::types::Cidr;
    use ipnetwork::IpNetwork;

    /// An `ipnetwork::IpNetwork`, to bind as an `inet` or `cidr` (feature `ipnetwork`):
    /// `hosts::net.eq(Network(net))`. `IpNetwork` itself loads from both.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct Network(pub IpNetwork);

    fn decode_network<T>(ty: &Type, raw: Option<&[u8]>) -> Result<IpNetwork, DecodeError> {
        let (ip, bits) = parse_inet::<T>(raw_of::<T>(ty, raw, &[Type::INET, Type::CIDR])?)?;
        IpNetwork::new(ip, bits).map_err(|e| invalid::<T>(e.to_string()))
    }

    macro_rules! network_of {
        ($($st:ident),*) => {$(
            impl FromSqlValue<$st> for IpNetwork {
                #[cfg(feature = "sqlite")]
                fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
                    no_sqlite(value)
                }
                fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
                    decode_network::<Self>(ty, raw)
                }
            }
            impl FromSqlValue<$st> for Network {
                #[cfg(feature = "sqlite")]
                fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
                    no_sqlite(value)
                }
                fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
                    decode_network::<Self>(ty, raw).map(Network)
                }
            }
            impl SqlValue<$st> for Network {}
            impl AsExpr<$st> for Network {
                type Expr = Bound<$st, Network>;
                fn into_expr(self) -> Self::Expr {
                    Bound::new(self)
                }
            }
        )*};
    }
    network_of!(Inet, Cidr);

    impl super::super::DefaultRust for Cidr {
        type Rust = IpNetwork;
    }

    impl ToSql for Network {
        fn to_sql(
            &self,
            ty: &Type,
            out: &mut BytesMut,
        ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
            write_inet(self.0.ip(), self.0.prefix(), ty, out);
            Ok(IsNull::No)
        }
        fn accepts(ty: &Type) -> bool {
            *ty == Type::INET || *ty == Type::CIDR
        }
        postgres_types::to_sql_checked!();
    }
    /// Also what `Vec<Network>` loads an `Array<Inet>` or `Array<Cidr>` through.
    impl<'a> postgres_types::FromSql<'a> for Network {
        fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn StdError + Sync + Send>> {
            Ok(Network(decode_network::<Self>(ty, Some(raw))?))
        }
        fn accepts(ty: &Type) -> bool {
            *ty == Type::INET || *ty == Type::CIDR
        }
    }
    impl RustValue for Network {}
    impl crate::backend::Encode for Network {
        #[cfg(feature = "sqlite")]
        fn to_sqlite(&self) -> Result<crate::backend::SqliteArg<'_>, String> {
            Err("inet and cidr values are PostgreSQL's only".into())
        }
    }
}
