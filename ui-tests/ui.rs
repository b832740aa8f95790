//! Compile-time rules, proven by programs that must not compile (`fail/`, each with the
//! blessed `.stderr` the user sees) and programs that must (`pass/`).
//! Re-bless after a deliberate change with `TRYBUILD=overwrite cargo test -p sqlwright-ui-tests`,
//! then read every changed `.stderr` as product text.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("fail/*.rs");
    t.pass("pass/*.rs");
}
