//! Rules as data, through the binary: a repository's own pack is picked up, selected, re-graded
//! and explained like a default one; broken packs and configurations exit 2 and say where;
//! `rules test` fails and names the case when an expected finding is missing; every default rule
//! has a failing and a passing test case.

mod common;

use std::path::Path;

use common::{AS_OF, check_json, fixture, run};

const UNITS: &str = "kind: org_unit\nrecords:\n  - { id: UN, name: Utbildningsnämnden, unit_type: committee, is_controller: true }\n";

/// A repository with one asset without a tag, and its own pack with a rule that wants tags.
fn repository_with_own_pack(dir: &Path, config_extra: &str) {
    std::fs::create_dir_all(dir.join("policy-rules")).unwrap();
    std::fs::write(dir.join("units.yaml"), UNITS).unwrap();
    std::fs::write(
        dir.join("assets.yaml"),
        "kind: information_asset\nrecords:\n  - id: IA-1\n    name: Elevregister\n    unit: UN\n    \
         classification: { confidentiality: 1, integrity: 1, availability: 1 }\n    contains_personal_data: false\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("policy-rules/local.toml"),
        r#"[params.required_tag]
default = "register"
description = "The tag every asset carries."

[[rule]]
id = "LOC001"
title = "Asset without the required tag"
severity = "low"
kind = "information_asset"
assert = 'has(self.tags) && params.required_tag in self.tags'
field = "tags"
message = "{self.name} lacks the tag {params.required_tag}"
rationale = "Our register is navigated by tags."
remediation = "Add the tag."
references = ["LOCAL:1"]
params = ["required_tag"]
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("tillsyn.toml"),
        format!("rule_paths = [\"policy-rules\"]\n{config_extra}"),
    )
    .unwrap();
}

/// Makes the repository's own rule LOC001 fail on every record of `kinds` (a TOML value) with
/// `message`, to show what an expression gives record by record.
fn fail_own_rule_with(dir: &Path, kinds: &str, message: &str) {
    let pack = dir.join("policy-rules/local.toml");
    let text = std::fs::read_to_string(&pack)
        .unwrap()
        .replace("kind = \"information_asset\"", &format!("kind = {kinds}"))
        .replace(
            "has(self.tags) && params.required_tag in self.tags",
            "false",
        )
        .replace("{self.name} lacks the tag {params.required_tag}", message);
    std::fs::write(&pack, text).unwrap();
}

/// The messages of LOC001's findings, sorted.
fn own_rule_messages(dir: &Path) -> Vec<String> {
    let (_, json) = check_json(dir, &["--select", "LOC001"]);
    let mut messages: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["message"].as_str().unwrap().to_string())
        .collect();
    messages.sort_unstable();
    messages
}

fn rules_of(json: &serde_json::Value) -> Vec<(String, String)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_users_rule_is_picked_up_selected_regraded_and_explained() {
    let dir = tempfile::tempdir().unwrap();
    repository_with_own_pack(dir.path(), "");
    let (_, json) = check_json(dir.path(), &[]);
    assert!(
        rules_of(&json).contains(&("LOC001".into(), "low".into())),
        "{json:#}"
    );
    let message = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "LOC001")
        .unwrap()["message"]
        .clone();
    assert_eq!(message, "Elevregister lacks the tag register");

    // Selected away on the command line, and back through the configuration.
    let (_, json) = check_json(dir.path(), &["--ignore", "LOC"]);
    assert!(!rules_of(&json).iter().any(|(rule, _)| rule == "LOC001"));
    let (_, json) = check_json(dir.path(), &["--select", "LOC001"]);
    assert_eq!(rules_of(&json), [("LOC001".to_string(), "low".to_string())]);

    // Re-graded and with its param overridden in tillsyn.toml.
    repository_with_own_pack(
        dir.path(),
        "[severity]\nLOC001 = \"high\"\n[params]\nrequired_tag = \"skola\"\n",
    );
    let (code, json) = check_json(dir.path(), &["--select", "LOC001"]);
    assert_eq!(
        rules_of(&json),
        [("LOC001".to_string(), "high".to_string())]
    );
    assert_eq!(
        json["findings"][0]["message"],
        "Elevregister lacks the tag skola"
    );
    assert_eq!(code, 1);

    let (code, stdout, _) = run(&[
        "rules",
        "explain",
        "LOC001",
        "--root",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("LOC001 — Asset without the required tag\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("severity   high (re-graded from low in tillsyn.toml)"),
        "{stdout}"
    );
    assert!(stdout.contains("required_tag = \"skola\""), "{stdout}");
    let (_, stdout, _) = run(&[
        "rules",
        "list",
        "LOC",
        "--root",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        stdout.contains("LOC001  high") && stdout.contains("policy-rules/local.toml"),
        "{stdout}"
    );
}

#[test]
fn a_compile_error_names_the_pack_line_and_column_with_a_caret_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    repository_with_own_pack(dir.path(), "");
    let pack = dir.path().join("policy-rules/local.toml");
    let text = std::fs::read_to_string(&pack).unwrap().replace(
        "params.required_tag in self.tags'",
        "params.required_tag in self.tags &&'",
    );
    std::fs::write(&pack, text).unwrap();
    let (code, stdout, stderr) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.starts_with("error: policy-rules/local.toml:10:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cannot compile `assert` of LOC001"),
        "{stderr}"
    );
    assert!(stderr.contains("10 | assert = 'has(self.tags)"), "{stderr}");
    assert!(stderr.trim_end().ends_with('^'), "{stderr}");
}

#[test]
fn a_part_of_cel_that_rules_do_not_offer_is_refused_at_load_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    repository_with_own_pack(dir.path(), "");
    let pack = dir.path().join("policy-rules/local.toml");
    let original = std::fs::read_to_string(&pack).unwrap();
    for (assert, refusal) in [
        (
            "google.protobuf.Int32Value{value: 1} == 1",
            "cannot compile `assert` of LOC001: `google.protobuf.Int32Value{…}`: message literals are not offered in tillsyn rules; records are maps, read their fields with `record.field`",
        ),
        (
            "has(self.tags) && self.?tags == []",
            "cannot compile `assert` of LOC001: optional values (`a.?b`, `a[?k]`) are not offered in tillsyn rules; test the field with has(a.b) first",
        ),
    ] {
        let text = original.replace("has(self.tags) && params.required_tag in self.tags", assert);
        std::fs::write(&pack, text).unwrap();
        let (code, stdout, stderr) = run(&["check", dir.path().to_str().unwrap()]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stdout.is_empty());
        assert!(
            stderr.starts_with("error: policy-rules/local.toml:10:"),
            "{stderr}"
        );
        assert!(stderr.contains(refusal), "{stderr}");
    }
}

#[test]
fn unknown_rules_and_params_in_the_configuration_are_errors_that_name_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("units.yaml"), UNITS).unwrap();
    for (config, expected) in [
        ("[severity]\nOWN01 = \"low\"\n", "[severity] names `OWN01`"),
        (
            "[params]\ndoc_reveiw = \"P6M\"\n",
            "[params] names `doc_reveiw`, which no rule uses; did you mean `doc_review`?",
        ),
        (
            "[params]\ndoc_review = 12\n",
            "[params] doc_review must be a string",
        ),
        (
            "[params]\nmulti_unit_deciders_by_kind = { guidline = [\"council\"] }\n",
            "[params] multi_unit_deciders_by_kind: `guidline` is not a doc_kind; did you mean `guideline`?",
        ),
        (
            "[params]\nmulti_unit_deciders_by_kind = { guideline = \"council\" }\n",
            "[params] multi_unit_deciders_by_kind: guideline must be a list of unit types",
        ),
        (
            "[params]\nmulti_unit_deciders_by_kind = { guideline = [\"executive_bord\"] }\n",
            "[params] multi_unit_deciders_by_kind: guideline: `executive_bord` is not a unit_type; did you mean `executive_board`?",
        ),
        ("select = [\"XYZ\"]\n", "`select` names `XYZ`"),
        ("ignore = [\"OWN9\"]\n", "`ignore` names `OWN9`"),
    ] {
        std::fs::write(dir.path().join("tillsyn.toml"), config).unwrap();
        let (code, _, stderr) = run(&["check", dir.path().to_str().unwrap()]);
        assert_eq!(code, 2, "{config}");
        assert!(stderr.contains(expected), "{config}: {stderr}");
    }
}

#[test]
fn an_evaluation_error_is_a_finding_of_the_rule_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    repository_with_own_pack(dir.path(), "");
    let pack = dir.path().join("policy-rules/local.toml");
    let text = std::fs::read_to_string(&pack).unwrap().replace(
        "has(self.tags) && params.required_tag in self.tags",
        "self.owner == params.required_tag",
    );
    std::fs::write(&pack, text).unwrap();
    let (_, json) = check_json(dir.path(), &["--select", "LOC001"]);
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "LOC001");
    assert_eq!(
        finding["message"],
        "the rule could not be evaluated on this record: the field `owner` is missing (in `assert`)"
    );
}

#[test]
fn rules_test_fails_and_names_the_case_when_an_expected_finding_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(fixture("rules").join("OWN001.yaml")).unwrap();
    // The asset gains an owner in the failing case: the expected finding is gone.
    let broken = original.replacen(
        "            unit: UN\n            classification",
        "            unit: UN\n            owner: RA-UN-IAO\n            classification",
        1,
    );
    assert_ne!(broken, original);
    std::fs::write(dir.path().join("OWN001.yaml"), broken).unwrap();
    let (code, stdout, _) = run(&["rules", "test", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("FAIL OWN001.yaml: an asset without an owner is a finding at the asset"),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("expected OWN001 record=IA-1 severity=critical line=3, but it was not found"),
        "{stdout}"
    );
    assert!(stdout.ends_with("1 passed, 1 failed\n"), "{stdout}");
}

#[test]
fn every_default_rule_passes_its_failing_and_passing_cases() {
    let (code, stdout, stderr) = run(&["rules", "test", fixture("rules").to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (_, listing, _) = run(&["rules", "list"]);
    let ids: Vec<&str> = listing
        .lines()
        .skip(1)
        .filter(|line| !line.contains("built in"))
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(!ids.is_empty());
    for id in ids {
        let path = fixture("rules").join(format!("{id}.yaml"));
        let file = tillsyn::rule_tests::read_test_file(&path)
            .unwrap_or_else(|error| panic!("{id}: {error}"));
        // A failing case expects a finding of this rule; a passing case yields none of it.
        let expects = file
            .cases
            .iter()
            .any(|case| case.expect.iter().any(|e| e.rule == id));
        let absent = file.cases.iter().any(|case| {
            case.absent.iter().any(|e| e.rule == id) && !case.expect.iter().any(|e| e.rule == id)
        });
        assert!(
            expects && absent,
            "{id} needs a failing (expect) and a passing (absent) case"
        );
    }
    let _ = AS_OF;
}

#[test]
fn a_pathological_expression_is_stopped_at_load_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    repository_with_own_pack(dir.path(), "");
    let pack = dir.path().join("policy-rules/local.toml");
    let nested = "has(self.tags) && self.tags.all(a, self.tags.all(b, self.tags.all(c, self.tags.all(d, self.tags.all(e, a + b + c + d + e != \"\")))))";
    let text = std::fs::read_to_string(&pack)
        .unwrap()
        .replace("has(self.tags) && params.required_tag in self.tags", nested);
    std::fs::write(&pack, text).unwrap();
    let (code, stdout, stderr) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("`assert` of LOC001 is not accepted: it nests 5 loops"),
        "{stderr}"
    );

    // Four loops over lists of 200 it writes out are 1.6 billion steps per record: refused when
    // the pack is read, not run until the budget stops it on every record.
    let two_hundred = (1..=200)
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let list = format!("[{two_hundred}]");
    let costly =
        format!("{list}.all(a, {list}.all(b, {list}.all(c, {list}.all(d, a + b + c + d > 0))))");
    std::fs::write(
        &pack,
        std::fs::read_to_string(&pack)
            .unwrap()
            .replace(nested, &costly),
    )
    .unwrap();
    let (code, _, stderr) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`assert` of LOC001 is not accepted: its loops over the lists it writes out take 27272361801 steps for every record, more than the 5000000 a check may take (the step budget)"),
        "{stderr}"
    );
    std::fs::write(
        &pack,
        std::fs::read_to_string(&pack)
            .unwrap()
            .replace(&costly, nested),
    )
    .unwrap();

    // A per-record rule may not scan a whole kind.
    let text = std::fs::read_to_string(&pack)
        .unwrap()
        .replace(nested, "size(records(\"information_asset\")) > 0");
    std::fs::write(&pack, text).unwrap();
    let (code, _, stderr) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("records() scans a whole kind, which a per-record rule may not do"),
        "{stderr}"
    );
    assert!(stderr.contains("policy-rules/local.toml:10:"), "{stderr}");
}

#[test]
fn the_rule_reference_in_docs_rules_is_not_stale() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(&["rules", "docs", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let mut generated: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    generated.sort();
    let mut committed: Vec<String> = std::fs::read_dir(&docs)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    committed.sort();
    assert_eq!(
        generated, committed,
        "run `cargo run -- rules docs docs/rules`"
    );
    for name in generated {
        let fresh = std::fs::read_to_string(dir.path().join(&name)).unwrap();
        let old = std::fs::read_to_string(docs.join(&name)).unwrap();
        assert!(
            fresh == old,
            "docs/rules/{name} is stale: run `cargo run -- rules docs docs/rules`"
        );
    }
}

#[test]
fn linked_finds_the_records_named_either_way_once_each_without_dangling_ids() {
    let dir = tempfile::tempdir().unwrap();
    repository_with_own_pack(dir.path(), "");
    // IA-1 lists SYS-A and SYS-B, and SYS-B lists it too; SYS-B lists IA-2; IA-3 names a
    // system that does not exist; SYS-C is linked to nothing.
    std::fs::write(
        dir.path().join("assets.yaml"),
        "kind: information_asset\nrecords:\n  \
         - { id: IA-1, name: Elevregister, unit: UN, systems: [SYS-A, SYS-B] }\n  \
         - { id: IA-2, name: Betyg, unit: UN }\n  \
         - { id: IA-3, name: Frånvaro, unit: UN, systems: [SYS-X] }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("systems.yaml"),
        "kind: system\nrecords:\n  \
         - { id: SYS-A, name: Skolsystem, unit: UN }\n  \
         - { id: SYS-B, name: Betygssystem, unit: UN, assets: [IA-1, IA-2] }\n  \
         - { id: SYS-C, name: Arkiv, unit: UN }\n",
    )
    .unwrap();
    fail_own_rule_with(
        dir.path(),
        "[\"information_asset\", \"system\"]",
        "{self.id}: [{(self.__kind == 'system' ? linked(self, 'information_asset') : linked(self, 'system')).map(r, r.id).join(', ')}]",
    );
    assert_eq!(
        own_rule_messages(dir.path()),
        [
            "IA-1: [SYS-A, SYS-B]",
            "IA-2: [SYS-B]",
            "IA-3: []",
            "SYS-A: [IA-1]",
            "SYS-B: [IA-1, IA-2]",
            "SYS-C: []",
        ]
    );
}

#[test]
fn ref_of_a_reference_field_gives_the_record_null_or_the_error_as_a_look_up_does() {
    let dir = tempfile::tempdir().unwrap();
    repository_with_own_pack(dir.path(), "");
    // IA-1's owner exists, IA-2's does not, IA-3 has none, IA-4's owner names a unit: a
    // record of another kind than the field names.
    std::fs::write(
        dir.path().join("assets.yaml"),
        "kind: information_asset\nrecords:\n  \
         - { id: IA-1, name: Elevregister, unit: UN, owner: RA-1 }\n  \
         - { id: IA-2, name: Betyg, unit: UN, owner: RA-X }\n  \
         - { id: IA-3, name: Frånvaro, unit: UN }\n  \
         - { id: IA-4, name: Schema, unit: UN, owner: UN }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("assignments.yaml"),
        "kind: role_assignment\nrecords:\n  - { id: RA-1, role: R-1, person: P-1, scope_unit: UN }\n",
    )
    .unwrap();
    fail_own_rule_with(
        dir.path(),
        "\"information_asset\"",
        "{self.id}: {ref('role_assignment', self.owner) == null ? 'none' : ref('role_assignment', self.owner).id}, unit {ref('org_unit', self.owner) == null ? 'none' : ref('org_unit', self.owner).id}",
    );
    assert_eq!(
        own_rule_messages(dir.path()),
        [
            "IA-1: RA-1, unit none",
            "IA-2: none, unit none",
            // A message reads a field the record lacks as none; a condition fails on it.
            "IA-3: none, unit none",
            "IA-4: none, unit UN",
        ]
    );
}

#[test]
fn a_check_with_each_judges_every_item_at_its_own_value_and_is_refused_on_a_group() {
    let dir = tempfile::tempdir().unwrap();
    repository_with_own_pack(dir.path(), "");
    std::fs::write(
        dir.path().join("assets.yaml"),
        "kind: information_asset\nrecords:\n  - id: IA-1\n    name: Elevregister\n    unit: UN\n    \
         classification: { confidentiality: 1, integrity: 1, availability: 1 }\n    contains_personal_data: false\n    \
         tags: [register, tillfällig, elev, tillfällig]\n",
    )
    .unwrap();
    let pack = dir.path().join("policy-rules/local.toml");
    let each = std::fs::read_to_string(&pack)
        .unwrap()
        .replace(
            "assert = 'has(self.tags) && params.required_tag in self.tags'\nfield = \"tags\"\nmessage = \"{self.name} lacks the tag {params.required_tag}\"\n",
            "message = \"unused\"\n",
        )
        .replace(
            "params = [\"required_tag\"]\n",
            "params = [\"required_tag\"]\n\n[[rule.check]]\neach = \"tags\"\nassert = 'item != \"tillfällig\"'\nmessage = \"{self.name}: the tag {item} is temporary\"\n",
        );
    std::fs::write(&pack, &each).unwrap();
    let (_, json) = check_json(dir.path(), &["--select", "LOC001"]);
    // The second and the fourth tag, each at its value, as two findings.
    assert_eq!(
        common::finding_lines(&json),
        [
            "LOC001 assets.yaml:8:22 Elevregister: the tag tillfällig is temporary",
            "LOC001 assets.yaml:8:40 Elevregister: the tag tillfällig is temporary",
        ]
    );
    let pointers: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(pointers, ["/records/0/tags/1", "/records/0/tags/3"]);
    // A group has no record whose list to walk.
    std::fs::write(
        &pack,
        each.replace(
            "[[rule.check]]\neach",
            "[[rule.check]]\nscope = \"kind\"\neach",
        ),
    )
    .unwrap();
    let (code, _, stderr) = run(&["check", dir.path().to_str().unwrap(), "--as-of", AS_OF]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("`each` judges the items of one record's list; a group or kind check cannot have it in rule LOC001"),
        "{stderr}"
    );
}
