//! Validation: every record against its kind's JSON Schema (SCH001), and every reference against
//! the id index (XRF001: does not resolve; XRF003: resolves to a retired record or a role
//! assignment not in force on the as-of day). Each finding points at the offending value: a
//! missing field at its record, an unknown field at its key.

use jiff::civil::Date;
use jsonschema::error::ValidationErrorKind;
use rayon::prelude::*;
use serde_json::Value as Json;

use crate::builtin;
use crate::finding::Finding;
use crate::repository::{Record, Repository};
use crate::schema::{Catalog, KindSchema};
use crate::source::node::{Node, escape_pointer_token};
use crate::source::span::Span;
use crate::suggest::did_you_mean;

pub fn validate(repository: &Repository, catalog: &Catalog, today: Date) -> Vec<Finding> {
    let mut findings: Vec<Finding> = (0..repository.records.len())
        .into_par_iter()
        .flat_map_iter(|index| {
            let record = repository.record(index);
            match catalog.kind(record.kind) {
                Some(schema) => validate_record(repository, schema, index),
                None => Vec::new(),
            }
        })
        .collect();
    findings.extend(check_references(repository, today));
    findings
}

fn validate_record(repository: &Repository, schema: &KindSchema, index: usize) -> Vec<Finding> {
    let record = repository.record(index);
    let instance = record.node.to_json();
    if schema.validator.is_valid(&instance) {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for error in schema.validator.iter_errors(&instance) {
        let pointer = error.instance_path().as_str().to_string();
        let schema_path = error.schema_path().as_str().to_string();
        let node = record.node.pointer(&pointer);
        let field = field_name(&pointer);
        let value = || show(error.instance());
        let (message, span, pointer, detail) = match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for key in unexpected {
                    let path = tokens(&pointer);
                    let known = schema.property_names(&path);
                    let place = if pointer.is_empty() {
                        article(record.kind)
                    } else {
                        format!("`{field}`")
                    };
                    let hint = did_you_mean(key, known.iter().copied()).unwrap_or_else(|| {
                        format!("`tillsyn schema show {}` lists the fields", record.kind)
                    });
                    let span = node.entry(key).map_or(node.span, |entry| entry.key_span);
                    let key_pointer = format!("{pointer}/{}", escape_pointer_token(key));
                    let message = format!("unknown field `{key}` in {place}; {hint}");
                    findings.push(repository.finding(
                        &builtin::SCH001.origin(),
                        index,
                        &key_pointer,
                        span,
                        "unknown",
                        message,
                    ));
                }
                continue;
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let missing = if pointer.is_empty() {
                    format!("`{name}`")
                } else {
                    format!("`{field}.{name}`")
                };
                let mut message = format!("missing required field {missing}");
                if let Some(condition) = condition(schema, &schema_path) {
                    message = format!("{message}: {condition}");
                }
                let missing_pointer = format!("{pointer}/{}", escape_pointer_token(name));
                (
                    message,
                    owner_span(&record.node, &pointer),
                    missing_pointer,
                    "required".to_string(),
                )
            }
            ValidationErrorKind::Type { kind } => {
                let expected = format!("{kind:?}").to_lowercase();
                let expected = expected
                    .trim_start_matches("single(")
                    .trim_start_matches("multiple(");
                let expected = expected.trim_end_matches(')');
                (
                    format!(
                        "`{field}` must be {}, not {} {}",
                        article(expected),
                        node.type_name(),
                        value()
                    ),
                    node.span,
                    pointer,
                    "type".to_string(),
                )
            }
            ValidationErrorKind::Enum { options } => {
                let choices: Vec<&str> = options
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Json::as_str)
                    .collect();
                let mut message = format!(
                    "{} is not a valid `{field}`; expected one of {}",
                    value(),
                    choices.join(", ")
                );
                if let Some(text) = error.instance().as_str()
                    && let Some(hint) = did_you_mean(text, choices.iter().copied())
                {
                    message = format!("{message} ({hint})");
                }
                (message, node.span, pointer, "enum".to_string())
            }
            ValidationErrorKind::Constant { expected_value } => (
                format!("`{field}` must be {expected_value}, not {}", value()),
                node.span,
                pointer,
                "const".to_string(),
            ),
            ValidationErrorKind::Format { format } => {
                let expected = match format.as_str() {
                    "date" => "a calendar date YYYY-MM-DD, e.g. 2026-03-31",
                    "date-time" => {
                        "an RFC 3339 instant with offset, e.g. 2026-03-02T08:15:00+01:00"
                    }
                    "duration" => "an ISO 8601 period, e.g. P12M or P3Y",
                    other => other,
                };
                (
                    format!("{} is not a valid `{field}`: expected {expected}", value()),
                    node.span,
                    pointer,
                    "format".to_string(),
                )
            }
            ValidationErrorKind::Pattern { pattern } => {
                let message =
                    if field == "id" || schema_path.contains("/$defs/id") || pattern == "^\\S+$" {
                        format!(
                            "{} is not a valid id: an id is a non-empty text without white space",
                            value()
                        )
                    } else {
                        format!(
                            "{} is not a valid `{field}`: it must match {pattern}",
                            value()
                        )
                    };
                (message, node.span, pointer, "pattern".to_string())
            }
            _ => {
                let mut message = format!(
                    "`{}`: {error}",
                    if field.is_empty() {
                        record.kind
                    } else {
                        &field
                    }
                );
                // A conditional requirement says in its own words what the raw error does not.
                if let Some(condition) = condition(schema, &schema_path) {
                    message = condition.to_string();
                }
                let keyword = schema_path
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                (message, node.span, pointer, keyword)
            }
        };
        findings.push(repository.finding(
            &builtin::SCH001.origin(),
            index,
            &pointer,
            span,
            &detail,
            message,
        ));
    }
    findings
}

/// Where a missing field is reported: at the key of the table that lacks it (`classification:`),
/// or at the record itself for a field of the record.
fn owner_span(record: &Node, pointer: &str) -> Span {
    match pointer.rsplit_once('/') {
        Some((parent, last)) => {
            let key = last.replace("~1", "/").replace("~0", "~");
            record
                .key_span(parent, &key)
                .unwrap_or_else(|| record.pointer(pointer).span)
        }
        None => record.span,
    }
}

/// The pointer's tokens, for schema lookups.
fn tokens(pointer: &str) -> Vec<&str> {
    pointer.split('/').skip(1).collect()
}

/// The field a pointer names, as people write it: `classification.confidentiality`,
/// `recipients[0].supplier`.
fn field_name(pointer: &str) -> String {
    let mut name = String::new();
    for token in pointer.split('/').skip(1) {
        if token.parse::<usize>().is_ok() {
            name.push_str(&format!("[{token}]"));
        } else {
            if !name.is_empty() {
                name.push('.');
            }
            name.push_str(&token.replace("~1", "/").replace("~0", "~"));
        }
    }
    name
}

/// The description of the conditional requirement an error came from (`/allOf/N/…`).
fn condition<'a>(schema: &'a KindSchema, schema_path: &str) -> Option<&'a str> {
    let after = schema_path.split("/allOf/").nth(1)?;
    let index = after.split('/').next()?.parse().ok()?;
    schema.condition_description(index)
}

fn show(value: &Json) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

fn article(noun: &str) -> String {
    let first = noun.chars().next().unwrap_or('x');
    if "aeiou".contains(first) {
        format!("an {noun}")
    } else {
        format!("a {noun}")
    }
}

fn check_references(repository: &Repository, today: Date) -> Vec<Finding> {
    let mut findings = Vec::new();
    for reference in &repository.references {
        let from = repository.record(reference.from);
        let kinds = reference.kinds.join(" or ");
        match reference.resolved {
            None => {
                let message =
                    match repository.resolve(&other_kinds(reference.kinds), &reference.target) {
                        Some(other) => format!(
                            "`{}` names `{}`, which is a {}, not a {kinds}",
                            reference.field,
                            reference.target,
                            repository.record(other).kind
                        ),
                        None => format!(
                            "`{}` names `{}`, but no {kinds} has that id",
                            reference.field, reference.target
                        ),
                    };
                findings.push(repository.finding(
                    &builtin::XRF001.origin(),
                    reference.from,
                    &reference.pointer,
                    reference.span,
                    "",
                    message,
                ));
            }
            Some(target) if from.is_active() => {
                let target_record = repository.record(target);
                let problem = if target_record.status() == "retired" {
                    Some("is retired".to_string())
                } else if target_record.kind == "role_assignment" {
                    assignment_not_in_force(target_record, today)
                } else {
                    None
                };
                if let Some(problem) = problem {
                    let message = format!(
                        "`{}` names the {} `{}`, which {problem}",
                        reference.field, target_record.kind, reference.target
                    );
                    findings.push(repository.finding(
                        &builtin::XRF003.origin(),
                        reference.from,
                        &reference.pointer,
                        reference.span,
                        "",
                        message,
                    ));
                }
            }
            Some(_) => {}
        }
    }
    findings
}

/// Every kind but the named ones: to tell "wrong kind" from "no such record".
fn other_kinds(kinds: &[&str]) -> Vec<&'static str> {
    crate::schema::kind_names()
        .into_iter()
        .filter(|kind| !kinds.contains(kind))
        .collect()
}

/// Why a role assignment is not in force on `today`, if it is not.
fn assignment_not_in_force(assignment: &Record, today: Date) -> Option<String> {
    if !assignment.is_active() {
        return Some(format!("has status {}", assignment.status()));
    }
    if assignment.in_force(today) {
        return None;
    }
    if let Some(from) = assignment.date("valid_from")
        && from > today
    {
        return Some(format!("is in force only from {from}"));
    }
    if let Some(to) = assignment.date("valid_to")
        && to < today
    {
        return Some(format!("ended on {to}"));
    }
    None
}
