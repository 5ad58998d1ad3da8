//! The ledger as an auditor's record: a run judges only what it looked at (the rules that ran,
//! the files it read), time runs forward, and the same state machine gives a run's findings and
//! the ledger it leaves. A repository is played through twelve runs and the ledger asserted
//! exactly after each.

mod common;

use std::path::Path;

use common::run;
use serde_json::Value;

fn write(root: &Path, name: &str, text: &str) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const CONFIG: &str = "select = [\"OWN001\", \"OWN004\", \"PARSE001\"]\n\n[params]\n\
    due_in = { critical = \"P30D\", high = \"P90D\", medium = \"P60D\", low = \"P365D\", info = \"\" }\n";

/// The repository's own pack: every asset must list its systems.
const PACK: &str = r#"[[rule]]
id = "LOC001"
title = "Asset without systems"
severity = "low"
kind = "information_asset"
assert = 'has(self.systems)'
message = "{self.name} lists no system"
rationale = "Our register links every asset to where it is kept."
remediation = "List the systems that hold the asset."
references = ["LOCAL:1"]
"#;

/// The small city (common::small_city): IA-1 has no owner (OWN001, critical) and IA-2 no
/// definition (OWN004, medium), with the configuration of these tests.
fn city(root: &Path) {
    write(root, "tillsyn.toml", CONFIG);
    common::small_city(root);
}

fn assets(root: &Path, ia1_owned: bool, ia2_defined: bool) {
    common::small_city_assets(root, ia1_owned, ia2_defined);
}

/// `tillsyn check ROOT --ledger --as-of DAY EXTRA…`: exit code and standard error.
fn check(root: &Path, as_of: &str, extra: &[&str]) -> (i32, String) {
    let mut args = vec![
        "check",
        root.to_str().unwrap(),
        "--format",
        "json",
        "--ledger",
        "--as-of",
        as_of,
    ];
    args.extend_from_slice(extra);
    let (code, _, stderr) = run(&args);
    (code, stderr)
}

fn ledger(root: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root.join("tillsyn-ledger.json")).unwrap())
        .unwrap()
}

/// The ledger's entries as lines:
/// `rule record file state first_seen last_seen due resolved_on reopened_on escalation`.
fn entries(root: &Path) -> Vec<String> {
    let ledger = ledger(root);
    let text = |value: &Value| value.as_str().unwrap_or("-").to_string();
    let mut lines: Vec<String> = ledger["findings"]
        .as_object()
        .unwrap()
        .values()
        .map(|entry| {
            let escalation = match &entry["escalation"] {
                Value::Null => "-".to_string(),
                escalation => format!(
                    "{}+{}",
                    text(&escalation["unit"]),
                    escalation["overdue_days"]
                ),
            };
            [
                text(&entry["rule"]),
                text(&entry["record"]),
                text(&entry["file"]),
                text(&entry["state"]),
                text(&entry["first_seen"]),
                text(&entry["last_seen"]),
                text(&entry["due"]),
                text(&entry["resolved_on"]),
                text(&entry["reopened_on"]),
                escalation,
            ]
            .join(" ")
        })
        .collect();
    lines.sort();
    lines
}

/// The latest run summary as a line: `as_of ran=N not_run=[…] unreadable=[…] not_judged=N
/// states={…}`, where `not_run` lists only the rules this repository selects (the others of the
/// default pack never run here).
fn last_run(root: &Path) -> String {
    let ledger = ledger(root);
    let run = ledger["runs"].as_array().unwrap().last().unwrap().clone();
    let list = |value: &Value| {
        value
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let not_run: Vec<String> = list(&run["rules_not_run"])
        .into_iter()
        .filter(|id| ["OWN001", "OWN004", "PARSE001", "LOC001"].contains(&id.as_str()))
        .collect();
    format!(
        "{} ran={} not_run=[{}] unreadable=[{}] not_judged={} states={}",
        run["as_of"].as_str().unwrap(),
        run["rules_run"],
        not_run.join(","),
        list(&run["unreadable"]).join(","),
        run["not_judged"],
        run["states"]
    )
}

#[test]
fn a_run_judges_only_what_it_looked_at_through_twelve_runs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    city(root);

    // 1. A full run: both findings are new.
    assert_eq!(check(root, "2026-01-01", &[]).0, 1);
    assert_eq!(
        entries(root),
        [
            "OWN001 IA-1 assets.yaml new 2026-01-01 2026-01-01 2026-01-31 - - -",
            "OWN004 IA-2 assets.yaml new 2026-01-01 2026-01-01 2026-03-02 - - -",
        ]
    );
    assert_eq!(
        last_run(root),
        "2026-01-01 ran=3 not_run=[] unreadable=[] not_judged=0 states={\"new\":2}"
    );

    // 2. Only OWN004 runs: OWN001's entry is left exactly as it was, and the run says so.
    let (_, stderr) = check(root, "2026-01-05", &["--select", "OWN004"]);
    assert_eq!(
        stderr,
        "note: 1 open ledger entry was left as it was: this run did not run its rule or read its record\n"
    );
    assert_eq!(
        entries(root),
        [
            "OWN001 IA-1 assets.yaml new 2026-01-01 2026-01-01 2026-01-31 - - -",
            "OWN004 IA-2 assets.yaml open 2026-01-01 2026-01-05 2026-03-02 - - -",
        ]
    );
    assert_eq!(
        last_run(root),
        "2026-01-05 ran=1 not_run=[OWN001,PARSE001] unreadable=[] not_judged=1 states={\"new\":1,\"open\":1}"
    );

    // 3. IA-2 gains its definition, but OWN004 is ignored: it stays open, unjudged.
    assets(root, false, true);
    check(root, "2026-01-10", &["--ignore", "OWN004"]);
    assert_eq!(
        entries(root),
        [
            "OWN001 IA-1 assets.yaml open 2026-01-01 2026-01-10 2026-01-31 - - -",
            "OWN004 IA-2 assets.yaml open 2026-01-01 2026-01-05 2026-03-02 - - -",
        ]
    );
    assert_eq!(
        last_run(root),
        "2026-01-10 ran=2 not_run=[OWN004] unreadable=[] not_judged=1 states={\"open\":2}"
    );

    // 4. A full run sees the fix: resolved.
    check(root, "2026-01-15", &[]);
    assert_eq!(
        entries(root),
        [
            "OWN001 IA-1 assets.yaml open 2026-01-01 2026-01-15 2026-01-31 - - -",
            "OWN004 IA-2 assets.yaml resolved 2026-01-01 2026-01-05 2026-03-02 2026-01-15 - -",
        ]
    );

    // 5. The register breaks: PARSE001 is new, and IA-1's finding is not taken for fixed.
    write(
        root,
        "assets.yaml",
        "kind: information_asset\nrecords:\n  - id: [IA-1\n",
    );
    check(root, "2026-01-20", &[]);
    assert_eq!(
        entries(root),
        [
            "OWN001 IA-1 assets.yaml open 2026-01-01 2026-01-15 2026-01-31 - - -",
            "OWN004 IA-2 assets.yaml resolved 2026-01-01 2026-01-05 2026-03-02 2026-01-15 - -",
            "PARSE001 - assets.yaml new 2026-01-20 2026-01-20 2026-02-19 - - -",
        ]
    );
    assert_eq!(
        last_run(root),
        "2026-01-20 ran=3 not_run=[] unreadable=[assets.yaml] not_judged=1 states={\"new\":1,\"open\":1}"
    );

    // 6. Mended: PARSE001 resolved, OWN001 now overdue from its first day, not new again.
    assets(root, false, true);
    check(root, "2026-02-05", &[]);
    assert_eq!(
        entries(root),
        [
            "OWN001 IA-1 assets.yaml overdue 2026-01-01 2026-02-05 2026-01-31 - - -",
            "OWN004 IA-2 assets.yaml resolved 2026-01-01 2026-01-05 2026-03-02 2026-01-15 - -",
            "PARSE001 - assets.yaml resolved 2026-01-20 2026-01-20 2026-02-19 2026-02-05 - -",
        ]
    );

    // 7. The repository adds a pack of its own: LOC001 finds both assets.
    write(root, "policy-rules/local.toml", PACK);
    write(
        root,
        "tillsyn.toml",
        &CONFIG.replace(
            "\"PARSE001\"]",
            "\"PARSE001\", \"LOC\"]\nrule_paths = [\"policy-rules\"]",
        ),
    );
    check(root, "2026-02-10", &[]);
    assert_eq!(
        entries(root),
        [
            "LOC001 IA-1 assets.yaml new 2026-02-10 2026-02-10 2027-02-10 - - -",
            "LOC001 IA-2 assets.yaml new 2026-02-10 2026-02-10 2027-02-10 - - -",
            "OWN001 IA-1 assets.yaml overdue 2026-01-01 2026-02-10 2026-01-31 - - -",
            "OWN004 IA-2 assets.yaml resolved 2026-01-01 2026-01-05 2026-03-02 2026-01-15 - -",
            "PARSE001 - assets.yaml resolved 2026-01-20 2026-01-20 2026-02-19 2026-02-05 - -",
        ]
    );

    // 8. The pack is removed again: its rule no longer runs, so its entries are kept. OWN001 is
    // now more than 30 days overdue and escalated to the committee's parent.
    write(root, "tillsyn.toml", CONFIG);
    std::fs::remove_dir_all(root.join("policy-rules")).unwrap();
    check(root, "2026-03-05", &[]);
    assert_eq!(
        entries(root),
        [
            "LOC001 IA-1 assets.yaml new 2026-02-10 2026-02-10 2027-02-10 - - -",
            "LOC001 IA-2 assets.yaml new 2026-02-10 2026-02-10 2027-02-10 - - -",
            "OWN001 IA-1 assets.yaml overdue 2026-01-01 2026-03-05 2026-01-31 - - KF+33",
            "OWN004 IA-2 assets.yaml resolved 2026-01-01 2026-01-05 2026-03-02 2026-01-15 - -",
            "PARSE001 - assets.yaml resolved 2026-01-20 2026-01-20 2026-02-19 2026-02-05 - -",
        ]
    );
    assert_eq!(
        last_run(root),
        "2026-03-05 ran=3 not_run=[] unreadable=[] not_judged=2 states={\"new\":2,\"overdue\":1}"
    );

    // 9. A run as of an earlier day is refused, and the ledger is left byte for byte.
    let before = std::fs::read_to_string(root.join("tillsyn-ledger.json")).unwrap();
    let (code, stderr) = check(root, "2026-03-01", &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "the ledger's latest run is as of 2026-03-05, later than --as-of 2026-03-01; a ledger only moves forward in time"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "help: to see the repository as of 2026-03-01 without changing the ledger, run `tillsyn check --as-of 2026-03-01` without --ledger"
        ),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("tillsyn-ledger.json")).unwrap(),
        before
    );

    // 10. A narrower configuration that leaves the register out and runs OWN004 only: the
    // escalated OWN001 keeps its due date and escalation.
    write(
        root,
        "narrow.toml",
        "select = [\"OWN004\"]\nexclude = [\"assets.yaml\"]\n",
    );
    let narrow = root.join("narrow.toml");
    check(root, "2026-03-10", &["--config", narrow.to_str().unwrap()]);
    assert_eq!(
        entries(root),
        [
            "LOC001 IA-1 assets.yaml new 2026-02-10 2026-02-10 2027-02-10 - - -",
            "LOC001 IA-2 assets.yaml new 2026-02-10 2026-02-10 2027-02-10 - - -",
            "OWN001 IA-1 assets.yaml overdue 2026-01-01 2026-03-05 2026-01-31 - - KF+33",
            "OWN004 IA-2 assets.yaml resolved 2026-01-01 2026-01-05 2026-03-02 2026-01-15 - -",
            "PARSE001 - assets.yaml resolved 2026-01-20 2026-01-20 2026-02-19 2026-02-05 - -",
        ]
    );

    // 11. IA-1 gets its owner and IA-2 loses its definition: a full run resolves the one and
    // reopens the other, due anew from today.
    assets(root, true, false);
    check(root, "2026-03-20", &[]);
    assert_eq!(
        entries(root),
        [
            "LOC001 IA-1 assets.yaml new 2026-02-10 2026-02-10 2027-02-10 - - -",
            "LOC001 IA-2 assets.yaml new 2026-02-10 2026-02-10 2027-02-10 - - -",
            "OWN001 IA-1 assets.yaml resolved 2026-01-01 2026-03-05 2026-01-31 2026-03-20 - -",
            "OWN004 IA-2 assets.yaml reopened 2026-01-01 2026-03-20 2026-05-19 - 2026-03-20 -",
            "PARSE001 - assets.yaml resolved 2026-01-20 2026-01-20 2026-02-19 2026-02-05 - -",
        ]
    );

    // 12. The pack comes back with IA-2 now listing a system: LOC001 on IA-1 is still open from
    // its first day, and the one on IA-2 is resolved.
    write(root, "policy-rules/local.toml", PACK);
    write(
        root,
        "tillsyn.toml",
        &CONFIG.replace(
            "\"PARSE001\"]",
            "\"PARSE001\", \"LOC\"]\nrule_paths = [\"policy-rules\"]",
        ),
    );
    let text = std::fs::read_to_string(root.join("assets.yaml"))
        .unwrap()
        .replace(
            "    name: Lokalbokningar\n",
            "    name: Lokalbokningar\n    systems: [SYS-1]\n",
        );
    write(root, "assets.yaml", &text);
    check(root, "2026-04-01", &[]);
    assert_eq!(
        entries(root),
        [
            "LOC001 IA-1 assets.yaml open 2026-02-10 2026-04-01 2027-02-10 - - -",
            "LOC001 IA-2 assets.yaml resolved 2026-02-10 2026-02-10 2027-02-10 2026-04-01 - -",
            "OWN001 IA-1 assets.yaml resolved 2026-01-01 2026-03-05 2026-01-31 2026-03-20 - -",
            "OWN004 IA-2 assets.yaml open 2026-01-01 2026-04-01 2026-05-19 - 2026-03-20 -",
            "PARSE001 - assets.yaml resolved 2026-01-20 2026-01-20 2026-02-19 2026-02-05 - -",
        ]
    );
    let days: Vec<String> = ledger(root)["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|run| run["as_of"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        days,
        [
            "2026-01-01",
            "2026-01-05",
            "2026-01-10",
            "2026-01-15",
            "2026-01-20",
            "2026-02-05",
            "2026-02-10",
            "2026-03-05",
            "2026-03-10",
            "2026-03-20",
            "2026-04-01"
        ]
    );
}

#[cfg(unix)]
#[test]
fn the_ledger_gets_the_mode_of_an_ordinary_file_under_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    city(root);
    let binary = assert_cmd::cargo::cargo_bin("tillsyn");
    for (umask, mode) in [("022", 0o644), ("002", 0o664), ("077", 0o600)] {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask} && exec \"$0\" check \"$1\" --ledger --as-of 2026-01-01 -q --format json > /dev/null"
            ))
            .arg(&binary)
            .arg(root)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1));
        let written = std::fs::metadata(root.join("tillsyn-ledger.json")).unwrap();
        assert_eq!(written.permissions().mode() & 0o777, mode, "umask {umask}");
    }
}

#[test]
fn a_version_1_ledger_is_read_and_written_as_version_2() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    city(root);
    check(root, "2026-01-01", &[]);
    // The same ledger as version 1 wrote it: runs without what they covered.
    let mut old = ledger(root);
    old["version"] = 1.into();
    for run in old["runs"].as_array_mut().unwrap() {
        let run = run.as_object_mut().unwrap();
        run.retain(|key, _| ["as_of", "severities", "states"].contains(&key.as_str()));
    }
    write(root, "tillsyn-ledger.json", &old.to_string());
    assert_eq!(check(root, "2026-01-02", &[]).0, 1);
    let new = ledger(root);
    assert_eq!(new["version"], 2);
    assert_eq!(new["runs"][0]["rule_set"], "");
    assert_eq!(new["runs"][1]["rules_run"], 3);
    assert_eq!(
        entries(root),
        [
            "OWN001 IA-1 assets.yaml open 2026-01-01 2026-01-02 2026-01-31 - - -",
            "OWN004 IA-2 assets.yaml open 2026-01-01 2026-01-02 2026-03-02 - - -",
        ]
    );
    let schema: Value =
        serde_json::from_str(include_str!("../schemas/ledger.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&new).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn a_look_at_an_earlier_day_sees_the_ledger_as_it_stood_then_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    city(root);
    check(root, "2026-01-01", &[]);
    assets(root, false, true);
    check(root, "2026-02-01", &[]);
    let before = std::fs::read_to_string(root.join("tillsyn-ledger.json")).unwrap();
    // On 2026-01-20, IA-2's OWN004 had not been resolved, and IA-1's OWN001 was not overdue.
    assets(root, false, false);
    let (code, stdout, stderr) = run(&[
        "check",
        root.to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        "2026-01-20",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let states: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            format!(
                "{} {} {} {}",
                finding["rule"].as_str().unwrap(),
                finding["state"].as_str().unwrap(),
                finding["first_seen"].as_str().unwrap(),
                finding["due"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            "OWN001 open 2026-01-01 2026-01-31",
            "OWN004 open 2026-01-01 2026-03-02"
        ]
    );
    // Before the first run the ledger knew nothing: everything is new that day.
    let (_, stdout, _) = run(&[
        "check",
        root.to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        "2025-12-01",
    ]);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|finding| finding["state"] == "new" && finding["first_seen"] == "2025-12-01"),
        "{json:#}"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("tillsyn-ledger.json")).unwrap(),
        before
    );
}

/// `rule record message` of a run's findings of the exceptions' rules.
fn exception_findings(root: &Path, extra: &[&str]) -> (i32, Vec<String>) {
    let mut args = vec![
        "check",
        root.to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        common::AS_OF,
    ];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run(&args);
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stderr}"));
    let lines = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["kind"] == "exception")
        .map(|finding| {
            format!(
                "{} {} {}:{} {}",
                finding["rule"].as_str().unwrap(),
                finding["record"].as_str().unwrap(),
                finding["line"],
                finding["column"],
                finding["message"].as_str().unwrap()
            )
        })
        .collect();
    (code, lines)
}

#[test]
fn exceptions_are_judged_on_the_rules_that_ran() {
    let root = common::fixture("city-broken");
    let (code, all) = exception_findings(&root, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        all,
        [
            "EXC001 EXC-2025-05 14:13 exception from RSK003: expired on 2026-06-30",
            "EXC002 EXC-2026-02 12:14 exception from OWN005: approved by its own requester RA-SBF-FC",
            "EXC004 EXC-2026-03 11:14 exception from OWN003: expires on 2027-01-15, within P90D",
            "EXC003 EXC-2026-04 7:3 accepts OWN001 on information_asset:IA-022, but no such finding exists in this run: remove it",
            "EXC005 EXC-2026-05 5:7 accepts findings of `OWN01`, but no rule has that id and no rule cites it; did you mean `OWN001`?",
            "EXC005 EXC-2026-05 8:5 targets `system:SYS-090`, but no system has the id `SYS-090`; did you mean `SYS-001`?",
        ]
    );
    // With only the exceptions' rules, the rules they cover did not run: none is stale.
    let (code, selected) = exception_findings(&root, &["--select", "EXC"]);
    assert_eq!(code, 1);
    let stale: Vec<&String> = selected
        .iter()
        .filter(|line| line.starts_with("EXC003"))
        .collect();
    assert!(stale.is_empty(), "{stale:#?}");
    assert_eq!(selected.len(), 5, "{selected:#?}");
    // OWN001 running is enough for the one that covers only OWN001.
    let (_, with_own) = exception_findings(&root, &["--select", "EXC,OWN001"]);
    assert!(
        with_own
            .iter()
            .any(|line| line.starts_with("EXC003 EXC-2026-04")),
        "{with_own:#?}"
    );
    assert!(
        !with_own
            .iter()
            .any(|line| line.starts_with("EXC003 EXC-2026-0") && !line.contains("EXC-2026-04")),
        "{with_own:#?}"
    );
}

#[test]
fn a_stale_exception_in_the_ledger_is_kept_by_a_run_that_cannot_judge_it() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&common::fixture("city-broken"), dir.path());
    let root = dir.path();
    check(root, "2026-12-01", &[]);
    let stale = |root: &Path| -> Vec<String> {
        entries(root)
            .into_iter()
            .filter(|line| line.starts_with("EXC003"))
            .collect()
    };
    let before = stale(root);
    assert_eq!(
        before,
        [
            "EXC003 EXC-2026-04 registers/exceptions/EXC-2026-04.yaml new 2026-12-01 2026-12-01 2027-05-30 - - -"
        ]
    );
    check(root, "2026-12-02", &["--select", "EXC"]);
    assert_eq!(stale(root), before);
    // The issue's scenario: a run of one rule resolves nothing else.
    check(root, "2026-12-03", &["--select", "OWN001"]);
    let resolved: Vec<String> = entries(root)
        .into_iter()
        .filter(|line| line.contains(" resolved "))
        .collect();
    assert!(resolved.is_empty(), "{resolved:#?}");
    let (_, stdout, _) = run(&[
        "check",
        root.to_str().unwrap(),
        "--format",
        "json",
        "--ledger",
        "--as-of",
        "2026-12-04",
    ]);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let states: std::collections::BTreeSet<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        ["accepted", "open"].into_iter().collect(),
        "a full run after partial ones reopens nothing"
    );
}

#[test]
fn an_invalid_expiry_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&common::fixture("city-broken"), dir.path());
    let path = dir.path().join("registers/exceptions/EXC-2026-02.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("expires_on: 2027-10-04", "expires_on: 2026-02-30");
    std::fs::write(&path, text).unwrap();
    let json = {
        let (_, stdout, _) = run(&[
            "check",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
            "--as-of",
            common::AS_OF,
        ]);
        serde_json::from_str::<Value>(&stdout).unwrap()
    };
    let about_expiry: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["record"] == "EXC-2026-02" && finding["pointer"] == "/expires_on")
        .map(|finding| {
            format!(
                "{} {}",
                finding["rule"].as_str().unwrap(),
                finding["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        about_expiry,
        [
            "SCH001 \"2026-02-30\" is not a valid `expires_on`: expected a calendar date YYYY-MM-DD, e.g. 2026-03-31"
        ]
    );
}

/// `tillsyn check ROOT --as-of DAY EXTRA…` without writing the ledger: exit code, stdout, stderr.
fn look(root: &Path, as_of: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["check", root.to_str().unwrap(), "--as-of", as_of];
    args.extend_from_slice(extra);
    run(&args)
}

/// A city whose ledger knows OWN001 on IA-1 and OWN004 on IA-2 (2026-01-01); then IA-2 is
/// defined (OWN004 resolved) and IA-3 comes without an owner (a new OWN001).
fn city_with_a_baseline(root: &Path) {
    city(root);
    check(root, "2026-01-01", &[]);
    assets(root, false, true);
    write(
        root,
        "more.yaml",
        "kind: information_asset\nid: IA-3\nname: Ny\ndefinition: Ny.\nunit: UTBF\n\
         classification: { confidentiality: 1, integrity: 1, availability: 1 }\ncontains_personal_data: false\n",
    );
}

#[test]
fn new_only_shows_and_gates_only_what_the_ledger_did_not_know() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    city_with_a_baseline(root);

    let (code, stdout, _) = look(root, "2026-01-05", &["--new-only", "--format", "json"]);
    assert_eq!(code, 1, "the new critical finding fails the gate");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        json["baseline"],
        serde_json::json!({"since": "2026-01-01", "new": 1, "resolved": 1, "still_open": 1, "not_judged": 0})
    );
    let listed: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| format!("{} {}", finding["rule"], finding["record"]))
        .collect();
    assert_eq!(listed, ["\"OWN001\" \"IA-3\""]);

    // The table shows every finding, marks the new one and ends with the comparison.
    let (code, table, _) = look(root, "2026-01-05", &["--new-only"]);
    assert_eq!(code, 1);
    assert_eq!(table.matches("[new]").count(), 1, "{table}");
    assert!(
        table.ends_with("1 new, 1 resolved, 1 still open since 2026-01-01.\n"),
        "{table}"
    );
    let (_, swedish, _) = look(root, "2026-01-05", &["--new-only", "--lang", "sv"]);
    assert!(
        swedish.ends_with("1 nya, 1 åtgärdade, 1 fortfarande öppna sedan 2026-01-01.\n"),
        "{swedish}"
    );
    let (_, markdown, _) = look(root, "2026-01-05", &["--new-only", "--format", "markdown"]);
    assert!(
        markdown.contains("\n\n1 new, 1 resolved, 1 still open since 2026-01-01.\n\n"),
        "{markdown}"
    );
    assert!(markdown.contains("### New findings (1)"), "{markdown}");

    // SARIF marks what the ledger knew, and with --new-only holds only the new.
    let sarif = |extra: &[&str]| -> Vec<String> {
        let (_, stdout, _) = look(
            root,
            "2026-01-05",
            &[&["--format", "sarif"], extra].concat(),
        );
        let log: Value = serde_json::from_str(&stdout).unwrap();
        let schema: Value = serde_json::from_str(
            &std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/external/sarif-schema-2.1.0.json"),
            )
            .unwrap(),
        )
        .unwrap();
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&schema)
            .unwrap();
        let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|result| {
                format!(
                    "{} {}",
                    result["ruleId"].as_str().unwrap(),
                    result["baselineState"].as_str().unwrap_or("-")
                )
            })
            .collect()
    };
    assert_eq!(sarif(&[]), ["OWN001 unchanged", "OWN001 new"]);
    assert_eq!(sarif(&["--new-only"]), ["OWN001 new"]);

    // Old debt alone does not fail the gate.
    std::fs::remove_file(root.join("more.yaml")).unwrap();
    let (code, stdout, _) = look(root, "2026-01-05", &["--new-only", "--format", "json"]);
    assert_eq!(code, 0, "{stdout}");
    // A finding back after being resolved is new debt again.
    check(root, "2026-01-03", &[]);
    assets(root, false, false);
    let (code, stdout, _) = look(
        root,
        "2026-01-05",
        &["--new-only", "--format", "json", "--fail-on", "medium"],
    );
    assert_eq!(code, 1, "{stdout}");
}

#[test]
fn the_ratchet_fails_only_when_the_count_rose_above_the_best_earlier_run() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    city(root);
    // No earlier run: nothing to compare with, and the run passes.
    let (code, _, stderr) = look(
        root,
        "2026-01-01",
        &["--ratchet", "--format", "json", "--fail-on", "medium"],
    );
    assert_eq!(code, 0);
    assert_eq!(
        stderr,
        "ratchet: 2 open findings at or above medium; the ledger has no earlier run of the same rules to compare with\n"
    );
    check(root, "2026-01-01", &[]);
    // IA-2 fixed: one, fewer than two; recorded, it becomes the best run.
    assets(root, false, true);
    let (code, _, stderr) = look(
        root,
        "2026-01-02",
        &["--ratchet", "--fail-on", "medium", "--format", "json"],
    );
    assert_eq!(code, 0);
    assert_eq!(
        stderr,
        "ratchet: 1 open finding at or above medium, not more than the 2 of the run as of 2026-01-01 (the best earlier run of the same rules)\n"
    );
    check(root, "2026-01-02", &[]);
    // Broken again: two, up from the best of one. Old debt that did not rise would pass.
    assets(root, false, false);
    let (code, _, stderr) = look(
        root,
        "2026-01-03",
        &["--ratchet", "--fail-on", "medium", "--format", "json", "-q"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "ratchet: 2 open findings at or above medium, up from 1 in the run as of 2026-01-02 (the best earlier run of the same rules)\n  \
         help: fix 1 of them, or accept them with exceptions, to get back to 1\n"
    );
    // At or above critical, nothing rose.
    let (code, _, _) = look(
        root,
        "2026-01-03",
        &[
            "--ratchet",
            "--fail-on",
            "critical",
            "--format",
            "json",
            "-q",
        ],
    );
    assert_eq!(code, 0);
    // A partial run is not compared with full ones.
    let (code, _, stderr) = look(
        root,
        "2026-01-03",
        &[
            "--ratchet",
            "--fail-on",
            "medium",
            "--select",
            "OWN004",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0);
    assert!(
        stderr.contains("no earlier run of the same rules"),
        "{stderr}"
    );
    // `none` counts nothing: refused.
    let (code, _, stderr) = look(root, "2026-01-03", &["--ratchet", "--fail-on", "none"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "--ratchet counts the open findings at or above --fail-on: give a severity, not `none`"
        ),
        "{stderr}"
    );
}

#[test]
fn references_into_a_file_that_does_not_parse_are_one_finding_per_referencing_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    city(root);
    write(
        root,
        "tillsyn.toml",
        &CONFIG.replace("\"PARSE001\"]", "\"PARSE001\", \"XRF001\"]"),
    );
    let systems = "kind: system\nrecords:\n\
        \x20 - { id: SYS-1, name: Elevsystem, unit: UTBF, lifecycle: operating }\n\
        \x20 - { id: SYS-2, name: Bokningssystem, unit: UTBF, lifecycle: operating }\n";
    write(root, "systems.yaml", systems);
    let text = std::fs::read_to_string(root.join("assets.yaml"))
        .unwrap()
        .replace(
            "    name: Elevregister\n",
            "    name: Elevregister\n    systems: [SYS-1, SYS-9]\n",
        )
        .replace(
            "    name: Lokalbokningar\n",
            "    name: Lokalbokningar\n    systems: [SYS-2]\n",
        );
    write(root, "assets.yaml", &text);
    write(
        root,
        "more.yaml",
        "kind: information_asset\nid: IA-3\nname: Ny\ndefinition: Ny.\nunit: UTBF\nowner: RA-UN-IAO\nsystems: [SYS-1]\n\
         classification: { confidentiality: 1, integrity: 1, availability: 1 }\ncontains_personal_data: false\n",
    );
    let references = |root: &Path| -> Vec<String> {
        let (_, stdout, _) = run(&[
            "check",
            root.to_str().unwrap(),
            "--format",
            "json",
            "--as-of",
            "2026-01-02",
            "--select",
            "XRF001,PARSE001",
        ]);
        let json: Value = serde_json::from_str(&stdout).unwrap();
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|finding| {
                format!(
                    "{} {}:{}:{} {}",
                    finding["rule"].as_str().unwrap(),
                    finding["file"].as_str().unwrap(),
                    finding["line"],
                    finding["column"],
                    finding["message"].as_str().unwrap()
                )
            })
            .collect()
    };
    // Readable: the one dangling reference is the one finding.
    check(root, "2026-01-01", &[]);
    assert_eq!(
        references(root),
        ["XRF001 assets.yaml:5:22 `systems[]` names `SYS-9`, but no system has that id"]
    );
    // The systems register breaks: one finding per referencing file, none per reference.
    write(
        root,
        "systems.yaml",
        &systems.replace("operating }\n", "operating \n"),
    );
    assert_eq!(
        references(root),
        [
            "XRF001 assets.yaml:5:15 3 references in this file cannot be checked: the records they name (system SYS-1, system SYS-9, system SYS-2) may be in systems.yaml, which could not be read; fix that first",
            "XRF001 more.yaml:7:11 1 reference in this file cannot be checked: the record it names (system SYS-1) may be in systems.yaml, which could not be read; fix that first",
            "PARSE001 systems.yaml:4:5 while parsing a flow mapping, did not find expected ',' or '}'",
        ]
    );
    // … and the ledger keeps the dangling one as it was, neither resolved nor re-dated.
    let dangling = |root: &Path| -> Vec<String> {
        entries(root)
            .into_iter()
            .filter(|line| line.starts_with("XRF001 IA-1"))
            .collect()
    };
    let before = dangling(root);
    assert_eq!(
        before,
        ["XRF001 IA-1 assets.yaml new 2026-01-01 2026-01-01 2026-04-01 - - -"]
    );
    check(root, "2026-01-02", &[]);
    assert_eq!(dangling(root), before);
}

/// One run of a random sequence: how many days later, and what it does first.
#[derive(Clone, Debug)]
enum Step {
    /// A run as configured.
    Full,
    /// `--select` these rules.
    Select(Vec<&'static str>),
    /// `--ignore` these rules.
    Ignore(Vec<&'static str>),
    /// The register breaks (does not parse).
    Break,
    /// The register is written anew: IA-1 owned or not, IA-2 defined or not.
    Write { ia1_owned: bool, ia2_defined: bool },
    /// The repository's own pack is added or removed.
    TogglePack,
    /// A run as of an earlier day than the ledger's latest: refused.
    Backwards,
}

fn step() -> impl proptest::strategy::Strategy<Value = (u8, Step)> {
    use proptest::prelude::*;
    let rules = prop::sample::subsequence(vec!["OWN001", "OWN004", "PARSE001"], 1..=2);
    let step = prop_oneof![
        2 => Just(Step::Full),
        2 => rules.clone().prop_map(Step::Select),
        1 => rules.prop_map(Step::Ignore),
        1 => Just(Step::Break),
        2 => (any::<bool>(), any::<bool>()).prop_map(|(ia1_owned, ia2_defined)| Step::Write { ia1_owned, ia2_defined }),
        1 => Just(Step::TogglePack),
        1 => Just(Step::Backwards),
    ];
    (0u8..25, step)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..proptest::prelude::ProptestConfig::default() })]

    /// Whatever runs follow one another: no entry is resolved by a run whose rules or files did
    /// not cover it, an entry a run did not judge is kept exactly (due, escalation and all), and
    /// no date runs backwards.
    #[test]
    fn the_ledger_holds_its_invariants_through_any_sequence_of_runs(
        steps in proptest::collection::vec(step(), 1..9)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        city(root);
        let ledger_path = root.join("tillsyn-ledger.json");
        let mut day = jiff::civil::date(2026, 1, 1);
        let (mut broken, mut pack) = (false, false);
        for (days, step) in steps {
            day = day.checked_add(jiff::Span::new().days(i64::from(days))).unwrap();
            let mut today = day;
            let mut selection = tillsyn::rules::Selection::default();
            match &step {
                Step::Full => {}
                Step::Select(rules) => selection.select = Some(rules.iter().map(|id| id.to_string()).collect()),
                Step::Ignore(rules) => selection.ignore = rules.iter().map(|id| id.to_string()).collect(),
                Step::Break => {
                    write(root, "assets.yaml", "kind: information_asset\nrecords:\n  - id: [IA-1\n");
                    broken = true;
                }
                Step::Write { ia1_owned, ia2_defined } => {
                    assets(root, *ia1_owned, *ia2_defined);
                    broken = false;
                }
                Step::TogglePack => {
                    pack = !pack;
                    if pack {
                        write(root, "policy-rules/local.toml", PACK);
                        write(root, "tillsyn.toml", &CONFIG.replace(
                            "\"PARSE001\"]",
                            "\"PARSE001\", \"LOC\"]\nrule_paths = [\"policy-rules\"]",
                        ));
                    } else {
                        std::fs::remove_dir_all(root.join("policy-rules")).unwrap();
                        write(root, "tillsyn.toml", CONFIG);
                    }
                }
                Step::Backwards => today = jiff::civil::date(2025, 12, 31),
            }
            let before_text = std::fs::read_to_string(&ledger_path).unwrap_or_default();
            let before = tillsyn::followup::ledger::Ledger::read(&ledger_path).unwrap();
            if let Err(error) = before.refuse_backwards(&ledger_path, today, true) {
                proptest::prop_assert!(matches!(step, Step::Backwards) && !before.runs.is_empty(), "{error}");
                proptest::prop_assert_eq!(std::fs::read_to_string(&ledger_path).unwrap_or_default(), before_text);
                continue;
            }
            let config = tillsyn::config::load(root, None, &tillsyn::schema::kind_names()).unwrap();
            let rules = tillsyn::rules::RuleSet::load(root, &config, &selection).unwrap();
            let result = tillsyn::check::check(root, &config, &rules, &before, today).unwrap();
            result.ledger.write(&ledger_path).unwrap();
            let after = tillsyn::followup::ledger::Ledger::read(&ledger_path).unwrap();

            // What this run covered, worked out from the step rather than asked of tillsyn.
            let mut configured = vec!["OWN001", "OWN004", "PARSE001"];
            if pack {
                configured.push("LOC001");
            }
            let ran: Vec<&str> = configured
                .into_iter()
                .filter(|id| selection.select.as_ref().is_none_or(|select| select.iter().any(|s| s == id)))
                .filter(|id| !selection.ignore.iter().any(|ignored| ignored == id))
                .collect();
            let seen: std::collections::HashSet<&str> =
                result.outcome.findings.iter().map(|finding| finding.fingerprint.as_str()).collect();
            for (fingerprint, old) in &before.findings {
                let new = after.findings.get(fingerprint).unwrap();
                let record_unread = broken && old.record.is_some();
                if !ran.contains(&old.rule.as_str()) || record_unread {
                    proptest::prop_assert!(!seen.contains(fingerprint.as_str()) || !record_unread);
                    if !seen.contains(fingerprint.as_str()) {
                        proptest::prop_assert_eq!(new, old, "{:?} on {} left as it was", step, today);
                    }
                }
                if new.state == tillsyn::finding::State::Resolved && old.state != tillsyn::finding::State::Resolved {
                    proptest::prop_assert!(ran.contains(&old.rule.as_str()), "{:?}: {} resolved by a run that did not run it", step, old.rule);
                    proptest::prop_assert!(!record_unread, "{:?}: resolved while its file did not parse", step);
                }
            }
            for entry in after.findings.values() {
                proptest::prop_assert!(entry.first_seen <= entry.last_seen, "{entry:?}");
                for later in [&entry.resolved_on, &entry.reopened_on].into_iter().flatten() {
                    proptest::prop_assert!(entry.first_seen <= *later, "{entry:?}");
                }
                proptest::prop_assert!(entry.last_seen <= today.to_string(), "{entry:?}");
            }
        }
    }
}

#[test]
fn a_ledger_with_two_entries_of_one_finding_is_refused_not_halved() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    city(root);
    let (code, stderr) = check(root, "2026-11-01", &[]);
    assert_eq!(code, 1, "{stderr}");
    let path = root.join("tillsyn-ledger.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let written = ledger(root);
    let (fingerprint, entry) = written["findings"]
        .as_object()
        .unwrap()
        .iter()
        .next()
        .unwrap();
    // The same finding again, as an older entry first seen years before.
    let mut older = entry.clone();
    older["first_seen"] = Value::String("2020-01-01".to_string());
    let doubled = text.replacen(
        "\"findings\": {",
        &format!("\"findings\": {{\n    \"{fingerprint}\": {older},"),
        1,
    );
    assert_ne!(doubled, text);
    std::fs::write(&path, &doubled).unwrap();
    let (code, stderr) = check(root, "2026-11-02", &[]);
    assert_eq!(code, 2, "{stderr}");
    // Reported at the second of the two: the entry as tillsyn wrote it, on a line of its own.
    let second = doubled
        .lines()
        .position(|line| line.trim() == format!("\"{fingerprint}\": {{"))
        .unwrap()
        + 1;
    assert!(
        stderr.contains(&format!(
            "tillsyn-ledger.json:{second}:5: the ledger holds a duplicate key \"{fingerprint}\": two entries of one finding"
        )),
        "{stderr}"
    );
    // Nothing is dropped: the file is as it was.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), doubled);
}

#[test]
fn a_ledger_beyond_the_size_tillsyn_reads_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    city(root);
    let path = root.join("tillsyn-ledger.json");
    // Sparse: 300 MB as the file system reports it, nothing written.
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(300 * 1024 * 1024).unwrap();
    drop(file);
    let (code, stderr) = check(root, "2026-11-02", &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr
            .contains("the ledger is 314572800 bytes, more than the 268435456 bytes tillsyn reads"),
        "{stderr}"
    );
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 300 * 1024 * 1024);
}
