//! What rules see: every record as a CEL value (converted once), and the functions that CEL lacks,
//! backed by the repository's indexes so that no rule scans another kind per record.
//!
//! | function | returns |
//! |---|---|
//! | `ref(id)`, `ref(kind, id)` | the record with that id (of that kind), or `null` |
//! | `referrers(kind, field)`, `referrers(record, kind, field)` | records of `kind` whose `field` names `self` (or `record`) |
//! | `active(record)` | status is `active` or absent |
//! | `in_force(record)` | active, and today within its validity dates |
//! | `hwm(system)` | `{confidentiality, integrity, availability}`: the highest levels among the system's assets, or `null` |
//! | `ancestors(unit)` | ids of the org units above a unit, nearest first (through `parent`) |
//! | `assignments(unit, function)` | role assignments in force of that role function scoped to the unit or an ancestor |
//! | `covering_documents(unit)` | governing documents whose `applies_to` covers the unit (by id or by token) |
//! | `records(kind)` | every record of a kind (for `scope = "kind"` rules) |
//! | `date(text)` | the date, checked (`2026-02-30` is an error) |
//! | `add_period(date, period)` | the date plus an ISO 8601 period (`P12M`) |
//! | `days_between(a, b)`, `months_between(a, b)` | whole days or months from date `a` to date `b` |
//! | `hours_between(a, b)` | hours (a float) from instant `a` to instant `b` |
//! | `max_date(list)` | the latest date of a list of dates (`null` for none) |
//! | `sum(list)` | the sum of a list of numbers, as a double (`null` items count as 0) |
//! | `normalise(text)` | lower case, white space collapsed: for comparing titles |
//! | `rule_severity(id)` | the severity a rule runs with (after re-grading), or for a reference such as `ISO27001:A.5.9` the highest of the rules citing it; `null` if none |
//!
//! Dates are `YYYY-MM-DD` strings, so `a < b` compares them; `today` is one too.
//!
//! Indexing here is by record positions that `World::new` built over the same repository, and by
//! argument positions after `arity()` checked them: never by data from outside.
#![allow(clippy::indexing_slicing)]

use std::collections::HashMap;
use std::sync::Arc;

use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString,
};
use cel::common::value::{CowVal, Val};
use cel::extractors::IntoResolveResult;
use cel::{Context, ExecutionError, FunctionContext};
use jiff::civil::Date;
use rayon::prelude::*;

use super::record::{Fields, RecordVal};
use crate::repository::Repository;
use crate::source::node::{Node, Value};

/// The data behind the rule functions, shared by every evaluation of one run. Everything a
/// function needs is computed here once: the functions themselves only look things up.
pub struct World {
    pub today: Date,
    /// Every record as a CEL value (its fields converted once).
    pub records: Vec<RecordVal>,
    kinds: Vec<&'static str>,
    ids: HashMap<&'static str, HashMap<String, usize>>,
    any_kind: HashMap<String, Vec<usize>>,
    /// For every record: (referring record, field) pairs.
    referrers: Vec<Vec<(usize, String)>>,
    pub by_kind: HashMap<&'static str, Vec<usize>>,
    hwm: Vec<Option<[i64; 3]>>,
    /// For every org unit: the governing documents whose `applies_to` covers it.
    coverage: Vec<Vec<usize>>,
    active: Vec<bool>,
    in_force: Vec<bool>,
    parent: Vec<Option<usize>>,
    /// For role assignments: the `function` of their role.
    role_function: Vec<Option<String>>,
    /// Severity of every rule (after re-grading), and of every reference (the highest of the
    /// rules that cite it), for `rule_severity()`.
    severities: HashMap<String, &'static str>,
}

const LEVELS: [&str; 3] = ["confidentiality", "integrity", "availability"];

impl World {
    pub fn new(
        repository: &Repository,
        today: Date,
        severities: HashMap<String, &'static str>,
    ) -> World {
        let records = &repository.records;
        let mut ids: HashMap<&'static str, HashMap<String, usize>> = HashMap::new();
        let mut any_kind: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_kind: HashMap<&'static str, Vec<usize>> = HashMap::new();
        for (index, record) in records.iter().enumerate() {
            by_kind.entry(record.kind).or_default().push(index);
            if let Some(id) = &record.id {
                ids.entry(record.kind)
                    .or_default()
                    .entry(id.clone())
                    .or_insert(index);
                any_kind.entry(id.clone()).or_default().push(index);
            }
        }
        let mut referrers = vec![Vec::new(); records.len()];
        for reference in &repository.references {
            if let Some(target) = reference.resolved {
                referrers[target].push((reference.from, top_field(&reference.field)));
            }
        }
        let lookup = |kind: &str, id: &str| ids.get(kind).and_then(|ids| ids.get(id)).copied();
        let parent = records
            .iter()
            .map(|record| {
                record
                    .get_str("parent")
                    .and_then(|id| lookup("org_unit", id))
            })
            .collect();
        let role_function = records
            .iter()
            .map(|record| {
                let role = record.get_str("role").and_then(|id| lookup("role", id))?;
                records[role].get_str("function").map(str::to_string)
            })
            .collect();
        let mut world = World {
            today,
            records: records
                .par_iter()
                .enumerate()
                .map(|(index, record)| {
                    RecordVal::new(
                        index,
                        Arc::new(Fields::of(&record.node, record.kind, index)),
                    )
                })
                .collect(),
            kinds: records.iter().map(|record| record.kind).collect(),
            active: records.iter().map(|record| record.is_active()).collect(),
            in_force: records
                .iter()
                .map(|record| record.in_force(today))
                .collect(),
            ids,
            any_kind,
            referrers,
            by_kind,
            hwm: Vec::new(),
            coverage: Vec::new(),
            parent,
            role_function,
            severities,
        };
        world.hwm = world.high_water_marks(repository);
        world.coverage = world.document_coverage(repository);
        world
    }

    fn lookup(&self, kind: &str, id: &str) -> Option<usize> {
        self.ids.get(kind).and_then(|ids| ids.get(id)).copied()
    }

    /// Per system: the highest level per dimension among the assets it lists and the assets that
    /// list it.
    fn high_water_marks(&self, repository: &Repository) -> Vec<Option<[i64; 3]>> {
        let mut marks = vec![None; repository.records.len()];
        for &index in self.by_kind.get("system").into_iter().flatten() {
            let record = &repository.records[index];
            let mut assets: Vec<usize> = self.referrers[index]
                .iter()
                .filter(|(from, field)| {
                    self.kinds[*from] == "information_asset" && field == "systems"
                })
                .map(|(from, _)| *from)
                .collect();
            if let Some(Value::Sequence(listed)) = record.node.get("assets").map(|node| &node.value)
            {
                assets.extend(
                    listed
                        .iter()
                        .filter_map(Node::as_str)
                        .filter_map(|id| self.lookup("information_asset", id)),
                );
            }
            let mut mark: Option<[i64; 3]> = None;
            for asset in assets {
                let Some(classification) = repository.records[asset].node.get("classification")
                else {
                    continue;
                };
                let current = mark.get_or_insert([0; 3]);
                for (slot, level) in current.iter_mut().zip(LEVELS) {
                    if let Some(Value::Integer(value)) =
                        classification.get(level).map(|node| &node.value)
                    {
                        *slot = (*slot).max(*value);
                    }
                }
            }
            marks[index] = mark;
        }
        marks
    }

    /// Which governing documents cover each org unit: named in `applies_to`, or through the
    /// tokens `all_committees` (committees and the executive board) and `all_company_boards`.
    fn document_coverage(&self, repository: &Repository) -> Vec<Vec<usize>> {
        let mut coverage = vec![Vec::new(); repository.records.len()];
        let units = self.by_kind.get("org_unit").cloned().unwrap_or_default();
        for &document in self.by_kind.get("governing_document").into_iter().flatten() {
            let Some(Value::Sequence(targets)) = repository.records[document]
                .node
                .get("applies_to")
                .map(|node| &node.value)
            else {
                continue;
            };
            for target in targets.iter().filter_map(Node::as_str) {
                let covered: Vec<usize> = match target {
                    "all_committees" => units
                        .iter()
                        .copied()
                        .filter(|&unit| {
                            matches!(
                                repository.records[unit].get_str("unit_type"),
                                Some("committee" | "executive_board")
                            )
                        })
                        .collect(),
                    "all_company_boards" => units
                        .iter()
                        .copied()
                        .filter(|&unit| {
                            repository.records[unit].get_str("unit_type") == Some("company_board")
                        })
                        .collect(),
                    id => self.lookup("org_unit", id).into_iter().collect(),
                };
                for unit in covered {
                    if !coverage[unit].contains(&document) {
                        coverage[unit].push(document);
                    }
                }
            }
        }
        coverage
    }

    /// The unit's ancestors through `parent`, nearest first, stopping at a cycle.
    fn ancestors(&self, unit: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut current = unit;
        while let Some(parent) = self.parent[current] {
            if parent == unit || chain.contains(&parent) {
                break;
            }
            chain.push(parent);
            current = parent;
        }
        chain
    }

    fn list(&self, indexes: impl IntoIterator<Item = usize>) -> Box<dyn Val> {
        Box::new(CelList::from(
            indexes
                .into_iter()
                .map(|index| Box::new(self.records[index].clone()) as Box<dyn Val>)
                .collect::<Vec<_>>(),
        ))
    }
}

/// `systems[]` and `hosting.supplier` are both found by their first key.
fn top_field(field: &str) -> String {
    field.split(['.', '[']).next().unwrap_or(field).to_string()
}

/// What a rule function returns, in the form the CEL interpreter takes for any call.
pub struct Returned(Result<Box<dyn Val>, ExecutionError>);

impl<'context, 'call> IntoResolveResult<'context, 'call> for Returned {
    fn into_resolve_result(self) -> Result<CowVal<'context, 'call>, ExecutionError> {
        self.0.map(CowVal::Owned)
    }
}

fn fail(function: &str, message: impl Into<String>) -> ExecutionError {
    ExecutionError::FunctionError {
        function: function.to_string(),
        message: message.into(),
    }
}

fn text<'a>(function: &str, value: &'a dyn Val) -> Result<&'a str, ExecutionError> {
    value
        .downcast_ref::<CelString>()
        .map(CelString::inner)
        .ok_or_else(|| {
            fail(
                function,
                format!("expected a string, got {}", value.get_type().name()),
            )
        })
}

fn is_null(value: &dyn Val) -> bool {
    value.downcast_ref::<CelNull>().is_some()
}

fn record_arg(function: &str, value: &dyn Val) -> Result<usize, ExecutionError> {
    value
        .downcast_ref::<RecordVal>()
        .map(|record| record.index)
        .ok_or_else(|| fail(function, "expected a record"))
}

fn parse_date(function: &str, value: &dyn Val) -> Result<Date, ExecutionError> {
    let text = text(function, value)?;
    text.parse::<Date>().map_err(|error| {
        fail(
            function,
            format!("`{text}` is not a date YYYY-MM-DD: {error}"),
        )
    })
}

fn parse_period(function: &str, value: &dyn Val) -> Result<jiff::Span, ExecutionError> {
    let text = text(function, value)?;
    text.parse::<jiff::Span>().map_err(|error| {
        fail(
            function,
            format!("`{text}` is not an ISO 8601 period: {error}"),
        )
    })
}

fn parse_instant(function: &str, value: &dyn Val) -> Result<jiff::Timestamp, ExecutionError> {
    let text = text(function, value)?;
    text.parse::<jiff::Timestamp>().map_err(|error| {
        fail(
            function,
            format!("`{text}` is not an RFC 3339 instant: {error}"),
        )
    })
}

fn number(function: &str, value: &dyn Val) -> Result<Option<f64>, ExecutionError> {
    if let Some(int) = value.downcast_ref::<CelInt>() {
        return Ok(Some(*int.inner() as f64));
    }
    if let Some(double) = value.downcast_ref::<CelDouble>() {
        return Ok(Some(*double.inner()));
    }
    if is_null(value) {
        return Ok(None);
    }
    Err(fail(
        function,
        format!("expected a number, got {}", value.get_type().name()),
    ))
}

fn string(text: String) -> Box<dyn Val> {
    Box::new(CelString::from(text))
}

fn arity(function: &str, args: &[CowVal], allowed: &[usize]) -> Result<(), ExecutionError> {
    if allowed.contains(&args.len()) {
        Ok(())
    } else {
        let counts = allowed
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(" or ");
        Err(fail(
            function,
            format!("takes {counts} arguments, got {}", args.len()),
        ))
    }
}

/// The record the expression is evaluated for (`self`).
fn current_record(ftx: &FunctionContext) -> Result<usize, ExecutionError> {
    let value = ftx
        .ptx
        .get_variable("self")
        .ok_or_else(|| fail("referrers", "there is no `self` in this rule's scope"))?;
    record_arg("referrers", &*value)
}

type RuleFunction = fn(&World, &FunctionContext, &[CowVal]) -> Result<Box<dyn Val>, ExecutionError>;

/// Adds every function of this module to a context.
pub fn register(context: &mut Context, world: &Arc<World>) {
    let functions: [(&str, RuleFunction); 17] = [
        ("ref", reference),
        ("referrers", referrers),
        ("active", |world, _, args| {
            arity("active", args, &[1])?;
            Ok(Box::new(CelBool::from(
                world.active[record_arg("active", &*args[0])?],
            )))
        }),
        ("in_force", |world, _, args| {
            arity("in_force", args, &[1])?;
            Ok(Box::new(CelBool::from(
                world.in_force[record_arg("in_force", &*args[0])?],
            )))
        }),
        ("hwm", |world, _, args| {
            arity("hwm", args, &[1])?;
            Ok(match world.hwm[record_arg("hwm", &*args[0])?] {
                None => Box::new(CelNull),
                Some(levels) => Box::new(CelMap::from(
                    LEVELS
                        .iter()
                        .zip(levels)
                        .map(|(name, level)| {
                            (
                                CelMapKey::String(CelString::from(*name)),
                                Box::new(CelInt::from(level)) as Box<dyn Val>,
                            )
                        })
                        .collect::<HashMap<_, _>>(),
                )),
            })
        }),
        ("ancestors", |world, _, args| {
            arity("ancestors", args, &[1])?;
            let unit = record_arg("ancestors", &*args[0])?;
            let ids = world
                .ancestors(unit)
                .into_iter()
                .filter_map(|index| world.any_kind_id(index));
            Ok(Box::new(CelList::from(ids.map(string).collect::<Vec<_>>())))
        }),
        ("assignments", |world, _, args| {
            arity("assignments", args, &[2])?;
            let unit = record_arg("assignments", &*args[0])?;
            let function = text("assignments", &*args[1])?;
            let mut found = Vec::new();
            for scope in std::iter::once(unit).chain(world.ancestors(unit)) {
                for (assignment, field) in &world.referrers[scope] {
                    let matches = world.kinds[*assignment] == "role_assignment"
                        && field == "scope_unit"
                        && world.in_force[*assignment]
                        && world.role_function[*assignment].as_deref() == Some(function);
                    if matches {
                        found.push(*assignment);
                    }
                }
            }
            Ok(world.list(found))
        }),
        ("covering_documents", |world, _, args| {
            arity("covering_documents", args, &[1])?;
            let unit = record_arg("covering_documents", &*args[0])?;
            Ok(world.list(world.coverage[unit].clone()))
        }),
        ("records", |world, _, args| {
            arity("records", args, &[1])?;
            let kind = text("records", &*args[0])?;
            Ok(world.list(world.by_kind.get(kind).cloned().unwrap_or_default()))
        }),
        ("date", |_, _, args| {
            arity("date", args, &[1])?;
            Ok(string(parse_date("date", &*args[0])?.to_string()))
        }),
        ("add_period", |_, _, args| {
            arity("add_period", args, &[2])?;
            let date = parse_date("add_period", &*args[0])?;
            let period = parse_period("add_period", &*args[1])?;
            let sum = date
                .checked_add(period)
                .map_err(|error| fail("add_period", error.to_string()))?;
            Ok(string(sum.to_string()))
        }),
        ("days_between", |_, _, args| {
            arity("days_between", args, &[2])?;
            let (from, to) = (
                parse_date("days_between", &*args[0])?,
                parse_date("days_between", &*args[1])?,
            );
            let days = from
                .until((jiff::Unit::Day, to))
                .map_err(|error| fail("days_between", error.to_string()))?
                .get_days();
            Ok(Box::new(CelInt::from(i64::from(days))))
        }),
        ("months_between", |_, _, args| {
            arity("months_between", args, &[2])?;
            let (from, to) = (
                parse_date("months_between", &*args[0])?,
                parse_date("months_between", &*args[1])?,
            );
            let span = from
                .until((jiff::Unit::Month, to))
                .map_err(|error| fail("months_between", error.to_string()))?;
            Ok(Box::new(CelInt::from(i64::from(span.get_months()))))
        }),
        ("hours_between", |_, _, args| {
            arity("hours_between", args, &[2])?;
            let (from, to) = (
                parse_instant("hours_between", &*args[0])?,
                parse_instant("hours_between", &*args[1])?,
            );
            Ok(Box::new(CelDouble::from(
                (to.as_second() - from.as_second()) as f64 / 3600.0,
            )))
        }),
        ("max_date", |_, _, args| {
            arity("max_date", args, &[1])?;
            let Some(items) = args[0].as_iterable() else {
                return Err(fail("max_date", "expected a list of dates"));
            };
            let mut latest: Option<Date> = None;
            let mut items = items.iter();
            while let Some(item) = items.next() {
                if is_null(item) {
                    continue;
                }
                let date = parse_date("max_date", item)?;
                latest = Some(latest.map_or(date, |current| current.max(date)));
            }
            Ok(latest.map_or_else(
                || Box::new(CelNull) as Box<dyn Val>,
                |date| string(date.to_string()),
            ))
        }),
        ("sum", |_, _, args| {
            arity("sum", args, &[1])?;
            let Some(items) = args[0].as_iterable() else {
                return Err(fail("sum", "expected a list of numbers"));
            };
            let mut total = 0.0;
            let mut items = items.iter();
            while let Some(item) = items.next() {
                total += number("sum", item)?.unwrap_or(0.0);
            }
            Ok(Box::new(CelDouble::from(total)))
        }),
        ("normalise", |_, _, args| {
            arity("normalise", args, &[1])?;
            let text = text("normalise", &*args[0])?;
            Ok(string(
                text.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase(),
            ))
        }),
    ];
    for (name, function) in functions {
        let world = Arc::clone(world);
        // Our names clash with no standard function; a unit test registers them all.
        let _ = context.add_function(name, move |ftx: &FunctionContext| {
            Returned(function(&world, ftx, &ftx.args))
        });
    }
    register_display(context);
    let world = Arc::clone(world);
    let _ = context.add_function("rule_severity", move |ftx: &FunctionContext| {
        Returned(arity("rule_severity", &ftx.args, &[1]).and_then(|()| {
            let id = text("rule_severity", &*ftx.args[0])?;
            Ok(world.severities.get(id).map_or_else(
                || Box::new(CelNull) as Box<dyn Val>,
                |severity| string(severity.to_string()),
            ))
        }))
    });
}

/// `display_text(x)`, which message templates wrap every placeholder in.
pub fn register_display(context: &mut Context) {
    let _ = context.add_function("display_text", |ftx: &FunctionContext| {
        Returned(
            arity("display_text", &ftx.args, &[1]).map(|()| string(display_val(&*ftx.args[0]))),
        )
    });
}

/// How any CEL value reads in a message: text as it is, a record by its id, a list
/// comma-separated, `null` as `none`, a number with at most one decimal.
pub fn display_val(value: &dyn Val) -> String {
    if let Some(text) = value.downcast_ref::<CelString>() {
        return text.inner().to_string();
    }
    if let Some(record) = value.downcast_ref::<RecordVal>() {
        return record
            .as_indexer()
            .and_then(|indexer| indexer.get(&CelString::from("id")).ok())
            .map_or_else(|| "(record)".to_string(), |id| display_val(&*id));
    }
    if let Some(double) = value.downcast_ref::<CelDouble>() {
        let rounded = format!("{:.1}", double.inner());
        return rounded
            .strip_suffix(".0")
            .map_or(rounded.clone(), str::to_string);
    }
    if is_null(value) {
        return "none".to_string();
    }
    if value.downcast_ref::<CelList>().is_some()
        && let Some(items) = value.as_iterable()
    {
        let mut shown = Vec::new();
        let mut items = items.iter();
        while let Some(item) = items.next() {
            shown.push(display_val(item));
        }
        return shown.join(", ");
    }
    match cel::Value::try_from(value) {
        Ok(other) => super::expr::display(&other),
        Err(_) => format!("({})", value.get_type().name()),
    }
}

impl World {
    fn any_kind_id(&self, index: usize) -> Option<String> {
        self.records.get(index).and_then(|record| {
            let value = record.as_indexer()?.get(&CelString::from("id")).ok()?;
            value
                .downcast_ref::<CelString>()
                .map(|id| id.inner().to_string())
        })
    }
}

fn reference(
    world: &World,
    _: &FunctionContext,
    args: &[CowVal],
) -> Result<Box<dyn Val>, ExecutionError> {
    arity("ref", args, &[1, 2])?;
    let (kind, id) = if args.len() == 2 {
        (Some(text("ref", &*args[0])?), &args[1])
    } else {
        (None, &args[0])
    };
    if is_null(&**id) {
        return Ok(Box::new(CelNull));
    }
    let id = text("ref", &**id)?;
    let found = match kind {
        Some(kind) => world.lookup(kind, id),
        None => match world.any_kind.get(id).map(Vec::as_slice) {
            None | Some([]) => None,
            Some([only]) => Some(*only),
            Some(_) => {
                return Err(fail(
                    "ref",
                    format!("`{id}` is the id of records of several kinds; use ref(kind, id)"),
                ));
            }
        },
    };
    Ok(found.map_or_else(
        || Box::new(CelNull) as Box<dyn Val>,
        |index| Box::new(world.records[index].clone()),
    ))
}

fn referrers(
    world: &World,
    ftx: &FunctionContext,
    args: &[CowVal],
) -> Result<Box<dyn Val>, ExecutionError> {
    arity("referrers", args, &[2, 3])?;
    let (target, rest) = if args.len() == 3 {
        (record_arg("referrers", &*args[0])?, &args[1..])
    } else {
        (current_record(ftx)?, args)
    };
    let kind = text("referrers", &*rest[0])?;
    let field = text("referrers", &*rest[1])?;
    let mut found: Vec<usize> = world.referrers[target]
        .iter()
        .filter(|(from, via)| world.kinds[*from] == kind && via == field)
        .map(|(from, _)| *from)
        .collect();
    found.dedup();
    Ok(world.list(found))
}
