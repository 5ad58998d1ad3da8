//! The fixtures' JSON output, byte for byte, as recorded in `tests/golden/`. The exact lists in
//! `tests/check.rs` pin rule, record and place; these pin everything else — every message,
//! responsible, due date and fingerprint — so that an optimisation of the parsers, the
//! interpreter or the indexes cannot change what a user sees without this test saying so.
//!
//! After an intended change of output, rewrite the files with `TILLSYN_BLESS=1 cargo test --test
//! golden` and review the diff.

mod common;

use common::{fixture, run};

fn assert_golden(name: &str) {
    let root = fixture(name);
    let (_, output, errors) = run(&[
        "check",
        root.to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        "2026-11-27",
    ]);
    assert!(errors.is_empty(), "{errors}");
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.json"));
    if std::env::var_os("TILLSYN_BLESS").is_some() {
        std::fs::write(&golden, &output).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&golden).unwrap();
    if output != expected {
        let line = output
            .lines()
            .zip(expected.lines())
            .position(|(got, want)| got != want)
            .map_or(0, |line| line + 1);
        panic!(
            "`check fixtures/{name} --format json` differs from tests/golden/{name}.json from line {line}:\n  got:  {}\n  want: {}\n(rerun with TILLSYN_BLESS=1 if the change is intended)",
            output.lines().nth(line.saturating_sub(1)).unwrap_or(""),
            expected.lines().nth(line.saturating_sub(1)).unwrap_or("")
        );
    }
}

#[test]
fn city_broken_is_unchanged_byte_for_byte() {
    assert_golden("city-broken");
}

#[test]
fn city_clean_is_unchanged_byte_for_byte() {
    assert_golden("city-clean");
}

#[test]
fn the_hostile_fixture_is_unchanged_byte_for_byte() {
    assert_golden("hostile");
}
