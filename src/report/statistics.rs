//! `check --statistics`: how many findings each rule gave, at each severity, so that a flood
//! (one rule giving hundreds of findings on a register) is seen at a glance, as ruff's
//! `--statistics` shows it. Accepted findings are counted apart: they are not open work.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::finding::{Severity, State};
use crate::lang::Lang;
use crate::outcome::Outcome;

/// One line per rule and severity: the open count, the accepted count when there are any, the
/// rule, its severity and its title; most findings first, then by rule. Ends with the totals.
pub fn render(result: &Outcome, lang: Lang) -> String {
    // (rule, severity) → (open, accepted, title)
    let mut counts: BTreeMap<(&str, std::cmp::Reverse<Severity>), (usize, usize, &str)> =
        BTreeMap::new();
    for finding in &result.findings {
        let entry = counts
            .entry((finding.rule.as_str(), std::cmp::Reverse(finding.severity)))
            .or_insert((0, 0, finding.title.as_str()));
        if finding.state == State::Accepted {
            entry.1 += 1;
        } else {
            entry.0 += 1;
        }
    }
    // The cap's unlisted findings count as listed ones do; the title is a listed finding's (in
    // the run's language) when the rule has one.
    for unlisted in &result.unlisted {
        for severity in Severity::ALL_DESCENDING {
            let (open, accepted) = (
                unlisted.summary.count(severity),
                unlisted.accepted.count(severity),
            );
            if open + accepted > 0 {
                let entry = counts
                    .entry((unlisted.rule.as_str(), std::cmp::Reverse(severity)))
                    .or_insert((0, 0, unlisted.title.as_str()));
                entry.0 += open;
                entry.1 += accepted;
            }
        }
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|left, right| {
        (right.1.0 + right.1.1)
            .cmp(&(left.1.0 + left.1.1))
            .then_with(|| left.0.cmp(&right.0))
    });
    let count_width = rows
        .iter()
        .map(|(_, (open, _, _))| open.to_string().len())
        .max()
        .unwrap_or(1);
    let rule_width = rows
        .iter()
        .map(|((rule, _), _)| rule.len())
        .max()
        .unwrap_or(0);
    let accepted_word = lang.t("accepted");
    let mut text = String::new();
    for ((rule, severity), (open, accepted, title)) in &rows {
        let accepted = if *accepted > 0 {
            format!(" (+{accepted} {accepted_word})")
        } else {
            String::new()
        };
        let _ = writeln!(
            text,
            "{open:>count_width$}  {rule:<rule_width$}  {:<8}  {title}{accepted}",
            severity.0.as_str()
        );
    }
    let total: usize = rows.iter().map(|(_, (open, _, _))| open).sum();
    let accepted: usize = rows.iter().map(|(_, (_, accepted, _))| accepted).sum();
    let rules = rows
        .iter()
        .map(|((rule, _), _)| *rule)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let template = if rules == 1 {
        lang.t("{total} open and {accepted} accepted findings from {rules} rule, as of {as_of}.")
    } else {
        lang.t("{total} open and {accepted} accepted findings from {rules} rules, as of {as_of}.")
    };
    let _ = writeln!(
        text,
        "{}",
        super::fill(
            template,
            &[
                ("total", &total.to_string()),
                ("accepted", &accepted.to_string()),
                ("rules", &rules.to_string()),
                ("as_of", &result.as_of.to_string()),
            ],
        )
    );
    text
}
