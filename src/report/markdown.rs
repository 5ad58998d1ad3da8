//! `--format markdown`: a summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`: counts
//! by severity, the new findings first, who holds the most, and the full list folded in a
//! `<details>` block. Every data value goes through [`markdown_cell`], so that no value can add
//! markup, HTML or table cells.

use super::{fill, markdown_cell, subject};
use crate::finding::{Finding, Severity, State, Summary};
use crate::lang::Lang;
use crate::outcome::Baseline;
use crate::outcome::Outcome;
use crate::outcome::Unlisted;

/// The summary's words in one language. `{…}` marks where a value goes.
struct Labels {
    heading_one: &'static str,
    heading_many: &'static str,
    checked: &'static str,
    no_findings: &'static str,
    new_findings: &'static str,
    more_new: &'static str,
    all_findings: &'static str,
    counts_header: &'static str,
    accepted: &'static str,
    top_responsible: &'static str,
    no_responsible: &'static str,
    table_header_with_state: &'static str,
    table_header: &'static str,
    accepted_by: &'static str,
    escalated: &'static str,
    note: &'static str,
}

impl Labels {
    fn of(lang: Lang) -> Labels {
        match lang {
            Lang::En => Labels {
                heading_one: "## tillsyn: {open} open finding as of {as_of}",
                heading_many: "## tillsyn: {open} open findings as of {as_of}",
                checked: "tillsyn {version} checked {files} files and {records} records as of {as_of}.",
                no_findings: "No findings.",
                new_findings: "### New findings ({count})",
                more_new: "…and {count} more new findings in the full list below.",
                all_findings: "All findings ({count})",
                counts_header: "| Severity | Open | New |",
                accepted: "accepted",
                top_responsible: "### Top responsible\n\n| Responsible | Open findings | Overdue |",
                no_responsible: "(no responsible found)",
                table_header_with_state: "| Severity | State | Rule | Where | Finding | Responsible | Due |",
                table_header: "| Severity | Rule | Where | Finding | Responsible | Due |",
                accepted_by: " (accepted by {exception} until {expires_on})",
                escalated: " (overdue {days} days: escalated to {unit})",
                note: "**Note:**",
            },
            Lang::Sv => Labels {
                heading_one: "## tillsyn: {open} öppet fynd per {as_of}",
                heading_many: "## tillsyn: {open} öppna fynd per {as_of}",
                checked: "tillsyn {version} kontrollerade {files} filer och {records} poster per {as_of}.",
                no_findings: "Inga fynd.",
                new_findings: "### Nya fynd ({count})",
                more_new: "…och ytterligare {count} nya fynd i den fullständiga listan nedan.",
                all_findings: "Alla fynd ({count})",
                counts_header: "| Allvarlighet | Öppna | Nya |",
                accepted: "accepterade",
                top_responsible: "### Flest fynd per ansvarig\n\n| Ansvarig | Öppna fynd | Försenade |",
                no_responsible: "(ingen ansvarig hittades)",
                table_header_with_state: "| Allvarlighet | Status | Regel | Var | Fynd | Ansvarig | Senast |",
                table_header: "| Allvarlighet | Regel | Var | Fynd | Ansvarig | Senast |",
                accepted_by: " (accepterat genom {exception} till och med {expires_on})",
                escalated: " (försenat {days} dagar: eskalerat till {unit})",
                note: "**Obs:**",
            },
        }
    }
}

/// At most this many new findings are listed before the full list (a pull-request comment holds
/// 65,536 characters).
const NEW_SHOWN: usize = 50;
/// How many responsible holders the summary names.
const HOLDERS_SHOWN: usize = 10;

/// The summary of a run. With `baseline` (`--new-only`), it says under the heading how many
/// findings are new, resolved and still open, and the new ones include those back after being
/// resolved.
pub fn render(result: &Outcome, lang: Lang, baseline: Option<&Baseline>) -> String {
    let labels = Labels::of(lang);
    let summary = result.summary();
    let open = summary.open();
    let as_of = result.as_of.to_string();
    let heading = if open == 1 {
        labels.heading_one
    } else {
        labels.heading_many
    };
    let mut text = fill(heading, &[("open", &open.to_string()), ("as_of", &as_of)]);
    text.push_str("\n\n");
    text.push_str(&fill(
        labels.checked,
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
        text.push_str(labels.no_findings);
        text.push('\n');
        return text;
    }
    text.push_str(&counts(result, &summary, &labels, lang));
    text.push_str(&notes(&result.unlisted, &labels, lang));
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
            labels.new_findings,
            &[("count", &new.len().to_string())],
        ));
        text.push_str("\n\n");
        text.push_str(&table(
            sorted.iter().take(NEW_SHOWN).copied(),
            false,
            &labels,
            lang,
        ));
        if sorted.len() > NEW_SHOWN {
            text.push('\n');
            text.push_str(&fill(
                labels.more_new,
                &[("count", &(sorted.len() - NEW_SHOWN).to_string())],
            ));
            text.push('\n');
        }
        text.push('\n');
    }
    text.push_str(&holders(result, &labels));
    text.push_str(&format!(
        "<details>\n<summary>{}</summary>\n\n",
        fill(
            labels.all_findings,
            &[("count", &result.findings.len().to_string())]
        )
    ));
    text.push_str(&table(result.findings.iter(), true, &labels, lang));
    text.push_str("\n</details>\n");
    text
}

fn counts(result: &Outcome, summary: &Summary, labels: &Labels, lang: Lang) -> String {
    let mut text = format!("{}\n|---|---:|---:|\n", labels.counts_header);
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
        labels.accepted, summary.accepted
    ));
    text
}

/// What the cap left out, one paragraph per rule and file, under the counts that include it.
fn notes(unlisted: &[Unlisted], labels: &Labels, lang: Lang) -> String {
    unlisted
        .iter()
        .map(|unlisted| {
            format!(
                "{} {}\n\n",
                labels.note,
                markdown_cell(&super::unlisted_sentence(unlisted, lang))
            )
        })
        .collect()
}

/// The holders with the most open findings, most first (ties by name).
fn holders(result: &Outcome, labels: &Labels) -> String {
    let mut tally: Vec<(String, usize, usize)> = Vec::new();
    for finding in &result.findings {
        if finding.state == State::Accepted {
            continue;
        }
        let who = responsible(finding, labels);
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
    let mut text = format!("{}\n|---|---:|---:|\n", labels.top_responsible);
    for (who, count, overdue) in tally.iter().take(HOLDERS_SHOWN) {
        text.push_str(&format!(
            "| {} | {count} | {overdue} |\n",
            markdown_cell(who)
        ));
    }
    text.push('\n');
    text
}

fn responsible(finding: &Finding, labels: &Labels) -> String {
    match &finding.responsible {
        Some(responsible) => match &responsible.unit {
            Some(unit) => format!("{} ({unit})", responsible.holder),
            None => responsible.holder.clone(),
        },
        None => labels.no_responsible.to_string(),
    }
}

fn table<'a>(
    findings: impl Iterator<Item = &'a Finding>,
    with_state: bool,
    labels: &Labels,
    lang: Lang,
) -> String {
    let mut text = if with_state {
        format!(
            "{}\n|---|---|---|---|---|---|---|\n",
            labels.table_header_with_state
        )
    } else {
        format!("{}\n|---|---|---|---|---|---|\n", labels.table_header)
    };
    for finding in findings {
        let mut message = format!("{}{}", subject(finding), finding.message);
        if let Some(acceptance) = &finding.exception {
            message.push_str(&fill(
                labels.accepted_by,
                &[
                    ("exception", &acceptance.exception),
                    ("expires_on", &acceptance.expires_on),
                ],
            ));
        }
        if let Some(escalation) = &finding.escalation {
            message.push_str(&fill(
                labels.escalated,
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
            markdown_cell(&responsible(finding, labels)),
            markdown_cell(finding.due.as_deref().unwrap_or("-")),
        ));
    }
    text
}
