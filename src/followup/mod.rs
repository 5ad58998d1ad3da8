//! Follow-up: every finding gets who must act (the accountable role, resolved), when it was first
//! seen and by when it is due, its state against the ledger (new, open, reopened, overdue,
//! accepted), and, when long overdue, whom it escalates to. The ledger itself is updated here too.

pub mod ledger;
pub mod responsible;

use std::collections::BTreeMap;

use jiff::civil::Date;

use self::ledger::{Entry, Ledger, Run};
use self::responsible::Resolver;
use crate::finding::{Escalation, Finding, Severity, State};
use crate::repository::Repository;

/// The params the follow-up reads: `due_in` per severity and `escalate_after`.
pub struct Deadlines {
    pub due_in: BTreeMap<Severity, jiff::Span>,
    pub escalate_after: jiff::Span,
}

impl Deadlines {
    /// From the rule set's param values; a value that is not a period means "not followed up".
    pub fn from_params(values: &BTreeMap<String, toml::Value>) -> Deadlines {
        let period = |value: Option<&toml::Value>| {
            value
                .and_then(toml::Value::as_str)
                .and_then(|text| text.parse::<jiff::Span>().ok())
        };
        let table = values.get("due_in").and_then(toml::Value::as_table);
        let due_in = Severity::ALL_DESCENDING
            .into_iter()
            .filter_map(|severity| {
                period(table.and_then(|table| table.get(severity.as_str())))
                    .map(|span| (severity, span))
            })
            .collect();
        let escalate_after =
            period(values.get("escalate_after")).unwrap_or_else(|| jiff::Span::new().days(30));
        Deadlines {
            due_in,
            escalate_after,
        }
    }

    fn due(&self, from: Date, severity: Severity) -> Option<String> {
        let span = self.due_in.get(&severity)?;
        from.checked_add(*span).ok().map(|date| date.to_string())
    }
}

/// Fills in responsible, first seen, due, state and escalation of every finding, against what
/// the ledger remembers.
pub fn follow_up(
    repository: &Repository,
    findings: &mut [Finding],
    deadlines: &Deadlines,
    ledger: &Ledger,
    today: Date,
) {
    let resolver = Resolver::new(repository, today);
    for finding in findings.iter_mut() {
        finding.responsible =
            resolver.for_record(finding.kind.as_deref(), finding.record.as_deref());
        let accepted = finding.state == State::Accepted;
        let (first_seen, due_from, state) = match ledger.findings.get(&finding.fingerprint) {
            None => (today, today, State::New),
            Some(entry) => {
                let first_seen = entry.first_seen.parse().unwrap_or(today);
                if entry.state == State::Resolved {
                    (first_seen, today, State::Reopened)
                } else {
                    let reopened = entry
                        .reopened_on
                        .as_deref()
                        .and_then(|date| date.parse().ok());
                    // A finding first seen today is still new on a second run the same day.
                    let state = match entry.state {
                        State::New if first_seen == today => State::New,
                        State::Reopened if reopened == Some(today) => State::Reopened,
                        _ => State::Open,
                    };
                    (first_seen, reopened.unwrap_or(first_seen), state)
                }
            }
        };
        finding.first_seen = first_seen.to_string();
        finding.due = deadlines.due(due_from, finding.severity);
        finding.state = if accepted { State::Accepted } else { state };
        if accepted {
            continue;
        }
        let Some(due) = finding
            .due
            .as_deref()
            .and_then(|due| crate::dates::parse(due).ok())
        else {
            continue;
        };
        if due < today {
            finding.state = State::Overdue;
            let overdue_days = i64::from((today - due).get_days());
            let escalation_from = due.checked_add(deadlines.escalate_after).unwrap_or(due);
            if today > escalation_from
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
    }
}

/// The ledger after this run: findings of the run entered or updated, findings gone marked
/// resolved (and kept), and the run's summary added (replacing one of the same day).
pub fn reconcile(previous: &Ledger, findings: &[Finding], today: Date) -> Ledger {
    let today_text = today.to_string();
    let mut ledger = Ledger {
        version: ledger::VERSION,
        findings: previous.findings.clone(),
        runs: previous.runs.clone(),
    };
    let mut seen = std::collections::BTreeSet::new();
    for finding in findings {
        seen.insert(finding.fingerprint.clone());
        let previous_entry = previous.findings.get(&finding.fingerprint);
        let reopened_on = match (finding.state, previous_entry) {
            (State::Reopened, Some(entry)) if entry.state == State::Resolved => {
                Some(today_text.clone())
            }
            (_, Some(entry)) => entry.reopened_on.clone(),
            _ => None,
        };
        ledger.findings.insert(
            finding.fingerprint.clone(),
            Entry {
                due: finding.due.clone(),
                escalation: finding.escalation.clone(),
                exception: finding.exception.clone(),
                file: finding.file.clone(),
                first_seen: finding.first_seen.clone(),
                kind: finding.kind.clone(),
                last_seen: today_text.clone(),
                line: finding.line,
                message: finding.message.clone(),
                record: finding.record.clone(),
                reopened_on,
                resolved_on: None,
                responsible: finding.responsible.clone(),
                rule: finding.rule.clone(),
                severity: finding.severity,
                state: finding.state,
            },
        );
    }
    for (fingerprint, entry) in ledger.findings.iter_mut() {
        if !seen.contains(fingerprint) && entry.state != State::Resolved {
            entry.state = State::Resolved;
            entry.resolved_on = Some(today_text.clone());
            entry.escalation = None;
        }
    }
    let mut run = Run {
        as_of: today_text.clone(),
        ..Run::default()
    };
    for severity in Severity::ALL_DESCENDING {
        run.severities.insert(severity.as_str().to_string(), 0);
    }
    for finding in findings {
        if finding.state != State::Accepted {
            *run.severities
                .entry(finding.severity.as_str().to_string())
                .or_default() += 1;
        }
    }
    for entry in ledger.findings.values() {
        let resolved_today = entry.state == State::Resolved
            && entry.resolved_on.as_deref() == Some(today_text.as_str());
        if entry.state != State::Resolved || resolved_today {
            *run.states
                .entry(state_name(entry.state).to_string())
                .or_default() += 1;
        }
    }
    ledger.runs.retain(|existing| existing.as_of != today_text);
    ledger.runs.push(run);
    ledger.runs.sort_by(|a, b| a.as_of.cmp(&b.as_of));
    ledger
}

pub fn state_name(state: State) -> &'static str {
    match state {
        State::New => "new",
        State::Open => "open",
        State::Reopened => "reopened",
        State::Overdue => "overdue",
        State::Accepted => "accepted",
        State::Resolved => "resolved",
    }
}
