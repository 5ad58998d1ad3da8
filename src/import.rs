//! `tillsyn import`: a register kept as CSV or in an Excel sheet, turned into a TOML or YAML file
//! of records of one kind. The rows are read and typed exactly as `check` reads a mapped register
//! (header row = field names, dotted headers nest, `;` separates list items, cells typed by the
//! kind's schema), so the imported file yields the same findings as its source.

use std::path::Path;

use crate::progress::Silent;
use crate::repository::SourceText;
use crate::schema::Catalog;
use crate::source::csv::CellType;
use crate::source::node::{Node, Value};
use crate::source::{Format, FoundFile, Limits, parse_all};

/// The file format written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Toml,
    Yaml,
}

/// What to import: a CSV or a workbook's sheet (the first when `sheet` is `None`).
pub struct Request<'a> {
    pub file: &'a Path,
    pub format: Format,
    pub kind: &'a str,
    pub sheet: Option<&'a str>,
    pub target: Target,
    /// Title rows, column names and words, as `--map` gives them (default: none).
    pub mapping: crate::source::mapping::Mapping,
}

/// The records of the file as the text of a TOML or YAML file, or why they cannot be read.
pub fn import(request: &Request, limits: &Limits) -> Result<String, String> {
    let catalog = Catalog::get().map_err(|error| error.to_string())?;
    let Some(schema) = catalog.kind(request.kind) else {
        let hint = crate::suggest::did_you_mean(request.kind, catalog.kind_names())
            .unwrap_or_else(|| "`tillsyn schema list` shows the kinds".to_string());
        return Err(format!("`{}` is not a known kind; {hint}", request.kind));
    };
    if request.sheet.is_some() && request.format != Format::Xlsx {
        return Err("--sheet applies to xlsx files only".to_string());
    }
    let shown = request.file.display().to_string();
    let found = FoundFile {
        path: shown.clone(),
        absolute: request.file.to_path_buf(),
        format: request.format,
        mapped_kind: Some(request.kind.to_string()),
        sheet: request.sheet.map(str::to_string),
        mapping: std::sync::Arc::new(request.mapping.clone()),
    };
    let cell_type = |_: &str, path: &[&str]| schema.cell_type(path);
    let cell_type: &(dyn Fn(&str, &[&str]) -> CellType + Sync) = &cell_type;
    let parsed = parse_all(std::slice::from_ref(&found), limits, cell_type, &Silent).pop();
    let Some(parsed) = parsed else {
        return Err(format!("cannot read {shown}"));
    };
    if let Some(note) = &parsed.note {
        eprintln!("note: {note}");
    }
    let source = SourceText {
        path: parsed.path,
        format: parsed.format,
        lines: parsed.lines,
        body: None,
        sheet: parsed.sheet.clone(),
    };
    let root = match parsed.outcome {
        Ok(document) => document.root,
        Err(error) => {
            let hint = error
                .hint
                .map(|hint| format!("\n  help: {hint}"))
                .unwrap_or_default();
            return Err(format!(
                "{}: {}{hint}",
                source.location(error.span),
                error.message
            ));
        }
    };
    let records = match root.value {
        Value::Sequence(records) => records,
        _ => Default::default(),
    };
    if records.len() > limits.records_per_file {
        return Err(format!(
            "{shown} holds more than {} records (limit `records_per_file`); split it first",
            limits.records_per_file
        ));
    }
    let origin = match &parsed.sheet {
        Some(sheet) => format!("{shown} (sheet {sheet})"),
        None => shown,
    };
    Ok(match request.target {
        Target::Toml => toml_file(&origin, request.kind, &records),
        Target::Yaml => yaml_file(&origin, request.kind, &records),
    })
}

fn toml_file(origin: &str, kind: &str, records: &[Node]) -> String {
    let mut text = format!(
        "# Imported from {} by tillsyn import.\nkind = {}\n",
        single_line(origin),
        toml_string(kind)
    );
    for record in records {
        text.push_str("\n[[records]]\n");
        for entry in record.entries().unwrap_or_default() {
            text.push_str(&format!(
                "{} = {}\n",
                toml_key(&entry.key),
                toml_value(&entry.value)
            ));
        }
    }
    text
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// A key both TOML and YAML accept unquoted.
fn is_bare_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn toml_key(key: &str) -> String {
    if is_bare_key(key) {
        key.to_string()
    } else {
        toml_string(key)
    }
}

/// A value on one line: nested tables inline (`{ confidentiality = 2, … }`), as the fixtures
/// write them.
fn toml_value(node: &Node) -> String {
    match &node.value {
        // An empty cell is an absent field, so null never comes from a register.
        Value::Null => toml_string(""),
        Value::Bool(flag) => flag.to_string(),
        Value::Integer(number) => number.to_string(),
        Value::Float(number) => toml::Value::Float(*number).to_string(),
        Value::String(text) => toml_string(text),
        Value::Sequence(items) => format!(
            "[{}]",
            items.iter().map(toml_value).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(entries) => {
            let fields: Vec<String> = entries
                .iter()
                .map(|entry| format!("{} = {}", toml_key(&entry.key), toml_value(&entry.value)))
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
    }
}

fn yaml_file(origin: &str, kind: &str, records: &[Node]) -> String {
    let mut text = format!(
        "# Imported from {} by tillsyn import.\nkind: {}\nrecords:",
        single_line(origin),
        yaml_scalar(kind)
    );
    if records.is_empty() {
        text.push_str(" []\n");
        return text;
    }
    text.push('\n');
    for record in records {
        let entries = record.entries().unwrap_or_default();
        if entries.is_empty() {
            text.push_str("  - {}\n");
            continue;
        }
        for (index, entry) in entries.iter().enumerate() {
            let lead = if index == 0 { "  - " } else { "    " };
            yaml_entry(&mut text, lead, "    ", &entry.key, &entry.value);
        }
    }
    text
}

/// One `key: value` line, with nested tables as indented blocks below it.
fn yaml_entry(text: &mut String, lead: &str, indent: &str, key: &str, value: &Node) {
    match &value.value {
        Value::Map(entries) if !entries.is_empty() => {
            text.push_str(&format!("{lead}{}:\n", yaml_key(key)));
            let inner = format!("{indent}  ");
            for entry in entries {
                yaml_entry(text, &inner, &inner, &entry.key, &entry.value);
            }
        }
        _ => text.push_str(&format!("{lead}{}: {}\n", yaml_key(key), yaml_flow(value))),
    }
}

fn yaml_key(key: &str) -> String {
    if is_bare_key(key) {
        key.to_string()
    } else {
        json_quoted(key)
    }
}

/// A value in flow style (lists as `[a, b]`), which every value of a register row fits.
fn yaml_flow(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Integer(number) => number.to_string(),
        // `{:?}` keeps a `.0` or an exponent, so that YAML reads a float back.
        Value::Float(number) => format!("{number:?}"),
        Value::String(text) => yaml_scalar(text),
        Value::Sequence(items) => format!(
            "[{}]",
            items.iter().map(yaml_flow).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|entry| format!("{}: {}", yaml_key(&entry.key), yaml_flow(&entry.value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A string plain when YAML surely reads it back as the same string (words, ids, ISO dates),
/// else double-quoted with JSON's escapes, which YAML shares.
fn yaml_scalar(text: &str) -> String {
    const RESERVED: &[&str] = &[
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "inf", "nan", "infinity",
    ];
    let is_date = text.len() == 10 && text.parse::<jiff::civil::Date>().is_ok();
    let is_word = text.chars().next().is_some_and(char::is_alphabetic)
        && !text.ends_with(' ')
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '/'))
        && !RESERVED.contains(&text.to_ascii_lowercase().as_str());
    if is_date || is_word {
        text.to_string()
    } else {
        json_quoted(text)
    }
}

fn json_quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
}

/// The source's name for a comment line: line breaks would end the comment.
fn single_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::span::Span;

    fn node(value: Value) -> Node {
        Node::new(value, Span::at(0))
    }

    #[test]
    fn yaml_quotes_what_would_not_read_back_as_the_same_string() {
        assert_eq!(yaml_scalar("IA-001"), "IA-001");
        assert_eq!(yaml_scalar("2026-03-01"), "2026-03-01");
        assert_eq!(
            yaml_scalar("Elevhälsans journaler"),
            "Elevhälsans journaler"
        );
        assert_eq!(yaml_scalar("true"), "\"true\"");
        assert_eq!(yaml_scalar("No"), "\"No\"");
        assert_eq!(yaml_scalar("1.10"), "\"1.10\"");
        assert_eq!(yaml_scalar("a: b"), "\"a: b\"");
        assert_eq!(yaml_scalar("# x"), "\"# x\"");
        assert_eq!(yaml_scalar(""), "\"\"");
        assert_eq!(yaml_flow(&node(Value::Float(2.0))), "2.0");
    }

    #[test]
    fn toml_values_are_inline() {
        let classification = node(Value::Map(
            vec![crate::source::node::Entry::new(
                "confidentiality".into(),
                Span::at(0),
                node(Value::Integer(2)),
            )]
            .into(),
        ));
        assert_eq!(toml_value(&classification), "{ confidentiality = 2 }");
        let list = node(Value::Sequence(
            vec![node(Value::String("a\"b".into())), node(Value::Bool(true))].into(),
        ));
        assert_eq!(toml_value(&list), "['a\"b', true]");
        assert_eq!(toml_key("dotted.key"), "\"dotted.key\"");
    }
}
