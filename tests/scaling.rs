//! Scaling guard: the rules' work grows linearly with the repository. Work is counted by the
//! interpreter (expression steps, loop iterations and index entries read), not timed, so this
//! test is exact on any machine: a rule or function that scans another kind per record — a
//! quadratic cross-reference — makes the work per record grow with the city and fails it.

#[path = "../benches/generator/mod.rs"]
mod generator;

use tillsyn::followup::ledger::Ledger;
use tillsyn::rules::{RuleSet, Selection};

/// A rule that reads, for every asset, all the records that refer to the asset's unit: the
/// units grow with the city, so the work per asset does too.
const QUADRATIC_PACK: &str = r#"[[rule]]
id = "LOC900"
title = "Asset whose unit has no other assets"
severity = "low"
kind = "information_asset"
assert = 'size(referrers(ref("org_unit", self.unit), "information_asset", "unit")) > 1'
message = "{self.name} is alone in its unit"
rationale = "A deliberately quadratic rule, to show that the scaling guard catches one."
remediation = "None."
references = []
"#;

/// Records checked and the rules' work, for a generated city of `assets` information assets,
/// with the default pack and, if given, a pack of the repository's own.
fn work_for(assets: usize, own_pack: Option<&str>) -> (usize, u64) {
    let dir = tempfile::tempdir().unwrap();
    let written = generator::generate(dir.path(), &generator::Size::new(assets));
    // The generated tillsyn.toml maps its CSV register to a kind.
    let mut config =
        tillsyn::config::load(dir.path(), None, &tillsyn::schema::kind_names()).unwrap();
    if let Some(pack) = own_pack {
        let pack_dir = dir.path().join(".rules");
        std::fs::create_dir_all(&pack_dir).unwrap();
        std::fs::write(pack_dir.join("local.toml"), pack).unwrap();
        config.rule_paths = vec![".rules".into()];
    }
    let rules = RuleSet::load(dir.path(), &config, &Selection::default()).unwrap();
    let today = jiff::civil::date(2026, 11, 27);
    let result = tillsyn::check::check(dir.path(), &config, &rules, &Ledger::empty(), today)
        .unwrap()
        .outcome;
    assert_eq!(result.records, written, "every generated record is read");
    (result.records, result.rule_work)
}

/// Work per record at 2,000 and at 20,000 assets.
fn work_per_record(own_pack: Option<&str>) -> (f64, f64) {
    let (small_records, small_work) = work_for(2_000, own_pack);
    let (large_records, large_work) = work_for(20_000, own_pack);
    let small = small_work as f64 / small_records as f64;
    let large = large_work as f64 / large_records as f64;
    eprintln!(
        "work per record: {small:.1} at {small_records} records, {large:.1} at {large_records}"
    );
    (small, large)
}

#[test]
fn the_whole_pack_does_linear_work_in_the_size_of_the_city() {
    let (small, large) = work_per_record(None);
    assert!(
        large <= small * 1.25,
        "the rules' work per record grew from {small:.1} to {large:.1} when the city grew tenfold: \
         something scans per record"
    );
}

#[test]
fn the_guard_catches_a_rule_that_reads_a_growing_index_per_record() {
    let (small, large) = work_per_record(Some(QUADRATIC_PACK));
    assert!(
        large > small * 1.25,
        "a per-asset scan of the unit's referrers should grow the work per record ({small:.1} → {large:.1})"
    );
}

/// The rules' work per unit for `units` departments under one administration, each asked for
/// its assignments by a rule of the repository's own.
fn assignment_work_per_unit(units: usize) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let mut records = vec![serde_json::json!({
        "id": "ADM", "name": "Förvaltningen", "unit_type": "administration", "is_controller": false
    })];
    for index in 0..units {
        records.push(serde_json::json!({
            "id": format!("D-{index}"), "name": format!("Avdelning {index}"),
            "unit_type": "department", "parent": "ADM", "is_controller": false
        }));
    }
    let file = serde_json::json!({ "kind": "org_unit", "records": records });
    std::fs::write(dir.path().join("units.json"), file.to_string()).unwrap();
    std::fs::create_dir_all(dir.path().join(".rules")).unwrap();
    std::fs::write(
        dir.path().join(".rules/local.toml"),
        r#"[[rule]]
id = "LOC901"
title = "Unit without a coordinator"
severity = "low"
kind = "org_unit"
assert = 'size(assignments(self, "information_security_coordinator")) >= 0'
message = "never"
rationale = "Reads every unit's assignments, up its parents."
remediation = "None."
references = []
"#,
    )
    .unwrap();
    let mut config =
        tillsyn::config::load(dir.path(), None, &tillsyn::schema::kind_names()).unwrap();
    config.rule_paths = vec![".rules".into()];
    config.select = Some(vec!["LOC901".into()]);
    let rules = RuleSet::load(dir.path(), &config, &Selection::default()).unwrap();
    let today = jiff::civil::date(2026, 11, 27);
    let result = tillsyn::check::check(dir.path(), &config, &rules, &Ledger::empty(), today)
        .unwrap()
        .outcome;
    result.rule_work as f64 / result.records as f64
}

#[test]
fn assignments_of_units_under_one_parent_take_linear_work() {
    let (small, large) = (
        assignment_work_per_unit(2_000),
        assignment_work_per_unit(20_000),
    );
    eprintln!("assignments() work per unit: {small:.1} at 2,000 units, {large:.1} at 20,000");
    assert!(
        large <= small * 1.25,
        "asking each unit for its assignments grew from {small:.1} to {large:.1} steps per unit when the units grew tenfold: it scans the parent's referrers"
    );
}

/// The rules' work per committee for `count` committees and `count` expired policies that
/// apply to all committees, with DOC008 (every committee needs an information-security policy
/// in force) asking each committee for the documents that cover it.
fn coverage_work_per_committee(count: usize) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let mut units = vec![serde_json::json!({
        "id": "KF", "name": "Kommunfullmäktige", "unit_type": "council", "is_controller": false
    })];
    let mut documents = Vec::new();
    for index in 0..count {
        units.push(serde_json::json!({
            "id": format!("N-{index}"), "name": format!("Nämnd {index}"),
            "unit_type": "committee", "parent": "KF", "is_controller": true
        }));
        documents.push(serde_json::json!({
            "id": format!("DOC-{index}"), "title": format!("Policy {index}"),
            "doc_kind": "policy", "topic": "information_security", "decided_by": "KF",
            "applies_to": ["all_committees"], "registry_number": format!("KS 2020/{index}"),
            "decision": { "body": "KF", "date": "2020-01-01", "paragraph": 1 },
            "valid_from": "2020-01-01", "valid_to": "2021-01-01", "last_revised": "2020-01-01",
            "review_interval": "P12M"
        }));
    }
    for (name, kind, records) in [
        ("units.json", "org_unit", units),
        ("documents.json", "governing_document", documents),
    ] {
        let file = serde_json::json!({ "kind": kind, "records": records });
        std::fs::write(dir.path().join(name), file.to_string()).unwrap();
    }
    let mut config =
        tillsyn::config::load(dir.path(), None, &tillsyn::schema::kind_names()).unwrap();
    config.select = Some(vec!["DOC008".into()]);
    let rules = RuleSet::load(dir.path(), &config, &Selection::default()).unwrap();
    let today = jiff::civil::date(2026, 11, 27);
    // Each chunk of records gets a machine, which computes a loop over the shared list once: a
    // kind of more than a thousand records is evaluated in the same number of chunks on any
    // machine, so both sizes below have the same.
    let result = tillsyn::check::check(dir.path(), &config, &rules, &Ledger::empty(), today)
        .unwrap()
        .outcome;
    let listed = result
        .findings
        .iter()
        .filter(|finding| finding.rule == "DOC008")
        .count();
    assert!(listed >= count.min(1_000), "every committee fails DOC008");
    result.rule_work as f64 / count as f64
}

#[test]
fn committees_covered_by_the_same_policies_take_linear_work() {
    // Without keeping a loop's value per list, each committee walked every policy: the work
    // per committee grew with the policies (8,000 × 8,000 took 24 s).
    let (small, large) = (
        coverage_work_per_committee(1_000),
        coverage_work_per_committee(10_000),
    );
    eprintln!("DOC008 work per committee: {small:.1} at 1,000, {large:.1} at 10,000");
    assert!(
        large <= small * 1.25,
        "DOC008's work per committee grew from {small:.1} to {large:.1} steps when committees and policies grew tenfold"
    );
}
