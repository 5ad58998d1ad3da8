//! Reading fideslang manifests (Fides' "privacy as code", YAML or JSON) into `system` and
//! `processing_activity` records.
//!
//! The file is parsed by tillsyn's own YAML or JSON reader (by its extension), and the records
//! are built from that tree, each value keeping the position of its text in the manifest: a
//! finding about an imported record points at the line of the fides key it came from.
//!
//! - Every item of the top-level `system` list is a `system`: `fides_key` is its id, `name` its
//!   name, `description` its notes, `administrating_department` its unit (the department's name
//!   as written, which names an `org_unit` when the repository has one of that id; fideslang's
//!   default `Not defined` is no unit), `system_dependencies` its `depends_on`, `tags` its tags.
//! - Every privacy declaration of a system that names personal data (a data category under
//!   `user`) is a `processing_activity` with the id `<fides_key>/<data_use>` (with `/2`, `/3`…
//!   after a data use the system declares more than once), in `systems` of its system. Its data
//!   use is its purpose, its `user` data categories its personal data categories, its data
//!   subjects its data subject categories; `legal_basis_for_processing`,
//!   `special_category_legal_basis`, `retention_period` and third-party sharing become the legal
//!   basis, the Art. 9 condition, the retention and the recipients, and the system's
//!   `data_security_practices` and international transfers its security measures and transfers.
//!   Special categories (health, genetic, biometric, political, religious or philosophical
//!   belief, ethnicity, sexual orientation, union membership) and criminal history among the data
//!   categories set `special_categories` and `criminal_offence_data`.
//! - A declaration of system data only (`system.*`) is not processing of personal data and gives
//!   no record. The `dataset`, `organization`, `policy` and taxonomy lists are not registers of
//!   tillsyn's and give no records: a dataset's fields say which data a table holds, not an
//!   information asset's owner or classification.
//!
//! What fideslang does not say (lifecycle, controller, DPO) is left out, for the schema to report
//! as the record of processing requires; a word tillsyn has no equivalent for is kept as it is
//! written, for the schema to report at its line rather than for the importer to guess.

use std::collections::HashMap;

use super::imported::{Fields, Records, list, string};
use super::node::{Node, Value};
use super::span::Span;
use super::{Limits, ParseError};

/// The top-level lists of a fideslang manifest: what tells a fides file from another YAML file.
const RESOURCE_LISTS: &[&str] = &[
    "system",
    "dataset",
    "organization",
    "policy",
    "registry",
    "evaluation",
    "data_category",
    "data_use",
    "data_subject",
];

/// The `system` and `processing_activity` records of a fideslang manifest, or why the file is
/// not one.
pub fn parse(text: &str, path: &str, limits: &Limits) -> Result<Node, ParseError> {
    let is_json = path
        .rsplit_once('.')
        .is_some_and(|(_, extension)| extension.eq_ignore_ascii_case("json"));
    let root = if is_json {
        super::json::parse(text, limits)?
    } else {
        super::yaml::parse(text, limits)?
    };
    let Some(entries) = root.entries() else {
        return Err(not_a_manifest(root.span()));
    };
    if !entries
        .iter()
        .any(|entry| RESOURCE_LISTS.contains(&&*entry.key))
    {
        return Err(not_a_manifest(root.span()));
    }
    let mut records = Records::default();
    let Some(systems) = root.get("system") else {
        return Ok(records.into_root());
    };
    let Value::Sequence(systems) = &systems.value else {
        return Err(ParseError::ours(
            format!(
                "`system` must be a list of systems, not a {}",
                systems.type_name()
            ),
            format!(
                "`system` måste vara en lista av system, inte {}",
                systems.type_name_sv()
            ),
            systems.span(),
        ));
    };
    for system in systems {
        if records.len() > limits.records_per_file {
            // The repository reports the cap; one more record is enough for it to see.
            break;
        }
        if system.entries().is_none() {
            // The repository says that a record must be a table, at its line.
            records.push("system", system.clone());
            continue;
        }
        records.push("system", system_record(system));
        for activity in processing_activities(system) {
            records.push("processing_activity", activity);
        }
    }
    Ok(records.into_root())
}

fn not_a_manifest(span: Span) -> ParseError {
    ParseError::ours(
        "not a fides manifest: no `system`, `dataset` or `organization` list at the top",
        "inte ett fides-manifest: ingen lista `system`, `dataset` eller `organization` överst",
        span,
    )
    .with_hint(
        "a fides manifest starts with `system:` followed by a list of systems; name only such files with format = \"fides\"",
        "ett fides-manifest börjar med `system:` följt av en lista av system; ange bara sådana filer med format = \"fides\"",
    )
}

/// A fides system as a tillsyn `system`.
fn system_record(system: &Node) -> Node {
    let mut record = Fields::new(system.span());
    copy(&mut record, "id", system, "fides_key");
    copy(&mut record, "name", system, "name");
    copy(&mut record, "notes", system, "description");
    if let Some(department) = system.get("administrating_department")
        && department
            .as_str()
            .is_none_or(|name| !name.trim().eq_ignore_ascii_case("not defined"))
    {
        record.set("unit", department.clone());
    }
    copy_list(&mut record, "depends_on", system, "system_dependencies");
    copy_list(&mut record, "tags", system, "tags");
    record.into_node()
}

/// Sets `field` to the value of `key`, as it is written.
fn copy(record: &mut Fields, field: &str, from: &Node, key: &str) {
    if let Some(value) = from.get(key).filter(|value| value.value != Value::Null) {
        record.set(field, value.clone());
    }
}

/// Sets `field` to the list under `key` unless it is empty or null: fideslang writes `[]` for
/// nothing, which is not a value to check.
fn copy_list(record: &mut Fields, field: &str, from: &Node, key: &str) {
    match from.get(key).map(|value| &value.value) {
        None | Some(Value::Null) => {}
        Some(Value::Sequence(items)) if items.is_empty() => {}
        Some(_) => copy(record, field, from, key),
    }
}

/// The privacy declarations of a system that name personal data, as processing activities.
fn processing_activities(system: &Node) -> Vec<Node> {
    let Some(Value::Sequence(declarations)) = system.get("privacy_declarations").map(|d| &d.value)
    else {
        return Vec::new();
    };
    let system_key = system.get("fides_key").and_then(Node::as_str);
    let system_name = system
        .get("name")
        .and_then(Node::as_str)
        .or(system_key)
        .unwrap_or("fides system");
    let mut uses_seen: HashMap<String, usize> = HashMap::new();
    let mut activities = Vec::new();
    for (index, declaration) in declarations.iter().enumerate() {
        if declaration.entries().is_none() {
            continue;
        }
        let personal = personal_categories(declaration);
        if personal.is_empty() {
            continue;
        }
        let data_use = declaration.get("data_use").and_then(Node::as_str);
        let mut record = Fields::new(declaration.span());
        if let Some(system_key) = system_key {
            let id = match data_use {
                Some(data_use) => {
                    let seen = uses_seen.entry(data_use.to_string()).or_insert(0);
                    *seen += 1;
                    match *seen {
                        1 => format!("{system_key}/{data_use}"),
                        nth => format!("{system_key}/{data_use}/{nth}"),
                    }
                }
                None => format!("{system_key}/{}", index + 1),
            };
            record.set_str("id", &id, declaration.span());
        }
        activity_name(&mut record, declaration, system_name, data_use);
        if let Some(data_use) = declaration.get("data_use").filter(|_| data_use.is_some()) {
            record.set("purposes", list(vec![data_use.clone()], data_use.span()));
        }
        legal_basis(&mut record, declaration);
        subjects(&mut record, declaration);
        // The list as written (with its system categories, if any) is where the categories are.
        let span = declaration
            .get("data_categories")
            .map_or(declaration.span(), Node::span);
        let art9 = personal
            .iter()
            .find(|category| category.as_str().is_some_and(is_special_category));
        let criminal = personal
            .iter()
            .find(|category| category.as_str().is_some_and(is_criminal_offence_data));
        record.set("personal_data_categories", list(personal.clone(), span));
        special_categories(&mut record, declaration, art9);
        if let Some(category) = criminal {
            record.set("criminal_offence_data", boolean(true, category.span()));
        }
        recipients(&mut record, declaration);
        transfers(&mut record, system);
        retention(&mut record, declaration);
        if let Some(practices) = system.get("data_security_practices")
            && practices.as_str().is_some()
        {
            record.set("security_measures", practices.clone());
        }
        if let Some(key) = system.get("fides_key").filter(|key| key.as_str().is_some()) {
            record.set("systems", list(vec![key.clone()], key.span()));
        }
        activities.push(record.into_node());
    }
    activities
}

/// The declaration's data categories under `user` (personal data), as written.
fn personal_categories(declaration: &Node) -> Vec<Node> {
    let Some(Value::Sequence(categories)) = declaration.get("data_categories").map(|c| &c.value)
    else {
        return Vec::new();
    };
    categories
        .iter()
        .filter(|category| {
            category
                .as_str()
                .is_some_and(|key| key == "user" || key.starts_with("user."))
        })
        .cloned()
        .collect()
}

/// The declaration's own name, or else its system's name and data use.
fn activity_name(
    record: &mut Fields,
    declaration: &Node,
    system_name: &str,
    data_use: Option<&str>,
) {
    match declaration.get("name") {
        Some(name) if name.as_str().is_some_and(|name| !name.trim().is_empty()) => {
            record.set("name", name.clone());
        }
        _ => {
            let (text, span) = match (data_use, declaration.get("data_use")) {
                (Some(data_use), Some(node)) => {
                    (format!("{system_name} ({data_use})"), node.span())
                }
                _ => (system_name.to_string(), declaration.span()),
            };
            record.set_str("name", &text, span);
        }
    }
}

/// `legal_basis_for_processing` (one of GDPR Art. 6(1)) as tillsyn's `art6_1_a` … `art6_1_f`.
fn legal_basis(record: &mut Fields, declaration: &Node) {
    let Some(basis) = declaration.get("legal_basis_for_processing") else {
        return;
    };
    let Some(written) = basis.as_str() else {
        return;
    };
    let word = match written.trim().to_ascii_lowercase().as_str() {
        "consent" => "art6_1_a",
        "contract" => "art6_1_b",
        "legal obligation" | "legal obligations" => "art6_1_c",
        "vital interest" | "vital interests" => "art6_1_d",
        "public interest" | "public interests" => "art6_1_e",
        "legitimate interest" | "legitimate interests" => "art6_1_f",
        _ => written,
    };
    record.set(
        "legal_basis",
        list(vec![string(word, basis.span())], basis.span()),
    );
}

fn subjects(record: &mut Fields, declaration: &Node) {
    copy_list(
        record,
        "data_subject_categories",
        declaration,
        "data_subjects",
    );
}

/// `special_categories`: true when the declaration says it processes special categories or one
/// of its data categories is one (at that category); false only when the declaration says so.
/// `special_category_legal_basis` (one of GDPR Art. 9(2)) is the Art. 9 condition.
fn special_categories(record: &mut Fields, declaration: &Node, art9_category: Option<&Node>) {
    let declared = declaration.get("processes_special_category_data");
    match (declared.map(|flag| &flag.value), art9_category) {
        (Some(Value::Bool(true)), _) => {
            if let Some(flag) = declared {
                record.set("special_categories", flag.clone());
            }
        }
        (_, Some(category)) => record.set("special_categories", boolean(true, category.span())),
        (Some(Value::Bool(false)), None) => {
            if let Some(flag) = declared {
                record.set("special_categories", flag.clone());
            }
        }
        _ => {}
    }
    let Some(basis) = declaration.get("special_category_legal_basis") else {
        return;
    };
    let Some(written) = basis.as_str() else {
        return;
    };
    let lowered = written.trim().to_ascii_lowercase();
    let condition = [
        ("explicit consent", "art9_2_a"),
        ("employment", "art9_2_b"),
        ("vital interest", "art9_2_c"),
        ("not-for-profit", "art9_2_d"),
        ("made public by the data subject", "art9_2_e"),
        ("legal claims", "art9_2_f"),
        ("substantial public interest", "art9_2_g"),
        ("health or social care", "art9_2_h"),
        ("public health", "art9_2_i"),
        ("archiving", "art9_2_j"),
    ]
    .iter()
    .find(|(start, _)| lowered.starts_with(start) || lowered.contains(start))
    .map_or(written, |(_, condition)| condition);
    record.set_str("art9_condition", condition, basis.span());
}

/// Whether a fides data category is a special category of GDPR Art. 9(1): the categories of
/// fideslang 2 and 3 (`user.health.*`, `user.biometrics`, `user.demographic.political_opinion`…)
/// and of fideslang 1 (`user.provided.identifiable.religious_belief`…), by the segment that names
/// them.
fn is_special_category(key: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "biometric",
        "biometrics",
        "biometric_health",
        "health",
        "health_and_medical",
        "genetic",
        "political_opinion",
        "race",
        "race_ethnicity",
        "religious_belief",
        "philosophical_belief",
        "sexual_orientation",
        "union_membership",
    ];
    key.split('.')
        .skip(1)
        .any(|segment| SPECIAL.contains(&segment))
}

/// Whether a fides data category is data on criminal convictions and offences (Art. 10).
fn is_criminal_offence_data(key: &str) -> bool {
    key.split('.')
        .skip(1)
        .any(|segment| segment == "criminal_history")
}

/// `data_shared_with_third_parties`: when true, one recipient of the category `third_parties`
/// says (or "third parties"); when false, no recipients. Left out when the declaration does not
/// say, since fideslang's default says nothing about the actual processing.
fn recipients(record: &mut Fields, declaration: &Node) {
    let Some(shared) = declaration.get("data_shared_with_third_parties") else {
        return;
    };
    match shared.value {
        Value::Bool(true) => {
            let mut recipient = Fields::new(shared.span());
            match declaration
                .get("third_parties")
                .filter(|parties| parties.as_str().is_some_and(|text| !text.trim().is_empty()))
            {
                Some(parties) => recipient.set("category", parties.clone()),
                None => recipient.set_str("category", "third parties", shared.span()),
            }
            record.set(
                "recipients",
                list(vec![recipient.into_node()], shared.span()),
            );
        }
        Value::Bool(false) => record.set("recipients", list(Vec::new(), shared.span())),
        _ => {}
    }
}

/// The system's `does_international_transfers`: one transfer per `legal_basis_for_transfers`
/// (adequacy, scc, bcr; another basis kept as written), or one without a mechanism when none is
/// given. fideslang names no country.
fn transfers(record: &mut Fields, system: &Node) {
    let Some(flag) = system.get("does_international_transfers") else {
        return;
    };
    if flag.value != Value::Bool(true) {
        return;
    }
    let bases: Vec<&Node> = match system.get("legal_basis_for_transfers").map(|b| &b.value) {
        Some(Value::Sequence(bases)) => bases.iter().filter(|b| b.as_str().is_some()).collect(),
        _ => Vec::new(),
    };
    let transfers: Vec<Node> = if bases.is_empty() {
        vec![Fields::new(flag.span()).into_node()]
    } else {
        bases
            .iter()
            .map(|basis| {
                let written = basis.as_str().unwrap_or_default();
                let mechanism = match written.trim().to_ascii_lowercase().as_str() {
                    "adequacy decision" | "adequacy" => "adequacy",
                    "sccs" | "scc" | "standard contractual clauses" => "scc",
                    "bcrs" | "bcr" | "binding corporate rules" => "bcr",
                    _ => written,
                };
                let mut transfer = Fields::new(basis.span());
                transfer.set_str("mechanism", mechanism, basis.span());
                transfer.into_node()
            })
            .collect()
    };
    record.set("third_country_transfers", list(transfers, flag.span()));
}

/// `retention_period` as a retention of all the declaration's data: an ISO 8601 period as it is,
/// a number of days (`30`, how Fides' admin stores it) or `N days|weeks|months|years` as a
/// period; other text kept as written.
fn retention(record: &mut Fields, declaration: &Node) {
    let Some(period) = declaration.get("retention_period") else {
        return;
    };
    let written = match &period.value {
        Value::String(text) => text.to_string(),
        Value::Integer(days) => days.to_string(),
        _ => return,
    };
    let mut entry = Fields::new(period.span());
    entry.set_str("period", &iso_period(&written), period.span());
    record.set("retention", list(vec![entry.into_node()], period.span()));
}

fn iso_period(written: &str) -> String {
    let trimmed = written.trim();
    if trimmed.starts_with('P') {
        return trimmed.to_string();
    }
    let mut words = trimmed.split_whitespace();
    let (Some(number), unit, None) = (words.next(), words.next(), words.next()) else {
        return trimmed.to_string();
    };
    let Ok(number) = number.parse::<u32>() else {
        return trimmed.to_string();
    };
    let designator = match unit.map(str::to_ascii_lowercase).as_deref() {
        None | Some("day" | "days") => 'D',
        Some("week" | "weeks") => 'W',
        Some("month" | "months") => 'M',
        Some("year" | "years") => 'Y',
        Some(_) => return trimmed.to_string(),
    };
    format!("P{number}{designator}")
}

fn boolean(value: bool, span: Span) -> Node {
    Node::new(Value::Bool(value), span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_categories_are_told_by_the_segment_that_names_them() {
        assert!(is_special_category("user.health.medications"));
        assert!(is_special_category("user.biometrics.fingerprint"));
        assert!(is_special_category("user.demographic.religious_belief"));
        assert!(is_special_category(
            "user.provided.identifiable.political_opinion"
        ));
        assert!(!is_special_category("user.contact.email"));
        assert!(!is_special_category("user.device.cookie_id"));
        assert!(is_criminal_offence_data("user.criminal_history"));
        assert!(!is_criminal_offence_data("user.contact"));
    }

    #[test]
    fn retention_periods_become_iso_periods_where_they_say_one() {
        assert_eq!(iso_period("30"), "P30D");
        assert_eq!(iso_period("3 years"), "P3Y");
        assert_eq!(iso_period("1 Month"), "P1M");
        assert_eq!(iso_period("P5Y"), "P5Y");
        assert_eq!(iso_period("until deleted"), "until deleted");
        assert_eq!(iso_period("-3 days"), "-3 days");
    }

    #[test]
    fn a_file_without_fides_lists_is_refused() {
        let limits = Limits::default();
        let error = parse("kind: system\nid: X\n", "x.yml", &limits).err();
        assert!(error.is_some_and(|error| error.message.contains("not a fides manifest")));
        let datasets = parse("dataset:\n  - fides_key: d\n", "d.yml", &limits);
        assert!(datasets.is_ok_and(|root| root.entries().is_some_and(<[_]>::is_empty)));
    }
}
