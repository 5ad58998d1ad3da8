//! The pipeline's layering, held by reading the sources (DESIGN.md, "Layout"): the outcome of a
//! run knows no stage, the shared views read only the outcome, the renderers read only the
//! outcome, the views and the message catalogue, and the clock is read in one place. A `use` that
//! reaches back into an earlier stage fails here, naming the file and the line.

use std::path::{Path, PathBuf};

/// The `crate::` modules named by the code (not the comments) of `file`, with their lines.
fn crate_modules(file: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut named = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(position) = rest.find("crate::") {
            let after = &rest[position + "crate::".len()..];
            let module: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            named.push((number + 1, module));
            rest = after;
        }
    }
    named
}

fn sources(relative: &str) -> Vec<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    if path.is_file() {
        return vec![path];
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "rs"))
        .collect();
    files.sort();
    files
}

/// Every `crate::` module that the files under `relative` name is one of `allowed`.
fn only_these(relative: &str, allowed: &[&str]) -> Vec<String> {
    let mut reaching = Vec::new();
    for file in sources(relative) {
        for (line, module) in crate_modules(&file) {
            if !allowed.contains(&module.as_str()) {
                reaching.push(format!(
                    "{}:{line} uses crate::{module}",
                    file.strip_prefix(env!("CARGO_MANIFEST_DIR"))
                        .unwrap()
                        .display()
                ));
            }
        }
    }
    reaching
}

#[test]
fn the_outcome_knows_no_stage() {
    assert_eq!(
        only_these("src/outcome.rs", &["finding"]),
        Vec::<String>::new()
    );
    assert_eq!(
        only_these("src/finding.rs", &["finding"]),
        Vec::<String>::new()
    );
}

#[test]
fn the_views_read_only_the_outcome() {
    assert_eq!(
        only_these("src/views", &["finding", "lang", "outcome", "views"]),
        Vec::<String>::new()
    );
}

#[test]
fn renderers_read_only_the_outcome_the_views_and_the_catalogue() {
    assert_eq!(
        only_these(
            "src/report",
            &["finding", "lang", "outcome", "views", "report"]
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        only_these("src/lang", &["finding", "lang", "outcome"]),
        Vec::<String>::new()
    );
}

/// The as-of day is read from the clock in `cli/plan.rs` and handed down from there: a second
/// reading could judge one run by two different days around midnight.
#[test]
fn the_clock_is_read_in_one_place() {
    let mut readings = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(directory) = stack.pop() {
        for entry in std::fs::read_dir(&directory).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (number, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                if [
                    "Zoned::now",
                    "ZonedDateTime::now",
                    "Timestamp::now",
                    "SystemTime::now",
                ]
                .iter()
                .any(|reading| code.contains(reading))
                {
                    readings.push(format!(
                        "{}:{}",
                        path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
                            .unwrap()
                            .display(),
                        number + 1
                    ));
                }
            }
        }
    }
    assert_eq!(readings, ["src/cli/plan.rs:20"]);
}
