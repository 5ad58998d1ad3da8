//! The outcome of a run: what the formats lay out, as plain data. It knows no stage — the run
//! (`check`) fills it in, and a renderer reads it with the finding types, the message catalogue
//! ([`crate::lang`]) and the shared views ([`crate::views`]), never the rules, the schemas, the
//! sources or the run itself.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::finding::{Finding, RuleId, Severity, State, Summary};

/// What a check found, and how much it read: everything a format lays out.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub as_of: Date,
    pub files: usize,
    pub records: usize,
    /// Paths found but not read or holding nothing for tillsyn, with why, in path order (`-v`).
    pub skipped: Vec<(String, &'static str)>,
    pub findings: Vec<Finding>,
    /// The findings left out of `findings` by the cap `findings_per_rule_per_file`, counted per
    /// rule and file, in (rule, file) order. They count in [`Outcome::summary`] and the exit
    /// code as the listed ones do.
    pub unlisted: Vec<Unlisted>,
    /// The development portfolio, for the reports' portfolio-balance chart.
    pub portfolio: Portfolio,
    /// The rules this run reported on, graded as this run grades them: the selected built-in
    /// rules, then the selected rules of the packs in pack order.
    pub rules: Vec<RuleInfo>,
    /// Per selected rule: how many records (files, references, groups) it judged.
    pub evaluated: std::collections::BTreeMap<String, usize>,
    /// The rules' work count: the steps they took, for benchmarks.
    pub rule_work: u64,
    /// How long each stage took, in pipeline order (for benchmarks and `--timings`).
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// The runs the ledger had recorded before this one, oldest first (the report's trend).
    pub history: Vec<Run>,
    /// This run against the ledger it started from.
    pub baseline: Baseline,
    /// What the readers had to assume, in file order (a CSV read as Windows-1252): for standard
    /// error, never for the findings.
    pub notes: Vec<String>,
    /// What `followup --owner` may name: person ids and names, role assignment ids and titles,
    /// unit ids and names, sorted.
    pub owners: Vec<String>,
}

/// The findings of one rule in one file beyond the cap `findings_per_rule_per_file`: not
/// listed, so that a broken register cannot bury everything else, but counted — never dropped
/// silently — and followed up as the listed ones are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unlisted {
    pub rule: RuleId,
    /// The rule's title (in English), for a count of a rule none of whose findings is listed.
    pub title: String,
    pub file: String,
    /// How many were left out.
    pub count: usize,
    /// The cap, `findings_per_rule_per_file`.
    pub limit: usize,
    /// Them per severity; accepted ones only under `accepted`.
    pub summary: Summary,
    /// The new ones among them (new, or back after being resolved), per severity.
    pub new: Summary,
    /// The accepted ones among them, per severity (for `--statistics`).
    pub accepted: Summary,
    /// How many of them are past their due date.
    pub overdue: usize,
}

impl Outcome {
    /// The run's counts per severity: the listed findings and the unlisted ones.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::of(&self.findings);
        for unlisted in &self.unlisted {
            summary.add(&unlisted.summary);
        }
        summary
    }

    /// The findings past their due date, listed or not.
    pub fn overdue(&self) -> usize {
        let listed = self
            .findings
            .iter()
            .filter(|finding| finding.state == State::Overdue)
            .count();
        listed
            + self
                .unlisted
                .iter()
                .map(|unlisted| unlisted.overdue)
                .sum::<usize>()
    }

    /// Keeps only the findings the ledger did not know as open (new, or back after being
    /// resolved), listed or not: what `--new-only` gives a machine.
    pub fn keep_new_only(&mut self) {
        self.findings
            .retain(|finding| matches!(finding.state, State::New | State::Reopened));
        for unlisted in &mut self.unlisted {
            unlisted.count = unlisted.new.open();
            unlisted.summary = unlisted.new;
            unlisted.accepted = Summary::default();
            unlisted.overdue = 0;
        }
        self.unlisted.retain(|unlisted| unlisted.count > 0);
    }
}

/// A rule as the reports describe it: built-in or from a pack, with its severity after
/// re-grading, and its Swedish words where it has them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: RuleId,
    pub title: String,
    pub severity: Severity,
    pub rationale: String,
    pub remediation: String,
    pub references: Vec<String>,
    /// The title in Swedish, when the rule has one.
    pub title_sv: Option<String>,
    /// The remediation in Swedish, when the rule has one.
    pub remediation_sv: Option<String>,
}

/// This run against the ledger it started from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    /// The day of the ledger's latest earlier run, if it has one.
    pub since: Option<String>,
    /// Findings the ledger did not know as open: new, or back after being resolved.
    pub new: usize,
    /// Findings the ledger knew, still open (accepted ones not counted).
    pub still_open: usize,
    /// Ledger entries this run resolved.
    pub resolved: usize,
    /// Ledger entries this run did not judge, left as they were.
    pub not_judged: usize,
}

/// What one run found — counts per severity (of findings not accepted) and per state — and what
/// it looked at, so that a reader can tell a partial run from a full one. The ledger keeps one
/// per run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Run {
    pub as_of: String,
    /// Ledger entries the run left as they were: their rule did not run, or their record was
    /// not read.
    #[serde(default)]
    pub not_judged: usize,
    /// A digest of the ids of the rules that ran: runs with the same digest ran the same rules
    /// and can be compared (the ratchet does). Empty in a version 1 ledger.
    #[serde(default)]
    pub rule_set: String,
    /// The rules this run knew but did not run (`--select`, `--ignore`, `select`/`ignore`).
    #[serde(default)]
    pub rules_not_run: Vec<String>,
    /// How many rules ran, built-in and from packs.
    #[serde(default)]
    pub rules_run: usize,
    pub severities: BTreeMap<String, usize>,
    pub states: BTreeMap<String, usize>,
    /// Files whose records could not be read: they did not parse, or named no known kind.
    #[serde(default)]
    pub unreadable: Vec<String>,
}

/// The development portfolio, for the reports' portfolio-balance chart.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Portfolio {
    /// The active initiatives, in repository order.
    pub initiatives: Vec<Initiative>,
    /// The param `innovation_share_target_pct`: the share of innovation the plan asks for.
    pub innovation_target_pct: Option<f64>,
}

/// One initiative of the portfolio, as the portfolio-balance chart places it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Initiative {
    pub id: String,
    pub name: String,
    pub unit: String,
    /// `efficiency` or `innovation`.
    pub orientation: String,
    /// `internal`, `external` or `both`.
    pub benefit_focus: String,
    pub phase: String,
    pub budget_sek: Option<f64>,
}
