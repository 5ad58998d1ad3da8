//! `tillsyn import`: a register kept as CSV or in an Excel sheet, turned into a TOML or YAML file
//! of records of one kind. The rows are read and typed exactly as `check` reads a mapped register
//! (header row = field names, dotted headers nest, `;` separates list items, cells typed by the
//! kind's schema), so the imported file yields the same findings as its source.

use std::path::Path;

use crate::progress::Silent;
use crate::repository::{Repository, SourceText};
use crate::schema::Catalog;
use crate::source::csv::CellType;
use crate::source::node::{Node, Value};
use crate::source::{Format, FoundFile, Limits, parse_all};
use crate::validate::validate;

/// The file format written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Toml,
    Yaml,
}

/// What to import: a CSV or a workbook's sheet (the first when `sheet` is `None`) of `kind`, or
/// another tool's file (DCAT, OSCAL, fides), whose format gives the kinds.
pub struct Request<'a> {
    pub file: &'a Path,
    pub format: Format,
    /// Required for a table; for another tool's file, which of its kinds to write.
    pub kind: Option<&'a str>,
    pub sheet: Option<&'a str>,
    pub target: Target,
    /// Title rows, column names and words, as `--map` gives them (default: none).
    pub mapping: crate::source::mapping::Mapping,
    /// The day the values are judged on (a date that must not lie ahead, say).
    pub today: jiff::civil::Date,
}

/// The file written, and what the import did, for the person running it: the records read,
/// the sheet chosen, and every value the records' schema does not accept, at its place.
pub struct Imported {
    pub text: String,
    pub report: Vec<String>,
}

/// The records of the file as the text of a TOML or YAML file, or why they cannot be read.
pub fn import(request: &Request, limits: &Limits) -> Result<Imported, String> {
    let catalog = Catalog::get().map_err(|error| error.to_string())?;
    let imported_kinds = request.format.imported_kinds();
    if let Some(kind) = request.kind
        && catalog.kind(kind).is_none()
    {
        let hint = crate::suggest::did_you_mean(kind, catalog.kind_names())
            .unwrap_or_else(|| "`tillsyn schema list` shows the kinds".to_string());
        return Err(format!("`{kind}` is not a known kind; {hint}"));
    }
    match (request.kind, imported_kinds) {
        (None, []) => {
            return Err(
                "give the kind of the records with --kind KIND (or `kind` in the --map file)"
                    .to_string(),
            );
        }
        (Some(kind), kinds) if !kinds.is_empty() && !kinds.contains(&kind) => {
            return Err(format!(
                "{} gives {} records, not `{kind}`",
                format_name(request.format),
                kinds.join(" and ")
            ));
        }
        _ => {}
    }
    if request.sheet.is_some() && request.format != Format::Xlsx {
        return Err("--sheet applies to xlsx files only".to_string());
    }
    let shown = shown_path(request.file);
    let found = FoundFile {
        path: shown.clone(),
        absolute: request.file.to_path_buf(),
        format: request.format,
        mapped_kind: request
            .kind
            .filter(|_| imported_kinds.is_empty())
            .map(str::to_string),
        sheet: request.sheet.map(str::to_string),
        mapping: std::sync::Arc::new(request.mapping.clone()),
    };
    let cell_type = |kind: &str, path: &[&str]| {
        catalog
            .kind(kind)
            .map_or(CellType::Unknown, |schema| schema.cell_type(path))
    };
    let cell_type: &(dyn Fn(&str, &[&str]) -> CellType + Sync) = &cell_type;
    let parsed = parse_all(std::slice::from_ref(&found), limits, cell_type, &Silent).pop();
    let Some(parsed) = parsed else {
        return Err(format!("cannot read {shown}"));
    };
    let mut report = Vec::new();
    // A workbook's sheet and why are told in the report's first line instead.
    if let Some(note) = &parsed.note
        && parsed.sheet_reason.is_none()
    {
        report.push(format!("note: {note}"));
    }
    if let Err(error) = &parsed.outcome {
        let source = SourceText {
            path: parsed.path.clone(),
            format: parsed.format,
            lines: parsed.lines.clone(),
            body: None,
            sheet: parsed.sheet.clone(),
        };
        let hint = error
            .hint
            .as_deref()
            .map(import_hint)
            .filter(|hint| !hint.is_empty())
            .map(|hint| format!("\n  help: {hint}"))
            .unwrap_or_default();
        return Err(format!(
            "{}: {}{hint}",
            source.location(error.span),
            error.message
        ));
    }
    let sheet = parsed.sheet.clone();
    let sheet_reason = parsed.sheet_reason.clone();
    let (repository, mut problems) = Repository::build(vec![parsed], &[], catalog, limits);
    // A file cut short by a limit, or a kind it does not hold, is not imported in part.
    if let Some(unread) = problems
        .iter()
        .find(|finding| matches!(finding.rule.as_str(), "PARSE001" | "SRC001"))
    {
        return Err(format!(
            "{}:{}:{}: {}",
            unread.file, unread.line, unread.column, unread.message
        ));
    }
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for record in &repository.records {
        match counts.iter_mut().find(|(kind, _)| *kind == record.kind) {
            Some((_, count)) => *count += 1,
            None => counts.push((record.kind, 1)),
        }
    }
    let kind: &'static str = match request.kind {
        Some(wanted) => catalog
            .kind(wanted)
            .map(|schema| schema.name)
            .unwrap_or_default(),
        None => match counts.as_slice() {
            [(only, _)] => only,
            [] => imported_kinds.first().copied().unwrap_or_default(),
            several => {
                let listed: Vec<String> = several
                    .iter()
                    .map(|(kind, count)| format!("{count} {kind}"))
                    .collect();
                let choices: Vec<String> = several
                    .iter()
                    .map(|(kind, _)| format!("--kind {kind}"))
                    .collect();
                return Err(format!(
                    "{shown} holds records of several kinds ({}); a file holds one kind, so import them one at a time with {}",
                    listed.join(", "),
                    choices.join(" or ")
                ));
            }
        },
    };
    let records: Vec<&Node> = repository
        .records
        .iter()
        .filter(|record| record.kind == kind)
        .map(|record| &record.node)
        .collect();
    let origin = match &sheet {
        Some(sheet) => format!("{shown} (sheet {sheet})"),
        None => shown.clone(),
    };
    let others: Vec<String> = counts
        .iter()
        .filter(|(other, _)| *other != kind)
        .map(|(other, count)| format!("{count} {other} (import them with --kind {other})"))
        .collect();
    let read_from = match (&sheet, &sheet_reason) {
        (Some(sheet), Some(why)) => format!("{shown}, sheet `{sheet}` ({why})"),
        _ => origin.clone(),
    };
    report.push(format!(
        "read {} {kind} record{} from {read_from}{}",
        records.len(),
        if records.len() == 1 { "" } else { "s" },
        if others.is_empty() {
            String::new()
        } else {
            format!("; also there: {}", others.join(", "))
        }
    ));
    // What the schema does not accept is reported as `check` would; references to records in
    // other files cannot be judged from this file alone.
    problems.extend(validate(&repository, catalog, request.today, &|_| false).findings);
    problems.retain(|finding| {
        finding.rule != "XRF001" && finding.kind.as_deref().is_none_or(|of| of == kind)
    });
    problems.sort_by_key(|finding| (finding.line, finding.column));
    for problem in &problems {
        let place = problem.cell.as_ref().map_or_else(
            || format!("{}:{}", problem.line, problem.column),
            Clone::clone,
        );
        report.push(format!("{}:{place}: {}", problem.file, problem.message));
    }
    if !problems.is_empty() {
        report.push(format!(
            "{} value{} above will be findings when the imported file is checked",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        ));
    }
    let records: Vec<Node> = records.into_iter().cloned().collect();
    let text = match request.target {
        Target::Toml => toml_file(&origin, kind, &records),
        Target::Yaml => yaml_file(&origin, kind, &records),
    };
    Ok(Imported { text, report })
}

/// The path as the comment of the written file names it: as given when it is relative and
/// stays below the current directory, else only the file's name, so that no machine's layout
/// ends up in a governance repository.
fn shown_path(file: &Path) -> String {
    let below = file.is_relative()
        && file.components().all(|part| {
            matches!(
                part,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        });
    if below {
        file.display().to_string()
    } else {
        file.file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// A reader's help in the words of `import`: the readers speak of `[[sources]]` and
/// `tillsyn.toml`, which an import does not read.
fn import_hint(hint: &str) -> String {
    const SAID_FOR_CHECK: &[(&str, &str)] = &[
        (
            "set `sheet` in this file's [[sources]] mapping in tillsyn.toml to one of them",
            "give one of them with --sheet NAME (or `sheet` in the --map file)",
        ),
        (", or raise `[limits] max_depth` in tillsyn.toml", ""),
        (", or raise `[limits] max_file_bytes`", ""),
        (
            "point the [[sources]] entry with format = \"dcat\" at the catalogue",
            "import the catalogue itself",
        ),
        (
            "point the [[sources]] entry with format = \"oscal\" at OSCAL files only",
            "import OSCAL files only",
        ),
    ];
    SAID_FOR_CHECK
        .iter()
        .fold(hint.to_string(), |hint, (check, import)| {
            hint.replace(check, import)
        })
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Dcat => "a DCAT catalogue",
        Format::Oscal => "an OSCAL document",
        Format::Fides => "a fides manifest",
        _ => "the file",
    }
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
        // A list of tables (a dataset's distributions) as a block, one table per item.
        Value::Sequence(items)
            if items
                .iter()
                .any(|item| matches!(&item.value, Value::Map(entries) if !entries.is_empty())) =>
        {
            text.push_str(&format!("{lead}{}:\n", yaml_key(key)));
            let item_indent = format!("{indent}    ");
            for item in items {
                match &item.value {
                    Value::Map(entries) if !entries.is_empty() => {
                        for (index, entry) in entries.iter().enumerate() {
                            let lead = if index == 0 {
                                format!("{indent}  - ")
                            } else {
                                item_indent.clone()
                            };
                            yaml_entry(text, &lead, &item_indent, &entry.key, &entry.value);
                        }
                    }
                    _ => text.push_str(&format!("{indent}  - {}\n", yaml_flow(item))),
                }
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
