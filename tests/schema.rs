//! `tillsyn schema list | show | export`, and the schemas themselves: 21 kinds, each with the
//! conventions DOMAIN.md and DESIGN.md ask for.

mod common;

use common::run;
use serde_json::Value;

const KINDS: [&str; 21] = [
    "agreement",
    "benefit",
    "competence_inventory",
    "dataset",
    "exception",
    "follow_up_report",
    "goal",
    "governing_document",
    "incident",
    "information_asset",
    "initiative",
    "maturity_assessment",
    "org_unit",
    "person",
    "processing_activity",
    "risk",
    "risk_analysis",
    "role",
    "role_assignment",
    "supplier",
    "system",
];

#[test]
fn list_names_every_kind_once() {
    let (code, stdout, _) = run(&["schema", "list"]);
    assert_eq!(code, 0);
    let names: Vec<&str> = stdout
        .lines()
        .map(|line| line.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(names, KINDS);
}

#[test]
fn show_prints_the_schema_and_suggests_on_a_typo() {
    let (code, stdout, _) = run(&["schema", "show", "system"]);
    assert_eq!(code, 0);
    let schema: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(schema["x-kind"], "system");
    let (code, _, stderr) = run(&["schema", "show", "sytem"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `system`?"), "{stderr}");
}

#[test]
fn export_writes_every_schema() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("schemas");
    let (code, _, stderr) = run(&["schema", "export", target.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    for kind in KINDS {
        let text = std::fs::read_to_string(target.join(format!("{kind}.schema.json"))).unwrap();
        let schema: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(schema["x-kind"], kind);
    }
    assert!(target.join("check-output.schema.json").exists());
}

/// Walks every subschema, calling `visit` with its path.
fn walk<'a>(schema: &'a Value, path: String, visit: &mut dyn FnMut(&str, &'a Value)) {
    visit(&path, schema);
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                if key != "enum" && key != "const" && key != "default" {
                    walk(value, format!("{path}/{key}"), visit);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                walk(item, format!("{path}/{index}"), visit);
            }
        }
        _ => {}
    }
}

#[test]
fn every_schema_is_2020_12_closed_and_marks_its_references() {
    for kind in KINDS {
        let path = format!("{}/schemas/{kind}.schema.json", env!("CARGO_MANIFEST_DIR"));
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{kind}"
        );
        jsonschema::meta::validate(&schema).unwrap_or_else(|error| panic!("{kind}: {error}"));
        let record = &schema["$defs"]["record"];
        assert_eq!(record["additionalProperties"], false, "{kind}");
        assert!(
            record["required"]
                .as_array()
                .unwrap()
                .contains(&Value::from("id")),
            "{kind}"
        );
        // Every object with properties is closed.
        walk(&schema, String::new(), &mut |at, node| {
            if node.get("properties").is_some() && at.contains("$defs") && !at.contains("/allOf/") {
                assert!(
                    node.get("additionalProperties").is_some(),
                    "{kind}{at} is open"
                );
            }
            // A reference field points at known kinds, and only through the id definition.
            if let Some(target) = node.get("x-ref") {
                let targets: Vec<&str> = match target {
                    Value::String(name) => vec![name.as_str()],
                    Value::Array(names) => {
                        names.iter().map(|name| name.as_str().unwrap()).collect()
                    }
                    _ => panic!("{kind}{at}: x-ref must name kinds"),
                };
                for target in targets {
                    assert!(KINDS.contains(&target), "{kind}{at}: unknown kind {target}");
                }
                assert_eq!(node["$ref"], "#/$defs/id", "{kind}{at}");
            }
        });
    }
}
