//! `--format csv`: one row per finding with every field, for spreadsheets and scripts. RFC 4180
//! (CRLF line ends, a header row, quoted cells where needed); the responsible, the exception and
//! the escalation are flattened into columns, references joined with `; `. Cells that a
//! spreadsheet would read as a formula are neutralised with a leading `'`, and terminal control
//! characters are replaced.

use super::csv_row;
use crate::finding::{Finding, day};
use crate::outcome::Outcome;

/// The columns, in order.
pub const HEADER: [&str; 24] = [
    "rule",
    "severity",
    "title",
    "message",
    "kind",
    "record",
    "file",
    "line",
    "column",
    "pointer",
    "references",
    "remediation",
    "responsible_assignment",
    "responsible_basis",
    "responsible_holder",
    "responsible_unit",
    "state",
    "first_seen",
    "due",
    "exception",
    "exception_expires_on",
    "escalation_overdue_days",
    "escalation_unit",
    "fingerprint",
];

pub fn render(result: &Outcome) -> String {
    let mut text = HEADER.join(",");
    text.push_str("\r\n");
    for finding in &result.findings {
        let cells = row(finding);
        text.push_str(&csv_row(&cells));
    }
    text
}

fn row(finding: &Finding) -> [String; 24] {
    let responsible = finding.responsible.as_ref();
    let exception = finding.exception.as_ref();
    let escalation = finding.escalation.as_ref();
    [
        finding.rule.to_string(),
        finding.severity.to_string(),
        finding.title.clone(),
        finding.message.clone(),
        finding.kind.as_deref().unwrap_or_default().to_string(),
        finding.record.clone().unwrap_or_default(),
        finding.file.clone(),
        finding.line.to_string(),
        finding.column.to_string(),
        finding.pointer.clone(),
        finding.references.join("; "),
        finding.remediation.clone(),
        responsible
            .and_then(|r| r.assignment.clone())
            .unwrap_or_default(),
        responsible.map(|r| r.basis.clone()).unwrap_or_default(),
        responsible.map(|r| r.holder.clone()).unwrap_or_default(),
        responsible.and_then(|r| r.unit.clone()).unwrap_or_default(),
        finding.state.as_str().to_string(),
        day(finding.first_seen, ""),
        day(finding.due, ""),
        exception.map(|e| e.exception.clone()).unwrap_or_default(),
        exception.map(|e| e.expires_on.clone()).unwrap_or_default(),
        escalation
            .map(|e| e.overdue_days.to_string())
            .unwrap_or_default(),
        escalation.map(|e| e.unit.clone()).unwrap_or_default(),
        finding.fingerprint.clone(),
    ]
}
