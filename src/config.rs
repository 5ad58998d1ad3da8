//! `tillsyn.toml`: what to read, which rules to run and how, and the limits. Every key is
//! optional; an unknown key is an error that names the key, its line and column, and the nearest
//! known key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::source::Limits;
use crate::source::node::{Node, Value};
use crate::source::span::{LineIndex, Span};
use crate::suggest::did_you_mean;

pub const FILE_NAME: &str = "tillsyn.toml";
pub const DEFAULT_LEDGER: &str = "tillsyn-ledger.json";

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Globs, relative to the root, of paths that are not read.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Whether the tree's own `.gitignore` and `.ignore` files keep what they ignore from being
    /// read (default: yes). `check --no-ignore` sets it to no.
    pub respect_gitignore: Option<bool>,
    /// Directories or files, relative to the root, holding the repository's own rule packs.
    #[serde(default)]
    pub rule_paths: Vec<String>,
    /// Rule ids or prefixes to run (`ALL` by default).
    pub select: Option<Vec<String>>,
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Where the follow-up ledger lives, relative to the root.
    pub ledger: Option<String>,
    /// Files that carry no `kind` of their own, mapped to one.
    #[serde(default)]
    pub sources: Vec<SourceMapping>,
    /// Overrides of the rule packs' params.
    #[serde(default)]
    pub params: BTreeMap<String, toml::Value>,
    /// Re-grading of rules: `OWN005 = "medium"`.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    #[serde(default)]
    pub limits: LimitsConfig,
    #[serde(default)]
    pub followup: FollowupConfig,
    /// Where `[followup] maintainer` is written (`tillsyn.toml:12:14`), for a message about it.
    #[serde(skip)]
    pub maintainer_location: String,
    /// Where each `[[sources]]` entry's `path` is written, in the entries' order.
    #[serde(skip)]
    pub source_locations: Vec<String>,
}

/// `[followup]`: who answers for what belongs to no record.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowupConfig {
    /// The role assignment (or person) that answers for findings on whole files: a file that
    /// does not parse, a cap. Default: the information-security coordinator nearest the top
    /// unit.
    pub maintainer: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceMapping {
    /// A path or glob relative to the root.
    pub path: String,
    /// The kind of a table's records, or of files without a `kind`. An importer's format gives
    /// its kinds itself.
    pub kind: Option<String>,
    /// Another tool's format that an importer reads: `dcat`, `oscal` or `fides` (`dcat` is the
    /// default for `.ttl`, `.rdf`, `.jsonld` and `.nt`).
    pub format: Option<String>,
    /// For an `.xlsx` workbook: the sheet that holds the records (default: the first sheet).
    pub sheet: Option<String>,
    /// The row (1-based) that names the columns; the rows above it are titles.
    pub header_row: Option<usize>,
    /// A CSV's delimiter: `,`, `;` or a tab (default: the one the header row uses most).
    pub delimiter: Option<String>,
    /// `"swedish"`: date fields also take the forms Swedish registers write (`1/3 2026`, `1 mars
    /// 2026`, `20260301`); default `"iso"`, `2026-03-01` only.
    pub dates: Option<String>,
    /// Header text → field path: `"Systemnamn" = "name"`.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Field path → the register's words and their values: `lifecycle = { "I drift" =
    /// "operating" }`.
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, toml::Value>>,
}

/// A mapping file for `tillsyn import --map FILE`: the keys of a `[[sources]]` entry, `path` and
/// `kind` optional (the command line names the file, and may name the kind).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapFile {
    pub path: Option<String>,
    pub kind: Option<String>,
    pub sheet: Option<String>,
    pub header_row: Option<usize>,
    pub delimiter: Option<String>,
    pub dates: Option<String>,
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, toml::Value>>,
}

impl MapFile {
    /// Reads a mapping file; a key it does not know, a delimiter other than `,` `;` tab, or a
    /// header row below 1 is an error naming the file.
    pub fn read(path: &Path) -> Result<MapFile, String> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("{shown}: cannot read the mapping: {error}"))?;
        let map: MapFile = toml::from_str(&text).map_err(|error| {
            let lines = LineIndex::new(&text);
            let position = lines.position(error.span().map_or(0, |range| range.start));
            format!(
                "{shown}:{}:{}: {}\n  help: a mapping has the keys of a [[sources]] entry: kind, sheet, header_row, delimiter, dates, columns, values",
                position.line,
                position.column,
                error.message().trim()
            )
        })?;
        if let Some(delimiter) = &map.delimiter
            && delimiter_byte(delimiter).is_none()
        {
            return Err(format!(
                "{shown}: `delimiter` must be \",\", \";\" or \"\\t\" (a tab), not \"{delimiter}\""
            ));
        }
        if date_forms(map.dates.as_deref()).is_none() {
            return Err(format!("{shown}: {DATES_MESSAGE}"));
        }
        if map.header_row == Some(0) {
            return Err(format!(
                "{shown}: `header_row` must be the number of the row that names the columns, 1 or more"
            ));
        }
        Ok(map)
    }

    /// How the parsers read the file it maps.
    pub fn mapping(&self) -> crate::source::mapping::Mapping {
        reading(
            self.header_row,
            self.delimiter.as_deref(),
            self.dates.as_deref(),
            &self.columns,
            &self.values,
        )
    }
}

impl SourceMapping {
    /// How the parsers read the file this entry maps.
    pub fn mapping(&self) -> crate::source::mapping::Mapping {
        reading(
            self.header_row,
            self.delimiter.as_deref(),
            self.dates.as_deref(),
            &self.columns,
            &self.values,
        )
    }
}

/// The parsers' reading of a mapping's keys, for `[[sources]]` and `--map` alike.
fn reading(
    header_row: Option<usize>,
    delimiter: Option<&str>,
    dates: Option<&str>,
    columns: &BTreeMap<String, String>,
    values: &BTreeMap<String, BTreeMap<String, toml::Value>>,
) -> crate::source::mapping::Mapping {
    crate::source::mapping::Mapping {
        header_row,
        delimiter: delimiter.and_then(delimiter_byte),
        dates: date_forms(dates).unwrap_or_default(),
        impact_levels: BTreeMap::new(),
        columns: columns.clone(),
        values: values.clone(),
    }
}

/// The date forms `dates` names: `"iso"` or `"swedish"`.
fn date_forms(name: Option<&str>) -> Option<crate::source::mapping::DateForms> {
    match name {
        None | Some("iso") => Some(crate::source::mapping::DateForms::Iso),
        Some("swedish") => Some(crate::source::mapping::DateForms::Swedish),
        Some(_) => None,
    }
}

const DATES_MESSAGE: &str = "`dates` must be \"swedish\" (also 1/3 2026, 1 mars 2026, 20260301) or \"iso\" (2026-03-01 only)";

/// The byte of a delimiter tillsyn reads: `,`, `;` or a tab (`\t` or the character itself).
fn delimiter_byte(text: &str) -> Option<u8> {
    match text {
        "," => Some(b','),
        ";" => Some(b';'),
        "\t" | "\\t" | "tab" => Some(b'\t'),
        _ => None,
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    pub max_file_bytes: Option<u64>,
    pub max_depth: Option<usize>,
    pub yaml_alias_nodes: Option<usize>,
    pub records_per_file: Option<usize>,
    pub findings_per_rule_per_file: Option<usize>,
    /// The steps the rules may take together in one run; see [`Config::rule_steps`].
    pub rule_steps: Option<u64>,
}

impl Config {
    pub fn limits(&self) -> Limits {
        let defaults = Limits::default();
        Limits {
            max_file_bytes: self
                .limits
                .max_file_bytes
                .unwrap_or(defaults.max_file_bytes),
            max_depth: self.limits.max_depth.unwrap_or(defaults.max_depth),
            yaml_alias_nodes: self
                .limits
                .yaml_alias_nodes
                .unwrap_or(defaults.yaml_alias_nodes),
            records_per_file: self
                .limits
                .records_per_file
                .unwrap_or(defaults.records_per_file),
            findings_per_rule_per_file: self
                .limits
                .findings_per_rule_per_file
                .unwrap_or(defaults.findings_per_rule_per_file),
        }
    }

    /// The steps the rules may take together in one run: `[limits] rule_steps`, by default
    /// [`crate::engine::RUN_STEPS`], and never more than [`crate::engine::MOST_RUN_STEPS`]
    /// whatever the tree's configuration says.
    pub fn rule_steps(&self) -> u64 {
        self.limits
            .rule_steps
            .unwrap_or(crate::engine::RUN_STEPS)
            .min(crate::engine::MOST_RUN_STEPS)
    }

    /// `[followup] maintainer`, with where it is written.
    pub fn maintainer(&self) -> Option<crate::followup::Maintainer<'_>> {
        self.followup
            .maintainer
            .as_deref()
            .map(|id| crate::followup::Maintainer {
                id,
                location: &self.maintainer_location,
            })
    }

    /// Whether discovery honours the tree's `.gitignore` and `.ignore` files.
    pub fn respects_gitignore(&self) -> bool {
        self.respect_gitignore.unwrap_or(true)
    }

    pub fn ledger_path(&self) -> &str {
        self.ledger.as_deref().unwrap_or(DEFAULT_LEDGER)
    }
}

/// A configuration that cannot be used, with the place to fix it.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}{}", hint.as_ref().map(|hint| format!("\n  help: {hint}")).unwrap_or_default())]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

const TOP_KEYS: &[&str] = &[
    "exclude",
    "respect_gitignore",
    "rule_paths",
    "select",
    "ignore",
    "ledger",
    "sources",
    "params",
    "severity",
    "limits",
    "followup",
];
const FOLLOWUP_KEYS: &[&str] = &["maintainer"];

/// Whether a path that tillsyn.toml names stays inside the root as written: relative, and never
/// climbing above where it starts (`a/../b` does, `../b` and `/etc/passwd` do not). Links are
/// judged where the path is opened.
pub fn stays_inside(path: &str) -> bool {
    let path = Path::new(path);
    let mut depth: usize = 0;
    for component in path.components() {
        match component {
            std::path::Component::Normal(_) => depth += 1,
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => match depth.checked_sub(1) {
                Some(up) => depth = up,
                None => return false,
            },
            std::path::Component::RootDir | std::path::Component::Prefix(_) => return false,
        }
    }
    true
}

/// What `[[sources]]` reads, for the help line of its errors.
pub const SOURCES_HELP: &str = "[[sources]] maps CSV (.csv) and Excel (.xlsx) registers, or TOML, YAML, JSON and Markdown files without a `kind`, to a kind; with `format` it reads a DCAT catalogue (dcat: .ttl, .rdf, .jsonld), an OSCAL document (oscal) or a fides manifest (fides)";

fn importer_names() -> String {
    crate::source::Format::importer_names()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
const SOURCE_KEYS: &[&str] = &[
    "path",
    "kind",
    "format",
    "sheet",
    "header_row",
    "delimiter",
    "dates",
    "columns",
    "values",
];
const LIMIT_KEYS: &[&str] = &[
    "max_file_bytes",
    "max_depth",
    "yaml_alias_nodes",
    "records_per_file",
    "findings_per_rule_per_file",
    "rule_steps",
];

/// The root of a run given no ROOT, found as cargo finds `Cargo.toml`: the nearest directory at
/// or above `start` (the current directory) that holds `tillsyn.toml`, as the number of levels
/// above `start`. The search stops at the top of a repository (a directory holding `.git`, a
/// directory or a worktree's file): a `tillsyn.toml` above it belongs to another tree. `None`
/// when there is none, and the current directory is the root.
pub fn find_root_above(start: &Path) -> Option<usize> {
    for (levels, directory) in start.ancestors().enumerate() {
        if directory.join(FILE_NAME).is_file() {
            return Some(levels);
        }
        if std::fs::symlink_metadata(directory.join(".git")).is_ok() {
            return None;
        }
    }
    None
}

/// Reads the configuration: `explicit` when given (it must exist), else `ROOT/tillsyn.toml` when
/// present, else the defaults. `known_kinds` checks the kinds that `[[sources]]` names.
pub fn load(
    root: &Path,
    explicit: Option<&Path>,
    known_kinds: &[&str],
) -> Result<Config, ConfigError> {
    let path: PathBuf = match explicit {
        Some(path) => path.to_path_buf(),
        None => {
            let path = root.join(FILE_NAME);
            let Ok(metadata) = std::fs::symlink_metadata(&path) else {
                return Ok(Config::default());
            };
            // The tree's own configuration is the tree's file: a link could make a run read
            // (and show in an error) a file from elsewhere. `--config` may name any file.
            if metadata.file_type().is_symlink() {
                return Err(ConfigError {
                    file: path.display().to_string(),
                    line: 1,
                    column: 1,
                    message: "tillsyn.toml is a link, which tillsyn does not follow".to_string(),
                    hint: Some(
                        "keep the configuration in the tree as a file of its own, or name it with --config FILE"
                            .to_string(),
                    ),
                });
            }
            path
        }
    };
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|error| ConfigError {
        file: shown.clone(),
        line: 1,
        column: 1,
        message: format!("cannot read the configuration: {error}"),
        hint: explicit
            .is_some()
            .then(|| "check the path given to --config".to_string()),
    })?;
    parse(&shown, &text, known_kinds)
}

pub fn parse(file: &str, text: &str, known_kinds: &[&str]) -> Result<Config, ConfigError> {
    let lines = LineIndex::new(text);
    let error_at = |span: Span, message: String, hint: Option<String>| {
        let position = lines.position(span.start());
        ConfigError {
            file: file.to_string(),
            line: position.line,
            column: position.column,
            message,
            hint,
        }
    };
    let tree = crate::source::toml::parse(text, &Limits::default())
        .map_err(|error| error_at(error.span, error.message, error.hint))?;
    check_keys(&tree, TOP_KEYS, "", &error_at)?;
    // tillsyn.toml is part of the checked tree, which in CI is a contributor's: what it names
    // must stay inside the root (the command line may name anything).
    let named_paths = tree
        .get("ledger")
        .into_iter()
        .map(|node| ("ledger", node))
        .chain(
            tree.get("rule_paths")
                .and_then(|node| match &node.value {
                    Value::Sequence(items) => Some(items.iter()),
                    _ => None,
                })
                .into_iter()
                .flatten()
                .map(|node| ("rule_paths", node)),
        )
        .chain(
            tree.get("sources")
                .and_then(|node| match &node.value {
                    Value::Sequence(items) => Some(items.iter()),
                    _ => None,
                })
                .into_iter()
                .flatten()
                .filter_map(|source| source.get("path"))
                .map(|node| ("[[sources]] path", node)),
        );
    for (key, node) in named_paths {
        if let Some(path) = node.as_str()
            && !stays_inside(path)
        {
            return Err(error_at(
                node.span(),
                format!("{key} `{path}` leads out of the checked root"),
                Some(
                    "give a path relative to the root, without `..` above it; what tillsyn.toml names stays inside the tree it belongs to (a ledger elsewhere is given on the command line with --ledger PATH)"
                        .to_string(),
                ),
            ));
        }
    }
    let mut source_locations = Vec::new();
    if let Some(Value::Sequence(sources)) = tree.get("sources").map(|node| &node.value) {
        for source in sources {
            check_keys(source, SOURCE_KEYS, "[[sources]] ", &error_at)?;
            let path_span = source.get("path").map_or(source.span(), Node::span);
            let position = lines.position(path_span.start());
            source_locations.push(format!("{file}:{}:{}", position.line, position.column));
            if let Some(path) = source.get("path").and_then(Node::as_str)
                && let Some(extension) = literal_extension(path)
                && crate::source::Format::from_extension(extension).is_none()
            {
                return Err(error_at(
                    path_span,
                    format!("`{path}`: tillsyn cannot read .{extension} files"),
                    Some(SOURCES_HELP.to_string()),
                ));
            }
            let format = source.get("format");
            let importer = match format {
                None => source
                    .get("path")
                    .and_then(Node::as_str)
                    .and_then(literal_extension)
                    .and_then(crate::source::Format::from_extension)
                    .filter(|format| format.is_imported()),
                Some(format) => {
                    let name = format.as_str().unwrap_or_default();
                    let Some(importer) = crate::source::Format::from_name(name) else {
                        return Err(error_at(
                            format.span(),
                            format!("`format` must be one of {}, not `{name}`", importer_names()),
                            Some(
                                did_you_mean(name, crate::source::Format::importer_names())
                                    .unwrap_or_else(|| {
                                        "leave `format` out for CSV, Excel and tillsyn's own files"
                                            .to_string()
                                    }),
                            ),
                        ));
                    };
                    Some(importer)
                }
            };
            if let Some(importer) = importer {
                let name = importer.name();
                // What maps a table's rows and cells means nothing to another tool's format.
                let table_keys = SOURCE_KEYS
                    .iter()
                    .filter(|key| !matches!(**key, "path" | "kind" | "format"));
                for &key in table_keys {
                    if let Some(entry) = source.entry(key) {
                        return Err(error_at(
                            entry.key_span(),
                            format!(
                                "`{key}` does not apply to a `{name}` source, which is read by its own format"
                            ),
                            Some(format!(
                                "remove `{key}`; it maps the columns of a CSV or Excel register"
                            )),
                        ));
                    }
                }
                if let Some(kind) = source.get("kind")
                    && let Some(given) = kind.as_str()
                    && !importer.imported_kinds().contains(&given)
                {
                    return Err(error_at(
                        kind.span(),
                        format!(
                            "a `{name}` source gives {} records, not `{given}`",
                            importer.imported_kinds().join(" and ")
                        ),
                        Some("remove `kind`: the format says what its records are".to_string()),
                    ));
                }
            } else if source.get("kind").is_none() {
                return Err(error_at(
                    source.span(),
                    "a [[sources]] entry needs `kind`, the kind of the records it maps".to_string(),
                    Some(format!(
                        "add e.g. kind = \"system\", or `format` ({}) for another tool's file",
                        importer_names()
                    )),
                ));
            }
            if let Some(kind) = source.get("kind")
                && let Some(name) = kind.as_str()
                && !known_kinds.contains(&name)
            {
                return Err(error_at(
                    kind.span(),
                    format!("`{name}` is not a known kind"),
                    Some(
                        did_you_mean(name, known_kinds.iter().copied())
                            .unwrap_or_else(|| "`tillsyn schema list` lists the kinds".to_string()),
                    ),
                ));
            }
            if let Some(delimiter) = source.get("delimiter")
                && delimiter.as_str().and_then(delimiter_byte).is_none()
            {
                return Err(error_at(
                    delimiter.span(),
                    "`delimiter` must be \",\", \";\" or \"\\t\" (a tab)".to_string(),
                    Some("leave it out to use the one the header row uses most".to_string()),
                ));
            }
            if let Some(dates) = source.get("dates")
                && date_forms(Some(dates.as_str().unwrap_or_default())).is_none()
            {
                return Err(error_at(dates.span(), DATES_MESSAGE.to_string(), None));
            }
            if let Some(header_row) = source.get("header_row")
                && !matches!(header_row.value, Value::Integer(row) if row >= 1)
            {
                return Err(error_at(
                    header_row.span(),
                    "`header_row` must be the number of the row that names the columns, 1 or more"
                        .to_string(),
                    None,
                ));
            }
            if let Some(sheet) = source.get("sheet")
                && let Some(path) = source.get("path").and_then(Node::as_str)
                && !path.to_ascii_lowercase().ends_with(".xlsx")
            {
                return Err(error_at(
                    sheet.span(),
                    format!(
                        "`sheet` applies to Excel workbooks, but `{path}` does not end in .xlsx"
                    ),
                    Some("remove `sheet`, or point `path` at the .xlsx file".to_string()),
                ));
            }
        }
    }
    if let Some(limits) = tree.get("limits") {
        check_keys(limits, LIMIT_KEYS, "[limits] ", &error_at)?;
    }
    let mut maintainer_location = String::new();
    if let Some(followup) = tree.get("followup") {
        check_keys(followup, FOLLOWUP_KEYS, "[followup] ", &error_at)?;
        if let Some(maintainer) = followup.get("maintainer") {
            let position = lines.position(maintainer.span().start());
            maintainer_location = format!("{file}:{}:{}", position.line, position.column);
        }
    }
    let mut config: Config = toml::from_str(text).map_err(|error| {
        let span = error
            .span()
            .map_or(Span::at(0), |range| Span::new(range.start, range.end));
        error_at(span, error.message().trim().to_string(), None)
    })?;
    config.maintainer_location = maintainer_location;
    config.source_locations = source_locations;
    for pattern in config
        .exclude
        .iter()
        .chain(config.sources.iter().map(|source| &source.path))
    {
        if let Err(error) = globset::Glob::new(pattern) {
            let span = find_string(&tree, pattern).unwrap_or(Span::at(0));
            return Err(error_at(
                span,
                format!("`{pattern}` is not a valid glob: {}", error.kind()),
                None,
            ));
        }
    }
    Ok(config)
}

/// The extension a path or glob names literally (`registers/catalog.rdf`, `data/*.rdf`), or
/// `None` when its last part has none or a wildcard stands in it (`data/*`, `a.{csv,xlsx}`).
fn literal_extension(path: &str) -> Option<&str> {
    let name = path.rsplit('/').next()?;
    let (_, extension) = name.rsplit_once('.')?;
    let literal = !extension.is_empty() && extension.chars().all(|c| c.is_ascii_alphanumeric());
    literal.then_some(extension)
}

fn check_keys(
    table: &Node,
    known: &[&str],
    section: &str,
    error_at: &dyn Fn(Span, String, Option<String>) -> ConfigError,
) -> Result<(), ConfigError> {
    for entry in table.entries().unwrap_or_default() {
        if !known.contains(&entry.key.as_ref()) {
            let hint = did_you_mean(&entry.key, known.iter().copied())
                .unwrap_or_else(|| format!("the known keys are: {}", known.join(", ")));
            return Err(error_at(
                entry.key_span(),
                format!("unknown {section}key `{}` in tillsyn.toml", entry.key),
                Some(hint),
            ));
        }
    }
    Ok(())
}

fn find_string(node: &Node, wanted: &str) -> Option<Span> {
    match &node.value {
        Value::String(text) if **text == *wanted => Some(node.span()),
        Value::Sequence(items) => items.iter().find_map(|item| find_string(item, wanted)),
        Value::Map(entries) => entries
            .iter()
            .find_map(|entry| find_string(&entry.value, wanted)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trees_rule_steps_may_lower_the_run_budget_but_not_raise_it_past_the_ceiling() {
        let steps = |text: &str| parse("tillsyn.toml", text, &[]).unwrap().rule_steps();
        assert_eq!(steps(""), crate::engine::RUN_STEPS);
        assert_eq!(steps("[limits]\nrule_steps = 1000\n"), 1000);
        assert_eq!(
            steps("[limits]\nrule_steps = 100000000000\n"),
            crate::engine::MOST_RUN_STEPS
        );
    }

    #[test]
    fn an_unknown_key_is_named_with_its_position_and_a_suggestion() {
        let error = parse("tillsyn.toml", "exclude = []\nexlude = [\"a\"]\n", &[])
            .err()
            .unwrap();
        assert_eq!((error.line, error.column), (2, 1));
        assert!(error.message.contains("`exlude`"));
        assert_eq!(error.hint.as_deref(), Some("did you mean `exclude`?"));
    }

    #[test]
    fn sources_must_name_a_known_kind() {
        let text = "[[sources]]\npath = \"a.csv\"\nkind = \"suplier\"\n";
        let error = parse("tillsyn.toml", text, &["supplier"]).err().unwrap();
        assert_eq!((error.line, error.column), (3, 8));
        assert_eq!(error.hint.as_deref(), Some("did you mean `supplier`?"));
    }

    #[test]
    fn a_full_configuration_reads() {
        let text = r#"
exclude = ["drafts/**"]
rule_paths = ["policy-rules"]
select = ["ALL"]
ignore = ["PFL004"]
ledger = "ledger.json"
[[sources]]
path = "registers/*.csv"
kind = "system"
[params]
doc_review = "P12M"
[severity]
OWN005 = "medium"
[limits]
max_depth = 10
"#;
        let config = parse("tillsyn.toml", text, &["system"]).unwrap();
        assert_eq!(config.sources[0].kind.as_deref(), Some("system"));
        assert_eq!(config.limits().max_depth, 10);
        assert_eq!(config.ledger_path(), "ledger.json");
    }
}
