//! Validation: every record against its kind's JSON Schema (SCH001), and every reference against
//! the id index (XRF001: does not resolve; XRF003: resolves to a retired record or a role
//! assignment not in force on the as-of day). Each finding points at the offending value: a
//! missing field at its record, an unknown field at its key.
//!
//! A reference that does not resolve while a file that may hold its target could not be read is
//! not a defect of its own: one cause, one finding. Such references are reported once per
//! referencing file, as waiting on that file, and their own XRF001 is not judged this run.

use jiff::civil::Date;
use jsonschema::error::ValidationErrorKind;
use rayon::prelude::*;
use serde_json::Value as Json;

use crate::builtin;
use crate::finding::{Finding, Message};
use crate::repository::{MOST_PARENT_LEVELS, Record, Repository};
use crate::schema::{Catalog, Condition, KindSchema};
use crate::source::node::{Node, escape_pointer_token, unescape_pointer_token};
use crate::source::span::Span;
use crate::suggest::{did_you_mean, did_you_mean_sv};
use std::collections::HashMap;

/// What validation found, and the findings it could not judge: the fingerprints of XRF001s
/// whose target may be in a file that could not be read.
pub struct Validation {
    pub findings: Vec<Finding>,
    pub unjudged: Vec<String>,
    /// Per record with a schema defect: the names on the way to each defective value or missing
    /// field (`classification`, `availability`). A rule that fails for want of one of them
    /// fails on that defect, so it does not report a rule error (see [`crate::engine::evaluate`]).
    pub defective: HashMap<usize, Vec<String>>,
    /// The values the schema refused, by record and pointer: they count as absent for every
    /// rule (see [`Repository::withhold`]), so that `last_revised: "[Datum]"` is one defect, not
    /// also a review date that cannot be read.
    pub withheld: Vec<(usize, String)>,
}

/// `reported_by_rule` says whether a rule runs that reports a conditional requirement itself
/// (`x-reported-by` in the schema): one defect, one finding, with the rule's rationale.
pub fn validate(
    repository: &Repository,
    catalog: &Catalog,
    today: Date,
    reported_by_rule: &(dyn Fn(&str) -> bool + Sync),
) -> Validation {
    let hints = Hints::default();
    let placeholders_reported = reported_by_rule(builtin::DOC001.id);
    let per_record: Vec<Judged> = (0..repository.records.len())
        .into_par_iter()
        .map(|index| {
            let record = repository.record(index);
            let placeholders = placeholders(repository, index);
            let mut judged = match catalog.kind(record.kind) {
                Some(schema) => validate_record(
                    repository,
                    schema,
                    index,
                    &hints,
                    reported_by_rule,
                    &placeholders,
                    placeholders_reported,
                ),
                None => Judged::default(),
            };
            judged.placeholders = placeholders;
            judged
        })
        .collect();
    let defective = per_record
        .iter()
        .enumerate()
        .filter(|(_, judged)| {
            !judged.findings.is_empty()
                || !judged.withheld.is_empty()
                || !judged.placeholders.is_empty()
        })
        .map(|(index, judged)| {
            let mut names: Vec<String> = judged
                .findings
                .iter()
                .map(|finding| finding.pointer.as_str())
                .chain(judged.withheld.iter().map(String::as_str))
                .chain(
                    judged
                        .placeholders
                        .iter()
                        .map(|(pointer, _)| pointer.as_str()),
                )
                .flat_map(|pointer| pointer.split('/').skip(1))
                .filter(|token| token.parse::<usize>().is_err())
                .map(unescape_pointer_token)
                .collect();
            names.sort_unstable();
            names.dedup();
            (index, names)
        })
        .collect();
    let mut findings = Vec::new();
    let mut withheld = Vec::new();
    // A reference that is a placeholder (`decided_by: "[Nämnd]"`) is that placeholder, not also
    // a record that does not exist.
    let mut placeholder_values = std::collections::HashSet::new();
    for (index, judged) in per_record.into_iter().enumerate() {
        findings.extend(judged.findings);
        for (pointer, finding) in judged.placeholders {
            findings.push(finding);
            if placeholders_reported {
                // What the placeholder stands for is absent, for the rules too (a registry
                // number `TBD` is not also one of the wrong form), except the title: the rules'
                // messages name the document by it, and `Riktlinje för <ämne>` still names it.
                if pointer != "/title" {
                    withheld.push((index, pointer.clone()));
                }
                placeholder_values.insert((index, pointer));
            }
        }
        withheld.extend(judged.withheld.into_iter().map(|pointer| (index, pointer)));
    }
    let references = check_references(repository, today, &placeholder_values);
    findings.extend(references.findings);
    findings.extend(check_parent_chains(repository));
    Validation {
        findings,
        unjudged: references.unjudged,
        defective,
        withheld,
    }
}

/// What validation made of one record.
#[derive(Default)]
struct Judged {
    findings: Vec<Finding>,
    /// The pointers of the values the schema refused.
    withheld: Vec<String>,
    /// DOC001: the template placeholders of a governing document's header, by pointer.
    placeholders: Vec<(String, Finding)>,
}

/// The header fields of a governing document a template leaves placeholders in; the body text,
/// purpose and other prose may quote `[…]` or `...` on purpose.
const HEADER_FIELDS: &[&str] = &[
    "title",
    "registry_number",
    "decided_by",
    "applies_to",
    "decision",
    "adoptions",
    "valid_from",
    "valid_to",
    "last_revised",
    "document_owner",
    "topic",
    "url",
    "appendices",
];

/// What a template leaves for its user to fill in: `[Datum]`, `<ämne>`, `TBD`, `XXX`, `…`.
static PLACEHOLDER: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\[[^\]]*\]|<[^>]*>|(?i:\bTBD\b)|\bXXX+\b|…|\.\.\.").ok()
});

/// DOC001 of one record: a finding per placeholder, at its value.
fn placeholders(repository: &Repository, index: usize) -> Vec<(String, Finding)> {
    let record = repository.record(index);
    let Some(pattern) = PLACEHOLDER.as_ref() else {
        return Vec::new();
    };
    if record.kind != "governing_document" {
        return Vec::new();
    }
    let mut found = Vec::new();
    for entry in record.node.entries().unwrap_or_default() {
        if HEADER_FIELDS.contains(&entry.key.as_ref()) {
            let pointer = format!("/{}", escape_pointer_token(&entry.key));
            collect_placeholders(&entry.value, pointer, pattern, &mut found);
        }
    }
    found
        .into_iter()
        .map(|(pointer, node)| {
            let field = field_name(&pointer);
            let text = node.as_str().unwrap_or_default();
            let message = Message::new(
                format!("`{field}` still holds the template placeholder «{text}»"),
                format!("`{field}` innehåller fortfarande mallens platshållare «{text}»"),
            );
            let finding = repository.finding(
                &builtin::DOC001.origin(),
                index,
                &pointer,
                node.span(),
                "",
                message,
            );
            (pointer, finding)
        })
        .collect()
}

fn collect_placeholders<'n>(
    node: &'n Node,
    pointer: String,
    pattern: &regex::Regex,
    found: &mut Vec<(String, &'n Node)>,
) {
    match &node.value {
        crate::source::node::Value::String(text) if pattern.is_match(text.as_str()) => {
            found.push((pointer, node));
        }
        crate::source::node::Value::Sequence(items) => {
            for (position, item) in items.iter().enumerate() {
                collect_placeholders(item, format!("{pointer}/{position}"), pattern, found);
            }
        }
        crate::source::node::Value::Map(entries) => {
            for entry in entries {
                let below = format!("{pointer}/{}", escape_pointer_token(&entry.key));
                collect_placeholders(&entry.value, below, pattern, found);
            }
        }
        _ => {}
    }
}

/// The "did you mean" of each unknown field, worked out once: a register's unknown column is the
/// same unknown field in every one of its rows, and comparing it with every known name for each
/// of 100,000 rows took a second.
#[derive(Default)]
struct Hints {
    /// (kind, place, field) → the hint in English and in Swedish.
    unknown_fields: std::sync::Mutex<HashMap<UnknownField, (String, String)>>,
}

type UnknownField = (&'static str, String, String);

impl Hints {
    fn unknown_field(
        &self,
        kind: &'static str,
        path: &str,
        key: &str,
        work_out: impl FnOnce() -> (String, String),
    ) -> (String, String) {
        let cache_key = (kind, path.to_string(), key.to_string());
        if let Ok(known) = self.unknown_fields.lock()
            && let Some(hints) = known.get(&cache_key)
        {
            return hints.clone();
        }
        let hints = work_out();
        if let Ok(mut known) = self.unknown_fields.lock() {
            known.insert(cache_key, hints.clone());
        }
        hints
    }
}

/// A pointer with its list indices made alike (`/distributions/3/x` is `/distributions/*/x`):
/// the fields allowed at a place do not depend on which item of a list it is.
fn pointer_shape(pointer: &str) -> String {
    pointer
        .split('/')
        .map(|token| {
            if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
                "*"
            } else {
                token
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn validate_record(
    repository: &Repository,
    schema: &KindSchema,
    index: usize,
    hints: &Hints,
    reported_by_rule: &(dyn Fn(&str) -> bool + Sync),
    placeholders: &[(String, Finding)],
    placeholders_reported: bool,
) -> Judged {
    let record = repository.record(index);
    // The tree is read in place: nearly every record is valid, and the verdict needs no copy.
    if schema.validator.is_valid(&record.node) {
        return Judged::default();
    }
    let mut findings = Vec::new();
    let mut withheld = Vec::new();
    let mut judged_values = std::collections::HashSet::new();
    for error in schema.validator.iter_errors(&record.node) {
        let pointer = error.instance_path().as_str().to_string();
        let schema_path = error.schema_path().as_str().to_string();
        let condition = condition(schema, &schema_path);
        if let Some(rule) = condition
            .as_ref()
            .and_then(|condition| condition.reported_by)
            && reported_by_rule(rule)
        {
            continue;
        }
        let node = record.node.pointer(&pointer);
        let field = field_name(&pointer);
        let value = || show(error.instance());
        // An address no mail reaches is still the address the register gives: a rule asking
        // whether a contact has one would otherwise report this defect again, as a missing one.
        // No rule computes on an address, so nothing reads it wrongly.
        let kept_though_refused =
            matches!(error.kind(), ValidationErrorKind::Format { format } if format == "email");
        let (message, span, pointer, detail) = match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for key in unexpected {
                    let path = tokens(&pointer);
                    let (place, place_sv) = if pointer.is_empty() {
                        (
                            article(record.kind),
                            format!("en post av typen {}", record.kind),
                        )
                    } else {
                        (format!("`{field}`"), format!("`{field}`"))
                    };
                    let (hint, hint_sv) =
                        hints.unknown_field(record.kind, &pointer_shape(&pointer), key, || {
                            let known = schema.property_names(&path);
                            let hint =
                                did_you_mean(key, known.iter().copied()).unwrap_or_else(|| {
                                    format!(
                                        "`tillsyn schema show {}` lists the fields",
                                        record.kind
                                    )
                                });
                            let hint_sv = did_you_mean_sv(key, known.iter().copied())
                                .unwrap_or_else(|| {
                                    format!("`tillsyn schema show {}` listar fälten", record.kind)
                                });
                            (hint, hint_sv)
                        });
                    let span = node
                        .entry(key)
                        .map_or(node.span(), |entry| entry.key_span());
                    let key_pointer = format!("{pointer}/{}", escape_pointer_token(key));
                    let message = Message::new(
                        format!("unknown field `{key}` in {place}; {hint}"),
                        format!("okänt fält `{key}` i {place_sv}; {hint_sv}"),
                    );
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
                let mut message = Message::new(
                    format!("missing required field {missing}"),
                    format!("obligatoriskt fält {missing} saknas"),
                );
                if let Some(condition) = &condition {
                    message = Message::new(
                        format!("{}: {}", message.en, condition.en),
                        format!("{}: {}", message.sv.unwrap_or_default(), condition.sv),
                    );
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
                    Message::new(
                        format!(
                            "`{field}` must be {}, not {} {}",
                            article(expected),
                            node.type_name(),
                            value()
                        ),
                        format!(
                            "`{field}` måste vara {}, inte {} ({})",
                            json_type_sv(expected),
                            node.type_name_sv(),
                            value()
                        ),
                    ),
                    node.span(),
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
                let choices_text = choices.join(", ");
                let labels = schema.enum_labels_sv(&tokens(&pointer));
                let label_of = |choice: &str| {
                    labels
                        .iter()
                        .find(|(value, _)| *value == choice)
                        .map(|(_, words)| *words)
                };
                let choices_text_sv = choices
                    .iter()
                    .map(|choice| match label_of(choice) {
                        Some(words) => format!("{choice} ({words})"),
                        None => (*choice).to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut en = format!(
                    "{} is not a valid `{field}`; expected one of {choices_text}",
                    value()
                );
                let mut sv = format!(
                    "{} är inget giltigt värde för `{field}`; tillåtna värden är {choices_text_sv}",
                    value()
                );
                // `nämnd` for `committee`: the Swedish word is written for its value.
                let by_words = error.instance().as_str().and_then(|text| {
                    labels
                        .iter()
                        .find(|(_, words)| {
                            words
                                .split(", ")
                                .any(|word| word.trim().eq_ignore_ascii_case(text.trim()))
                        })
                        .map(|(value, words)| (*value, *words))
                });
                if let Some((choice, words)) = by_words {
                    en = format!("{en} (write `{choice}` for {words})");
                    sv = format!("{sv} (skriv `{choice}` för {words})");
                } else if let Some(text) = error.instance().as_str()
                    && let Some(hint) = did_you_mean(text, choices.iter().copied())
                {
                    en = format!("{en} ({hint})");
                    let hint_sv = did_you_mean_sv(text, choices.iter().copied()).unwrap_or(hint);
                    sv = format!("{sv} ({hint_sv})");
                }
                let message = Message::new(en, sv);
                (message, node.span(), pointer, "enum".to_string())
            }
            ValidationErrorKind::Constant { expected_value } => (
                Message::new(
                    format!("`{field}` must be {expected_value}, not {}", value()),
                    format!("`{field}` måste vara {expected_value}, inte {}", value()),
                ),
                node.span(),
                pointer,
                "const".to_string(),
            ),
            ValidationErrorKind::Format { format } if format == "email" => {
                let problem = error
                    .instance()
                    .as_str()
                    .and_then(crate::email::problem)
                    .unwrap_or(crate::email::Problem::Syntax);
                let (reason, reason_sv) = problem.words();
                (
                    Message::new(
                        format!("{} is not a usable `{field}`: {reason}", value()),
                        format!("{} är ingen användbar `{field}`: {reason_sv}", value()),
                    ),
                    node.span(),
                    pointer,
                    "format".to_string(),
                )
            }
            ValidationErrorKind::Format { format } => {
                let (expected, expected_sv) = match format.as_str() {
                    "date" => (
                        "a calendar date YYYY-MM-DD, e.g. 2026-03-31",
                        "ett datum ÅÅÅÅ-MM-DD, t.ex. 2026-03-31",
                    ),
                    "date-time" => (
                        "an RFC 3339 instant with offset, e.g. 2026-03-02T08:15:00+01:00",
                        "en tidpunkt enligt RFC 3339 med tidszon, t.ex. 2026-03-02T08:15:00+01:00",
                    ),
                    "duration" => (
                        "an ISO 8601 period, e.g. P12M or P3Y",
                        "en period enligt ISO 8601, t.ex. P12M eller P3Y",
                    ),
                    other => (other, other),
                };
                let (expected, expected_sv) = schema
                    .accepts(&tokens(&pointer))
                    .unwrap_or((expected, expected_sv));
                (
                    Message::new(
                        format!("{} is not a valid `{field}`: expected {expected}", value()),
                        format!(
                            "{} är inget giltigt värde för `{field}`: förväntade {expected_sv}",
                            value()
                        ),
                    ),
                    node.span(),
                    pointer,
                    "format".to_string(),
                )
            }
            ValidationErrorKind::Pattern { pattern } => {
                let message = if field == "id"
                    || schema_path.contains("/$defs/id")
                    || pattern == "^\\S+$"
                {
                    Message::new(
                        format!(
                            "{} is not a valid id: an id is a non-empty text without white space",
                            value()
                        ),
                        format!(
                            "{} är inget giltigt id: ett id är en icke-tom text utan blanksteg",
                            value()
                        ),
                    )
                } else {
                    let (accepts, accepts_sv) = schema.accepts(&tokens(&pointer)).unwrap_or((
                        "a value in the form its field description gives (`tillsyn schema show`)",
                        "ett värde i den form fältets beskrivning anger (`tillsyn schema show`)",
                    ));
                    Message::new(
                        format!("{} is not a valid `{field}`: expected {accepts}", value()),
                        format!(
                            "{} är inget giltigt värde för `{field}`: förväntade {accepts_sv}",
                            value()
                        ),
                    )
                };
                (message, node.span(), pointer, "pattern".to_string())
            }
            _ => {
                let name = if field.is_empty() {
                    record.kind
                } else {
                    &field
                };
                let shown = value();
                let (en, sv) = match error.kind() {
                    ValidationErrorKind::Maximum { limit } => (
                        format!("`{name}` may be at most {limit}, not {shown}"),
                        format!("`{name}` får vara högst {limit}, inte {shown}"),
                    ),
                    ValidationErrorKind::Minimum { limit } => (
                        format!("`{name}` must be at least {limit}, not {shown}"),
                        format!("`{name}` måste vara minst {limit}, inte {shown}"),
                    ),
                    ValidationErrorKind::ExclusiveMaximum { limit } => (
                        format!("`{name}` must be less than {limit}, not {shown}"),
                        format!("`{name}` måste vara mindre än {limit}, inte {shown}"),
                    ),
                    ValidationErrorKind::ExclusiveMinimum { limit } => (
                        format!("`{name}` must be greater than {limit}, not {shown}"),
                        format!("`{name}` måste vara större än {limit}, inte {shown}"),
                    ),
                    // An empty text or table is not a value: nothing to mend in it but to fill it.
                    ValidationErrorKind::MinLength { limit: 1 }
                    | ValidationErrorKind::MinProperties { limit: 1 }
                    | ValidationErrorKind::MinItems { limit: 1 } => (
                        format!("`{name}` is empty; give it a value or leave it out"),
                        format!("`{name}` är tomt; ge det ett värde eller ta bort det"),
                    ),
                    ValidationErrorKind::MinLength { limit } => (
                        format!("`{name}` must have at least {limit} characters, not {shown}"),
                        format!("`{name}` måste ha minst {limit} tecken, inte {shown}"),
                    ),
                    ValidationErrorKind::MaxLength { limit } => (
                        format!("`{name}` may have at most {limit} characters, not {shown}"),
                        format!("`{name}` får ha högst {limit} tecken, inte {shown}"),
                    ),
                    ValidationErrorKind::MinItems { limit } => (
                        format!("`{name}` must have at least {limit} items, not {shown}"),
                        format!("`{name}` måste ha minst {limit} element, inte {shown}"),
                    ),
                    ValidationErrorKind::MaxItems { limit } => (
                        format!("`{name}` may have at most {limit} items, not {shown}"),
                        format!("`{name}` får ha högst {limit} element, inte {shown}"),
                    ),
                    ValidationErrorKind::MinProperties { limit } => (
                        format!("`{name}` must have at least {limit} entries, not {shown}"),
                        format!("`{name}` måste ha minst {limit} poster, inte {shown}"),
                    ),
                    ValidationErrorKind::MaxProperties { limit } => (
                        format!("`{name}` may have at most {limit} entries, not {shown}"),
                        format!("`{name}` får ha högst {limit} poster, inte {shown}"),
                    ),
                    ValidationErrorKind::UniqueItems => (
                        format!("`{name}` holds the same value twice: {shown}"),
                        format!("`{name}` får inte innehålla samma värde två gånger: {shown}"),
                    ),
                    ValidationErrorKind::PropertyNames { error: key_error } => {
                        let key = show(key_error.instance());
                        let (accepts, accepts_sv) =
                            schema.names_accept(&tokens(&pointer)).unwrap_or((
                                "a name its field description gives",
                                "ett namn som fältets beskrivning anger",
                            ));
                        (
                            format!("`{name}` has the key {key}, which is not {accepts}"),
                            format!("`{name}` har nyckeln {key}, som inte är {accepts_sv}"),
                        )
                    }
                    // Whatever else a schema of a tree's own may say: the value and where, not
                    // the validator's vocabulary.
                    _ => (
                        format!(
                            "{shown} is not a valid `{name}` (`tillsyn schema show {}` describes it)",
                            record.kind
                        ),
                        format!(
                            "{shown} är inget giltigt värde för `{name}` (`tillsyn schema show {}` beskriver det)",
                            record.kind
                        ),
                    ),
                };
                let mut message = Message::new(en, sv);
                if matches!(
                    error.kind(),
                    ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. }
                ) && let Some((accepts, accepts_sv)) = schema.accepts(&tokens(&pointer))
                {
                    message = Message::new(
                        format!("{shown} is not a valid `{name}`: expected {accepts}"),
                        format!(
                            "{shown} är inget giltigt värde för `{name}`: förväntade {accepts_sv}"
                        ),
                    );
                }
                // A conditional requirement says in its own words what the raw error does not.
                if let Some(condition) = &condition {
                    message = Message::new(condition.en, condition.sv);
                }
                let keyword = schema_path
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                (message, node.span(), pointer, keyword)
            }
        };
        // A value that breaks two keywords (a period that is neither a duration nor of its
        // pattern) is one defect: the first error says it.
        if detail != "required" && !judged_values.insert(pointer.clone()) {
            continue;
        }
        // A refused value counts as absent for the rules; a record, or a table that lacks a
        // field, is not refused as a whole.
        let refused_value = detail != "required" && !pointer.is_empty() && !kept_though_refused;
        if refused_value {
            withheld.push(pointer.clone());
        }
        // A placeholder left in a date is DOC001's finding, not also an invalid date.
        if placeholders_reported
            && refused_value
            && placeholders
                .iter()
                .any(|(placeholder, _)| *placeholder == pointer)
        {
            continue;
        }
        findings.push(repository.finding(
            &builtin::SCH001.origin(),
            index,
            &pointer,
            span,
            &detail,
            message,
        ));
    }
    Judged {
        findings,
        withheld,
        placeholders: Vec::new(),
    }
}

/// Where a missing field is reported: at the key of the table that lacks it (`classification:`),
/// or at the record itself for a field of the record.
fn owner_span(record: &Node, pointer: &str) -> Span {
    match pointer.rsplit_once('/') {
        Some((parent, last)) => {
            let key = unescape_pointer_token(last);
            record
                .key_span(parent, &key)
                .unwrap_or_else(|| record.pointer(pointer).span())
        }
        None => record.span(),
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
            name.push_str(&unescape_pointer_token(token));
        }
    }
    name
}

/// The description of the conditional requirement an error came from (`/allOf/N/…`).
fn condition<'a>(schema: &'a KindSchema, schema_path: &str) -> Option<Condition<'a>> {
    let after = schema_path.split("/allOf/").nth(1)?;
    let index = after.split('/').next()?.parse().ok()?;
    schema.condition(index)
}

fn show(value: &Json) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

/// A JSON Schema type in Swedish, with its article (`ett heltal`).
fn json_type_sv(name: &str) -> String {
    match name {
        "string" => "en text",
        "integer" => "ett heltal",
        "number" => "ett tal",
        "boolean" => "ett sanningsvärde",
        "array" => "en lista",
        "object" => "en tabell",
        "null" => "ett tomt värde",
        other => return other.to_string(),
    }
    .to_string()
}

fn article(noun: &str) -> String {
    let first = noun.chars().next().unwrap_or('x');
    if "aeiou".contains(first) {
        format!("an {noun}")
    } else {
        format!("a {noun}")
    }
}

fn check_references(
    repository: &Repository,
    today: Date,
    placeholder_values: &std::collections::HashSet<(usize, String)>,
) -> Validation {
    let mut findings = Vec::new();
    // Per referencing file, in file order: the references waiting on files not read.
    let mut waiting: std::collections::BTreeMap<usize, Vec<Waiting>> =
        std::collections::BTreeMap::new();
    let mut unjudged = Vec::new();
    for reference in &repository.references {
        let from = repository.record(reference.from());
        match reference.resolved() {
            None => {
                let (pointer, target) = reference.located(repository);
                if !placeholder_values.is_empty()
                    && placeholder_values.contains(&(reference.from(), pointer.clone()))
                {
                    continue;
                }
                let field = reference.field();
                let kinds = reference.kinds().join(" or ");
                let kinds_sv = reference.kinds().join(" eller ");
                let message = match repository.resolve(&other_kinds(reference.kinds()), target) {
                    Some(other) => {
                        let other = repository.record(other).kind;
                        Message::new(
                            format!(
                                "`{field}` names `{target}`, which is a {other}, not a {kinds}"
                            ),
                            format!(
                                "`{field}` hänvisar till `{target}`, som är av typen {other}, inte {kinds_sv}"
                            ),
                        )
                    }
                    None => Message::new(
                        format!("`{field}` names `{target}`, but no {kinds} has that id"),
                        format!(
                            "`{field}` hänvisar till `{target}`, men ingen post av typen {kinds_sv} har det id:t"
                        ),
                    ),
                };
                let finding = repository.finding(
                    &builtin::XRF001.origin(),
                    reference.from(),
                    &pointer,
                    reference.span(),
                    "",
                    message,
                );
                let blocking = unread_holding(repository, reference.kinds());
                if blocking.is_empty() {
                    findings.push(finding);
                } else {
                    waiting.entry(from.file).or_default().push(Waiting {
                        kind: reference.kinds().first().copied().unwrap_or_default(),
                        id: target.to_string(),
                        span: reference.span(),
                        blocking,
                    });
                    unjudged.push(finding.fingerprint);
                }
            }
            Some(target) if from.is_active() => {
                let target_record = repository.record(target);
                let problem = if target_record.status() == "retired" {
                    Some(("is retired".to_string(), "är avvecklad".to_string()))
                } else if target_record.kind == "role_assignment" {
                    assignment_not_in_force(target_record, today)
                } else {
                    None
                };
                if let Some((problem, problem_sv)) = problem {
                    let (pointer, target) = reference.located(repository);
                    let (field, kind) = (reference.field(), target_record.kind);
                    let message = Message::new(
                        format!("`{field}` names the {kind} `{target}`, which {problem}"),
                        format!(
                            "`{field}` hänvisar till posten `{target}` av typen {kind}, som {problem_sv}"
                        ),
                    );
                    findings.push(repository.finding(
                        &builtin::XRF003.origin(),
                        reference.from(),
                        &pointer,
                        reference.span(),
                        "",
                        message,
                    ));
                }
            }
            Some(_) => {}
        }
    }
    for (file, references) in waiting {
        if let Some(source) = repository.files.get(file) {
            findings.push(waiting_finding(source, &references));
        }
    }
    Validation {
        findings,
        unjudged,
        defective: HashMap::new(),
        withheld: Vec::new(),
    }
}

/// XRF004: an org unit's chain of `parent`s that comes back to where it started, once per loop
/// at the loop's first unit in file order; and the first unit of a chain more than
/// [`MOST_PARENT_LEVELS`] below its top, once per such unit (not once for every unit below it).
/// Each unit is walked once: a walk stops at a unit an earlier walk has settled.
fn check_parent_chains(repository: &Repository) -> Vec<Finding> {
    // unit → the reference of its `parent` that resolves to another org unit.
    let mut parent: HashMap<usize, &crate::repository::Reference> = HashMap::new();
    for reference in &repository.references {
        let names_parent = matches!(
            reference.schema.path.as_slice(),
            [crate::schema::Step::Key(key)] if key == "parent"
        );
        let from = reference.from();
        if names_parent
            && repository.record(from).kind == "org_unit"
            && let Some(target) = reference.resolved()
            && repository.record(target).kind == "org_unit"
        {
            parent.insert(from, reference);
        }
    }
    #[derive(Clone, Copy)]
    enum Walk {
        OnPath,
        /// The number of units above it, when its chain ends at a top unit.
        Levels(usize),
        /// Its chain runs into a loop.
        Loops,
    }
    let mut walk: HashMap<usize, Walk> = HashMap::new();
    let mut findings = Vec::new();
    let mut units: Vec<usize> = parent.keys().copied().collect();
    units.sort_unstable();
    for &start in &units {
        let mut path = Vec::new();
        let mut current = start;
        // The number of units above the path's last unit, or `None` when the chain loops.
        let end = loop {
            match walk.get(&current).copied() {
                None => {
                    walk.insert(current, Walk::OnPath);
                    path.push(current);
                    match parent
                        .get(&current)
                        .and_then(|reference| reference.resolved())
                    {
                        Some(above) => current = above,
                        None => break Some(0),
                    }
                }
                Some(Walk::OnPath) => {
                    let first = path.iter().position(|&unit| unit == current).unwrap_or(0);
                    if let Some(&reported) = path.get(first..).unwrap_or_default().iter().min() {
                        findings.push(loop_finding(repository, &parent, reported));
                    }
                    break None;
                }
                Some(Walk::Levels(levels)) => break Some(levels + 1),
                Some(Walk::Loops) => break None,
            }
        };
        for (steps_up, &unit) in path.iter().rev().enumerate() {
            let settled = match end {
                Some(levels) => Walk::Levels(levels + steps_up),
                None => Walk::Loops,
            };
            if let Walk::Levels(levels) = settled
                && levels == MOST_PARENT_LEVELS + 1
            {
                findings.push(too_deep_finding(repository, &parent, unit));
            }
            walk.insert(unit, settled);
        }
    }
    findings
}

/// The chain of a loop, from `unit` round to it again: `A → B → A`.
fn loop_chain(
    repository: &Repository,
    parent: &HashMap<usize, &crate::repository::Reference>,
    unit: usize,
) -> String {
    let name = |index: usize| repository.record(index).id().unwrap_or("?").to_string();
    let mut chain = vec![name(unit)];
    let mut current = unit;
    while let Some(above) = parent
        .get(&current)
        .and_then(|reference| reference.resolved())
    {
        chain.push(name(above));
        if above == unit || chain.len() > MOST_PARENT_LEVELS + 1 {
            break;
        }
        current = above;
    }
    chain.join(" → ")
}

fn loop_finding(
    repository: &Repository,
    parent: &HashMap<usize, &crate::repository::Reference>,
    unit: usize,
) -> Finding {
    let chain = loop_chain(repository, parent, unit);
    let message = Message::new(
        format!("the chain of `parent` comes back to this unit: {chain}, so no unit is at its top"),
        format!(
            "kedjan av `parent` leder tillbaka till enheten: {chain}, så ingen enhet står överst"
        ),
    );
    parent_finding(repository, parent, unit, message)
}

fn too_deep_finding(
    repository: &Repository,
    parent: &HashMap<usize, &crate::repository::Reference>,
    unit: usize,
) -> Finding {
    let message = Message::new(
        format!(
            "this unit has more than {MOST_PARENT_LEVELS} units above it through `parent`; tillsyn follows `parent` at most {MOST_PARENT_LEVELS} levels, so for it and the units below it only the nearest {MOST_PARENT_LEVELS} are seen"
        ),
        format!(
            "enheten har fler än {MOST_PARENT_LEVELS} enheter ovanför sig genom `parent`; tillsyn följer `parent` högst {MOST_PARENT_LEVELS} nivåer, så för den och enheterna under den syns bara de {MOST_PARENT_LEVELS} närmaste"
        ),
    );
    parent_finding(repository, parent, unit, message)
}

/// An XRF004 at the unit's `parent` value.
fn parent_finding(
    repository: &Repository,
    parent: &HashMap<usize, &crate::repository::Reference>,
    unit: usize,
    message: Message,
) -> Finding {
    let (pointer, span) = match parent.get(&unit) {
        Some(reference) => (reference.located(repository).0, reference.span()),
        None => (String::new(), Span::at(0)),
    };
    repository.finding(&builtin::XRF004.origin(), unit, &pointer, span, "", message)
}

/// A reference whose target may be in a file that could not be read.
struct Waiting {
    kind: &'static str,
    id: String,
    span: Span,
    /// The paths of the unread files that may hold the target.
    blocking: Vec<String>,
}

/// The unread files that may hold a record of one of `kinds`, in path order.
fn unread_holding(repository: &Repository, kinds: &[&str]) -> Vec<String> {
    let mut paths: Vec<String> = repository
        .unread
        .iter()
        .filter(|unread| unread.kind.is_some_and(|kind| kinds.contains(&kind)))
        .filter_map(|unread| repository.files.get(unread.file))
        .map(|file| file.path.clone())
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// How many waiting ids a finding names before "and N more".
const WAITING_SHOWN: usize = 5;

/// One XRF001 for the references of a file that wait on files that could not be read, at the
/// first of them.
fn waiting_finding(source: &crate::repository::SourceText, references: &[Waiting]) -> Finding {
    let mut blocking: Vec<&str> = references
        .iter()
        .flat_map(|reference| reference.blocking.iter().map(String::as_str))
        .collect();
    blocking.sort_unstable();
    blocking.dedup();
    let files = blocking.join(", ");
    let listed = references
        .iter()
        .take(WAITING_SHOWN)
        .map(|reference| format!("{} {}", reference.kind, reference.id))
        .collect::<Vec<_>>()
        .join(", ");
    let more = references.len().saturating_sub(WAITING_SHOWN);
    let count = references.len();
    let (noun, noun_sv, named, named_sv) = if count == 1 {
        (
            "reference",
            "hänvisning",
            "the record it names",
            "posten den anger",
        )
    } else {
        (
            "references",
            "hänvisningar",
            "the records they name",
            "posterna de anger",
        )
    };
    let (names, names_sv) = if more > 0 {
        (
            format!("{listed} and {more} more"),
            format!("{listed} och {more} till"),
        )
    } else {
        (listed.clone(), listed)
    };
    let message = Message::new(
        format!(
            "{count} {noun} in this file cannot be checked: {named} ({names}) may be in {files}, which could not be read; fix that first"
        ),
        format!(
            "{count} {noun_sv} i den här filen kan inte kontrolleras: {named_sv} ({names_sv}) kan finnas i {files}, som inte kunde läsas; rätta det först"
        ),
    );
    let first = references
        .first()
        .map_or(Span::at(0), |reference| reference.span);
    let position = source.position(first);
    let mut finding = builtin::XRF001.origin().at(
        message,
        &source.path,
        position.line,
        position.column,
        String::new(),
    );
    finding.cell = source.cell(first);
    finding.fingerprint = crate::finding::Identity {
        rule: builtin::XRF001.id,
        kind: "",
        record: "",
        pointer: &source.path,
        detail: "waiting on files not read",
    }
    .fingerprint();
    finding
}

/// Every kind but the named ones: to tell "wrong kind" from "no such record".
fn other_kinds(kinds: &[&str]) -> Vec<&'static str> {
    crate::schema::kind_names()
        .into_iter()
        .filter(|kind| !kinds.contains(kind))
        .collect()
}

/// Why a role assignment is not in force on `today`, if it is not: in English and Swedish.
fn assignment_not_in_force(assignment: &Record, today: Date) -> Option<(String, String)> {
    if !assignment.is_active() {
        let status = assignment.status();
        return Some((
            format!("has status {status}"),
            format!("har status {status}"),
        ));
    }
    if assignment.in_force(today) {
        return None;
    }
    if let Some(from) = assignment.date("valid_from")
        && from > today
    {
        return Some((
            format!("is in force only from {from}"),
            format!("gäller först från {from}"),
        ));
    }
    if let Some(to) = assignment.date("valid_to")
        && to < today
    {
        return Some((format!("ended on {to}"), format!("upphörde {to}")));
    }
    None
}
