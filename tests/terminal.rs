//! What tillsyn does for a person at a terminal, through the binary: colour only when asked or
//! on a terminal without NO_COLOR, never in machine formats; `--quiet` leaves only the output; no
//! progress bar where standard error is not a terminal.

mod common;

use common::{AS_OF, fixture, tillsyn};

const ESCAPE: char = '\u{1b}';

/// `tillsyn ARGS` with extra environment: exit code, standard output, standard error.
fn run_with(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = tillsyn();
    command.args(args).env_remove("NO_COLOR");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("tillsyn runs");
    (
        output.status.code().expect("an exit code"),
        String::from_utf8(output.stdout).expect("UTF-8"),
        String::from_utf8(output.stderr).expect("UTF-8"),
    )
}

/// The text without its ANSI SGR sequences (`ESC [ … m`).
fn without_ansi(text: &str) -> String {
    let mut plain = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == ESCAPE {
            for inner in chars.by_ref() {
                if inner == 'm' {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
}

fn check_table(extra: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let root = fixture("excel");
    let mut args = vec!["check", root.to_str().expect("UTF-8"), "--as-of", AS_OF];
    args.extend_from_slice(extra);
    run_with(&args, env)
}

#[test]
fn color_always_colours_severities_and_changes_nothing_else() {
    let (code, plain, _) = check_table(&[], &[]);
    let (coloured_code, coloured, _) = check_table(&["--color", "always"], &[]);
    assert_eq!((code, coloured_code), (1, 1));
    // Critical is bold red, high red, medium yellow (comfy-table's 256-colour codes).
    for line in [
        "\u{1b}[38;5;9m\u{1b}[1m OWN001   \u{1b}[0m",
        "\u{1b}[38;5;9m\u{1b}[1m critical \u{1b}[0m",
        "\u{1b}[38;5;9m high     \u{1b}[39m",
        "\u{1b}[38;5;11m medium   \u{1b}[39m",
    ] {
        assert!(coloured.contains(line), "{line:?} missing in\n{coloured}");
    }
    assert_eq!(without_ansi(&coloured), plain);
    // The command line overrides the environment (no-color.org).
    let (_, despite, _) = check_table(&["--color", "always"], &[("NO_COLOR", "1")]);
    assert_eq!(despite, coloured);
}

#[test]
fn no_colour_when_piped_when_never_or_with_no_color() {
    for (extra, env) in [
        (&[][..], &[][..]),
        (&["--color", "auto"][..], &[("NO_COLOR", "1")][..]),
        (&["--color", "never"][..], &[][..]),
    ] {
        let (code, stdout, stderr) = check_table(extra, env);
        assert_eq!(code, 1);
        assert!(!stdout.contains(ESCAPE), "{extra:?} {env:?}:\n{stdout}");
        assert!(!stderr.contains(ESCAPE), "{extra:?} {env:?}:\n{stderr}");
    }
}

#[test]
fn machine_formats_are_never_coloured() {
    for format in ["json", "sarif", "junit", "github", "markdown", "csv"] {
        let (code, stdout, _) = check_table(&["--color", "always", "--format", format], &[]);
        assert_eq!(code, 1);
        assert!(!stdout.contains(ESCAPE), "--format {format}:\n{stdout}");
    }
}

#[test]
fn error_prefixes_are_coloured_only_when_asked() {
    let (code, _, stderr) = run_with(&["check", "/no/such/dir", "--color", "always"], &[]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "\u{1b}[1;31merror:\u{1b}[0m /no/such/dir is not a directory that can be read\n"
    );
    let (code, _, stderr) = run_with(&["check", "/no/such/dir"], &[]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: /no/such/dir is not a directory that can be read\n"
    );
}

#[test]
fn quiet_leaves_only_the_output_and_the_exit_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    let schemas = dir.path().join("schemas");
    let schemas = schemas.to_str().expect("UTF-8");
    let (code, stdout, stderr) = run_with(&["schema", "export", schemas], &[]);
    assert_eq!((code, stdout.as_str()), (0, ""));
    assert_eq!(stderr, format!("wrote 23 schemas to {schemas}\n"));
    let (code, stdout, stderr) = run_with(&["-q", "schema", "export", schemas], &[]);
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));

    let target = dir.path().join("new");
    let (code, stdout, stderr) = run_with(
        &[
            "init",
            target.to_str().expect("UTF-8"),
            "--quiet",
            "--as-of",
            AS_OF,
        ],
        &[],
    );
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));
    assert!(target.join("tillsyn.toml").exists());

    let (plain_code, plain, _) = check_table(&[], &[]);
    let (code, quiet, stderr) = check_table(&["--quiet"], &[]);
    assert_eq!((code, stderr.as_str()), (plain_code, ""));
    assert_eq!(quiet, plain);
}

#[test]
fn no_progress_bar_where_standard_error_is_not_a_terminal() {
    // A repository large enough to be checked for longer than the bar waits before it shows.
    let (code, _, stderr) = run_with(
        &[
            "check",
            fixture("city-broken").to_str().expect("UTF-8"),
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code, 1);
    assert_eq!(stderr, "");
}
