//! `--format table`: what a person reads in a terminal. Fits 100 columns; data values are
//! neutralised so that they cannot drive the terminal.

use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width, presets};

use super::neutralise_controls;
use crate::check::CheckResult;
use crate::finding::{Severity, Summary};

pub fn render(result: &CheckResult, width: u16) -> String {
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
        table.add_row([
            format!("{}:{}:{}", finding.file, finding.line, finding.column),
            format!("{}\n{}", finding.rule, finding.severity),
            neutralise_controls(&format!("{subject}{}", finding.message)),
        ]);
    }
    let counts: Vec<String> = Severity::ALL_DESCENDING
        .iter()
        .filter(|severity| summary.count(**severity) > 0)
        .map(|severity| format!("{} {severity}", summary.count(*severity)))
        .collect();
    let total = result.findings.len();
    let noun = if total == 1 { "finding" } else { "findings" };
    format!(
        "{table}\n{total} {noun}: {} ({checked}).\n",
        counts.join(", ")
    )
}
