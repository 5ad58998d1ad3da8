//! `--format sarif`: SARIF 2.1.0 for code-scanning services (GitHub code scanning, Azure DevOps,
//! IDE viewers). One run; every selected rule is described in `tool.driver.rules`; each finding
//! is a result at its file, line and column (columns counted in Unicode code points, as tillsyn
//! counts them), relative to `%SRCROOT%`, the root of the checked repository.

use serde_json::{Map, Value, json};

use super::{markdown_cell, neutralise_controls, subject};
use crate::finding::{Finding, Severity, State};
use crate::outcome::{Outcome, RuleInfo, Unlisted};

/// The base every artifact location is relative to: the checked repository's root.
pub const SRCROOT: &str = "%SRCROOT%";

/// The SARIF level of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The SARIF log of a run. With `baseline` (the ledger has an earlier run, or `--new-only`), each
/// result says whether the ledger knew it: `baselineState` `new` or `unchanged`.
pub fn render(result: &Outcome, baseline: bool) -> String {
    let described = result.rules.as_slice();
    let as_of = result.as_of.to_string();
    let results: Vec<Value> = result
        .findings
        .iter()
        .map(|finding| {
            let mut object = result_of(finding, described);
            if baseline && let Value::Object(map) = &mut object {
                let state = if super::is_new(finding) {
                    "new"
                } else {
                    "unchanged"
                };
                map.insert("baselineState".into(), json!(state));
            }
            object
        })
        .collect();
    let summary = result.summary();
    let mut invocation = json!({
        "executionSuccessful": true,
        "properties": { "asOf": as_of },
    });
    if !result.unlisted.is_empty()
        && let Value::Object(map) = &mut invocation
    {
        let notifications: Vec<Value> = result
            .unlisted
            .iter()
            .map(|unlisted| notification(unlisted, described))
            .collect();
        map.insert("toolExecutionNotifications".into(), json!(notifications));
    }
    let log = json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "tillsyn",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": described.iter().map(descriptor).collect::<Vec<_>>(),
                }
            },
            "invocations": [invocation],
            // No `uri`: the root is wherever the repository is checked out (SARIF 3.14.14
            // allows an absent uri; a relative one would be invalid without a base).
            "originalUriBaseIds": {
                (SRCROOT): {
                    "description": { "text": "The root of the checked governance repository." }
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {
                "asOf": as_of,
                "files": result.files,
                "records": result.records,
                "summary": summary,
            },
        }],
    });
    let mut log = log;
    neutralise_strings(&mut log);
    // Serialising plain data cannot fail.
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

/// Replaces terminal control characters in every string of the log (JSON escapes them, but
/// viewers print them), keeping line breaks and tabs.
fn neutralise_strings(value: &mut Value) {
    match value {
        Value::String(text)
            if text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t') =>
        {
            *text = neutralise_controls(text);
        }
        Value::Array(items) => items.iter_mut().for_each(neutralise_strings),
        Value::Object(map) => map.values_mut().for_each(neutralise_strings),
        _ => {}
    }
}

/// The note of findings a cap left unlisted: at their file, for their rule, with the counts as
/// properties.
fn notification(unlisted: &Unlisted, described: &[RuleInfo]) -> Value {
    let mut object = Map::new();
    object.insert(
        "descriptor".into(),
        json!({ "id": "findings_per_rule_per_file" }),
    );
    let mut rule = Map::new();
    rule.insert("id".into(), json!(unlisted.rule));
    if let Some(index) = described.iter().position(|known| known.id == unlisted.rule) {
        rule.insert("index".into(), json!(index));
    }
    object.insert("associatedRule".into(), Value::Object(rule));
    object.insert("level".into(), json!("note"));
    object.insert(
        "message".into(),
        json!({ "text": super::unlisted_sentence(unlisted, crate::lang::Lang::En) }),
    );
    object.insert(
        "locations".into(),
        json!([{
            "physicalLocation": {
                "artifactLocation": { "uri": relative_uri(&unlisted.file), "uriBaseId": SRCROOT }
            }
        }]),
    );
    object.insert(
        "properties".into(),
        json!({
            "count": unlisted.count,
            "new": unlisted.new.open(),
            "limit": unlisted.limit,
            "summary": unlisted.summary,
        }),
    );
    Value::Object(object)
}

fn descriptor(rule: &RuleInfo) -> Value {
    // Property-bag tags must be distinct.
    let mut tags: Vec<String> = Vec::new();
    for reference in &rule.references {
        if !tags.contains(reference) {
            tags.push(reference.clone());
        }
    }
    let mut help_text = neutralise_controls(&rule.remediation);
    let mut help_markdown = markdown_cell(&rule.remediation);
    if !tags.is_empty() {
        help_text.push_str(&format!(
            "\n\nReferences: {}",
            neutralise_controls(&tags.join(", "))
        ));
        let listed: Vec<String> = tags
            .iter()
            .map(|reference| format!("- {}", markdown_cell(reference)))
            .collect();
        help_markdown.push_str(&format!("\n\n**References**\n\n{}", listed.join("\n")));
    }
    let mut descriptor = Map::new();
    descriptor.insert("id".into(), json!(rule.id));
    descriptor.insert("name".into(), json!(rule.id));
    descriptor.insert(
        "shortDescription".into(),
        json!({ "text": neutralise_controls(&rule.title) }),
    );
    if !rule.rationale.is_empty() {
        descriptor.insert(
            "fullDescription".into(),
            json!({ "text": neutralise_controls(&rule.rationale) }),
        );
    }
    descriptor.insert(
        "defaultConfiguration".into(),
        json!({ "level": level(rule.severity) }),
    );
    descriptor.insert(
        "help".into(),
        json!({ "text": help_text, "markdown": help_markdown }),
    );
    descriptor.insert(
        "properties".into(),
        json!({
            "severity": rule.severity,
            "tags": tags,
        }),
    );
    Value::Object(descriptor)
}

fn result_of(finding: &Finding, described: &[RuleInfo]) -> Value {
    let mut region = Map::new();
    // Line 0 would mean "the file as a whole"; SARIF regions start at 1.
    if finding.line > 0 {
        region.insert("startLine".into(), json!(finding.line));
        if finding.column > 0 {
            region.insert("startColumn".into(), json!(finding.column));
        }
    }
    let mut physical = Map::new();
    physical.insert(
        "artifactLocation".into(),
        json!({ "uri": relative_uri(&finding.file), "uriBaseId": SRCROOT }),
    );
    if !region.is_empty() {
        physical.insert("region".into(), Value::Object(region));
    }
    let mut message = neutralise_controls(&format!("{}{}", subject(finding), finding.message));
    if let Some(cell) = &finding.cell {
        message.push_str(&format!(" (cell {})", neutralise_controls(cell)));
    }
    let mut object = Map::new();
    object.insert("ruleId".into(), json!(finding.rule));
    if let Some(index) = described.iter().position(|rule| rule.id == finding.rule) {
        object.insert("ruleIndex".into(), json!(index));
    }
    object.insert("level".into(), json!(level(finding.severity)));
    object.insert("message".into(), json!({ "text": message }));
    let mut location = Map::new();
    location.insert("physicalLocation".into(), Value::Object(physical));
    // A register kept in a workbook: the region is the cell's row and column number, and the
    // cell itself (`Assets!C12`) is named as a logical location, since viewers show no grid.
    if let Some(cell) = &finding.cell {
        let name = cell.rsplit('!').next().unwrap_or(cell);
        location.insert(
            "logicalLocations".into(),
            json!([{ "name": name, "fullyQualifiedName": cell, "kind": "element" }]),
        );
    }
    object.insert("locations".into(), json!([Value::Object(location)]));
    object.insert(
        "partialFingerprints".into(),
        json!({ "tillsyn/v1": finding.fingerprint }),
    );
    if let (State::Accepted, Some(acceptance)) = (finding.state, &finding.exception) {
        object.insert(
            "suppressions".into(),
            json!([{
                "kind": "external",
                "status": "accepted",
                "justification": neutralise_controls(&format!(
                    "accepted by exception {} until {}",
                    acceptance.exception, acceptance.expires_on
                )),
            }]),
        );
    }
    let mut properties = Map::new();
    properties.insert("severity".into(), json!(finding.severity));
    if let Some(kind) = &finding.kind {
        properties.insert("kind".into(), json!(kind));
    }
    if let Some(record) = &finding.record {
        properties.insert("record".into(), json!(record));
    }
    properties.insert("pointer".into(), json!(finding.pointer));
    properties.insert("responsible".into(), json!(finding.responsible));
    properties.insert("state".into(), json!(finding.state));
    properties.insert("firstSeen".into(), json!(finding.first_seen));
    properties.insert("due".into(), json!(finding.due));
    properties.insert("exception".into(), json!(finding.exception));
    properties.insert("escalation".into(), json!(finding.escalation));
    object.insert("properties".into(), Value::Object(properties));
    Value::Object(object)
}

/// A file path relative to the repository root as a relative URI reference: `/`-separated,
/// with the characters a URI cannot hold percent-encoded, never starting with `/` or a scheme.
pub fn relative_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches('/');
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b'@' => uri.push(byte as char),
            // A colon in the first segment would read as a scheme: always encoded.
            other => uri.push_str(&format!("%{other:02X}")),
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(relative_uri("registers/a b.yaml"), "registers/a%20b.yaml");
        assert_eq!(relative_uri("c:/x"), "c%3A/x");
        assert_eq!(relative_uri("/abs/x"), "abs/x");
        assert_eq!(relative_uri("dir\\x.md"), "dir/x.md");
        assert_eq!(relative_uri("åäö.md"), "%C3%A5%C3%A4%C3%B6.md");
    }

    #[test]
    fn levels_follow_severity() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Info), "note");
    }
}
