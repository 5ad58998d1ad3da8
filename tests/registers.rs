//! Registers as their owners keep them: a Swedish spreadsheet export (Windows-1252, semicolons,
//! title rows, Swedish headers and words, a decimal comma) read through a `[[sources]]` mapping
//! gives the same records as its clean twin in tillsyn's own TOML.

mod common;

use std::path::Path;

use common::run;
use serde_json::Value;

/// The register as Excel exports it on a Swedish machine, before encoding.
const SWEDISH: &str = "Systemförteckning Felstad kommun\r\n\
Exporterad 2026-11-01;;;;\r\n\
Systemnamn;Id;Livscykel;Enhet;Återställningstid (h);Molntjänst\r\n\
Elevsystem;SYS-1;I drift;UTBF;4,5;Nej\r\n\
Bokning, lokaler;SYS-2;Avvecklas;UTBF;12;Ja\r\n\
\"Ärende; diarium\";SYS-3;Planerad;KS;0,25;nej\r\n";

const MAPPING: &str = r#"[[sources]]
path = "registers/system.csv"
kind = "system"
header_row = 3
columns = { "Systemnamn" = "name", "Id" = "id", "Livscykel" = "lifecycle", "Enhet" = "unit", "Återställningstid (h)" = "continuity.rto_hours", "Molntjänst" = "is_cloud" }
values.lifecycle = { "I drift" = "operating", "Avvecklas" = "decommissioning", "Planerad" = "planned" }
values.is_cloud = { "Ja" = true, "Nej" = false }
"#;

const TWIN: &str = r#"kind = "system"

[[records]]
name = "Elevsystem"
id = "SYS-1"
lifecycle = "operating"
unit = "UTBF"
continuity = { rto_hours = 4.5 }
is_cloud = false

[[records]]
name = "Bokning, lokaler"
id = "SYS-2"
lifecycle = "decommissioning"
unit = "UTBF"
continuity = { rto_hours = 12 }
is_cloud = true

[[records]]
name = "Ärende; diarium"
id = "SYS-3"
lifecycle = "planned"
unit = "KS"
continuity = { rto_hours = 0.25 }
is_cloud = false
"#;

/// `rule record pointer message` of every finding, sorted: what a register gives whatever file
/// it is kept in.
fn findings(root: &Path) -> (Vec<String>, Value, String) {
    let (code, stdout, stderr) = run(&[
        "check",
        root.to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        common::AS_OF,
        "--select",
        "SCH,XRF,OWN003",
        "--fail-on",
        "none",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let mut lines: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            let pointer = finding["pointer"].as_str().unwrap();
            // `/records/2/…` in TOML is `/2/…` in a CSV: compare within the record.
            let within = pointer
                .trim_start_matches("/records")
                .splitn(3, '/')
                .nth(2)
                .unwrap_or_default()
                .to_string();
            format!(
                "{} {} /{within} {}",
                finding["rule"].as_str().unwrap(),
                finding["record"].as_str().unwrap_or("-"),
                finding["message"].as_str().unwrap()
            )
        })
        .collect();
    lines.sort();
    (lines, json["checked"].clone(), stderr)
}

#[test]
fn a_swedish_spreadsheet_export_reads_as_its_clean_twin() {
    let swedish = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(swedish.path().join("registers")).unwrap();
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(SWEDISH);
    assert!(!unmappable);
    std::fs::write(swedish.path().join("registers/system.csv"), &bytes).unwrap();
    std::fs::write(swedish.path().join("tillsyn.toml"), MAPPING).unwrap();

    let twin = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(twin.path().join("registers")).unwrap();
    std::fs::write(twin.path().join("registers/system.toml"), TWIN).unwrap();

    let (from_csv, checked, stderr) = findings(swedish.path());
    let (from_toml, twin_checked, _) = findings(twin.path());
    assert_eq!(checked["records"], 3);
    assert_eq!(checked, twin_checked);
    assert!(!from_csv.is_empty(), "the twins have findings to compare");
    assert_eq!(from_csv, from_toml);
    assert_eq!(
        stderr,
        "note: registers/system.csv: not UTF-8, read as Windows-1252 (as Excel writes CSV); save it as UTF-8 to be sure\n"
    );
}

#[test]
fn a_cell_that_does_not_fit_is_a_finding_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("registers")).unwrap();
    let register = SWEDISH.replace("I drift;UTBF;4,5", "I drift;UTBF;fyra");
    std::fs::write(dir.path().join("registers/system.csv"), register).unwrap();
    std::fs::write(dir.path().join("tillsyn.toml"), MAPPING).unwrap();
    let (code, stdout, _) = run(&[
        "check",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        common::AS_OF,
        "--select",
        "SCH001",
    ]);
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["pointer"] == "/0/continuity/rto_hours")
        .unwrap_or_else(|| panic!("{json:#}"))
        .clone();
    assert_eq!(
        (finding["line"].clone(), finding["column"].clone()),
        (4.into(), 31.into())
    );
    assert_eq!(
        finding["message"],
        "`continuity.rto_hours` must be a number, not string \"fyra\""
    );
}

#[test]
fn a_semicolon_register_is_read_by_its_columns_without_being_told() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("systems.csv"),
        "id;name;lifecycle;unit\nSYS-1;Elevsystem;operating;UTBF\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("tillsyn.toml"),
        "[[sources]]\npath = \"systems.csv\"\nkind = \"system\"\n",
    )
    .unwrap();
    let (_, stdout, _) = run(&[
        "check",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        common::AS_OF,
        "--select",
        "SCH001",
    ]);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let unknown: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| {
            finding["message"]
                .as_str()
                .unwrap()
                .contains("unknown field")
        })
        .collect();
    assert!(unknown.is_empty(), "{unknown:#?}");
    assert_eq!(json["checked"]["records"], 1, "{json:#}");
    assert!(
        !stdout.contains("id;name"),
        "the header is split into its columns: {json:#}"
    );
}

#[test]
fn a_delimiter_or_header_row_that_cannot_be_is_a_configuration_error() {
    for (entry, message) in [
        (
            "delimiter = \"|\"",
            "tillsyn.toml:4:13: `delimiter` must be \",\", \";\" or \"\\t\" (a tab)",
        ),
        (
            "header_row = 0",
            "tillsyn.toml:4:14: `header_row` must be the number of the row that names the columns, 1 or more",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("systems.csv"), "id\nSYS-1\n").unwrap();
        std::fs::write(
            dir.path().join("tillsyn.toml"),
            format!("[[sources]]\npath = \"systems.csv\"\nkind = \"system\"\n{entry}\n"),
        )
        .unwrap();
        let (code, _, stderr) = run(&["check", dir.path().to_str().unwrap()]);
        assert_eq!(code, 2);
        assert!(stderr.contains(message), "{stderr}");
    }
}

#[test]
fn import_with_the_same_mapping_writes_the_clean_twin() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(SWEDISH);
    let register = dir.path().join("system.csv");
    std::fs::write(&register, &bytes).unwrap();
    // The [[sources]] entry, without its `path`, is the mapping file.
    let map = dir.path().join("map.toml");
    std::fs::write(
        &map,
        MAPPING.replace("[[sources]]\npath = \"registers/system.csv\"\n", ""),
    )
    .unwrap();
    let (code, imported, stderr) = run(&[
        "import",
        "csv",
        register.to_str().unwrap(),
        "--map",
        map.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.starts_with("note: "), "{stderr}");
    let imported: toml::Value = toml::from_str(&imported).unwrap();
    let twin: toml::Value = toml::from_str(TWIN).unwrap();
    assert_eq!(imported["records"], twin["records"]);
    assert_eq!(imported["kind"].as_str(), Some("system"));

    std::fs::write(&map, "kind = \"system\"\ncolumn = {}\n").unwrap();
    let (code, _, stderr) = run(&[
        "import",
        "csv",
        register.to_str().unwrap(),
        "--map",
        map.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("map.toml:2:1: unknown field `column`"),
        "{stderr}"
    );
}

/// Dates as Swedish registers write them, read only where the mapping says `dates = "swedish"`.
const DATED: &str = "id;name;last_reviewed\n\
SYS-1;Elevsystem;1 mars 2026\n\
SYS-2;Bokning;20260301\n\
SYS-3;Diarium;1/3 2026\n\
SYS-4;Lön;2026-03-01 08:15\n\
SYS-5;Webb;1.3.2026\n\
SYS-6;E-tjänst;31/2 2026\n";

fn dated_tree(dates: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("system.csv"), DATED).unwrap();
    std::fs::write(
        dir.path().join("tillsyn.toml"),
        format!("[[sources]]\npath = \"system.csv\"\nkind = \"system\"\n{dates}"),
    )
    .unwrap();
    dir
}

/// `record line:column` of each finding about `last_reviewed`.
fn date_findings(root: &Path) -> Vec<String> {
    let (_, json) = common::check_json(root, &["--select", "SCH001", "--fail-on", "none"]);
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| {
            finding["pointer"]
                .as_str()
                .unwrap()
                .ends_with("/last_reviewed")
        })
        .map(|finding| {
            format!(
                "{} {}:{}",
                finding["record"].as_str().unwrap(),
                finding["line"],
                finding["column"]
            )
        })
        .collect()
}

#[test]
fn swedish_date_forms_are_read_only_when_the_mapping_says_so() {
    // Without `dates`, only 2026-03-01 is a date: every other form is a finding at its cell.
    let iso = dated_tree("");
    assert_eq!(
        date_findings(iso.path()),
        [
            "SYS-1 2:18",
            "SYS-2 3:15",
            "SYS-3 4:15",
            "SYS-4 5:11",
            "SYS-5 6:12",
            "SYS-6 7:16"
        ]
    );
    // With `dates = "swedish"` each form is the first of March; 31/2 is no day and stays a
    // finding.
    let swedish = dated_tree("dates = \"swedish\"\n");
    assert_eq!(date_findings(swedish.path()), ["SYS-6 7:16"]);
    let (code, text, stderr) = run(&[
        "import",
        "csv",
        swedish.path().join("system.csv").to_str().unwrap(),
        "--map",
        swedish.path().join("tillsyn.toml").to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{text}{stderr}");
    // A mapping file has no `[[sources]]`: its keys stand at the top.
    let map = swedish.path().join("map.toml");
    std::fs::write(&map, "kind = \"system\"\ndates = \"swedish\"\n").unwrap();
    let (code, text, stderr) = run(&[
        "import",
        "csv",
        swedish.path().join("system.csv").to_str().unwrap(),
        "--map",
        map.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let imported: toml::Value = toml::from_str(&text).unwrap();
    let days: Vec<&str> = imported["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|record| record["last_reviewed"].as_str().unwrap())
        .collect();
    assert_eq!(
        days,
        [
            "2026-03-01",
            "2026-03-01",
            "2026-03-01",
            "2026-03-01",
            "2026-03-01",
            "31/2 2026"
        ]
    );
    assert!(stderr.contains("system.csv:7:16: "), "{stderr}");
    // Another word for `dates` is a configuration error at its value.
    let wrong = dated_tree("dates = \"svenska\"\n");
    let (code, _, stderr) = run(&["check", wrong.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("tillsyn.toml:4:9: `dates` must be \"swedish\""),
        "{stderr}"
    );
}
