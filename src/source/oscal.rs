//! Reading NIST OSCAL documents (1.0.x and 1.1.x, JSON or YAML) into tillsyn's records: a system
//! security plan (SSP) gives one `system`; an assessment results document gives one
//! `risk_analysis` per result; a plan of action and milestones (POA&M) gives one `risk_analysis`
//! of the system it names. Other OSCAL models (catalogs, profiles, component definitions,
//! assessment plans) hold nothing tillsyn judges and give no records.
//!
//! The text is parsed by tillsyn's own JSON or YAML reader (by the file's extension), and every
//! field of a record is the node of the OSCAL value it came from, so that a finding points at the
//! line and column of, say, the `security-objective-integrity` value.
//!
//! What is read, and how it maps:
//! - the system's `id` is `system-characteristics.system-ids[0].id`: it stays the same across
//!   revisions of the plan (the document's `uuid` changes with each), and it is what a POA&M's
//!   `system-id` names. Its `name` is `system-name`.
//! - `status.state` becomes `lifecycle`: `operational` and `under-major-modification` are
//!   `operating`, `under-development` is `planned`, `disposition` is `decommissioning`; any
//!   other state (`other`) is kept as written, for the schema to report at its line.
//! - `security-impact-level` becomes `declared_classification`. The FIPS 199 impact values
//!   (`fips-199-low`, `fips-199-moderate`, `fips-199-high`, also written without the prefix) are
//!   tillsyn's levels 1, 2 and 3: FIPS 199's "limited", "serious" and "severe" adverse effects
//!   read as KLASSA's måttlig, betydande and allvarlig. The table is the param
//!   `oscal_impact_levels` (its default is [`FIPS_199_LEVELS`]), which `check` passes down
//!   through the file's mapping before anything is parsed; `import`, which loads no rules, reads
//!   FIPS 199's. A value outside the table (NIST's own IFA example writes `medium`) is kept as
//!   written: the schema then reports it at the value instead of the importer guessing which
//!   level was meant, and an organisation whose plans say `medium` names it in the param.
//! - `responsible-parties` (of the system characteristics, else of the metadata) with the role
//!   `system-owner` or `owner` give `system_owner`, with `system-manager` or `maintainer` give
//!   `system_manager`; the value is the party's uuid, which a `role_assignment` of that id
//!   resolves (otherwise the reference check says the owner is not in the registers). Other roles
//!   (security officer, authorising official, assessor) have no field of a system and are left
//!   out. Nothing gives `unit`: OSCAL knows no organisational unit of the tillsyn kind, so the
//!   schema asks for one.
//! - the prop `cloud-service-model` `saas`, `paas` or `iaas` gives `hosting.model`.
//! - `system-implementation.components[].uuid` give `components`: what an assessment names.
//! - an assessment result's `id` is its `uuid`, `performed_on` the day of its `end` (else its
//!   `start`), and `assessed_components` the components its observations name. An assessment
//!   results document does not name the system it assessed (its plan does), so the repository
//!   takes the `object` to be the system whose `components` hold one of the assessed ones.
//! - a POA&M's `id` is its `uuid`, its `object` its `system-id`, and `performed_on` the day it
//!   was last modified: the day its account of the system's risks was last brought up to date.

use std::collections::BTreeMap;

use super::imported::{Fields, Records, list, string};
use super::node::{Node, Value};
use super::span::Span;
use super::{Limits, ParseError};

const MODELS: &[&str] = &[
    "system-security-plan",
    "assessment-results",
    "plan-of-action-and-milestones",
];

/// OSCAL models that hold nothing tillsyn judges: read, and giving no records.
const OTHER_MODELS: &[&str] = &[
    "catalog",
    "profile",
    "component-definition",
    "assessment-plan",
    "mapping-collection",
];

/// The records of an OSCAL document, or why it cannot be read.
pub fn parse(text: &str, path: &str, limits: &Limits) -> Result<Node, ParseError> {
    parse_with_levels(text, path, limits, &BTreeMap::new())
}

/// [`parse`] with the impact words and levels of the param `oscal_impact_levels` (empty: FIPS
/// 199's, [`FIPS_199_LEVELS`]).
pub fn parse_with_levels(
    text: &str,
    path: &str,
    limits: &Limits,
    levels: &BTreeMap<String, i64>,
) -> Result<Node, ParseError> {
    let root = if is_yaml(path) {
        super::yaml::parse(text, limits)?
    } else {
        super::json::parse(text, limits)?
    };
    let mut records = Records::default();
    let Some(entries) = root.entries() else {
        return Err(not_oscal(root.span()));
    };
    let Some(document) = entries
        .iter()
        .find(|entry| MODELS.contains(&entry.key.as_str()))
    else {
        if entries
            .iter()
            .any(|entry| OTHER_MODELS.contains(&entry.key.as_str()))
        {
            return Ok(records.into_root());
        }
        return Err(not_oscal(root.span()));
    };
    let body = &document.value;
    check_version(body)?;
    match document.key.as_str() {
        "system-security-plan" => {
            if let Some(system) = system(body, levels) {
                records.push("system", system);
            }
        }
        "assessment-results" => {
            let results = body.get("results").map(items).unwrap_or_default();
            for result in results
                .iter()
                .take(limits.records_per_file.saturating_add(1))
            {
                records.push("risk_analysis", assessment(result));
            }
        }
        _ => records.push("risk_analysis", plan_of_action(body)),
    }
    Ok(records.into_root())
}

fn is_yaml(path: &str) -> bool {
    let extension = path
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase())
        .unwrap_or_default();
    matches!(extension.as_str(), "yaml" | "yml")
}

fn not_oscal(span: Span) -> ParseError {
    ParseError::ours(
        "not an OSCAL document that tillsyn reads: its top level names no system security plan, assessment results or plan of action and milestones",
        "inte ett OSCAL-dokument som tillsyn läser: översta nivån namnger ingen systemsäkerhetsplan, inga bedömningsresultat och ingen åtgärdsplan",
        span,
    )
    .with_hint(
        "point the [[sources]] entry with format = \"oscal\" at OSCAL files only, e.g. exported from your GRC tool",
        "låt [[sources]]-posten med format = \"oscal\" bara peka på OSCAL-filer, t.ex. exporterade från ert GRC-verktyg",
    )
}

/// OSCAL 1.0.x and 1.1.x share the fields read here; another major or minor version may not.
fn check_version(body: &Node) -> Result<(), ParseError> {
    let Some(version) = body
        .get("metadata")
        .and_then(|metadata| metadata.get("oscal-version"))
    else {
        return Ok(());
    };
    let written = version.as_str().unwrap_or_default();
    if written.starts_with("1.0.") || written.starts_with("1.1.") {
        return Ok(());
    }
    Err(ParseError::ours(
        format!("OSCAL version {written} is not one tillsyn reads (1.0.x and 1.1.x)"),
        format!("OSCAL-version {written} är inte en som tillsyn läser (1.0.x och 1.1.x)"),
        version.span(),
    )
    .with_hint(
        "export the document as OSCAL 1.1, or check it with a tool that knows its version",
        "exportera dokumentet som OSCAL 1.1, eller granska det med ett verktyg som känner dess version",
    ))
}

/// The items of a list node (none for anything else).
fn items(node: &Node) -> &[Node] {
    match &node.value {
        Value::Sequence(items) => items,
        _ => &[],
    }
}

/// A text value that is not blank, with its node.
fn text(node: Option<&Node>) -> Option<(&str, &Node)> {
    let node = node?;
    let written = node.as_str()?.trim();
    (!written.is_empty()).then_some((written, node))
}

fn system(plan: &Node, impact_levels: &BTreeMap<String, i64>) -> Option<Node> {
    let characteristics = plan.get("system-characteristics")?;
    let mut record = Fields::new(characteristics.span());
    let system_id = characteristics
        .get("system-ids")
        .map(items)
        .and_then(|ids| ids.first())
        .and_then(|first| text(first.get("id")))
        .or_else(|| text(plan.get("uuid")));
    if let Some((id, node)) = system_id {
        record.set_str("id", id, node.span());
    }
    if let Some((name, node)) = text(characteristics.get("system-name")) {
        record.set_str("name", name, node.span());
    }
    if let Some(status) = characteristics.get("status")
        && let Some((state, node)) = text(status.get("state"))
    {
        record.set_str("lifecycle", lifecycle(state), node.span());
    }
    for (field, party) in owners(plan, characteristics) {
        record.set(field, party);
    }
    if let Some(levels) = characteristics.get("security-impact-level") {
        let mut classification = Fields::new(levels.span());
        for (dimension, objective) in [
            ("confidentiality", "security-objective-confidentiality"),
            ("integrity", "security-objective-integrity"),
            ("availability", "security-objective-availability"),
        ] {
            if let Some((written, node)) = text(levels.get(objective)) {
                let value = match impact_level(written, impact_levels) {
                    Some(level) => Node::new(Value::Integer(level), node.span()),
                    None => string(written, node.span()),
                };
                classification.set(dimension, value);
            }
        }
        if !classification.is_empty() {
            record.set_at(
                "declared_classification",
                levels.span(),
                classification.into_node(),
            );
        }
    }
    if let Some((model, node)) = prop(characteristics, "cloud-service-model")
        && matches!(model, "saas" | "paas" | "iaas")
    {
        let mut hosting = Fields::new(node.span());
        hosting.set_str("model", model, node.span());
        record.set("hosting", hosting.into_node());
    }
    let components: Vec<Node> = plan
        .get("system-implementation")
        .and_then(|implementation| implementation.get("components"))
        .map(items)
        .unwrap_or_default()
        .iter()
        .filter_map(|component| text(component.get("uuid")))
        .map(|(uuid, node)| string(uuid, node.span()))
        .collect();
    if let Some(first) = components.first() {
        let span = first.span();
        record.set("components", list(components, span));
    }
    Some(record.into_node())
}

/// tillsyn's lifecycle word for an OSCAL system state; another state as written.
fn lifecycle(state: &str) -> &str {
    match state {
        "operational" | "under-major-modification" => "operating",
        "under-development" => "planned",
        "disposition" => "decommissioning",
        other => other,
    }
}

/// FIPS 199's impact values and tillsyn's levels for them: the default of the param
/// `oscal_impact_levels` (rules/params.toml), which a test holds equal to this table.
pub const FIPS_199_LEVELS: &[(&str, i64)] = &[
    ("fips-199-low", 1),
    ("fips-199-moderate", 2),
    ("fips-199-high", 3),
    ("low", 1),
    ("moderate", 2),
    ("high", 3),
];

/// tillsyn's level for an impact value (compared ignoring case), by `levels` or, when that is
/// empty, FIPS 199's; `None` for a word neither names.
fn impact_level(written: &str, levels: &BTreeMap<String, i64>) -> Option<i64> {
    let word = written.trim().to_lowercase();
    if levels.is_empty() {
        return FIPS_199_LEVELS
            .iter()
            .find(|(name, _)| *name == word)
            .map(|(_, level)| *level);
    }
    levels
        .iter()
        .find(|(name, _)| name.to_lowercase() == word)
        .map(|(_, level)| *level)
}

/// The value of the first prop named `name`.
fn prop<'n>(node: &'n Node, name: &str) -> Option<(&'n str, &'n Node)> {
    node.get("props")
        .map(items)
        .unwrap_or_default()
        .iter()
        .find(|prop| prop.get("name").and_then(Node::as_str) == Some(name))
        .and_then(|prop| text(prop.get("value")))
}

/// The owner fields a plan's responsible parties give, each the first party's uuid: the system
/// characteristics' parties first, then the metadata's.
fn owners(plan: &Node, characteristics: &Node) -> Vec<(&'static str, Node)> {
    let metadata_parties = plan
        .get("metadata")
        .and_then(|metadata| metadata.get("responsible-parties"));
    let mut found: Vec<(&'static str, Node)> = Vec::new();
    for parties in [characteristics.get("responsible-parties"), metadata_parties]
        .into_iter()
        .flatten()
    {
        for responsible in items(parties) {
            let field = match responsible.get("role-id").and_then(Node::as_str) {
                Some("system-owner" | "owner") => "system_owner",
                Some("system-manager" | "maintainer") => "system_manager",
                _ => continue,
            };
            if found.iter().any(|(known, _)| *known == field) {
                continue;
            }
            let party = responsible
                .get("party-uuids")
                .map(items)
                .and_then(|uuids| uuids.first())
                .and_then(|first| text(Some(first)));
            if let Some((uuid, node)) = party {
                found.push((field, string(uuid, node.span())));
            }
        }
    }
    found
}

/// One result of an assessment results document.
fn assessment(result: &Node) -> Node {
    let mut record = Fields::new(result.span());
    if let Some((uuid, node)) = text(result.get("uuid")) {
        record.set_str("id", uuid, node.span());
    }
    if let Some((day, node)) = text(result.get("end")).or_else(|| text(result.get("start"))) {
        record.set_str("performed_on", day_of(day), node.span());
    }
    let method_span = result.get("title").map_or(result.span(), Node::span);
    record.set_str("method", "OSCAL assessment results", method_span);
    let assessed = assessed_components(result);
    if let Some(first) = assessed.first() {
        let span = first.span();
        record.set("assessed_components", list(assessed, span));
    }
    record.into_node()
}

/// The components the observations of `holder` name as their subjects, each once.
fn assessed_components(holder: &Node) -> Vec<Node> {
    let mut assessed: Vec<Node> = Vec::new();
    // A set, so that a file naming a million subjects is read in one pass.
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let observations = holder.get("observations").map(items).unwrap_or_default();
    for observation in observations {
        let subjects = observation.get("subjects").map(items).unwrap_or_default();
        for subject in subjects {
            if subject.get("type").and_then(Node::as_str) != Some("component") {
                continue;
            }
            if let Some((uuid, node)) = text(subject.get("subject-uuid"))
                && seen.insert(uuid)
            {
                assessed.push(string(uuid, node.span()));
            }
        }
    }
    assessed
}

fn plan_of_action(plan: &Node) -> Node {
    let mut record = Fields::new(plan.span());
    if let Some((uuid, node)) = text(plan.get("uuid")) {
        record.set_str("id", uuid, node.span());
    }
    if let Some((system, node)) = text(plan.get("system-id").and_then(|id| id.get("id"))) {
        record.set_str("object", system, node.span());
    }
    let metadata = plan.get("metadata");
    if let Some((day, node)) = text(metadata.and_then(|metadata| metadata.get("last-modified"))) {
        record.set_str("performed_on", day_of(day), node.span());
    }
    let method_span = metadata
        .and_then(|metadata| metadata.get("title"))
        .map_or(plan.span(), Node::span);
    record.set_str("method", "OSCAL plan of action and milestones", method_span);
    let assessed = assessed_components(plan);
    if let Some(first) = assessed.first() {
        let span = first.span();
        record.set("assessed_components", list(assessed, span));
    }
    record.into_node()
}

/// The day of an OSCAL date-time as written (`2023-06-02T08:46:51-04:00` is `2023-06-02`); a
/// text that is not one is kept, for the schema to report.
fn day_of(written: &str) -> &str {
    match written.get(..10) {
        Some(day)
            if written.as_bytes().get(10) == Some(&b'T')
                && jiff::civil::Date::strptime("%Y-%m-%d", day).is_ok() =>
        {
            day
        }
        _ => written,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str, path: &str) -> serde_json::Value {
        match parse(text, path, &Limits::default()) {
            Ok(root) => root.to_json(),
            Err(error) => panic!("{}", error.message),
        }
    }

    #[test]
    fn fips_199_values_are_levels_and_other_words_are_kept() {
        let fips = BTreeMap::new();
        assert_eq!(impact_level("fips-199-low", &fips), Some(1));
        assert_eq!(impact_level("moderate", &fips), Some(2));
        assert_eq!(impact_level("FIPS-199-HIGH", &fips), Some(3));
        assert_eq!(impact_level("medium", &fips), None);
        assert_eq!(impact_level("fips-199-medium", &fips), None);
        // An organisation's own table replaces FIPS 199's.
        let own: BTreeMap<String, i64> = [("Medium".to_string(), 2)].into_iter().collect();
        assert_eq!(impact_level("medium", &own), Some(2));
        assert_eq!(impact_level("fips-199-low", &own), None);
    }

    #[test]
    fn a_plan_gives_its_system_with_levels_owner_and_components() {
        let text = r#"{"system-security-plan": {"uuid": "doc-1",
          "metadata": {"oscal-version": "1.0.4",
            "responsible-parties": [{"role-id": "owner", "party-uuids": ["p-1"]}]},
          "system-characteristics": {"system-ids": [{"id": "sys-1"}], "system-name": "Kassa",
            "status": {"state": "under-development"},
            "props": [{"name": "cloud-service-model", "value": "saas"}],
            "security-impact-level": {"security-objective-confidentiality": "fips-199-high",
              "security-objective-integrity": "medium", "security-objective-availability": "low"}},
          "system-implementation": {"components": [{"uuid": "c-1"}]}}}"#;
        assert_eq!(
            records(text, "plan.json"),
            serde_json::json!({"system": [{
                "id": "sys-1", "name": "Kassa", "lifecycle": "planned", "system_owner": "p-1",
                "declared_classification": {"confidentiality": 3, "integrity": "medium", "availability": 1},
                "hosting": {"model": "saas"}, "components": ["c-1"]}]})
        );
    }

    #[test]
    fn results_and_plans_of_action_are_risk_analyses() {
        let results = "assessment-results:\n  uuid: ar-1\n  results:\n    - uuid: r-1\n      title: June\n      start: 2023-06-02T08:31:20-04:00\n      observations:\n        - subjects:\n            - {subject-uuid: c-1, type: component}\n            - {subject-uuid: i-1, type: inventory-item}\n";
        assert_eq!(
            records(results, "ar.yaml"),
            serde_json::json!({"risk_analysis": [{"id": "r-1", "performed_on": "2023-06-02",
                "method": "OSCAL assessment results", "assessed_components": ["c-1"]}]})
        );
        let plan = r#"{"plan-of-action-and-milestones": {"uuid": "poam-1",
          "metadata": {"title": "POA&M", "last-modified": "2024-02-01T13:57:28-04:00"},
          "system-id": {"id": "sys-1"}}}"#;
        assert_eq!(
            records(plan, "poam.json"),
            serde_json::json!({"risk_analysis": [{"id": "poam-1", "object": "sys-1",
                "performed_on": "2024-02-01", "method": "OSCAL plan of action and milestones"}]})
        );
    }

    #[test]
    fn other_files_are_refused_and_other_models_give_nothing() {
        let error = parse(r#"{"kind": "system"}"#, "x.json", &Limits::default());
        assert!(error.is_err_and(|error| error.message.contains("not an OSCAL document")));
        let later = r#"{"system-security-plan": {"metadata": {"oscal-version": "2.0.0"}}}"#;
        assert!(
            parse(later, "x.json", &Limits::default())
                .is_err_and(|error| error.message.contains("2.0.0"))
        );
        assert_eq!(
            records(r#"{"catalog": {"uuid": "c"}}"#, "c.json"),
            serde_json::json!({})
        );
        for hostile in [
            "[]",
            "\"x\"",
            "{\"system-security-plan\": 3}",
            "{\"assessment-results\": {\"results\": 3}}",
        ] {
            let _ = parse(hostile, "h.json", &Limits::default());
        }
    }
}
