use sqlwright::prelude::*;

sqlwright::table! {
    hosts (id) {
        id -> Int4,
        addr -> Inet,
    }
}

#[allow(dead_code)]
fn addresses(conn: &mut sqlwright::SqliteConnection) -> Result<Vec<std::net::IpAddr>, sqlwright::Error> {
    let addrs = hosts::table.select(hosts::addr).load(conn)?;
    Ok(addrs)
}

fn main() {}
