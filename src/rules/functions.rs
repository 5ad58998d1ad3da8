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
//! | `normalise(text)` | lower case, white space collapsed: for comparing titles |
//!
//! Dates are `YYYY-MM-DD` strings, so `a < b` compares them; `today` is one too.

use std::collections::HashMap;
use std::sync::Arc;

use cel::extractors::Arguments;
use cel::objects::{Key, Map};
use cel::{Context, ExecutionError, FunctionContext, Value as Cel};
use jiff::civil::Date;

use crate::repository::Repository;
use crate::source::node::{Node, Value};

/// The data behind the rule functions, shared by every evaluation of one run.
pub struct World {
    pub today: Date,
    /// Every record as a CEL map, with `__kind` and `__index` added.
    pub values: Vec<Cel>,
    kinds: Vec<&'static str>,
    ids: HashMap<&'static str, HashMap<String, usize>>,
    any_kind: HashMap<String, Vec<usize>>,
    /// For every record: (referring record, field) pairs.
    referrers: Vec<Vec<(usize, String)>>,
    pub by_kind: HashMap<&'static str, Vec<usize>>,
    hwm: Vec<Option<[i64; 3]>>,
    /// For every org unit: the governing documents whose `applies_to` covers it.
    coverage: Vec<Vec<usize>>,
    statuses: Vec<Option<String>>,
}

const LEVELS: [&str; 3] = ["confidentiality", "integrity", "availability"];

impl World {
    pub fn new(repository: &Repository, today: Date) -> World {
        let records = &repository.records;
        let values = records
            .iter()
            .enumerate()
            .map(|(index, record)| {
                let mut map = node_to_map(&record.node);
                map.insert(
                    key("__kind"),
                    Cel::String(Arc::new(record.kind.to_string())),
                );
                map.insert(key("__index"), Cel::Int(index as i64));
                Cel::Map(Map { map: Arc::new(map) })
            })
            .collect();
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
        let mut world = World {
            today,
            values,
            kinds: records.iter().map(|record| record.kind).collect(),
            ids,
            any_kind,
            referrers,
            by_kind,
            hwm: vec![None; records.len()],
            coverage: vec![Vec::new(); records.len()],
            statuses: records
                .iter()
                .map(|record| record.get_str("status").map(str::to_string))
                .collect(),
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
        for (index, record) in repository.records.iter().enumerate() {
            if record.kind != "system" {
                continue;
            }
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

    fn is_active(&self, index: usize) -> bool {
        matches!(self.statuses[index].as_deref(), None | Some("active"))
    }

    /// Active, and the as-of day within the record's validity dates.
    pub fn in_force(&self, index: usize) -> bool {
        if !self.is_active(index) {
            return false;
        }
        let Cel::Map(map) = &self.values[index] else {
            return false;
        };
        let date = |field: &str| match map.map.get(&key(field)) {
            Some(Cel::String(text)) => text.parse::<Date>().ok(),
            _ => None,
        };
        let starts = date("valid_from").or_else(|| date("approved_on"));
        let ends = date("valid_to").or_else(|| date("expires_on"));
        starts.is_none_or(|start| start <= self.today) && ends.is_none_or(|end| self.today <= end)
    }

    /// The unit's ancestors through `parent`, nearest first, stopping at a cycle.
    fn ancestors(&self, unit: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut current = unit;
        while let Some(parent) = self
            .field_str(current, "parent")
            .and_then(|id| self.lookup("org_unit", &id))
        {
            if parent == unit || chain.contains(&parent) {
                break;
            }
            chain.push(parent);
            current = parent;
        }
        chain
    }

    fn field_str(&self, index: usize, field: &str) -> Option<String> {
        match &self.values[index] {
            Cel::Map(map) => match map.map.get(&key(field)) {
                Some(Cel::String(text)) => Some(text.to_string()),
                _ => None,
            },
            _ => None,
        }
    }

    fn list(&self, indexes: impl IntoIterator<Item = usize>) -> Cel {
        Cel::List(Arc::new(
            indexes
                .into_iter()
                .map(|index| self.values[index].clone())
                .collect(),
        ))
    }
}

/// `systems[]` and `hosting.supplier` are both found by their first key.
fn top_field(field: &str) -> String {
    field.split(['.', '[']).next().unwrap_or(field).to_string()
}

fn key(name: &str) -> Key {
    Key::String(Arc::new(name.to_string()))
}

fn node_to_map(node: &Node) -> HashMap<Key, Cel> {
    node.entries()
        .unwrap_or_default()
        .iter()
        .map(|entry| (key(&entry.key), node_to_cel(&entry.value)))
        .collect()
}

pub fn node_to_cel(node: &Node) -> Cel {
    match &node.value {
        Value::Null => Cel::Null,
        Value::Bool(flag) => Cel::Bool(*flag),
        Value::Integer(number) => Cel::Int(*number),
        Value::Float(number) => Cel::Float(*number),
        Value::String(text) => Cel::String(Arc::new(text.clone())),
        Value::Sequence(items) => Cel::List(Arc::new(items.iter().map(node_to_cel).collect())),
        Value::Map(_) => Cel::Map(Map {
            map: Arc::new(node_to_map(node)),
        }),
    }
}

/// The index of a record value (its `__index`).
fn index_of(value: &Cel) -> Option<usize> {
    match value {
        Cel::Map(map) => match map.map.get(&key("__index")) {
            Some(Cel::Int(index)) => usize::try_from(*index).ok(),
            _ => None,
        },
        _ => None,
    }
}

fn fail(function: &str, message: impl Into<String>) -> ExecutionError {
    ExecutionError::FunctionError {
        function: function.to_string(),
        message: message.into(),
    }
}

fn text<'a>(function: &str, value: &'a Cel) -> Result<&'a str, ExecutionError> {
    match value {
        Cel::String(text) => Ok(text),
        other => Err(fail(function, format!("expected a string, got {other:?}"))),
    }
}

fn record_arg(world: &World, function: &str, value: &Cel) -> Result<usize, ExecutionError> {
    index_of(value)
        .filter(|index| *index < world.values.len())
        .ok_or_else(|| fail(function, "expected a record"))
}

fn parse_date(function: &str, value: &Cel) -> Result<Date, ExecutionError> {
    let text = text(function, value)?;
    text.parse::<Date>().map_err(|error| {
        fail(
            function,
            format!("`{text}` is not a date YYYY-MM-DD: {error}"),
        )
    })
}

fn parse_period(function: &str, value: &Cel) -> Result<jiff::Span, ExecutionError> {
    let text = text(function, value)?;
    text.parse::<jiff::Span>().map_err(|error| {
        fail(
            function,
            format!("`{text}` is not an ISO 8601 period: {error}"),
        )
    })
}

fn parse_instant(function: &str, value: &Cel) -> Result<jiff::Timestamp, ExecutionError> {
    let text = text(function, value)?;
    text.parse::<jiff::Timestamp>().map_err(|error| {
        fail(
            function,
            format!("`{text}` is not an RFC 3339 instant: {error}"),
        )
    })
}

fn arity(function: &str, args: &[Cel], allowed: &[usize]) -> Result<(), ExecutionError> {
    if allowed.contains(&args.len()) {
        Ok(())
    } else {
        Err(fail(
            function,
            format!(
                "takes {} arguments, got {}",
                allowed
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(" or "),
                args.len()
            ),
        ))
    }
}

/// The record the expression is evaluated for (`self`), from the `__index` variable.
fn current_record(ftx: &FunctionContext) -> Result<usize, ExecutionError> {
    let value = ftx
        .ptx
        .get_variable("__index")
        .ok_or_else(|| fail("referrers", "there is no `self` in this rule's scope"))?;
    match Cel::try_from(&*value) {
        Ok(Cel::Int(index)) => usize::try_from(index).map_err(|_| fail("referrers", "bad record")),
        _ => Err(fail("referrers", "there is no `self` in this rule's scope")),
    }
}

type RuleFunction =
    Box<dyn Fn(&World, &FunctionContext, &[Cel]) -> Result<Cel, ExecutionError> + Send + Sync>;

/// Adds every function of this module to a context.
pub fn register(context: &mut Context, world: &Arc<World>) {
    let add = |context: &mut Context, name: &str, function: RuleFunction| {
        let world = Arc::clone(world);
        // Names are ours and clash with no standard function; a clash is a programming error
        // that the unit tests catch.
        let _ = context.add_function(
            name,
            move |ftx: &FunctionContext, Arguments(args): Arguments| function(&world, ftx, &args),
        );
    };
    add(
        context,
        "ref",
        Box::new(|world, _, args| {
            arity("ref", args, &[1, 2])?;
            let found = if args.len() == 2 {
                let kind = text("ref", &args[0])?;
                match &args[1] {
                    Cel::Null => None,
                    id => world.lookup(kind, text("ref", id)?),
                }
            } else {
                match &args[0] {
                    Cel::Null => None,
                    id => {
                        let id = text("ref", id)?;
                        match world.any_kind.get(id).map(Vec::as_slice) {
                            None | Some([]) => None,
                            Some([only]) => Some(*only),
                            Some(_) => {
                                return Err(fail(
                                    "ref",
                                    format!(
                                        "`{id}` is the id of records of several kinds; use ref(kind, id)"
                                    ),
                                ));
                            }
                        }
                    }
                }
            };
            Ok(found.map_or(Cel::Null, |index| world.values[index].clone()))
        }),
    );
    add(
        context,
        "referrers",
        Box::new(|world, ftx, args| {
            arity("referrers", args, &[2, 3])?;
            let (target, rest) = if args.len() == 3 {
                (record_arg(world, "referrers", &args[0])?, &args[1..])
            } else {
                (current_record(ftx)?, args)
            };
            let kind = text("referrers", &rest[0])?;
            let field = text("referrers", &rest[1])?;
            let mut found: Vec<usize> = world.referrers[target]
                .iter()
                .filter(|(from, via)| world.kinds[*from] == kind && via == field)
                .map(|(from, _)| *from)
                .collect();
            found.dedup();
            Ok(world.list(found))
        }),
    );
    add(
        context,
        "active",
        Box::new(|world, _, args| {
            arity("active", args, &[1])?;
            Ok(Cel::Bool(
                world.is_active(record_arg(world, "active", &args[0])?),
            ))
        }),
    );
    add(
        context,
        "in_force",
        Box::new(|world, _, args| {
            arity("in_force", args, &[1])?;
            Ok(Cel::Bool(
                world.in_force(record_arg(world, "in_force", &args[0])?),
            ))
        }),
    );
    add(
        context,
        "hwm",
        Box::new(|world, _, args| {
            arity("hwm", args, &[1])?;
            let index = record_arg(world, "hwm", &args[0])?;
            Ok(match world.hwm[index] {
                None => Cel::Null,
                Some(levels) => Cel::Map(Map {
                    map: Arc::new(
                        LEVELS
                            .iter()
                            .zip(levels)
                            .map(|(name, level)| (key(name), Cel::Int(level)))
                            .collect(),
                    ),
                }),
            })
        }),
    );
    add(
        context,
        "ancestors",
        Box::new(|world, _, args| {
            arity("ancestors", args, &[1])?;
            let unit = record_arg(world, "ancestors", &args[0])?;
            let ids = world
                .ancestors(unit)
                .into_iter()
                .filter_map(|index| world.field_str(index, "id"));
            Ok(Cel::List(Arc::new(
                ids.map(|id| Cel::String(Arc::new(id))).collect(),
            )))
        }),
    );
    add(
        context,
        "assignments",
        Box::new(|world, _, args| {
            arity("assignments", args, &[2])?;
            let unit = record_arg(world, "assignments", &args[0])?;
            let function = text("assignments", &args[1])?;
            let mut scope = vec![unit];
            scope.extend(world.ancestors(unit));
            let mut found = Vec::new();
            for unit in scope {
                for (assignment, field) in &world.referrers[unit] {
                    if world.kinds[*assignment] != "role_assignment"
                        || field != "scope_unit"
                        || !world.in_force(*assignment)
                    {
                        continue;
                    }
                    let role = world
                        .field_str(*assignment, "role")
                        .and_then(|id| world.lookup("role", &id));
                    if role
                        .and_then(|role| world.field_str(role, "function"))
                        .as_deref()
                        == Some(function)
                    {
                        found.push(*assignment);
                    }
                }
            }
            Ok(world.list(found))
        }),
    );
    add(
        context,
        "covering_documents",
        Box::new(|world, _, args| {
            arity("covering_documents", args, &[1])?;
            let unit = record_arg(world, "covering_documents", &args[0])?;
            Ok(world.list(world.coverage[unit].clone()))
        }),
    );
    add(
        context,
        "records",
        Box::new(|world, _, args| {
            arity("records", args, &[1])?;
            let kind = text("records", &args[0])?;
            Ok(world.list(world.by_kind.get(kind).cloned().unwrap_or_default()))
        }),
    );
    add(
        context,
        "date",
        Box::new(|_, _, args| {
            arity("date", args, &[1])?;
            Ok(Cel::String(Arc::new(
                parse_date("date", &args[0])?.to_string(),
            )))
        }),
    );
    add(
        context,
        "add_period",
        Box::new(|_, _, args| {
            arity("add_period", args, &[2])?;
            let date = parse_date("add_period", &args[0])?;
            let period = parse_period("add_period", &args[1])?;
            let sum = date
                .checked_add(period)
                .map_err(|error| fail("add_period", error.to_string()))?;
            Ok(Cel::String(Arc::new(sum.to_string())))
        }),
    );
    add(
        context,
        "days_between",
        Box::new(|_, _, args| {
            arity("days_between", args, &[2])?;
            let (from, to) = (
                parse_date("days_between", &args[0])?,
                parse_date("days_between", &args[1])?,
            );
            let days = from
                .until((jiff::Unit::Day, to))
                .map_err(|error| fail("days_between", error.to_string()))?
                .get_days();
            Ok(Cel::Int(i64::from(days)))
        }),
    );
    add(
        context,
        "months_between",
        Box::new(|_, _, args| {
            arity("months_between", args, &[2])?;
            let (from, to) = (
                parse_date("months_between", &args[0])?,
                parse_date("months_between", &args[1])?,
            );
            let span = from
                .until((jiff::Unit::Month, to))
                .map_err(|error| fail("months_between", error.to_string()))?;
            Ok(Cel::Int(i64::from(span.get_months())))
        }),
    );
    add(
        context,
        "hours_between",
        Box::new(|_, _, args| {
            arity("hours_between", args, &[2])?;
            let (from, to) = (
                parse_instant("hours_between", &args[0])?,
                parse_instant("hours_between", &args[1])?,
            );
            let seconds = to.as_second() - from.as_second();
            Ok(Cel::Float(seconds as f64 / 3600.0))
        }),
    );
    add(
        context,
        "max_date",
        Box::new(|_, _, args| {
            arity("max_date", args, &[1])?;
            let Cel::List(items) = &args[0] else {
                return Err(fail("max_date", "expected a list of dates"));
            };
            let mut latest: Option<Date> = None;
            for item in items.iter() {
                if matches!(item, Cel::Null) {
                    continue;
                }
                let date = parse_date("max_date", item)?;
                latest = Some(latest.map_or(date, |current| current.max(date)));
            }
            Ok(latest.map_or(Cel::Null, |date| Cel::String(Arc::new(date.to_string()))))
        }),
    );
    add(
        context,
        "normalise",
        Box::new(|_, _, args| {
            arity("normalise", args, &[1])?;
            let text = text("normalise", &args[0])?;
            Ok(Cel::String(Arc::new(
                text.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase(),
            )))
        }),
    );
}
