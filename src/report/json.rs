//! `--format json`: the machine contract, described by `schemas/check-output.schema.json`.

use serde::Serialize;

use crate::finding::{Finding, Summary};
use crate::outcome::Baseline;
use crate::outcome::Outcome;

#[derive(Serialize)]
struct Output<'a> {
    tool: Tool,
    as_of: String,
    checked: Checked,
    summary: Summary,
    /// With `--new-only`: the run against the ledger.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineOutput<'a>>,
    /// What the cap `findings_per_rule_per_file` left out of `findings`; absent when nothing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unlisted: Vec<UnlistedOutput<'a>>,
    findings: &'a [Finding],
}

#[derive(Serialize)]
struct UnlistedOutput<'a> {
    rule: &'a str,
    file: &'a str,
    count: usize,
    new: usize,
    limit: usize,
    summary: Summary,
    message: String,
}

#[derive(Serialize)]
struct BaselineOutput<'a> {
    since: Option<&'a str>,
    new: usize,
    resolved: usize,
    still_open: usize,
    not_judged: usize,
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

/// The JSON document of a run; with `baseline` (`--new-only`) it says how the run compares with
/// the ledger.
pub fn render(result: &Outcome, baseline: Option<&Baseline>) -> String {
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
        summary: result.summary(),
        baseline: baseline.map(|baseline| BaselineOutput {
            since: baseline.since.as_deref(),
            new: baseline.new,
            resolved: baseline.resolved,
            still_open: baseline.still_open,
            not_judged: baseline.not_judged,
        }),
        unlisted: result
            .unlisted
            .iter()
            .map(|unlisted| UnlistedOutput {
                rule: &unlisted.rule,
                file: &unlisted.file,
                count: unlisted.count,
                new: unlisted.new.open(),
                limit: unlisted.limit,
                summary: unlisted.summary,
                message: super::unlisted_sentence(unlisted, crate::lang::Lang::En),
            })
            .collect(),
        findings: &result.findings,
    };
    // Serialising plain data cannot fail; an empty document would still be valid JSON to refuse.
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_default();
    text.push('\n');
    text
}
