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
