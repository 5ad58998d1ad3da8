//! `tillsyn rules test`: rule test cases in the manner of `opa test` and `kyverno test`. A test
//! file (YAML) holds a small repository inline and the findings each case must and must not yield:
//!
//! ```yaml
//! rule: OWN001
//! as_of: 2026-11-27            # the default for every case
//! files:                       # shared by every case; a case's file of the same name replaces it
//!   units.yaml: |
//!     kind: org_unit
//!     …
//! cases:
//!   - name: an asset without an owner is a finding
//!     files:
//!       assets.yaml: |
//!         …
//!     expect:
//!       - { rule: OWN001, record: IA-1, severity: critical }
//!   - name: an asset with an owner passes
//!     files: { … }
//!     absent:
//!       - { rule: OWN001 }
//! ```
//!
//! Each case is written to a temporary directory (never into the tree) and checked with the
//! default packs, the packs named by `rule_paths` (relative to the test file) and the case's
//! `config` (a tillsyn.toml text).
//!
//! Indexing here is by keys this module inserted just before, never by data from outside.
#![allow(clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::{self, Config};
use crate::finding::Finding;
use crate::rules::{RuleSet, Selection};
use crate::source::Limits;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    pub rule: Option<String>,
    pub as_of: Option<String>,
    #[serde(default)]
    pub rule_paths: Vec<String>,
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    pub config: Option<String>,
    pub cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    pub as_of: Option<String>,
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    pub config: Option<String>,
    #[serde(default)]
    pub expect: Vec<Expectation>,
    #[serde(default)]
    pub absent: Vec<Expectation>,
}

/// A finding to look for: every given field must match.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    pub rule: String,
    pub record: Option<String>,
    pub kind: Option<String>,
    pub severity: Option<String>,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Text the message must contain.
    pub message: Option<String>,
}

impl Expectation {
    fn matches(&self, finding: &Finding) -> bool {
        finding.rule == self.rule
            && self
                .record
                .as_ref()
                .is_none_or(|record| finding.record.as_ref() == Some(record))
            && self
                .kind
                .as_ref()
                .is_none_or(|kind| finding.kind.as_deref() == Some(kind.as_str()))
            && self
                .severity
                .as_ref()
                .is_none_or(|severity| finding.severity.as_str() == severity)
            && self.file.as_ref().is_none_or(|file| &finding.file == file)
            && self.line.is_none_or(|line| finding.line == line)
            && self.column.is_none_or(|column| finding.column == column)
            && self
                .message
                .as_ref()
                .is_none_or(|text| finding.message.contains(text.as_str()))
    }

    fn describe(&self) -> String {
        let mut text = self.rule.clone();
        for (label, value) in [
            ("record", &self.record),
            ("kind", &self.kind),
            ("severity", &self.severity),
            ("file", &self.file),
            ("message", &self.message),
        ] {
            if let Some(value) = value {
                text.push_str(&format!(" {label}={value}"));
            }
        }
        if let Some(line) = self.line {
            text.push_str(&format!(" line={line}"));
        }
        text
    }
}

/// The outcome of one case.
pub struct CaseResult {
    pub file: String,
    pub name: String,
    pub failures: Vec<String>,
}

/// Reads every `*.yaml` test file under `dir` (sorted) and runs its cases.
pub fn run_dir(dir: &Path, filter: Option<&str>) -> Result<Vec<CaseResult>, String> {
    let mut files: Vec<PathBuf> = Vec::new();
    if dir.is_file() {
        files.push(dir.to_path_buf());
    } else if dir.is_dir() {
        for entry in walkdir::WalkDir::new(dir)
            .follow_links(false)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
            let is_yaml = entry
                .path()
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml");
            if entry.file_type().is_file() && is_yaml {
                files.push(entry.path().to_path_buf());
            }
        }
    } else {
        return Err(format!(
            "{} is no file or directory of rule tests",
            dir.display()
        ));
    }
    let mut results = Vec::new();
    for path in files {
        let shown = path
            .strip_prefix(dir)
            .ok()
            .filter(|relative| !relative.as_os_str().is_empty())
            .unwrap_or(&path)
            .display()
            .to_string();
        let test_file = read_test_file(&path)?;
        for case in &test_file.cases {
            let selected = filter.is_none_or(|filter| {
                test_file
                    .rule
                    .as_deref()
                    .is_some_and(|rule| rule.starts_with(filter))
                    || case.name.contains(filter)
            });
            if selected {
                let failures = run_case(&path, &test_file, case)?;
                results.push(CaseResult {
                    file: shown.clone(),
                    name: case.name.clone(),
                    failures,
                });
            }
        }
    }
    Ok(results)
}

pub fn read_test_file(path: &Path) -> Result<TestFile, String> {
    let shown = path.display();
    let text =
        std::fs::read_to_string(path).map_err(|error| format!("cannot read {shown}: {error}"))?;
    let tree = crate::source::yaml::parse(&text, &Limits::default()).map_err(|error| {
        let position = crate::source::span::LineIndex::new(&text).position(error.span.start());
        format!(
            "{shown}:{}:{}: {}",
            position.line, position.column, error.message
        )
    })?;
    serde_json::from_value(tree.to_json())
        .map_err(|error| format!("{shown}: not a rule test file: {error}"))
}

type RuleSetCache = std::collections::HashMap<(String, Vec<String>), std::sync::Arc<RuleSet>>;

static RULE_SETS: std::sync::LazyLock<std::sync::Mutex<RuleSetCache>> =
    std::sync::LazyLock::new(Default::default);

fn run_case(path: &Path, test_file: &TestFile, case: &Case) -> Result<Vec<String>, String> {
    let context = |message: String| format!("{} / {}: {message}", path.display(), case.name);
    let dir = tempfile::tempdir()
        .map_err(|error| context(format!("cannot create a temporary directory: {error}")))?;
    let root = dir.path();
    let mut files = test_file.files.clone();
    files.extend(case.files.clone());
    for (name, text) in &files {
        if name.contains("..") || Path::new(name).is_absolute() {
            return Err(context(format!(
                "the file name `{name}` must stay inside the case"
            )));
        }
        let target = root.join(name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|error| context(error.to_string()))?;
        }
        std::fs::write(&target, text).map_err(|error| context(error.to_string()))?;
    }
    let mut config_text = case
        .config
        .clone()
        .or_else(|| test_file.config.clone())
        .unwrap_or_default();
    let base = path.parent().unwrap_or(Path::new("."));
    let mut pack_paths = Vec::new();
    let mut pack_texts = Vec::new();
    for (index, rule_path) in test_file.rule_paths.iter().enumerate() {
        let text = std::fs::read_to_string(base.join(rule_path))
            .map_err(|error| context(format!("cannot read the pack {rule_path}: {error}")))?;
        let name = format!(
            ".packs/{index}-{}",
            Path::new(rule_path)
                .file_name()
                .and_then(|name| name.to_str())
                .unwrap_or("pack.toml")
        );
        std::fs::create_dir_all(root.join(".packs")).map_err(|error| context(error.to_string()))?;
        std::fs::write(root.join(&name), &text).map_err(|error| context(error.to_string()))?;
        pack_texts.push(text);
        pack_paths.push(name);
    }
    if !pack_paths.is_empty() {
        let list = pack_paths
            .iter()
            .map(|path| format!("{path:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        config_text = format!("rule_paths = [{list}]\n{config_text}");
    }
    std::fs::write(root.join(config::FILE_NAME), &config_text)
        .map_err(|error| context(error.to_string()))?;
    let config: Config = config::load(root, None, &crate::schema::kind_names())
        .map_err(|error| context(error.to_string()))?;
    // Compiling the packs costs more than checking a small case: cases with the same packs and
    // configuration share one rule set.
    let mut cache = RULE_SETS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let key = (config_text.clone(), pack_texts);
    if !cache.contains_key(&key) {
        let rules = RuleSet::load(root, &config, &Selection::default())
            .map_err(|error| context(error.to_string()))?;
        cache.insert(key.clone(), std::sync::Arc::new(rules));
    }
    let rules = std::sync::Arc::clone(&cache[&key]);
    drop(cache);
    let as_of = case
        .as_of
        .as_ref()
        .or(test_file.as_of.as_ref())
        .map_or("2026-11-27", String::as_str);
    let today = as_of
        .parse()
        .map_err(|error| context(format!("as_of `{as_of}`: {error}")))?;
    let result = crate::check::check(
        root,
        &config,
        &rules,
        &crate::followup::ledger::Ledger::empty(),
        today,
    )
    .map_err(|error| context(error.to_string()))?
    .outcome;
    let mut failures = Vec::new();
    for expectation in &case.expect {
        if !result
            .findings
            .iter()
            .any(|finding| expectation.matches(finding))
        {
            failures.push(format!(
                "expected {}, but it was not found",
                expectation.describe()
            ));
        }
    }
    for expectation in &case.absent {
        for finding in result
            .findings
            .iter()
            .filter(|finding| expectation.matches(finding))
        {
            failures.push(format!(
                "expected no {}, but found: {} {} at {}:{}:{}: {}",
                expectation.describe(),
                finding.rule,
                finding.record.as_deref().unwrap_or("-"),
                finding.file,
                finding.line,
                finding.column,
                finding.message
            ));
        }
    }
    if !failures.is_empty() {
        let found: Vec<String> = result
            .findings
            .iter()
            .map(|finding| {
                format!(
                    "{} {} {}:{}: {}",
                    finding.rule,
                    finding.record.as_deref().unwrap_or("-"),
                    finding.file,
                    finding.line,
                    finding.message
                )
            })
            .collect();
        failures.push(format!(
            "the case yielded: {}",
            if found.is_empty() {
                "no finding".to_string()
            } else {
                format!("\n      {}", found.join("\n      "))
            }
        ));
    }
    Ok(failures)
}
