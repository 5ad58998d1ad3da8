//! `tillsyn check` as a library call: the pipeline of DESIGN.md from discovery to findings, in one
//! direction. Rendering is the caller's.

use std::path::Path;

use jiff::civil::Date;

use crate::config::Config;
use crate::engine::evaluate;
use crate::exceptions;
use crate::finding::{self, Finding};
use crate::followup::ledger::Ledger;
use crate::followup::{Deadlines, follow_up};
use crate::progress::{Progress, Silent};
use crate::repository::Repository;
use crate::rules::RuleSet;
use crate::schema::Catalog;
use crate::source::csv::CellType;
use crate::source::{discover, parse_all};
use crate::validate::validate;

/// What a check found, and how much it read.
pub struct CheckResult {
    pub as_of: Date,
    pub files: usize,
    pub records: usize,
    /// Files read that hold nothing for tillsyn (no `kind`), in path order.
    pub skipped: Vec<String>,
    pub findings: Vec<Finding>,
    /// The development portfolio, for the reports' portfolio-balance chart.
    pub initiatives: Vec<crate::figures::Initiative>,
    /// Per selected rule: how many records (files, references, groups) it judged.
    pub evaluated: std::collections::BTreeMap<String, usize>,
    /// The rules' work count (see [`crate::engine::Evaluation::work`]).
    pub rule_work: u64,
    /// How long each stage took, in pipeline order (for benchmarks and `--timings`).
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// Why a check could not run at all (exit code 2). Problems in the data are findings instead.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{0} is not a directory that can be read")]
    Root(String),
    #[error(transparent)]
    Catalog(#[from] &'static crate::schema::CatalogError),
}

/// Runs the pipeline. `ledger` is what earlier runs remember (empty for none); it is read, not
/// changed: see [`crate::followup::reconcile`].
pub fn check(
    root: &Path,
    config: &Config,
    rules: &RuleSet,
    ledger: &Ledger,
    today: Date,
) -> Result<CheckResult, CheckError> {
    check_observed(root, config, rules, ledger, today, &Silent)
}

/// [`check`], telling `progress` how far the long stages are (for a progress bar).
pub fn check_observed(
    root: &Path,
    config: &Config,
    rules: &RuleSet,
    ledger: &Ledger,
    today: Date,
    progress: &dyn Progress,
) -> Result<CheckResult, CheckError> {
    if !root.is_dir() {
        return Err(CheckError::Root(root.display().to_string()));
    }
    let catalog = Catalog::get()?;
    let mut clock = Stopwatch::start();
    let discovery = discover::discover(root, config);
    let cell_type = |kind: &str, path: &[&str]| {
        catalog
            .kind(kind)
            .map_or(CellType::Unknown, |schema| schema.cell_type(path))
    };
    let parsed = parse_all(&discovery.files, &config.limits(), &cell_type, progress);
    let files = parsed.len();
    clock.lap("discover and parse");
    let (mut repository, mut findings) =
        Repository::build(parsed, &discovery.problems, catalog, &config.limits());
    clock.lap("repository");
    findings.extend(validate(&repository, catalog, today));
    clock.lap("validate");
    let evaluation = evaluate(&repository, rules, today, progress);
    let rule_work = evaluation.work;
    findings.extend(evaluation.findings);
    let mut evaluated = evaluation.evaluated;
    // The built-in checks judge every file, record or reference.
    evaluated.insert("PARSE001".into(), files);
    evaluated.insert("SRC001".into(), files);
    for id in ["SCH001", "XRF002"] {
        evaluated.insert(id.into(), repository.records.len());
    }
    for id in ["XRF001", "XRF003"] {
        evaluated.insert(id.into(), repository.references.len());
    }
    evaluated.insert(
        "EXC003".into(),
        repository
            .records
            .iter()
            .filter(|record| record.kind == "exception")
            .count(),
    );
    evaluated.retain(|id, _| rules.is_selected(id));
    clock.lap("rules");
    exceptions::apply(&repository, &mut findings, today);
    findings.retain(|finding| rules.is_selected(&finding.rule));
    for finding in &mut findings {
        finding.severity = rules.severity_of(&finding.rule, finding.severity);
    }
    finding::sort(&mut findings);
    cap(&mut findings, config.limits().findings_per_rule_per_file);
    follow_up(
        &repository,
        &mut findings,
        &Deadlines::from_params(&rules.values),
        ledger,
        today,
    );
    finding::sort(&mut findings);
    clock.lap("exceptions and follow-up");
    progress.finish();
    let initiatives = crate::figures::initiatives(&repository);
    let records = repository.records.len();
    let skipped = std::mem::take(&mut repository.skipped);
    // Freeing millions of nodes takes a while and nothing waits for it: a command-line run exits
    // without waiting, a long-lived caller gets the memory back a moment later. If no thread can
    // be started, the closure and the repository with it are dropped here instead.
    let freeing = std::thread::Builder::new().name("tillsyn-free".into());
    let _ = freeing.spawn(move || drop(repository));
    Ok(CheckResult {
        as_of: today,
        files,
        records,
        skipped,
        findings,
        initiatives,
        evaluated,
        rule_work,
        timings: clock.laps,
    })
}

/// Keeps at most `limit` findings of one rule in one file and summarises the rest in one finding
/// that names the cap, so that a broken register cannot bury everything else — and nothing is
/// dropped silently. `findings` must be sorted.
fn cap(findings: &mut Vec<Finding>, limit: usize) {
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut counts: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::new();
    let mut summaries: std::collections::BTreeMap<(String, String), Finding> =
        std::collections::BTreeMap::new();
    for finding in findings.drain(..) {
        let key = (finding.rule.clone(), finding.file.clone());
        let count = counts.entry(key.clone()).or_default();
        *count += 1;
        if *count <= limit {
            kept.push(finding);
            continue;
        }
        let summary = summaries.entry(key).or_insert_with(|| {
            let mut summary = finding.clone();
            summary.kind = None;
            summary.record = None;
            summary.fingerprint = finding::Identity {
                rule: &finding.rule,
                kind: "",
                record: "",
                pointer: &finding.file,
                detail: "limit findings_per_rule_per_file",
            }
            .fingerprint();
            summary
        });
        summary.severity = summary.severity.max(finding.severity);
    }
    for ((rule, file), mut summary) in summaries {
        let more = counts
            .get(&(rule.clone(), file))
            .map_or(0, |count| count - limit);
        summary.message = format!(
            "{more} more findings of {rule} in this file are not listed (limit `findings_per_rule_per_file` = {limit}); \
             fix the ones listed, or raise the limit in tillsyn.toml"
        );
        summary.localized_message = Some(format!(
            "ytterligare {more} fynd av {rule} i den här filen listas inte (gränsen `findings_per_rule_per_file` = {limit}); \
             åtgärda de listade, eller höj gränsen i tillsyn.toml"
        ));
        kept.push(summary);
    }
    *findings = kept;
}

/// Stage timings. Wall-clock durations, never dates: no stage reads the calendar.
struct Stopwatch {
    started: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration)>,
}

impl Stopwatch {
    fn start() -> Self {
        Stopwatch {
            started: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((stage, now - self.started));
        self.started = now;
    }
}
