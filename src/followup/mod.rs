//! Follow-up: every finding gets who must act (the accountable role, resolved), when it was first
//! seen and by when it is due, its state against the ledger (new, open, reopened, overdue,
//! accepted), and, when long overdue, whom it escalates to; and the ledger is brought up to date
//! in the same step, so that one state machine decides both.

pub mod coverage;
pub mod ledger;
pub mod responsible;

use std::collections::{BTreeMap, HashSet};

use jiff::civil::Date;

pub use self::coverage::Coverage;
use self::ledger::{Entry, Ledger};
use self::responsible::Resolver;
pub use self::responsible::{Maintainer, MaintainerError};
use crate::finding::{Escalation, Finding, Responsible, Severity, State};
use crate::outcome::{Baseline, Run};
use crate::repository::Repository;

/// The params the follow-up reads: `due_in` per severity and `escalate_after`.
pub struct Deadlines {
    pub due_in: BTreeMap<Severity, jiff::Span>,
    /// None: nothing is escalated.
    pub escalate_after: Option<jiff::Span>,
}

impl Deadlines {
    /// From the rule set's params.
    pub fn of(rules: &crate::rules::RuleSet) -> Deadlines {
        Deadlines {
            due_in: rules.due_in(),
            escalate_after: rules.escalate_after(),
        }
    }

    fn due(&self, from: Date, severity: Severity) -> Option<Date> {
        let span = self.due_in.get(&severity)?;
        from.checked_add(*span).ok()
    }
}

/// What the follow-up works from, besides the run's findings.
pub struct Memory<'a> {
    /// What earlier runs remember (empty for none).
    pub ledger: &'a Ledger,
    /// What this run looked at.
    pub coverage: &'a Coverage,
    pub deadlines: &'a Deadlines,
    /// `[followup] maintainer` of `tillsyn.toml`, if it names one.
    pub maintainer: Option<Maintainer<'a>>,
    pub today: Date,
}

/// The follow-up of one run: its findings with responsible, state, due and escalation, the
/// ledger as it stands after the run, and how the run compares with what the ledger knew.
pub struct FollowedUp {
    pub findings: Vec<Finding>,
    /// Findings beyond a cap (`findings_per_rule_per_file`): followed up like the others, but
    /// not listed. Only those the ledger already knows stay in it.
    pub unlisted: Vec<Finding>,
    pub ledger: Ledger,
    pub baseline: Baseline,
    /// Who answers for findings on a whole file (a file that does not parse): the
    /// repository's maintainer.
    pub maintainer: Option<Responsible>,
}

/// The follow-up stage: every finding gets its responsible, first seen, due date, state and
/// escalation from what the ledger remembers, and the ledger is brought up to date in the same
/// step — entries of findings gone resolved only where this run looked ([`Coverage`]).
///
/// `listed` findings are reported; `unlisted` ones (beyond a cap) are followed up all the same
/// but enter the ledger only if it knew them, so that a flood does not flood the ledger either.
pub fn follow_up(
    repository: &Repository,
    listed: Vec<Finding>,
    unlisted: Vec<Finding>,
    memory: &Memory<'_>,
) -> Result<FollowedUp, MaintainerError> {
    let Memory {
        ledger: previous,
        coverage,
        deadlines,
        maintainer,
        today,
    } = *memory;
    let today_text = today.to_string();
    let resolver = Resolver::new(repository, today, maintainer)?;
    let mut ledger = Ledger {
        version: ledger::VERSION,
        findings: previous.findings.clone(),
        runs: previous.runs.clone(),
    };
    let mut baseline = Baseline {
        since: previous
            .runs
            .iter()
            .map(|run| run.as_of.as_str())
            .filter(|day| *day <= today_text.as_str())
            .max()
            .map(str::to_string),
        ..Baseline::default()
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut severities: BTreeMap<String, usize> = Severity::ALL_DESCENDING
        .into_iter()
        .map(|severity| (severity.as_str().to_string(), 0))
        .collect();
    let mut findings = listed;
    let mut unlisted = unlisted;
    for (finding, is_listed) in findings
        .iter_mut()
        .map(|finding| (finding, true))
        .chain(unlisted.iter_mut().map(|finding| (finding, false)))
    {
        let remembered = previous
            .findings
            .get(&finding.fingerprint)
            .and_then(|entry| Remembered::as_of(entry, today));
        if !is_listed && remembered.is_none() {
            // Beyond a cap and new: it enters no ledger and no list, so its responsible and
            // escalation are never read; only its state and due date count (for the cap's
            // summary and the run's counts). Most of a flood takes this path.
            finding.first_seen = Some(today);
            finding.due = deadlines.due(today, finding.severity);
            if finding.state != State::Accepted {
                finding.state = State::New;
                *severities
                    .entry(finding.severity.as_str().to_string())
                    .or_default() += 1;
                baseline.new += 1;
            }
            continue;
        }
        let reopened_on = judge(finding, remembered.as_ref(), deadlines, &resolver, today);
        seen.insert(finding.fingerprint.clone());
        if finding.state != State::Accepted {
            *severities
                .entry(finding.severity.as_str().to_string())
                .or_default() += 1;
            match finding.state {
                State::New | State::Reopened => baseline.new += 1,
                _ => baseline.still_open += 1,
            }
        }
        ledger.findings.insert(
            finding.fingerprint.clone(),
            Entry {
                due: finding.due.map(|due| due.to_string()),
                escalation: finding.escalation.clone(),
                exception: finding.exception.clone(),
                file: finding.file.clone(),
                first_seen: finding
                    .first_seen
                    .map_or_else(|| today_text.clone(), |day| day.to_string()),
                kind: finding.kind.as_deref().map(str::to_string),
                last_seen: today_text.clone(),
                line: finding.line,
                message: finding.message.clone(),
                record: finding.record.clone(),
                reopened_on: reopened_on.map(|day| day.to_string()),
                resolved_on: None,
                responsible: finding.responsible.clone(),
                rule: finding.rule.to_string(),
                severity: finding.severity,
                state: finding.state,
            },
        );
    }
    for (fingerprint, entry) in ledger.findings.iter_mut() {
        if seen.contains(fingerprint) || entry.state == State::Resolved {
            continue;
        }
        if coverage.judges(fingerprint, entry, repository) {
            entry.state = State::Resolved;
            entry.resolved_on = Some(today_text.clone());
            entry.escalation = None;
            baseline.resolved += 1;
        } else {
            baseline.not_judged += 1;
        }
    }
    let mut run = Run {
        as_of: today_text.clone(),
        not_judged: baseline.not_judged,
        rule_set: coverage.rule_set(),
        rules_not_run: coverage.rules_not_run.clone(),
        rules_run: coverage.rules_run.len(),
        severities,
        states: BTreeMap::new(),
        unreadable: coverage.unreadable(),
    };
    for entry in ledger.findings.values() {
        let resolved_today = entry.state == State::Resolved
            && entry.resolved_on.as_deref() == Some(today_text.as_str());
        if entry.state != State::Resolved || resolved_today {
            *run.states
                .entry(entry.state.as_str().to_string())
                .or_default() += 1;
        }
    }
    ledger.runs.retain(|existing| existing.as_of != today_text);
    ledger.runs.push(run);
    ledger.runs.sort_by(|a, b| a.as_of.cmp(&b.as_of));
    Ok(FollowedUp {
        findings,
        unlisted,
        ledger,
        baseline,
        maintainer: resolver.maintainer().cloned(),
    })
}

/// A ratchet for CI: the number of open findings at or above a severity may not rise above the
/// best (lowest) earlier run that ran the same rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ratchet {
    /// Open findings at or above the threshold in this run.
    pub current: usize,
    /// The best earlier run with the same rules: its count and day. `None` when the ledger has
    /// no such run (a first run, or the rules changed).
    pub best: Option<(usize, String)>,
}

impl Ratchet {
    /// This run (`current`, as the follow-up recorded it) against the earlier runs of `previous`.
    pub fn of(previous: &Ledger, current: &Run, threshold: Severity) -> Ratchet {
        let at_or_above = |run: &Run| -> usize {
            Severity::ALL_DESCENDING
                .into_iter()
                .filter(|severity| *severity >= threshold)
                .filter_map(|severity| run.severities.get(severity.as_str()))
                .sum()
        };
        let best = previous
            .runs
            .iter()
            .filter(|run| !run.rule_set.is_empty() && run.rule_set == current.rule_set)
            .filter(|run| run.as_of <= current.as_of)
            .map(|run| (at_or_above(run), run.as_of.clone()))
            // The lowest count; of equal counts, the earliest run.
            .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        Ratchet {
            current: at_or_above(current),
            best,
        }
    }

    /// Whether the count rose above the best earlier run's.
    pub fn rose(&self) -> bool {
        self.best
            .as_ref()
            .is_some_and(|(best, _)| self.current > *best)
    }
}

/// What the ledger remembers of a finding, as it stood on the as-of day: a read-only look at an
/// earlier day than the ledger's latest run sees neither what was first seen after that day
/// nor resolutions and reopenings that came later.
struct Remembered {
    first_seen: Date,
    state: State,
    reopened_on: Option<Date>,
    resolved: bool,
}

impl Remembered {
    fn as_of(entry: &Entry, today: Date) -> Option<Remembered> {
        let day = |text: Option<&str>| {
            text.and_then(|text| crate::dates::parse(text).ok())
                .filter(|day| *day <= today)
        };
        let first_seen = day(Some(&entry.first_seen))?;
        let reopened_on = day(entry.reopened_on.as_deref());
        let resolved =
            entry.state == State::Resolved && day(entry.resolved_on.as_deref()).is_some();
        Some(Remembered {
            first_seen,
            state: entry.state,
            reopened_on,
            resolved,
        })
    }
}

/// Fills in a finding's responsible, first seen, due, state and escalation from what the ledger
/// remembers of it; returns the day it was (last) reopened, if it was.
fn judge(
    finding: &mut Finding,
    remembered: Option<&Remembered>,
    deadlines: &Deadlines,
    resolver: &Resolver<'_>,
    today: Date,
) -> Option<Date> {
    finding.responsible = resolver.for_record(finding.kind.as_deref(), finding.record.as_deref());
    let accepted = finding.state == State::Accepted;
    let (first_seen, due_from, state, reopened_on) = match remembered {
        None => (today, today, State::New, None),
        Some(entry) if entry.resolved => (entry.first_seen, today, State::Reopened, Some(today)),
        Some(entry) => {
            // A finding first seen today is still new on a second run the same day.
            let state = match entry.state {
                State::New if entry.first_seen == today => State::New,
                State::Reopened if entry.reopened_on == Some(today) => State::Reopened,
                _ => State::Open,
            };
            let due_from = entry.reopened_on.unwrap_or(entry.first_seen);
            (entry.first_seen, due_from, state, entry.reopened_on)
        }
    };
    finding.first_seen = Some(first_seen);
    finding.due = deadlines.due(due_from, finding.severity);
    finding.state = if accepted { State::Accepted } else { state };
    finding.escalation = None;
    if accepted {
        return reopened_on;
    }
    let Some(due) = finding.due else {
        return reopened_on;
    };
    if due < today {
        finding.state = State::Overdue;
        let overdue_days = i64::from((today - due).get_days());
        let escalation_from = deadlines
            .escalate_after
            .map(|after| due.checked_add(after).unwrap_or(due));
        if let Some(escalation_from) = escalation_from
            && today > escalation_from
            && let Some(unit) = finding
                .responsible
                .as_ref()
                .and_then(|responsible| responsible.unit.as_deref())
            && let Some(target) = resolver.escalation_target(unit)
        {
            finding.escalation = Some(Escalation {
                overdue_days,
                unit: target,
            });
        }
    }
    reopened_on
}
