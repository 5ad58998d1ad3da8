//! Rules as data: packs of rules in TOML with CEL expressions (the default packs in `rules/`,
//! embedded; a repository's own from `rule_paths`), compiled once, then selected, re-graded and
//! parameterised by `tillsyn.toml` and the command line.
//!
//! Indexing here is by pack positions that `pack::read` assigned, never by data from outside.
#![allow(clippy::indexing_slicing)]

pub mod code;
#[cfg(test)]
mod conformance;
pub mod expr;
pub mod functions;
pub mod interpreter;
pub mod pack;
pub mod time;
pub mod value;

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use self::code::Code;
use self::expr::{CompileError, Expr, Parsed, Template};
use self::pack::{CheckDef, PackSource, ParamDef, RuleDef, Scope};
use crate::builtin;
use crate::config::Config;
use crate::finding::Severity;
use crate::outcome::RuleInfo;
use crate::source::node::{Entry, Node, Value as NodeValue};
use crate::source::span::Span;
use crate::suggest::did_you_mean;

/// A rule ready to run.
pub struct Rule {
    pub def: RuleDef,
    /// The severity the pack declares, for single-check rules and as the default of a check.
    /// `tillsyn.toml`'s re-grading is applied to findings and descriptions by
    /// [`RuleSet::severity_of`], never here: a finding's identity must not change with it.
    pub severity: Severity,
    pub checks: Vec<Check>,
}

pub struct Check {
    pub severity: Severity,
    pub kinds: Vec<String>,
    pub scope: CompiledScope,
    /// Guards that must all hold.
    pub when: Vec<Expr>,
    pub assert: Expr,
    pub field: Option<String>,
    /// The list field judged item by item, each bound to `item` (see [`pack::CheckDef::each`]).
    pub each: Option<String>,
    pub message: Template,
    /// The message in Swedish, when the rule has one: rendered only for `--lang sv`.
    pub message_sv: Option<Template>,
}

pub enum CompiledScope {
    Record,
    Group(Expr),
    Kind,
}

/// The rules of one run, and the params and selection they run with.
pub struct RuleSet {
    pub packs: Vec<PackSource>,
    pub rules: Vec<Rule>,
    pub params: BTreeMap<String, ParamDef>,
    /// The effective param values (defaults overridden by `tillsyn.toml`).
    pub values: BTreeMap<String, toml::Value>,
    /// The language finding messages are also rendered in, besides English (which machine
    /// formats use): set for a human format in another language.
    pub lang: crate::lang::Lang,
    /// Rule ids, built-in and from packs, that this run reports, in catalogue order.
    selected: Vec<String>,
    /// The same ids, to look one up.
    selected_set: std::collections::HashSet<String>,
    severity_overrides: BTreeMap<String, Severity>,
}

/// Why the rules cannot be used (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("{0}")]
    Compile(CompileError),
    #[error("{0}")]
    Pack(String),
    #[error("{0}")]
    Config(String),
}

/// What the command line adds to the configuration's selection.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Replaces the configuration's `select` when given.
    pub select: Option<Vec<String>>,
    /// Added to the configuration's `ignore`.
    pub ignore: Vec<String>,
}

impl RuleSet {
    /// The ids of the selected rules that come from the tree's own packs (`rule_paths`).
    pub fn own_selected_rules(&self) -> Vec<String> {
        self.rules
            .iter()
            .filter(|rule| {
                self.packs
                    .get(rule.def.pack)
                    .is_some_and(|pack| !pack.builtin)
            })
            .filter(|rule| self.is_selected(&rule.def.id))
            .map(|rule| rule.def.id.clone())
            .collect()
    }

    /// Loads the default packs and the repository's own (`rule_paths`, relative to `root`),
    /// compiles every expression, and applies the configuration.
    pub fn load(
        root: &Path,
        config: &Config,
        selection: &Selection,
    ) -> Result<RuleSet, RulesError> {
        let mut sources: Vec<PackSource> = pack::DEFAULT_PACKS
            .iter()
            .map(|(path, text)| PackSource::new(*path, *text, true))
            .collect();
        for rule_path in &config.rule_paths {
            sources.extend(read_user_packs(root, rule_path)?);
        }
        Self::from_sources(sources, config, selection)
    }

    pub fn from_sources(
        sources: Vec<PackSource>,
        config: &Config,
        selection: &Selection,
    ) -> Result<RuleSet, RulesError> {
        let packs = pack::read(sources).map_err(|error| RulesError::Pack(error.rendered))?;
        let pack::Packs {
            sources,
            rules,
            params,
        } = packs;
        let known_kinds = crate::schema::kind_names();
        // Compiling the pack is most of a small run's fixed start, and the rules compile
        // independently: in parallel, with the first error in pack order reported, as a
        // sequential load would.
        let parsed = Parsed::default();
        let checks: Vec<Result<Vec<Check>, CompileError>> = rules
            .par_iter()
            .map(|def| {
                def.checks
                    .iter()
                    .map(|check| compile_check(check, &def.id, &sources, &parsed))
                    .collect()
            })
            .collect();
        let mut compiled = Vec::with_capacity(rules.len());
        for (def, checks) in rules.into_iter().zip(checks) {
            for kind in &def.kinds {
                if !known_kinds.contains(&kind.as_str()) {
                    let hint = did_you_mean(kind, known_kinds.iter().copied()).unwrap_or_default();
                    let pack = &sources[def.pack];
                    return Err(RulesError::Pack(expr::caret(
                        pack,
                        def.span.start(),
                        &format!("rule {} names the unknown kind `{kind}` {hint}", def.id),
                    )));
                }
            }
            for param in &def.params {
                if !params.contains_key(param) {
                    let pack = &sources[def.pack];
                    return Err(RulesError::Pack(expr::caret(
                        pack,
                        def.span.start(),
                        &format!(
                            "rule {} uses the param `{param}`, which no pack declares",
                            def.id
                        ),
                    )));
                }
            }
            let checks = checks.map_err(RulesError::Compile)?;
            compiled.push(Rule {
                severity: def.severity,
                checks,
                def,
            });
        }
        drop_single_keeps(&mut compiled);
        let mut set = RuleSet {
            packs: sources,
            rules: compiled,
            values: params
                .iter()
                .map(|(name, param)| (name.clone(), param.default.clone()))
                .collect(),
            params,
            lang: crate::lang::Lang::En,
            selected: Vec::new(),
            selected_set: std::collections::HashSet::new(),
            severity_overrides: BTreeMap::new(),
        };
        set.configure(config, selection)?;
        Ok(set)
    }

    fn all_ids(&self) -> Vec<&str> {
        builtin::ALL
            .iter()
            .map(|rule| rule.id)
            .chain(self.rules.iter().map(|rule| rule.def.id.as_str()))
            .collect()
    }

    fn configure(&mut self, config: &Config, selection: &Selection) -> Result<(), RulesError> {
        let ids: Vec<String> = self.all_ids().into_iter().map(str::to_string).collect();
        let check_pattern = |pattern: &str, key: &str| -> Result<(), RulesError> {
            if pattern == "ALL" || ids.iter().any(|id| id.starts_with(pattern)) {
                return Ok(());
            }
            let hint = did_you_mean(pattern, ids.iter().map(String::as_str))
                .unwrap_or_else(|| "`tillsyn rules list` shows the rules".into());
            Err(RulesError::Config(format!(
                "`{key}` names `{pattern}`, which is no rule id or prefix; {hint}"
            )))
        };
        let select = selection
            .select
            .clone()
            .or_else(|| config.select.clone())
            .unwrap_or_else(|| vec!["ALL".into()]);
        let ignore: Vec<String> = config
            .ignore
            .iter()
            .chain(&selection.ignore)
            .cloned()
            .collect();
        for pattern in &select {
            check_pattern(pattern, "select")?;
        }
        for pattern in &ignore {
            check_pattern(pattern, "ignore")?;
        }
        let matches = |patterns: &[String], id: &str| {
            patterns
                .iter()
                .any(|pattern| pattern == "ALL" || id.starts_with(pattern.as_str()))
        };
        self.selected = ids
            .iter()
            .filter(|id| matches(&select, id) && !matches(&ignore, id))
            .cloned()
            .collect();
        self.selected_set = self.selected.iter().cloned().collect();

        for (id, severity) in &config.severity {
            if !ids.contains(id) {
                let hint = did_you_mean(id, ids.iter().map(String::as_str)).unwrap_or_default();
                return Err(RulesError::Config(format!(
                    "[severity] names `{id}`, which is no rule {hint}"
                )));
            }
            let Some(severity) = pack::parse_severity(severity) else {
                return Err(RulesError::Config(format!(
                    "[severity] {id} = \"{severity}\" is not a severity; use critical, high, medium, low or info"
                )));
            };
            self.severity_overrides.insert(id.clone(), severity);
        }
        for (name, value) in &config.params {
            let Some(param) = self.params.get(name) else {
                let hint = did_you_mean(name, self.params.keys().map(String::as_str))
                    .unwrap_or_else(|| "`tillsyn rules list --params` shows them".into());
                return Err(RulesError::Config(format!(
                    "[params] names `{name}`, which no rule uses; {hint}"
                )));
            };
            if param.default.type_str() != value.type_str() {
                return Err(RulesError::Config(format!(
                    "[params] {name} must be a {} like the default {}, not a {}",
                    param.default.type_str(),
                    param.default,
                    value.type_str()
                )));
            }
            if name == "oscal_impact_levels"
                && let Some(table) = value.as_table()
                && let Some((word, level)) = table
                    .iter()
                    .find(|(_, level)| !matches!(level.as_integer(), Some(0..=4)))
            {
                return Err(RulesError::Config(format!(
                    "[params] oscal_impact_levels: `{word}` must be a level from 0 to 4, not {level}"
                )));
            }
            if name == "multi_unit_deciders_by_kind"
                && let Some(table) = value.as_table()
            {
                check_deciders_by_kind(table)?;
            }
            self.values.insert(name.clone(), value.clone());
        }
        Ok(())
    }

    /// The param `oscal_impact_levels`: OSCAL's security impact words and the levels they are
    /// read as (entries that are not a level are refused when the configuration is read).
    pub fn impact_levels(&self) -> BTreeMap<String, i64> {
        self.values
            .get("oscal_impact_levels")
            .and_then(toml::Value::as_table)
            .map(|table| {
                table
                    .iter()
                    .filter_map(|(word, level)| Some((word.clone(), level.as_integer()?)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The param `innovation_share_target_pct`: the share of innovation, in per cent, the plan
    /// asks of the development portfolio.
    pub fn innovation_share_target_pct(&self) -> Option<f64> {
        match self.values.get("innovation_share_target_pct")? {
            toml::Value::Integer(number) => Some(*number as f64),
            toml::Value::Float(number) => Some(*number),
            _ => None,
        }
    }

    /// The param `due_in`: how long the responsible has to act on a new finding, per severity.
    /// A severity with an empty or unreadable period is not followed up.
    pub fn due_in(&self) -> BTreeMap<Severity, jiff::Span> {
        let table = self.values.get("due_in").and_then(toml::Value::as_table);
        Severity::ALL_DESCENDING
            .into_iter()
            .filter_map(|severity| {
                period(table.and_then(|table| table.get(severity.as_str())))
                    .map(|span| (severity, span))
            })
            .collect()
    }

    /// The param `escalate_after`: how long a finding may be overdue before it is escalated.
    /// An empty or unreadable period escalates nothing.
    pub fn escalate_after(&self) -> Option<jiff::Span> {
        period(self.values.get("escalate_after"))
    }

    /// Every rule id this run knows, built-in and from packs, selected or not.
    pub fn known_ids(&self) -> Vec<&str> {
        self.all_ids()
    }

    /// The rules that run: selected, and not ignored.
    pub fn selected_ids(&self) -> impl Iterator<Item = &str> {
        self.selected.iter().map(String::as_str)
    }

    /// The rules an exception's `rule` names: that rule, when it is a rule id; else every rule,
    /// built-in or from a pack, that cites it as a reference (`ISO27001:A.5.9`). Empty when it
    /// names nothing this run knows.
    pub fn named_by(&self, rule_or_reference: &str) -> Vec<&str> {
        if let Some(id) = self
            .all_ids()
            .into_iter()
            .find(|id| *id == rule_or_reference)
        {
            return vec![id];
        }
        let builtin = builtin::ALL
            .iter()
            .filter(|rule| rule.references.contains(&rule_or_reference))
            .map(|rule| rule.id);
        let packs = self
            .rules
            .iter()
            .filter(|rule| {
                rule.def
                    .references
                    .iter()
                    .any(|cited| cited == rule_or_reference)
            })
            .map(|rule| rule.def.id.as_str());
        builtin.chain(packs).collect()
    }

    pub fn is_selected(&self, id: &str) -> bool {
        self.selected_set.contains(id)
    }

    /// The severity a finding of rule `id`, declared `default`, is reported with: the one place
    /// `tillsyn.toml`'s `[severity]` re-grades.
    pub fn severity_of(&self, id: &str, default: Severity) -> Severity {
        self.severity_overrides.get(id).copied().unwrap_or(default)
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.def.id == id)
    }

    /// The selected rules as this run grades them, for the run's outcome: the built-in ones,
    /// then the packs' in pack order (a pack rule with a built-in rule's id is the built-in one).
    pub fn catalogue(&self) -> Vec<RuleInfo> {
        let mut catalogue: Vec<RuleInfo> = builtin::ALL
            .iter()
            .filter(|rule| self.is_selected(rule.id))
            .map(|rule| RuleInfo {
                id: rule.id.into(),
                title: rule.title.to_string(),
                severity: self.severity_of(rule.id, rule.severity),
                rationale: rule.rationale.to_string(),
                remediation: rule.remediation.to_string(),
                references: rule.references.iter().map(|r| r.to_string()).collect(),
                title_sv: Some(rule.sv.title.to_string()),
                remediation_sv: Some(rule.sv.remediation.to_string()),
            })
            .collect();
        for rule in &self.rules {
            if self.is_selected(&rule.def.id)
                && !catalogue.iter().any(|known| known.id == rule.def.id)
            {
                let sv = rule.def.sv.as_ref();
                catalogue.push(RuleInfo {
                    id: rule.def.id.as_str().into(),
                    title: rule.def.title.clone(),
                    severity: self.severity_of(&rule.def.id, rule.severity),
                    rationale: rule.def.rationale.clone(),
                    remediation: rule.def.remediation.clone(),
                    references: rule.def.references.clone(),
                    title_sv: sv.and_then(|sv| sv.title.clone()),
                    remediation_sv: sv.and_then(|sv| sv.remediation.clone()),
                });
            }
        }
        catalogue
    }

    /// The params as a table, the value of `params` in expressions.
    pub fn params_node(&self) -> Node {
        table_node(self.values.iter())
    }
}

/// A param value that is an ISO 8601 period (`P30D`).
fn period(value: Option<&toml::Value>) -> Option<jiff::Span> {
    value
        .and_then(toml::Value::as_str)
        .and_then(|text| text.parse::<jiff::Span>().ok())
}

/// Removes the per-record keeping of subexpressions that are evaluated once per binding of
/// `self`: most `self.field` reads and many `ref()`s appear in one check of a kind only, and
/// storing their value for a reuse that never comes cost more than it saved (half the kept
/// values in the default pack were never read again). Record checks share kept values across
/// the checks of a kind, since a record is bound once for all of them; a group or kind check
/// binds its own group, so it shares with nothing. Messages keep theirs: they run only on a
/// failure, and reuse what the assertion computed.
fn drop_single_keeps(rules: &mut [Rule]) {
    use std::collections::HashMap;
    // Uses by sharing scope (a kind, or one collective check) and kept id.
    let mut uses: HashMap<String, HashMap<usize, u8>> = HashMap::new();
    let scopes = |rule: usize, position: usize, check: &Check| -> Vec<String> {
        match check.scope {
            CompiledScope::Record => check.kinds.clone(),
            CompiledScope::Group(_) | CompiledScope::Kind => vec![format!("#{rule}/{position}")],
        }
    };
    fn evaluated(check: &Check) -> Vec<&Code> {
        let group_by = match &check.scope {
            CompiledScope::Group(group_by) => Some(&group_by.code),
            _ => None,
        };
        check
            .when
            .iter()
            .map(|when| &when.code)
            .chain(std::iter::once(&check.assert.code))
            .chain(group_by)
            .collect()
    }
    for (index, rule) in rules.iter().enumerate() {
        for (position, check) in rule.checks.iter().enumerate() {
            for scope in scopes(index, position, check) {
                let counts = uses.entry(scope).or_default();
                for code in evaluated(check) {
                    code::count_record_uses(code, false, counts);
                }
            }
        }
    }
    for (index, rule) in rules.iter_mut().enumerate() {
        for (position, check) in rule.checks.iter_mut().enumerate() {
            let scopes = scopes(index, position, check);
            let reused = |id: usize| {
                scopes.iter().any(|scope| {
                    uses.get(scope)
                        .and_then(|counts| counts.get(&id))
                        .is_some_and(|count| *count > 1)
                })
            };
            let group_by = match &mut check.scope {
                CompiledScope::Group(group_by) => Some(group_by),
                _ => None,
            };
            for expression in check
                .when
                .iter_mut()
                .chain(std::iter::once(&mut check.assert))
                .chain(group_by)
            {
                let code = std::mem::replace(&mut expression.code, Code::Null);
                expression.code = code::drop_single_uses(code, &reused);
            }
        }
    }
}

fn compile_check(
    check: &CheckDef,
    id: &str,
    packs: &[PackSource],
    parsed: &Parsed,
) -> Result<Check, CompileError> {
    let compile = |source, what: &str| expr::compile(source, packs, what, parsed);
    let when: Vec<Expr> = check
        .when
        .iter()
        .map(|when| compile(when, &format!("`when` of {id}")))
        .collect::<Result<_, _>>()?;
    let assert = compile(&check.assert, &format!("`assert` of {id}"))?;
    // A per-record rule that scans a whole kind makes the check quadratic in the records.
    if check.scope == Scope::Record {
        for expression in when.iter().chain(std::iter::once(&assert)) {
            if code::calls(&expression.code, code::Function::Records) {
                let offset = expression.source.text.find("records(").unwrap_or(0);
                return Err(expr::render(
                    packs,
                    &expression.source,
                    offset,
                    &format!(
                        "rule {id}: records() scans a whole kind, which a per-record rule may not do; \
                         use ref(), referrers() or the other indexed functions, or scope = \"kind\""
                    ),
                ));
            }
        }
    }
    Ok(Check {
        severity: check.severity,
        kinds: check.kinds.clone(),
        scope: match &check.scope {
            Scope::Record => CompiledScope::Record,
            Scope::Kind => CompiledScope::Kind,
            Scope::Group(group_by) => {
                CompiledScope::Group(compile(&group_by.0, &format!("`group_by` of {id}"))?)
            }
        },
        when,
        assert,
        field: check.field.clone(),
        each: check.each.clone(),
        message: Template::compile(&check.message, packs, parsed)?,
        message_sv: check
            .message_sv
            .as_ref()
            .map(|message| Template::compile(message, packs, parsed))
            .transpose()?,
    })
}

fn read_user_packs(root: &Path, rule_path: &str) -> Result<Vec<PackSource>, RulesError> {
    let path = root.join(rule_path);
    // A pack runs on the checked tree's data, so it must be the tree's own: no link may lead
    // it in from outside (tillsyn.toml's paths are already kept from climbing out as written).
    let out_of_root = || {
        RulesError::Pack(format!(
            "rule_paths names `{rule_path}`, which leads out of the checked root through a link; a rule pack must lie inside the tree it checks"
        ))
    };
    // Each step of the path below the root is looked at, not resolved: a link is refused where
    // it is, without reading where it leads (not even the target's name is looked up).
    let mut below = root.to_path_buf();
    for component in Path::new(rule_path).components() {
        match component {
            std::path::Component::Normal(name) => below.push(name),
            std::path::Component::CurDir => continue,
            // `a/../b`: tillsyn.toml's paths never climb above the root as written.
            std::path::Component::ParentDir if below != root => {
                below.pop();
                continue;
            }
            _ => return Err(out_of_root()),
        }
        if std::fs::symlink_metadata(&below).is_ok_and(|metadata| metadata.file_type().is_symlink())
        {
            return Err(out_of_root());
        }
    }
    let mut files = Vec::new();
    if path.is_dir() {
        for entry in walkdir::WalkDir::new(&path)
            .follow_links(false)
            .sort_by_file_name()
        {
            let entry = entry
                .map_err(|error| RulesError::Pack(format!("{rule_path}: cannot read: {error}")))?;
            let is_pack = entry.path().extension().is_some_and(|ext| ext == "toml");
            if is_pack && entry.file_type().is_symlink() {
                let shown = crate::source::discover::relative_path(root, entry.path());
                return Err(RulesError::Pack(format!(
                    "{shown}: a rule pack that is a link, which tillsyn does not follow; put the pack itself in `{rule_path}`"
                )));
            }
            if is_pack && entry.file_type().is_file() {
                files.push(entry.path().to_path_buf());
            }
        }
    } else if path.is_file() {
        files.push(path.clone());
    } else {
        return Err(RulesError::Pack(format!(
            "rule_paths names `{rule_path}`, which is no file or directory below the root"
        )));
    }
    files
        .into_iter()
        .map(|file| {
            let shown = crate::source::discover::relative_path(root, &file);
            let text = std::fs::read_to_string(&file)
                .map_err(|error| RulesError::Pack(format!("{shown}: cannot read: {error}")))?;
            Ok(PackSource::new(shown, text, false))
        })
        .collect()
}

fn table_node<'t>(entries: impl Iterator<Item = (&'t String, &'t toml::Value)>) -> Node {
    Node::new(
        NodeValue::Map(
            entries
                .map(|(key, value)| {
                    Entry::new(key.as_str().into(), Span::default(), toml_to_node(value))
                })
                .collect(),
        ),
        Span::default(),
    )
}

/// A param's TOML value as a tree node; a TOML date-time becomes its text.
fn toml_to_node(value: &toml::Value) -> Node {
    let value = match value {
        toml::Value::String(text) => NodeValue::String(text.as_str().into()),
        toml::Value::Integer(number) => NodeValue::Integer(*number),
        toml::Value::Float(number) => NodeValue::Float(*number),
        toml::Value::Boolean(flag) => NodeValue::Bool(*flag),
        toml::Value::Datetime(datetime) => NodeValue::String(datetime.to_string().into()),
        toml::Value::Array(items) => NodeValue::Sequence(items.iter().map(toml_to_node).collect()),
        toml::Value::Table(table) => return table_node(table.iter()),
    };
    Node::new(value, Span::default())
}

/// `[params] multi_unit_deciders_by_kind`: each key a `doc_kind` and each value a list of
/// `unit_type`s, so that a misspelt kind or unit type is refused instead of never matching.
fn check_deciders_by_kind(table: &toml::Table) -> Result<(), RulesError> {
    let catalog = crate::schema::Catalog::get().ok();
    let allowed = |kind: &str, field: &str| -> Vec<&'static str> {
        catalog
            .and_then(|catalog| catalog.kind(kind))
            .map(|schema| schema.enum_values(&[field]))
            .unwrap_or_default()
    };
    let doc_kinds = allowed("governing_document", "doc_kind");
    let unit_types = allowed("org_unit", "unit_type");
    let hint = |word: &str, allowed: &[&str]| {
        did_you_mean(word, allowed.iter().copied())
            .unwrap_or_else(|| format!("use one of {}", allowed.join(", ")))
    };
    let refuse = |text: String| {
        Err(RulesError::Config(format!(
            "[params] multi_unit_deciders_by_kind: {text}"
        )))
    };
    for (doc_kind, deciders) in table {
        if !doc_kinds.is_empty() && !doc_kinds.contains(&doc_kind.as_str()) {
            let hint = hint(doc_kind, &doc_kinds);
            return refuse(format!("`{doc_kind}` is not a doc_kind; {hint}"));
        }
        let Some(list) = deciders.as_array() else {
            return refuse(format!(
                "{doc_kind} must be a list of unit types like [\"council\", \"executive_board\"], not {deciders}"
            ));
        };
        for decider in list {
            let Some(unit_type) = decider.as_str() else {
                return refuse(format!("{doc_kind}: {decider} is not a unit type"));
            };
            if !unit_types.is_empty() && !unit_types.contains(&unit_type) {
                let hint = hint(unit_type, &unit_types);
                return refuse(format!(
                    "{doc_kind}: `{unit_type}` is not a unit_type; {hint}"
                ));
            }
        }
    }
    Ok(())
}
