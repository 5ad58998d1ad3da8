//! Evaluates compiled [`Code`] on the repository's records. One [`Machine`] per thread holds the
//! variable slots; a record is bound to `self` by its position, and its fields are read from the
//! parsed tree when an expression asks for them. Semantics are CEL's: `&&` and `||` absorb an
//! error on one side when the other decides (`false && error` is `false`), `all` and `exists`
//! likewise across their elements, and every other error is the expression's result.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use super::code::{Cached, Code, Function, Lifetime, Loop, LoopKind, Operator};
use super::functions::World;
use super::time;
use super::value::{Bytes, FieldName, Map, Text, Val, compare, display, equals, field};

/// Why an expression gave no value.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault(Box<FaultKind>);

/// What kind of error an evaluation gave: CEL's classes of runtime errors, so that a test (and
/// cel-spec's conformance suite) can tell the error it expects from another one. The words a
/// rule writer reads are the fault's own ([`Fault::explain`]); the kind is for comparing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// An operator or function given values of types it does not take (`1 < 'a'`, `-true`,
    /// `size(1)`): CEL's "no such overload".
    NoSuchOverload,
    /// `x / 0` of integers.
    DivisionByZero,
    /// `x % 0` of integers.
    ModulusByZero,
    /// Integer arithmetic past the range of its type.
    Overflow,
    /// A conversion, timestamp or duration outside the range of its type (`int(1e99)`).
    OutOfRange,
    /// A field or key that the map or record does not have.
    NoSuchKey,
    /// A field read from a value that has no fields (a number, a list).
    NoSuchField,
    /// A list index outside the list, or one that is not a whole number.
    InvalidIndex,
    /// A value that does not read as the type asked for (`bool('TrUe')`, `int('x')`, bytes that
    /// are not UTF-8).
    InvalidConversion,
    /// A map's key of a type that keys cannot have (a double, null).
    InvalidKey,
    /// A map literal with one key twice.
    RepeatedKey,
    /// A function given an argument of the right type that it cannot use (a period that is no
    /// ISO 8601 period, an id of several kinds).
    InvalidArgument,
    /// The evaluation took more steps than it is allowed (the step budget).
    Budget,
}

/// Boxed so that an outcome is no larger than a value: every step of an evaluation returns one,
/// and faults are rare.
#[derive(Clone, Debug, PartialEq)]
enum FaultKind {
    /// A field read with `.field` or `[key]` that the record or table does not have.
    Missing(String),
    /// A function that refused its arguments.
    Function {
        function: &'static str,
        kind: ErrorKind,
        message: String,
    },
    /// Anything else: an operator on the wrong types, an overflow.
    Other { kind: ErrorKind, message: String },
    /// The evaluation took more steps than it is allowed (the step budget).
    Budget(u64),
}

impl Fault {
    fn missing(field: String) -> Fault {
        Fault(Box::new(FaultKind::Missing(field)))
    }

    #[cold]
    #[inline(never)]
    pub fn other(kind: ErrorKind, message: String) -> Fault {
        Fault(Box::new(FaultKind::Other { kind, message }))
    }

    /// The field whose absence the fault is, when it is one.
    pub fn missing_field(&self) -> Option<&str> {
        match &*self.0 {
            FaultKind::Missing(field) => Some(field),
            _ => None,
        }
    }

    /// What kind of error the fault is.
    pub fn kind(&self) -> ErrorKind {
        match &*self.0 {
            FaultKind::Missing(_) => ErrorKind::NoSuchKey,
            FaultKind::Function { kind, .. } | FaultKind::Other { kind, .. } => *kind,
            FaultKind::Budget(_) => ErrorKind::Budget,
        }
    }

    /// The fault in words, for the finding that reports it.
    pub fn explain(&self) -> String {
        match &*self.0 {
            FaultKind::Missing(field) => format!("the field `{field}` is missing"),
            FaultKind::Budget(steps) => format!(
                "the rule took more than {steps} steps (the step budget) and was stopped, so that no rule can run without bound; simplify the rule"
            ),
            FaultKind::Function {
                function, message, ..
            } => format!("{function}(): {message}"),
            FaultKind::Other { message, .. } => message.clone(),
        }
    }

    /// [`Fault::explain`] in Swedish; a function's own words stay English.
    pub fn explain_sv(&self) -> String {
        match &*self.0 {
            FaultKind::Missing(field) => format!("fältet `{field}` saknas"),
            FaultKind::Budget(steps) => format!(
                "regeln tog fler än {steps} steg (stegbudgeten) och stoppades, så att ingen regel kan köra utan gräns; förenkla regeln"
            ),
            _ => self.explain(),
        }
    }
}

/// A function's refusal of an argument it cannot use ([`ErrorKind::InvalidArgument`]).
pub fn fail(function: Function, message: impl Into<String>) -> Fault {
    fail_as(ErrorKind::InvalidArgument, function, message)
}

/// A function's refusal of an argument, of the given kind.
#[cold]
#[inline(never)]
pub fn fail_as(kind: ErrorKind, function: Function, message: impl Into<String>) -> Fault {
    Fault(Box::new(FaultKind::Function {
        function: function.name(),
        kind,
        message: message.into(),
    }))
}

/// A function given a value of a type it does not take ([`ErrorKind::NoSuchOverload`]).
pub fn wrong_type(function: Function, message: impl Into<String>) -> Fault {
    fail_as(ErrorKind::NoSuchOverload, function, message)
}

/// A value outside the range of the type asked for ([`ErrorKind::OutOfRange`]).
pub fn out_of_range(function: Function, message: impl Into<String>) -> Fault {
    fail_as(ErrorKind::OutOfRange, function, message)
}

#[cold]
#[inline(never)]
fn no_overload(operator: &str, values: &[&Val<'_>]) -> Fault {
    let types: Vec<&str> = values.iter().map(|value| value.type_name()).collect();
    Fault::other(
        ErrorKind::NoSuchOverload,
        format!("no such overload: {operator} of {}", types.join(" and ")),
    )
}

pub type Outcome<'a> = Result<Val<'a>, Fault>;

#[cold]
#[inline(never)]
fn missing(field: &super::code::Field) -> Fault {
    Fault::missing(field.name().to_string())
}

#[cold]
#[inline(never)]
fn cannot_test(field: &super::code::Field, type_name: &str) -> Fault {
    Fault::other(
        ErrorKind::NoSuchField,
        format!(
            "has() cannot test the field `{}` of a {type_name}",
            field.name()
        ),
    )
}

/// The evaluation state of one thread: variable slots and the regular expressions compiled from
/// values (a pattern in a param), cached.
pub struct Machine<'a> {
    pub world: &'a World<'a>,
    slots: Vec<Val<'a>>,
    /// Work done: expression steps, loop iterations and index entries read. Counted, so that a
    /// test can tell linear from quadratic without a stopwatch.
    pub steps: u64,
    /// The step count at which the current evaluation is stopped, and the budget it was given
    /// (see [`Machine::allow`]).
    step_limit: u64,
    budget: u64,
    patterns: RefCell<HashMap<String, Arc<regex::Regex>>>,
    /// How `null` reads in a message: `none`, or `inget` while a Swedish message is rendered.
    pub null_word: &'static str,
    /// Whether a message is being rendered: it reads an absent field as null (see
    /// [`Machine::absent`]), so it takes values that conditions kept but not their errors, and
    /// keeps nothing of its own.
    in_message: bool,
    /// The values of [`Cached`] subexpressions, by id, with the binding they were computed in.
    kept: Vec<Kept<'a>>,
    /// Bumped whenever `self`, `group` or `records` is bound: values kept for the record with an
    /// older binding are stale.
    binding: u64,
    /// The values of loops with a pure body ([`Loop::pure_body`]) by (loop, range list, whether a
    /// message computed it), with the range kept alive so that its allocation is not reused for
    /// another list.
    kept_loops: HashMap<(usize, usize, bool), (Val<'a>, Outcome<'a>), foldhash::fast::RandomState>,
    /// The addresses of the lists above and of the lists kept loops made of them, which the
    /// machine holds until it ends, so that no other list can take an address.
    shared_addresses: std::collections::HashSet<usize, foldhash::fast::RandomState>,
    /// Per class of unit, the list of documents covering every unit of the class that no
    /// document names (see [`World::covering_documents`]), made once.
    shared_coverage: [Option<Rc<[usize]>>; 3],
}

/// How many items of a list a message shows.
pub const MOST_LISTED: usize = 25;

/// How many loop values a machine keeps: a bound on the memory they take.
const MOST_KEPT_LOOPS: usize = 1 << 16;

/// A kept value and the binding of `self` it was computed with (`u64::MAX` for none yet).
struct Kept<'a> {
    binding: u64,
    outcome: Outcome<'a>,
}

/// The word for `null` that kept values were computed with: errors can show values, so values
/// computed while a Swedish message renders are neither kept nor read.
const KEEPING_NULL_WORD: &str = "none";

impl<'a> Machine<'a> {
    pub fn new(world: &'a World<'a>, params: Val<'a>) -> Machine<'a> {
        let mut machine = Machine {
            world,
            slots: vec![Val::Null; super::code::FIRST_LOOP_SLOT + 8],
            steps: 0,
            step_limit: u64::MAX,
            budget: u64::MAX,
            patterns: RefCell::new(HashMap::new()),
            null_word: KEEPING_NULL_WORD,
            in_message: false,
            kept: Vec::new(),
            binding: 0,
            kept_loops: HashMap::default(),
            shared_coverage: Default::default(),
            shared_addresses: Default::default(),
        };
        machine.bind(super::code::PARAMS, params);
        machine.bind(super::code::TODAY, Val::text(world.today.to_string()));
        machine
    }

    pub fn bind(&mut self, slot: usize, value: Val<'a>) {
        match slot {
            super::code::SELF | super::code::GROUP | super::code::RECORDS | super::code::ITEM => {
                self.binding += 1
            }
            // Params and today are bound once, when the machine is made; values kept for the run
            // read them.
            super::code::PARAMS | super::code::TODAY => {
                self.binding += 1;
                self.kept.clear();
                self.kept_loops.clear();
            }
            _ => {}
        }
        if slot >= self.slots.len() {
            self.slots.resize(slot + 1, Val::Null);
        }
        if let Some(place) = self.slots.get_mut(slot) {
            *place = value;
        }
    }

    pub fn slot(&self, slot: usize) -> Val<'a> {
        // A match rather than `unwrap_or(Val::Null)`, which makes and drops a `Null` per read.
        match self.slots.get(slot) {
            Some(value) => value.clone(),
            None => Val::Null,
        }
    }

    /// A field the table lacks. A rule's condition fails on it (the rule cannot be evaluated
    /// there), but a message reads it as null, shown as the word for none: a value the schema
    /// refused is taken out of its record before the rules run, and the message of a finding
    /// that holds without it (RSK001 quoting all three declared levels) still reads in words.
    #[cold]
    #[inline(never)]
    fn absent(&self, field: &super::code::Field) -> Outcome<'a> {
        if self.in_message {
            Ok(Val::Null)
        } else {
            Err(missing(field))
        }
    }

    /// Renders `message` with the machine in message mode (see [`Machine::absent`]).
    pub fn in_message<T>(&mut self, message: impl FnOnce(&mut Self) -> T) -> T {
        let outer = std::mem::replace(&mut self.in_message, true);
        let rendered = message(self);
        self.in_message = outer;
        rendered
    }

    /// How a value reads in a message (a record by its id).
    pub fn display(&self, value: &Val<'_>) -> String {
        display(
            value,
            &|index| self.world.record_id(index).map(str::to_string),
            self.null_word,
        )
    }

    /// How a value reads in a rendered message: as [`Machine::display`], but a list of more
    /// than [`MOST_LISTED`] items shows the first of them and how many more there are, so that
    /// a unit covered by 8,000 documents gets a message of a line, not of 200 kB.
    pub fn display_in_message(&self, value: &Val<'_>) -> String {
        let Val::List(list) = value else {
            return self.display(value);
        };
        let count = list.len();
        if count <= MOST_LISTED {
            return self.display(value);
        }
        let shown: Vec<String> = list
            .items()
            .take(MOST_LISTED)
            .map(|item| self.display(&item))
            .collect();
        let more = count - MOST_LISTED;
        // The word for `null` is how the machine knows a Swedish message is being rendered.
        if self.null_word == KEEPING_NULL_WORD {
            format!("{} … (and {more} more)", shown.join(", "))
        } else {
            format!("{} … (och {more} till)", shown.join(", "))
        }
    }

    /// Evaluates an expression that must give true or false.
    pub fn truth(&mut self, code: &'a Code) -> Result<bool, Fault> {
        match self.eval(code)? {
            Val::Bool(verdict) => Ok(verdict),
            other => Err(Fault::other(
                ErrorKind::NoSuchOverload,
                format!(
                    "the expression gave {} instead of true or false",
                    self.display(&other)
                ),
            )),
        }
    }

    /// Allows the evaluations that follow `steps` more steps in all: a rule from the checked
    /// tree's own packs (`map` nested three deep over long lists, say) is stopped there with a
    /// fault that names the budget, rather than running, and allocating, without bound.
    pub fn allow(&mut self, steps: u64) {
        self.budget = steps;
        self.step_limit = self.steps.saturating_add(steps);
    }

    pub fn eval(&mut self, code: &'a Code) -> Outcome<'a> {
        // The common cases are handled here and the rest in functions of their own, so that
        // this function, entered for every node, stays small: its frame is set up on every call.
        self.steps += 1;
        if self.steps > self.step_limit {
            return Err(Fault(Box::new(FaultKind::Budget(self.budget))));
        }
        match code {
            Code::Null => Ok(Val::Null),
            Code::Bool(flag) => Ok(Val::Bool(*flag)),
            Code::Int(number) => Ok(Val::Int(*number)),
            Code::Text(text) => Ok(Val::Text(Text::Borrowed(text))),
            Code::Slot(slot) => Ok(self.slot(*slot)),
            Code::Select(operand, field) => {
                if let Some(found) = self.table_field(operand, field) {
                    return found.map_or_else(|| self.absent(field), Ok);
                }
                let (selected, _) = self.select_in(operand, field)?;
                selected.unwrap_or_else(|| self.absent(field))
            }
            Code::Has(operand, field) => {
                if let Some(found) = self.table_field(operand, field) {
                    return Ok(Val::Bool(found.is_some()));
                }
                self.has(operand, field)
            }

            Code::Not(operand) => match self.eval(operand)? {
                Val::Bool(flag) => Ok(Val::Bool(!flag)),
                other => Err(no_overload("!", &[&other])),
            },
            Code::And(left, right) => self.logical(left, right, false),
            Code::Or(left, right) => self.logical(left, right, true),
            Code::Conditional(condition, then, otherwise) => match self.eval(condition)? {
                Val::Bool(true) => self.eval(then),
                Val::Bool(false) => self.eval(otherwise),
                other => Err(no_overload("_?_:_", &[&other])),
            },
            Code::Binary(operator, left, right) => {
                let left = self.operand(left)?;
                let right = self.operand(right)?;
                if *operator == Operator::Add {
                    return add_owned(left, &right);
                }
                binary(*operator, &left, &right)
            }
            Code::Loop(body) => self.run_loop(body),
            Code::Call(function, args) => self.call_code(*function, args),
            Code::Cached(cached) => self.cached(cached),
            _ => self.eval_other(code),
        }
    }

    /// [`Machine::eval`] of an operand, with constants and variables (`"system"`, `3`, `id`)
    /// read here rather than in a call of their own: they are most operands of comparisons and
    /// function calls.
    #[inline(always)]
    fn operand(&mut self, code: &'a Code) -> Outcome<'a> {
        match code {
            Code::Text(text) => {
                self.steps += 1;
                Ok(Val::Text(Text::Borrowed(text)))
            }
            Code::Int(number) => {
                self.steps += 1;
                Ok(Val::Int(*number))
            }
            Code::Null => {
                self.steps += 1;
                Ok(Val::Null)
            }
            Code::Bool(flag) => {
                self.steps += 1;
                Ok(Val::Bool(*flag))
            }
            Code::Slot(slot) => {
                self.steps += 1;
                Ok(self.slot(*slot))
            }
            _ => self.eval(code),
        }
    }

    /// The nodes [`Machine::eval`] leaves to another function.
    #[inline(never)]
    fn eval_other(&mut self, code: &'a Code) -> Outcome<'a> {
        match code {
            Code::Uint(number) => Ok(Val::Uint(*number)),
            Code::Double(number) => Ok(Val::Double(*number)),
            Code::Bytes(bytes) => Ok(Val::Bytes(Bytes::Borrowed(bytes))),
            Code::List(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(self.eval(item)?);
                }
                Ok(Val::list(values))
            }
            Code::Map(entries) => {
                let mut values = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    values.push((self.eval(key)?, self.eval(value)?));
                }
                // CEL's keys are ints, uints, bools and strings, each once (`0` and `0u` are
                // one key): a map literal that breaks that is an error, not its first entry.
                let mut seen = std::collections::HashSet::with_capacity(values.len());
                for (key, _) in &values {
                    let key = match key {
                        Val::Int(number) => MapKey::Number(i128::from(*number)),
                        Val::Uint(number) => MapKey::Number(i128::from(*number)),
                        Val::Bool(flag) => MapKey::Bool(*flag),
                        Val::Text(text) => MapKey::Text(text.as_str()),
                        other => {
                            return Err(Fault::other(
                                ErrorKind::InvalidKey,
                                format!(
                                    "a map's key is an int, uint, bool or string, not a {}",
                                    other.type_name()
                                ),
                            ));
                        }
                    };
                    if !seen.insert(key) {
                        return Err(Fault::other(
                            ErrorKind::RepeatedKey,
                            format!("the map literal has the key {key} twice"),
                        ));
                    }
                }
                Ok(Val::Map(Map::Values(Rc::new(values))))
            }
            Code::Index(operand, index) => {
                let operand = self.eval(operand)?;
                let index = self.eval(index)?;
                self.index(&operand, &index)
            }
            Code::Negate(operand) => match self.eval(operand)? {
                Val::Int(number) => number.checked_neg().map(Val::Int).ok_or_else(|| {
                    Fault::other(ErrorKind::Overflow, "integer overflow in -".to_string())
                }),
                Val::Double(number) => Ok(Val::Double(-number)),
                Val::Duration(length) => time::duration(-length)
                    .map(Val::Duration)
                    .map_err(|(kind, message)| Fault::other(kind, message)),
                other => Err(no_overload("-", &[&other])),
            },
            Code::InLiterals(operand, literals) => {
                let operand = self.eval(operand)?;
                for literal in literals {
                    if equals(&operand, &self.eval(literal)?) {
                        return Ok(Val::Bool(true));
                    }
                }
                Ok(Val::Bool(false))
            }
            Code::Blank(text) => {
                // The step and the argument check the call of `normalise` would have made.
                self.steps += 1;
                let text = self.eval(text)?;
                Ok(Val::Bool(
                    text_arg(Function::Normalise, &text)?
                        .chars()
                        .all(char::is_whitespace),
                ))
            }
            Code::Matches(text, pattern) => match self.eval(text)? {
                Val::Text(text) => Ok(Val::Bool(pattern.is_match(text.as_str()))),
                other => Err(wrong_type(
                    Function::Matches,
                    format!("expected a string, got {}", other.type_name()),
                )),
            },
            // Handled by `eval`, which does not pass them here.
            _ => self.eval(code),
        }
    }

    #[inline(never)]
    fn call_code(&mut self, function: Function, args: &'a [Code]) -> Outcome<'a> {
        // Functions take at most three arguments: evaluated into an array of their number, not
        // a vector allocated per call, nor an array of three filled with nulls to be replaced.
        match args {
            [first] => {
                let values = [self.operand(first)?];
                self.call(function, &values)
            }
            [first, second] => {
                if function == Function::Reference
                    && let Code::Text(kind) = first
                {
                    return self.reference_of_field(kind, second);
                }
                let values = [self.operand(first)?, self.operand(second)?];
                self.call(function, &values)
            }
            [first, second, third] => {
                let values = [
                    self.operand(first)?,
                    self.operand(second)?,
                    self.operand(third)?,
                ];
                self.call(function, &values)
            }
            _ => {
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    values.push(self.eval(arg)?);
                }
                self.call(function, &values)
            }
        }
    }

    /// `ref(kind, x.field)`. When `x` is a record and `field` one of its reference fields that
    /// names that one kind, the repository resolved the id when it was built, with the same
    /// look-up `ref` makes: that is read instead of looking the id up again (at a million
    /// records, a look-up is a cache miss in a large table). Anything else is looked up as `ref`
    /// does, with the id already evaluated, so results and errors are `ref`'s.
    #[inline(never)]
    fn reference_of_field(&mut self, kind: &'a str, id_code: &'a Code) -> Outcome<'a> {
        // The step the kind's evaluation would have counted.
        self.steps += 1;
        let id = self.operand(id_code)?;
        if let Val::Text(_) = id
            && let Some((holder, field)) = self.field_read(id_code)
            && let Some(found) = self.world.resolved(holder, field.name(), kind)
        {
            return Ok(found);
        }
        self.call(Function::Reference, &[Val::Text(Text::Borrowed(kind)), id])
    }

    /// The record and field that `code` reads when it is `x.field` (kept or not) and `x` is a
    /// variable, or a value kept for the current binding, holding a record: found without
    /// evaluating anything.
    fn field_read(&self, code: &'a Code) -> Option<(usize, &'a super::code::Field)> {
        let code = match code {
            Code::Cached(cached) => &cached.code,
            other => other,
        };
        let Code::Select(operand, field) = code else {
            return None;
        };
        let holder = match &**operand {
            Code::Slot(slot) => self.slots.get(*slot)?,
            Code::Cached(cached) => self.kept_outcome(cached)?.as_ref().ok()?,
            _ => return None,
        };
        match holder {
            Val::Record(index) => Some((*index, field)),
            _ => None,
        }
    }

    /// The kept outcome of a subexpression, if it was computed for the current binding (any
    /// binding, for a value kept for the run).
    fn kept_outcome(&self, cached: &Cached) -> Option<&Outcome<'a>> {
        let kept = self.kept.get(cached.id)?;
        let current = match cached.lifetime {
            Lifetime::Run => kept.binding != u64::MAX,
            Lifetime::Record => kept.binding == self.binding,
        };
        current.then_some(&kept.outcome)
    }

    /// A kept value if there is one for the current binding, else the subexpression's value,
    /// kept.
    fn cached(&mut self, cached: &'a Cached) -> Outcome<'a> {
        if self.null_word != KEEPING_NULL_WORD {
            return self.eval(&cached.code);
        }
        if let Some(outcome) = self.kept_outcome(cached) {
            // A message reads a field that a condition failed on as null: it takes a kept value,
            // not a kept error, and keeps nothing of its own.
            if outcome.is_ok() || !self.in_message {
                return outcome.clone();
            }
        }
        if self.in_message {
            return self.eval(&cached.code);
        }
        let outcome = self.eval(&cached.code);
        if cached.id >= self.kept.len() {
            self.kept.resize_with(cached.id + 1, || Kept {
                binding: u64::MAX,
                outcome: Ok(Val::Null),
            });
        }
        if let Some(place) = self.kept.get_mut(cached.id) {
            *place = Kept {
                binding: self.binding,
                outcome: outcome.clone(),
            };
        }
        outcome
    }

    /// `&&` (`decisive` false) and `||` (`decisive` true): the decisive value on either side wins
    /// over an error on the other.
    fn logical(&mut self, left: &'a Code, right: &'a Code, decisive: bool) -> Outcome<'a> {
        let operator = if decisive { "||" } else { "&&" };
        // Decided case by case on the left side, so that no value is held across the right
        // side's evaluation and the common case (two booleans) moves no more than one.
        match self.eval(left) {
            Ok(Val::Bool(flag)) if flag == decisive => Ok(Val::Bool(decisive)),
            Ok(Val::Bool(flag)) => match self.eval(right) {
                outcome @ (Ok(Val::Bool(_)) | Err(_)) => outcome,
                Ok(right) => Err(no_overload(operator, &[&Val::Bool(flag), &right])),
            },
            // A value that is no boolean is an error as an operand, and CEL's logic absorbs an
            // error where the other side decides: `'horses' && false` is false.
            Ok(left) => match self.eval(right)? {
                Val::Bool(flag) if flag == decisive => Ok(Val::Bool(decisive)),
                right => Err(no_overload(operator, &[&left, &right])),
            },
            Err(fault) => match self.eval(right)? {
                Val::Bool(flag) if flag == decisive => Ok(Val::Bool(decisive)),
                _ => Err(fault),
            },
        }
    }

    fn run_loop(&mut self, body: &'a Loop) -> Outcome<'a> {
        let range = self.eval(&body.range)?;
        // Only a list the machine shares between records (the documents covering a class of
        // units, and what a kept loop made of one) comes again: a list made for one record is
        // neither looked up nor kept, nor is the memory it holds.
        let list = list_address(&range).filter(|address| {
            body.pure_body
                && self.null_word == KEEPING_NULL_WORD
                && self.shared_addresses.contains(address)
        });
        let Some(list) = list else {
            return self.loop_over(body, range);
        };
        // A message reads an absent field as null where a condition fails on it (see
        // `Machine::absent`), so what each computes is kept apart.
        let key = (std::ptr::from_ref(body) as usize, list, self.in_message);
        if let Some((_, outcome)) = self.kept_loops.get(&key) {
            return outcome.clone();
        }
        let outcome = self.loop_over(body, range.clone());
        if self.kept_loops.len() < MOST_KEPT_LOOPS {
            if let Ok(value) = &outcome
                && let Some(address) = list_address(value)
            {
                self.shared_addresses.insert(address);
            }
            self.kept_loops.insert(key, (range, outcome.clone()));
        }
        outcome
    }

    fn loop_over(&mut self, body: &'a Loop, range: Val<'a>) -> Outcome<'a> {
        // Lists and maps are walked in place; only a record's field names are gathered first.
        let names;
        let (range, record) = match &range {
            Val::List(_) | Val::Map(_) => (&range, None),
            Val::Record(index) => {
                names = Val::list(self.world.field_names(*index));
                (&names, Some(*index))
            }
            other => {
                return Err(Fault::other(
                    ErrorKind::NoSuchOverload,
                    format!(
                        "cannot loop over a {}: all, exists, map and filter take a list or a map",
                        other.type_name()
                    ),
                ));
            }
        };
        let count = match range {
            Val::List(list) => list.len(),
            Val::Map(map) => map.len(),
            _ => 0,
        };
        // The element at a position: bound to the loop's variable, or with two variables the
        // index (of a list) or key (of a map or record) and the value.
        let world = self.world;
        let element = |position: usize| -> Option<(Val<'a>, Option<Val<'a>>)> {
            match (range, body.pair) {
                (Val::List(list), false) => Some((list.get(position)?, None)),
                (Val::Map(map), false) => Some((map.key(position)?, None)),
                (Val::List(list), true) if record.is_none() => {
                    Some((Val::Int(position as i64), Some(list.get(position)?)))
                }
                (Val::List(names), true) => {
                    let name = names.get(position)?;
                    let value = world.field(record?, FieldName::Computed(name.as_str()?))?;
                    Some((name, Some(value)))
                }
                (Val::Map(map), true) => {
                    let (key, value) = map.entry(position)?;
                    Some((key, Some(value)))
                }
                _ => None,
            }
        };
        let items = (0..count).filter_map(element);
        match &body.kind {
            LoopKind::All | LoopKind::Exists => {
                let decisive = matches!(body.kind, LoopKind::Exists);
                let mut pending: Option<Fault> = None;
                for item in items {
                    self.bind_element(body, item);
                    match self.eval(&body.body) {
                        Ok(Val::Bool(flag)) if flag == decisive => {
                            return Ok(Val::Bool(decisive));
                        }
                        Ok(Val::Bool(_)) => {}
                        Ok(other) => {
                            pending = Some(no_overload(
                                if decisive { "||" } else { "&&" },
                                &[&Val::Bool(!decisive), &other],
                            ))
                        }
                        Err(fault) => pending = Some(fault),
                    }
                }
                match pending {
                    Some(fault) => Err(fault),
                    None => Ok(Val::Bool(!decisive)),
                }
            }
            LoopKind::ExistsOne => {
                let mut count = 0;
                for item in items {
                    self.bind_element(body, item);
                    match self.eval(&body.body)? {
                        Val::Bool(true) => count += 1,
                        Val::Bool(false) => {}
                        other => return Err(no_overload("_?_:_", &[&other])),
                    }
                }
                Ok(Val::Bool(count == 1))
            }
            LoopKind::Map { guard } => {
                let mut result = Vec::new();
                for item in items {
                    self.bind_element(body, item);
                    if !self.guard_passes(guard.as_ref())? {
                        continue;
                    }
                    result.push(self.eval(&body.body)?);
                }
                Ok(Val::list(result))
            }
            LoopKind::TransformMap { guard } => {
                let mut result = Vec::new();
                for item in items {
                    let key = item.0.clone();
                    self.bind_element(body, item);
                    if !self.guard_passes(guard.as_ref())? {
                        continue;
                    }
                    result.push((key, self.eval(&body.body)?));
                }
                Ok(Val::Map(Map::Values(Rc::new(result))))
            }
        }
    }

    /// Binds a loop's variable to an element, or its two variables to an index or key and a
    /// value.
    #[inline]
    fn bind_element(&mut self, body: &Loop, (first, value): (Val<'a>, Option<Val<'a>>)) {
        self.bind(body.slot, first);
        if let Some(value) = value {
            self.bind(body.slot + 1, value);
        }
    }

    /// Whether a loop's guard, if it has one, lets the bound element through.
    #[inline]
    fn guard_passes(&mut self, guard: Option<&'a Code>) -> Result<bool, Fault> {
        let Some(guard) = guard else {
            return Ok(true);
        };
        match self.eval(guard)? {
            Val::Bool(flag) => Ok(flag),
            other => Err(no_overload("_?_:_", &[&other])),
        }
    }

    /// `has(operand.field)` where [`Machine::table_field`] does not decide it.
    #[inline(never)]
    fn has(&mut self, operand: &'a Code, field: &'a super::code::Field) -> Outcome<'a> {
        match self.select_in(operand, field)? {
            (Some(Ok(_)), _) => Ok(Val::Bool(true)),
            (None, _) => Ok(Val::Bool(false)),
            (Some(Err(_)), type_name) => Err(cannot_test(field, type_name)),
        }
    }

    /// The field of a variable bound to a record or a table of the tree (`self.name`,
    /// `x.status`), `Some(None)` if it has none: most field reads, read here without the layers
    /// of [`Machine::select_in`] that other operands need. `None` for any other operand.
    #[inline(always)]
    fn table_field(
        &mut self,
        operand: &'a Code,
        field: &'a super::code::Field,
    ) -> Option<Option<Val<'a>>> {
        let Code::Slot(slot) = operand else {
            return None;
        };
        let name = FieldName::Written(field);
        let found = match self.slots.get(*slot)? {
            Val::Record(index) => self.world.field(*index, name),
            Val::Map(Map::Entries(entries)) => super::value::field(entries, name),
            _ => return None,
        };
        // The step the variable's evaluation would have counted.
        self.steps += 1;
        Some(found)
    }

    /// [`Machine::select`] of a written field of the operand's value, and the operand's type.
    /// A variable (`self.name`, `d.name`) is read where it is bound, not copied out first.
    fn select_in(
        &mut self,
        operand: &'a Code,
        field: &'a super::code::Field,
    ) -> Result<(Option<Outcome<'a>>, &'static str), Fault> {
        let name = FieldName::Written(field);
        if let Code::Slot(slot) = operand {
            // The step the variable's evaluation would have counted.
            self.steps += 1;
            return Ok(match self.slots.get(*slot) {
                Some(value) => (self.select(value, name), value.type_name()),
                None => (self.select(&Val::Null, name), "null"),
            });
        }
        let value = self.eval(operand)?;
        Ok((self.select(&value, name), value.type_name()))
    }

    /// `operand.name`: `None` when the table lacks the field, an error when the operand is no
    /// table.
    fn select(&self, operand: &Val<'a>, name: FieldName<'_>) -> Option<Outcome<'a>> {
        match operand {
            Val::Record(index) => self.world.field(*index, name).map(Ok),
            Val::Map(Map::Entries(entries)) => field(entries, name).map(Ok),
            Val::Map(map) => map.get(&Val::Text(Text::Borrowed(name.as_str()))).map(Ok),
            other => Some(Err(Fault::other(
                ErrorKind::NoSuchField,
                format!(
                    "cannot read the field `{}` of a {}",
                    name.as_str(),
                    other.type_name()
                ),
            ))),
        }
    }

    fn index(&self, operand: &Val<'a>, index: &Val<'a>) -> Outcome<'a> {
        match (operand, index) {
            // CEL compares numbers across kinds, so a double that is a whole number indexes too.
            (Val::List(list), Val::Int(_) | Val::Uint(_) | Val::Double(_)) => {
                let position = match index {
                    Val::Int(number) => usize::try_from(*number).ok(),
                    Val::Uint(number) => usize::try_from(*number).ok(),
                    Val::Double(number) if number.fract() == 0.0 && *number >= 0.0 => {
                        Some(*number as usize)
                    }
                    _ => None,
                };
                position
                    .and_then(|position| list.get(position))
                    .ok_or_else(|| {
                        Fault::other(
                            ErrorKind::InvalidIndex,
                            format!(
                                "index {} is outside the list of {}",
                                self.display(index),
                                list.len()
                            ),
                        )
                    })
            }
            (Val::Record(_) | Val::Map(_), Val::Text(name)) => self
                .select(operand, FieldName::Computed(name.as_str()))
                .unwrap_or_else(|| Err(Fault::missing(name.as_str().to_string()))),
            (Val::Map(map), key) => map
                .get(key)
                .ok_or_else(|| Fault::missing(self.display(key))),
            (Val::List(_), index) => Err(Fault::other(
                ErrorKind::InvalidIndex,
                format!("a list's index is a number, not a {}", index.type_name()),
            )),
            (operand, index) => Err(no_overload("[]", &[operand, index])),
        }
    }

    #[inline(never)]
    fn call(&mut self, function: Function, args: &[Val<'a>]) -> Outcome<'a> {
        match (function, args) {
            (Function::Size, [value]) => match value {
                Val::Text(text) => Ok(Val::Int(text.as_str().chars().count() as i64)),
                Val::Bytes(bytes) => Ok(Val::Int(bytes.as_slice().len() as i64)),
                Val::List(list) => Ok(Val::Int(list.len() as i64)),
                Val::Map(map) => Ok(Val::Int(map.len() as i64)),
                Val::Record(index) => Ok(Val::Int(self.world.field_names(*index).len() as i64)),
                other => Err(wrong_type(
                    function,
                    format!("a {} has no size", other.type_name()),
                )),
            },
            (Function::String, [value]) => match value {
                Val::Text(_) => Ok(value.clone()),
                // Only a message reads an absent field as null (see `Machine::absent`).
                Val::Null if self.in_message => Ok(Val::text(self.null_word.to_string())),
                Val::Int(number) => Ok(Val::text(number.to_string())),
                Val::Uint(number) => Ok(Val::text(number.to_string())),
                Val::Double(number) => Ok(Val::text(number.to_string())),
                Val::Bool(flag) => Ok(Val::text(flag.to_string())),
                Val::Timestamp(instant) => Ok(Val::text(time::format_timestamp(*instant))),
                Val::Duration(length) => Ok(Val::text(time::format_duration(*length))),
                Val::Bytes(bytes) => match std::str::from_utf8(bytes.as_slice()) {
                    Ok(text) => Ok(Val::text(text.to_string())),
                    Err(error) => Err(fail_as(
                        ErrorKind::InvalidConversion,
                        function,
                        format!("the bytes are not UTF-8 text: {error}"),
                    )),
                },
                other => Err(wrong_type(
                    function,
                    format!("cannot convert a {} to a string", other.type_name()),
                )),
            },
            (Function::Int, [value]) => {
                match value {
                    Val::Int(_) => Ok(value.clone()),
                    Val::Uint(number) => i64::try_from(*number)
                        .map(Val::Int)
                        .map_err(|_| out_of_range(function, "out of range")),
                    // CEL truncates towards zero, and refuses what does not fit: -2^63 included,
                    // since the double nearest 2^63 - 1 is 2^63.
                    Val::Double(number)
                        if *number > -9_223_372_036_854_775_808.0
                            && *number < 9_223_372_036_854_775_808.0 =>
                    {
                        Ok(Val::Int(number.trunc() as i64))
                    }
                    Val::Double(_) => Err(out_of_range(function, "out of range")),
                    Val::Text(text) => text.as_str().trim().parse().map(Val::Int).map_err(|_| {
                        fail_as(
                            ErrorKind::InvalidConversion,
                            function,
                            format!("`{}` is not an integer", text.as_str()),
                        )
                    }),
                    // Whole seconds since 1970, rounded down.
                    Val::Timestamp(instant) => Ok(Val::Int(
                        instant.as_secs() - i64::from(instant.subsec_nanos() < 0),
                    )),
                    other => Err(wrong_type(
                        function,
                        format!("cannot convert {} to an int", self.display(other)),
                    )),
                }
            }
            (Function::Uint, [value]) => match value {
                Val::Uint(_) => Ok(value.clone()),
                Val::Int(number) => u64::try_from(*number)
                    .map(Val::Uint)
                    .map_err(|_| out_of_range(function, "out of range")),
                // Truncated towards zero, as `int()` does; a negative or too large one is refused.
                Val::Double(number) if *number >= 0.0 && *number < 18_446_744_073_709_551_616.0 => {
                    Ok(Val::Uint(number.trunc() as u64))
                }
                Val::Double(_) => Err(out_of_range(function, "out of range")),
                Val::Text(text) => text.as_str().trim().parse().map(Val::Uint).map_err(|_| {
                    fail_as(
                        ErrorKind::InvalidConversion,
                        function,
                        format!("`{}` is not an unsigned integer", text.as_str()),
                    )
                }),
                other => Err(wrong_type(
                    function,
                    format!("cannot convert {} to a uint", self.display(other)),
                )),
            },
            (Function::Double, [value]) => match value {
                Val::Double(_) => Ok(value.clone()),
                Val::Int(number) => Ok(Val::Double(*number as f64)),
                Val::Uint(number) => Ok(Val::Double(*number as f64)),
                Val::Text(text) => text.as_str().trim().parse().map(Val::Double).map_err(|_| {
                    fail_as(
                        ErrorKind::InvalidConversion,
                        function,
                        format!("`{}` is not a number", text.as_str()),
                    )
                }),
                other => Err(wrong_type(
                    function,
                    format!("cannot convert {} to a double", self.display(other)),
                )),
            },
            (Function::Dyn, [value]) => Ok(value.clone()),
            (Function::Bytes, [value]) => match value {
                Val::Bytes(_) => Ok(value.clone()),
                Val::Text(text) => Ok(Val::bytes(text.as_str().as_bytes().to_vec())),
                other => Err(wrong_type(
                    function,
                    format!("cannot convert a {} to bytes", other.type_name()),
                )),
            },
            (Function::Bool, [value]) => match value {
                Val::Bool(_) => Ok(value.clone()),
                // CEL's spellings, and no others (`TrUe` is refused).
                Val::Text(text) => match text.as_str() {
                    "1" | "t" | "true" | "TRUE" | "True" => Ok(Val::Bool(true)),
                    "0" | "f" | "false" | "FALSE" | "False" => Ok(Val::Bool(false)),
                    other => Err(fail_as(
                        ErrorKind::InvalidConversion,
                        function,
                        format!("`{other}` is not true or false"),
                    )),
                },
                other => Err(wrong_type(
                    function,
                    format!("cannot convert {} to a bool", self.display(other)),
                )),
            },
            (Function::Matches, [text, pattern]) => {
                let text = text_arg(function, text)?;
                let pattern = text_arg(function, pattern)?;
                let compiled = self.pattern(pattern)?;
                Ok(Val::Bool(compiled.is_match(text)))
            }
            (Function::StartsWith, [text, prefix]) => Ok(Val::Bool(
                text_arg(function, text)?.starts_with(text_arg(function, prefix)?),
            )),
            (Function::EndsWith, [text, suffix]) => Ok(Val::Bool(
                text_arg(function, text)?.ends_with(text_arg(function, suffix)?),
            )),
            (Function::Contains, [text, part]) => Ok(Val::Bool(
                text_arg(function, text)?.contains(text_arg(function, part)?),
            )),
            (Function::LowerAscii, [text]) => {
                Ok(Val::text(text_arg(function, text)?.to_ascii_lowercase()))
            }
            (Function::UpperAscii, [text]) => {
                Ok(Val::text(text_arg(function, text)?.to_ascii_uppercase()))
            }
            (Function::Trim, [text]) => Ok(Val::text(text_arg(function, text)?.trim().to_string())),
            (Function::Join, [list, rest @ ..]) => {
                let separator = match rest {
                    [separator] => text_arg(function, separator)?,
                    _ => "",
                };
                let Val::List(list) = list else {
                    return Err(wrong_type(function, "expected a list of strings"));
                };
                let mut parts = Vec::with_capacity(list.len());
                for item in list.items() {
                    parts.push(text_arg(function, &item)?.to_string());
                }
                Ok(Val::text(parts.join(separator)))
            }
            (Function::Timestamp, [value]) => match value {
                Val::Timestamp(_) => Ok(value.clone()),
                Val::Text(text) => time::parse_timestamp(text.as_str())
                    .map(Val::Timestamp)
                    .map_err(|refused| refusal(function, refused)),
                // Seconds since 1970-01-01T00:00:00Z.
                Val::Int(seconds) => time::timestamp(jiff::SignedDuration::from_secs(*seconds))
                    .map(Val::Timestamp)
                    .map_err(|refused| refusal(function, refused)),
                other => Err(wrong_type(
                    function,
                    format!("cannot convert {} to a timestamp", self.display(other)),
                )),
            },
            (Function::Duration, [value]) => match value {
                Val::Duration(_) => Ok(value.clone()),
                Val::Text(text) => time::parse_duration(text.as_str())
                    .map(Val::Duration)
                    .map_err(|refused| refusal(function, refused)),
                other => Err(wrong_type(
                    function,
                    format!("cannot convert {} to a duration", self.display(other)),
                )),
            },
            (
                Function::FullYear
                | Function::Month
                | Function::DayOfMonth
                | Function::DateOfMonth
                | Function::DayOfWeek
                | Function::DayOfYear
                | Function::Hours
                | Function::Minutes
                | Function::Seconds
                | Function::Milliseconds,
                [value, zone @ ..],
            ) => calendar_field(function, value, zone),
            (Function::DisplayText, [value]) => Ok(Val::text(self.display(value))),
            (Function::CoveringDocuments, [unit]) => self.covering_documents(unit),
            _ => {
                // `self` is lent where it is bound, not cloned for every call.
                let current = self.slots.get(super::code::SELF).unwrap_or(&Val::Null);
                self.world.call(current, function, args, &mut self.steps)
            }
        }
    }

    /// `covering_documents(unit)`: a unit that no document names gets its class's list, one
    /// allocation per machine, so that the loops over it are kept (see `Machine::run_loop`).
    fn covering_documents(&mut self, unit: &Val<'a>) -> Outcome<'a> {
        let unit = super::functions::record_arg(Function::CoveringDocuments, unit)?;
        match self.world.covering_documents(unit) {
            super::functions::Covering::Own(documents) => {
                self.steps += documents.len() as u64;
                Ok(Val::records(documents))
            }
            super::functions::Covering::Shared { class, shared } => {
                self.steps += 1;
                let slot = self.shared_coverage.get_mut(class);
                let list = match slot {
                    Some(Some(list)) => Rc::clone(list),
                    Some(place) => {
                        self.steps += shared.len() as u64;
                        let list: Rc<[usize]> = Rc::from(shared);
                        *place = Some(Rc::clone(&list));
                        self.shared_addresses.insert(list.as_ptr() as usize);
                        list
                    }
                    None => Rc::from(shared),
                };
                Ok(Val::List(super::value::List::Records(list)))
            }
        }
    }

    /// A pattern compiled: from this machine's cache, else the run's, else compiled and put in
    /// both. Shared, not cloned: a clone of a `Regex` starts its own scratch space.
    fn pattern(&self, pattern: &str) -> Result<Arc<regex::Regex>, Fault> {
        if let Some(compiled) = self.patterns.borrow().get(pattern) {
            return Ok(Arc::clone(compiled));
        }
        let mut shared = self
            .world
            .patterns
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let compiled = match shared.get(pattern) {
            Some(compiled) => Arc::clone(compiled),
            None => {
                let compiled = Arc::new(regex::Regex::new(pattern).map_err(|error| {
                    fail(
                        Function::Matches,
                        format!("`{pattern}` is not a regular expression: {error}"),
                    )
                })?);
                shared.insert(pattern.to_string(), Arc::clone(&compiled));
                compiled
            }
        };
        drop(shared);
        self.patterns
            .borrow_mut()
            .insert(pattern.to_string(), Arc::clone(&compiled));
        Ok(compiled)
    }
}

pub fn text_arg<'v>(function: Function, value: &'v Val<'_>) -> Result<&'v str, Fault> {
    value.as_str().ok_or_else(|| {
        wrong_type(
            function,
            format!("expected a string, got {}", value.type_name()),
        )
    })
}

fn binary<'a>(operator: Operator, left: &Val<'a>, right: &Val<'a>) -> Outcome<'a> {
    use std::cmp::Ordering::{Greater, Less};
    let ordered = |accept: &dyn Fn(std::cmp::Ordering) -> bool| {
        compare(left, right)
            .map(|order| Val::Bool(accept(order)))
            .ok_or_else(|| no_overload(operator.symbol(), &[left, right]))
    };
    match operator {
        Operator::Equals => Ok(Val::Bool(equals(left, right))),
        Operator::NotEquals => Ok(Val::Bool(!equals(left, right))),
        Operator::Less => ordered(&|order| order == Less),
        Operator::LessEquals => ordered(&|order| order != Greater),
        Operator::Greater => ordered(&|order| order == Greater),
        Operator::GreaterEquals => ordered(&|order| order != Less),
        Operator::In => match right {
            Val::List(list) => Ok(Val::Bool(list.items().any(|item| equals(left, &item)))),
            Val::Map(map) => Ok(Val::Bool(map.get(left).is_some())),
            Val::Record(_) => Ok(Val::Bool(false)),
            _ => Err(no_overload("in", &[left, right])),
        },
        Operator::Add => add(left, right),
        Operator::Subtract | Operator::Multiply | Operator::Divide | Operator::Modulo => {
            arithmetic(operator, left, right)
        }
    }
}

/// Where a list's items are, for a list the machine may keep loops over.
fn list_address(value: &Val<'_>) -> Option<usize> {
    match value {
        Val::List(super::value::List::Records(records)) => Some(records.as_ptr() as usize),
        Val::List(super::value::List::Values(values)) => Some(Rc::as_ptr(values) as usize),
        _ => None,
    }
}

/// `left + right` with the left side owned: a list built by the expression and held nowhere
/// else (`map(…)`, an earlier `+`) is extended in place, so that a chain `a + b + c + …` copies
/// each item once rather than once per `+` after it.
fn add_owned<'a>(mut left: Val<'a>, right: &Val<'a>) -> Outcome<'a> {
    if let (Val::List(_), Val::List(more)) = (&left, right)
        && more.is_empty()
    {
        return Ok(left);
    }
    if let (Val::List(super::value::List::Values(values)), Val::List(more)) = (&mut left, right)
        && let Some(values) = Rc::get_mut(values)
    {
        values.extend(more.items());
        return Ok(left);
    }
    add(&left, right)
}

fn add<'a>(left: &Val<'a>, right: &Val<'a>) -> Outcome<'a> {
    match (left, right) {
        (Val::Text(left), Val::Text(right)) => {
            Ok(Val::text(format!("{}{}", left.as_str(), right.as_str())))
        }
        (Val::Bytes(left), Val::Bytes(right)) => {
            Ok(Val::bytes([left.as_slice(), right.as_slice()].concat()))
        }
        // A list plus nothing is the list itself, the same allocation, so that a loop over it
        // can be kept (see `Machine::run_loop`).
        (Val::List(_), Val::List(more)) if more.is_empty() => Ok(left.clone()),
        (Val::List(none), Val::List(_)) if none.is_empty() => Ok(right.clone()),
        (Val::List(left), Val::List(right)) => {
            Ok(Val::list(left.items().chain(right.items()).collect()))
        }
        _ => arithmetic(Operator::Add, left, right),
    }
}

/// `x / 0` or `x % 0` of integers.
#[cold]
#[inline(never)]
fn by_zero(operator: Operator) -> Fault {
    if operator == Operator::Modulo {
        Fault::other(ErrorKind::ModulusByZero, "modulus by zero".to_string())
    } else {
        Fault::other(ErrorKind::DivisionByZero, "division by zero".to_string())
    }
}

fn arithmetic<'a>(operator: Operator, left: &Val<'a>, right: &Val<'a>) -> Outcome<'a> {
    let overflow = || {
        Fault::other(
            ErrorKind::Overflow,
            format!("integer overflow in {}", operator.symbol()),
        )
    };
    match (left, right) {
        (Val::Int(left), Val::Int(right)) => {
            let (left, right) = (*left, *right);
            if matches!(operator, Operator::Divide | Operator::Modulo) && right == 0 {
                return Err(by_zero(operator));
            }
            match operator {
                Operator::Add => left.checked_add(right),
                Operator::Subtract => left.checked_sub(right),
                Operator::Multiply => left.checked_mul(right),
                Operator::Divide => left.checked_div(right),
                _ => left.checked_rem(right),
            }
            .map(Val::Int)
            .ok_or_else(overflow)
        }
        (Val::Uint(left), Val::Uint(right)) => {
            let (left, right) = (*left, *right);
            if matches!(operator, Operator::Divide | Operator::Modulo) && right == 0 {
                return Err(by_zero(operator));
            }
            match operator {
                Operator::Add => left.checked_add(right),
                Operator::Subtract => left.checked_sub(right),
                Operator::Multiply => left.checked_mul(right),
                Operator::Divide => left.checked_div(right),
                _ => left.checked_rem(right),
            }
            .map(Val::Uint)
            .ok_or_else(overflow)
        }
        (Val::Double(left), Val::Double(right)) => {
            let (left, right) = (*left, *right);
            Ok(Val::Double(match operator {
                Operator::Add => left + right,
                Operator::Subtract => left - right,
                Operator::Multiply => left * right,
                Operator::Divide => left / right,
                _ => return Err(no_overload("%", &[&Val::Double(left), &Val::Double(right)])),
            }))
        }
        (Val::Timestamp(_) | Val::Duration(_), _) | (_, Val::Timestamp(_) | Val::Duration(_)) => {
            time_arithmetic(operator, left, right)
        }
        _ => Err(no_overload(operator.symbol(), &[left, right])),
    }
}

/// `+` and `-` of timestamps and durations: a timestamp moved by a duration, the duration
/// between two timestamps, the sum or difference of durations; each within its range.
#[inline(never)]
fn time_arithmetic<'a>(operator: Operator, left: &Val<'a>, right: &Val<'a>) -> Outcome<'a> {
    let outcome = match (operator, left, right) {
        (Operator::Add, Val::Timestamp(instant), Val::Duration(length))
        | (Operator::Add, Val::Duration(length), Val::Timestamp(instant)) => {
            time::timestamp(*instant + *length).map(Val::Timestamp)
        }
        (Operator::Subtract, Val::Timestamp(instant), Val::Duration(length)) => {
            time::timestamp(*instant - *length).map(Val::Timestamp)
        }
        (Operator::Subtract, Val::Timestamp(later), Val::Timestamp(earlier)) => {
            time::duration(*later - *earlier).map(Val::Duration)
        }
        (Operator::Add, Val::Duration(first), Val::Duration(second)) => {
            time::duration(*first + *second).map(Val::Duration)
        }
        (Operator::Subtract, Val::Duration(first), Val::Duration(second)) => {
            time::duration(*first - *second).map(Val::Duration)
        }
        _ => return Err(no_overload(operator.symbol(), &[left, right])),
    };
    outcome.map_err(|(kind, message)| Fault::other(kind, message))
}

/// The list of a function's list argument, for `max_date` and `sum`.
pub fn items<'a>(function: Function, value: &Val<'a>) -> Result<Vec<Val<'a>>, Fault> {
    match value {
        Val::List(list) => Ok(list.items().collect()),
        other => Err(wrong_type(
            function,
            format!("expected a list, got {}", other.type_name()),
        )),
    }
}

/// A map literal's key as CEL compares keys: an int and a uint of one value are one key.
#[derive(PartialEq, Eq, Hash, Clone, Copy)]
enum MapKey<'t> {
    Number(i128),
    Bool(bool),
    Text(&'t str),
}

impl std::fmt::Display for MapKey<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MapKey::Number(number) => write!(formatter, "{number}"),
            MapKey::Bool(flag) => write!(formatter, "{flag}"),
            MapKey::Text(text) => write!(formatter, "{text:?}"),
        }
    }
}

/// A refusal of the time module as a function's fault.
fn refusal(function: Function, (kind, message): time::Refused) -> Fault {
    fail_as(kind, function, message)
}

/// `getHours()` and the other accessors: of a timestamp, its calendar field in UTC or in the time
/// zone given (CEL counts months, days of the month and of the year from zero, `getDate()` from
/// one, days of the week from Sunday); of a duration, its whole hours, minutes or seconds, or the
/// milliseconds of its last second.
fn calendar_field<'a>(function: Function, value: &Val<'a>, zone: &[Val<'a>]) -> Outcome<'a> {
    let zone = match zone {
        [] => None,
        [zone] => Some(text_arg(function, zone)?),
        _ => return Err(wrong_type(function, "takes at most a time zone")),
    };
    if let (Val::Duration(length), None) = (value, zone) {
        let seconds = length.as_secs();
        return match function {
            Function::Hours => Ok(Val::Int(seconds / 3600)),
            Function::Minutes => Ok(Val::Int(seconds / 60)),
            Function::Seconds => Ok(Val::Int(seconds)),
            Function::Milliseconds => Ok(Val::Int(i64::from(length.subsec_millis()))),
            _ => Err(wrong_type(function, "expected a timestamp, got duration")),
        };
    }
    let Val::Timestamp(instant) = value else {
        return Err(wrong_type(
            function,
            format!("expected a timestamp, got {}", value.type_name()),
        ));
    };
    let civil = time::civil(*instant, zone).map_err(|refused| refusal(function, refused))?;
    let date = civil.date();
    Ok(Val::Int(match function {
        Function::FullYear => i64::from(date.year()),
        Function::Month => i64::from(date.month()) - 1,
        Function::DayOfMonth => i64::from(date.day()) - 1,
        Function::DateOfMonth => i64::from(date.day()),
        Function::DayOfWeek => i64::from(date.weekday().to_sunday_zero_offset()),
        Function::DayOfYear => i64::from(date.day_of_year()) - 1,
        Function::Hours => i64::from(civil.hour()),
        Function::Minutes => i64::from(civil.minute()),
        Function::Seconds => i64::from(civil.second()),
        _ => i64::from(civil.millisecond()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::expr::{Parsed, compile};
    use crate::rules::pack::{ExprSource, PackSource};

    /// cel-spec's conversions and logic (conversions.textproto, logic.textproto): what CEL
    /// gives, not a near answer.
    #[test]
    fn conversions_and_logic_give_what_cel_gives() {
        let cases = [
            ("uint(3.14159265)", Ok("3")),
            ("uint(25.5)", Ok("25")),
            ("int(-7.9)", Ok("-7")),
            ("bool('1')", Ok("true")),
            ("bool('t')", Ok("true")),
            ("bool('TRUE')", Ok("true")),
            ("bool('True')", Ok("true")),
            ("bool('0')", Ok("false")),
            ("bool('f')", Ok("false")),
            ("bool('FALSE')", Ok("false")),
            ("bool('False')", Ok("false")),
            ("'horses' && false", Ok("false")),
            ("{true: 1, 2: 2, 5u: 3}[true]", Ok("1")),
            ("{1u: 1.0, 2: 2.0, 3u: 3.0}[1] == 1.0", Ok("true")),
            // The last nanosecond of CEL's range, past jiff's instants (see `rules::time`).
            (
                "string(timestamp('9999-12-31T23:59:59.999999999Z'))",
                Ok("9999-12-31T23:59:59.999999999Z"),
            ),
            ("string(timestamp(1234567890))", Ok("2009-02-13T23:31:30Z")),
            (
                "string(timestamp(-62135596800))",
                Ok("0001-01-01T00:00:00Z"),
            ),
            ("false && 'horses'", Ok("false")),
            ("'horses' || true", Ok("true")),
            ("true || 'horses'", Ok("true")),
        ];
        for (text, expected) in cases {
            assert_eq!(
                run(text).as_deref().map_err(|_| ()),
                expected.map_err(|_: ()| ()),
                "{text}"
            );
        }
        for refused in [
            "uint(-1.0)",
            "uint(-0.5)",
            "uint(6.022e23)",
            "int(9223372036854775807.0)",
            "int(-9223372036854775808.0)",
            "int(1e99)",
            "bool('TrUe')",
            "{3.3: 15.15, 1.0: 5}[1.0]",
            "{null: false}[null]",
            "{true: 1, false: 2, true: 3}[true]",
            "{0: 1, 0u: 2}[0]",
            "timestamp('0000-01-01T00:00:00Z')",
            "timestamp(-62135596801)",
            "timestamp(253402300800)",
            "bool('FaLsE')",
            "'horses' && true",
            "true && 'horses'",
            "'horses' || false",
        ] {
            assert!(run(refused).is_err(), "{refused} gave {:?}", run(refused));
        }
    }

    #[test]
    fn an_outcome_is_no_larger_than_a_value() {
        assert_eq!(size_of::<Outcome<'_>>(), size_of::<Val<'_>>());
    }

    /// The expression's value as a message shows it, or its fault, over an empty repository.
    fn run(text: &str) -> Result<String, String> {
        let mut result = None;
        with_machine(&[text], |machine, codes| {
            result = Some(show(machine, codes[0]));
        })?;
        result.unwrap_or_else(|| Err("not run".to_string()))
    }

    fn show<'a>(machine: &mut Machine<'a>, code: &'a Code) -> Result<String, String> {
        machine
            .eval(code)
            .map(|value| machine.display(&value))
            .map_err(|fault| fault.explain())
    }

    /// Compiles the expressions and hands them, with a machine over an empty repository whose
    /// `params.pattern` is `^a+$`, to `body`.
    fn with_machine(
        texts: &[&str],
        body: impl for<'a> FnOnce(&mut Machine<'a>, &[&'a Code]),
    ) -> Result<(), String> {
        let packs: Vec<PackSource> = texts
            .iter()
            .map(|text| PackSource::new("rules/x.toml", *text, false))
            .collect();
        let mut exprs = Vec::new();
        for (pack, text) in texts.iter().enumerate() {
            let source = ExprSource {
                text: text.to_string(),
                offset: 0,
                pack,
            };
            exprs.push(
                compile(&source, &packs, "the test", &Parsed::default())
                    .map_err(|error| error.rendered)?,
            );
        }
        crate::rules::functions::with_empty_world(|world| {
            let params = crate::source::node::Node::new(
                crate::source::node::Value::Map(
                    vec![crate::source::node::Entry::new(
                        "pattern".into(),
                        Default::default(),
                        crate::source::node::Node::new(
                            crate::source::node::Value::String("^a+$".into()),
                            Default::default(),
                        ),
                    )]
                    .into(),
                ),
                Default::default(),
            );
            let mut machine = Machine::new(world, Val::of_node(&params));
            let codes: Vec<&Code> = exprs.iter().map(|expr| &expr.code).collect();
            body(&mut machine, &codes);
        });
        Ok(())
    }

    /// The steps one evaluation takes, and its result.
    fn counted<'a>(machine: &mut Machine<'a>, code: &'a Code) -> (u64, Result<String, String>) {
        let before = machine.steps;
        let result = show(machine, code);
        (machine.steps - before, result)
    }

    #[test]
    fn a_subexpression_that_reads_no_record_is_evaluated_once_per_machine() {
        let text = "add_period(today, '-' + 'P1M') < add_period(today, 'P1M')";
        with_machine(&[text, text], |machine, codes| {
            let (first, result) = counted(machine, codes[0]);
            assert_eq!(result, Ok("true".into()));
            assert!(first > 3, "{first}");
            // Another record, and the same expression written in another rule: kept.
            machine.bind(crate::rules::code::SELF, Val::Record(7));
            assert_eq!(counted(machine, codes[1]), (1, Ok("true".into())));
        })
        .unwrap();
    }

    #[test]
    fn a_kept_error_is_the_error_and_is_absorbed_as_before() {
        let failing = "add_period(today, 'soon')";
        let expected = run(failing).unwrap_err();
        assert!(expected.starts_with("add_period(): `soon` is not an ISO 8601 period"));
        let texts = [
            failing,
            "false && add_period(today, 'soon') > today",
            "add_period(today, 'soon') > today || true",
            "[1, 2].exists(n, n == 2 || add_period(today, 'soon') > today)",
            "[1, 2].all(n, add_period(today, 'soon') > today)",
        ];
        with_machine(&texts, |machine, codes| {
            for _ in 0..2 {
                assert_eq!(show(machine, codes[0]), Err(expected.clone()));
                assert_eq!(show(machine, codes[1]), Ok("false".into()));
                assert_eq!(show(machine, codes[2]), Ok("true".into()));
                assert_eq!(show(machine, codes[3]), Ok("true".into()));
                assert_eq!(show(machine, codes[4]), Err(expected.clone()));
            }
        })
        .unwrap();
    }

    #[test]
    fn a_value_kept_for_the_record_is_computed_again_for_the_next() {
        let text = "[group].map(g, g + '!')";
        with_machine(&[text], |machine, codes| {
            machine.bind(crate::rules::code::GROUP, Val::text("a".into()));
            assert_eq!(show(machine, codes[0]), Ok("a!".into()));
            assert_eq!(counted(machine, codes[0]), (1, Ok("a!".into())));
            machine.bind(crate::rules::code::GROUP, Val::text("b".into()));
            assert_eq!(show(machine, codes[0]), Ok("b!".into()));
        })
        .unwrap();
    }

    #[test]
    fn what_reads_a_loop_variable_or_the_null_word_is_not_kept() {
        let texts = [
            "[1, 2].map(n, [n, 10].map(m, m + 1))",
            "display_text(null) + string([null].map(x, 1).size())",
        ];
        with_machine(&texts, |machine, codes| {
            assert_eq!(show(machine, codes[0]), Ok("2, 11, 3, 11".into()));
            assert_eq!(show(machine, codes[1]), Ok("none1".into()));
            machine.null_word = "inget";
            assert_eq!(show(machine, codes[1]), Ok("inget1".into()));
            machine.null_word = KEEPING_NULL_WORD;
            assert_eq!(show(machine, codes[1]), Ok("none1".into()));
        })
        .unwrap();
    }

    #[test]
    fn and_and_or_absorb_an_error_on_the_side_that_does_not_decide() {
        assert_eq!(run("false && {'a': 1}.b == 1"), Ok("false".into()));
        assert_eq!(run("{'a': 1}.b == 1 && false"), Ok("false".into()));
        assert_eq!(run("{'a': 1}.b == 1 || true"), Ok("true".into()));
        assert_eq!(
            run("{'a': 1}.b == 1 && true"),
            Err("the field `b` is missing".into())
        );
        assert_eq!(
            run("1 && true"),
            Err("no such overload: && of int and bool".into())
        );
    }

    #[test]
    fn all_and_exists_decide_despite_errors_in_other_elements() {
        assert_eq!(
            run("[{'a': 1}, {'b': 2}].exists(m, m.a == 1)"),
            Ok("true".into())
        );
        assert_eq!(
            run("[{'b': 2}, {'a': 2}].all(m, m.a == 1)"),
            Ok("false".into())
        );
        assert_eq!(
            run("[{'b': 2}, {'a': 1}].all(m, m.a == 1)"),
            Err("the field `a` is missing".into())
        );
        assert_eq!(run("[1, 2, 3].exists_one(n, n > 2)"), Ok("true".into()));
        assert_eq!(run("[1, 2, 3].exists_one(n, n > 1)"), Ok("false".into()));
    }

    #[test]
    fn map_filter_and_nested_loops_bind_their_own_variables() {
        assert_eq!(
            run("[1, 2, 3].filter(n, n != 2).map(n, n * 10)"),
            Ok("10, 30".into())
        );
        assert_eq!(run("[1, 2].map(n, n > 1, n)"), Ok("2".into()));
        assert_eq!(
            run("[1, 2].map(a, [3, 4].filter(b, a + b == 5))"),
            Ok("4, 3".into())
        );
        assert_eq!(run("{'x': 1, 'y': 2}.filter(k, k != 'x')"), Ok("y".into()));
    }

    #[test]
    fn two_variable_macros_bind_the_index_or_key_and_the_value() {
        assert_eq!(
            run("[1, 2, 3].exists(i, v, i == 1 && v == 2)"),
            Ok("true".into())
        );
        assert_eq!(run("[1, 2, 3].all(i, v, v == i + 1)"), Ok("true".into()));
        assert_eq!(
            run("{'a': 1, 'b': 2}.existsOne(k, v, k == 'b' && v == 2)"),
            Ok("true".into())
        );
        assert_eq!(
            run("[2, 4, 6].transformList(i, v, v / 2 + i)"),
            Ok("1, 3, 5".into())
        );
        assert_eq!(
            run("[2, 4, 6].transformList(i, v, i != 1, v * 10)"),
            Ok("20, 60".into())
        );
        assert_eq!(
            run("{'a': 1, 'b': 2}.transformMap(k, v, k != 'a', v * 10) == {'b': 20}"),
            Ok("true".into())
        );
        assert_eq!(
            run("[5, 6].transformMap(i, v, v - i) == {0: 5, 1: 5}"),
            Ok("true".into())
        );
        assert_eq!(
            run("[2, 1, 0].transformList(i, v, v / i)"),
            Err("division by zero".into())
        );
        // A loop within a loop of two variables binds slots of its own.
        assert_eq!(
            run("[[1, 2], [3]].transformList(i, xs, xs.transformList(j, x, i * 10 + j + x))"),
            Ok("1, 3, 13".into())
        );
        assert!(
            run("[1].all(v, v, true)")
                .unwrap_err()
                .contains("all() names its two variables `v` both")
        );
    }

    #[test]
    fn bytes_have_a_size_concatenate_compare_and_convert() {
        assert_eq!(run("size(b'caf\\xc3\\xa9')"), Ok("5".into()));
        assert_eq!(run("b'ab' + b'\\xff'"), Ok("b'ab\\xff'".into()));
        assert_eq!(run("b'\\x00\\x01' > b'\\x01'"), Ok("false".into()));
        assert_eq!(run("b'a' < b'b' && b'' < b'\\x00'"), Ok("true".into()));
        assert_eq!(run("bytes('ÿ') == b'\\303\\277'"), Ok("true".into()));
        assert_eq!(run("string(b'\\303\\277')"), Ok("ÿ".into()));
        assert_eq!(run("b'abc' == 'abc'"), Ok("false".into()));
        let not_text = run("string(b'\\000\\xff')").unwrap_err();
        assert!(
            not_text.starts_with("string(): the bytes are not UTF-8 text"),
            "{not_text}"
        );
        assert_eq!(
            run("b'a' + 'b'"),
            Err("no such overload: + of bytes and string".into())
        );
    }

    #[test]
    fn durations_move_timestamps_and_are_read_in_hours_minutes_and_seconds() {
        assert_eq!(
            run("timestamp('2009-02-13T23:00:00Z') + duration('1h30m')"),
            Ok("2009-02-14T00:30:00Z".into())
        );
        assert_eq!(
            run("string(timestamp('2009-02-13T23:31:00Z') - timestamp('2009-02-13T23:29:00.5Z'))"),
            Ok("119.5s".into())
        );
        assert_eq!(
            run("duration('600s') + duration('-50s') == duration('550s')"),
            Ok("true".into())
        );
        assert_eq!(run("duration('1h') > duration('59m')"), Ok("true".into()));
        assert_eq!(run("string(-duration('1.5s'))"), Ok("-1.5s".into()));
        assert_eq!(run("duration('10000s').getHours()"), Ok("2".into()));
        assert_eq!(run("duration('3730s').getMinutes()"), Ok("62".into()));
        assert_eq!(run("duration('1.25s').getMilliseconds()"), Ok("250".into()));
        let instant = "timestamp('2009-02-13T23:31:30.123Z')";
        for (accessor, expected) in [
            ("getHours()", "23"),
            ("getHours('+05:30')", "5"),
            ("getMinutes('+05:30')", "1"),
            ("getHours('Europe/Stockholm')", "0"),
            ("getDate('Europe/Stockholm')", "14"),
            ("getDayOfWeek()", "5"),
            ("getDayOfYear()", "43"),
            ("getSeconds()", "30"),
            ("getMilliseconds()", "123"),
        ] {
            assert_eq!(
                run(&format!("{instant}.{accessor}")),
                Ok(expected.into()),
                "{accessor}"
            );
        }
        assert!(
            run("timestamp('9999-12-31T23:59:59Z') + duration('1s')")
                .unwrap_err()
                .contains("out of range: a timestamp is of the years 1 to 9999")
        );
        assert!(
            run("duration('320000000000s')")
                .unwrap_err()
                .starts_with("duration(): out of range")
        );
        assert_eq!(
            run("timestamp('2009-02-13T23:31:30Z') + 1"),
            Err("no such overload: + of timestamp and int".into())
        );
    }

    #[test]
    fn membership_equality_and_order_follow_cel() {
        assert_eq!(run("'b' in ['a', 'b']"), Ok("true".into()));
        assert_eq!(run("2 in [1.0, 2.0]"), Ok("true".into()));
        assert_eq!(run("'k' in {'k': 1}"), Ok("true".into()));
        assert_eq!(run("'2025-12-31' < '2026-01-01'"), Ok("true".into()));
        assert_eq!(run("1 == 'a'"), Ok("false".into()));
        assert_eq!(
            run("1 < 'a'"),
            Err("no such overload: < of int and string".into())
        );
        assert_eq!(run("[1, [2]] == [1, [2]]"), Ok("true".into()));
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(run("7 / 2 + 7 % 2"), Ok("4".into()));
        assert_eq!(run("1.0 / 4.0"), Ok("0.2".into()));
        assert_eq!(run("1 / 0"), Err("division by zero".into()));
        assert_eq!(
            run("9223372036854775807 + 1"),
            Err("integer overflow in +".into())
        );
        assert_eq!(
            run("1 + 1.0"),
            Err("no such overload: + of int and double".into())
        );
    }

    #[test]
    fn standard_and_tillsyn_functions() {
        assert_eq!(run("size('åäö') + size([1]) + 'ab'.size()"), Ok("6".into()));
        assert_eq!(run("string(2.5) + string(3)"), Ok("2.53".into()));
        assert_eq!(
            run("timestamp(today + 'T00:00:00Z').getFullYear()"),
            Ok("2026".into())
        );
        assert_eq!(run("'aaa'.matches(params.pattern)"), Ok("true".into()));
        assert_eq!(run("matches('b', '^a')"), Ok("false".into()));
        assert_eq!(run("add_period(today, 'P1M')"), Ok("2026-12-27".into()));
        assert!(
            run("add_period('2026-02-30', 'P1M')")
                .unwrap_err()
                .starts_with("add_period(): `2026-02-30` is not a date YYYY-MM-DD: ")
        );
        assert_eq!(
            run("max_date([null, '2026-01-02', '2025-01-01'])"),
            Ok("2026-01-02".into())
        );
        assert_eq!(run("sum([1, 2.5, null])"), Ok("3.5".into()));
        assert_eq!(run("normalise('  A   Title ')"), Ok("a title".into()));
        assert_eq!(run("ref('nothing') == null"), Ok("true".into()));
        assert_eq!(run("['a', 'b'].join(', ')"), Ok("a, b".into()));
    }

    #[test]
    fn highest_level_is_the_highest_numeric_level_of_the_three() {
        assert_eq!(
            run("highest_level({'confidentiality': 2, 'integrity': 4, 'availability': 1})"),
            Ok("4".into())
        );
        // Other keys are not levels; a level that is not a number (SCH001's finding) is none.
        assert_eq!(
            run("highest_level({'confidentiality': 'hög', 'integrity': 2, 'classified_on': 9})"),
            Ok("2".into())
        );
        assert_eq!(
            run("highest_level({'availability': 2.5})"),
            Ok("2.5".into())
        );
        assert_eq!(run("highest_level({}) == null"), Ok("true".into()));
        assert!(
            run("highest_level([3])")
                .unwrap_err()
                .starts_with("highest_level(): expected a classification")
        );
    }

    #[test]
    fn a_normal_form_compared_with_nothing_tests_for_white_space() {
        assert_eq!(run("normalise(' \u{a0} ') == ''"), Ok("true".into()));
        assert_eq!(run("'' != normalise(' Ab ')"), Ok("true".into()));
        assert_eq!(run("' x'.normalise() == ''"), Ok("false".into()));
        assert_eq!(
            run("normalise(1) != ''"),
            Err("normalise(): expected a string, got int".into())
        );
    }

    #[test]
    fn load_refuses_what_would_fail_on_every_record() {
        let refused = |text: &str, expected: &str| {
            let error = run(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        };
        refused("size(self.a, 2)", "size() takes 1 argument, not 2");
        refused("self.a.matches('[')", "is not a regular expression");
        refused("refs('x')", "unknown function `refs`; did you mean `ref`?");
        refused("[1].all(x, y > 0)", "unknown name `y`");
        refused(
            "a.?b",
            "optional values (`a.?b`, `a[?k]`) are not offered in tillsyn rules",
        );
        refused("{'a': 1}[?'a']", "optional values");
        refused(
            "{'a-b': 1}.`a-b`",
            "field names in backquotes (`a.`b-c``) are not offered in tillsyn rules; index the map instead",
        );
        refused(
            "google.protobuf.Int32Value{value: 1}",
            "`google.protobuf.Int32Value{…}`: message literals are not offered in tillsyn rules; records are maps, read their fields with `record.field`",
        );
        refused(
            "type(1) == int",
            "`type(…)`: type values are not offered in tillsyn rules",
        );
    }
}
