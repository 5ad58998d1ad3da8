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

/// The table of a run. With `baseline` (`--new-only`), the findings the ledger did not know are
/// marked, and the closing lines say how many are new, resolved and still open.
pub fn render(
    result: &Outcome,
    width: u16,
    lang: Lang,
    colour: bool,
    baseline: Option<&Baseline>,
) -> String {
    let summary = result.summary();
    let checked = super::fill(
        lang.t("{files} files, {records} records, as of {as_of}"),
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
            super::fill(lang.t("No findings ({checked})."), &[("checked", &checked)])
        );
    }
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .set_header([lang.t("Where"), lang.t("Rule"), lang.t("Finding")]);
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
            message.push_str(lang.t("[new]"));
        }
        if let Some(acceptance) = &finding.exception {
            message.push('\n');
            message.push_str(&super::fill(
                lang.t("[accepted by {exception} until {expires_on}]"),
                &[
                    ("exception", &acceptance.exception),
                    ("expires_on", &acceptance.expires_on),
                ],
            ));
        }
        if let Some(escalation) = &finding.escalation {
            message.push('\n');
            message.push_str(&super::fill(
                lang.t("[overdue {days} days: escalated to {unit}]"),
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
                lang.t("{count} {severity}"),
                &[
                    ("count", &summary.count(*severity).to_string()),
                    ("severity", lang.severity(*severity)),
                ],
            )
        })
        .collect();
    let open = summary.open();
    let noun = if open == 1 {
        lang.t("finding")
    } else {
        lang.t("findings")
    };
    let mut counted = if counts.is_empty() {
        lang.t("none open").to_string()
    } else {
        counts.join(", ")
    };
    if summary.accepted > 0 {
        counted.push_str("; ");
        counted.push_str(&super::fill(
            lang.t("{count} accepted"),
            &[("count", &summary.accepted.to_string())],
        ));
    }
    let closing = super::fill(
        lang.t("{open} {noun}: {counted}.
Checked {checked}."),
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
