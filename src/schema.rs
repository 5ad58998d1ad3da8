//! The JSON Schemas of the kinds, embedded in the binary and compiled once, and what tillsyn reads
//! out of them: the reference fields (`x-ref`), the property names (for "did you mean"), and the
//! type of each field (for CSV cells).
//!
//! Indexing `serde_json::Value` by key never panics (a missing key gives `Null`); the schemas
//! are our own, embedded and compiled at start.
#![allow(clippy::indexing_slicing)]

use std::sync::OnceLock;

use serde_json::{Value as Json, json};

use crate::schema_json::TreeJson;
use crate::source::csv::CellType;

/// Every kind's schema, as shipped in `schemas/`. The order is alphabetical.
const KIND_SCHEMAS: &[(&str, &str)] = &[
    (
        "agreement",
        include_str!("../schemas/agreement.schema.json"),
    ),
    ("benefit", include_str!("../schemas/benefit.schema.json")),
    (
        "competence_inventory",
        include_str!("../schemas/competence_inventory.schema.json"),
    ),
    ("dataset", include_str!("../schemas/dataset.schema.json")),
    (
        "exception",
        include_str!("../schemas/exception.schema.json"),
    ),
    (
        "follow_up_report",
        include_str!("../schemas/follow_up_report.schema.json"),
    ),
    ("goal", include_str!("../schemas/goal.schema.json")),
    (
        "governing_document",
        include_str!("../schemas/governing_document.schema.json"),
    ),
    ("incident", include_str!("../schemas/incident.schema.json")),
    (
        "information_asset",
        include_str!("../schemas/information_asset.schema.json"),
    ),
    (
        "initiative",
        include_str!("../schemas/initiative.schema.json"),
    ),
    (
        "maturity_assessment",
        include_str!("../schemas/maturity_assessment.schema.json"),
    ),
    ("org_unit", include_str!("../schemas/org_unit.schema.json")),
    ("person", include_str!("../schemas/person.schema.json")),
    (
        "processing_activity",
        include_str!("../schemas/processing_activity.schema.json"),
    ),
    ("risk", include_str!("../schemas/risk.schema.json")),
    (
        "risk_analysis",
        include_str!("../schemas/risk_analysis.schema.json"),
    ),
    ("role", include_str!("../schemas/role.schema.json")),
    (
        "role_assignment",
        include_str!("../schemas/role_assignment.schema.json"),
    ),
    ("supplier", include_str!("../schemas/supplier.schema.json")),
    ("system", include_str!("../schemas/system.schema.json")),
];

/// The schemas of tillsyn's own machine output, shipped beside the kinds'.
pub const OUTPUT_SCHEMAS: &[(&str, &str)] = &[
    (
        "check-output",
        include_str!("../schemas/check-output.schema.json"),
    ),
    ("ledger", include_str!("../schemas/ledger.schema.json")),
];

/// One step of a path into a record: a key, or "every item of a list".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Items,
}

/// A field that holds the id of a record of another kind (`"x-ref"` in the schema).
#[derive(Clone, Debug)]
pub struct ReferenceField {
    /// The kind whose records hold the field.
    pub holder: &'static str,
    /// The field's number among all kinds' reference fields: see [`Catalog::reference_fields`].
    pub number: u32,
    pub path: Vec<Step>,
    /// The field as people write it (see [`ReferenceField::display`]), made once.
    pub name: String,
    /// The kinds the id may name, in the schema's order.
    pub kinds: Vec<&'static str>,
    /// Values that are not ids (`all_committees`).
    pub tokens: Vec<String>,
}

impl ReferenceField {
    /// The field as people write it: `hosting.supplier`, `systems[]`.
    pub fn display(&self) -> String {
        let mut text = String::new();
        for step in &self.path {
            match step {
                Step::Key(key) => {
                    if !text.is_empty() {
                        text.push('.');
                    }
                    text.push_str(key);
                }
                Step::Items => text.push_str("[]"),
            }
        }
        text
    }
}

/// A conditional requirement of a kind (`allOf` of its record schema), in both languages.
pub struct Condition<'a> {
    pub en: &'a str,
    pub sv: &'a str,
    /// The rule that checks the same requirement (`x-reported-by`): while that rule runs, it
    /// reports the gap with its own rationale and SCH001 does not report it again.
    pub reported_by: Option<&'a str>,
}

pub struct KindSchema {
    pub name: &'static str,
    pub source: &'static str,
    pub document: Json,
    /// Reads a record's tree in place; see [`crate::schema_json`].
    pub validator: jsonschema::Validator<TreeJson>,
    pub references: Vec<ReferenceField>,
}

impl KindSchema {
    pub fn title(&self) -> &str {
        self.document
            .get("title")
            .and_then(Json::as_str)
            .unwrap_or(self.name)
    }

    pub fn description(&self) -> &str {
        self.document
            .get("description")
            .and_then(Json::as_str)
            .unwrap_or_default()
    }

    fn record(&self) -> &Json {
        &self.document["$defs"]["record"]
    }

    /// Resolves a local `$ref` (`#/$defs/x`); other schemas are returned as they are.
    fn resolve<'a>(&'a self, schema: &'a Json) -> &'a Json {
        match schema.get("$ref").and_then(Json::as_str) {
            Some(reference) => reference
                .strip_prefix("#")
                .and_then(|pointer| self.document.pointer(pointer))
                .map_or(schema, |target| self.resolve(target)),
            None => schema,
        }
    }

    /// The schema and every branch it combines (`$ref`, `allOf`, `anyOf`, `oneOf`, `then`,
    /// `else`), flattened: what "the field's schema" means for lookups.
    fn branches<'a>(&'a self, schema: &'a Json, out: &mut Vec<&'a Json>) {
        let schema = self.resolve(schema);
        out.push(schema);
        for keyword in ["allOf", "anyOf", "oneOf"] {
            for branch in schema
                .get(keyword)
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                self.branches(branch, out);
            }
        }
        for keyword in ["then", "else"] {
            if let Some(branch) = schema.get(keyword) {
                self.branches(branch, out);
            }
        }
    }

    /// The schemas that describe the value at `path` (keys; numeric tokens step into lists).
    fn schemas_at<'a>(&'a self, path: &[&str]) -> Vec<&'a Json> {
        let mut current = Vec::new();
        self.branches(self.record(), &mut current);
        for token in path {
            let mut next = Vec::new();
            for schema in current {
                if let Some(property) = schema
                    .get("properties")
                    .and_then(|properties| properties.get(*token))
                {
                    self.branches(property, &mut next);
                } else if let Some(items) = schema.get("items")
                    && token.parse::<usize>().is_ok()
                {
                    self.branches(items, &mut next);
                }
            }
            current = next;
        }
        current
    }

    /// The field names allowed in the object at `path`, for "did you mean".
    pub fn property_names(&self, path: &[&str]) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .schemas_at(path)
            .into_iter()
            .filter_map(|schema| schema.get("properties").and_then(Json::as_object))
            .flat_map(|properties| properties.keys().map(String::as_str))
            .filter(|name| !name.starts_with('$'))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// What the value at `path` may be, in words with an example (`x-accepts` of its schema,
    /// in English and Swedish), for messages that would otherwise show a pattern or `anyOf`.
    pub fn accepts(&self, path: &[&str]) -> Option<(&str, &str)> {
        self.schemas_at(path).into_iter().find_map(accepted_words)
    }

    /// What the keys of the table at `path` may be, in words (`x-accepts` of its
    /// `propertyNames`, in English and Swedish): a language tag, not its pattern.
    pub fn names_accept(&self, path: &[&str]) -> Option<(&str, &str)> {
        self.schemas_at(path)
            .into_iter()
            .find_map(|schema| accepted_words(schema.get("propertyNames")?))
    }

    /// The values the field at `path` may take, when its schema is an `enum` (else empty).
    pub fn enum_values(&self, path: &[&str]) -> Vec<&str> {
        self.schemas_at(path)
            .into_iter()
            .filter_map(|schema| schema.get("enum").and_then(Json::as_array))
            .flatten()
            .filter_map(Json::as_str)
            .collect()
    }

    /// The Swedish words of the values of the field at `path` (`x-enum-sv` beside its `enum`),
    /// as (value, words) in the enum's order; a value without words is left out.
    pub fn enum_labels_sv(&self, path: &[&str]) -> Vec<(&str, &str)> {
        self.schemas_at(path)
            .into_iter()
            .filter_map(|schema| schema.get("x-enum-sv").and_then(Json::as_object))
            .flat_map(|labels| {
                labels
                    .iter()
                    .filter_map(|(value, words)| Some((value.as_str(), words.as_str()?)))
            })
            .collect()
    }

    /// The description of a conditional requirement (`allOf[n]` of the record), for messages.
    pub fn condition(&self, index: usize) -> Option<Condition<'_>> {
        let condition = self.record().get("allOf")?.get(index)?;
        let text = |key: &str| condition.get(key).and_then(Json::as_str);
        let en = text("description")?;
        Some(Condition {
            en,
            sv: text("description_sv").unwrap_or(en),
            reported_by: text("x-reported-by"),
        })
    }

    /// The type a CSV cell under the (dotted) column `path` converts to.
    pub fn cell_type(&self, path: &[&str]) -> CellType {
        let schemas = self.schemas_at(path);
        self.type_of(&schemas)
    }

    fn type_of(&self, schemas: &[&Json]) -> CellType {
        let mut types: Vec<&str> = Vec::new();
        for schema in schemas {
            match schema.get("type") {
                Some(Json::String(name)) => types.push(name),
                Some(Json::Array(names)) => types.extend(names.iter().filter_map(Json::as_str)),
                _ => {}
            }
        }
        if types.is_empty() {
            return if schemas.is_empty() {
                CellType::Unknown
            } else {
                CellType::String
            };
        }
        if types.contains(&"array") {
            let mut items = Vec::new();
            for schema in schemas {
                if let Some(item) = schema.get("items") {
                    self.branches(item, &mut items);
                }
            }
            return CellType::List(Box::new(self.type_of(&items)));
        }
        let is_date = schemas
            .iter()
            .any(|schema| schema.get("format").and_then(Json::as_str) == Some("date"));
        if is_date && types.contains(&"string") {
            return CellType::Date;
        }
        for (name, cell_type) in [
            ("boolean", CellType::Boolean),
            ("integer", CellType::Integer),
            ("number", CellType::Number),
        ] {
            if types.contains(&name) {
                return cell_type;
            }
        }
        CellType::String
    }
}

/// All kinds' schemas, compiled.
pub struct Catalog {
    kinds: Vec<KindSchema>,
}

/// A schema shipped with tillsyn that does not compile: a defect of the build, reported plainly.
#[derive(Debug, thiserror::Error)]
#[error("the embedded schema of `{kind}` is broken: {message}")]
pub struct CatalogError {
    kind: String,
    message: String,
}

/// A kind's schema (the document as shipped) compiled as the catalog compiles it, for records
/// in the representation `F`: the record definition at the root, formats asserted.
pub fn compile_for<F: jsonschema::json::Json>(
    document: &Json,
) -> Result<jsonschema::Validator<F>, jsonschema::ValidationError<'static>> {
    let wrapper = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": document["$defs"],
        "$ref": "#/$defs/record",
    });
    jsonschema::options_for::<F>()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        // The crate's own check is RFC syntax alone; ours adds what no mail reaches.
        .with_format("email", crate::email::is_address)
        .build(&wrapper)
}

impl Catalog {
    /// The catalog, compiled on first use and shared for the life of the process.
    pub fn get() -> Result<&'static Catalog, &'static CatalogError> {
        static CATALOG: OnceLock<Result<Catalog, CatalogError>> = OnceLock::new();
        CATALOG.get_or_init(Catalog::compile).as_ref()
    }

    fn compile() -> Result<Catalog, CatalogError> {
        let kinds = KIND_SCHEMAS
            .iter()
            .map(|(name, source)| {
                let broken = |message: String| CatalogError {
                    kind: (*name).to_string(),
                    message,
                };
                let document: Json =
                    serde_json::from_str(source).map_err(|error| broken(error.to_string()))?;
                let validator = compile_for::<TreeJson>(&document)
                    .map_err(|error| broken(error.to_string()))?;
                let mut schema = KindSchema {
                    name,
                    source,
                    document,
                    validator,
                    references: Vec::new(),
                };
                let mut references = Vec::new();
                collect_references(
                    &schema,
                    schema.record(),
                    &mut Vec::new(),
                    &mut references,
                    0,
                );
                schema.references = references;
                Ok(schema)
            })
            .collect::<Result<_, _>>()?;
        let mut kinds: Vec<KindSchema> = kinds;
        let mut number = 0u32;
        for field in kinds.iter_mut().flat_map(|kind| kind.references.iter_mut()) {
            field.number = number;
            number = number.saturating_add(1);
        }
        Ok(Catalog { kinds })
    }

    /// Every kind's reference fields, in the order of their numbers.
    pub fn reference_fields(&'static self) -> Vec<&'static ReferenceField> {
        self.kinds
            .iter()
            .flat_map(|kind| kind.references.iter())
            .collect()
    }

    pub fn kinds(&self) -> &[KindSchema] {
        &self.kinds
    }

    pub fn kind(&self, name: &str) -> Option<&KindSchema> {
        self.kinds.iter().find(|kind| kind.name == name)
    }

    pub fn kind_names(&self) -> Vec<&'static str> {
        self.kinds.iter().map(|kind| kind.name).collect()
    }

    /// The interned name of a known kind.
    pub fn intern(&self, name: &str) -> Option<&'static str> {
        self.kind(name).map(|kind| kind.name)
    }
}

/// The names of the kinds, without compiling anything (for the configuration's checks).
pub fn kind_names() -> Vec<&'static str> {
    KIND_SCHEMAS.iter().map(|(name, _)| *name).collect()
}

fn collect_references(
    kind: &KindSchema,
    schema: &Json,
    path: &mut Vec<Step>,
    out: &mut Vec<ReferenceField>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    let mut branches = Vec::new();
    kind.branches(schema, &mut branches);
    // `x-ref` sits beside a `$ref`, so look at the unresolved schema too.
    for candidate in std::iter::once(schema).chain(branches.iter().copied()) {
        if let Some(target) = candidate.get("x-ref") {
            let kinds = match target {
                Json::String(name) => vec![name.as_str()],
                Json::Array(names) => names.iter().filter_map(Json::as_str).collect(),
                _ => Vec::new(),
            };
            let tokens = candidate
                .get("x-ref-tokens")
                .and_then(Json::as_array)
                .map(|tokens| {
                    tokens
                        .iter()
                        .filter_map(Json::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let kinds = kinds
                .into_iter()
                .filter_map(|name| {
                    KIND_SCHEMAS
                        .iter()
                        .find(|(known, _)| *known == name)
                        .map(|(known, _)| *known)
                })
                .collect();
            let mut field = ReferenceField {
                holder: kind.name,
                number: 0,
                path: path.clone(),
                name: String::new(),
                kinds,
                tokens,
            };
            field.name = field.display();
            out.push(field);
            return;
        }
    }
    for branch in branches {
        if let Some(properties) = branch.get("properties").and_then(Json::as_object) {
            for (key, property) in properties {
                path.push(Step::Key(key.clone()));
                collect_references(kind, property, path, out, depth + 1);
                path.pop();
            }
        }
        if let Some(items) = branch.get("items") {
            path.push(Step::Items);
            collect_references(kind, items, path, out, depth + 1);
            path.pop();
        }
    }
}

/// A schema's `x-accepts` and `x-accepts-sv` (the English where there is no Swedish).
fn accepted_words(schema: &Json) -> Option<(&str, &str)> {
    let en = schema.get("x-accepts")?.as_str()?;
    let sv = schema
        .get("x-accepts-sv")
        .and_then(Json::as_str)
        .unwrap_or(en);
    Some((en, sv))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> &'static Catalog {
        Catalog::get().expect("the embedded schemas compile")
    }

    #[test]
    fn all_twenty_one_kinds_compile() {
        assert_eq!(catalog().kinds().len(), 21);
    }

    #[test]
    fn references_are_found_through_nested_objects_and_lists() {
        let system = catalog().kind("system").unwrap();
        let fields: Vec<String> = system
            .references
            .iter()
            .map(ReferenceField::display)
            .collect();
        for expected in [
            "unit",
            "system_owner",
            "assets[]",
            "hosting.supplier",
            "depends_on[]",
        ] {
            assert!(
                fields.contains(&expected.to_string()),
                "{expected} missing from {fields:?}"
            );
        }
        let document = catalog().kind("governing_document").unwrap();
        let applies_to = document
            .references
            .iter()
            .find(|field| field.display() == "applies_to[]")
            .unwrap();
        assert_eq!(applies_to.kinds, ["org_unit"]);
        assert!(applies_to.tokens.contains(&"all_committees".to_string()));
    }

    #[test]
    fn cell_types_follow_the_schema() {
        let asset = catalog().kind("information_asset").unwrap();
        assert_eq!(
            asset.cell_type(&["classification", "confidentiality"]),
            CellType::Integer
        );
        assert_eq!(
            asset.cell_type(&["contains_personal_data"]),
            CellType::Boolean
        );
        assert_eq!(
            asset.cell_type(&["systems"]),
            CellType::List(Box::new(CellType::String))
        );
        assert_eq!(asset.cell_type(&["name"]), CellType::String);
        assert_eq!(asset.cell_type(&["no_such_field"]), CellType::Unknown);
    }

    #[test]
    fn property_names_are_listed_for_nested_objects() {
        let asset = catalog().kind("information_asset").unwrap();
        assert!(asset.property_names(&[]).contains(&"owner"));
        assert!(
            asset
                .property_names(&["classification"])
                .contains(&"confidentiality")
        );
    }

    /// Swedish messages list a field's values with their Swedish words: a value added to an
    /// enum without them would read as a bare code to a Swedish coordinator.
    #[test]
    fn every_value_of_every_enum_has_swedish_words() {
        fn walk(schema: &Json, path: &str, missing: &mut Vec<String>) {
            match schema {
                Json::Object(map) => {
                    // A condition's `if` names values; it is not where a value is written.
                    if let Some(values) = map.get("enum").and_then(Json::as_array) {
                        let words = map.get("x-enum-sv").and_then(Json::as_object);
                        for value in values.iter().filter_map(Json::as_str) {
                            let has_words = words
                                .and_then(|words| words.get(value))
                                .and_then(Json::as_str)
                                .is_some_and(|words| !words.is_empty());
                            if !has_words {
                                missing.push(format!("{path}: {value}"));
                            }
                        }
                    }
                    for (key, value) in map {
                        if key != "if" {
                            walk(value, &format!("{path}/{key}"), missing);
                        }
                    }
                }
                Json::Array(items) => {
                    for (position, item) in items.iter().enumerate() {
                        walk(item, &format!("{path}/{position}"), missing);
                    }
                }
                _ => {}
            }
        }
        let mut missing = Vec::new();
        for (name, source) in KIND_SCHEMAS {
            let document: Json = serde_json::from_str(source).expect("the schema is JSON");
            walk(&document, name, &mut missing);
        }
        assert!(
            missing.is_empty(),
            "enum values without `x-enum-sv` words: {missing:#?}"
        );
    }
}
