//! OSCAL documents as tillsyn reads them: NIST's own example system security plans give their
//! systems with the levels FIPS 199 says and every field at the line of its OSCAL value; a value
//! outside FIPS 199 ("medium") is a finding at that value; and an assessment result or a plan of
//! action and milestones is the risk analysis that RSK001 looks for.

mod common;

use std::path::{Path, PathBuf};

use common::check_json;
use serde_json::{Value, json};
use tillsyn::source::node::{Node, Value as Tree};
use tillsyn::source::span::LineIndex;
use tillsyn::source::{Limits, oscal};

fn nist(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/external/formats/oscal")
        .join(name)
}

/// A record's values, each leaf written `value @line:column` of where the importer says it is.
fn shown(node: &Node, lines: &LineIndex) -> Value {
    let position = lines.position(node.span().start());
    let at = format!("@{}:{}", position.line, position.column);
    match &node.value {
        Tree::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|entry| (entry.key.to_string(), shown(&entry.value, lines)))
                .collect(),
        ),
        Tree::Sequence(items) => {
            Value::Array(items.iter().map(|item| shown(item, lines)).collect())
        }
        Tree::String(text) => Value::String(format!("{} {at}", text.as_str())),
        Tree::Integer(number) => Value::String(format!("{number} {at}")),
        other => Value::String(format!("{other:?} {at}")),
    }
}

/// The records `oscal::parse` reads from a file, with the position of every value.
fn records(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let shown_path = path.file_name().unwrap().to_str().unwrap();
    let root = oscal::parse(&text, shown_path, &Limits::default())
        .unwrap_or_else(|error| panic!("{}", error.message));
    shown(&root, &LineIndex::new(&text))
}

#[test]
fn the_ifa_plan_gives_its_system_with_owner_levels_and_lines() {
    assert_eq!(
        records(&nist("ifa_ssp-example.json")),
        json!({"system": [{
            "id": "8101e04d-8305-4e73-bb95-6b59f645b143 @94:17",
            "name": "IFA GoodRead @97:22",
            "lifecycle": "operating @135:18",
            "system_owner": "ba9c12bd-e5ef-46b6-95a2-4d8e7f864c1a @70:13",
            "declared_classification": {
                "confidentiality": "1 @130:47",
                // Not a FIPS 199 value: kept as written, for the schema to report.
                "integrity": "medium @131:41",
                "availability": "1 @132:44",
            },
            "components": ["551b9706-d6a4-4d25-8207-f2ccec548b89 @207:19"],
        }]})
    );
}

#[test]
fn the_logging_plan_gives_its_system_in_json_and_in_yaml() {
    let json_record = records(&nist("ssp-example.json"));
    assert_eq!(
        json_record["system"][0],
        json!({
            "id": "d7456980-9277-4dcb-83cf-f8ff0442623b @66:17",
            "name": "Enterprise Logging and Auditing System @69:22",
            // `other` is no lifecycle: kept, for the schema to report.
            "lifecycle": "other @114:18",
            "declared_classification": {
                "confidentiality": "2 @109:47",
                "integrity": "2 @110:41",
                "availability": "1 @111:44",
            },
            "hosting": {"model": "iaas @78:20"},
            "components": [
                "74042245-3db1-4f4d-be9a-ceb62d81152c @191:19",
                "e00acdcf-911b-437d-a42f-b0b558cc4f03 @200:19",
                "795533ab-9427-4abe-820f-0b571bacfe6d @229:19",
                "941e2a87-46f4-4b3e-9e87-bbd187091ca1 @256:19",
                "fa39eb84-3014-46b4-b6bc-7da10527c262 @286:19",
                "4938767c-dd8b-4ea4-b74a-fafffd48ac99 @316:19",
            ],
        })
    );
    let yaml_record = records(&nist("ssp-example.yaml"));
    let system = &yaml_record["system"][0];
    assert_eq!(system["id"], "d7456980-9277-4dcb-83cf-f8ff0442623b @40:11");
    assert_eq!(
        system["declared_classification"],
        json!({"confidentiality": "2 @66:43", "integrity": "2 @67:37", "availability": "1 @68:40"})
    );
    // The same values, wherever they stand.
    let without_positions = |record: &Value| {
        let text = record.to_string();
        regex::Regex::new(r" @\d+:\d+")
            .unwrap()
            .replace_all(&text, "")
            .into_owned()
    };
    assert_eq!(
        without_positions(system),
        without_positions(&json_record["system"][0])
    );
}

#[test]
fn assessment_results_and_the_poam_are_risk_analyses() {
    assert_eq!(
        records(&nist("ifa_assessment-results-example.json")),
        json!({"risk_analysis": [{
            "id": "a1d20136-37e0-42aa-9834-4e9d8c36d798 @104:17",
            "performed_on": "2023-06-02 @108:16",
            "method": "OSCAL assessment results @105:18",
            "assessed_components": ["551b9706-d6a4-4d25-8207-f2ccec548b89 @154:33"],
        }]})
    );
    assert_eq!(
        records(&nist("ifa_plan-of-action-and-milestones.json")),
        json!({"risk_analysis": [{
            "id": "714210d2-f8df-448c-be3e-e2213816cf79 @3:13",
            "object": "8101e04d-8305-4e73-bb95-6b59f645b143 @15:13",
            "performed_on": "2024-02-01 @6:24",
            "method": "OSCAL plan of action and milestones @5:16",
            "assessed_components": ["551b9706-d6a4-4d25-8207-f2ccec548b89 @30:29"],
        }]})
    );
}

/// A tree with the named NIST files (each possibly rewritten) under `oscal/`, read through one
/// `[[sources]]` entry.
fn tree(files: &[(&str, &dyn Fn(String) -> String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("oscal")).unwrap();
    for (name, rewrite) in files {
        let text = std::fs::read_to_string(nist(name)).unwrap();
        std::fs::write(dir.path().join("oscal").join(name), rewrite(text)).unwrap();
    }
    std::fs::write(
        dir.path().join("tillsyn.toml"),
        "[[sources]]\npath = \"oscal/*.json\"\nformat = \"oscal\"\n",
    )
    .unwrap();
    dir
}

/// `tillsyn check ROOT --format json --as-of DAY`, parsed.
fn check_as_of(root: &Path, day: &str) -> (i32, Value) {
    let (code, stdout, stderr) = common::run(&[
        "check",
        root.to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        day,
    ]);
    let report = serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("{error}\n{stderr}"));
    (code, report)
}

fn unchanged(text: String) -> String {
    text
}

/// The findings of one rule, as `file:line:column pointer: message`.
fn findings_of(report: &Value, rule: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["rule"] == rule)
        .map(|finding| {
            format!(
                "{}:{}:{} {}: {}",
                finding["file"].as_str().unwrap(),
                finding["line"],
                finding["column"],
                finding["pointer"].as_str().unwrap(),
                finding["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn medium_is_a_finding_at_its_value_and_not_a_level() {
    let dir = tree(&[("ifa_ssp-example.json", &unchanged)]);
    let (code, report) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings_of(&report, "SCH001"),
        [
            "oscal/ifa_ssp-example.json:90:31 /system/0/unit: missing required field `unit`",
            "oscal/ifa_ssp-example.json:131:41 /system/0/declared_classification/integrity: `declared_classification.integrity` must be an integer, not string \"medium\"",
        ]
    );
    // A hand-written plan with the same slip in another place.
    let small = tempfile::tempdir().unwrap();
    std::fs::write(
        small.path().join("plan.yaml"),
        "system-security-plan:\n  uuid: 11111111-0000-4000-8000-000000000001\n  metadata:\n    oscal-version: 1.0.6\n  system-characteristics:\n    system-ids:\n      - id: kassa\n    system-name: Kassasystem\n    status: {state: operational}\n    security-impact-level:\n      security-objective-confidentiality: medium\n      security-objective-integrity: fips-199-high\n      security-objective-availability: fips-199-moderate\n",
    )
    .unwrap();
    std::fs::write(
        small.path().join("tillsyn.toml"),
        "[[sources]]\npath = \"plan.yaml\"\nformat = \"oscal\"\n",
    )
    .unwrap();
    let (_, report) = check_json(small.path(), &[]);
    assert_eq!(
        findings_of(&report, "SCH001"),
        [
            "plan.yaml:6:5 /system/0/unit: missing required field `unit`",
            "plan.yaml:11:43 /system/0/declared_classification/confidentiality: `declared_classification.confidentiality` must be an integer, not string \"medium\"",
        ]
    );
    // The high integrity still counts: the system needs a risk analysis at level 3. The word the
    // schema refused counts as absent, here as everywhere.
    assert_eq!(
        findings_of(&report, "RSK001"),
        [
            "plan.yaml:6:5 /system/0: Kassasystem: classified at level 3 or higher (C/I/A: high-water mark none, declared none/3/2) and never risk-analysed"
        ]
    );
    // An organisation whose plans say `medium` names it in the param; then it is a level.
    let config = small.path().join("tillsyn.toml");
    let with_medium = "[[sources]]\npath = \"plan.yaml\"\nformat = \"oscal\"\n\n[params]\noscal_impact_levels = { low = 1, medium = 2, moderate = 2, high = 3, \"fips-199-high\" = 3, \"fips-199-moderate\" = 2 }\n";
    std::fs::write(&config, with_medium).unwrap();
    let (_, report) = check_json(small.path(), &[]);
    assert_eq!(
        findings_of(&report, "SCH001"),
        ["plan.yaml:6:5 /system/0/unit: missing required field `unit`"]
    );
    assert_eq!(
        findings_of(&report, "RSK001"),
        [
            "plan.yaml:6:5 /system/0: Kassasystem: classified at level 3 or higher (C/I/A: high-water mark none, declared 2/3/2) and never risk-analysed"
        ]
    );
    // A word read as something that is not a level is refused before anything is read.
    std::fs::write(&config, with_medium.replace("medium = 2", "medium = 7")).unwrap();
    let (code, _, stderr) = common::run(&["check", small.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr
            .contains("[params] oscal_impact_levels: `medium` must be a level from 0 to 4, not 7"),
        "{stderr}"
    );
}

#[test]
fn the_param_default_is_fips_199() {
    let rules = tillsyn::rules::RuleSet::load(
        Path::new("."),
        &tillsyn::config::Config::default(),
        &tillsyn::rules::Selection::default(),
    )
    .unwrap();
    let fips: std::collections::BTreeMap<String, i64> = tillsyn::source::oscal::FIPS_199_LEVELS
        .iter()
        .map(|(word, level)| (word.to_string(), *level))
        .collect();
    assert_eq!(rules.impact_levels(), fips);
}

/// The IFA plan with its integrity written as FIPS 199 says (`moderate`, level 2).
fn moderate(text: String) -> String {
    text.replace(
        "\"security-objective-integrity\": \"medium\"",
        "\"security-objective-integrity\": \"moderate\"",
    )
}

const NEVER: &str = "oscal/ifa_ssp-example.json:90:31 /system/0: IFA GoodRead: classified at level 2 or higher and never risk-analysed";

#[test]
fn without_an_assessment_the_system_is_never_risk_analysed() {
    let dir = tree(&[("ifa_ssp-example.json", &moderate)]);
    let (_, report) = check_json(dir.path(), &[]);
    assert_eq!(findings_of(&report, "RSK001"), [NEVER]);
}

#[test]
fn the_assessment_results_are_the_systems_risk_analysis() {
    let dir = tree(&[
        ("ifa_ssp-example.json", &moderate),
        ("ifa_assessment-results-example.json", &unchanged),
    ]);
    // Linked through the component it observed: no missing `object`, and RSK001 sees it.
    let (_, report) = check_as_of(dir.path(), "2024-01-15");
    assert_eq!(findings_of(&report, "RSK001"), Vec::<String>::new());
    assert!(
        findings_of(&report, "SCH001")
            .iter()
            .all(|finding| !finding.contains("ifa_assessment-results"))
    );
    // Three years on, it is an old analysis rather than none.
    let (_, report) = check_json(dir.path(), &[]);
    assert_eq!(
        findings_of(&report, "RSK001"),
        [
            "oscal/ifa_ssp-example.json:90:31 /system/0: IFA GoodRead: latest risk analysis a1d20136-37e0-42aa-9834-4e9d8c36d798 performed on 2023-06-02, more than P12M ago"
        ]
    );
}

#[test]
fn the_poam_names_its_system_and_counts_as_its_risk_analysis() {
    let dir = tree(&[
        ("ifa_ssp-example.json", &moderate),
        ("ifa_plan-of-action-and-milestones.json", &unchanged),
    ]);
    let (_, report) = check_as_of(dir.path(), "2024-06-01");
    assert_eq!(findings_of(&report, "RSK001"), Vec::<String>::new());
    assert_eq!(findings_of(&report, "XRF001").len(), 1, "only the owner");
}

#[test]
fn an_assessment_of_no_known_system_is_a_finding_at_the_result() {
    let dir = tree(&[("ifa_assessment-results-example.json", &unchanged)]);
    let (_, report) = check_json(dir.path(), &[]);
    assert_eq!(
        findings_of(&report, "SCH001"),
        [
            "oscal/ifa_assessment-results-example.json:103:7 /risk_analysis/0/object: missing required field `object`"
        ]
    );
}

#[test]
fn a_file_that_is_not_oscal_is_a_parse_finding() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.json"), "{\"kind\": \"system\"}").unwrap();
    std::fs::write(
        dir.path().join("tillsyn.toml"),
        "[[sources]]\npath = \"plan.json\"\nformat = \"oscal\"\n",
    )
    .unwrap();
    let (code, report) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let parse = findings_of(&report, "PARSE001");
    assert_eq!(parse.len(), 1);
    assert!(parse[0].starts_with("plan.json:1:1"), "{parse:?}");
    assert!(parse[0].contains("not an OSCAL document"), "{parse:?}");
}
