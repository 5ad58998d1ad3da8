//! The cap `findings_per_rule_per_file`, through the binary: beyond it findings are not listed,
//! but every format counts them in its summary, says how many were left out in a note (no
//! finding of its own), and the exit code counts them as it counts listed ones.

mod common;

use std::path::Path;

use common::{AS_OF, check_json, run};
use serde_json::{Value, json};

const CAPPED: &str = "[limits]\nfindings_per_rule_per_file = 1\n";

const NOTE: &str = "note: 2 more findings of SCH001 in people.yaml are not listed (limit \
                    `findings_per_rule_per_file` = 1); they count in the summary and the exit code; \
                    fix the ones listed, or raise the limit in tillsyn.toml to list them";

const NOTE_SV: &str = "obs: ytterligare 2 fynd av SCH001 i people.yaml listas inte (gränsen \
                       `findings_per_rule_per_file` = 1); de räknas i sammanfattningen och \
                       avslutningskoden; åtgärda de listade, eller höj gränsen i tillsyn.toml för \
                       att lista dem";

/// Three ids with a space in people.yaml (three SCH001 findings in one file) and one in
/// other.yaml, with the configuration `config`.
fn tree(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("tillsyn.toml", config);
    write(
        "people.yaml",
        "kind: person\nrecords:\n  - { id: P 0 }\n  - { id: P 1 }\n  - { id: P 2 }\n",
    );
    write("other.yaml", "kind: person\nid: Q 1\nname: Q\n");
    dir
}

fn check(root: &Path, extra: &[&str]) -> (i32, String, String) {
    check_on(root, AS_OF, extra)
}

/// `tillsyn check ROOT --as-of DAY EXTRA…`: exit code, standard output and standard error.
fn check_on(root: &Path, day: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["check", root.to_str().unwrap(), "--as-of", day];
    args.extend_from_slice(extra);
    run(&args)
}

/// The next day's run, `--format json`, parsed.
fn json_next_day(root: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = check_on(root, NEXT_DAY, &args);
    let json = serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("{error}\n{stderr}"));
    (code, json)
}

const NEXT_DAY: &str = "2026-11-28";

/// `rule file:line:column` of every finding of a JSON report.
fn places(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}:{}",
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"],
                f["column"]
            )
        })
        .collect()
}

fn high(count: usize) -> Value {
    json!({ "critical": 0, "high": count, "medium": 0, "low": 0, "info": 0, "accepted": 0 })
}

fn assert_valid(schema: &Value, draft: jsonschema::Draft, instance: &Value) {
    let validator = jsonschema::options()
        .with_draft(draft)
        .should_validate_formats(true)
        .build(schema)
        .expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn json_lists_the_limit_counts_all_and_names_what_it_left_out() {
    let dir = tree(CAPPED);
    let (code, json) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    // One listed finding of SCH001 in people.yaml, the first; other.yaml's is under the limit.
    assert_eq!(
        places(&json),
        ["SCH001 other.yaml:2:5", "SCH001 people.yaml:3:11"]
    );
    // No finding stands for the ones left out.
    assert!(
        !json["findings"].to_string().contains("not listed"),
        "{json:#}"
    );
    assert_eq!(json["summary"], high(4));
    assert_eq!(
        json["unlisted"],
        json!([{
            "rule": "SCH001",
            "file": "people.yaml",
            "count": 2,
            "new": 2,
            "limit": 1,
            "summary": high(2),
            "message": NOTE.strip_prefix("note: ").unwrap(),
        }])
    );
    let schema: Value =
        serde_json::from_str(include_str!("../schemas/check-output.schema.json")).unwrap();
    assert_valid(&schema, jsonschema::Draft::Draft202012, &json);
    // Without a cap reached there is no `unlisted`, and every finding is listed.
    let dir = tree("");
    let (code, json) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(json.get("unlisted"), None);
    assert_eq!(
        places(&json),
        [
            "SCH001 other.yaml:2:5",
            "SCH001 people.yaml:3:11",
            "SCH001 people.yaml:4:11",
            "SCH001 people.yaml:5:11"
        ]
    );
    assert_eq!(json["summary"], high(4));
}

#[test]
fn the_table_counts_all_and_notes_what_it_left_out_in_the_runs_language() {
    let dir = tree(CAPPED);
    let (code, table, _) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(table.contains("people.yaml:3:11"), "{table}");
    assert!(!table.contains("people.yaml:4:11"), "{table}");
    assert!(
        table.ends_with(&format!(
            "4 findings: 4 high.\nChecked 2 files, 4 records, as of {AS_OF}.\n{NOTE}\n"
        )),
        "{table}"
    );
    let (code, table, _) = check(dir.path(), &["--lang", "sv"]);
    assert_eq!(code, 1);
    assert!(
        table.ends_with(&format!(
            "4 fynd: hög 4.\nKontrollerade 2 filer, 4 poster, per {AS_OF}.\n{NOTE_SV}\n"
        )),
        "{table}"
    );
    // The locale of the environment does the same: LANG=sv_SE.UTF-8.
    let output = common::tillsyn()
        .args(["check", dir.path().to_str().unwrap(), "--as-of", AS_OF])
        .env("LANG", "sv_SE.UTF-8")
        .output()
        .unwrap();
    assert!(String::from_utf8(output.stdout).unwrap().contains(NOTE_SV));
}

#[test]
fn markdown_github_and_statistics_count_all_and_note_what_was_left_out() {
    let dir = tree(CAPPED);
    let (code, markdown, _) = check(dir.path(), &["--format", "markdown"]);
    assert_eq!(code, 1);
    assert!(
        markdown.starts_with("## tillsyn: 4 open findings as of"),
        "{markdown}"
    );
    assert!(markdown.contains("| high | 4 | 4 |\n"), "{markdown}");
    assert!(
        markdown.contains(
            "**Note:** 2 more findings of SCH001 in people.yaml are not listed (limit \
             \\`findings\\_per\\_rule\\_per\\_file\\` = 1); they count in the summary"
        ),
        "{markdown}"
    );
    assert!(markdown.contains("All findings (2)"), "{markdown}");
    let (_, markdown, _) = check(dir.path(), &["--format", "markdown", "--lang", "sv"]);
    assert!(
        markdown.contains("**Obs:** ytterligare 2 fynd av SCH001 i people.yaml listas inte"),
        "{markdown}"
    );

    let (code, github, _) = check(dir.path(), &["--format", "github"]);
    assert_eq!(code, 1);
    assert_eq!(github.matches("::error ").count(), 2, "{github}");
    assert!(
        github.ends_with(&format!(
            "4 open findings (4 high), 0 accepted, in 2 files and 4 records.\n{NOTE}\n"
        )),
        "{github}"
    );

    let (code, statistics, _) = check(dir.path(), &["--statistics"]);
    assert_eq!(code, 1);
    assert_eq!(
        statistics,
        format!(
            "4  SCH001  high      Record does not match its kind's schema\n\
             4 open and 0 accepted findings from 1 rule, as of {AS_OF}.\n"
        )
    );
}

#[test]
fn csv_and_junit_say_on_standard_error_what_was_left_out() {
    let dir = tree(CAPPED);
    for format in ["csv", "junit"] {
        let (code, output, errors) = check(dir.path(), &["--format", format]);
        assert_eq!(code, 1, "{format}");
        assert_eq!(errors, format!("{NOTE}\n"), "{format}");
        assert!(!output.contains("not listed"), "{format}: {output}");
        assert!(!output.contains("people.yaml:4"), "{format}: {output}");
        let (_, _, errors) = check(dir.path(), &["--format", format, "--lang", "sv"]);
        assert_eq!(errors, format!("{NOTE_SV}\n"), "{format}");
        let (_, _, errors) = check(dir.path(), &["--format", format, "--quiet"]);
        assert_eq!(errors, "", "{format}");
    }
    // The formats that hold the note do not repeat it on standard error.
    for format in ["json", "sarif", "table", "markdown", "github"] {
        let (_, _, errors) = check(dir.path(), &["--format", format]);
        assert_eq!(errors, "", "{format}");
    }
}

#[test]
fn sarif_has_a_notification_for_what_was_left_out_and_validates() {
    let dir = tree(CAPPED);
    let (code, text, _) = check(dir.path(), &["--format", "sarif"]);
    assert_eq!(code, 1);
    let sarif: Value = serde_json::from_str(&text).unwrap();
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/external/sarif-schema-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    assert_valid(&schema, jsonschema::Draft::Draft4, &sarif);
    let run = &sarif["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), 2);
    // The rule the notification names is the driver's rule at its index.
    assert_eq!(run["tool"]["driver"]["rules"][2]["id"], "SCH001");
    assert_eq!(run["properties"]["summary"], high(4));
    assert_eq!(
        run["invocations"][0]["toolExecutionNotifications"],
        json!([{
            "descriptor": { "id": "findings_per_rule_per_file" },
            "associatedRule": { "id": "SCH001", "index": 2 },
            "level": "note",
            "message": { "text": NOTE.strip_prefix("note: ").unwrap() },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": "people.yaml", "uriBaseId": "%SRCROOT%" }
                }
            }],
            "properties": { "count": 2, "new": 2, "limit": 1, "summary": high(2) },
        }])
    );
    let dir = tree("");
    let (_, text, _) = check(dir.path(), &["--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        sarif["runs"][0]["invocations"][0].get("toolExecutionNotifications"),
        None
    );
}

/// `tillsyn report --format FORMAT` of the capped tree, as written to its file.
fn report_of_capped_tree(format: &str) -> String {
    let dir = tree(CAPPED);
    let file = dir.path().join("report");
    let (code, _, errors) = run(&[
        "report",
        dir.path().to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--format",
        format,
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{errors}");
    std::fs::read_to_string(&file).unwrap()
}

#[test]
fn the_html_report_counts_all_and_notes_what_was_left_out() {
    let html = report_of_capped_tree("html");
    assert!(html.contains(" · 4 findings · "), "{html}");
    assert!(
        html.contains("<div class=\"tile high\"><span class=\"n\">4</span>"),
        "{html}"
    );
    assert!(
        html.contains(
            "<p class=\"note\"><strong>Note:</strong> 2 more findings of SCH001 in people.yaml are not listed"
        ),
        "{html}"
    );
}

#[test]
fn oscal_counts_all_and_says_how_many_it_did_not_list_as_observations() {
    let oscal: Value = serde_json::from_str(&report_of_capped_tree("oscal")).unwrap();
    let description = oscal["assessment-results"]["results"][0]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(
        description.ends_with(
            ": 2 files and 4 records read, 4 findings (2 of them beyond the limit findings_per_rule_per_file, counted but not listed as observations)."
        ),
        "{description}"
    );
}

#[test]
fn unlisted_findings_fail_a_run_as_listed_ones_do() {
    let dir = tree(CAPPED);
    let (code, _, _) = check(dir.path(), &["--fail-on", "critical"]);
    assert_eq!(code, 0, "the findings are high");
    // The ledger of a capped run knows the listed findings only: the next run's only new
    // findings are the two unlisted ones, and they fail it.
    let (code, _, errors) = check(dir.path(), &["--ledger"]);
    assert_eq!(code, 1, "{errors}");
    let (code, json) = json_next_day(dir.path(), &["--new-only"]);
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(places(&json), Vec::<String>::new());
    assert_eq!(json["summary"], high(2));
    assert_eq!(json["unlisted"][0]["count"], 2);
    assert_eq!(json["unlisted"][0]["new"], 2);
    let (code, _, _) = check_on(dir.path(), NEXT_DAY, &["--new-only"]);
    assert_eq!(code, 1, "the table's exit code is the same");
    // A ledger that knows all of them (written by an uncapped run): nothing is new, exit 0.
    let dir = tree("");
    let (code, _, errors) = check(dir.path(), &["--ledger"]);
    assert_eq!(code, 1, "{errors}");
    std::fs::write(dir.path().join("tillsyn.toml"), CAPPED).unwrap();
    let (code, json) = json_next_day(dir.path(), &["--new-only"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(places(&json), Vec::<String>::new());
    assert_eq!(json["summary"], high(0));
    assert_eq!(json.get("unlisted"), None);
    let (code, table, _) = check_on(dir.path(), NEXT_DAY, &["--new-only"]);
    assert_eq!(code, 0, "{table}");
    assert!(
        table.contains(NOTE),
        "the table shows every finding: {table}"
    );
    // Without --new-only they are open findings all the same.
    let (code, json) = json_next_day(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(json["summary"], high(4));
    assert_eq!(json["unlisted"][0]["new"], 0);
}
