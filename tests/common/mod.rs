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
