//! What rules see beyond their record: the functions that CEL lacks, backed by the repository's
//! indexes so that no rule scans another kind per record.
//!
//! | function | returns |
//! |---|---|
//! | `ref(id)`, `ref(kind, id)` | the record with that id (of that kind), or `null` |
//! | `referrers(kind, field)`, `referrers(record, kind, field)` | records of `kind` whose `field` names `self` (or `record`) |
//! | `linked(record, kind)` | records of `kind` that `record` names or that name `record`, each once, in repository order |
//! | `active(record)` | status is `active` or absent |
//! | `in_force(record)` | active, and today within its validity dates |
//! | `hwm(system)` | `{confidentiality, integrity, availability}`: the highest levels among the system's assets, or `null` |
//! | `highest_level(levels)` | the highest of a classification's `confidentiality`, `integrity` and `availability` levels (those that are numbers), or `null` if it has none |
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
//! argument positions that the compiler checked against each function's arity: never by data
//! from outside.
#![allow(clippy::indexing_slicing)]

use std::collections::HashMap as StdHashMap;

/// Hash maps with a fast, fixed hasher: their keys are record positions and kind names, which
/// the checked tree cannot choose to collide (text from the tree is hashed with a seed per
/// process, in `repository::id_index` and `source::node`).
type HashMap<K, V> = StdHashMap<K, V, foldhash::fast::FixedState>;

use jiff::civil::Date;
use rayon::prelude::*;

use super::code::Function;
use super::interpreter::{Fault, Outcome, fail, items, text_arg, wrong_type};
use super::value::{FieldName, Map, Text, Val, field};
use crate::repository::{MOST_PARENT_LEVELS, Record, Repository};
use crate::source::node::{Node, Value};

/// The data behind the rule functions, shared by every evaluation of one run. Everything a
/// function needs is computed here once: the functions themselves only look things up.
pub struct World<'a> {
    pub today: Date,
    records: &'a [Record],
    /// Ids and who refers to whom are the repository's indexes.
    repository: &'a Repository,
    pub by_kind: HashMap<&'static str, Vec<usize>>,
    /// Per system (by record position) with classified assets: its high-water mark. Tables of
    /// the few records they concern, not of all: a Vec per record would cost megabytes per
    /// table at a million records.
    hwm: HashMap<usize, [i64; 3]>,
    /// Which governing documents cover which org units.
    coverage: Coverage,
    active: Vec<bool>,
    in_force: Vec<bool>,
    parent: HashMap<usize, usize>,
    /// For role assignments: the `function` of their role.
    role_function: HashMap<usize, &'a str>,
    /// Severity of every rule (after re-grading), and of every reference (the highest of the
    /// rules that cite it), for `rule_severity()`.
    severities: StdHashMap<String, &'static str>,
    /// Regular expressions compiled from values (a pattern in a param), shared by the threads'
    /// machines: a run makes a machine per chunk of records, and compiling a pattern costs as
    /// much as checking a few hundred records.
    pub patterns: std::sync::Mutex<StdHashMap<String, std::sync::Arc<regex::Regex>>>,
    /// `referrers(record, kind, field)` of records that many refer to, worked out once: a
    /// supplier named by 100,000 systems was otherwise scanned for its agreements once per
    /// system, 10^10 steps.
    many_referrers: std::sync::Mutex<ManyReferrers>,
    /// Per org unit: the role assignments whose `scope_unit` names it, in repository order, so
    /// that `assignments()` reads a unit's own assignments instead of everything that refers to
    /// the unit (200,000 units under one parent made every call scan all of them).
    assignments_by_scope: HashMap<usize, Vec<usize>>,
}

/// Target record, kind, field → the referring records.
type ManyReferrers = StdHashMap<(usize, String, String), std::sync::Arc<Vec<usize>>>;

/// A record with more referrers than this has its filtered referrers kept for the run.
const MANY_REFERRERS: usize = 256;

const LEVELS: [&str; 3] = ["confidentiality", "integrity", "availability"];

impl<'a> World<'a> {
    pub fn new(
        repository: &'a Repository,
        today: Date,
        severities: StdHashMap<String, &'static str>,
    ) -> World<'a> {
        let records = &repository.records;
        let mut by_kind: HashMap<&'static str, Vec<usize>> = HashMap::default();
        for (index, record) in records.iter().enumerate() {
            by_kind.entry(record.kind).or_default().push(index);
        }
        let lookup = |kind: &str, id: &str| repository.resolve(&[kind], id);
        let parent: Vec<(usize, usize)> = records
            .par_iter()
            .enumerate()
            .filter_map(|(index, record)| {
                let parent = record
                    .get_str("parent")
                    .and_then(|id| lookup("org_unit", id))?;
                Some((index, parent))
            })
            .collect();
        let role_function: Vec<(usize, &str)> = records
            .par_iter()
            .enumerate()
            .filter_map(|(index, record)| {
                if record.kind != "role_assignment" {
                    return None;
                }
                let role = record.get_str("role").and_then(|id| lookup("role", id))?;
                Some((index, records[role].get_str("function")?))
            })
            .collect();
        let mut world = World {
            today,
            records,
            active: records.par_iter().map(Record::is_active).collect(),
            in_force: records
                .par_iter()
                .map(|record| record.in_force(today))
                .collect(),
            repository,
            by_kind,
            hwm: HashMap::default(),
            coverage: Coverage::default(),
            parent: parent.into_iter().collect(),
            role_function: role_function.into_iter().collect(),
            severities,
            patterns: std::sync::Mutex::default(),
            many_referrers: std::sync::Mutex::default(),
            assignments_by_scope: HashMap::default(),
        };
        world.assignments_by_scope = world.assignments_by_scope();
        world.hwm = world.high_water_marks();
        world.coverage = world.document_coverage();
        world
    }

    /// A field of a record; `__kind` and `__index` name its kind and position.
    pub fn field(&self, index: usize, name: FieldName<'_>) -> Option<Val<'a>> {
        let record = self.records.get(index)?;
        let wanted = name.as_str();
        // Only the two computed names start with `__`: other names skip comparing with them.
        if wanted.starts_with("__") {
            match wanted {
                "__kind" => return Some(Val::Text(Text::Borrowed(record.kind))),
                "__index" => return Some(Val::Int(index as i64)),
                _ => {}
            }
        }
        field(record.node.entries().unwrap_or_default(), name)
    }

    /// The names of a record's fields.
    pub fn field_names(&self, index: usize) -> Vec<Val<'a>> {
        self.records
            .get(index)
            .and_then(|record| record.node.entries())
            .unwrap_or_default()
            .iter()
            .map(|entry| Val::Text(Text::Borrowed(entry.key.as_ref())))
            .collect()
    }

    /// A record's id, for showing it in a message.
    pub fn record_id(&self, index: usize) -> Option<&'a str> {
        self.records.get(index)?.node.get("id")?.as_str()
    }

    fn lookup(&self, kind: &str, id: &str) -> Option<usize> {
        self.repository.resolve(&[kind], id)
    }

    /// The records that refer to `target`, each with its kind and the field (its first key)
    /// that does: read from the repository's referrer index alone, not from the references or
    /// the referring records.
    fn referrers(
        &self,
        target: usize,
    ) -> impl ExactSizeIterator<Item = (usize, &'static str, &'static str)> + 'a {
        let repository = self.repository;
        repository
            .referrer_entries(target)
            .iter()
            .map(move |referrer| match repository.referring_field(referrer) {
                Some(field) => (
                    referrer.from(),
                    field.holder,
                    crate::repository::top_field(field),
                ),
                None => (referrer.from(), "", ""),
            })
    }

    fn assignments_by_scope(&self) -> HashMap<usize, Vec<usize>> {
        let mut by_scope: HashMap<usize, Vec<usize>> = HashMap::default();
        for &assignment in self.by_kind.get("role_assignment").into_iter().flatten() {
            for reference in self.repository.references_of(assignment) {
                let names_scope = matches!(
                    reference.schema.path.as_slice(),
                    [crate::schema::Step::Key(key)] if key == "scope_unit"
                );
                if names_scope && let Some(unit) = reference.resolved() {
                    by_scope.entry(unit).or_default().push(assignment);
                }
            }
        }
        by_scope
    }

    /// Per system: the highest level per dimension among the assets it lists and the assets that
    /// list it.
    fn high_water_marks(&self) -> HashMap<usize, [i64; 3]> {
        let mut marks = HashMap::default();
        for &index in self.by_kind.get("system").into_iter().flatten() {
            let record = &self.records[index];
            let mut assets: Vec<usize> = self
                .referrers(index)
                .filter(|(_, kind, field)| *kind == "information_asset" && *field == "systems")
                .map(|(from, _, _)| from)
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
                let Some(classification) = self.records[asset].node.get("classification") else {
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
            if let Some(mark) = mark {
                marks.insert(index, mark);
            }
        }
        marks
    }

    /// Which governing documents cover each org unit: named in `applies_to`, or through the
    /// tokens `all_committees` (committees and the executive board) and `all_company_boards`.
    /// The tokens' documents are kept once, not copied to every unit they cover: 8,000 policies
    /// for all of 8,000 committees made 64 million entries, each checked against the others.
    fn document_coverage(&self) -> Coverage {
        let mut coverage = Coverage::default();
        for &document in self.by_kind.get("governing_document").into_iter().flatten() {
            let Some(Value::Sequence(targets)) = self.records[document]
                .node
                .get("applies_to")
                .map(|node| &node.value)
            else {
                continue;
            };
            for target in targets.iter().filter_map(Node::as_str) {
                let documents = match target {
                    "all_committees" => &mut coverage.all_committees,
                    "all_company_boards" => &mut coverage.all_company_boards,
                    id => match self.lookup("org_unit", id) {
                        Some(unit) => coverage.named.entry(unit).or_default(),
                        None => continue,
                    },
                };
                // Documents come in order, so a repeat is the last one pushed.
                if documents.last() != Some(&document) {
                    documents.push(document);
                }
            }
        }
        coverage
    }

    /// The governing documents that cover a unit, in record order, each once: for a unit that
    /// no document names, the list shared by its type (`all_committees`, `all_company_boards`),
    /// which a machine makes once, however many units share it.
    pub fn covering_documents(&self, unit: usize) -> Covering<'_> {
        let named = self
            .coverage
            .named
            .get(&unit)
            .map_or(&[][..], Vec::as_slice);
        let (class, shared) = match self
            .records
            .get(unit)
            .and_then(|record| record.get_str("unit_type"))
        {
            Some("committee" | "executive_board") => (0, self.coverage.all_committees.as_slice()),
            Some("company_board") => (1, self.coverage.all_company_boards.as_slice()),
            _ => (2, &[][..]),
        };
        if named.is_empty() {
            return Covering::Shared { class, shared };
        }
        let mut documents = Vec::with_capacity(named.len() + shared.len());
        let (mut named, mut shared) = (named.iter().peekable(), shared.iter().peekable());
        loop {
            let next = match (named.peek(), shared.peek()) {
                (Some(&&a), Some(&&b)) if a == b => {
                    named.next();
                    shared.next()
                }
                (Some(&&a), Some(&&b)) if a < b => named.next(),
                (Some(_), Some(_)) | (None, Some(_)) => shared.next(),
                (Some(_), None) => named.next(),
                (None, None) => break,
            };
            documents.extend(next.copied());
        }
        Covering::Own(documents)
    }

    /// The unit's ancestors through `parent`, nearest first, stopping at a cycle and after
    /// [`MOST_PARENT_LEVELS`] (both XRF004), so that a call costs at most that many steps
    /// whatever the register holds: a chain of 16,000 units made each call walk, and compare
    /// against, its whole chain.
    fn ancestors(&self, unit: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut current = unit;
        while let Some(&parent) = self.parent.get(&current) {
            if chain.len() == MOST_PARENT_LEVELS || parent == unit || chain.contains(&parent) {
                break;
            }
            chain.push(parent);
            current = parent;
        }
        chain
    }
}

/// The documents covering a unit: a list shared by every unit of its class (committees and the
/// executive board 0, company boards 1, other units 2) that no document names, or its own.
pub enum Covering<'w> {
    Shared { class: usize, shared: &'w [usize] },
    Own(Vec<usize>),
}

/// The governing documents by what their `applies_to` names: units by id, and the two tokens.
/// Each list is in record order.
#[derive(Default)]
struct Coverage {
    named: HashMap<usize, Vec<usize>>,
    all_committees: Vec<usize>,
    all_company_boards: Vec<usize>,
}

pub fn record_arg(function: Function, value: &Val<'_>) -> Result<usize, Fault> {
    match value {
        Val::Record(index) => Ok(*index),
        other => Err(wrong_type(
            function,
            format!("expected a record, got {}", other.type_name()),
        )),
    }
}

fn parse_date(function: Function, value: &Val<'_>) -> Result<Date, Fault> {
    let text = text_arg(function, value)?;
    crate::dates::parse(text).map_err(|error| {
        fail(
            function,
            format!("`{text}` is not a date YYYY-MM-DD: {error}"),
        )
    })
}

fn parse_period(function: Function, value: &Val<'_>) -> Result<jiff::Span, Fault> {
    let text = text_arg(function, value)?;
    text.parse::<jiff::Span>().map_err(|error| {
        fail(
            function,
            format!("`{text}` is not an ISO 8601 period: {error}"),
        )
    })
}

fn parse_instant(function: Function, value: &Val<'_>) -> Result<jiff::Timestamp, Fault> {
    let text = text_arg(function, value)?;
    text.parse::<jiff::Timestamp>().map_err(|error| {
        fail(
            function,
            format!("`{text}` is not an RFC 3339 instant: {error}"),
        )
    })
}

/// Lower case, white space collapsed to single spaces, in one pass. Lowering character by
/// character is what `str::to_lowercase` does, except for a capital sigma, which lowers by its
/// place in a word: text with one takes the slower way.
fn normalise(text: &str) -> String {
    if text.contains('Σ') {
        return text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
    }
    let mut normal = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !normal.is_empty() {
            normal.push(' ');
        }
        for character in word.chars() {
            if character.is_ascii() {
                normal.push(character.to_ascii_lowercase());
            } else {
                normal.extend(character.to_lowercase());
            }
        }
    }
    normal
}

/// `highest_level(levels)`: the highest of the three levels a classification (or `hwm()`) gives,
/// as written (an int, or a double if one is); `null` if it gives none; a level that is not a
/// number counts as none. Rules ask "is any level at least 3?", which the loop
/// `["confidentiality", "integrity", "availability"].exists(d, d in c && c[d] >= 3)` says in
/// twenty steps and `highest_level(c) >= 3` in three.
fn highest_level<'a>(function: Function, levels: &Val<'a>) -> Outcome<'a> {
    let Val::Map(levels) = levels else {
        return Err(wrong_type(
            function,
            format!(
                "expected a classification (a map of levels), got {}",
                levels.type_name()
            ),
        ));
    };
    let mut highest = Val::Null;
    for dimension in LEVELS {
        let Some(level) = levels.get(&Val::Text(Text::Borrowed(dimension))) else {
            continue;
        };
        // A level that is not a number (null, or text, which SCH001 reports) is no level: the
        // loop this replaces found such a level equal to no number.
        if !matches!(level, Val::Int(_) | Val::Uint(_) | Val::Double(_)) {
            continue;
        }
        if matches!(highest, Val::Null)
            || super::value::compare(&level, &highest) == Some(std::cmp::Ordering::Greater)
        {
            highest = level;
        }
    }
    Ok(highest)
}

fn number(function: Function, value: &Val<'_>) -> Result<Option<f64>, Fault> {
    match value {
        Val::Int(number) => Ok(Some(*number as f64)),
        Val::Uint(number) => Ok(Some(*number as f64)),
        Val::Double(number) => Ok(Some(*number)),
        Val::Null => Ok(None),
        other => Err(wrong_type(
            function,
            format!("expected a number, got {}", other.type_name()),
        )),
    }
}

impl<'a> World<'a> {
    /// Calls one of tillsyn's functions; the compiler checked the number of arguments.
    /// `current` is the record bound to `self`; `steps` counts the index entries read.
    pub fn call(
        &self,
        current: &Val<'a>,
        function: Function,
        args: &[Val<'a>],
        steps: &mut u64,
    ) -> Outcome<'a> {
        *steps += 1;
        match (function, args) {
            (Function::Reference, [id]) => self.reference(None, id),
            (Function::Reference, [kind, id]) => {
                self.reference(Some(text_arg(function, kind)?), id)
            }
            (Function::Linked, [record, kind]) => Ok(Val::records(self.linked(
                record_arg(function, record)?,
                text_arg(function, kind)?,
                steps,
            ))),
            (Function::Referrers, [kind, field]) => {
                let target = record_arg(function, current).map_err(|_| {
                    fail(
                        function,
                        "there is no `self` here; name the record: referrers(record, kind, field)",
                    )
                })?;
                self.referrers_of(
                    target,
                    text_arg(function, kind)?,
                    text_arg(function, field)?,
                    steps,
                )
            }
            (Function::Referrers, [record, kind, field]) => self.referrers_of(
                record_arg(function, record)?,
                text_arg(function, kind)?,
                text_arg(function, field)?,
                steps,
            ),
            (Function::Active, [record]) => {
                Ok(Val::Bool(self.active[record_arg(function, record)?]))
            }
            (Function::InForce, [record]) => {
                Ok(Val::Bool(self.in_force[record_arg(function, record)?]))
            }
            (Function::HighWaterMark, [record]) => Ok(
                match self.hwm.get(&record_arg(function, record)?).copied() {
                    None => Val::Null,
                    Some(levels) => Val::Map(Map::Values(std::rc::Rc::new(
                        LEVELS
                            .iter()
                            .zip(levels)
                            .map(|(name, level)| (Val::Text(Text::Borrowed(name)), Val::Int(level)))
                            .collect(),
                    ))),
                },
            ),
            (Function::HighestLevel, [levels]) => highest_level(function, levels),
            (Function::Ancestors, [unit]) => {
                let unit = record_arg(function, unit)?;
                let ancestors = self.ancestors(unit);
                *steps += ancestors.len() as u64;
                Ok(Val::list(
                    ancestors
                        .into_iter()
                        .filter_map(|index| self.record_id(index))
                        .map(|id| Val::Text(Text::Borrowed(id)))
                        .collect(),
                ))
            }
            (Function::Assignments, [unit, role_function]) => {
                let unit = record_arg(function, unit)?;
                let role_function = text_arg(function, role_function)?;
                let mut found = Vec::new();
                for scope in std::iter::once(unit).chain(self.ancestors(unit)) {
                    let assignments = self
                        .assignments_by_scope
                        .get(&scope)
                        .map_or(&[][..], Vec::as_slice);
                    *steps += assignments.len() as u64 + 1;
                    for &assignment in assignments {
                        let matches = self.in_force[assignment]
                            && self.role_function.get(&assignment).copied() == Some(role_function);
                        if matches {
                            found.push(assignment);
                        }
                    }
                }
                Ok(Val::records(found))
            }
            (Function::Records, [kind]) => {
                let kind = text_arg(function, kind)?;
                Ok(Val::records(
                    self.by_kind.get(kind).cloned().unwrap_or_default(),
                ))
            }
            (Function::Date, [date]) => Ok(Val::text(parse_date(function, date)?.to_string())),
            (Function::IsDate, [value]) => Ok(Val::Bool(match value {
                Val::Text(text) => crate::dates::parse(text.as_str()).is_ok(),
                _ => false,
            })),
            (Function::AddPeriod, [date, period]) => {
                let date = parse_date(function, date)?;
                let period = parse_period(function, period)?;
                let sum = date
                    .checked_add(period)
                    .map_err(|error| fail(function, error.to_string()))?;
                Ok(Val::text(sum.to_string()))
            }
            (Function::DaysBetween, [from, to]) => {
                let (from, to) = (parse_date(function, from)?, parse_date(function, to)?);
                let days = from
                    .until((jiff::Unit::Day, to))
                    .map_err(|error| fail(function, error.to_string()))?
                    .get_days();
                Ok(Val::Int(i64::from(days)))
            }
            (Function::MonthsBetween, [from, to]) => {
                let (from, to) = (parse_date(function, from)?, parse_date(function, to)?);
                let span = from
                    .until((jiff::Unit::Month, to))
                    .map_err(|error| fail(function, error.to_string()))?;
                Ok(Val::Int(i64::from(span.get_months())))
            }
            (Function::HoursBetween, [from, to]) => {
                let (from, to) = (parse_instant(function, from)?, parse_instant(function, to)?);
                Ok(Val::Double(
                    (to.as_second() - from.as_second()) as f64 / 3600.0,
                ))
            }
            (Function::MaxDate, [list]) => {
                let mut latest: Option<Date> = None;
                for item in items(function, list)? {
                    if matches!(item, Val::Null) {
                        continue;
                    }
                    let date = parse_date(function, &item)?;
                    latest = Some(latest.map_or(date, |current| current.max(date)));
                }
                Ok(latest.map_or(Val::Null, |date| Val::text(date.to_string())))
            }
            (Function::Sum, [list]) => {
                let mut total = 0.0;
                for item in items(function, list)? {
                    total += number(function, &item)?.unwrap_or(0.0);
                }
                Ok(Val::Double(total))
            }
            (Function::Normalise, [text]) => Ok(Val::text(normalise(text_arg(function, text)?))),
            (Function::RuleSeverity, [id]) => {
                let id = text_arg(function, id)?;
                Ok(self
                    .severities
                    .get(id)
                    .map_or(Val::Null, |severity| Val::Text(Text::Borrowed(severity))))
            }
            (function, args) => Err(fail(
                function,
                format!("does not take {} arguments", args.len()),
            )),
        }
    }

    fn reference(&self, kind: Option<&str>, id: &Val<'a>) -> Outcome<'a> {
        if matches!(id, Val::Null) {
            return Ok(Val::Null);
        }
        let id = text_arg(Function::Reference, id)?;
        let found = match kind {
            Some(kind) => self.lookup(kind, id),
            None => match self.repository.any_kind(id) {
                None => None,
                Some((only, false)) => Some(only),
                Some((_, true)) => {
                    return Err(fail(
                        Function::Reference,
                        format!("`{id}` is the id of records of several kinds; use ref(kind, id)"),
                    ));
                }
            },
        };
        Ok(found.map_or(Val::Null, Val::Record))
    }

    /// What the repository resolved the id in `holder`'s top-level field `field` to, when that
    /// field names records of `kind` alone: `ref(kind, id)` without the look-up. `None` when the
    /// field is no such reference field, or holds no id (a token, a list).
    pub fn resolved(&self, holder: usize, field: &str, kind: &str) -> Option<Val<'a>> {
        let reference = self
            .repository
            .references_of(holder)
            .iter()
            .find(|reference| {
                matches!(reference.schema.path.as_slice(), [crate::schema::Step::Key(key)] if key == field)
            })?;
        match reference.kinds() {
            [only] if *only == kind => Some(reference.resolved().map_or(Val::Null, Val::Record)),
            _ => None,
        }
    }

    /// `linked(record, kind)`: the records of `kind` the record's reference fields name, and
    /// those whose reference fields name the record (an information asset's systems are those
    /// it lists and those listing it), each once, in repository order. Read from the
    /// references the repository resolved, so no id is looked up again.
    fn linked(&self, record: usize, kind: &str, steps: &mut u64) -> Vec<usize> {
        let named = self.repository.references_of(record);
        let naming = self.referrers(record);
        *steps += (named.len() + naming.len()) as u64;
        let mut found: Vec<usize> = named
            .iter()
            .filter_map(|reference| {
                let target = reference.resolved()?;
                // A field that names one kind names records of that kind, found without
                // reading the record.
                let target_kind = match reference.kinds() {
                    [only] => only,
                    _ => self.records[target].kind,
                };
                (target_kind == kind).then_some(target)
            })
            .chain(
                naming
                    .filter(|(_, holder, _)| *holder == kind)
                    .map(|(from, _, _)| from),
            )
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    fn referrers_of(&self, target: usize, kind: &str, field: &str, steps: &mut u64) -> Outcome<'a> {
        let referrers = self.referrers(target);
        if referrers.len() <= MANY_REFERRERS {
            *steps += referrers.len() as u64;
            return Ok(Val::records(Self::filter_referrers(referrers, kind, field)));
        }
        let key = (target, kind.to_string(), field.to_string());
        let cached = self
            .many_referrers
            .lock()
            .ok()
            .and_then(|cache| cache.get(&key).cloned());
        let found = match cached {
            Some(found) => found,
            None => {
                *steps += referrers.len() as u64;
                let found = std::sync::Arc::new(Self::filter_referrers(referrers, kind, field));
                if let Ok(mut cache) = self.many_referrers.lock() {
                    cache.insert(key, found.clone());
                }
                found
            }
        };
        *steps += found.len() as u64;
        Ok(Val::records(found.as_ref().clone()))
    }

    fn filter_referrers(
        referrers: impl Iterator<Item = (usize, &'static str, &'static str)>,
        kind: &str,
        field: &str,
    ) -> Vec<usize> {
        let mut found: Vec<usize> = referrers
            .filter(|(_, holder, via)| *holder == kind && *via == field)
            .map(|(from, _, _)| from)
            .collect();
        found.dedup();
        found
    }
}

/// For the tests of expressions: `body` with a world over an empty repository, on the tests'
/// as-of day 2026-11-27.
#[cfg(test)]
pub fn with_empty_world<R>(body: impl for<'w> FnOnce(&'w World<'w>) -> R) -> R {
    let catalog = crate::schema::Catalog::get().expect("the embedded schemas compile");
    let (repository, _) = crate::repository::Repository::build(
        Vec::new(),
        &[],
        catalog,
        &crate::source::Limits::default(),
    );
    let world = World::new(
        &repository,
        jiff::civil::date(2026, 11, 27),
        Default::default(),
    );
    body(&world)
}

#[cfg(test)]
mod tests {
    #[test]
    fn normalise_lowers_and_collapses_as_the_standard_library_does() {
        let slow = |text: &str| {
            text.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        for text in [
            "",
            "   ",
            "  A   Title ",
            "Ärende\tÖVER  Å\u{a0}rsredovisning",
            "İstanbul ǅ ẞ",
            "ΟΔΟΣ ΟΔΟΣ. Σ",
            "word\u{2003}WORD\nWord",
        ] {
            assert_eq!(super::normalise(text), slow(text), "{text:?}");
        }
    }
}
