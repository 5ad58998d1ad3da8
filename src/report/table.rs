//! `--format table`: what a person reads in a terminal. Fits 100 columns; data values are
//! neutralised so that they cannot drive the terminal.

use comfy_table::{ContentArrangement, Table, presets};

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
        .set_header(["Severity", "Rule", "Where", "Record", "Finding"]);
    for finding in &result.findings {
        let record = match (&finding.kind, &finding.record) {
            (Some(kind), Some(id)) => format!("{kind}\n{id}"),
            (Some(kind), None) => kind.clone(),
            _ => String::new(),
        };
        table.add_row([
            finding.severity.to_string(),
            finding.rule.clone(),
            format!("{}:{}:{}", finding.file, finding.line, finding.column),
            neutralise_controls(&record),
            neutralise_controls(&finding.message),
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
