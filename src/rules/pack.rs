//! Rule packs: TOML files of rules and their params, read into definitions that keep the span of
//! every expression, so a compile error can name the pack's file, line and column.

use std::collections::BTreeMap;

use crate::finding::Severity;
use crate::source::Limits;
use crate::source::node::{Node, Value};
use crate::source::span::{LineIndex, Span};
use crate::suggest::did_you_mean;

/// The default packs, one per area, embedded in the binary.
pub const DEFAULT_PACKS: &[(&str, &str)] = &[
    ("rules/params.toml", include_str!("../../rules/params.toml")),
    (
        "rules/documents.toml",
        include_str!("../../rules/documents.toml"),
    ),
    (
        "rules/organisation.toml",
        include_str!("../../rules/organisation.toml"),
    ),
    (
        "rules/classification.toml",
        include_str!("../../rules/classification.toml"),
    ),
    ("rules/risk.toml", include_str!("../../rules/risk.toml")),
    (
        "rules/personal-data.toml",
        include_str!("../../rules/personal-data.toml"),
    ),
    (
        "rules/suppliers.toml",
        include_str!("../../rules/suppliers.toml"),
    ),
    (
        "rules/open-data.toml",
        include_str!("../../rules/open-data.toml"),
    ),
    (
        "rules/portfolio.toml",
        include_str!("../../rules/portfolio.toml"),
    ),
];

/// A pack's text and where it came from.
pub struct PackSource {
    pub path: String,
    pub text: String,
    pub lines: LineIndex,
    /// Whether it ships with tillsyn (for `rules list`).
    pub builtin: bool,
}

impl PackSource {
    pub fn new(path: impl Into<String>, text: impl Into<String>, builtin: bool) -> Self {
        let text = text.into();
        PackSource {
            path: path.into(),
            lines: LineIndex::new(&text),
            text,
            builtin,
        }
    }
}

/// An expression as written in a pack: its text and where the text starts in the pack file.
#[derive(Clone, Debug)]
pub struct ExprSource {
    pub text: String,
    /// Byte offset of the expression's first character in the pack's text.
    pub offset: usize,
    pub pack: usize,
}

/// How a rule is applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Once per record of the rule's kinds (`self`).
    Record,
    /// Once per group of records (`group`, `records`), grouped by an expression.
    Group(ExprKey),
    /// Once for all records of the kind (`records`).
    Kind,
}

/// A `group_by` expression, compared by its text.
#[derive(Clone, Debug)]
pub struct ExprKey(pub ExprSource);

impl PartialEq for ExprKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.text == other.0.text
    }
}
impl Eq for ExprKey {}

#[derive(Clone, Debug)]
pub struct CheckDef {
    pub severity: Severity,
    pub kinds: Vec<String>,
    pub scope: Scope,
    /// Guards that must all hold (the rule's, then the check's).
    pub when: Vec<ExprSource>,
    pub assert: ExprSource,
    pub field: Option<String>,
    /// The list field of the record the check judges item by item (`each`), binding `item`;
    /// `field` is then a path inside the item.
    pub each: Option<String>,
    pub message: ExprSource,
    /// The message in Swedish (`[rule.check.sv]`, else `[rule.sv]`), a template like `message`.
    pub message_sv: Option<ExprSource>,
}

#[derive(Clone, Debug)]
pub struct RuleDef {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub kinds: Vec<String>,
    pub rationale: String,
    pub remediation: String,
    pub references: Vec<String>,
    pub params: Vec<String>,
    pub checks: Vec<CheckDef>,
    pub pack: usize,
    /// Where the rule's `id` is written, for messages about the rule itself.
    pub span: Span,
    pub examples: Examples,
    /// The rule in Swedish (`[rule.sv]`), for `--lang sv`: kept with the rule so that a rule and
    /// its translation are written, reviewed and changed in one place.
    pub sv: Option<Translation>,
}

/// A rule's words in another language: each falls back to the English when absent.
#[derive(Clone, Debug, Default)]
pub struct Translation {
    pub title: Option<String>,
    pub rationale: Option<String>,
    pub remediation: Option<String>,
}

/// A failing and a passing example for `rules explain`, as YAML or TOML snippets.
#[derive(Clone, Debug, Default)]
pub struct Examples {
    pub failing: Option<String>,
    pub passing: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ParamDef {
    pub name: String,
    pub default: toml::Value,
    pub description: String,
}

/// A pack that cannot be used: `file:line:column: message`, the line and a caret, and a hint.
#[derive(Debug)]
pub struct PackError {
    pub rendered: String,
}

impl std::fmt::Display for PackError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.rendered)
    }
}

pub struct Packs {
    pub sources: Vec<PackSource>,
    pub rules: Vec<RuleDef>,
    pub params: BTreeMap<String, ParamDef>,
}

const RULE_KEYS: &[&str] = &[
    "id",
    "title",
    "severity",
    "kind",
    "scope",
    "group_by",
    "when",
    "assert",
    "check",
    "field",
    "message",
    "remediation",
    "rationale",
    "references",
    "params",
    "example",
    "sv",
];
const CHECK_KEYS: &[&str] = &[
    "severity", "kind", "scope", "group_by", "when", "assert", "field", "each", "message", "sv",
];
/// The keys of a rule's `[rule.sv]`.
const TRANSLATION_KEYS: &[&str] = &["title", "message", "rationale", "remediation"];
/// The keys of a check's `[rule.check.sv]`.
const CHECK_TRANSLATION_KEYS: &[&str] = &["message"];
const PACK_KEYS: &[&str] = &["rule", "params", "pack"];
const PARAM_KEYS: &[&str] = &["default", "description"];

/// Reads packs into rule and param definitions. Expressions are not compiled here.
pub fn read(sources: Vec<PackSource>) -> Result<Packs, PackError> {
    let mut packs = Packs {
        sources: Vec::new(),
        rules: Vec::new(),
        params: BTreeMap::new(),
    };
    for (index, source) in sources.into_iter().enumerate() {
        let reader = Reader {
            pack: index,
            source: &source,
        };
        let tree = crate::source::toml::parse(&source.text, &Limits::default())
            .map_err(|error| reader.error_with_hint(error.span, error.message, error.hint))?;
        reader.keys(&tree, PACK_KEYS, "")?;
        if let Some(params) = tree.get("params") {
            for entry in params.entries().unwrap_or_default() {
                let param = reader.param(&entry.key, &entry.value)?;
                if packs.params.contains_key(&param.name) {
                    return Err(reader.error(
                        entry.key_span(),
                        format!("the param `{}` is declared twice", param.name),
                    ));
                }
                packs.params.insert(param.name.clone(), param);
            }
        }
        if let Some(rules) = tree.get("rule") {
            let Value::Sequence(items) = &rules.value else {
                return Err(reader.error(
                    rules.span(),
                    "`rule` must be an array of tables: [[rule]]".into(),
                ));
            };
            for item in items {
                let rule = reader.rule(item)?;
                if let Some(existing) = packs.rules.iter().find(|existing| existing.id == rule.id) {
                    let first = &packs
                        .sources
                        .get(existing.pack)
                        .map_or(source.path.as_str(), |pack| pack.path.as_str());
                    return Err(reader.error(
                        rule.span,
                        format!("the rule id `{}` is already defined in {first}", rule.id),
                    ));
                }
                packs.rules.push(rule);
            }
        }
        packs.sources.push(source);
    }
    Ok(packs)
}

struct Reader<'a> {
    pack: usize,
    source: &'a PackSource,
}

impl Reader<'_> {
    fn error(&self, span: Span, message: String) -> PackError {
        self.error_with_hint(span, message, None)
    }

    fn error_with_hint(&self, span: Span, message: String, hint: Option<String>) -> PackError {
        let mut rendered = super::expr::caret(self.source, span.start(), &message);
        if let Some(hint) = hint {
            rendered.push_str(&format!("\n  help: {hint}"));
        }
        PackError { rendered }
    }

    fn keys(&self, table: &Node, known: &[&str], what: &str) -> Result<(), PackError> {
        let Some(entries) = table.entries() else {
            return Err(self.error(table.span(), format!("{what}must be a table")));
        };
        for entry in entries {
            if !known.contains(&entry.key.as_ref()) {
                let hint = did_you_mean(&entry.key, known.iter().copied())
                    .unwrap_or_else(|| format!("the known keys are: {}", known.join(", ")));
                return Err(self.error_with_hint(
                    entry.key_span(),
                    format!("unknown key `{}` {what}", entry.key),
                    Some(hint),
                ));
            }
        }
        Ok(())
    }

    fn string(
        &self,
        table: &Node,
        key: &str,
        required: bool,
    ) -> Result<Option<(String, Span)>, PackError> {
        match table.get(key) {
            Some(node) => match node.as_str() {
                Some(text) => Ok(Some((text.to_string(), node.span()))),
                None => Err(self.error(node.span(), format!("`{key}` must be a string"))),
            },
            None if required => Err(self.error(table.span(), format!("missing `{key}`"))),
            None => Ok(None),
        }
    }

    fn strings(&self, table: &Node, key: &str) -> Result<Vec<String>, PackError> {
        match table.get(key) {
            None => Ok(Vec::new()),
            Some(node) => match &node.value {
                Value::String(text) => Ok(vec![text.to_string()]),
                Value::Sequence(items) => items
                    .iter()
                    .map(|item| {
                        item.as_str().map(str::to_string).ok_or_else(|| {
                            self.error(item.span(), format!("`{key}` must list strings"))
                        })
                    })
                    .collect(),
                _ => Err(self.error(
                    node.span(),
                    format!("`{key}` must be a string or a list of strings"),
                )),
            },
        }
    }

    fn expression(&self, table: &Node, key: &str) -> Result<Option<ExprSource>, PackError> {
        let Some(node) = table.get(key) else {
            return Ok(None);
        };
        let Some(text) = node.as_str() else {
            return Err(self.error(
                node.span(),
                format!("`{key}` must be a string holding an expression"),
            ));
        };
        Ok(Some(ExprSource {
            text: text.to_string(),
            offset: content_offset(&self.source.text, node.span()),
            pack: self.pack,
        }))
    }

    fn severity(&self, table: &Node) -> Result<Option<Severity>, PackError> {
        let Some((text, span)) = self.string(table, "severity", false)? else {
            return Ok(None);
        };
        parse_severity(&text).map(Some).ok_or_else(|| {
            self.error_with_hint(
                span,
                format!("`{text}` is not a severity"),
                Some("use critical, high, medium, low or info".into()),
            )
        })
    }

    fn scope(&self, table: &Node) -> Result<Option<Scope>, PackError> {
        let Some((scope, span)) = self.string(table, "scope", false)? else {
            if let Some(node) = table.get("group_by") {
                return Err(self.error(node.span(), "`group_by` needs `scope = \"group\"`".into()));
            }
            return Ok(None);
        };
        match scope.as_str() {
            "record" => Ok(Some(Scope::Record)),
            "kind" => Ok(Some(Scope::Kind)),
            "group" => match self.expression(table, "group_by")? {
                Some(group_by) => Ok(Some(Scope::Group(ExprKey(group_by)))),
                None => Err(self.error(
                    span,
                    "`scope = \"group\"` needs a `group_by` expression".into(),
                )),
            },
            other => Err(self.error(
                span,
                format!("`{other}` is not a scope; use record, group or kind"),
            )),
        }
    }

    fn param(&self, name: &str, node: &Node) -> Result<ParamDef, PackError> {
        self.keys(node, PARAM_KEYS, &format!("in param `{name}` "))?;
        let default = node
            .get("default")
            .ok_or_else(|| self.error(node.span(), format!("param `{name}` needs a `default`")))?;
        let description = self
            .string(node, "description", false)?
            .map(|(text, _)| text)
            .unwrap_or_default();
        Ok(ParamDef {
            name: name.to_string(),
            default: node_to_toml(default),
            description,
        })
    }

    fn rule(&self, node: &Node) -> Result<RuleDef, PackError> {
        self.keys(node, RULE_KEYS, "in a [[rule]]")?;
        let (id, id_span) = self.string(node, "id", true)?.unwrap_or_default();
        if !id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            || id.len() < 4
        {
            return Err(self.error(
                id_span,
                format!("`{id}` is not a rule id: use capitals and digits, e.g. OWN001"),
            ));
        }
        let in_rule = |message: &str| format!("{message} in rule {id}");
        let title = self.string(node, "title", true)?.unwrap_or_default().0;
        let severity = self
            .severity(node)?
            .ok_or_else(|| self.error(id_span, in_rule("missing `severity`")))?;
        let kinds = self.strings(node, "kind")?;
        if kinds.is_empty() {
            return Err(self.error(id_span, in_rule("missing `kind`")));
        }
        let scope = self.scope(node)?.unwrap_or(Scope::Record);
        let when = self.expression(node, "when")?;
        let field = self.string(node, "field", false)?.map(|(text, _)| text);
        let message = self.expression(node, "message")?;
        let sv = node.get("sv");
        if let Some(sv) = sv {
            self.keys(sv, TRANSLATION_KEYS, "in a [rule.sv]")?;
        }
        let message_sv = match sv {
            Some(sv) => self.expression(sv, "message")?,
            None => None,
        };
        let mut checks = Vec::new();
        if let Some(assert) = self.expression(node, "assert")? {
            let Some(message) = message.clone() else {
                return Err(self.error(id_span, in_rule("missing `message`")));
            };
            checks.push(CheckDef {
                severity,
                kinds: kinds.clone(),
                scope: scope.clone(),
                when: when.clone().into_iter().collect(),
                assert,
                field: field.clone(),
                each: None,
                message,
                message_sv: message_sv.clone(),
            });
        }
        if let Some(list) = node.get("check") {
            let Value::Sequence(items) = &list.value else {
                return Err(self.error(
                    list.span(),
                    in_rule("`check` must be an array of tables: [[rule.check]]"),
                ));
            };
            for item in items {
                self.keys(item, CHECK_KEYS, "in a [[rule.check]]")?;
                let assert = self
                    .expression(item, "assert")?
                    .ok_or_else(|| self.error(item.span(), in_rule("a check needs `assert`")))?;
                let check_kinds = self.strings(item, "kind")?;
                for kind in &check_kinds {
                    if !kinds.contains(kind) {
                        return Err(self.error(
                            item.span(),
                            in_rule(&format!(
                                "the check's kind `{kind}` is not among the rule's kinds"
                            )),
                        ));
                    }
                }
                // The rule's guard and the check's own: both must hold.
                let check_when: Vec<ExprSource> = when
                    .clone()
                    .into_iter()
                    .chain(self.expression(item, "when")?)
                    .collect();
                let Some(check_message) = self
                    .expression(item, "message")?
                    .or_else(|| message.clone())
                else {
                    return Err(self.error(
                        item.span(),
                        in_rule("a check needs a `message` (or the rule one)"),
                    ));
                };
                let check_message_sv = match item.get("sv") {
                    Some(check_sv) => {
                        self.keys(check_sv, CHECK_TRANSLATION_KEYS, "in a [rule.check.sv]")?;
                        self.expression(check_sv, "message")?
                    }
                    None => None,
                }
                .or_else(|| message_sv.clone());
                let check_scope = self.scope(item)?.unwrap_or_else(|| scope.clone());
                let each = match self.string(item, "each", false)? {
                    Some((each, each_span)) => {
                        if check_scope != Scope::Record {
                            return Err(self.error(
                                each_span,
                                in_rule("`each` judges the items of one record's list; a group or kind check cannot have it"),
                            ));
                        }
                        if each.is_empty() || each.contains('.') {
                            return Err(self.error(
                                each_span,
                                in_rule("`each` names one list field of the record, e.g. each = \"adoptions\""),
                            ));
                        }
                        Some(each)
                    }
                    None => None,
                };
                checks.push(CheckDef {
                    severity: self.severity(item)?.unwrap_or(severity),
                    kinds: if check_kinds.is_empty() {
                        kinds.clone()
                    } else {
                        check_kinds
                    },
                    scope: check_scope,
                    when: check_when,
                    assert,
                    field: self
                        .string(item, "field", false)?
                        .map(|(text, _)| text)
                        .or_else(|| field.clone()),
                    each,
                    message: check_message,
                    message_sv: check_message_sv,
                });
            }
        }
        if checks.is_empty() {
            return Err(self.error(
                id_span,
                in_rule("missing `assert` (or [[rule.check]] entries)"),
            ));
        }
        let examples = match node.get("example") {
            Some(example) => Examples {
                failing: self
                    .string(example, "failing", false)?
                    .map(|(text, _)| text),
                passing: self
                    .string(example, "passing", false)?
                    .map(|(text, _)| text),
            },
            None => Examples::default(),
        };
        let sv = match sv {
            Some(sv) => Some(Translation {
                title: self.string(sv, "title", false)?.map(|(text, _)| text),
                rationale: self.string(sv, "rationale", false)?.map(|(text, _)| text),
                remediation: self.string(sv, "remediation", false)?.map(|(text, _)| text),
            }),
            None => None,
        };
        Ok(RuleDef {
            id,
            title,
            severity,
            kinds,
            rationale: self
                .string(node, "rationale", false)?
                .map(|(text, _)| text)
                .unwrap_or_default(),
            remediation: self
                .string(node, "remediation", false)?
                .map(|(text, _)| text)
                .unwrap_or_default(),
            references: self.strings(node, "references")?,
            params: self.strings(node, "params")?,
            checks,
            pack: self.pack,
            span: id_span,
            examples,
            sv,
        })
    }
}

pub fn parse_severity(text: &str) -> Option<Severity> {
    Severity::ALL_DESCENDING
        .into_iter()
        .find(|severity| severity.as_str() == text)
}

/// Where a TOML string's content starts: after `"`, `'`, `"""` or `'''` (and the newline that
/// may follow an opening triple quote).
fn content_offset(text: &str, span: Span) -> usize {
    // A node knows where its text starts, not where it ends; the quote is at the start.
    let raw = text.get(span.start()..).unwrap_or_default();
    let quote = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        3
    } else if raw.starts_with('"') || raw.starts_with('\'') {
        1
    } else {
        0
    };
    let mut offset = span.start() + quote;
    if quote == 3 {
        if text[offset..].starts_with("\r\n") {
            offset += 2;
        } else if text[offset..].starts_with('\n') {
            offset += 1;
        }
    }
    offset
}

pub fn node_to_toml(node: &Node) -> toml::Value {
    match &node.value {
        Value::Null => toml::Value::String(String::new()),
        Value::Bool(flag) => toml::Value::Boolean(*flag),
        Value::Integer(number) => toml::Value::Integer(*number),
        Value::Float(number) => toml::Value::Float(*number),
        Value::String(text) => toml::Value::String(text.to_string()),
        Value::Sequence(items) => toml::Value::Array(items.iter().map(node_to_toml).collect()),
        Value::Map(entries) => toml::Value::Table(
            entries
                .iter()
                .map(|entry| (entry.key.to_string(), node_to_toml(&entry.value)))
                .collect(),
        ),
    }
}
