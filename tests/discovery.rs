//! Which files `check` reads, through the binary: the tree's `.gitignore` and `.ignore` files
//! (and what `[[sources]]` and `--no-ignore` say against them), and the root found above the
//! current directory when none is given.

mod common;

use std::path::Path;

use common::{AS_OF, tillsyn};
use serde_json::Value;

/// A record of tillsyn's, so that a tree is never "nothing here for tillsyn".
const UNIT: &str = "kind: org_unit\nrecords:\n  - { id: KF, name: Kommunfullmäktige, unit_type: council, is_controller: false }\n";

/// A file whose reading shows as an SRC001 finding (unknown kind) on its path.
const READ_MARKER: &str = "kind: not_ours\n";

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("a file has a directory"))
            .expect("create dir");
        std::fs::write(path, text).expect("write file");
    }
}

/// `tillsyn check ARGS --select SRC --format json --as-of AS_OF -v` run in `directory`: exit
/// code, the JSON and standard error.
fn check_in(directory: &Path, args: &[&str]) -> (i32, Value, String) {
    let output = tillsyn()
        .current_dir(directory)
        .arg("check")
        .args(args)
        .args([
            "--select", "SRC", "--format", "json", "--as-of", AS_OF, "-v",
        ])
        .output()
        .expect("tillsyn runs");
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    let json =
        serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("{error}\n{stdout}\n{stderr}"));
    (output.status.code().expect("an exit code"), json, stderr)
}

/// The files that were read, as far as their unknown kind tells: sorted paths of SRC001.
fn read_markers(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|finding| finding["rule"] == "SRC001")
        .map(|finding| finding["file"].as_str().expect("a file").to_string())
        .collect()
}

/// The `-v` lines that say a path was skipped, in order.
fn skipped(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| line.starts_with("skipped "))
        .collect()
}

#[test]
fn a_gitignored_register_is_not_read_and_verbose_says_why() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("units.yaml", UNIT),
            (".gitignore", "# private copies\nregisters/private.yaml\n"),
            ("registers/private.yaml", READ_MARKER),
            ("registers/public.yaml", READ_MARKER),
        ],
    );
    let (_, json, stderr) = check_in(dir.path(), &["."]);
    assert_eq!(read_markers(&json), ["registers/public.yaml"]);
    assert_eq!(
        skipped(&stderr),
        [
            "skipped .gitignore: not a format tillsyn reads",
            "skipped registers/private.yaml: ignored by .gitignore",
        ]
    );
}

#[test]
fn a_dot_ignore_file_is_honoured_and_decides_before_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("units.yaml", UNIT),
            // `.ignore` brings back what `.gitignore` ignores, as in ripgrep.
            (".gitignore", "*.yaml\n!units.yaml\n"),
            (".ignore", "drafts.yaml\n!wanted.yaml\n"),
            ("drafts.yaml", READ_MARKER),
            ("wanted.yaml", READ_MARKER),
            ("other.yaml", READ_MARKER),
        ],
    );
    let (_, json, stderr) = check_in(dir.path(), &["."]);
    assert_eq!(read_markers(&json), ["wanted.yaml"]);
    assert!(
        stderr.contains("skipped drafts.yaml: ignored by .ignore\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("skipped other.yaml: ignored by .gitignore\n"),
        "{stderr}"
    );
}

#[test]
fn a_nested_gitignore_applies_below_its_own_directory() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("units.yaml", UNIT),
            // Anchored to `registers`: not to `old.yaml` at the root nor in `registers/deeper`.
            ("registers/.gitignore", "/old.yaml\nscratch.yaml\n"),
            ("registers/old.yaml", READ_MARKER),
            ("registers/deeper/old.yaml", READ_MARKER),
            ("registers/deeper/scratch.yaml", READ_MARKER),
            ("old.yaml", READ_MARKER),
            ("scratch.yaml", READ_MARKER),
        ],
    );
    let (_, json, stderr) = check_in(dir.path(), &["."]);
    assert_eq!(
        read_markers(&json),
        ["old.yaml", "registers/deeper/old.yaml", "scratch.yaml"]
    );
    assert!(
        stderr.contains("skipped registers/deeper/scratch.yaml: ignored by .gitignore\n")
            && stderr.contains("skipped registers/old.yaml: ignored by .gitignore\n"),
        "{stderr}"
    );
}

#[test]
fn a_negated_pattern_keeps_a_file_and_an_ignored_directory_is_listed_once() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("units.yaml", UNIT),
            (
                ".gitignore",
                "registers/*.yaml\n!registers/keep.yaml\nexports/\n",
            ),
            ("registers/keep.yaml", READ_MARKER),
            ("registers/drop.yaml", READ_MARKER),
            ("exports/a.yaml", READ_MARKER),
            ("exports/deep/b.yaml", READ_MARKER),
        ],
    );
    let (_, json, stderr) = check_in(dir.path(), &["."]);
    assert_eq!(read_markers(&json), ["registers/keep.yaml"]);
    assert_eq!(
        skipped(&stderr),
        [
            "skipped .gitignore: not a format tillsyn reads",
            "skipped exports: ignored by .gitignore",
            "skipped registers/drop.yaml: ignored by .gitignore",
        ]
    );
}

#[test]
fn a_file_named_in_sources_is_read_although_it_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "id,name,unit_type,is_controller\nKS,Kommunstyrelsen,executive_board,true\n";
    write(
        dir.path(),
        &[
            ("units.yaml", UNIT),
            (".gitignore", "*.csv\nexports/\n"),
            (
                "tillsyn.toml",
                "[[sources]]\npath = \"registers/*.csv\"\nkind = \"org_unit\"\n\n\
                 [[sources]]\npath = \"exports/2026/units.csv\"\nkind = \"org_unit\"\n",
            ),
            ("registers/units.csv", csv),
            ("exports/2026/units.csv", &csv.replace("KS", "UN")),
            ("exports/2026/other.yaml", READ_MARKER),
            ("exports/2025/old.yaml", READ_MARKER),
            ("loose.csv", csv),
        ],
    );
    let (_, json, stderr) = check_in(dir.path(), &["."]);
    assert_eq!(json["checked"]["records"], 3, "{json}\n{stderr}");
    assert_eq!(read_markers(&json), Vec::<String>::new());
    assert_eq!(
        skipped(&stderr),
        [
            "skipped .gitignore: not a format tillsyn reads",
            "skipped exports: ignored by .gitignore; only the files [[sources]] names in it are read",
            "skipped loose.csv: ignored by .gitignore",
        ]
    );
}

#[test]
fn no_ignore_and_respect_gitignore_false_read_ignored_files() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("units.yaml", UNIT),
            (".gitignore", "ignored.yaml\n"),
            (".ignore", "also.yaml\n"),
            ("ignored.yaml", READ_MARKER),
            ("also.yaml", READ_MARKER),
        ],
    );
    let (_, json, _) = check_in(dir.path(), &["."]);
    assert_eq!(read_markers(&json), Vec::<String>::new());
    let (_, json, stderr) = check_in(dir.path(), &[".", "--no-ignore"]);
    assert_eq!(read_markers(&json), ["also.yaml", "ignored.yaml"]);
    assert!(!stderr.contains("ignored by"), "{stderr}");
    write(
        dir.path(),
        &[("tillsyn.toml", "respect_gitignore = false\n")],
    );
    let (_, json, _) = check_in(dir.path(), &["."]);
    assert_eq!(read_markers(&json), ["also.yaml", "ignored.yaml"]);
}

#[test]
fn ignore_files_outside_the_root_or_behind_a_link_do_not_count() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            // Above the root, and git's own exclude file: local to a machine, not the tree.
            (".gitignore", "*.yaml\n"),
            ("outside/rules", "*.yaml\n"),
            ("tree/.git/info/exclude", "*.yaml\n"),
            ("tree/units.yaml", UNIT),
            ("tree/a.yaml", READ_MARKER),
            ("tree/sub/b.yaml", READ_MARKER),
        ],
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        dir.path().join("outside/rules"),
        dir.path().join("tree/sub/.gitignore"),
    )
    .unwrap();
    let (_, json, stderr) = check_in(&dir.path().join("tree"), &["."]);
    assert_eq!(read_markers(&json), ["a.yaml", "sub/b.yaml"]);
    #[cfg(unix)]
    assert!(
        stderr.contains("skipped sub/.gitignore: a link, which tillsyn does not follow\n"),
        "{stderr}"
    );
}

#[test]
fn an_oversized_ignore_file_is_a_finding_and_does_not_stall_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    let huge = "**/a*b*c*d*e*f*g*h*/**\n".repeat(60_000);
    write(
        dir.path(),
        &[
            ("units.yaml", UNIT),
            (".gitignore", &huge),
            ("a.yaml", READ_MARKER),
        ],
    );
    let started = std::time::Instant::now();
    let (_, json, _) = check_in(dir.path(), &[".", "--select", "SRC,PARSE"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    let problems: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["rule"] == "PARSE001")
        .collect();
    assert_eq!(problems.len(), 1, "{json}");
    assert_eq!(problems[0]["file"], ".gitignore");
    assert_eq!(read_markers(&json), ["a.yaml"]);
}

#[test]
fn a_run_from_a_subdirectory_checks_the_root_above_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("governance");
    write(
        &root,
        &[
            (".git/HEAD", "ref: refs/heads/main\n"),
            ("tillsyn.toml", "exclude = [\"drafts\"]\n"),
            ("units.yaml", UNIT),
            ("registers/a.yaml", READ_MARKER),
            ("registers/deep/b.yaml", READ_MARKER),
            ("drafts/c.yaml", READ_MARKER),
        ],
    );
    let (code, from_root, stderr) = check_in(&root, &[]);
    assert!(!stderr.contains("using"), "{stderr}");
    let (sub_code, from_below, stderr) = check_in(&root.join("registers/deep"), &[]);
    assert_eq!(
        read_markers(&from_root),
        ["registers/a.yaml", "registers/deep/b.yaml"]
    );
    assert_eq!((sub_code, &from_below), (code, &from_root));
    assert!(
        stderr.starts_with(
            "using ../.. as the root: tillsyn.toml found 2 directories above the current directory\n"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("skipped drafts: excluded by `exclude` in tillsyn.toml\n"));
    // Absolute paths appear nowhere, so that CI logs are the same on every machine.
    let shown = dir.path().to_str().unwrap();
    assert!(!stderr.contains(shown) && !from_below.to_string().contains(shown));
    // A root given is the root, whatever lies above it.
    let (_, given, _) = check_in(&root.join("registers/deep"), &["."]);
    assert_eq!(read_markers(&given), ["b.yaml"]);
}

#[test]
fn the_search_for_tillsyn_toml_stops_at_the_repository_top() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            // Another tree's configuration, above this repository: never read.
            ("tillsyn.toml", "not_a_key = true\n"),
            ("repo/.git/HEAD", "ref: refs/heads/main\n"),
            ("repo/b.yaml", READ_MARKER),
            ("repo/sub/units.yaml", UNIT),
            ("repo/sub/a.yaml", READ_MARKER),
        ],
    );
    // No tillsyn.toml up to the repository's top: the current directory is the root.
    let (code, json, stderr) = check_in(&dir.path().join("repo/sub"), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(read_markers(&json), ["a.yaml"]);
    assert!(!stderr.contains("using"), "{stderr}");
}

#[test]
fn a_gitignored_ledger_is_still_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("units.yaml", UNIT),
            (".gitignore", "tillsyn-ledger.json\ntillsyn.toml\n"),
            ("tillsyn.toml", "select = [\"SRC\"]\n"),
        ],
    );
    let (code, _, stderr) = check_in(dir.path(), &[".", "--ledger"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = check_in(dir.path(), &[".", "--ledger"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(dir.path().join("tillsyn-ledger.json").is_file());
    assert!(!stderr.contains("ignored by"), "{stderr}");
}
