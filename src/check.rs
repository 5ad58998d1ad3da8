//! `tillsyn check` as a library call: the pipeline of DESIGN.md from discovery to findings, in one
//! direction. Rendering is the caller's.

use std::path::Path;

use jiff::civil::Date;

use crate::config::Config;
use crate::engine::evaluate;
use crate::exceptions;
use crate::finding::{self, Finding, State, Summary};
use crate::followup::ledger::Ledger;
use crate::followup::{Coverage, Deadlines, Memory, follow_up};
use crate::outcome::{Outcome, Portfolio, RuleInfo, Unlisted};
use crate::progress::{Progress, Silent};
use crate::repository::Repository;
use crate::rules::RuleSet;
use crate::schema::Catalog;
use crate::source::csv::CellType;
use crate::source::{discover, parse_all};
use crate::validate::validate;

/// A run's outcome, and the ledger as the run leaves it: written by `check --ledger`, dropped
/// otherwise.
pub struct Checked {
    pub outcome: Outcome,
    pub ledger: Ledger,
}

/// Why a check could not run at all (exit code 2). Problems in the data are findings instead.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{0} is not a directory that can be read")]
    Root(String),
    #[error(transparent)]
    Catalog(#[from] &'static crate::schema::CatalogError),
    #[error(transparent)]
    Maintainer(#[from] crate::followup::MaintainerError),
    /// A `[[sources]]` entry that matches no file, or a file tillsyn cannot read.
    #[error("{0}")]
    Sources(String),
    /// Nothing in the tree is for tillsyn: checking it would be a silent pass. `skipped` is
    /// what was found instead, with why, in path order (for `-v`).
    #[error("{message}")]
    NothingToCheck {
        message: String,
        skipped: Vec<(String, &'static str)>,
    },
    /// The rules took more than the run's step budget together: what they found so far would
    /// read as a complete check, so none of it is reported. `own_rules` are the selected rules
    /// of the tree's own packs, the likely cause (the default pack's rules are cheap).
    #[error("{}", out_of_steps(*run_steps, own_rules))]
    OutOfSteps {
        run_steps: u64,
        own_rules: Vec<String>,
        /// The steps taken before every thread stopped: a little past `run_steps`, never all
        /// the rules would have taken (not shown: it depends on the scheduling).
        taken: u64,
    },
}

fn out_of_steps(run_steps: u64, own_rules: &[String]) -> String {
    let suspects = match own_rules {
        [] => "run `tillsyn check --select RULE` on a part of the rules at a time to find the costly ones".to_string(),
        rules => format!(
            "the tree's own packs' rules ({}) are the likely cause: run `tillsyn check --select RULE` with one of them at a time to find it, and write it to read less",
            rules.join(", ")
        ),
    };
    format!(
        "the rules took more than {run_steps} steps together (limit `rule_steps`) and were stopped before every record was checked, so no finding is reported\n  help: {suspects}"
    )
}

/// What tillsyn reads, for messages about a tree where it found nothing to read.
const WHAT_IS_READ: &str = "tillsyn reads TOML, YAML, JSON and Markdown (front matter) files whose top level has `kind` \
(e.g. `kind: information_asset`), and CSV or Excel registers that tillsyn.toml's [[sources]] maps to a kind, or DCAT, OSCAL and fides files it names with `format`; \
`tillsyn init DIR` writes examples, and `-v` lists what was skipped and why";

/// Runs the pipeline. `ledger` is what earlier runs remember (empty for none); it is read, and
/// the result holds the ledger as this run leaves it, for the caller to write or not.
pub fn check(
    root: &Path,
    config: &Config,
    rules: &RuleSet,
    ledger: &Ledger,
    today: Date,
) -> Result<Checked, CheckError> {
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
) -> Result<Checked, CheckError> {
    if !root.is_dir() {
        return Err(CheckError::Root(root.display().to_string()));
    }
    let catalog = Catalog::get()?;
    let mut clock = Stopwatch::start();
    let mut discovery = discover::discover(root, config);
    sources_found(config, &discovery)?;
    // OSCAL's impact words are read through the param, known before any file is parsed.
    let impact_levels = rules.impact_levels();
    for file in &mut discovery.files {
        if file.format == crate::source::Format::Oscal {
            let mut mapping = (*file.mapping).clone();
            mapping.impact_levels.clone_from(&impact_levels);
            file.mapping = std::sync::Arc::new(mapping);
        }
    }
    let cell_type = |kind: &str, path: &[&str]| {
        catalog
            .kind(kind)
            .map_or(CellType::Unknown, |schema| schema.cell_type(path))
    };
    let parsed = parse_all(&discovery.files, &config.limits(), &cell_type, progress);
    let notes: Vec<String> = parsed.iter().filter_map(|file| file.note.clone()).collect();
    let files = parsed.len();
    clock.lap("discover and parse");
    let (mut repository, mut findings) =
        Repository::build(parsed, &discovery.problems, catalog, &config.limits());
    if findings.is_empty() && repository.files.len() == repository.skipped.len() {
        let message = nothing_to_check(root, &repository.skipped, discovery.skipped.len());
        let mut skipped: Vec<(String, &'static str)> = std::mem::take(&mut repository.skipped)
            .into_iter()
            .chain(discovery.skipped)
            .collect();
        skipped.sort();
        return Err(CheckError::NothingToCheck { message, skipped });
    }
    clock.lap("repository");
    let validation = validate(&repository, catalog, today, &|rule| rules.is_selected(rule));
    findings.extend(validation.findings);
    let defective = validation.defective;
    repository.withhold(validation.withheld);
    clock.lap("validate");
    let run_steps = config.rule_steps();
    let evaluation = evaluate(&repository, rules, today, run_steps, &defective, progress);
    if evaluation.out_of_steps {
        return Err(CheckError::OutOfSteps {
            run_steps,
            own_rules: rules.own_selected_rules(),
            taken: evaluation.work,
        });
    }
    let rule_work = evaluation.work;
    findings.extend(evaluation.findings);
    let mut evaluated = evaluation.evaluated;
    // The built-in checks judge every file, record or reference.
    evaluated.insert("PARSE001".into(), files);
    evaluated.insert("SRC001".into(), files);
    for id in ["SCH001", "XRF002", "XRF004"] {
        evaluated.insert(id.into(), repository.records.len());
    }
    let documents = repository
        .records
        .iter()
        .filter(|record| record.kind == "governing_document")
        .count();
    evaluated.insert(crate::builtin::DOC001.id.into(), documents);
    for id in ["XRF001", "XRF003"] {
        evaluated.insert(id.into(), repository.references.len());
    }
    let exceptions = repository
        .records
        .iter()
        .filter(|record| record.kind == "exception")
        .count();
    for id in ["EXC003", "EXC005"] {
        evaluated.insert(id.into(), exceptions);
    }
    evaluated.retain(|id, _| rules.is_selected(id));
    clock.lap("rules");
    let mut coverage = Coverage::new(
        &repository,
        rules.known_ids(),
        rules.selected_ids(),
        discovery
            .problems
            .iter()
            .map(|problem| problem.path.as_str()),
    );
    coverage.unjudged.extend(validation.unjudged);
    exceptions::apply(&repository, &mut findings, today, rules, &mut coverage);
    findings.retain(|finding| rules.is_selected(&finding.rule));
    for finding in &mut findings {
        finding.severity = rules.severity_of(&finding.rule, finding.severity);
    }
    finding::sort(&mut findings);
    let limit = config.limits().findings_per_rule_per_file;
    let (listed, unlisted) = cap(findings, limit);
    let deadlines = Deadlines::of(rules);
    let memory = Memory {
        ledger,
        coverage: &coverage,
        deadlines: &deadlines,
        maintainer: config.maintainer(),
        today,
    };
    let followed = follow_up(&repository, listed, unlisted, &memory)?;
    let mut findings = followed.findings;
    finding::sort(&mut findings);
    let counted = count_unlisted(&followed.unlisted, limit);
    // The counts stand for them from here on; freed with the repository, off the main path.
    let unlisted = followed.unlisted;
    clock.lap("exceptions and follow-up");
    progress.finish();
    let portfolio = Portfolio {
        initiatives: crate::figures::initiatives(&repository),
        innovation_target_pct: rules.innovation_share_target_pct(),
    };
    let owners = crate::followup::responsible::owner_names(&repository);
    let records = repository.records.len();
    let mut skipped: Vec<(String, &'static str)> = std::mem::take(&mut repository.skipped)
        .into_iter()
        .chain(discovery.skipped)
        .collect();
    skipped.sort();
    // Freeing millions of nodes takes a while and nothing waits for it: a command-line run exits
    // without waiting, a long-lived caller gets the memory back a moment later. If no thread can
    // be started, the closure and the repository with it are dropped here instead.
    let freeing = std::thread::Builder::new().name("tillsyn-free".into());
    let _ = freeing.spawn(move || drop((repository, unlisted)));
    let outcome = Outcome {
        as_of: today,
        files,
        records,
        skipped,
        rules: catalogue(rules, &findings),
        findings,
        unlisted: counted,
        portfolio,
        evaluated,
        rule_work,
        timings: clock.laps,
        history: ledger.runs.clone(),
        baseline: followed.baseline,
        notes,
        owners,
    };
    Ok(Checked {
        outcome,
        ledger: followed.ledger,
    })
}

/// The rules the run reports on, as graded: the selected ones, then (should one ever be missing)
/// any rule that has a finding.
fn catalogue(rules: &RuleSet, findings: &[Finding]) -> Vec<RuleInfo> {
    let mut catalogue = rules.catalogue();
    let missing: Vec<&Finding> = {
        let mut known: std::collections::HashSet<&str> =
            catalogue.iter().map(|rule| rule.id.as_str()).collect();
        findings
            .iter()
            .filter(|finding| known.insert(finding.rule.as_str()))
            .collect()
    };
    catalogue.extend(missing.into_iter().map(|finding| RuleInfo {
        id: finding.rule.clone(),
        title: finding.title.clone(),
        severity: finding.severity,
        rationale: String::new(),
        remediation: finding.remediation.clone(),
        references: finding.references.clone(),
        title_sv: None,
        remediation_sv: None,
    }));
    catalogue
}

/// Refuses a `[[sources]]` entry that matched no file, or matched one tillsyn cannot read: its
/// register would be left out without a word.
fn sources_found(config: &Config, discovery: &discover::Discovery) -> Result<(), CheckError> {
    let location = |position: usize| {
        config
            .source_locations
            .get(position)
            .cloned()
            .unwrap_or_else(|| crate::config::FILE_NAME.to_string())
    };
    if let Some((position, file)) = discovery.unreadable_sources.first() {
        return Err(CheckError::Sources(format!(
            "{}: [[sources]] path matches `{file}`, which tillsyn cannot read\n  help: {}",
            location(*position),
            crate::config::SOURCES_HELP
        )));
    }
    if let Some(position) = discovery.unmatched_sources.first() {
        let path = config
            .sources
            .get(*position)
            .map_or("", |source| source.path.as_str());
        return Err(CheckError::Sources(format!(
            "{}: [[sources]] path `{path}` matches no file, so its register would not be checked\n  \
             help: give the path relative to the root with `/` between folders (globs like `registers/*.csv` work), or remove the entry",
            location(*position)
        )));
    }
    Ok(())
}

/// What a tree without a tillsyn file holds, in words.
fn nothing_to_check(root: &Path, without_kind: &[(String, &str)], not_read: usize) -> String {
    let shown: Vec<&str> = without_kind
        .iter()
        .take(3)
        .map(|(path, _)| path.as_str())
        .collect();
    let found = match without_kind.len() {
        0 => format!("no file to read ({not_read} other paths skipped)"),
        count => format!(
            "{count} file{} read ({}{}), none with a top-level `kind` of tillsyn's, and {not_read} other paths skipped",
            if count == 1 { "" } else { "s" },
            shown.join(", "),
            if count > shown.len() { ", …" } else { "" }
        ),
    };
    format!(
        "{}: nothing here for tillsyn: {found}\n  help: {WHAT_IS_READ}",
        root.display()
    )
}

/// Splits sorted findings into those listed — at most `limit` of one rule in one file, so that a
/// broken register cannot bury everything else — and the rest, which are followed up all the
/// same and counted by [`count_unlisted`]: nothing is dropped silently.
fn cap(findings: Vec<Finding>, limit: usize) -> (Vec<Finding>, Vec<Finding>) {
    // Decided first with borrowed keys: a flood is a million findings, and a key of two owned
    // strings each would be two million allocations.
    let listed_flags: Vec<bool> = {
        let mut counts: std::collections::HashMap<(&str, &str), usize> =
            std::collections::HashMap::new();
        findings
            .iter()
            .map(|finding| {
                let count = counts
                    .entry((finding.rule.as_str(), finding.file.as_str()))
                    .or_default();
                *count += 1;
                *count <= limit
            })
            .collect()
    };
    // Into two lists of exactly the size needed: a flood grown by doubling would hold the
    // findings three times over at the run's peak of memory.
    let unlisted_count = listed_flags.iter().filter(|listed| !**listed).count();
    let mut listed = Vec::with_capacity(findings.len() - unlisted_count);
    let mut unlisted = Vec::with_capacity(unlisted_count);
    for (finding, is_listed) in findings.into_iter().zip(listed_flags) {
        if is_listed {
            listed.push(finding);
        } else {
            unlisted.push(finding);
        }
    }
    (listed, unlisted)
}

/// The findings left unlisted by the cap, counted per rule and file in (rule, file) order: the
/// counts, never copies, since a flood is a million findings.
fn count_unlisted(unlisted: &[Finding], limit: usize) -> Vec<Unlisted> {
    let mut counts: std::collections::BTreeMap<(&str, &str), Unlisted> =
        std::collections::BTreeMap::new();
    for finding in unlisted {
        let entry = counts
            .entry((finding.rule.as_str(), finding.file.as_str()))
            .or_insert_with(|| Unlisted {
                rule: finding.rule.clone(),
                title: finding.title.clone(),
                file: finding.file.clone(),
                count: 0,
                limit,
                summary: Summary::default(),
                new: Summary::default(),
                accepted: Summary::default(),
                overdue: 0,
            });
        entry.count += 1;
        entry.summary.tally(finding);
        match finding.state {
            State::New | State::Reopened => entry.new.tally(finding),
            State::Overdue => entry.overdue += 1,
            State::Accepted => *entry.accepted.count_mut(finding.severity) += 1,
            State::Open | State::Resolved => {}
        }
    }
    counts.into_values().collect()
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
