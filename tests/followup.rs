//! Systematic follow-up through time: a repository played forward with `--as-of`, the ledger
//! asserted after every step; exceptions, escalation, `--new-only`, `followup`, and a ledger that
//! is never corrupted.

mod common;

use std::path::Path;

use common::run;
use serde_json::Value;

const RULES: &str = "OWN001,OWN004,EXC001";

fn write(root: &Path, name: &str, text: &str) {
    std::fs::write(root.join(name), text).unwrap();
}

/// The small city (common::small_city): an asset without owner (OWN001, critical) and one
/// without a definition (OWN004, medium).
fn city(root: &Path) {
    write(
        root,
        "tillsyn.toml",
        "[params]\ndue_in = { critical = \"P30D\", high = \"P90D\", medium = \"P60D\", low = \"P365D\", info = \"\" }\n",
    );
    common::small_city(root);
}

fn assets(root: &Path, ia2_defined: bool) {
    common::small_city_assets(root, false, ia2_defined);
}

fn check(root: &Path, as_of: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "check",
        root.to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        as_of,
        "--select",
        RULES,
    ];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run(&args);
    (
        code,
        serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("{error}: {stdout}{stderr}")),
    )
}

/// The ledger as lines: `rule record state first_seen due resolved_on reopened_on exception escalation`.
fn ledger_lines(root: &Path) -> Vec<String> {
    let ledger: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("tillsyn-ledger.json")).unwrap())
            .unwrap();
    let text = |value: &Value| value.as_str().unwrap_or("-").to_string();
    let mut lines: Vec<String> = ledger["findings"]
        .as_object()
        .unwrap()
        .values()
        .map(|entry| {
            let exception = entry["exception"]["exception"]
                .as_str()
                .unwrap_or("-")
                .to_string();
            let escalation = match &entry["escalation"] {
                Value::Null => "-".to_string(),
                escalation => format!(
                    "{}+{}",
                    text(&escalation["unit"]),
                    escalation["overdue_days"]
                ),
            };
            format!(
                "{} {} {} {} {} {} {} {} {}",
                text(&entry["rule"]),
                text(&entry["record"]),
                text(&entry["state"]),
                text(&entry["first_seen"]),
                text(&entry["due"]),
                text(&entry["resolved_on"]),
                text(&entry["reopened_on"]),
                exception,
                escalation
            )
        })
        .collect();
    lines.sort();
    lines
}

fn last_run(root: &Path) -> Value {
    let ledger: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("tillsyn-ledger.json")).unwrap())
            .unwrap();
    ledger["runs"].as_array().unwrap().last().unwrap().clone()
}

#[test]
fn a_repository_played_through_time() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    city(root);

    // Day 1: every finding is new.
    let (code, json) = check(root, "2026-01-01", &["--ledger"]);
    assert_eq!(code, 1);
    assert_eq!(
        json["findings"][0]["responsible"]["basis"],
        "infosec_coordinator"
    );
    assert_eq!(json["findings"][0]["responsible"]["holder"], "Sara Lind");
    assert_eq!(
        ledger_lines(root),
        [
            "OWN001 IA-1 new 2026-01-01 2026-01-31 - - - -",
            "OWN004 IA-2 new 2026-01-01 2026-03-02 - - - -",
        ]
    );
    assert_eq!(last_run(root)["states"], serde_json::json!({"new": 2}));

    // Day 10: IA-2 gains its definition: resolved, and kept.
    assets(root, true);
    check(root, "2026-01-10", &["--ledger"]);
    assert_eq!(
        ledger_lines(root),
        [
            "OWN001 IA-1 open 2026-01-01 2026-01-31 - - - -",
            "OWN004 IA-2 resolved 2026-01-01 2026-03-02 2026-01-10 - - -",
        ]
    );

    // Day 20: it is lost again: reopened, due anew from today.
    assets(root, false);
    let (_, json) = check(root, "2026-01-20", &["--ledger"]);
    assert_eq!(json["findings"][1]["state"], "reopened");
    assert_eq!(
        ledger_lines(root),
        [
            "OWN001 IA-1 open 2026-01-01 2026-01-31 - - - -",
            "OWN004 IA-2 reopened 2026-01-01 2026-03-21 - 2026-01-20 - -",
        ]
    );

    // Day 30: an exception accepts OWN001 on IA-1 until 2026-03-31.
    write(
        root,
        "exceptions.yaml",
        "kind: exception\nid: EXC-1\nrule: OWN001\ntargets: [\"information_asset:IA-1\"]\n\
         justification: Ägarskapet utreds i samband med omorganisationen.\nrequested_by: RA-UN-IAO\n\
         approved_by: RA-KS-KD\napproved_on: 2026-01-30\nexpires_on: 2026-03-31\n",
    );
    let (code, json) = check(root, "2026-01-30", &["--ledger"]);
    assert_eq!(
        code, 0,
        "an accepted finding does not fail the run: {json:#}"
    );
    assert_eq!(json["summary"]["accepted"], 1);
    assert_eq!(
        json["findings"][0]["exception"],
        serde_json::json!({"exception": "EXC-1", "expires_on": "2026-03-31"})
    );
    assert_eq!(
        ledger_lines(root),
        [
            "OWN001 IA-1 accepted 2026-01-01 2026-01-31 - - EXC-1 -",
            "OWN004 IA-2 open 2026-01-01 2026-03-21 - 2026-01-20 - -",
        ]
    );

    // Day 60: still accepted, though past due.
    check(root, "2026-03-01", &["--ledger"]);
    assert_eq!(
        ledger_lines(root),
        [
            "OWN001 IA-1 accepted 2026-01-01 2026-01-31 - - EXC-1 -",
            "OWN004 IA-2 open 2026-01-01 2026-03-21 - 2026-01-20 - -",
        ]
    );

    // Day 91: the exception has expired: EXC001 fires, OWN001 counts again, overdue by 60 days
    // and escalated from UN to its parent KF.
    let (code, _) = check(root, "2026-04-01", &["--ledger"]);
    assert_eq!(code, 1);
    assert_eq!(
        ledger_lines(root),
        [
            "EXC001 EXC-1 new 2026-04-01 2026-06-30 - - - -",
            "OWN001 IA-1 overdue 2026-01-01 2026-01-31 - - - KF+60",
            "OWN004 IA-2 overdue 2026-01-01 2026-03-21 - 2026-01-20 - -",
        ]
    );

    // Day 200: the rest are overdue, and escalated once more than 30 days late.
    check(root, "2026-07-19", &["--ledger"]);
    assert_eq!(
        ledger_lines(root),
        [
            "EXC001 EXC-1 overdue 2026-04-01 2026-06-30 - - - -",
            "OWN001 IA-1 overdue 2026-01-01 2026-01-31 - - - KF+169",
            "OWN004 IA-2 overdue 2026-01-01 2026-03-21 - 2026-01-20 - KF+120",
        ]
    );
    let ledger: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("tillsyn-ledger.json")).unwrap())
            .unwrap();
    let days: Vec<&str> = ledger["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|run| run["as_of"].as_str().unwrap())
        .collect();
    assert_eq!(
        days,
        [
            "2026-01-01",
            "2026-01-10",
            "2026-01-20",
            "2026-01-30",
            "2026-03-01",
            "2026-04-01",
            "2026-07-19"
        ]
    );
    assert_eq!(last_run(root)["states"], serde_json::json!({"overdue": 3}));

    // The ledger validates against its schema.
    let schema: Value =
        serde_json::from_str(include_str!("../schemas/ledger.schema.json")).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&ledger)
        .map(|error| error.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn new_only_gates_only_what_the_ledger_does_not_know() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    city(root);
    check(root, "2026-01-01", &["--ledger"]);
    // Old debt does not fail the gate …
    assert_eq!(check(root, "2026-01-02", &["--new-only"]).0, 0);
    // … new debt does.
    write(
        root,
        "more.yaml",
        "kind: information_asset\nid: IA-3\nname: Ny\ndefinition: Ny.\nunit: UTBF\n\
         classification: { confidentiality: 1, integrity: 1, availability: 1 }\ncontains_personal_data: false\n",
    );
    assert_eq!(check(root, "2026-01-02", &["--new-only"]).0, 1);
}

#[test]
fn followup_groups_by_responsible_overdue_first_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    city(root);
    check(root, "2026-01-01", &["--ledger"]);
    let before = std::fs::read_to_string(root.join("tillsyn-ledger.json")).unwrap();
    let args = |format: &'static str| {
        vec![
            "followup",
            root.to_str().unwrap(),
            "--as-of",
            "2026-02-15",
            "--format",
            format,
        ]
    };
    let (code, stdout, stderr) = run(&args("json"));
    assert_eq!(code, 0, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let groups = json["groups"].as_array().unwrap();
    // Sara Lind (the coordinator, for IA-1 without owner) has the overdue one and comes first.
    assert_eq!(groups[0]["holder"], "Sara Lind");
    assert_eq!(groups[0]["overdue"], 1);
    assert_eq!(groups[0]["findings"][0]["rule"], "OWN001");
    assert_eq!(groups[0]["findings"][0]["state"], "overdue");
    assert!(
        groups
            .iter()
            .any(|group| group["holder"] == "Utbildningsnämnden")
    );

    let (_, overdue, _) = run(&[&args("csv")[..], &["--overdue"]].concat());
    assert_eq!(overdue.lines().count(), 2, "{overdue}");
    assert!(overdue.starts_with("holder,person,email,unit,assignment,due,state,escalated_to,rule"));
    let (_, by_unit, _) = run(&[&args("markdown")[..], &["--owner", "RA-UN-IAO"]].concat());
    assert!(by_unit.contains("## Utbildningsnämnden (UN)"), "{by_unit}");
    assert!(!by_unit.contains("Sara Lind"), "{by_unit}");
    let (_, table, _) = run(&args("table"));
    assert!(table.starts_with("Sara Lind (UN) — "), "{table}");

    assert_eq!(
        std::fs::read_to_string(root.join("tillsyn-ledger.json")).unwrap(),
        before
    );
}

#[test]
fn a_broken_ledger_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    city(root);
    let broken = "{\n  \"version\": 1,\n  \"findings\": {,\n}\n";
    write(root, "tillsyn-ledger.json", broken);
    let (code, _, stderr) = run(&[
        "check",
        root.to_str().unwrap(),
        "--ledger",
        "--as-of",
        "2026-01-01",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("tillsyn-ledger.json:3:16: the ledger is not valid JSON"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("tillsyn-ledger.json")).unwrap(),
        broken
    );

    write(
        root,
        "tillsyn-ledger.json",
        "{\"version\": 3, \"findings\": {}, \"runs\": []}",
    );
    let (code, _, stderr) = run(&[
        "check",
        root.to_str().unwrap(),
        "--ledger",
        "--as-of",
        "2026-01-01",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("format version 3"), "{stderr}");
}

#[test]
fn a_held_lock_makes_the_second_run_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    city(root);
    // Another run holds the lock: this test, on the ledger's directory.
    let held = std::fs::File::open(root).unwrap();
    held.try_lock().unwrap();
    let (code, _, stderr) = run(&[
        "check",
        root.to_str().unwrap(),
        "--ledger",
        "--as-of",
        "2026-01-01",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the ledger is locked by another run"),
        "{stderr}"
    );
    assert!(!root.join("tillsyn-ledger.json").exists());
    // Once it is released, however its holder ended, the next run takes it.
    drop(held);
    let (code, _, stderr) = run(&[
        "check",
        root.to_str().unwrap(),
        "--ledger",
        "--as-of",
        "2026-01-01",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(root.join("tillsyn-ledger.json").exists());
}

#[test]
fn what_a_killed_run_left_beside_the_ledger_is_cleaned_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    city(root);
    // A run killed while it wrote leaves its temporary file; an old tillsyn its lock file.
    write(root, ".tillsyn-ledger-x1Yz9Q", "{\"version\": 2, \"half");
    write(root, "tillsyn-ledger.json.lock", "4194304\n");
    let (code, _, stderr) = run(&[
        "check",
        root.to_str().unwrap(),
        "--ledger",
        "--as-of",
        "2026-01-01",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!root.join(".tillsyn-ledger-x1Yz9Q").exists());
    assert!(!root.join("tillsyn-ledger.json.lock").exists());
    let leftovers: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with(".tillsyn-ledger-") || name.ends_with(".lock"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[cfg(unix)]
#[test]
fn a_ledger_in_a_read_only_directory_is_left_intact() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    city(root);
    let ledger_dir = root.join("ledger");
    std::fs::create_dir(&ledger_dir).unwrap();
    let ledger = ledger_dir.join("ledger.json");
    let ledger_arg = ledger.to_str().unwrap().to_string();
    check(root, "2026-01-01", &["--ledger", &ledger_arg]);
    let before = std::fs::read_to_string(&ledger).unwrap();
    std::fs::set_permissions(&ledger_dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores permissions: only assert when the directory really is read-only.
    let read_only = std::fs::write(ledger_dir.join("probe"), "").is_err();
    let (code, _) = check(root, "2026-02-01", &["--ledger", &ledger_arg]);
    std::fs::set_permissions(&ledger_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    if read_only {
        assert_eq!(code, 2);
        assert_eq!(std::fs::read_to_string(&ledger).unwrap(), before);
    }
}

/// A bigger repository, so that a run lasts long enough to be killed in the middle.
fn big_city(root: &Path) {
    city(root);
    let mut text = String::from("kind: information_asset\nrecords:\n");
    for number in 0..3000 {
        text.push_str(&format!(
            "  - {{ id: IA-B{number}, name: Register {number}, unit: UTBF, \
             classification: {{ confidentiality: 1, integrity: 1, availability: 1 }}, contains_personal_data: false }}\n"
        ));
    }
    write(root, "many.yaml", &text);
}

#[cfg(unix)]
#[test]
fn killing_a_run_at_any_moment_never_corrupts_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    big_city(root);
    check(root, "2026-01-01", &["--ledger"]);
    let ledger = root.join("tillsyn-ledger.json");
    let binary = assert_cmd::cargo::cargo_bin("tillsyn");
    for (attempt, delay_ms) in [0u64, 5, 10, 20, 40, 60, 80, 120, 160, 240]
        .into_iter()
        .enumerate()
    {
        let day = format!("2026-02-{:02}", attempt + 1);
        let mut child = std::process::Command::new(&binary)
            .args([
                "check",
                root.to_str().unwrap(),
                "--ledger",
                "--as-of",
                &day,
                "--select",
                RULES,
                "--format",
                "json",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // Whatever the moment, the ledger is the old one or the new one, and it parses.
        let text = std::fs::read_to_string(&ledger).unwrap();
        let json: Value = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("after {delay_ms} ms: {error}"));
        assert_eq!(json["version"], 2);
        assert!(!json["runs"].as_array().unwrap().is_empty());
        // A killed run leaves its lock behind, naming a process that is gone: the next run takes
        // it over. Its temporary file is left too; tidy it so the next attempt starts clean.
        for entry in std::fs::read_dir(root).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.starts_with(".tillsyn-ledger-") {
                std::fs::remove_file(root.join(name)).unwrap();
            }
        }
    }
}

#[test]
fn two_runs_at_once_end_with_one_valid_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    big_city(&root);
    let binary = assert_cmd::cargo::cargo_bin("tillsyn");
    let runs: Vec<_> = ["2026-01-01", "2026-01-02"]
        .into_iter()
        .map(|day| {
            std::process::Command::new(&binary)
                .args([
                    "check",
                    root.to_str().unwrap(),
                    "--ledger",
                    "--as-of",
                    day,
                    "--select",
                    RULES,
                    "--format",
                    "json",
                ])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outcomes: Vec<(i32, String)> = runs
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().unwrap();
            (
                output.status.code().unwrap(),
                String::from_utf8_lossy(&output.stderr).into_owned(),
            )
        })
        .collect();
    let ledger: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("tillsyn-ledger.json")).unwrap())
            .unwrap();
    let runs_recorded = ledger["runs"].as_array().unwrap().len();
    for (code, stderr) in &outcomes {
        assert!(
            *code == 1 || (*code == 2 && stderr.contains("locked by another run")),
            "{code}: {stderr}"
        );
    }
    let succeeded = outcomes.iter().filter(|(code, _)| *code == 1).count();
    assert!(succeeded >= 1);
    assert_eq!(
        runs_recorded, succeeded,
        "every run that succeeded is in the ledger"
    );
    assert!(!root.join("tillsyn-ledger.json.lock").exists());
}

#[cfg(target_os = "linux")]
#[test]
fn a_lock_left_by_a_process_that_is_gone_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    city(root);
    // The highest possible pid is never a running process here.
    write(root, "tillsyn-ledger.json.lock", "4194304\n");
    let (code, _) = check(root, "2026-01-01", &["--ledger"]);
    assert_eq!(code, 1);
    assert!(root.join("tillsyn-ledger.json").exists());
    assert!(!root.join("tillsyn-ledger.json.lock").exists());
}

/// `rule responsible.holder responsible.basis responsible.assignment` of city-broken's findings on
/// whole files, with `config` as its tillsyn.toml appended.
fn file_findings_responsible(config_extra: &str) -> (i32, Vec<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&common::fixture("city-broken"), dir.path());
    let config = dir.path().join("tillsyn.toml");
    let text = std::fs::read_to_string(&config).unwrap() + config_extra;
    std::fs::write(&config, text).unwrap();
    let (code, stdout, stderr) = run(&[
        "check",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        common::AS_OF,
    ]);
    let lines = serde_json::from_str::<Value>(&stdout)
        .map(|json| {
            json["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|finding| finding["kind"].is_null())
                .map(|finding| {
                    let responsible = &finding["responsible"];
                    format!(
                        "{} {} {} {}",
                        finding["rule"].as_str().unwrap(),
                        responsible["holder"].as_str().unwrap_or("-"),
                        responsible["basis"].as_str().unwrap_or("-"),
                        responsible["person"].as_str().unwrap_or("-")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (code, lines, stderr)
}

#[test]
fn findings_on_whole_files_go_to_the_maintainer_never_to_the_council() {
    // By default: the information-security coordinator nearest the top unit (KS's, below KF).
    let (_, lines, _) = file_findings_responsible("");
    assert_eq!(lines.len(), 5, "{lines:#?}");
    assert!(
        lines
            .iter()
            .all(|line| line.ends_with("Helena Forsberg maintainer P-103")),
        "{lines:#?}"
    );
    // As configured: a person.
    let (_, lines, _) = file_findings_responsible("\n[followup]\nmaintainer = \"P-101\"\n");
    assert!(
        lines
            .iter()
            .all(|line| line.ends_with("Ingrid Sandberg maintainer P-101")),
        "{lines:#?}"
    );
    // One that names no one: exit 2, at its place in tillsyn.toml, with a suggestion.
    let (code, _, stderr) = file_findings_responsible("\n[followup]\nmaintainer = \"RA-KS-IS\"\n");
    assert_eq!(code, 2);
    let config_lines = std::fs::read_to_string(common::fixture("city-broken").join("tillsyn.toml"))
        .unwrap()
        .lines()
        .count();
    let expected = format!(
        "tillsyn.toml:{}:14: `[followup] maintainer` names `RA-KS-IS`, which is no role assignment or person in this repository; did you mean `RA-KS-ISC`?\n  \
         help: name the role assignment (or person) that answers for the repository's files, e.g. its information-security coordinator\n",
        config_lines + 3
    );
    assert!(stderr.ends_with(&expected), "{stderr}");
    let (code, _, stderr) = file_findings_responsible("\n[followup]\nmaintaner = \"P-101\"\n");
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown [followup] key `maintaner` in tillsyn.toml")
            && stderr.contains("did you mean `maintainer`?"),
        "{stderr}"
    );
}

#[test]
fn followup_gives_one_group_per_person_and_knows_whom_owner_names() {
    let root = common::fixture("city-broken");
    let followup = |extra: &[&str]| -> (i32, String, String) {
        let mut args = vec![
            "followup",
            root.to_str().unwrap(),
            "--as-of",
            common::AS_OF,
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let (code, stdout, _) = followup(&[]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let helena: Vec<&Value> = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|group| group["holder"] == "Helena Forsberg")
        .collect();
    assert_eq!(helena.len(), 1, "one person, one group");
    assert_eq!(helena[0]["person"], "P-103");
    assert_eq!(helena[0]["email"], "helena.forsberg@felstad.se");
    assert_eq!(
        helena[0]["units"],
        serde_json::json!(["KS", "SBN", "SN", "KFN"])
    );
    let count = helena[0]["findings"].as_array().unwrap().len();
    // The person's id, one of their assignments, or their name in any case selects them.
    for owner in ["P-103", "helena forsberg"] {
        let (code, stdout, stderr) = followup(&["--owner", owner]);
        assert_eq!(code, 0, "{stderr}");
        let json: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(json["groups"].as_array().unwrap().len(), 1, "{owner}");
        assert_eq!(
            json["groups"][0]["findings"].as_array().unwrap().len(),
            count,
            "{owner}"
        );
    }
    let (code, stdout, _) = followup(&["--owner", "RA-KS-ISC"]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["groups"][0]["holder"], "Helena Forsberg");
    let (code, stdout, stderr) = followup(&["--owner", "P-003"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        "error: --owner `P-003` names no person, role assignment or holder in this repository; did you mean `P-103`?\n"
    );
    let (_, table, _) = run(&[
        "followup",
        root.to_str().unwrap(),
        "--as-of",
        common::AS_OF,
        "--owner",
        "P-103",
    ]);
    assert!(
        table.starts_with(&format!(
            "Helena Forsberg <helena.forsberg@felstad.se> (KS, SBN, SN, KFN) — {count} findings"
        )),
        "{table}"
    );
}
