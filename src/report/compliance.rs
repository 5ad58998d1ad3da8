//! The compliance matrix laid out as Markdown and CSV (the matrix itself is
//! [`crate::views::compliance`]'s).

use super::{csv_row, fill, markdown_cell};
use crate::lang::Lang;
use crate::outcome::Outcome;
use crate::views::compliance::Matrix;

/// The matrix as Markdown, with a short summary of the run above it.
pub fn markdown(result: &Outcome, matrix: &Matrix, version: &str, lang: Lang) -> String {
    let summary = result.summary();
    let overdue = result.overdue();
    let mut text = fill(
        lang.t("# Compliance: {framework}

As of {as_of} (tillsyn {version}). {files} files and {records} records read."),
        &[
            ("framework", matrix.framework.name_in(lang)),
            ("as_of", &result.as_of.to_string()),
            ("version", version),
            ("files", &result.files.to_string()),
            ("records", &result.records.to_string()),
        ],
    );
    text.push_str("\n\n");
    text.push_str(lang.t("| Critical | High | Medium | Low | Info | Accepted | Overdue |"));
    text.push('\n');
    text.push_str("|---:|---:|---:|---:|---:|---:|---:|\n");
    text.push_str(&format!(
        "| {} | {} | {} | {} | {} | {} | {} |\n\n",
        summary.critical,
        summary.high,
        summary.medium,
        summary.low,
        summary.info,
        summary.accepted,
        overdue
    ));
    let counts: Vec<String> = matrix
        .counts()
        .iter()
        .map(|(status, count)| format!("{count} {}", status.label_in(lang)))
        .collect();
    text.push_str(&fill(
        lang.t("{count} controls: {statuses}."),
        &[
            ("count", &matrix.controls.len().to_string()),
            ("statuses", &counts.join(", ")),
        ],
    ));
    text.push_str("\n\n");
    text.push_str(
        lang.t("| Control | Title | Rules | Evaluated | Failed | Accepted | Passed | Status |"),
    );
    text.push_str("\n|---|---|---|---:|---:|---:|---:|---|\n");
    for control in &matrix.controls {
        text.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            markdown_cell(&control.number),
            markdown_cell(control.title.unwrap_or("")),
            markdown_cell(&control.rules.join(", ")),
            control.evaluated,
            control.failed,
            control.accepted,
            control.passed,
            control.status.label_in(lang)
        ));
    }
    text
}

/// The matrix as CSV (RFC 4180, CRLF).
pub fn csv(matrix: &Matrix) -> String {
    let mut text = String::from(
        "framework,control,reference,title,rules,evaluated,failed,accepted,passed,status\r\n",
    );
    for control in &matrix.controls {
        let cells = [
            matrix.framework.as_str().to_string(),
            control.number.clone(),
            control.reference.clone(),
            control.title.unwrap_or("").to_string(),
            control.rules.join(" "),
            control.evaluated.to_string(),
            control.failed.to_string(),
            control.accepted.to_string(),
            control.passed.to_string(),
            control.status.label().to_string(),
        ];
        text.push_str(&csv_row(&cells));
    }
    text
}
