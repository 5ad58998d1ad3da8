//! Benchmark: discover, parse and validate 100,000 information-asset records spread over 100 JSON
//! files (issue target: under 2 s on a 2-core machine, release build).
//!
//! Run with `cargo bench --bench parse_validate`. It prints the best and the median of several
//! runs; it is a benchmark, not a test, and does not run in CI.

use std::path::Path;

// Measure what the binary runs: it uses mimalloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::{Duration, Instant};

const FILES: usize = 100;
const RECORDS_PER_FILE: usize = 1_000;
const RUNS: usize = 5;

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    generate(dir.path());
    let config = tillsyn::config::Config::default();
    // Only the built-in findings: this benchmark measures reading and validation.
    let selection = tillsyn::rules::Selection {
        select: Some(["PARSE", "SRC", "SCH", "XRF"].map(String::from).to_vec()),
        ignore: Vec::new(),
    };
    let rules = tillsyn::rules::RuleSet::load(dir.path(), &config, &selection)
        .expect("the default packs load");
    let today = jiff::civil::date(2026, 11, 27);
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let result = tillsyn::check::check(
            dir.path(),
            &config,
            &rules,
            &tillsyn::followup::ledger::Ledger::empty(),
            today,
        )
        .expect("the check runs")
        .outcome;
        times.push(started.elapsed());
        assert_eq!(
            result.records,
            FILES * RECORDS_PER_FILE + 3,
            "every record is read"
        );
        assert_eq!(
            result.findings.len(),
            FILES * 10,
            "the planted defects are found"
        );
    }
    times.sort();
    println!(
        "parse_validate: {} records in {FILES} JSON files: best {:.3} s, median {:.3} s ({} runs)",
        FILES * RECORDS_PER_FILE,
        times[0].as_secs_f64(),
        times[RUNS / 2].as_secs_f64(),
        RUNS
    );
}

/// A unit, a role and an assignment that every asset references, and 100 files of assets, ten
/// of each file's records with a defect (a missing unit reference).
fn generate(root: &Path) {
    std::fs::write(
        root.join("organisation.json"),
        r#"{"kind": "org_unit", "records": [{"id": "UN", "name": "Utbildningsnämnden", "unit_type": "committee", "is_controller": true}]}"#,
    )
    .expect("write");
    std::fs::write(
        root.join("roles.json"),
        r#"{"kind": "role", "records": [{"id": "ROLE-IAO", "title": "Informationsägare", "function": "information_owner", "is_owner_role": true, "authority_level": 3}]}"#,
    )
    .expect("write");
    std::fs::write(
        root.join("assignments.json"),
        r#"{"kind": "role_assignment", "records": [{"id": "RA-UN-IAO", "role": "ROLE-IAO", "scope_unit": "UN", "holder_unit": "UN", "valid_from": "2023-01-01"}]}"#,
    )
    .expect("write");
    for file in 0..FILES {
        let mut text = String::from("{\n  \"kind\": \"information_asset\",\n  \"records\": [\n");
        for record in 0..RECORDS_PER_FILE {
            let unit = if record % 100 == 0 { "NOPE" } else { "UN" };
            if record > 0 {
                text.push_str(",\n");
            }
            text.push_str(&format!(
                "    {{\"id\": \"IA-{file:03}-{record:04}\", \"name\": \"Register {record} för verksamhet {file}\", \
                 \"definition\": \"Uppgifter som verksamheten behöver för ärende {record}.\", \"unit\": \"{unit}\", \
                 \"owner\": \"RA-UN-IAO\", \"classification\": {{\"confidentiality\": {}, \"integrity\": 2, \
                 \"availability\": 1, \"classified_on\": \"2026-01-15\", \"classified_by\": \"RA-UN-IAO\"}}, \
                 \"contains_personal_data\": {}, \"special_categories\": false, \"storage_form\": \"digital\", \
                 \"tags\": [\"register\", \"utbildning\"]}}",
                record % 4,
                record % 2 == 0
            ));
        }
        text.push_str("\n  ]\n}\n");
        std::fs::write(root.join(format!("assets-{file:03}.json")), text).expect("write");
    }
}
