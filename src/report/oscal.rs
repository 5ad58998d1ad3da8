//! OSCAL 1.0.6 Assessment Results (JSON): one result for the run, the assessed controls of the
//! compliance matrix as reviewed controls, one observation per finding, and one OSCAL finding per
//! assessed control, satisfied or not. Everything is derived from the as-of day and the
//! findings' fingerprints — never the clock or a random source — so the same tree and day give
//! the same bytes.
//!
//! Indexing `serde_json::Value` by key never panics (a missing key gives `Null`).
#![allow(clippy::indexing_slicing)]

use serde_json::{Value, json};

use crate::finding::Finding;
use crate::outcome::Outcome;
use crate::views::compliance::{Control, Framework, Matrix, Status};

pub const OSCAL_VERSION: &str = "1.0.6";

/// A UUID-shaped string (version 5 and RFC 4122 variant bits, as the OSCAL schema's pattern
/// asks) derived from blake3 of `parts`: the same parts always give the same UUID.
pub fn uuid(parts: &[&str]) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"tillsyn-oscal\0");
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update(&[0]);
    }
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The OSCAL control id of a matrix row: a lower-case token (`a.5.9`, `clause-7.5.3`,
/// `art-28.3`, `art-21.2.d`, `sfs2025-1506`, `plan-follow-up`).
pub fn control_id(framework: Framework, control: &Control) -> String {
    let number = control.number.to_lowercase();
    let base = match framework {
        Framework::Iso27001 if number.starts_with("a.") => number,
        Framework::Iso27001 => format!("clause-{number}"),
        _ => match number.strip_prefix("art. ") {
            Some(article) => format!("art-{article}"),
            None => number,
        },
    };
    let mut id = String::with_capacity(base.len());
    for character in base.chars() {
        match character {
            '(' => id.push('.'),
            ')' => {}
            c if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' => id.push(c),
            _ => {
                if !id.ends_with('-') {
                    id.push('-');
                }
            }
        }
    }
    let id = id.trim_matches(['-', '.']).to_string();
    if id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id
    } else {
        format!("c-{id}")
    }
}

/// The assessment results of a run, as pretty JSON with a final newline.
pub fn render(result: &Outcome, matrix: &Matrix, version: &str) -> String {
    let as_of = result.as_of.to_string();
    let moment = format!("{as_of}T00:00:00Z");
    let framework = matrix.framework;
    let assessed: Vec<&Control> = matrix
        .controls
        .iter()
        .filter(|control| control.status.is_assessed())
        .collect();
    let fingerprints: Vec<&str> = result
        .findings
        .iter()
        .map(|finding| finding.fingerprint.as_str())
        .collect();
    let mut document_parts = vec!["document", as_of.as_str(), framework.as_str()];
    document_parts.extend(fingerprints.iter().copied());
    let observations: Vec<Value> = result
        .findings
        .iter()
        .map(|finding| observation(finding, &as_of, &moment))
        .collect();
    let findings: Vec<Value> = assessed
        .iter()
        .map(|control| control_finding(framework, control, &as_of))
        .collect();
    let selection = if assessed.is_empty() {
        json!({ "description": "No control of this framework was assessed in this run." })
    } else {
        json!({
            "description": format!("The controls of {} that tillsyn's selected rules assessed.", framework.name()),
            "include-controls": assessed
                .iter()
                .map(|control| json!({ "control-id": control_id(framework, control) }))
                .collect::<Vec<_>>(),
        })
    };
    // The count is the run's, capped findings included; the observations are the listed ones.
    let summary = result.summary();
    let unlisted: usize = result.unlisted.iter().map(|unlisted| unlisted.count).sum();
    let beyond_cap = if unlisted == 0 {
        String::new()
    } else {
        format!(
            " ({unlisted} of them beyond the limit findings_per_rule_per_file, counted but not listed as observations)"
        )
    };
    let mut run = json!({
        "uuid": uuid(&["result", &as_of, framework.as_str()]),
        "title": format!("tillsyn check as of {as_of}"),
        "description": format!(
            "Automated check of a governance repository by tillsyn {version} against {}: {} files and {} records read, {} findings{beyond_cap}.",
            framework.name(), result.files, result.records, summary.open() + summary.accepted
        ),
        "start": moment,
        "reviewed-controls": { "control-selections": [selection] },
    });
    if !observations.is_empty() {
        run["observations"] = Value::Array(observations);
    }
    if !findings.is_empty() {
        run["findings"] = Value::Array(findings);
    }
    let document = json!({
        "assessment-results": {
            "uuid": uuid(&document_parts),
            "metadata": {
                "title": format!("tillsyn assessment results as of {as_of}: {}", framework.name()),
                "last-modified": moment,
                "version": format!("{as_of}+tillsyn-{version}"),
                "oscal-version": OSCAL_VERSION,
            },
            "import-ap": {
                "href": "#assessment-plan",
                "remarks": "tillsyn assesses against its rule pack; there is no separate assessment plan.",
            },
            "results": [run],
        }
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn observation(finding: &Finding, as_of: &str, moment: &str) -> Value {
    let mut description = format!(
        "{}:{}:{}: {}",
        finding.file, finding.line, finding.column, finding.message
    );
    if let Some(record) = &finding.record {
        description.push_str(&format!(
            " (record {} {record})",
            finding.kind.as_deref().unwrap_or("")
        ));
    }
    if let Some(responsible) = &finding.responsible {
        description.push_str(&format!(" Responsible: {}", responsible.holder));
        if let Some(unit) = &responsible.unit {
            description.push_str(&format!(" ({unit})"));
        }
        description.push('.');
    }
    if let Some(due) = &finding.due {
        description.push_str(&format!(" Due {due}."));
    }
    let mut props = vec![
        json!({ "name": "rule", "value": finding.rule }),
        json!({ "name": "severity", "value": finding.severity.as_str() }),
        json!({ "name": "state", "value": finding.state.as_str() }),
        json!({ "name": "fingerprint", "value": finding.fingerprint }),
    ];
    if let Some(due) = &finding.due {
        props.push(json!({ "name": "due", "value": due }));
    }
    json!({
        "uuid": uuid(&["observation", as_of, &finding.fingerprint]),
        "title": format!("{}: {}", finding.rule, finding.title),
        "description": description,
        "props": props,
        "methods": ["TEST"],
        "types": ["finding"],
        "collected": moment,
        "remarks": finding.remediation,
    })
}

fn control_finding(framework: Framework, control: &Control, as_of: &str) -> Value {
    let id = control_id(framework, control);
    let satisfied = control.status == Status::Compliant;
    let related: Vec<Value> = control
        .findings
        .iter()
        .map(
            |fingerprint| json!({ "observation-uuid": uuid(&["observation", as_of, fingerprint]) }),
        )
        .collect();
    let title = match control.title {
        Some(title) => format!("{} {title}", control.number),
        None => control.number.clone(),
    };
    let mut value = json!({
        "uuid": uuid(&["finding", as_of, &control.reference]),
        "title": title,
        "description": format!(
            "{}: rules {} evaluated {} records; {} failed, {} accepted, {} passed.",
            control.status.label(),
            control.rules.join(", "),
            control.evaluated,
            control.failed,
            control.accepted,
            control.passed
        ),
        "props": [
            { "name": "reference", "value": control.reference },
            { "name": "status", "value": control.status.slug() },
        ],
        "target": {
            "type": "objective-id",
            "target-id": format!("{id}_obj"),
            "status": {
                "state": if satisfied { "satisfied" } else { "not-satisfied" },
                "reason": if satisfied { "pass" } else { "fail" },
            },
        },
    });
    if !related.is_empty() {
        value["related-observations"] = Value::Array(related);
    }
    value
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuids_are_deterministic_and_version_5_shaped() {
        let a = super::uuid(&["x", "y"]);
        assert_eq!(a, super::uuid(&["x", "y"]));
        assert_ne!(a, super::uuid(&["x", "z"]));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "5");
        assert!("89ab".contains(&a[19..20]));
    }
}
