//! Helpers shared by the integration tests: run the real binary, read its JSON.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub const AS_OF: &str = "2026-11-27";

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// The binary in a neutral locale: human output is English unless a test sets `LANG` (or
/// passes `--lang`), whatever the locale of the developer running the tests.
pub fn tillsyn() -> Command {
    let mut command = Command::cargo_bin("tillsyn").expect("the tillsyn binary is built");
    command
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    command
}

/// Runs `tillsyn ARGS`, returning exit code, standard output and standard error.
pub fn run(args: &[&str]) -> (i32, String, String) {
    let output = tillsyn().args(args).output().expect("tillsyn runs");
    (
        output.status.code().expect("tillsyn exits with a code"),
        String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    )
}

/// `tillsyn check ROOT --format json --as-of AS_OF`, parsed.
pub fn check_json(root: &Path, extra: &[&str]) -> (i32, Value) {
    let root = root.to_str().expect("test paths are UTF-8");
    let mut args = vec!["check", root, "--format", "json", "--as-of", AS_OF];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run(&args);
    let json =
        serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("{error}\n{stdout}\n{stderr}"));
    (code, json)
}

/// `rule file:line:column message` of every finding of a `--format json` report, in its order.
pub fn finding_lines(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|finding| {
            format!(
                "{} {}:{}:{} {}",
                finding["rule"].as_str().unwrap_or_default(),
                finding["file"].as_str().unwrap_or_default(),
                finding["line"],
                finding["column"],
                finding["message"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

/// Copies a directory tree, for tests that change a fixture.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("fixture is readable");
        let target = to.join(entry.path().strip_prefix(from).expect("below the fixture"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create dir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

fn write(root: &Path, name: &str, text: &str) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().expect("a file has a directory")).expect("create dir");
    std::fs::write(path, text).expect("write file");
}

/// A small city for follow-up tests: a council (KF) with its executive board (KS) and a
/// committee (UN) with its administration (UTBF); roles, a person and assignments (UN's
/// information owner and coordinator, KS's head of administration); and two assets, written by
/// [`small_city_assets`]. No tillsyn.toml: each test writes its own.
pub fn small_city(root: &Path) {
    write(
        root,
        "units.yaml",
        "kind: org_unit\nrecords:\n\
         \x20 - { id: KF, name: Kommunfullmäktige, unit_type: council, is_controller: false }\n\
         \x20 - { id: KS, name: Kommunstyrelsen, unit_type: executive_board, parent: KF, is_controller: true }\n\
         \x20 - { id: UN, name: Utbildningsnämnden, unit_type: committee, parent: KF, is_controller: true }\n\
         \x20 - { id: UTBF, name: Utbildningsförvaltningen, unit_type: administration, parent: UN, governing_body: UN, is_controller: false }\n",
    );
    write(
        root,
        "roles.yaml",
        "kind: role\nrecords:\n\
         \x20 - { id: ROLE-IAO, title: Informationsägare, function: information_owner, is_owner_role: true, authority_level: 3 }\n\
         \x20 - { id: ROLE-ISC, title: Informationssäkerhetssamordnare, function: infosec_coordinator, is_owner_role: false, authority_level: 6 }\n\
         \x20 - { id: ROLE-KD, title: Kommundirektör, function: management, is_owner_role: false, authority_level: 4 }\n",
    );
    write(
        root,
        "persons.yaml",
        "kind: person\nrecords:\n  - { id: P-1, name: Sara Lind, unit: UN }\n",
    );
    write(
        root,
        "assignments.yaml",
        "kind: role_assignment\nrecords:\n\
         \x20 - { id: RA-UN-IAO, role: ROLE-IAO, scope_unit: UN, holder_unit: UN, valid_from: 2023-01-01 }\n\
         \x20 - { id: RA-UN-ISC, role: ROLE-ISC, scope_unit: UN, holder_person: P-1, valid_from: 2023-01-01 }\n\
         \x20 - { id: RA-KS-KD, role: ROLE-KD, scope_unit: KS, holder_title: Kommundirektör, valid_from: 2023-01-01 }\n",
    );
    small_city_assets(root, false, false);
}

/// The small city's assets: IA-1 without an owner unless `ia1_owned` (OWN001, critical), IA-2
/// without a definition unless `ia2_defined` (OWN004, medium).
pub fn small_city_assets(root: &Path, ia1_owned: bool, ia2_defined: bool) {
    let owner = if ia1_owned {
        "    owner: RA-UN-IAO\n"
    } else {
        ""
    };
    let definition = if ia2_defined {
        "    definition: Bokningar av kommunens lokaler.\n"
    } else {
        ""
    };
    write(
        root,
        "assets.yaml",
        &format!(
            "kind: information_asset\nrecords:\n  - id: IA-1\n    name: Elevregister\n    definition: Elever.\n    unit: UTBF\n{owner}    \
             classification: {{ confidentiality: 1, integrity: 1, availability: 1 }}\n    contains_personal_data: false\n  \
             - id: IA-2\n    name: Lokalbokningar\n{definition}    unit: UTBF\n    owner: RA-UN-IAO\n    \
             classification: {{ confidentiality: 1, integrity: 1, availability: 1 }}\n    contains_personal_data: false\n"
        ),
    );
}
