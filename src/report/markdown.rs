//! `--format markdown`: a summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`: counts
//! by severity, the new findings first, who holds the most, and the full list folded in a
//! `<details>` block. Every data value goes through [`markdown_cell`], so that no value can add
//! markup, HTML or table cells.

use super::{markdown_cell, subject};
use crate::check::CheckResult;
use crate::finding::{Finding, Severity, State, Summary};
use crate::followup::state_name;

/// At most this many new findings are listed before the full list (a pull-request comment holds
/// 65,536 characters).
const NEW_SHOWN: usize = 50;
/// How many responsible holders the summary names.
const HOLDERS_SHOWN: usize = 10;

pub fn render(result: &CheckResult) -> String {
    let summary = Summary::of(&result.findings);
    let open = result.findings.len() - summary.accepted;
    let mut text = format!(
        "## tillsyn: {open} open finding{} as of {}\n\n",
        if open == 1 { "" } else { "s" },
        result.as_of
    );
    text.push_str(&format!(
        "tillsyn {} checked {} files and {} records as of {}.\n\n",
        env!("CARGO_PKG_VERSION"),
        result.files,
        result.records,
        result.as_of
    ));
    if result.findings.is_empty() {
        text.push_str("No findings.\n");
        return text;
    }
    text.push_str(&counts(result, &summary));
    let new: Vec<&Finding> = result
        .findings
        .iter()
        .filter(|finding| finding.state == State::New)
        .collect();
    if !new.is_empty() {
        let mut sorted = new.clone();
        // Most severe first; otherwise in the findings' order.
        sorted.sort_by_key(|finding| std::cmp::Reverse(finding.severity));
        text.push_str(&format!("### New findings ({})\n\n", new.len()));
        text.push_str(&table(sorted.iter().take(NEW_SHOWN).copied(), false));
        if sorted.len() > NEW_SHOWN {
            text.push_str(&format!(
                "\n…and {} more new findings in the full list below.\n",
                sorted.len() - NEW_SHOWN
            ));
        }
        text.push('\n');
    }
    text.push_str(&holders(result));
    text.push_str(&format!(
        "<details>\n<summary>All findings ({})</summary>\n\n",
        result.findings.len()
    ));
    text.push_str(&table(result.findings.iter(), true));
    text.push_str("\n</details>\n");
    text
}

fn counts(result: &CheckResult, summary: &Summary) -> String {
    let mut text = String::from("| Severity | Open | New |\n|---|---:|---:|\n");
    for severity in Severity::ALL_DESCENDING {
        let new = result
            .findings
            .iter()
            .filter(|finding| finding.severity == severity && finding.state == State::New)
            .count();
        text.push_str(&format!(
            "| {severity} | {} | {new} |\n",
            summary.count(severity)
        ));
    }
    text.push_str(&format!("| accepted | {} | |\n\n", summary.accepted));
    text
}

/// The holders with the most open findings, most first (ties by name).
fn holders(result: &CheckResult) -> String {
    let mut tally: Vec<(String, usize, usize)> = Vec::new();
    for finding in &result.findings {
        if finding.state == State::Accepted {
            continue;
        }
        let who = responsible(finding);
        let overdue = usize::from(finding.state == State::Overdue);
        match tally.iter_mut().find(|(name, _, _)| *name == who) {
            Some(entry) => {
                entry.1 += 1;
                entry.2 += overdue;
            }
            None => tally.push((who, 1, overdue)),
        }
    }
    if tally.is_empty() {
        return String::new();
    }
    tally.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut text = String::from(
        "### Top responsible\n\n| Responsible | Open findings | Overdue |\n|---|---:|---:|\n",
    );
    for (who, count, overdue) in tally.iter().take(HOLDERS_SHOWN) {
        text.push_str(&format!(
            "| {} | {count} | {overdue} |\n",
            markdown_cell(who)
        ));
    }
    text.push('\n');
    text
}

fn responsible(finding: &Finding) -> String {
    match &finding.responsible {
        Some(responsible) => match &responsible.unit {
            Some(unit) => format!("{} ({unit})", responsible.holder),
            None => responsible.holder.clone(),
        },
        None => "(no responsible found)".to_string(),
    }
}

fn table<'a>(findings: impl Iterator<Item = &'a Finding>, with_state: bool) -> String {
    let mut text = if with_state {
        String::from(
            "| Severity | State | Rule | Where | Finding | Responsible | Due |\n|---|---|---|---|---|---|---|\n",
        )
    } else {
        String::from(
            "| Severity | Rule | Where | Finding | Responsible | Due |\n|---|---|---|---|---|---|\n",
        )
    };
    for finding in findings {
        let mut message = format!("{}{}", subject(finding), finding.message);
        if let Some(acceptance) = &finding.exception {
            message.push_str(&format!(
                " (accepted by {} until {})",
                acceptance.exception, acceptance.expires_on
            ));
        }
        if let Some(escalation) = &finding.escalation {
            message.push_str(&format!(
                " (overdue {} days: escalated to {})",
                escalation.overdue_days, escalation.unit
            ));
        }
        let state = if with_state {
            format!(" {} |", state_name(finding.state))
        } else {
            String::new()
        };
        text.push_str(&format!(
            "| {} |{state} {} | {} | {} | {} | {} |\n",
            finding.severity,
            markdown_cell(&finding.rule),
            markdown_cell(&finding.location()),
            markdown_cell(&message),
            markdown_cell(&responsible(finding)),
            markdown_cell(finding.due.as_deref().unwrap_or("-")),
        ));
    }
    text
}
