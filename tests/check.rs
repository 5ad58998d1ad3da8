//! `tillsyn check` end to end, through the binary: the clean and the broken city, exit codes,
//! the JSON contract, fingerprints that survive reformatting, configuration errors.

mod common;

use common::{AS_OF, check_json, copy_tree, fixture, run};
use serde_json::Value;

/// The findings built into the engine, for tests of the first pipeline slice alone.
const BUILT_IN: &str = "PARSE,SRC,SCH,XRF";

/// Every finding of fixtures/city-broken: rule, kind, record, file, line, column.
#[rustfmt::skip]
const CITY_BROKEN: &[(&str, &str, &str, &str, usize, usize)] = &[
    ("SRC001", "", "", "documents/goals.yaml", 1, 7),
    ("SCH001", "governing_document", "DOC-001", "documents/informationssakerhetspolicy.md", 2, 1),
    ("XRF001", "governing_document", "DOC-001", "documents/informationssakerhetspolicy.md", 7, 13),
    ("PARSE001", "", "", "documents/plan.toml", 4, 14),
    ("DOC001", "governing_document", "DOC-020", "documents/riktlinje-sociala-medier.md", 21, 10),
    ("PARSE001", "", "", "documents/riktlinje.md", 1, 1),
    ("DOC002", "governing_document", "DOC-021", "documents/styrdokument-med-brister.yaml", 11, 22),
    ("DOC003", "governing_document", "DOC-022", "documents/styrdokument-med-brister.yaml", 28, 15),
    ("DOC004", "governing_document", "DOC-023", "documents/styrdokument-med-brister.yaml", 45, 12),
    ("DOC005", "governing_document", "DOC-024", "documents/styrdokument-med-brister.yaml", 52, 17),
    ("DOC006", "governing_document", "DOC-025", "documents/styrdokument-med-brister.yaml", 72, 19),
    ("DOC007", "governing_document", "DOC-026", "documents/styrdokument-med-brister.yaml", 89, 22),
    ("DOC009", "governing_document", "", "documents/styrdokument-med-brister.yaml", 93, 5),
    ("DOC010", "governing_document", "DOC-029", "documents/styrdokument-med-brister.yaml", 128, 15),
    ("CON004", "incident", "INC-2026-010", "followup/incidents/INC-2026-010.json", 8, 23),
    ("XRF001", "role_assignment", "RA-KS-SO", "organisation/assignments.yaml", 16, 11),
    ("SCH001", "role_assignment", "RA-KS-SO", "organisation/assignments.yaml", 20, 5),
    ("XRF002", "role_assignment", "RA-KS-SO", "organisation/assignments.yaml", 20, 9),
    ("CMP001", "org_unit", "SN", "organisation/more-units.yaml", 32, 5),
    ("MAT001", "org_unit", "KFN", "organisation/more-units.yaml", 49, 5),
    ("FUP001", "org_unit", "FEAB-STY", "organisation/more-units.yaml", 66, 5),
    ("CON003", "org_unit", "FEAB", "organisation/more-units.yaml", 84, 17),
    ("SCH001", "role", "ROLE-SO", "organisation/roles.json", 15, 24),
    ("SCH001", "role", "ROLE-SO", "organisation/roles.json", 16, 26),
    ("ORG001", "org_unit", "KS", "organisation/units.toml", 16, 17),
    ("SCH001", "org_unit", "UN", "organisation/units.toml", 18, 1),
    ("SCH001", "org_unit", "UN", "organisation/units.toml", 22, 1),
    ("ORG001", "org_unit", "UN", "organisation/units.toml", 24, 17),
    ("DOC008", "org_unit", "UTBF", "organisation/units.toml", 27, 1),
    ("SCH001", "org_unit", "UTBF", "organisation/units.toml", 27, 1),
    ("ORG002", "org_unit", "UTBF", "organisation/units.toml", 30, 13),
    ("BEN002", "benefit", "BEN-011", "portfolio/benefits.yaml", 32, 20),
    ("PFL002", "initiative", "", "portfolio/initiatives.toml", 6, 1),
    ("PFL004", "initiative", "", "portfolio/initiatives.toml", 6, 1),
    ("PFL003", "initiative", "INI-013", "portfolio/initiatives.toml", 38, 1),
    ("SUP002", "agreement", "AGR-012", "registers/agreements-2026.json", 21, 19),
    ("SUP005", "agreement", "AGR-013", "registers/agreements-2026.json", 33, 19),
    ("PRV005", "agreement", "AGR-001", "registers/agreements.json", 1, 1),
    ("SCH001", "agreement", "AGR-001", "registers/agreements.json", 1, 1),
    ("PRV007", "information_asset", "IA-001", "registers/assets.yaml", 3, 5),
    ("RSK001", "information_asset", "IA-001", "registers/assets.yaml", 3, 5),
    ("OWN002", "information_asset", "IA-001", "registers/assets.yaml", 7, 12),
    ("XRF003", "information_asset", "IA-001", "registers/assets.yaml", 7, 12),
    ("CLS005", "information_asset", "IA-001", "registers/assets.yaml", 9, 7),
    ("SCH001", "information_asset", "IA-001", "registers/assets.yaml", 12, 22),
    ("PRV008", "information_asset", "IA-001", "registers/assets.yaml", 13, 29),
    ("XRF003", "information_asset", "IA-001", "registers/assets.yaml", 15, 15),
    ("OWN004", "information_asset", "IA 002", "registers/assets.yaml", 16, 5),
    ("SCH001", "information_asset", "IA 002", "registers/assets.yaml", 16, 9),
    ("OWN002", "information_asset", "IA 002", "registers/assets.yaml", 19, 12),
    ("SCH001", "information_asset", "IA 002", "registers/assets.yaml", 20, 5),
    ("CLS005", "information_asset", "IA 002", "registers/assets.yaml", 21, 7),
    ("SCH001", "information_asset", "IA 002", "registers/assets.yaml", 21, 24),
    ("DAT002", "dataset", "https://data.felstad.se/dataset/lekplatser", "registers/datasets.yaml", 35, 7),
    ("DAT003", "dataset", "https://data.felstad.se/dataset/felanmalningar", "registers/datasets.yaml", 48, 22),
    ("DAT004", "dataset", "https://data.felstad.se/dataset/gatuadresser", "registers/datasets.yaml", 76, 7),
    ("DAT005", "dataset", "https://data.felstad.se/dataset/trafikmatningar", "registers/datasets.yaml", 94, 19),
    ("DAT006", "dataset", "https://data.felstad.se/dataset/felanmalningar-per-manad", "registers/datasets.yaml", 102, 5),
    ("OWN006", "dataset", "https://data.felstad.se/dataset/detaljplaner", "registers/datasets.yaml", 119, 5),
    ("CLS007", "dataset", "https://data.felstad.se/dataset/bygglov", "registers/datasets.yaml", 151, 19),
    ("EXC001", "exception", "EXC-2025-05", "registers/exceptions/EXC-2025-05.yaml", 14, 13),
    ("EXC002", "exception", "EXC-2026-02", "registers/exceptions/EXC-2026-02.yaml", 12, 14),
    ("EXC004", "exception", "EXC-2026-03", "registers/exceptions/EXC-2026-03.toml", 11, 14),
    ("EXC003", "exception", "EXC-2026-04", "registers/exceptions/EXC-2026-04.yaml", 7, 3),
    ("EXC005", "exception", "EXC-2026-05", "registers/exceptions/EXC-2026-05.yaml", 5, 7),
    ("EXC005", "exception", "EXC-2026-05", "registers/exceptions/EXC-2026-05.yaml", 8, 5),
    ("PARSE001", "", "", "registers/incidents.json", 3, 3),
    ("OWN001", "information_asset", "IA-012", "registers/information-assets-2026.yaml", 42, 5),
    ("CLS002", "information_asset", "IA-015", "registers/information-assets-2026.yaml", 98, 22),
    ("CLS006", "information_asset", "IA-018", "registers/information-assets-2026.yaml", 147, 7),
    ("OWN005", "information_asset", "IA-019", "registers/information-assets-2026.yaml", 159, 5),
    ("CLS004", "information_asset", "IA-020", "registers/information-assets-2026.yaml", 181, 24),
    ("SUP003", "supplier", "SUP-011", "registers/leverantorer-2026.csv", 3, 58),
    ("SUP003", "supplier", "SUP-012", "registers/leverantorer-2026.csv", 4, 61),
    ("PRV001", "processing_activity", "PA-011", "registers/processing-activities.yaml", 31, 5),
    ("PRV002", "processing_activity", "PA-012", "registers/processing-activities.yaml", 48, 5),
    ("PRV003", "processing_activity", "PA-013", "registers/processing-activities.yaml", 86, 7),
    ("PRV004", "processing_activity", "PA-014", "registers/processing-activities.yaml", 106, 17),
    ("PRV006", "processing_activity", "PA-015", "registers/processing-activities.yaml", 127, 7),
    ("RSK002", "risk", "RISK-011", "registers/risks-2026.yaml", 31, 7),
    ("RSK003", "risk", "RISK-012", "registers/risks-2026.yaml", 46, 17),
    ("PARSE001", "", "", "registers/risks.yaml", 4, 12),
    ("SUP004", "supplier", "SUP-001", "registers/suppliers.csv", 2, 1),
    ("SCH001", "supplier", "SUP-002", "registers/suppliers.csv", 3, 1),
    ("SCH001", "supplier", "SUP-002", "registers/suppliers.csv", 3, 13),
    ("OWN003", "system", "SYS-011", "registers/systems-2026.toml", 19, 1),
    ("OWN005", "system", "SYS-012", "registers/systems-2026.toml", 30, 1),
    ("CLS003", "system", "SYS-013", "registers/systems-2026.toml", 50, 27),
    ("SUP001", "system", "SYS-014", "registers/systems-2026.toml", 68, 13),
    ("CON001", "system", "SYS-016", "registers/systems-2026.toml", 72, 1),
    ("CON001", "system", "SYS-016", "registers/systems-2026.toml", 72, 1),
    ("CON002", "system", "SYS-017", "registers/systems-2026.toml", 85, 1),
    ("OWN003", "system", "SYS-019", "registers/systems-2026.toml", 127, 1),
    ("SCH001", "system", "SYS-002", "registers/systems.toml", 13, 13),
    ("XRF003", "system", "SYS-002", "registers/systems.toml", 16, 15),
    ("XRF001", "system", "SYS-002", "registers/systems.toml", 16, 26),
];

fn as_rows(json: &Value) -> Vec<(String, String, String, String, usize, usize)> {
    json["findings"]
        .as_array()
        .expect("findings is a list")
        .iter()
        .map(|finding| {
            let text = |key: &str| finding[key].as_str().unwrap_or_default().to_string();
            let number = |key: &str| finding[key].as_u64().expect("a position") as usize;
            (
                text("rule"),
                text("kind"),
                text("record"),
                text("file"),
                number("line"),
                number("column"),
            )
        })
        .collect()
}

#[test]
fn the_clean_city_has_no_finding_and_exits_0() {
    let (code, json) = check_json(&fixture("city-clean"), &[]);
    assert_eq!(json["findings"], Value::Array(Vec::new()), "{json:#}");
    assert_eq!(code, 0);
    assert_eq!(json["checked"]["records"], 115);
    let (code, stdout, _) = run(&[
        "check",
        fixture("city-clean").to_str().unwrap(),
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("No findings"), "{stdout}");
}

#[test]
fn the_broken_city_yields_exactly_the_expected_findings_and_exits_1() {
    let (code, json) = check_json(&fixture("city-broken"), &[]);
    let expected: Vec<_> = CITY_BROKEN
        .iter()
        .map(|(rule, kind, record, file, line, column)| {
            (
                rule.to_string(),
                kind.to_string(),
                record.to_string(),
                file.to_string(),
                *line,
                *column,
            )
        })
        .collect();
    assert_eq!(as_rows(&json), expected);
    assert_eq!(code, 1);
}

#[test]
fn every_built_in_finding_occurs_in_the_broken_city() {
    for rule in ["PARSE001", "SRC001", "SCH001", "XRF001", "XRF002", "XRF003"] {
        assert!(
            CITY_BROKEN.iter().any(|row| row.0 == rule),
            "{rule} missing from city-broken"
        );
    }
    // Every format is among the files with findings.
    for extension in [".toml", ".yaml", ".json", ".md", ".csv"] {
        assert!(
            CITY_BROKEN.iter().any(|row| row.3.ends_with(extension)),
            "{extension}"
        );
    }
}

#[test]
fn messages_say_what_to_do() {
    let (_, json) = check_json(&fixture("city-broken"), &[]);
    let message = |rule: &str, file: &str, line: u64| -> String {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule && f["file"] == file && f["line"] == line)
            .unwrap_or_else(|| panic!("no {rule} at {file}:{line}"))["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        message("SCH001", "organisation/units.toml", 22),
        "unknown field `unit_typ` in an org_unit; did you mean `unit_type`?"
    );
    assert_eq!(
        message("SRC001", "documents/goals.yaml", 1),
        "`goals` is not a known kind; did you mean `goal`?"
    );
    assert_eq!(
        message("SCH001", "registers/systems.toml", 13),
        "\"operatin\" is not a valid `lifecycle`; expected one of planned, operating, decommissioning, \
         decommissioned (did you mean `operating`?)"
    );
    assert_eq!(
        message("SCH001", "registers/assets.yaml", 12),
        "\"2026-02-30\" is not a valid `classification.classified_on`: expected a calendar date YYYY-MM-DD, \
         e.g. 2026-03-31"
    );
    assert_eq!(
        message("XRF003", "registers/assets.yaml", 7),
        "`owner` names the role_assignment `RA-OLD-IAO`, which ended on 2025-12-31"
    );
    assert_eq!(
        message("XRF002", "organisation/assignments.yaml", 20),
        "the id `RA-KS-SO` is also the id of the role_assignment at organisation/assignments.yaml:15:9"
    );
    assert_eq!(
        message("SCH001", "organisation/units.toml", 27),
        "missing required field `governing_body`: An administration or company must name its governing body."
    );
}

#[test]
fn the_json_output_validates_against_its_schema() {
    let schema: Value = serde_json::from_str(include_str!("../schemas/check-output.schema.json"))
        .expect("schema is JSON");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    for name in ["city-broken", "city-clean", "excel"] {
        let (_, json) = check_json(&fixture(name), &[]);
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|error| error.to_string())
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
    let (_, json) = check_json(&fixture("city-broken"), &[]);
    let first = &json["findings"][0];
    assert_eq!(first["state"], "new");
    assert_eq!(first["first_seen"], AS_OF);
    assert_eq!(json["summary"]["critical"], 12);
    assert_eq!(json["summary"]["accepted"], 3);
}

#[test]
fn output_is_byte_identical_from_run_to_run() {
    let root = fixture("city-broken");
    let args = [
        "check",
        root.to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        AS_OF,
    ];
    let (_, first, _) = run(&args);
    let (_, second, _) = run(&args);
    assert_eq!(first, second);
}

#[test]
fn fingerprints_survive_reformatting_and_reordering() {
    let before = tempfile::tempdir().unwrap();
    let after = tempfile::tempdir().unwrap();
    for dir in [before.path(), after.path()] {
        std::fs::write(dir.join("tillsyn.toml"), "").unwrap();
    }
    std::fs::write(
        before.path().join("assets.yaml"),
        "kind: information_asset\nrecords:\n  - id: IA-1\n    name: A\n    unit: NOPE\n    \
         classification: {confidentiality: 1, integrity: 1, availability: 9}\n    contains_personal_data: false\n  \
         - id: IA-2\n    name: B\n    unit: NOPE\n    classification: {confidentiality: 1, integrity: 1, availability: 1}\n",
    )
    .unwrap();
    // The same records, reordered, keys reordered, re-indented, and moved to a new line.
    std::fs::write(
        after.path().join("assets.yaml"),
        "# reformatted\nkind: information_asset\nrecords:\n- name: B\n  id: IA-2\n  classification:\n      \
         availability: 1\n      integrity: 1\n      confidentiality: 1\n  unit: NOPE\n- contains_personal_data: false\n  \
         classification:\n      availability: 9\n      confidentiality: 1\n      integrity: 1\n  unit: NOPE\n  \
         name: A\n  id: IA-1\n",
    )
    .unwrap();
    let fingerprints = |dir: &std::path::Path| {
        let (_, json) = check_json(dir, &["--select", BUILT_IN]);
        let mut rows: Vec<(String, String, u64)> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["fingerprint"].as_str().unwrap().to_string(),
                    f["rule"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                )
            })
            .collect();
        rows.sort();
        rows
    };
    let (before, after) = (fingerprints(before.path()), fingerprints(after.path()));
    assert_eq!(before.len(), 4, "{before:?}"); // two XRF001, one SCH001 (availability 9), one missing field
    let ids =
        |rows: &[(String, String, u64)]| rows.iter().map(|row| row.0.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&before), ids(&after));
    let lines = |rows: &[(String, String, u64)]| rows.iter().map(|row| row.2).collect::<Vec<_>>();
    assert_ne!(
        lines(&before),
        lines(&after),
        "the test must move the findings"
    );
}

/// `[severity]` re-grades what a finding is reported with, never what it is: the ledger knows a
/// finding by its fingerprint, so re-grading must not turn old findings into new ones. OWN003
/// and CON001 have several checks, whose fingerprints tell the checks apart.
#[test]
fn re_grading_changes_the_severity_and_keeps_the_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("city-broken"), dir.path());
    let rows = |dir: &std::path::Path| {
        let (_, json) = check_json(dir, &["--select", "OWN003,CON001", "--fail-on", "none"]);
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["fingerprint"].as_str().unwrap().to_string(),
                    f["severity"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let before = rows(dir.path());
    assert_eq!(before.len(), 4, "{before:?}");
    assert!(
        before.iter().all(|(_, severity)| severity != "info"),
        "{before:?}"
    );
    let config = dir.path().join("tillsyn.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.insert_str(0, "[severity]\nOWN003 = \"info\"\nCON001 = \"info\"\n\n");
    std::fs::write(&config, text).unwrap();
    let after = rows(dir.path());
    let fingerprints =
        |rows: &[(String, String)]| rows.iter().map(|row| row.0.clone()).collect::<Vec<_>>();
    assert_eq!(fingerprints(&before), fingerprints(&after));
    assert!(
        after.iter().all(|(_, severity)| severity == "info"),
        "{after:?}"
    );
}

#[test]
fn fail_on_sets_the_threshold_of_exit_1() {
    let root = fixture("city-broken");
    assert_eq!(check_json(&root, &["--fail-on", "critical"]).0, 1);
    assert_eq!(check_json(&root, &["--fail-on", "none"]).0, 0);
    // A repository whose worst finding is medium passes the default threshold (high).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("units.yaml"),
        "kind: org_unit\nid: KF\nname: KF\nunit_type: council\nis_controller: false\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("units2.yaml"),
        "kind: org_unit\nid: KS\nname: KS\nunit_type: executive_board\nis_controller: true\nparent: OLD\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("old.yaml"), "kind: org_unit\nid: OLD\nname: Old\nunit_type: council\nis_controller: false\nstatus: retired\n").unwrap();
    let (code, json) = check_json(dir.path(), &["--select", BUILT_IN]);
    assert_eq!(json["summary"]["medium"], 1, "{json:#}");
    assert_eq!(code, 0);
    assert_eq!(
        check_json(dir.path(), &["--select", BUILT_IN, "--fail-on", "medium"]).0,
        1
    );
}

#[test]
fn output_file_gets_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("findings.json");
    let root = fixture("city-broken");
    let (code, stdout, _) = run(&[
        "check",
        root.to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    let written: Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(
        written["findings"].as_array().unwrap().len(),
        CITY_BROKEN.len()
    );
}

#[test]
fn the_table_fits_100_columns() {
    let root = fixture("city-broken");
    let (code, stdout, _) = run(&["check", root.to_str().unwrap(), "--as-of", AS_OF]);
    assert_eq!(code, 1);
    for line in stdout.lines() {
        assert!(line.chars().count() <= 100, "too wide: {line}");
    }
    assert!(stdout.contains("registers/suppliers.csv:3:13"), "{stdout}");
    assert!(
        stdout.ends_with(
            "93 findings: 12 critical, 49 high, 24 medium, 6 low, 2 info; 3 accepted.\n\
             Checked 45 files, 175 records, as of 2026-11-27.\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("[accepted by EXC-2026-01 until"),
        "{stdout}"
    );
}

#[test]
fn could_not_run_as_asked_exits_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tillsyn.toml"),
        "exclude = []\n\nexlude = [\"drafts\"]\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("tillsyn.toml:3:1: unknown key `exlude` in tillsyn.toml"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `exclude`?"), "{stderr}");

    let (code, _, stderr) = run(&["check", "/no/such/directory"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("/no/such/directory is not a directory"),
        "{stderr}"
    );

    let (code, _, stderr) = run(&["check", ".", "--as-of", "2026-02-30"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("expected a date YYYY-MM-DD"), "{stderr}");

    let (code, _, stderr) = run(&["check", ".", "--config", "/no/such/tillsyn.toml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read the configuration"), "{stderr}");
}

#[test]
fn a_broken_file_never_stops_the_others() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("city-clean"), dir.path());
    std::fs::write(
        dir.path().join("organisation/persons.yaml"),
        "kind: person\nrecords: [\n",
    )
    .unwrap();
    let (code, json) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"PARSE001"));
    // The persons are gone, so the assignments that name them no longer resolve: they were checked.
    assert!(rules.contains(&"XRF001"), "{rules:?}");
    assert_eq!(json["checked"]["records"], 105);
}

#[test]
fn verbose_lists_the_files_that_are_not_records() {
    let root = fixture("city-clean");
    let (code, _, stderr) = run(&["check", root.to_str().unwrap(), "--as-of", AS_OF, "-v"]);
    assert_eq!(code, 0);
    assert_eq!(
        stderr,
        "skipped README.md: no `kind` and no [[sources]] mapping\n"
    );
}

#[cfg(unix)]
#[test]
fn links_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.yaml"),
        "kind: person\nid: P 1\n",
    )
    .unwrap();
    let root = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        root.path().join("link.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), root.path().join("linked-dir")).unwrap();
    // Nothing is read through the links, so there is nothing to check: said, not passed.
    let (code, stdout, stderr) = run(&["check", root.path().to_str().unwrap(), "-v"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.contains("nothing here for tillsyn: no file to read (2 other paths skipped)"),
        "{stderr}"
    );
    assert!(!stderr.contains("P 1"), "{stderr}");
    // With a file of its own, the tree is checked and the links are still not followed.
    std::fs::write(root.path().join("own.yaml"), "kind: person\nid: P-2\n").unwrap();
    let (_, json) = check_json(root.path(), &[]);
    assert_eq!(json["checked"]["files"], 1);
    let (_, _, stderr) = run(&["check", root.path().to_str().unwrap(), "-v"]);
    assert!(
        stderr.contains("skipped link.yaml: a link, which tillsyn does not follow\n")
            && stderr.contains("skipped linked-dir: a link, which tillsyn does not follow\n"),
        "{stderr}"
    );
}

/// `tillsyn check ROOT EXTRA…` on a tree of `files`: exit code, stdout and stderr.
fn check_tree(files: &[(&str, &str)], extra: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let root = dir.path().to_str().unwrap().to_string();
    let (code, stdout, stderr) = run(&[&["check", root.as_str()], extra].concat());
    (code, stdout, stderr.replace(&root, "ROOT"))
}

#[test]
fn a_tree_with_nothing_for_tillsyn_is_not_a_silent_pass() {
    let help = "  help: tillsyn reads TOML, YAML, JSON and Markdown (front matter) files whose top level has `kind` \
        (e.g. `kind: information_asset`), and CSV or Excel registers that tillsyn.toml's [[sources]] maps to a kind, or DCAT, OSCAL and fides files it names with `format`; \
        `tillsyn init DIR` writes examples, and `-v` lists what was skipped and why\n";
    let (code, stdout, stderr) = check_tree(&[], &[]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        format!(
            "error: ROOT: nothing here for tillsyn: no file to read (0 other paths skipped)\n{help}"
        )
    );
    let (code, _, stderr) = check_tree(
        &[
            ("notes.md", "# Anteckningar\n"),
            ("package.json", "{\"name\": \"x\"}"),
            ("plan.pdf", "%PDF"),
            ("data/systems.csv", "id,name\nS,Sys\n"),
        ],
        &[],
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        format!(
            "error: ROOT: nothing here for tillsyn: 2 files read (notes.md, package.json), none with a top-level `kind` of tillsyn's, \
             and 2 other paths skipped\n{help}"
        )
    );
    let (_, _, stderr) = check_tree(
        &[("notes.md", "# Anteckningar\n"), ("plan.pdf", "%PDF")],
        &["-v"],
    );
    assert!(
        stderr.starts_with(
            "skipped notes.md: no `kind` and no [[sources]] mapping\nskipped plan.pdf: not a format tillsyn reads\nerror: "
        ),
        "{stderr}"
    );
    // `-v` on a tree that has records says why each other file was skipped.
    let (code, _, stderr) = check_tree(
        &[
            ("own.yaml", "kind: person\nid: P-1\nname: Sara Lind\n"),
            ("notes.md", "# Anteckningar\n"),
            ("plan.pdf", "%PDF"),
            ("data/systems.csv", "id,name\nS,Sys\n"),
            ("drafts/x.yaml", "kind: person\n"),
            ("deploy/app.yaml", "apiVersion: apps/v1\nkind: Deployment\n"),
            ("tillsyn.toml", "exclude = [\"drafts\"]\n"),
        ],
        &["-v", "--format", "json", "-o", "/dev/null"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr,
        "skipped data/systems.csv: a table no [[sources]] entry maps to a kind\n\
         skipped deploy/app.yaml: its `kind` is another tool's (it has `apiVersion`)\n\
         skipped drafts: excluded by `exclude` in tillsyn.toml\n\
         skipped notes.md: no `kind` and no [[sources]] mapping\n\
         skipped plan.pdf: not a format tillsyn reads\n"
    );
}

#[test]
fn a_source_that_matches_nothing_or_cannot_be_read_is_a_configuration_error() {
    let person = ("own.yaml", "kind: person\nid: P-1\nname: Sara Lind\n");
    let (code, stdout, stderr) = check_tree(
        &[
            person,
            (
                "tillsyn.toml",
                "[[sources]]\npath = \"registers/*.csv\"\nkind = \"system\"\n",
            ),
        ],
        &[],
    );
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        "error: ROOT/tillsyn.toml:2:8: [[sources]] path `registers/*.csv` matches no file, so its register would not be checked\n  \
         help: give the path relative to the root with `/` between folders (globs like `registers/*.csv` work), or remove the entry\n"
    );
    let (code, _, stderr) = check_tree(
        &[
            person,
            ("catalog.pdf", "%PDF-1.7"),
            (
                "tillsyn.toml",
                "[[sources]]\npath = \"catalog.pdf\"\nkind = \"dataset\"\n",
            ),
        ],
        &[],
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: ROOT/tillsyn.toml:2:8: `catalog.pdf`: tillsyn cannot read .pdf files\n  \
         help: [[sources]] maps CSV (.csv) and Excel (.xlsx) registers, or TOML, YAML, JSON and Markdown files without a `kind`, to a kind; with `format` it reads a DCAT catalogue (dcat: .ttl, .rdf, .jsonld), an OSCAL document (oscal) or a fides manifest (fides)\n"
    );
    let (code, _, stderr) = check_tree(
        &[
            person,
            ("open/catalog.pdf", "%PDF-1.7"),
            (
                "tillsyn.toml",
                "[[sources]]\npath = \"open/*\"\nkind = \"dataset\"\n",
            ),
        ],
        &[],
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: ROOT/tillsyn.toml:2:8: [[sources]] path matches `open/catalog.pdf`, which tillsyn cannot read\n  \
         help: [[sources]] maps CSV (.csv) and Excel (.xlsx) registers, or TOML, YAML, JSON and Markdown files without a `kind`, to a kind; with `format` it reads a DCAT catalogue (dcat: .ttl, .rdf, .jsonld), an OSCAL document (oscal) or a fides manifest (fides)\n"
    );
}
