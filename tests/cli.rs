//! The command line itself: help, completions for every shell, the manual page.

mod common;

use common::run;

#[test]
fn completions_are_printed_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, stdout, stderr) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {stderr}");
        assert!(stdout.contains("tillsyn"), "{shell}");
        assert!(
            stdout.contains("followup"),
            "{shell}: subcommands are completed"
        );
    }
    let (code, _, stderr) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("invalid value"), "{stderr}");
}

#[test]
fn the_manual_page_is_roff_naming_every_command() {
    let (code, stdout, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(stdout.contains(".TH tillsyn 1"), "{stdout}");
    for command in ["check", "followup", "report", "rules", "schema"] {
        assert!(stdout.contains(command), "{command}");
    }
}

#[test]
fn help_names_the_exit_codes_and_every_format() {
    let (code, stdout, _) = run(&["check", "--help"]);
    assert_eq!(code, 0);
    for format in [
        "table", "json", "sarif", "junit", "github", "markdown", "csv",
    ] {
        assert!(stdout.contains(format), "{format}");
    }
    let (_, stdout, _) = run(&["--help"]);
    assert!(stdout.contains("Exit codes: 0"), "{stdout}");
}

#[test]
fn init_makes_a_repository_that_passes_and_then_catches_a_defect() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("styrning");
    let root_arg = root.to_str().unwrap();
    let (code, stdout, stderr) = run(&["init", root_arg]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("created tillsyn.toml\n"), "{stdout}");
    assert!(
        stdout.contains("created .github/workflows/tillsyn.yml\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("created .tillsyn/schemas/information_asset.schema.json\n"),
        "{stdout}"
    );

    let (code, stdout, _) = run(&["check", root_arg]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.starts_with("No findings"), "{stdout}");

    // One defect: the asset loses its information owner.
    let assets = root.join("registers/information-assets.yaml");
    let text = std::fs::read_to_string(&assets)
        .unwrap()
        .replace("    owner: RA-KS-IAO\n", "");
    std::fs::write(&assets, text).unwrap();
    let (code, stdout, _) = run(&["check", root_arg, "--format", "json"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"OWN001"), "{rules:?}");
    assert_eq!(
        json["findings"][0]["file"],
        "registers/information-assets.yaml"
    );

    // A second init refuses and changes nothing.
    let (code, _, stderr) = run(&["init", root_arg]);
    assert_eq!(code, 2);
    assert!(stderr.contains("never overwrites a file"), "{stderr}");
    assert!(
        !std::fs::read_to_string(&assets)
            .unwrap()
            .contains("owner: RA-KS-IAO")
    );
}

/// The README's quick start, executed as written: every `tillsyn …` command of its `sh` blocks
/// that starts a repository or checks it (run in a scratch directory, against the bundled
/// fixtures), so that the README never lies.
#[test]
fn the_readme_quick_start_runs_as_written() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let quick_start = readme
        .lines()
        .find(|line| line.starts_with("tillsyn init "))
        .expect("the README shows how to start a repository");
    let command = quick_start.split('#').next().unwrap().trim();
    let dir = tempfile::tempdir().unwrap();
    for step in command.split("&&") {
        let words: Vec<&str> = step.split_whitespace().collect();
        assert_eq!(words[0], "tillsyn", "{step}");
        let output = common::tillsyn()
            .args(&words[1..])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "`{step}` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // The first screen's main job: the bundled broken city exits 1 with findings.
    let first = readme
        .lines()
        .find(|line| line.starts_with("cargo run --release -- check "))
        .unwrap();
    let root = first.split_whitespace().nth(5).unwrap();
    let (code, stdout, _) = run(&["check", &format!("{}/{root}", env!("CARGO_MANIFEST_DIR"))]);
    assert_eq!(code, 1);
    assert!(stdout.contains("findings:"), "{stdout}");
}
