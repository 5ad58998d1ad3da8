//! `--format table`: what a person reads in a terminal. Fits 100 columns; data values are
//! neutralised so that they cannot drive the terminal. With `colour`, the rule and severity of
//! each finding are coloured by severity; without, the table holds no escape code at all.

use comfy_table::{
    Attribute, Cell, Color, ColumnConstraint, ContentArrangement, Table, Width, presets,
};

use super::neutralise_controls;
use crate::finding::Severity;
use crate::lang::Lang;
use crate::outcome::Baseline;
use crate::outcome::Outcome;

/// The table's words in one language. `{…}` marks where a value goes.
struct Labels {
    checked: &'static str,
    no_findings: &'static str,
    headers: [&'static str; 3],
    accepted_by: &'static str,
    escalated: &'static str,
    finding: &'static str,
    findings: &'static str,
    none_open: &'static str,
    /// How many findings of a severity: `{count}` and `{severity}`.
    count: &'static str,
    accepted: &'static str,
    summary: &'static str,
    new: &'static str,
}

impl Labels {
    fn of(lang: Lang) -> Labels {
        match lang {
            Lang::En => Labels {
                checked: "{files} files, {records} records, as of {as_of}",
                no_findings: "No findings ({checked}).",
                headers: ["Where", "Rule", "Finding"],
                accepted_by: "[accepted by {exception} until {expires_on}]",
                escalated: "[overdue {days} days: escalated to {unit}]",
                finding: "finding",
                findings: "findings",
                none_open: "none open",
                count: "{count} {severity}",
                accepted: "{count} accepted",
                summary: "{open} {noun}: {counted}.\nChecked {checked}.",
                new: "[new]",
            },
            Lang::Sv => Labels {
                checked: "{files} filer, {records} poster, per {as_of}",
                no_findings: "Inga fynd ({checked}).",
                headers: ["Var", "Regel", "Fynd"],
                accepted_by: "[accepterat genom {exception} till och med {expires_on}]",
                escalated: "[försenat {days} dagar: eskalerat till {unit}]",
                finding: "fynd",
                findings: "fynd",
                none_open: "inga öppna",
                // "kritisk 13", not "13 kritisk": the adjective would have to agree with a noun.
                count: "{severity} {count}",
                accepted: "{count} accepterade",
                summary: "{open} {noun}: {counted}.\nKontrollerade {checked}.",
                new: "[ny]",
            },
        }
    }
}

/// The table of a run. With `baseline` (`--new-only`), the findings the ledger did not know are
/// marked, and the closing lines say how many are new, resolved and still open.
pub fn render(
    result: &Outcome,
    width: u16,
    lang: Lang,
    colour: bool,
    baseline: Option<&Baseline>,
) -> String {
    let labels = Labels::of(lang);
    let summary = result.summary();
    let checked = super::fill(
        labels.checked,
        &[
            ("files", &result.files.to_string()),
            ("records", &result.records.to_string()),
            ("as_of", &result.as_of.to_string()),
        ],
    );
    let compared = baseline
        .map(|baseline| format!("{}\n", super::baseline_sentence(baseline, lang)))
        .unwrap_or_default();
    if result.findings.is_empty() && result.unlisted.is_empty() {
        return format!(
            "{}\n{compared}",
            super::fill(labels.no_findings, &[("checked", &checked)])
        );
    }
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .set_header(labels.headers);
    if colour {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    // The message is what people read; a long path may wrap instead.
    if let Some(column) = table.column_mut(0) {
        column.set_constraint(ColumnConstraint::UpperBoundary(Width::Fixed(width / 3)));
    }
    for finding in &result.findings {
        let subject = match (&finding.kind, &finding.record) {
            (Some(kind), Some(id)) => format!("{kind} {id}: "),
            (Some(kind), None) => format!("{kind}: "),
            _ => String::new(),
        };
        let mut message = format!("{subject}{}", finding.message);
        if baseline.is_some() && super::is_new(finding) {
            message.push('\n');
            message.push_str(labels.new);
        }
        if let Some(acceptance) = &finding.exception {
            message.push('\n');
            message.push_str(&super::fill(
                labels.accepted_by,
                &[
                    ("exception", &acceptance.exception),
                    ("expires_on", &acceptance.expires_on),
                ],
            ));
        }
        if let Some(escalation) = &finding.escalation {
            message.push('\n');
            message.push_str(&super::fill(
                labels.escalated,
                &[
                    ("days", &escalation.overdue_days.to_string()),
                    ("unit", &escalation.unit),
                ],
            ));
        }
        let mut rule = Cell::new(format!(
            "{}\n{}",
            finding.rule,
            lang.severity(finding.severity)
        ));
        if colour {
            rule = styled(rule, finding.severity);
        }
        table.add_row([
            // A file name is the tree's data too.
            Cell::new(neutralise_controls(&finding.location())),
            rule,
            Cell::new(neutralise_controls(&message)),
        ]);
    }
    let counts: Vec<String> = Severity::ALL_DESCENDING
        .iter()
        .filter(|severity| summary.count(**severity) > 0)
        .map(|severity| {
            super::fill(
                labels.count,
                &[
                    ("count", &summary.count(*severity).to_string()),
                    ("severity", lang.severity(*severity)),
                ],
            )
        })
        .collect();
    let open = summary.open();
    let noun = if open == 1 {
        labels.finding
    } else {
        labels.findings
    };
    let mut counted = if counts.is_empty() {
        labels.none_open.to_string()
    } else {
        counts.join(", ")
    };
    if summary.accepted > 0 {
        counted.push_str("; ");
        counted.push_str(&super::fill(
            labels.accepted,
            &[("count", &summary.accepted.to_string())],
        ));
    }
    let closing = super::fill(
        labels.summary,
        &[
            ("open", &open.to_string()),
            ("noun", noun),
            ("counted", &counted),
            ("checked", &checked),
        ],
    );
    let notes: String = result
        .unlisted
        .iter()
        .map(|unlisted| {
            format!(
                "{}\n",
                neutralise_controls(&super::unlisted_note(unlisted, lang))
            )
        })
        .collect();
    format!("{table}\n{closing}\n{notes}{compared}")
}

/// The colour of a severity: red for what must be fixed first, down to grey for information.
fn styled(cell: Cell, severity: Severity) -> Cell {
    match severity {
        Severity::Critical => cell.fg(Color::Red).add_attribute(Attribute::Bold),
        Severity::High => cell.fg(Color::Red),
        Severity::Medium => cell.fg(Color::Yellow),
        Severity::Low => cell.fg(Color::Cyan),
        Severity::Info => cell.fg(Color::DarkGrey),
    }
}
