//! The CI formats of `tillsyn check`: SARIF, JUnit, GitHub workflow commands, Markdown and CSV.
//! Each is checked against its official schema where there is one, against the findings of the
//! JSON contract, for determinism, and against a repository of hostile text.

mod common;

use std::path::Path;
use std::process::Command as Process;

use common::{AS_OF, check_json, fixture, run};
use serde_json::Value;

const FORMATS: [&str; 5] = ["sarif", "junit", "github", "markdown", "csv"];

/// `tillsyn check ROOT --format FORMAT --as-of AS_OF`: exit code and standard output.
fn check_as(root: &Path, format: &str) -> (i32, String) {
    let root = root.to_str().expect("test paths are UTF-8");
    let (code, stdout, stderr) = run(&["check", root, "--format", format, "--as-of", AS_OF]);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    (code, stdout)
}

fn findings(root: &Path) -> Vec<Value> {
    let (_, json) = check_json(root, &[]);
    json["findings"]
        .as_array()
        .expect("findings is an array")
        .clone()
}

fn accepted(finding: &Value) -> bool {
    finding["state"] == "accepted"
}

fn sarif_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/external/sarif-schema-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the SARIF schema is copied"))
            .expect("the SARIF schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid_sarif(text: &str) -> Value {
    let sarif: Value = serde_json::from_str(text).expect("SARIF is JSON");
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
    sarif
}

fn xmllint() -> bool {
    Process::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Validates JUnit XML against the xunit-plugin schema with xmllint; false when xmllint is
/// missing (the caller skips, CI installs it).
fn validate_junit(text: &str) -> bool {
    if !xmllint() {
        eprintln!(
            "SKIPPED: xmllint is not installed (apt-get install libxml2-utils); the JUnit output \
             was not validated against tests/external/junit-10.xsd"
        );
        return false;
    }
    let directory = tempfile::tempdir().expect("temporary directory");
    let file = directory.path().join("junit.xml");
    std::fs::write(&file, text).expect("write the JUnit output");
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/external/junit-10.xsd");
    let output = Process::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint runs");
    assert!(
        output.status.success(),
        "JUnit output does not validate:\n{}\n{text}",
        String::from_utf8_lossy(&output.stderr)
    );
    true
}

#[test]
fn sarif_validates_and_carries_every_finding() {
    let root = fixture("city-broken");
    let expected = findings(&root);
    let (code, text) = check_as(&root, "sarif");
    assert_eq!(code, 1, "city-broken fails the run in every format");
    let sarif = assert_valid_sarif(&text);
    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["tool"]["driver"]["name"], "tillsyn");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(run["tool"]["driver"].get("informationUri").is_none());
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["properties"]["asOf"], AS_OF);
    assert_eq!(run["invocations"][0]["properties"]["asOf"], AS_OF);
    assert!(
        run["originalUriBaseIds"]["%SRCROOT%"].get("uri").is_none(),
        "no absolute (machine-specific) root"
    );
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), expected.len(), "one result per finding");
    // Every selected rule is described, not only those with findings: city-broken has a
    // finding of every rule, and the descriptors are unique.
    let mut ids: Vec<&str> = rules
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    let described = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), described, "rule descriptors are unique");
    for rule in rules {
        assert!(
            rule["shortDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        assert!(
            rule["fullDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        assert!(rule["help"]["markdown"].as_str().is_some());
        assert!(rule["properties"]["severity"].is_string());
    }
    for (result, finding) in results.iter().zip(&expected) {
        assert_eq!(result["ruleId"], finding["rule"]);
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            rules[index]["id"], finding["rule"],
            "ruleIndex points at the rule"
        );
        let level = match finding["severity"].as_str().unwrap() {
            "critical" | "high" => "error",
            "medium" => "warning",
            _ => "note",
        };
        assert_eq!(result["level"], level, "{result}");
        assert_eq!(
            result["partialFingerprints"]["tillsyn/v1"],
            finding["fingerprint"]
        );
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().expect("uri");
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(
            !uri.starts_with('/')
                && !uri.contains("://")
                && !uri.split('/').next().unwrap().contains(':'),
            "relative uri: {uri}"
        );
        assert_eq!(location["region"]["startLine"], finding["line"]);
        assert_eq!(location["region"]["startColumn"], finding["column"]);
        assert_eq!(result["properties"]["severity"], finding["severity"]);
        assert_eq!(result["properties"]["state"], finding["state"]);
        assert_eq!(result["properties"]["due"], finding["due"]);
        assert_eq!(result["properties"]["responsible"], finding["responsible"]);
        let suppressions = result.get("suppressions");
        if accepted(finding) {
            let suppression = &suppressions.expect("accepted findings are suppressed")[0];
            assert_eq!(suppression["kind"], "external");
            assert_eq!(suppression["status"], "accepted");
            let justification = suppression["justification"].as_str().unwrap();
            let exception = finding["exception"]["exception"].as_str().unwrap();
            assert!(justification.starts_with("accepted by exception EXC-"));
            assert!(justification.contains(exception), "{justification}");
        } else {
            assert!(suppressions.is_none(), "{result}");
        }
    }
    assert!(
        expected.iter().any(accepted),
        "city-broken has accepted findings"
    );
}

#[test]
fn junit_validates_and_counts_failures() {
    let root = fixture("city-broken");
    let expected = findings(&root);
    let (_, text) = check_as(&root, "junit");
    let failing = expected.iter().filter(|f| !accepted(f)).count();
    let skipped = expected.len() - failing;
    assert_eq!(text.matches("<failure ").count(), failing);
    assert_eq!(text.matches("<skipped ").count(), skipped);
    assert!(text.contains(&format!("failures=\"{failing}\"")));
    assert!(text.contains("<skipped message=\"accepted by exception EXC-"));
    // One suite per rule that ran; a rule without finding is one passing test case.
    let (_, clean) = check_as(&fixture("city-clean"), "junit");
    assert!(clean.contains("<testsuite name=\"OWN001 "));
    assert!(!clean.contains("<failure "));
    validate_junit(&text);
    validate_junit(&clean);
}

/// Checks that a line is one well-formed workflow command and returns its command, properties
/// and message.
fn parse_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line.strip_prefix("::").expect("a command starts with ::");
    let (head, message) = rest.split_once("::").expect("a command has a message");
    let (command, properties) = head.split_once(' ').unwrap_or((head, ""));
    let properties: Vec<(String, String)> = properties
        .split(',')
        .filter(|property| !property.is_empty())
        .map(|property| {
            let (key, value) = property.split_once('=').expect("key=value");
            assert!(
                ["file", "line", "col", "title"].contains(&key),
                "unexpected property {key} in {line}"
            );
            assert!(!value.contains(':'), "unescaped : in {line}");
            (key.to_string(), value.to_string())
        })
        .collect();
    assert!(!message.contains('\r'), "raw CR in {line}");
    assert!(
        !message.chars().any(|c| c.is_control()),
        "control character in {line:?}"
    );
    (command.to_string(), properties, message.to_string())
}

fn unescape(text: &str) -> String {
    text.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn github_commands_parse_and_map_severities() {
    let root = fixture("city-broken");
    let expected = findings(&root);
    let (_, text) = check_as(&root, "github");
    let open: Vec<&Value> = expected.iter().filter(|f| !accepted(f)).collect();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        open.len() + 1,
        "one command per open finding and a summary"
    );
    for (line, finding) in lines.iter().zip(&open) {
        let (command, properties, message) = parse_command(line);
        let wanted = match finding["severity"].as_str().unwrap() {
            "critical" | "high" => "error",
            "medium" => "warning",
            _ => "notice",
        };
        assert_eq!(command, wanted);
        assert_eq!(
            unescape(&properties[0].1),
            finding["file"].as_str().unwrap()
        );
        assert_eq!(properties[1], ("line".into(), finding["line"].to_string()));
        assert_eq!(properties[2], ("col".into(), finding["column"].to_string()));
        assert!(unescape(&message).contains(finding["message"].as_str().unwrap()));
    }
    let summary = lines.last().unwrap();
    assert!(!summary.starts_with("::"));
    assert!(summary.contains(AS_OF));
}

#[test]
fn markdown_summarises_new_findings_and_lists_all() {
    let root = fixture("city-broken");
    let expected = findings(&root);
    let (_, text) = check_as(&root, "markdown");
    let open = expected.iter().filter(|f| !accepted(f)).count();
    assert!(text.starts_with(&format!("## tillsyn: {open} open findings as of {AS_OF}\n")));
    assert!(text.contains(&format!("tillsyn {}", env!("CARGO_PKG_VERSION"))));
    assert!(text.contains("| critical | "));
    assert!(text.contains("| accepted | 3 |"));
    let new_at = text.find("### New findings").expect("new findings");
    let holders_at = text.find("### Top responsible").expect("top responsible");
    let details_at = text
        .find(&format!(
            "<details>\n<summary>All findings ({})</summary>\n\n",
            expected.len()
        ))
        .expect("a collapsible full list");
    assert!(new_at < holders_at && holders_at < details_at);
    assert!(text.trim_end().ends_with("</details>"));
    let full_list = &text[details_at..];
    let rows = full_list
        .lines()
        .filter(|line| line.starts_with("| "))
        .count();
    assert_eq!(rows, expected.len() + 1, "a header and a row per finding");
}

#[test]
fn csv_has_a_header_and_a_row_per_finding() {
    let root = fixture("city-broken");
    let expected = findings(&root);
    let (_, text) = check_as(&root, "csv");
    assert!(text.ends_with("\r\n"));
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = reader.headers().expect("a header").clone();
    assert_eq!(header.get(0), Some("rule"));
    assert!(header.iter().any(|column| column == "responsible_holder"));
    let records: Vec<csv::StringRecord> = reader
        .records()
        .map(|record| record.expect("RFC 4180"))
        .collect();
    assert_eq!(records.len(), expected.len());
    let column = |name: &str| header.iter().position(|c| c == name).unwrap();
    for (record, finding) in records.iter().zip(&expected) {
        assert_eq!(record.len(), header.len());
        assert_eq!(&record[column("rule")], finding["rule"].as_str().unwrap());
        assert_eq!(
            &record[column("fingerprint")],
            finding["fingerprint"].as_str().unwrap()
        );
        assert_eq!(&record[column("state")], finding["state"].as_str().unwrap());
        if let Some(holder) = finding["responsible"]["holder"].as_str() {
            assert!(record[column("responsible_holder")].ends_with(holder));
        }
        if accepted(finding) {
            assert!(record[column("exception")].starts_with("EXC-"));
        }
    }
}

#[test]
fn every_format_is_deterministic() {
    for root in [fixture("city-broken"), fixture("hostile")] {
        for format in FORMATS {
            let (_, first) = check_as(&root, format);
            let (_, second) = check_as(&root, format);
            assert_eq!(first, second, "{format} differs between two runs");
        }
    }
}

#[test]
fn formats_list_in_help() {
    let (_, stdout, _) = run(&["check", "--help"]);
    for format in FORMATS {
        assert!(stdout.contains(format), "--help names {format}");
    }
}

// A repository of hostile text: every string field holds HTML, a formula, workflow commands,
// percent escapes, an ANSI escape, quotes and line breaks, and the rules quote them back.

const HOSTILE: &str = "<script>alert(1)</script>";

#[test]
fn hostile_text_reaches_the_findings() {
    let expected = findings(&fixture("hostile"));
    let messages: Vec<&str> = expected
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(messages.iter().any(|m| m.contains(HOSTILE)));
    assert!(messages.iter().any(|m| m.starts_with("=HYPERLINK(")));
    assert!(messages.iter().any(|m| m.contains("::error::")));
    assert!(
        messages
            .iter()
            .any(|m| m.contains('\n') && m.contains('\r'))
    );
    assert!(messages.iter().any(|m| m.contains('\u{1b}')));
    assert!(messages.iter().any(|m| m.contains("%0A")));
    assert!(expected.iter().any(|f| f["rule"] == "HST001"));
}

/// `<` not written as `\<` or `&lt;`, outside the tags the Markdown format writes itself.
fn raw_html(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let allowed = ["<details>", "</details>", "<summary>", "</summary>"];
    for (at, _) in text.match_indices('<') {
        if at > 0 && text.as_bytes()[at - 1] == b'\\' {
            continue;
        }
        if allowed.iter().any(|tag| text[at..].starts_with(tag)) {
            continue;
        }
        found.push(text[at..].chars().take(30).collect());
    }
    for (at, _) in text.match_indices('&') {
        if at == 0 || text.as_bytes()[at - 1] != b'\\' {
            found.push(text[at..].chars().take(30).collect());
        }
    }
    found
}

#[test]
fn hostile_markdown_is_inert() {
    let (_, text) = check_as(&fixture("hostile"), "markdown");
    assert!(
        raw_html(&text).is_empty(),
        "raw HTML: {:?}",
        raw_html(&text)
    );
    assert!(!text.contains('\u{1b}') && !text.contains('\r'));
    // Every table row keeps its columns: no unescaped pipe or line break from the data.
    for line in text.lines().filter(|line| line.starts_with('|')) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert!(
            cells == 4 || cells == 7 || cells == 8,
            "{cells} pipes: {line}"
        );
    }
    assert!(text.contains("\\<script\\>"), "the text is shown, escaped");
}

#[test]
fn hostile_sarif_is_valid_and_inert() {
    let (_, text) = check_as(&fixture("hostile"), "sarif");
    let sarif = assert_valid_sarif(&text);
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let hostile_rule = rules
        .iter()
        .find(|rule| rule["id"] == "HST001")
        .expect("HST001");
    let markdown = hostile_rule["help"]["markdown"].as_str().unwrap();
    assert!(
        raw_html(markdown).is_empty(),
        "raw HTML in help: {markdown}"
    );
    assert!(
        markdown.contains("\\[link\\](javascript"),
        "no live link: {markdown}"
    );
    // Tags are distinct even when the references repeat.
    assert_eq!(
        hostile_rule["properties"]["tags"].as_array().unwrap().len(),
        2
    );
    let mut strings = Vec::new();
    collect_strings(&sarif, &mut strings);
    for string in strings {
        assert!(
            !string.chars().any(|c| c.is_control() && c != '\n'),
            "control character in {string:?}"
        );
    }
    for result in run["results"].as_array().unwrap() {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            uri == "assets,%20100%25%20=x.yaml" || !uri.contains(['%', ' ']),
            "encoded uri: {uri}"
        );
    }
}

fn collect_strings<'a>(value: &'a Value, into: &mut Vec<&'a str>) {
    match value {
        Value::String(string) => into.push(string),
        Value::Array(items) => items.iter().for_each(|item| collect_strings(item, into)),
        Value::Object(map) => map.values().for_each(|item| collect_strings(item, into)),
        _ => {}
    }
}

#[test]
fn hostile_junit_is_well_formed_and_valid() {
    let (_, text) = check_as(&fixture("hostile"), "junit");
    assert!(!text.contains(HOSTILE));
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!text.contains('\u{1b}') && !text.contains('\r'));
    validate_junit(&text);
}

#[test]
fn hostile_github_commands_stay_one_per_line() {
    let expected = findings(&fixture("hostile"));
    let (_, text) = check_as(&fixture("hostile"), "github");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), expected.len() + 1);
    for line in &lines[..expected.len()] {
        let (_, properties, message) = parse_command(line);
        for (_, value) in &properties {
            assert!(!value.contains(','), "unescaped , in {line}");
        }
        assert!(!message.contains('\n'));
    }
    assert!(text.contains("::error::pwned %250A"), "% is escaped");
    assert!(text.contains("file=assets%2C 100%25 =x.yaml"));
}

#[test]
fn hostile_csv_cannot_start_a_formula() {
    let expected = findings(&fixture("hostile"));
    let (_, text) = check_as(&fixture("hostile"), "csv");
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("RFC 4180")).collect();
    assert_eq!(records.len(), expected.len());
    for record in &records {
        for cell in record {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "formula cell: {cell:?}"
            );
            assert!(!cell.contains('\u{1b}'), "escape character in {cell:?}");
        }
    }
    assert!(
        records
            .iter()
            .any(|record| record.iter().any(|cell| cell.starts_with("'=HYPERLINK("))),
        "the formula is kept as text"
    );
}

#[test]
fn sarif_of_an_excel_register_validates_and_names_the_cells() {
    let (code, text) = check_as(&fixture("excel"), "sarif");
    assert_eq!(code, 1);
    let sarif = assert_valid_sarif(&text);
    let places: Vec<(String, u64, u64, String)> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|result| {
            let location = &result["locations"][0];
            let region = &location["physicalLocation"]["region"];
            (
                result["ruleId"].as_str().unwrap_or_default().to_string(),
                region["startLine"].as_u64().unwrap_or_default(),
                region["startColumn"].as_u64().unwrap_or_default(),
                location["logicalLocations"][0]["fullyQualifiedName"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    let expected = [
        ("OWN001", 4, 1, "Assets!A4"),
        ("XRF001", 5, 5, "Assets!E5"),
        ("CLS005", 5, 10, "Assets!J5"),
        ("SCH001", 6, 6, "Assets!F6"),
    ]
    .map(|(rule, line, column, cell)| (rule.to_string(), line, column, cell.to_string()));
    assert_eq!(places, expected);
    let message = &sarif["runs"][0]["results"][1]["message"]["text"];
    assert!(
        message
            .as_str()
            .is_some_and(|text| text.ends_with("has that id (cell Assets!E5)")),
        "{message}"
    );
}
