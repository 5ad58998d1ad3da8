//! `--format json`: the machine contract, described by `schemas/check-output.schema.json`.

use serde::Serialize;

use crate::check::CheckResult;
use crate::finding::{Finding, Summary};

#[derive(Serialize)]
struct Output<'a> {
    tool: Tool,
    as_of: String,
    checked: Checked,
    summary: Summary,
    findings: &'a [Finding],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Checked {
    files: usize,
    records: usize,
}

pub fn render(result: &CheckResult) -> String {
    let output = Output {
        tool: Tool {
            name: "tillsyn",
            version: env!("CARGO_PKG_VERSION"),
        },
        as_of: result.as_of.to_string(),
        checked: Checked {
            files: result.files,
            records: result.records,
        },
        summary: Summary::of(&result.findings),
        findings: &result.findings,
    };
    // Serialising plain data cannot fail; an empty document would still be valid JSON to refuse.
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_default();
    text.push('\n');
    text
}
