//! Hostile and broken input: every row of docs/robustness.md, through the binary. Each bad input
//! gets a finding (or an error) that names the file, line and column and what to do; nothing
//! panics, nothing hangs, and the other files are still checked.

mod common;

use std::path::Path;

use common::{check_json, run};
use serde_json::Value;

fn write(root: &Path, name: &str, bytes: &[u8]) {
    let path = root.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
}

/// (rule, file, line, column, message) of every finding of the selected rules.
fn findings(root: &Path, select: &str) -> Vec<(String, String, u64, u64, String)> {
    let (_, json) = check_json(root, &["--select", select]);
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let text = |key: &str| f[key].as_str().unwrap_or_default().to_string();
            (
                text("rule"),
                text("file"),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                text("message"),
            )
        })
        .collect()
}

fn one(root: &Path, select: &str) -> (String, String, u64, u64, String) {
    let mut all = findings(root, select);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

const PERSON_OK: &[u8] = b"kind: person\nid: P-OK\nname: Fungerar\n";

#[test]
fn malformed_files_are_parse_findings_at_their_position_and_the_rest_is_checked() {
    for (name, text, line, column) in [
        ("a.toml", "kind = \"person\"\nid = \n", 2, 6),
        ("a.yaml", "kind: person\nid: [P\n", 3, 1),
        (
            "a.json",
            "{\"kind\": \"person\",\n \"id\": \"P\",\n}",
            2,
            11,
        ),
        ("a.md", "---\nkind: person\nid: P\n", 1, 1),
        ("a.csv", "id,name\nP,\"open\n", 2, 3),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), name, text.as_bytes());
        write(dir.path(), "ok.yaml", PERSON_OK);
        if name == "a.csv" {
            write(
                dir.path(),
                "tillsyn.toml",
                b"[[sources]]\npath = \"a.csv\"\nkind = \"person\"\n",
            );
        }
        let (rule, file, found_line, found_column, _) = one(dir.path(), "PARSE");
        assert_eq!(
            (rule.as_str(), file.as_str(), found_line, found_column),
            ("PARSE001", name, line, column),
            "{name}"
        );
        let (_, json) = check_json(dir.path(), &["--select", "PARSE"]);
        assert_eq!(
            json["checked"]["records"], 1,
            "{name}: the good file is still read"
        );
    }
}

#[test]
fn text_that_is_not_utf8_is_named_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bad.yaml", b"kind: person\nid: P\xff\n");
    let (rule, _, line, column, message) = one(dir.path(), "PARSE");
    assert_eq!((rule.as_str(), line, column), ("PARSE001", 2, 6));
    assert!(message.contains("not valid UTF-8"), "{message}");
}

#[test]
fn a_byte_order_mark_and_mixed_line_endings_keep_positions_right() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.yaml",
        b"\xef\xbb\xbfkind: person\r\nname: A\nid: P 1\r\n",
    );
    let (rule, _, line, column, _) = one(dir.path(), "SCH");
    assert_eq!((rule.as_str(), line, column), ("SCH001", 3, 5));
}

#[test]
fn lone_carriage_returns_end_lines_in_every_format() {
    // Files saved with old Mac line endings: each `\r` ends a line, as YAML, CSV and editors
    // take it. They were all reported on line 1.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.yaml", b"kind: person\rname: A\rid: P 1\r");
    write(
        dir.path(),
        "p.json",
        b"{\"kind\": \"person\",\r\"name\": \"A\",\r\"id\": \"P 2\"}",
    );
    write(dir.path(), "persons.csv", b"id,name\rP 3,B\r");
    write(
        dir.path(),
        "tillsyn.toml",
        b"[[sources]]\npath = \"persons.csv\"\nkind = \"person\"\n",
    );
    let places: Vec<(String, u64, u64)> = findings(dir.path(), "SCH001")
        .into_iter()
        .map(|(_, file, line, column, _)| (file, line, column))
        .collect();
    assert_eq!(
        places,
        [
            ("p.json".to_string(), 3, 7),
            ("p.yaml".to_string(), 3, 5),
            ("persons.csv".to_string(), 2, 1),
        ]
    );
}

#[test]
fn empty_files_and_empty_registers_are_not_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.yaml", b"");
    write(dir.path(), "empty.json", b"");
    write(dir.path(), "empty.toml", b"");
    write(
        dir.path(),
        "zero.toml",
        b"kind = \"person\"\nrecords = []\n",
    );
    assert_eq!(findings(dir.path(), "PARSE,SRC,SCH"), []);
}

#[test]
fn duplicate_keys_are_parse_findings_in_every_format() {
    for (name, text) in [
        ("d.yaml", "kind: person\nid: P\nid: Q\n"),
        (
            "d.json",
            "{\"kind\": \"person\", \"id\": \"P\", \"id\": \"Q\"}",
        ),
        ("d.toml", "kind = \"person\"\nid = \"P\"\nid = \"Q\"\n"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), name, text.as_bytes());
        let (rule, _, _, _, message) = one(dir.path(), "PARSE");
        assert_eq!(rule, "PARSE001", "{name}");
        assert!(
            message.to_lowercase().contains("duplicate"),
            "{name}: {message}"
        );
    }
}

#[test]
fn an_alias_bomb_is_stopped_by_the_alias_budget() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("kind: person\nid: P\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (name, previous) in [("b", "a"), ("c", "b"), ("d", "c"), ("e", "d"), ("f", "e")] {
        text.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{previous}"); 10].join(", ")
        ));
    }
    write(dir.path(), "bomb.yaml", text.as_bytes());
    let (rule, _, _, _, message) = one(dir.path(), "PARSE");
    assert_eq!(rule, "PARSE001");
    assert!(message.contains("yaml_alias_nodes"), "{message}");
}

#[test]
fn nesting_ten_thousand_deep_is_refused_in_every_format() {
    let open = "[".repeat(10_000);
    let close = "]".repeat(10_000);
    for (name, text) in [
        ("n.yaml", format!("kind: person\nid: P\nx: {open}{close}\n")),
        (
            "n.json",
            format!("{{\"kind\": \"person\", \"id\": \"P\", \"x\": {open}{close}}}"),
        ),
        (
            "n.toml",
            format!("kind = \"person\"\nid = \"P\"\nx = {open}{close}\n"),
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), name, text.as_bytes());
        let (rule, _, _, _, _) = one(dir.path(), "PARSE");
        assert_eq!(rule, "PARSE001", "{name}");
    }
}

#[test]
fn a_file_over_the_size_cap_is_a_finding_that_names_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "tillsyn.toml",
        b"[limits]\nmax_file_bytes = 100\n",
    );
    write(
        dir.path(),
        "big.yaml",
        format!("kind: person\nid: P\nname: {}\n", "x".repeat(200)).as_bytes(),
    );
    let (rule, file, line, column, message) = one(dir.path(), "PARSE");
    assert_eq!(
        (rule.as_str(), file.as_str(), line, column),
        ("PARSE001", "big.yaml", 1, 1)
    );
    assert!(message.contains("max_file_bytes"), "{message}");
}

#[test]
fn records_and_findings_over_their_caps_are_named_not_dropped_silently() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "tillsyn.toml",
        b"[limits]\nrecords_per_file = 3\nfindings_per_rule_per_file = 2\n",
    );
    let mut text = String::from("kind: person\nrecords:\n");
    for number in 0..5 {
        text.push_str(&format!("  - {{ id: P {number} }}\n"));
    }
    write(dir.path(), "people.yaml", text.as_bytes());
    let all = findings(dir.path(), "PARSE,SCH");
    let places: Vec<(&str, u64, u64)> = all.iter().map(|f| (f.0.as_str(), f.2, f.3)).collect();
    // The first 2 of the 3 SCH001 findings are listed; the third is counted, not listed, and no
    // finding stands for it.
    assert_eq!(
        places,
        [("SCH001", 3, 11), ("SCH001", 4, 11), ("PARSE001", 6, 5)],
        "{all:#?}"
    );
    assert!(
        all[2]
            .4
            .contains("only the first 3 are checked (limit `records_per_file`)"),
        "{all:#?}"
    );
    let (_, json) = check_json(dir.path(), &["--select", "PARSE,SCH"]);
    // The 3 SCH001 findings, listed or not, and the PARSE001 finding.
    assert_eq!(
        (&json["summary"]["high"], &json["summary"]["critical"]),
        (&Value::from(3), &Value::from(1)),
        "{json:#}"
    );
    assert_eq!(
        json["unlisted"].as_array().map(Vec::len),
        Some(1),
        "{json:#}"
    );
    assert_eq!(
        (
            &json["unlisted"][0]["rule"],
            &json["unlisted"][0]["file"],
            &json["unlisted"][0]["count"]
        ),
        (
            &Value::from("SCH001"),
            &Value::from("people.yaml"),
            &Value::from(1)
        ),
    );
    assert_eq!(
        json["unlisted"][0]["message"],
        "1 more finding of SCH001 in people.yaml is not listed (limit \
         `findings_per_rule_per_file` = 2); it counts in the summary and the exit code; fix the \
         ones listed, or raise the limit in tillsyn.toml to list it"
    );
}

#[test]
fn csv_rows_that_are_ragged_or_repeat_the_header_are_findings() {
    for (text, expected) in [
        ("id,name\nP,A,extra\n", "3 cells but the header has 2"),
        ("id,id\nP,Q\n", "appears twice"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "tillsyn.toml",
            b"[[sources]]\npath = \"p.csv\"\nkind = \"person\"\n",
        );
        write(dir.path(), "p.csv", text.as_bytes());
        let (rule, _, _, _, message) = one(dir.path(), "PARSE");
        assert_eq!(rule, "PARSE001");
        assert!(message.contains(expected), "{message}");
    }
    // A cell with a line break inside quotes is one cell, and the next row keeps its line.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "tillsyn.toml",
        b"[[sources]]\npath = \"p.csv\"\nkind = \"person\"\n",
    );
    write(
        dir.path(),
        "p.csv",
        b"id,name\nP1,\"Anna\nAndersson\"\nP 2,B\n",
    );
    let (rule, _, line, column, _) = one(dir.path(), "SCH");
    assert_eq!((rule.as_str(), line, column), ("SCH001", 4, 1));
}

#[test]
fn a_kind_that_is_a_number_and_ids_with_space_or_look_alikes_are_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "k.yaml", b"kind: 7\nid: P\n");
    let (rule, _, line, column, message) = one(dir.path(), "SRC");
    assert_eq!((rule.as_str(), line, column), ("SRC001", 1, 7));
    assert!(
        message.contains("not a integer")
            || message.contains("not a number")
            || message.contains("must be the name of a kind"),
        "{message}"
    );

    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "units.yaml",
        b"kind: org_unit\nid: UN\nname: U\nunit_type: committee\nis_controller: false\n",
    );
    // `\u{0423}N`: a Cyrillic U that looks like the Latin one.
    write(
        dir.path(),
        "p.yaml",
        "kind: person\nid: P\nunit: \u{0423}N\n".as_bytes(),
    );
    let (rule, _, line, column, _) = one(dir.path(), "XRF");
    assert_eq!((rule.as_str(), line, column), ("XRF001", 3, 7));
}

#[test]
fn reference_cycles_neither_hang_nor_crash() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "units.yaml",
        b"kind: org_unit\nrecords:\n  - { id: A, name: A, unit_type: committee, parent: B, is_controller: true }\n  - { id: B, name: B, unit_type: committee, parent: A, is_controller: true }\n",
    );
    write(
        dir.path(),
        "systems.yaml",
        b"kind: system\nrecords:\n  - { id: S1, name: S1, lifecycle: operating, unit: A, depends_on: [S2] }\n  - { id: S2, name: S2, lifecycle: operating, unit: A, depends_on: [S1] }\n",
    );
    let (code, json) = check_json(dir.path(), &[]);
    assert_eq!(code, 1, "{json:#}");
    assert!(json["findings"].as_array().unwrap().iter().all(|f| {
        !f["message"]
            .as_str()
            .unwrap()
            .contains("could not be evaluated")
    }));
    // The loop of parents is one finding, at the first unit's `parent`.
    assert_eq!(
        findings(dir.path(), "XRF004"),
        [(
            "XRF004".to_string(),
            "units.yaml".to_string(),
            3,
            53,
            "the chain of `parent` comes back to this unit: A → B → A, so no unit is at its top"
                .to_string()
        )]
    );
}

#[test]
fn a_chain_of_16000_parents_is_one_finding_and_linear_work() {
    // Each unit's parent is the one before: U0 at the top, U16000 sixteen thousand levels down.
    // `ancestors()` walked, and compared against, the whole chain for every unit.
    let dir = tempfile::tempdir().unwrap();
    let mut units = vec![serde_json::json!({
        "id": "U0", "name": "Kommunfullmäktige", "unit_type": "council", "is_controller": false
    })];
    for level in 1..=16_000 {
        units.push(serde_json::json!({
            "id": format!("U{level}"), "name": format!("Enhet {level}"),
            "unit_type": "department", "parent": format!("U{}", level - 1), "is_controller": true
        }));
    }
    let text =
        serde_json::to_string_pretty(&serde_json::json!({ "kind": "org_unit", "records": units }))
            .unwrap();
    write(dir.path(), "units.json", text.as_bytes());
    let line = text
        .lines()
        .position(|line| line.contains("\"parent\": \"U64\""))
        .unwrap() as u64
        + 1;
    assert_eq!(
        findings(dir.path(), "XRF004"),
        [(
            "XRF004".to_string(),
            "units.json".to_string(),
            line,
            17,
            "this unit has more than 64 units above it through `parent`; tillsyn follows `parent` \
             at most 64 levels, so for it and the units below it only the nearest 64 are seen"
                .to_string()
        )]
    );
    // ORG001 reads `ancestors()` for every unit: at most 64 of them, whatever the chain.
    let (code, json) = check_json(dir.path(), &["--select", "ORG001"]);
    assert_eq!(code, 1);
    let deep = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["record"] == "U900")
        .and_then(|finding| finding["message"].as_str())
        .unwrap();
    assert!(
        deep.ends_with(
            "above it (U899, U898, U897, U896, U895, U894, U893, U892, U891, U890, \
             U889, U888, U887, U886, U885, U884, U883, U882, U881, U880, U879, U878, U877, U876, \
             U875 … (and 39 more))"
        ),
        "{deep}"
    );
}

#[test]
fn impossible_dates_are_schema_findings_at_the_value() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.yaml",
        b"kind: person\nid: P\nactive_until: 2026-02-30\n",
    );
    let (rule, _, line, column, message) = one(dir.path(), "SCH");
    assert_eq!((rule.as_str(), line, column), ("SCH001", 3, 15));
    assert!(message.contains("calendar date"), "{message}");
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_and_a_link_out_of_the_root_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.yaml", b"kind: person\nid: SECRET\n");
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        dir.path().join("out.yaml"),
    )
    .unwrap();
    write(dir.path(), "ok.yaml", PERSON_OK);
    let (code, json) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["checked"]["files"], 1);
}

#[cfg(target_os = "linux")]
#[test]
fn a_path_that_is_not_utf8_is_read_and_shown_lossily() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"f\xffil.yaml");
    std::fs::write(dir.path().join(name), b"kind: person\nid: P 1\n").unwrap();
    let (rule, file, line, _, _) = one(dir.path(), "SCH");
    assert_eq!((rule.as_str(), line), ("SCH001", 2));
    assert_eq!(file, "f\u{fffd}il.yaml");
}

#[test]
fn terminal_control_characters_from_the_data_are_neutralised_in_the_table() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.yaml", b"kind: person\nid: \"P \\e[31m1\"\n");
    let (_, stdout, _) = run(&[
        "check",
        dir.path().to_str().unwrap(),
        "--as-of",
        "2026-11-27",
    ]);
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    assert!(stdout.contains('\u{fffd}'), "{stdout}");
}

#[test]
fn json_output_of_hostile_text_stays_valid_json() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.yaml",
        b"kind: person\nid: \"<script>\\\"x\\\"\\e\\n\"\n",
    );
    let (_, json) = check_json(dir.path(), &[]);
    let message: &Value = &json["findings"][0]["message"];
    assert!(message.as_str().unwrap().contains("<script>"), "{message}");
}

#[test]
fn a_file_that_disappears_or_cannot_be_read_is_a_parse_finding() {
    // Discovery found it; by the time it is read it is gone (or unreadable).
    let dir = tempfile::tempdir().unwrap();
    let gone = tillsyn::source::FoundFile {
        path: "gone.yaml".to_string(),
        absolute: dir.path().join("gone.yaml"),
        format: tillsyn::source::Format::Yaml,
        mapped_kind: None,
        sheet: None,
        mapping: Default::default(),
    };
    let parsed = tillsyn::source::parse_all(
        &[gone],
        &tillsyn::source::Limits::default(),
        &|_, _| tillsyn::source::csv::CellType::String,
        &tillsyn::progress::Silent,
    );
    let error = parsed[0]
        .outcome
        .as_ref()
        .err()
        .expect("a missing file is an error, not a panic");
    assert!(
        error.message.starts_with("cannot read the file:"),
        "{}",
        error.message
    );
}

/// A tree whose tillsyn.toml is `config`, beside an `outside` directory it must not reach.
fn tree_beside_outside(config: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    write(&root, "people.yaml", PERSON_OK);
    write(&root, "tillsyn.toml", config.as_bytes());
    std::fs::write(
        outside.join("pack.toml"),
        "[[rule]]\nid = \"OUT001\"\ntitle = \"From outside\"\nseverity = \"high\"\nkind = \"person\"\nassert = \"false\"\nmessage = \"ran\"\nrationale = \"x\"\nremediation = \"x\"\n",
    )
    .unwrap();
    (dir, root)
}

#[test]
fn what_the_trees_own_configuration_names_stays_inside_the_root() {
    for (config, expected) in [
        (
            "rule_paths = [\"/etc/passwd\"]\n",
            "tillsyn.toml:1:15: rule_paths `/etc/passwd` leads out of the checked root",
        ),
        (
            "rule_paths = [\"packs/../../outside\"]\n",
            "tillsyn.toml:1:15: rule_paths `packs/../../outside` leads out of the checked root",
        ),
        (
            "ledger = \"../outside/ledger.json\"\n",
            "tillsyn.toml:1:10: ledger `../outside/ledger.json` leads out of the checked root",
        ),
        (
            "[[sources]]\npath = \"/etc/*.csv\"\nkind = \"person\"\n",
            "tillsyn.toml:2:8: [[sources]] path `/etc/*.csv` leads out of the checked root",
        ),
    ] {
        let (_dir, root) = tree_beside_outside(config);
        let (code, stdout, stderr) = run(&["check", root.to_str().unwrap(), "--ledger"]);
        assert_eq!((code, stdout.as_str()), (2, ""), "{config}: {stderr}");
        assert!(stderr.contains(expected), "{config}: {stderr}");
        // Nothing of the file outside is shown, and nothing is written there.
        assert!(!stderr.contains("root:"), "{stderr}");
        assert!(!root.parent().unwrap().join("outside/ledger.json").exists());
    }
    // Inside the root, `..` that stays below it is fine.
    let (_dir, root) = tree_beside_outside("ledger = \"state/../tillsyn-ledger.json\"\n");
    let (code, _, stderr) = run(&["check", root.to_str().unwrap(), "--as-of", "2026-11-27"]);
    assert_eq!(code, 0, "{stderr}");
}

#[cfg(unix)]
#[test]
fn links_do_not_lead_a_pack_or_the_ledger_out_of_the_root() {
    // A pack directory that is a link to a directory outside.
    let (_dir, root) = tree_beside_outside("rule_paths = [\"packs\"]\n");
    std::os::unix::fs::symlink(root.parent().unwrap().join("outside"), root.join("packs")).unwrap();
    let (code, stdout, stderr) = run(&["check", root.to_str().unwrap()]);
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(
        stderr.contains(
            "rule_paths names `packs`, which leads out of the checked root through a link"
        ),
        "{stderr}"
    );
    // A pack file inside the tree that is a link to one outside.
    let (_dir, root) = tree_beside_outside("rule_paths = [\"packs\"]\n");
    std::fs::create_dir_all(root.join("packs")).unwrap();
    std::os::unix::fs::symlink(
        root.parent().unwrap().join("outside/pack.toml"),
        root.join("packs/pack.toml"),
    )
    .unwrap();
    let (code, _, stderr) = run(&["check", root.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr
            .contains("packs/pack.toml: a rule pack that is a link, which tillsyn does not follow"),
        "{stderr}"
    );
    // A ledger that is a link to a file outside is neither read nor replaced.
    let (_dir, root) = tree_beside_outside("");
    let target = root.parent().unwrap().join("outside/ledger.json");
    std::fs::write(&target, "not a ledger").unwrap();
    std::os::unix::fs::symlink(&target, root.join("tillsyn-ledger.json")).unwrap();
    let (code, _, stderr) = run(&[
        "check",
        root.to_str().unwrap(),
        "--ledger",
        "--as-of",
        "2026-11-27",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("the ledger is a link, which tillsyn neither follows nor replaces"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "not a ledger");
    assert!(
        std::fs::symlink_metadata(root.join("tillsyn-ledger.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_csv_header_of_300000_cells_is_read_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    let mut header: Vec<String> = (0..300_000).map(|index| format!("c{index}")).collect();
    header.push("c7".to_string());
    write(
        dir.path(),
        "wide.csv",
        format!("{}\n", header.join(",")).as_bytes(),
    );
    write(
        dir.path(),
        "tillsyn.toml",
        b"[[sources]]\npath = \"wide.csv\"\nkind = \"person\"\n",
    );
    write(dir.path(), "people.yaml", PERSON_OK);
    let (rule, file, line, _, message) = one(dir.path(), "PARSE001");
    assert_eq!(
        (rule.as_str(), file.as_str(), line),
        ("PARSE001", "wide.csv", 1)
    );
    assert!(
        message.contains("the column `c7` appears twice in the header"),
        "{message}"
    );
}

#[cfg(unix)]
#[test]
fn hidden_characters_file_names_and_mentions_cannot_steer_what_people_read() {
    let dir = tempfile::tempdir().unwrap();
    // A file name with an OSC 52 clipboard write and a screen clear; a value with a bidi
    // override; a value that would mention someone and link an issue in a pull request.
    let name = "p\u{1b}]52;c;aGk=\u{7}\u{1b}[2J.yaml";
    write(
        dir.path(),
        name,
        "kind: person\nid: \"P-1 \u{202e}txt.exe @octocat #123\"\nname: Ada\n".as_bytes(),
    );
    let root = dir.path().to_str().unwrap();
    let (_, table, _) = run(&["check", root, "--as-of", "2026-11-27", "--color", "never"]);
    assert!(
        !table.contains('\u{1b}') && !table.contains('\u{7}'),
        "{table:?}"
    );
    assert!(!table.contains('\u{202e}'), "{table:?}");
    assert!(table.contains("<U+202E>"), "{table}");
    let (_, annotations, _) = run(&["check", root, "--as-of", "2026-11-27", "--format", "github"]);
    assert!(
        !annotations.contains('\u{202e}') && !annotations.contains('\u{1b}'),
        "{annotations:?}"
    );
    assert!(annotations.contains("<U+202E>"), "{annotations}");
    let (_, markdown, _) = run(&[
        "check",
        root,
        "--as-of",
        "2026-11-27",
        "--format",
        "markdown",
    ]);
    assert!(
        !markdown.contains("@octocat") && !markdown.contains("#123"),
        "{markdown}"
    );
    assert!(
        markdown.contains("&#64;octocat") && markdown.contains("&#35;123"),
        "{markdown}"
    );
}

#[test]
fn compact_and_deep_yaml_is_refused_before_it_can_overflow_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    let compact = format!("x:\n{}a\n", "- ".repeat(5_000));
    let deep: String = (0..5_000)
        .map(|depth| format!("{}k:\n", " ".repeat(depth)))
        .collect();
    write(dir.path(), "compact.yaml", compact.as_bytes());
    write(dir.path(), "deep.yaml", deep.as_bytes());
    write(
        dir.path(),
        "front.md",
        format!("---\n{compact}---\nBody.\n").as_bytes(),
    );
    // Text in a block scalar may be indented as deep as it likes.
    let poem: String = (0..200)
        .map(|depth| format!("  {}rad\n", " ".repeat(depth)))
        .collect();
    write(
        dir.path(),
        "person.yaml",
        format!("kind: person\nid: P-1\nname: Ada\nnotes: |\n{poem}").as_bytes(),
    );
    let found = findings(dir.path(), "PARSE001");
    let places: Vec<(&str, u64)> = found
        .iter()
        .map(|(_, file, line, _, _)| (file.as_str(), *line))
        .collect();
    assert_eq!(
        places,
        [("compact.yaml", 2), ("deep.yaml", 66), ("front.md", 3)],
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .all(|(_, _, _, _, message)| message.starts_with("nesting deeper than 64 levels")),
        "{found:?}"
    );
}

/// A pack of one person rule `id` that sums the numbers 1 to 200 in `depth` nested `map`s:
/// 200^depth steps per record. The lists depend on the record, so their length is not known when
/// the pack is read (written out, a costly pack is refused then) and only running bounds it.
fn summing_pack(id: &str, depth: usize) -> String {
    let two_hundred = (1..=200)
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let list = format!("(self.id != \"\" ? [{two_hundred}] : [])");
    let names: Vec<String> = (0..depth).map(|level| format!("n{level}")).collect();
    let mut sum = names.join(" + ");
    for name in names.iter().rev() {
        sum = format!("{list}.map({name}, {sum})");
    }
    format!(
        "[[rule]]\nid = \"{id}\"\ntitle = \"Sums\"\nseverity = \"low\"\nkind = \"person\"\n\
         assert = '{sum}.size() == 0'\nmessage = \"sums\"\nrationale = \"x\"\nremediation = \"x\"\n"
    )
}

#[test]
fn a_rule_that_would_run_without_bound_is_stopped_at_its_step_budget() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "people.yaml", PERSON_OK);
    write(
        dir.path(),
        "tillsyn.toml",
        b"rule_paths = [\"packs\"]\nselect = [\"BIG001\"]\n",
    );
    // 200^3 = 8 million sums: stopped when it runs.
    write(
        dir.path(),
        "packs/big.toml",
        summing_pack("BIG001", 3).as_bytes(),
    );
    let (rule, file, line, _, message) = one(dir.path(), "BIG001");
    assert_eq!(
        (rule.as_str(), file.as_str(), line),
        ("BIG001", "people.yaml", 1)
    );
    assert!(
        message.contains("the rule took more than 5000000 steps (the step budget) and was stopped"),
        "{message}"
    );
}

/// A rule that stays under every record's budget still runs without bound on enough records: a
/// tree of 200 records and such a rule held CI for 10 s, of 20,000 for 17 minutes. The rules'
/// steps together are bounded too (`[limits] rule_steps`, lowered here so that the test is quick),
/// and a run that meets the bound reports no finding rather than some of them.
#[test]
fn rules_that_stay_under_each_records_budget_are_stopped_by_the_runs() {
    let dir = tempfile::tempdir().unwrap();
    let people: String = (0..500)
        .map(|n| format!("  - id: P-{n}\n    name: N\n"))
        .collect();
    write(
        dir.path(),
        "people.yaml",
        format!("kind: person\nrecords:\n{people}").as_bytes(),
    );
    // 40,000 sums per record, 121,000 steps: far under the budget of one record, 60 million
    // for the 500.
    write(
        dir.path(),
        "packs/sums.toml",
        summing_pack("SUM001", 2).as_bytes(),
    );
    let root = dir.path().to_str().unwrap();
    for (rule_steps, code) in [(1_000_000, 2), (100_000_000, 0)] {
        write(
            dir.path(),
            "tillsyn.toml",
            format!(
                "rule_paths = [\"packs\"]\nselect = [\"SUM001\"]\n[limits]\nrule_steps = {rule_steps}\n"
            )
            .as_bytes(),
        );
        let (status, stdout, stderr) = run(&["check", root, "--format", "json"]);
        assert_eq!(status, code, "rule_steps = {rule_steps}: {stderr}");
        if code == 2 {
            assert_eq!(stdout, "");
            assert_eq!(
                stderr,
                "error: the rules took more than 1000000 steps together (limit `rule_steps`) and were stopped before every record was checked, so no finding is reported\n  \
                 help: the tree's own packs' rules (SUM001) are the likely cause: run `tillsyn check --select RULE` with one of them at a time to find it, and write it to read less\n"
            );
        } else {
            let report: Value = serde_json::from_str(&stdout).unwrap();
            assert_eq!(report["findings"].as_array().unwrap().len(), 500);
        }
    }
    // The run stops soon after the budget, not after every rule has run on every record: the
    // 500 records would take 60 million steps, the bound here is 100,000, and each of two
    // threads adds its steps to the run's count every million.
    write(
        dir.path(),
        "tillsyn.toml",
        b"rule_paths = [\"packs\"]\nselect = [\"SUM001\"]\n[limits]\nrule_steps = 100000\n",
    );
    let config = tillsyn::config::load(dir.path(), None, &tillsyn::schema::kind_names()).unwrap();
    let rules = tillsyn::rules::RuleSet::load(dir.path(), &config, &Default::default()).unwrap();
    let ledger = tillsyn::followup::ledger::Ledger::empty();
    let today = jiff::civil::date(2026, 12, 3);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    match pool.install(|| tillsyn::check::check(dir.path(), &config, &rules, &ledger, today)) {
        Err(tillsyn::check::CheckError::OutOfSteps { taken, .. }) => assert!(
            taken < 4_000_000,
            "{taken} steps taken of the 60 million the rules would take"
        ),
        _ => panic!("the run is out of steps"),
    }
}

#[cfg(unix)]
#[test]
fn a_file_swapped_for_a_link_or_a_device_after_discovery_is_not_read_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.yaml");
    std::fs::write(&secret, "kind: person\nid: P-SECRET\nname: Hemlig\n").unwrap();
    std::fs::create_dir_all(dir.path().join("repo")).unwrap();
    let swapped = dir.path().join("repo/people.yaml");
    std::os::unix::fs::symlink(&secret, &swapped).unwrap();
    let found = |absolute: std::path::PathBuf| tillsyn::source::FoundFile {
        path: "people.yaml".to_string(),
        absolute,
        format: tillsyn::source::Format::Yaml,
        mapped_kind: None,
        sheet: None,
        mapping: Default::default(),
    };
    let parsed = tillsyn::source::parse_all(
        &[found(swapped), found("/dev/zero".into())],
        &tillsyn::source::Limits::default(),
        &|_, _| tillsyn::source::csv::CellType::String,
        &tillsyn::progress::Silent,
    );
    let messages: Vec<&str> = parsed
        .iter()
        .map(|file| {
            file.outcome
                .as_ref()
                .err()
                .map_or("read", |error| error.message.as_str())
        })
        .collect();
    assert_eq!(
        messages,
        [
            "the file became a link after it was found, and is not read",
            "the file became something other than an ordinary file (a device, a pipe or a directory) after it was found, and is not read",
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_tillsyn_toml_that_is_a_link_is_refused() {
    let (_dir, root) = tree_beside_outside("");
    std::fs::remove_file(root.join("tillsyn.toml")).unwrap();
    let outside = root.parent().unwrap().join("outside/tillsyn.toml");
    std::fs::write(&outside, "secret = \"hemligt\"\n").unwrap();
    std::os::unix::fs::symlink(&outside, root.join("tillsyn.toml")).unwrap();
    let (code, _, stderr) = run(&["check", root.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("tillsyn.toml is a link, which tillsyn does not follow"),
        "{stderr}"
    );
    assert!(!stderr.contains("hemligt"), "{stderr}");
    // Named on the command line, the same file is the person's choice and is read.
    let (code, _, stderr) = run(&[
        "check",
        root.to_str().unwrap(),
        "--config",
        outside.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown key `secret`"), "{stderr}");
}

#[test]
fn raw_control_characters_and_utf16_are_named_and_excels_unicode_text_is_read() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "ctrl.json",
        b"{\"kind\": \"person\", \"id\": \"P-1\", \"name\": \"A\x01b\"}\n",
    );
    let utf16: Vec<u8> = "{\"kind\": \"person\", \"id\": \"P-2\", \"name\": \"B\"}\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    write(dir.path(), "u16.json", &utf16);
    // Excel's "Unicode text": UTF-16 with a byte-order mark, cells between tabs.
    let mut register = vec![0xFF, 0xFE];
    register.extend(
        "id\tname\r\nP-3\tÅsa\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    write(dir.path(), "people.txt.csv", &register);
    write(
        dir.path(),
        "tillsyn.toml",
        b"[[sources]]\npath = \"people.txt.csv\"\nkind = \"person\"\n",
    );
    let found = findings(dir.path(), "PARSE001");
    let shown: Vec<(&str, u64, u64, &str)> = found
        .iter()
        .map(|(_, file, line, column, message)| (file.as_str(), *line, *column, message.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            (
                "ctrl.json",
                1,
                43,
                "a raw control character (U+0001) in the text; JSON allows one only escaped, as \\u0001"
            ),
            (
                "u16.json",
                1,
                1,
                "the file is UTF-16LE, not UTF-8 (save the file as UTF-8)"
            ),
        ]
    );
    let (_, json) = check_json(dir.path(), &["--select", "SCH001"]);
    assert_eq!(json["checked"]["records"], 1, "{json}");
    let (_, _, stderr) = run(&[
        "check",
        dir.path().to_str().unwrap(),
        "--as-of",
        "2026-11-27",
    ]);
    assert!(
        stderr.contains("note: people.txt.csv: read as UTF-16LE (as Excel writes \"Unicode text\"); save it as UTF-8 to be sure"),
        "{stderr}"
    );
}

#[test]
fn a_yaml_tag_tillsyn_does_not_read_is_named_as_such_not_as_an_alias() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "binary.yaml",
        b"kind: person\nid: P-1\nname: !!binary aGVq\n",
    );
    let (rule, file, line, column, message) = one(dir.path(), "PARSE001");
    assert_eq!(
        (rule.as_str(), file.as_str(), line, column),
        ("PARSE001", "binary.yaml", 3, 7)
    );
    assert_eq!(
        message,
        "a value that its tag does not allow, or a tag tillsyn does not read (such as !!binary) (write the value plainly, without the tag)"
    );
}

/// The YAML library reads every quoted value as text and drops its tag, so `!!float "x"` would
/// pass as the text "x" and `!!int "12"` as the text "12": neither is what its tag says.
#[test]
fn a_quoted_value_with_a_type_tag_is_named_not_read_as_text() {
    for (value, message) in [
        (
            "!!float \"x\"",
            "the tag !!float says a number, but \"x\" is not a number (write a number without quotes and without the tag, or the text without the tag)",
        ),
        (
            "!!int '12'",
            "the tag !!int says a whole number, but the value \"12\" is quoted, and a quoted value is read as text (write a whole number without quotes and without the tag, or the text without the tag)",
        ),
        (
            "!!bool \"yes\"",
            "the tag !!bool says true or false, but \"yes\" is not true or false (write true or false without quotes and without the tag, or the text without the tag)",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "tagged.yaml",
            format!("kind: person\nid: P-1\nname: {value}\n").as_bytes(),
        );
        let (rule, file, line, column, found) = one(dir.path(), "PARSE001");
        assert_eq!(
            (rule.as_str(), file.as_str(), line, column, found.as_str()),
            ("PARSE001", "tagged.yaml", 3, 7, message),
            "{value}"
        );
    }
}

/// Every path a traced run of tillsyn names to the kernel, from strace's log of its file and
/// descriptor calls, with the call's name.
#[cfg(target_os = "linux")]
fn traced_paths(log: &str) -> Vec<(String, String)> {
    let mut paths = Vec::new();
    for line in log.lines() {
        // `1234  openat(AT_FDCWD, "/tmp/…/repo/people.yaml", O_RDONLY|…) = 3`
        let Some((head, arguments)) = line.split_once('(') else {
            continue;
        };
        let call = head.rsplit(' ').next().unwrap_or_default();
        // Data read or written is quoted too; only the calls that name files are paths.
        if matches!(
            call,
            "read" | "pread64" | "readv" | "write" | "pwrite64" | "writev"
        ) {
            continue;
        }
        for path in arguments.split('"').skip(1).step_by(2) {
            paths.push((call.to_string(), path.to_string()));
        }
    }
    paths
}

#[cfg(target_os = "linux")]
#[test]
fn strace_sees_nothing_read_or_written_outside_the_root() {
    // What the tree's own files name that lies outside: a pack and a ledger through `..`, a
    // source through an absolute path, links to a secret beside the tree. Every file system
    // call of the run is traced; none may name a path outside the root, whether it reads,
    // writes, opens, stats or resolves.
    if std::process::Command::new("strace")
        .arg("-V")
        .output()
        .is_err()
    {
        panic!("strace is not installed: .ci/run installs it (apt-get install strace)");
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    let outside = dir.path().join("OUTSIDE");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    write(
        &outside,
        "secret.yaml",
        b"kind: person\nid: SECRET\nname: Hemlig\n",
    );
    write(&outside, "pack.toml", b"[[rule]]\nid = \"OUT001\"\n");
    write(&root, "people.yaml", PERSON_OK);
    std::os::unix::fs::symlink(outside.join("secret.yaml"), root.join("linked.yaml")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("linked-dir")).unwrap();
    let configs = [
        "rule_paths = [\"../OUTSIDE\"]\n".to_string(),
        "ledger = \"../OUTSIDE/ledger.json\"\n".to_string(),
        format!(
            "[[sources]]\npath = \"{}\"\nkind = \"person\"\n",
            outside.join("secret.yaml").display()
        ),
        "rule_paths = [\"linked-dir\"]\n".to_string(),
        // With nothing hostile in it, the run reads the tree and writes its ledger, inside.
        String::new(),
    ];
    let binary = assert_cmd::cargo::cargo_bin("tillsyn");
    for config in configs {
        write(&root, "tillsyn.toml", config.as_bytes());
        let log = dir.path().join("strace.log");
        let status = std::process::Command::new("strace")
            .args(["-f", "-qq", "-e", "trace=%file,%desc", "-o"])
            .arg(&log)
            .arg(&binary)
            .args([
                "check",
                "--ledger",
                "--format",
                "json",
                "--as-of",
                "2026-11-27",
            ])
            .arg(&root)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let code = status.status.code().unwrap_or(-1);
        assert!(
            (0..=2).contains(&code),
            "{config}: exit {code}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        let log = std::fs::read_to_string(&log).unwrap();
        let outside_text = outside.to_string_lossy().to_string();
        let named: Vec<(String, String)> = traced_paths(&log)
            .into_iter()
            .filter(|(_, path)| path.contains("OUTSIDE") || path.contains(&outside_text))
            .collect();
        assert!(
            named.is_empty(),
            "{config}: named outside the root: {named:?}"
        );
        assert!(
            !log.contains("SECRET") && !String::from_utf8_lossy(&status.stdout).contains("SECRET"),
            "{config}"
        );
    }
    assert!(!outside.join("ledger.json").exists());
}
