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
