//! The reliability probes (`sqlwright_examples::probes`) at a small size; the `probe`
//! example runs them at full size. Each test asserts that its probe found nothing wrong,
//! and that it exercised what it claims to (values with and without NUL, URLs that parse
//! and URLs that do not, committed transactions through restarts).
//!
//! In a debug build: values about 3 s, names under 1 s, URLs under 1 s, restart about 6 s
//! (2 s of it starting the private server).

use sqlwright_examples::probes::{names, restart, urls, values};
use std::time::Duration;

#[test]
fn hostile_values_round_trip_byte_for_byte_or_are_refused_and_inject_nothing() {
    let r = values::run(&values::Options {
        count: 2_000,
        seed: 1,
    })
    .expect("the values probe runs");
    assert!(r.passed(), "{r}\n{}", r.failures);
    let paths = values::PATHS.len() as u64;
    assert_eq!(r.values, 2_000);
    assert_eq!(r.sent, 2_000 * paths);
    assert!(r.with_nul >= 100, "{r}");
    assert_eq!(r.refused, r.with_nul * paths, "{r}");
    assert_eq!(r.round_tripped, (r.values - r.with_nul) * paths, "{r}");
    assert_eq!((r.mismatches, r.injections, r.nul_sent), (0, 0, 0), "{r}");
    assert!(r.longest >= 4096, "a long value is among them: {r}");
}

#[test]
fn hostile_names_create_exactly_the_objects_named() {
    let r = names::run(&names::Options {
        count: 200,
        seed: 1,
    })
    .expect("the names probe runs");
    assert!(r.passed(), "{r}\n{}", r.failures);
    assert_eq!(r.names, 200);
    assert_eq!(r.rounds, 200 / names::NAMES_PER_ROUND);
    assert_eq!(r.rounds_passed, r.rounds, "{r}");
    assert_eq!(r.injections, 0, "{r}");
}

#[test]
fn fuzzed_urls_and_raw_sql_never_panic_and_urls_round_trip_without_showing_passwords() {
    let r = urls::run(&urls::Options {
        count: 20_000,
        seed: 1,
    });
    assert!(r.passed(), "{r}\n{}", r.failures);
    assert_eq!((r.urls, r.texts, r.panics), (20_000, 20_000, 0));
    assert_eq!(r.round_tripped, r.parsed, "{r}");
    assert!(r.parsed >= 5_000 && r.urls - r.parsed >= 5_000, "{r}");
    assert!(r.with_password >= 5_000, "{r}");
    assert!(r.rendered >= 10_000 && r.parameters >= 1_000, "{r}");
}

#[test]
fn transactions_through_restarts_lose_and_duplicate_nothing() {
    let r = restart::run(&restart::Options {
        duration: Duration::from_secs(4),
        restarts: 2,
        threads: 3,
        terminate_every: Some(Duration::from_millis(250)),
    })
    .expect("the restart probe runs");
    assert!(r.passed(), "{r}\n{}", r.failures);
    assert_eq!(r.restarts, 2, "{r}");
    assert!(r.terminated > 0, "{r}");
    assert!(r.committed >= 100 && r.failed > 0, "{r}");
    assert_eq!((r.lost, r.duplicated, r.phantom), (0, 0, 0), "{r}");
}
