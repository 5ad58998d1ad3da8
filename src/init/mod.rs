//! `tillsyn init [DIR]`: a repository that passes, to start from — a commented tillsyn.toml,
//! example records of the main kinds (units, roles, assignments, a governing document as
//! Markdown, an asset, a system, a processing activity), the kinds' schemas for editors (the
//! YAML files name them in a `yaml-language-server` modeline), a GitHub Actions workflow and a
//! GitLab CI example. It never overwrites a file.

use std::path::Path;

use jiff::civil::Date;

/// (path in the new repository, template text).
const FILES: &[(&str, &str)] = &[
    ("tillsyn.toml", include_str!("templates/tillsyn.toml")),
    (
        "organisation/units.yaml",
        include_str!("templates/organisation/units.yaml"),
    ),
    (
        "organisation/roles.yaml",
        include_str!("templates/organisation/roles.yaml"),
    ),
    (
        "organisation/assignments.yaml",
        include_str!("templates/organisation/assignments.yaml"),
    ),
    (
        "documents/informationssakerhetspolicy.md",
        include_str!("templates/documents/informationssakerhetspolicy.md"),
    ),
    (
        "registers/information-assets.yaml",
        include_str!("templates/registers/information-assets.yaml"),
    ),
    (
        "registers/systems.yaml",
        include_str!("templates/registers/systems.yaml"),
    ),
    (
        "registers/processing-activities.yaml",
        include_str!("templates/registers/processing-activities.yaml"),
    ),
    (
        ".github/workflows/tillsyn.yml",
        include_str!("templates/github/tillsyn.yml"),
    ),
    (
        "gitlab-ci.tillsyn.yml",
        include_str!("templates/gitlab-ci.yml"),
    ),
];

/// Where the schemas go, for editors.
const SCHEMA_DIR: &str = ".tillsyn/schemas";

/// Creates the starter repository in `dir` with dates of `today`, and returns the paths it
/// created. Refuses, creating nothing, if any of them exists.
pub fn init(dir: &Path, today: Date) -> Result<Vec<String>, String> {
    let catalog = crate::schema::Catalog::get().map_err(|error| error.to_string())?;
    let schemas: Vec<(String, &str)> = catalog
        .kinds()
        .iter()
        .map(|kind| {
            (
                format!("{SCHEMA_DIR}/{}.schema.json", kind.name),
                kind.source,
            )
        })
        .collect();
    let mut planned: Vec<(String, String)> = FILES
        .iter()
        .map(|(path, template)| ((*path).to_string(), fill(template, today)))
        .collect();
    planned.extend(
        schemas
            .into_iter()
            .map(|(path, text)| (path, text.to_string())),
    );
    let existing: Vec<&str> = planned
        .iter()
        .map(|(path, _)| path.as_str())
        .filter(|path| dir.join(path).exists())
        .collect();
    if !existing.is_empty() {
        return Err(format!(
            "{} already holds {}; tillsyn init never overwrites a file: start in an empty directory",
            dir.display(),
            existing.join(", ")
        ));
    }
    let mut created = Vec::new();
    for (path, text) in planned {
        let target = dir.join(&path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
        }
        std::fs::write(&target, text)
            .map_err(|error| format!("cannot write {}: {error}", target.display()))?;
        created.push(path);
    }
    Ok(created)
}

fn fill(template: &str, today: Date) -> String {
    template
        .replace("{{DECIDED}}", &today.to_string())
        .replace("{{YY}}", &format!("{:02}", today.year().rem_euclid(100)))
}
