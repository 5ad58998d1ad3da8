//! `--format markdown`: a summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`: counts
//! by severity, the new findings first, who holds the most, and the full list folded in a
//! `<details>` block. Every data value goes through [`markdown_cell`], so that no value can add
//! markup, HTML or table cells.

use super::{fill, markdown_cell, subject};
use crate::finding::{Finding, Severity, State, Summary, day};
use crate::lang::Lang;
use crate::outcome::Baseline;
use crate::outcome::Outcome;
use crate::outcome::Unlisted;

/// At most this many new findings are listed before the full list (a pull-request comment holds
/// 65,536 characters).
const NEW_SHOWN: usize = 50;
/// How many responsible holders the summary names.
const HOLDERS_SHOWN: usize = 10;

/// The summary of a run. With `baseline` (`--new-only`), it says under the heading how many
/// findings are new, resolved and still open, and the new ones include those back after being
/// resolved.
pub fn render(result: &Outcome, lang: Lang, baseline: Option<&Baseline>) -> String {
    let summary = result.summary();
    let open = summary.open();
    let as_of = result.as_of.to_string();
    let heading = if open == 1 {
        lang.t("## tillsyn: {open} open finding as of {as_of}")
    } else {
        lang.t("## tillsyn: {open} open findings as of {as_of}")
    };
    let mut text = fill(heading, &[("open", &open.to_string()), ("as_of", &as_of)]);
    text.push_str("\n\n");
    text.push_str(&fill(
        lang.t("tillsyn {version} checked {files} files and {records} records as of {as_of}."),
        &[
            ("version", env!("CARGO_PKG_VERSION")),
            ("files", &result.files.to_string()),
            ("records", &result.records.to_string()),
            ("as_of", &as_of),
        ],
    ));
    text.push_str("\n\n");
    if let Some(baseline) = baseline {
        text.push_str(&super::baseline_sentence(baseline, lang));
        text.push_str("\n\n");
    }
    if result.findings.is_empty() && result.unlisted.is_empty() {
        text.push_str(lang.t("No findings."));
        text.push('\n');
        return text;
    }
    text.push_str(&counts(result, &summary, lang));
    text.push_str(&notes(&result.unlisted, lang));
    let new: Vec<&Finding> = result
        .findings
        .iter()
        .filter(|finding| match baseline {
            Some(_) => super::is_new(finding),
            None => finding.state == State::New,
        })
        .collect();
    if !new.is_empty() {
        let mut sorted = new.clone();
        // Most severe first; otherwise in the findings' order.
        sorted.sort_by_key(|finding| std::cmp::Reverse(finding.severity));
        text.push_str(&fill(
            lang.t("### New findings ({count})"),
            &[("count", &new.len().to_string())],
        ));
        text.push_str("\n\n");
        text.push_str(&table(sorted.iter().take(NEW_SHOWN).copied(), false, lang));
        if sorted.len() > NEW_SHOWN {
            text.push('\n');
            text.push_str(&fill(
                lang.t("…and {count} more new findings in the full list below."),
                &[("count", &(sorted.len() - NEW_SHOWN).to_string())],
            ));
            text.push('\n');
        }
        text.push('\n');
    }
    text.push_str(&holders(result, lang));
    text.push_str(&format!(
        "<details>\n<summary>{}</summary>\n\n",
        fill(
            lang.t("All findings ({count})"),
            &[("count", &result.findings.len().to_string())]
        )
    ));
    text.push_str(&table(result.findings.iter(), true, lang));
    text.push_str("\n</details>\n");
    text
}

fn counts(result: &Outcome, summary: &Summary, lang: Lang) -> String {
    let mut text = format!("{}\n|---|---:|---:|\n", lang.t("| Severity | Open | New |"));
    for severity in Severity::ALL_DESCENDING {
        let new = result
            .findings
            .iter()
            .filter(|finding| finding.severity == severity && finding.state == State::New)
            .count()
            + result
                .unlisted
                .iter()
                .map(|unlisted| unlisted.new.count(severity))
                .sum::<usize>();
        text.push_str(&format!(
            "| {} | {} | {new} |\n",
            lang.severity(severity),
            summary.count(severity)
        ));
    }
    text.push_str(&format!(
        "| {} | {} | |\n\n",
        lang.t("accepted"),
        summary.accepted
    ));
    text
}

/// What the cap left out, one paragraph per rule and file, under the counts that include it.
fn notes(unlisted: &[Unlisted], lang: Lang) -> String {
    unlisted
        .iter()
        .map(|unlisted| {
            format!(
                "{} {}\n\n",
                lang.t("**Note:**"),
                markdown_cell(&super::unlisted_sentence(unlisted, lang))
            )
        })
        .collect()
}

/// The holders with the most open findings, most first (ties by name).
fn holders(result: &Outcome, lang: Lang) -> String {
    let mut tally: Vec<(String, usize, usize)> = Vec::new();
    for finding in &result.findings {
        if finding.state == State::Accepted {
            continue;
        }
        let who = responsible(finding, lang);
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
    let mut text = format!(
        "{}\n|---|---:|---:|\n",
        lang.t("### Top responsible

| Responsible | Open findings | Overdue |")
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

fn responsible(finding: &Finding, lang: Lang) -> String {
    match &finding.responsible {
        Some(responsible) => match &responsible.unit {
            Some(unit) => format!("{} ({unit})", responsible.holder),
            None => responsible.holder.clone(),
        },
        None => lang.t("(no responsible found)").to_string(),
    }
}

fn table<'a>(findings: impl Iterator<Item = &'a Finding>, with_state: bool, lang: Lang) -> String {
    let mut text = if with_state {
        format!(
            "{}\n|---|---|---|---|---|---|---|\n",
            lang.t("| Severity | State | Rule | Where | Finding | Responsible | Due |")
        )
    } else {
        format!(
            "{}\n|---|---|---|---|---|---|\n",
            lang.t("| Severity | Rule | Where | Finding | Responsible | Due |")
        )
    };
    for finding in findings {
        let mut message = format!("{}{}", subject(finding), finding.message);
        if let Some(acceptance) = &finding.exception {
            message.push_str(&fill(
                lang.t(" (accepted by {exception} until {expires_on})"),
                &[
                    ("exception", &acceptance.exception),
                    ("expires_on", &acceptance.expires_on),
                ],
            ));
        }
        if let Some(escalation) = &finding.escalation {
            message.push_str(&fill(
                lang.t(" (overdue {days} days: escalated to {unit})"),
                &[
                    ("days", &escalation.overdue_days.to_string()),
                    ("unit", &escalation.unit),
                ],
            ));
        }
        let state = if with_state {
            format!(" {} |", lang.state(finding.state))
        } else {
            String::new()
        };
        text.push_str(&format!(
            "| {} |{state} {} | {} | {} | {} | {} |\n",
            lang.severity(finding.severity),
            markdown_cell(&finding.rule),
            markdown_cell(&finding.location()),
            markdown_cell(&message),
            markdown_cell(&responsible(finding, lang)),
            markdown_cell(&day(finding.due, "-")),
        ));
    }
    text
}
