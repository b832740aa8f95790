//! TLS on loopback: the cost of TLS per query and for a 10 000-row select, sqlwright
//! plain TCP vs sqlwright over TLS vs the `postgres` crate over TLS (tokio-postgres-rustls,
//! the same rustls and `ring`), all on one private cluster with `ssl=on` and a CA and
//! server certificate made here. Both TLS clients verify the chain and the host name
//! (sqlwright `sslmode=verify-full`, postgres with the same root in its rustls config).
//! Rounds are interleaved; the figure is the median of each round's time per call.
//! Run: cargo run --release --bin tls [ROUNDS]

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use sqlwright::prelude::*;
use sqlwright::testing::PrivateServer;
use std::sync::Arc;
use std::time::Instant;

sqlwright::table! {
    big (id) {
        id -> Int4,
        name -> Text,
    }
}

fn certificates() -> (String, String, String) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "bench CA");
    let ca_pem = ca.self_signed(&ca_key).unwrap().pem();
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    (ca_pem, cert.pem(), key.serialize_pem())
}

type Call<'a> = Box<dyn FnMut() -> u64 + 'a>;

/// Interleaved rounds of `calls` calls each; the median time per call of each side, in µs.
fn measure(label: &str, rounds: usize, calls: usize, sides: &mut [(&str, Call<'_>)]) {
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); sides.len()];
    let mut sums = vec![0u64; sides.len()];
    for _ in 0..rounds {
        for (i, (_, call)) in sides.iter_mut().enumerate() {
            let start = Instant::now();
            for _ in 0..calls {
                sums[i] = sums[i].wrapping_add(call());
            }
            times[i].push(start.elapsed().as_secs_f64() * 1e6 / calls as f64);
        }
    }
    assert!(
        sums.windows(2).all(|w| w[0] == w[1]),
        "{label}: results differ"
    );
    let medians: Vec<f64> = times
        .iter_mut()
        .map(|t| {
            t.sort_by(f64::total_cmp);
            t[t.len() / 2]
        })
        .collect();
    let cells: Vec<String> = sides
        .iter()
        .zip(&medians)
        .map(|((name, _), m)| format!("{name} {m:.1} µs"))
        .collect();
    println!(
        "| {label} | {} | TLS/plain {:.2} | sqlwright TLS/postgres TLS {:.2} |",
        cells.join(" | "),
        medians[1] / medians[0],
        medians[1] / medians[2]
    );
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(30);
    let (ca, cert, key) = certificates();
    let server = PrivateServer::start().expect("a private cluster");
    server
        .configure(
            &[
                ("server.crt", cert.as_bytes()),
                ("server.key", key.as_bytes()),
            ],
            "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'",
            None,
        )
        .expect("ssl=on");
    let dir = std::env::temp_dir().join(format!("sqlwright-tls-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, &ca).unwrap();

    let mut base = server.url();
    base.host = Some("localhost".into());
    let plain_url = base.clone().with_param("sslmode", "disable").unwrap();
    let tls_url = base
        .clone()
        .with_param("sslmode", "verify-full")
        .unwrap()
        .with_param("sslrootcert", &ca_file.display().to_string())
        .unwrap();
    let mut plain = sqlwright::Connection::connect_url(&plain_url).unwrap();
    let mut tls = sqlwright::Connection::connect_url(&tls_url).unwrap();
    plain
        .batch_execute(
            "CREATE TABLE big (id int4 PRIMARY KEY, name text NOT NULL);
             INSERT INTO big SELECT g, 'name ' || g FROM generate_series(1, 10000) g; ANALYZE big",
        )
        .unwrap();

    let mut roots = rustls::RootCertStore::empty();
    use rustls::pki_types::pem::PemObject;
    roots
        .add(rustls::pki_types::CertificateDer::from_pem_slice(ca.as_bytes()).unwrap())
        .unwrap();
    #[allow(deprecated)] // ring: what sqlwright uses
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let pg_url = format!(
        "postgresql://postgres:{}@localhost:{}/postgres?sslmode=require",
        server.password(),
        server.port()
    );
    let mut pg = postgres::Client::connect(
        &pg_url,
        tokio_postgres_rustls::MakeRustlsConnect::new(config),
    )
    .expect("postgres connects over TLS");
    let ssl: bool = pg
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(ssl, "the postgres client is on TLS");

    println!("| workload | sqlwright plain | sqlwright TLS | postgres TLS | | |");
    println!("|---|---|---|---|---|---|");
    let one = pg
        .prepare("SELECT id, name FROM big WHERE id = $1")
        .unwrap();
    let all = pg.prepare("SELECT id, name FROM big").unwrap();
    let sw_one = |conn: &mut sqlwright::Connection, id: i32| -> u64 {
        let (i, name) = big::table
            .filter(big::id.eq(id))
            .select((big::id, big::name))
            .one(conn)
            .unwrap();
        i as u64 + name.len() as u64
    };
    let sw_all = |conn: &mut sqlwright::Connection| -> u64 {
        big::table
            .select((big::id, big::name))
            .load(conn)
            .unwrap()
            .iter()
            .map(|(i, n)| *i as u64 + n.len() as u64)
            .sum()
    };
    {
        let (p, t, pg) = (&mut plain, &mut tls, &mut pg);
        let mut n1 = 0;
        let mut n2 = 0;
        let mut n3 = 0;
        let mut sides: Vec<(&str, Call<'_>)> = vec![
            (
                "sqlwright plain",
                Box::new(|| {
                    n1 = n1 % 10_000 + 1;
                    sw_one(p, n1)
                }),
            ),
            (
                "sqlwright TLS",
                Box::new(|| {
                    n2 = n2 % 10_000 + 1;
                    sw_one(t, n2)
                }),
            ),
            (
                "postgres TLS",
                Box::new(|| {
                    n3 = n3 % 10_000 + 1;
                    let row = pg.query_one(&one, &[&n3]).unwrap();
                    row.get::<_, i32>(0) as u64 + row.get::<_, String>(1).len() as u64
                }),
            ),
        ];
        measure("select 1 row (per query)", rounds, 200, &mut sides);
    }
    {
        let (p, t, pg) = (&mut plain, &mut tls, &mut pg);
        let mut sides: Vec<(&str, Call<'_>)> = vec![
            ("sqlwright plain", Box::new(|| sw_all(p))),
            ("sqlwright TLS", Box::new(|| sw_all(t))),
            (
                "postgres TLS",
                Box::new(|| {
                    pg.query(&all, &[])
                        .unwrap()
                        .iter()
                        .map(|r| r.get::<_, i32>(0) as u64 + r.get::<_, String>(1).len() as u64)
                        .sum()
                }),
            ),
        ];
        measure("select 10 000 rows", rounds, 5, &mut sides);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
