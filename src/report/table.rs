//! `--format table`: what a person reads in a terminal. Fits 100 columns; data values are
//! neutralised so that they cannot drive the terminal. With `colour`, the rule and severity of
//! each finding are coloured by severity; without, the table holds no escape code at all.

use comfy_table::{
    Attribute, Cell, Color, ColumnConstraint, ContentArrangement, Table, Width, presets,
};

use super::neutralise_controls;
use crate::check::CheckResult;
use crate::finding::{Severity, Summary};

pub fn render(result: &CheckResult, width: u16, colour: bool) -> String {
    let summary = Summary::of(&result.findings);
    let checked = format!(
        "{} files, {} records, as of {}",
        result.files, result.records, result.as_of
    );
    if result.findings.is_empty() {
        return format!("No findings ({checked}).\n");
    }
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .set_header(["Where", "Rule", "Finding"]);
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
        if let Some(acceptance) = &finding.exception {
            message.push_str(&format!(
                "\n[accepted by {} until {}]",
                acceptance.exception, acceptance.expires_on
            ));
        }
        if let Some(escalation) = &finding.escalation {
            message.push_str(&format!(
                "\n[overdue {} days: escalated to {}]",
                escalation.overdue_days, escalation.unit
            ));
        }
        let mut rule = Cell::new(format!("{}\n{}", finding.rule, finding.severity));
        if colour {
            rule = styled(rule, finding.severity);
        }
        table.add_row([
            Cell::new(finding.location()),
            rule,
            Cell::new(neutralise_controls(&message)),
        ]);
    }
    let counts: Vec<String> = Severity::ALL_DESCENDING
        .iter()
        .filter(|severity| summary.count(**severity) > 0)
        .map(|severity| format!("{} {severity}", summary.count(*severity)))
        .collect();
    let open = result.findings.len() - summary.accepted;
    let noun = if open == 1 { "finding" } else { "findings" };
    let mut counted = if counts.is_empty() {
        "none open".to_string()
    } else {
        counts.join(", ")
    };
    if summary.accepted > 0 {
        counted.push_str(&format!("; {} accepted", summary.accepted));
    }
    format!("{table}\n{open} {noun}: {counted}.\nChecked {checked}.\n")
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
