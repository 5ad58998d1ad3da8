//! The schema validator reads records in place (`tillsyn::schema_json`); these tests hold that
//! reading to the verdict and the errors the same schema gives the record's `to_json()` copy,
//! which is what findings were built from before, word for word: the findings read the errors'
//! pointers, keywords, values and messages.

mod common;

use std::collections::HashMap;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{Value as Json, json};
use tillsyn::repository::Repository;
use tillsyn::schema::Catalog;
use tillsyn::schema_json::TreeJson;
use tillsyn::source::node::{Entry, Node, Value};
use tillsyn::source::span::Span;

fn repository(name: &str) -> Repository {
    let root = common::fixture(name);
    let catalog = Catalog::get().expect("the catalog compiles");
    let config = tillsyn::config::load(&root, None, &catalog.kind_names()).expect("config");
    let discovery = tillsyn::source::discover::discover(&root, &config);
    let cell_type = |kind: &str, path: &[&str]| {
        catalog
            .kind(kind)
            .map_or(tillsyn::source::csv::CellType::Unknown, |schema| {
                schema.cell_type(path)
            })
    };
    let parsed = tillsyn::source::parse_all(
        &discovery.files,
        &config.limits(),
        &cell_type,
        &tillsyn::progress::Silent,
    );
    Repository::build(parsed, &discovery.problems, catalog, &config.limits()).0
}

/// Every error as findings read it: where, which keyword, what it says.
fn errors<'i>(errors: impl Iterator<Item = jsonschema::ValidationError<'i>>) -> Vec<String> {
    errors
        .map(|error| {
            format!(
                "{} {} {} {}",
                error.instance_path().as_str(),
                error.schema_path().as_str(),
                error.instance(),
                error
            )
        })
        .collect()
}

#[test]
fn every_fixture_record_gets_the_same_verdict_and_errors_in_place_as_copied() {
    let catalog = Catalog::get().expect("the catalog compiles");
    // The same schemas, compiled the same way, for the copy.
    let copied: HashMap<&str, jsonschema::Validator> = catalog
        .kinds()
        .iter()
        .map(|kind| {
            let validator =
                tillsyn::schema::compile_for::<jsonschema::json::SerdeJson>(&kind.document)
                    .expect("the schema compiles");
            (kind.name, validator)
        })
        .collect();
    let (mut valid, mut invalid) = (0, 0);
    for name in ["city-clean", "city-broken", "hostile", "excel"] {
        let repository = repository(name);
        for record in &repository.records {
            let Some(schema) = catalog.kind(record.kind) else {
                continue;
            };
            let copied = &copied[&schema.name];
            let copy = record.node.to_json();
            let verdict = copied.is_valid(&copy);
            assert_eq!(
                schema.validator.is_valid(&record.node),
                verdict,
                "{name}: {} {}",
                record.kind,
                copy
            );
            assert_eq!(
                errors(schema.validator.iter_errors(&record.node)),
                errors(copied.iter_errors(&copy)),
                "{name}: {} {}",
                record.kind,
                copy
            );
            if verdict {
                valid += 1;
            } else {
                invalid += 1;
            }
        }
    }
    // Both verdicts are exercised, or the comparison proves little.
    assert!(
        valid > 50 && invalid > 10,
        "{valid} valid, {invalid} invalid"
    );
}

/// Schemas that reach the corners of the representation: number kinds and bounds, string
/// length in code points, equality for `enum`, `const` and `uniqueItems`, member lookups and
/// passes, formats, and recursion.
fn schemas() -> Vec<Json> {
    vec![
        json!({
            "type": "object",
            "properties": {
                "a": {"type": "integer"},
                "b": {"type": "number", "minimum": 1, "maximum": 1e19},
                "c": {"type": "string", "minLength": 2, "maxLength": 3},
                "d": {"enum": [1, "x", null, [1, 2], {"k": 1}, 9007199254740993_i64]},
                "e": {"const": 1.0},
                "f": {"type": "string", "format": "date"},
                "g": {"type": "array", "uniqueItems": true},
                "é": {"type": ["integer", "null"], "exclusiveMaximum": 9007199254740992_i64}
            },
            "required": ["a"],
            "additionalProperties": false
        }),
        json!({
            "patternProperties": {"^[a-c]$": {"type": ["integer", "null"]}},
            "additionalProperties": {"type": "string", "maxLength": 1},
            "propertyNames": {"maxLength": 1}
        }),
        json!({
            "type": "array",
            "items": {"multipleOf": 0.5, "minimum": -1e300},
            "uniqueItems": true,
            "maxItems": 3
        }),
        json!({
            "anyOf": [
                {"type": "integer", "exclusiveMinimum": 9007199254740992_i64},
                {"const": {"a": [1, 2.0]}},
                {"type": "boolean"},
                {"type": "string", "format": "date", "minLength": 10}
            ]
        }),
        json!({
            "oneOf": [{"required": ["a", "b"]}, {"required": ["c"]}],
            "properties": {"a": {"$ref": "#"}},
            "minProperties": 1
        }),
        json!({"type": "object", "required": ["a", "b", "c"], "maxProperties": 3}),
        json!({
            "properties": {
                "a": {"type": "string", "pattern": "^\\S+$"},
                "b": {"not": {"type": "number"}}
            },
            "if": {"required": ["a"]},
            "then": {"required": ["b"]},
            "else": {"items": {"uniqueItems": true}}
        }),
        json!({"enum": [[], {}, "", 0, false, [[1.0]], {"a": {"b": null}}]}),
    ]
}

type Validators = Vec<(Json, jsonschema::Validator, jsonschema::Validator<TreeJson>)>;

/// Each schema compiled for both representations, once for all cases.
fn validators() -> &'static Validators {
    static VALIDATORS: OnceLock<Validators> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        schemas()
            .into_iter()
            .map(|schema| {
                let copied = jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .should_validate_formats(true)
                    .build(&schema)
                    .expect("the schema compiles");
                let in_place = jsonschema::options_for::<TreeJson>()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .should_validate_formats(true)
                    .build(&schema)
                    .expect("the schema compiles");
                (schema, copied, in_place)
            })
            .collect()
    })
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop::sample::select(vec![
            0,
            1,
            -1,
            2,
            i64::MAX,
            i64::MIN,
            9007199254740992,
            9007199254740993,
        ])
        .prop_map(Value::Integer),
        any::<i64>().prop_map(Value::Integer),
        prop::sample::select(vec![
            0.0,
            -0.0,
            1.0,
            1.5,
            2.0,
            0.5,
            -1.0,
            1e19,
            1e20,
            9007199254740992.0,
            1e300,
        ])
        .prop_map(Value::Float),
        any::<f64>()
            .prop_filter("parsers make finite floats", |number| number.is_finite())
            .prop_map(Value::Float),
        prop::sample::select(vec![
            "",
            "a",
            "x",
            "é",
            "ab",
            "éé",
            "ééé",
            "🦀🦀",
            "🦀🦀🦀",
            "a b",
            "2026-02-28",
            "2024-02-29",
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
        ])
        .prop_map(|text| Value::String(text.into())),
        "[a-cé🦀 0-9-]{0,5}".prop_map(|text| Value::String(text.as_str().into())),
    ]
}

fn node(value: Value) -> Node {
    Node::new(value, Span::default())
}

fn tree() -> impl Strategy<Value = Node> {
    leaf().prop_map(node).prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|items| node(Value::Sequence(items.into_iter().collect()))),
            prop::collection::btree_map(
                prop::sample::select(vec!["a", "b", "c", "d", "e", "f", "g", "k", "é", "aa"]),
                inner,
                0..5,
            )
            .prop_map(|members| {
                node(Value::Map(
                    members
                        .into_iter()
                        .map(|(key, value)| Entry::new(key.into(), Span::default(), value))
                        .collect(),
                ))
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn a_tree_gets_the_same_verdict_and_errors_in_place_as_copied(tree in tree()) {
        let copy = tree.to_json();
        for (schema, copied, in_place) in validators() {
            prop_assert_eq!(in_place.is_valid(&tree), copied.is_valid(&copy), "{} {}", schema, copy);
            prop_assert_eq!(
                errors(in_place.iter_errors(&tree)),
                errors(copied.iter_errors(&copy)),
                "{} {}", schema, copy
            );
        }
    }
}
