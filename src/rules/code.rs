//! Rule expressions compiled for evaluation. The CEL parser (crate `cel`) reads an expression and
//! expands its macros; this module turns that syntax tree into [`Code`]: names resolved to
//! variable slots, functions to [`Function`]s with their arity checked, macros (`all`, `exists`,
//! `exists_one`, `map`, `filter`, and those of two variables the parser leaves as calls:
//! `all(i, v, …)`, `transformList`, `transformMap`, …) to loops, regular-expression literals
//! compiled. Everything that
//! can be decided once is decided here, at load, so that evaluating a rule on a record only walks
//! the tree — and a misspelt name or function is an error in the pack, not a finding on every
//! record.

use cel::common::ast::{EntryExpr, Expr as Ast, IdedExpr, LiteralValue};

use crate::suggest::did_you_mean;

/// The variable slots every expression may read; loop variables follow them.
pub const SELF: usize = 0;
pub const PARAMS: usize = 1;
pub const TODAY: usize = 2;
pub const GROUP: usize = 3;
pub const RECORDS: usize = 4;
/// The item of the list a check judges item by item (`each`).
pub const ITEM: usize = 5;
pub const FIRST_LOOP_SLOT: usize = 6;

const NAMES: [(&str, usize); 6] = [
    ("self", SELF),
    ("params", PARAMS),
    ("today", TODAY),
    ("group", GROUP),
    ("records", RECORDS),
    ("item", ITEM),
];

/// A compiled expression.
#[derive(Debug)]
pub enum Code {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Double(f64),
    Text(Box<str>),
    Bytes(Box<[u8]>),
    Slot(usize),
    List(Vec<Code>),
    Map(Vec<(Code, Code)>),
    /// `operand.field`
    Select(Box<Code>, Field),
    /// `has(operand.field)`
    Has(Box<Code>, Field),
    Index(Box<Code>, Box<Code>),
    Not(Box<Code>),
    Negate(Box<Code>),
    And(Box<Code>, Box<Code>),
    Or(Box<Code>, Box<Code>),
    Conditional(Box<Code>, Box<Code>, Box<Code>),
    Binary(Operator, Box<Code>, Box<Code>),
    /// `value in [constants]`: a membership test against a literal list, without building it.
    InLiterals(Box<Code>, Vec<Code>),
    Loop(Box<Loop>),
    Call(Function, Vec<Code>),
    /// `text.matches('literal')`, the pattern compiled at load.
    Matches(Box<Code>, Box<regex::Regex>),
    /// `normalise(text) == ""`: whether the text is white space only, found without building
    /// the normal form (`!=` is its negation).
    Blank(Box<Code>),
    /// A subexpression whose value a machine keeps once computed; see [`share`].
    Cached(Box<Cached>),
}

/// A subexpression evaluated once per run or once per record instead of wherever it is written.
/// `id` is the same for every subexpression written the same way (in any rule), so the checks of
/// a record share what they look up (`ref("org_unit", self.unit)` in several rules of a kind).
#[derive(Debug)]
pub struct Cached {
    pub id: usize,
    pub lifetime: Lifetime,
    pub code: Code,
}

/// How long a [`Cached`] value holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifetime {
    /// Reads only params, today and constants: the same for every record.
    Run,
    /// Reads `self` (or `group` and `records`) but no loop variable: the same until the machine
    /// binds another record or group.
    Record,
}

/// A field name, with the position where it was last found in a table. Records of one kind
/// mostly list their fields in the same order, so looking there first usually finds the field
/// with one comparison instead of a scan (an inline cache, shared by the threads: a stale hint
/// costs only the scan).
#[derive(Debug)]
pub struct Field {
    /// The name as a key: keys are interned, so a table's entry has it exactly when the entry's
    /// key is the same allocation.
    pub key: crate::source::node::Key,
    pub hint: std::sync::atomic::AtomicU32,
}

impl Field {
    fn new(name: &str) -> Field {
        Field {
            key: name.into(),
            hint: std::sync::atomic::AtomicU32::new(0),
        }
    }

    pub fn name(&self) -> &str {
        self.key.as_str()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    Equals,
    NotEquals,
    Less,
    LessEquals,
    Greater,
    GreaterEquals,
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    In,
}

impl Operator {
    /// The operator the parser names `_==_`, `@in`, ….
    fn named(name: &str) -> Option<Operator> {
        Some(match name {
            "_==_" => Operator::Equals,
            "_!=_" => Operator::NotEquals,
            "_<_" => Operator::Less,
            "_<=_" => Operator::LessEquals,
            "_>_" => Operator::Greater,
            "_>=_" => Operator::GreaterEquals,
            "_+_" => Operator::Add,
            "_-_" => Operator::Subtract,
            "_*_" => Operator::Multiply,
            "_/_" => Operator::Divide,
            "_%_" => Operator::Modulo,
            "@in" => Operator::In,
            _ => return None,
        })
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Operator::Equals => "==",
            Operator::NotEquals => "!=",
            Operator::Less => "<",
            Operator::LessEquals => "<=",
            Operator::Greater => ">",
            Operator::GreaterEquals => ">=",
            Operator::Add => "+",
            Operator::Subtract => "-",
            Operator::Multiply => "*",
            Operator::Divide => "/",
            Operator::Modulo => "%",
            Operator::In => "in",
        }
    }
}

/// A macro's loop over a list (or a map's keys), the element bound to `slot`.
#[derive(Debug)]
pub struct Loop {
    pub kind: LoopKind,
    pub range: Code,
    pub slot: usize,
    /// A loop of two variables (`all(i, v, body)`, `transformList`, `transformMap`): `slot` is
    /// bound to the index in a list or the key in a map, `slot + 1` to the value.
    pub pair: bool,
    pub body: Code,
    /// The body (and guard) read nothing but the loop's own variable, params, today and
    /// constants, so the loop's value depends on its range alone: a machine keeps it per range
    /// list (see [`share`]).
    pub pure_body: bool,
}

#[derive(Debug)]
pub enum LoopKind {
    /// `all(x, body)`: false if any body is false; else an error if any body failed; else true.
    All,
    /// `exists(x, body)`: true if any body is true; else an error if any failed; else false.
    Exists,
    /// `exists_one(x, body)`
    ExistsOne,
    /// `map(x, body)`, `map(x, guard, body)` and `filter(x, guard)` (whose body is `x`), and
    /// `transformList(i, v, body)`, `transformList(i, v, guard, body)`.
    Map { guard: Option<Code> },
    /// `transformMap(k, v, body)` and `transformMap(k, v, guard, body)`: a map of the keys
    /// (indexes of a list) the guard lets through to their bodies.
    TransformMap { guard: Option<Code> },
}

impl LoopKind {
    /// The guard of a `map`, `filter` or transform that has one.
    pub fn guard(&self) -> Option<&Code> {
        match self {
            LoopKind::Map { guard } | LoopKind::TransformMap { guard } => guard.as_ref(),
            _ => None,
        }
    }
}

macro_rules! functions {
    ($($variant:ident = $name:literal, $($arity:literal)|+;)*) => {
        /// The functions an expression may call, standard CEL and tillsyn's own.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Function {
            $($variant,)*
        }

        impl Function {
            const ALL: &'static [Function] = &[$(Function::$variant,)*];

            pub fn name(self) -> &'static str {
                match self {
                    $(Function::$variant => $name,)*
                }
            }

            fn arities(self) -> &'static [usize] {
                match self {
                    $(Function::$variant => &[$($arity),+],)*
                }
            }
        }
    };
}

functions! {
    Size = "size", 1;
    String = "string", 1;
    Int = "int", 1;
    Uint = "uint", 1;
    Double = "double", 1;
    Bool = "bool", 1;
    Bytes = "bytes", 1;
    // CEL's marker for a value whose type is known only when it runs: every value is so here.
    Dyn = "dyn", 1;
    Matches = "matches", 2;
    StartsWith = "startsWith", 2;
    EndsWith = "endsWith", 2;
    Contains = "contains", 2;
    LowerAscii = "lowerAscii", 1;
    UpperAscii = "upperAscii", 1;
    Trim = "trim", 1;
    Join = "join", 1 | 2;
    Timestamp = "timestamp", 1;
    Duration = "duration", 1;
    // A timestamp's calendar fields, in UTC or in the time zone given; a duration's lengths.
    FullYear = "getFullYear", 1 | 2;
    Month = "getMonth", 1 | 2;
    DayOfMonth = "getDayOfMonth", 1 | 2;
    DateOfMonth = "getDate", 1 | 2;
    DayOfWeek = "getDayOfWeek", 1 | 2;
    DayOfYear = "getDayOfYear", 1 | 2;
    Hours = "getHours", 1 | 2;
    Minutes = "getMinutes", 1 | 2;
    Seconds = "getSeconds", 1 | 2;
    Milliseconds = "getMilliseconds", 1 | 2;
    Reference = "ref", 1 | 2;
    Referrers = "referrers", 2 | 3;
    Linked = "linked", 2;
    Active = "active", 1;
    InForce = "in_force", 1;
    HighWaterMark = "hwm", 1;
    HighestLevel = "highest_level", 1;
    Ancestors = "ancestors", 1;
    Assignments = "assignments", 2;
    CoveringDocuments = "covering_documents", 1;
    Records = "records", 1;
    Date = "date", 1;
    IsDate = "is_date", 1;
    AddPeriod = "add_period", 2;
    DaysBetween = "days_between", 2;
    MonthsBetween = "months_between", 2;
    HoursBetween = "hours_between", 2;
    MaxDate = "max_date", 1;
    Sum = "sum", 1;
    Normalise = "normalise", 1;
    RuleSeverity = "rule_severity", 1;
    DisplayText = "display_text", 1;
}

impl Function {
    fn named(name: &str) -> Option<Function> {
        Function::ALL
            .iter()
            .copied()
            .find(|function| function.name() == name)
    }
}

/// Why an expression does not compile, and the text near which the problem is (for the caret).
#[derive(Debug)]
pub struct Refusal {
    pub message: String,
    pub near: Option<String>,
    pub kind: RefusalKind,
}

/// What kind of refusal: for tests, and for counting cel-spec's tests by the feature they need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefusalKind {
    /// A name that is no variable of the rule.
    UnknownName,
    /// A function that is neither CEL's nor tillsyn's.
    UnknownFunction,
    /// A part of CEL that rules deliberately do not offer, by name (`message literals`).
    NotOffered(&'static str),
    /// Anything else: a wrong number of arguments, a pattern that does not compile.
    Invalid,
}

fn refuse(message: impl Into<String>, near: Option<&str>) -> Refusal {
    refuse_as(RefusalKind::Invalid, message, near)
}

fn refuse_as(kind: RefusalKind, message: impl Into<String>, near: Option<&str>) -> Refusal {
    Refusal {
        message: message.into(),
        near: near.map(str::to_string),
        kind,
    }
}

/// The refusal of a part of CEL that rules do not offer: `feature` names it, and `message`
/// says so in plain words and what to write instead.
fn not_offered(feature: &'static str, message: impl Into<String>, near: Option<&str>) -> Refusal {
    refuse_as(RefusalKind::NotOffered(feature), message, near)
}

/// Compiles a parsed expression.
pub fn compile(expression: &IdedExpr) -> Result<Code, Refusal> {
    compile_with_names(expression, &[])
}

/// Compiles a parsed expression that may also read the variables `names`, in slots from
/// [`FIRST_LOOP_SLOT`] on, in order (the loops' variables follow them): for a test that binds
/// variables of its own, as cel-spec's do.
pub fn compile_with_names(expression: &IdedExpr, names: &[String]) -> Result<Code, Refusal> {
    let loops = names
        .iter()
        .enumerate()
        .map(|(position, name)| (name.clone(), FIRST_LOOP_SLOT + position))
        .collect();
    Compiler { loops }.code(expression).map(share)
}

struct Compiler {
    /// The loop variables in scope, innermost last: name and slot.
    loops: Vec<(String, usize)>,
}

impl Compiler {
    fn code(&mut self, expression: &IdedExpr) -> Result<Code, Refusal> {
        match &expression.expr {
            Ast::Literal(literal) => literal_code(literal),
            Ast::Ident(name) => self.name(name),
            Ast::Select(select) => {
                let operand = Box::new(self.code(&select.operand)?);
                let field = Field::new(&select.field);
                Ok(if select.test {
                    Code::Has(operand, field)
                } else {
                    Code::Select(operand, field)
                })
            }
            Ast::List(list) => {
                if !list.optional_indices.is_empty() {
                    return Err(not_offered(
                        "optional values",
                        "optional list elements (`[?x]`) are not offered in tillsyn rules; guard the element with has() or a condition",
                        None,
                    ));
                }
                Ok(Code::List(
                    list.elements
                        .iter()
                        .map(|element| self.code(element))
                        .collect::<Result<_, _>>()?,
                ))
            }
            Ast::Map(map) => {
                let mut entries = Vec::new();
                for entry in &map.entries {
                    let EntryExpr::MapEntry(entry) = &entry.expr else {
                        return Err(refuse("a map literal needs `key: value` entries", None));
                    };
                    if entry.optional {
                        return Err(not_offered(
                            "optional values",
                            "optional map entries (`{?key: x}`) are not offered in tillsyn rules; guard the entry with has() or a condition",
                            None,
                        ));
                    }
                    entries.push((self.code(&entry.key)?, self.code(&entry.value)?));
                }
                Ok(Code::Map(entries))
            }
            Ast::Struct(structure) => Err(not_offered(
                "message literals",
                format!(
                    "`{}{{…}}`: message literals are not offered in tillsyn rules; records are maps, read their fields with `record.field`",
                    structure.type_name
                ),
                Some(&structure.type_name),
            )),
            Ast::Comprehension(comprehension) => self.comprehension(comprehension),
            Ast::Call(call) => self.call(call),
            Ast::Unspecified => Err(refuse("an empty expression", None)),
        }
    }

    fn name(&self, name: &str) -> Result<Code, Refusal> {
        if let Some((_, slot)) = self.loops.iter().rev().find(|(known, _)| known == name) {
            return Ok(Code::Slot(*slot));
        }
        if let Some((_, slot)) = NAMES.iter().find(|(known, _)| *known == name) {
            return Ok(Code::Slot(*slot));
        }
        let candidates: Vec<&str> = NAMES
            .iter()
            .map(|(known, _)| *known)
            .chain(self.loops.iter().map(|(known, _)| known.as_str()))
            .collect();
        let hint = did_you_mean(name, candidates.iter().copied())
            .map(|hint| format!("; {hint}"))
            .unwrap_or_default();
        Err(refuse_as(
            RefusalKind::UnknownName,
            format!(
                "unknown name `{name}`: a rule reads self, params and today (group and records in group and kind rules, item in a check with `each`), and the variables of its loops{hint}"
            ),
            Some(name),
        ))
    }

    fn call(&mut self, call: &cel::common::ast::CallExpr) -> Result<Code, Refusal> {
        if let Some(two) = two_variable_macro(call) {
            return self.two_variable(&two);
        }
        let name = call.func_name.as_str();
        let mut args: Vec<&IdedExpr> = call.target.as_deref().into_iter().collect();
        args.extend(call.args.iter());
        if let Some(operator) = Operator::named(name)
            && let [left, right] = args.as_slice()
        {
            return self.binary(operator, left, right);
        }
        match (name, args.as_slice()) {
            ("_&&_", [left, right]) => Ok(Code::And(
                Box::new(self.code(left)?),
                Box::new(self.code(right)?),
            )),
            ("_||_", [left, right]) => Ok(Code::Or(
                Box::new(self.code(left)?),
                Box::new(self.code(right)?),
            )),
            ("_?_:_", [condition, then, otherwise]) => Ok(Code::Conditional(
                Box::new(self.code(condition)?),
                Box::new(self.code(then)?),
                Box::new(self.code(otherwise)?),
            )),
            ("_[_]", [operand, index]) => Ok(Code::Index(
                Box::new(self.code(operand)?),
                Box::new(self.code(index)?),
            )),
            ("!_", [operand]) => Ok(Code::Not(Box::new(self.code(operand)?))),
            ("-_", [operand]) => Ok(Code::Negate(Box::new(self.code(operand)?))),
            ("_[?_]" | "_?._", _) => Err(not_offered(
                "optional values",
                "optional values (`a.?b`, `a[?k]`) are not offered in tillsyn rules; test the field with has(a.b) first",
                None,
            )),
            _ => self.function(name, &args),
        }
    }

    fn binary(
        &mut self,
        operator: Operator,
        left: &IdedExpr,
        right: &IdedExpr,
    ) -> Result<Code, Refusal> {
        if operator == Operator::In
            && let Ast::List(list) = &right.expr
            && list.optional_indices.is_empty()
            && list
                .elements
                .iter()
                .all(|element| matches!(element.expr, Ast::Literal(_)))
        {
            return Ok(Code::InLiterals(
                Box::new(self.code(left)?),
                list.elements
                    .iter()
                    .map(|element| self.code(element))
                    .collect::<Result<_, _>>()?,
            ));
        }
        if matches!(operator, Operator::Equals | Operator::NotEquals)
            && let Some(text) = normalised_against_empty(left, right)
        {
            let blank = Code::Blank(Box::new(self.code(text)?));
            return Ok(if operator == Operator::Equals {
                blank
            } else {
                Code::Not(Box::new(blank))
            });
        }
        Ok(Code::Binary(
            operator,
            Box::new(self.code(left)?),
            Box::new(self.code(right)?),
        ))
    }

    fn function(&mut self, name: &str, args: &[&IdedExpr]) -> Result<Code, Refusal> {
        if name == "type" {
            return Err(not_offered(
                "type values",
                "`type(…)`: type values are not offered in tillsyn rules; a record's fields are typed by its kind's schema, so compare the value itself (`x == 1`, `size(x) > 0`, `has(r.field)`)",
                Some(name),
            ));
        }
        let Some(function) = Function::named(name) else {
            let hint = did_you_mean(name, Function::ALL.iter().map(|function| function.name()))
                .map(|hint| format!("; {hint}"))
                .unwrap_or_default();
            return Err(refuse_as(
                RefusalKind::UnknownFunction,
                format!("unknown function `{name}`{hint} (docs/writing-rules.md lists them)"),
                Some(name),
            ));
        };
        if !function.arities().contains(&args.len()) {
            let counts = function
                .arities()
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(" or ");
            let noun = if counts == "1" {
                "argument"
            } else {
                "arguments"
            };
            return Err(refuse(
                format!("{name}() takes {counts} {noun}, not {}", args.len()),
                Some(name),
            ));
        }
        if function == Function::Matches
            && let [text, pattern] = args
            && let Ast::Literal(LiteralValue::String(pattern)) = &pattern.expr
        {
            let pattern: &str = pattern.inner();
            let compiled = regex::Regex::new(pattern).map_err(|error| {
                refuse(
                    format!("`{pattern}` is not a regular expression: {error}"),
                    Some(pattern),
                )
            })?;
            return Ok(Code::Matches(
                Box::new(self.code(text)?),
                Box::new(compiled),
            ));
        }
        Ok(Code::Call(
            function,
            args.iter()
                .map(|arg| self.code(arg))
                .collect::<Result<_, _>>()?,
        ))
    }

    /// A macro of two variables: a loop whose variables are the index or key and the value.
    fn two_variable(&mut self, two: &TwoVariable<'_>) -> Result<Code, Refusal> {
        if two.first == two.second {
            return Err(refuse(
                format!(
                    "{}() names its two variables `{}` both; give the index or key and the value names of their own",
                    two.name, two.first
                ),
                Some(two.first),
            ));
        }
        let range = self.code(two.range)?;
        let slot = FIRST_LOOP_SLOT + self.loops.len();
        self.loops.push((two.first.to_string(), slot));
        self.loops.push((two.second.to_string(), slot + 1));
        let guard = two.guard.map(|guard| self.code(guard)).transpose();
        let body = self.code(two.body);
        self.loops.truncate(self.loops.len() - 2);
        let (guard, body) = (guard?, body?);
        let kind = match two.name {
            "all" => LoopKind::All,
            "exists" => LoopKind::Exists,
            "existsOne" | "exists_one" => LoopKind::ExistsOne,
            "transformList" => LoopKind::Map { guard },
            _ => LoopKind::TransformMap { guard },
        };
        Ok(Code::Loop(Box::new(Loop {
            kind,
            range,
            slot,
            pair: true,
            body,
            pure_body: false,
        })))
    }

    /// The macros' loops, recognised by the shapes the parser expands them into.
    fn comprehension(
        &mut self,
        comprehension: &cel::common::ast::ComprehensionExpr,
    ) -> Result<Code, Refusal> {
        if comprehension.iter_var2.is_some() {
            return Err(refuse(
                "two-variable comprehensions are not supported",
                None,
            ));
        }
        let accu = comprehension.accu_var.as_str();
        let is_accu =
            |expression: &IdedExpr| matches!(&expression.expr, Ast::Ident(name) if name == accu);
        let step = match &comprehension.loop_step.expr {
            Ast::Call(call) if call.target.is_none() => Some(call),
            _ => None,
        };
        let range = self.code(&comprehension.iter_range)?;
        let slot = FIRST_LOOP_SLOT + self.loops.len();
        self.loops.push((comprehension.iter_var.clone(), slot));
        let compiled = match loop_shape(step, accu) {
            Some((LoopKind::All, body)) => self.code(body).map(|body| (LoopKind::All, body)),
            Some((LoopKind::Exists, body)) => self.code(body).map(|body| (LoopKind::Exists, body)),
            Some((LoopKind::ExistsOne, body)) => {
                self.code(body).map(|body| (LoopKind::ExistsOne, body))
            }
            _ => self.appending(comprehension, &is_accu),
        };
        self.loops.pop();
        let (kind, body) = compiled?;
        Ok(Code::Loop(Box::new(Loop {
            kind,
            range,
            slot,
            pair: false,
            body,
            pure_body: false,
        })))
    }

    /// `map` and `filter`: `@result + [item]`, or `guard ? @result + [item] : @result`.
    fn appending(
        &mut self,
        comprehension: &cel::common::ast::ComprehensionExpr,
        is_accu: &dyn Fn(&IdedExpr) -> bool,
    ) -> Result<(LoopKind, Code), Refusal> {
        let unsupported = || refuse("this comprehension is not one of CEL's macros", None);
        let item_of = |expression: &IdedExpr| -> Option<IdedExpr> {
            let Ast::Call(add) = &expression.expr else {
                return None;
            };
            match (add.func_name.as_str(), add.args.as_slice()) {
                ("_+_", [first, list]) if is_accu(first) => match &list.expr {
                    Ast::List(list) => match list.elements.as_slice() {
                        [item] => Some(item.clone()),
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            }
        };
        if !is_accu(&comprehension.result) {
            return Err(unsupported());
        }
        let Ast::Call(step) = &comprehension.loop_step.expr else {
            return Err(unsupported());
        };
        if step.func_name == "_?_:_"
            && let [guard, then, otherwise] = step.args.as_slice()
            && is_accu(otherwise)
        {
            let item = item_of(then).ok_or_else(unsupported)?;
            let guard = self.code(guard)?;
            return Ok((LoopKind::Map { guard: Some(guard) }, self.code(&item)?));
        }
        let item = item_of(&comprehension.loop_step).ok_or_else(unsupported)?;
        Ok((LoopKind::Map { guard: None }, self.code(&item)?))
    }
}

/// A call of one of CEL's macros of two variables, which the parser leaves as a call:
/// `range.all(i, v, body)`, `exists`, `existsOne`, `transformList(i, v, [guard,] body)` and
/// `transformMap(k, v, [guard,] body)`.
pub struct TwoVariable<'e> {
    pub name: &'e str,
    pub range: &'e IdedExpr,
    pub first: &'e str,
    pub second: &'e str,
    pub guard: Option<&'e IdedExpr>,
    pub body: &'e IdedExpr,
}

pub fn two_variable_macro(call: &cel::common::ast::CallExpr) -> Option<TwoVariable<'_>> {
    let name = call.func_name.as_str();
    let range = call.target.as_deref()?;
    let transform = matches!(name, "transformList" | "transformMap");
    if !transform && !matches!(name, "all" | "exists" | "existsOne" | "exists_one") {
        return None;
    }
    let (first, second, guard, body) = match call.args.as_slice() {
        [first, second, body] => (first, second, None, body),
        [first, second, guard, body] if transform => (first, second, Some(guard), body),
        _ => return None,
    };
    let (Ast::Ident(first), Ast::Ident(second)) = (&first.expr, &second.expr) else {
        return None;
    };
    Some(TwoVariable {
        name,
        range,
        first,
        second,
        guard,
        body,
    })
}

/// `all`, `exists` and `exists_one` by the step the parser expands them into, with their body.
fn loop_shape<'e>(
    step: Option<&'e cel::common::ast::CallExpr>,
    accu: &str,
) -> Option<(LoopKind, &'e IdedExpr)> {
    let is_accu =
        |expression: &IdedExpr| matches!(&expression.expr, Ast::Ident(name) if name == accu);
    let step = step?;
    match (step.func_name.as_str(), step.args.as_slice()) {
        ("_&&_", [first, body]) if is_accu(first) => Some((LoopKind::All, body)),
        ("_||_", [first, body]) if is_accu(first) => Some((LoopKind::Exists, body)),
        // exists_one: `body ? @result + 1 : @result`
        ("_?_:_", [body, then, otherwise]) if is_accu(otherwise) => match &then.expr {
            Ast::Call(add)
                if add.func_name == "_+_"
                    && matches!(add.args.as_slice(), [first, one]
                        if is_accu(first) && matches!(one.expr, Ast::Literal(LiteralValue::Int(_)))) =>
            {
                Some((LoopKind::ExistsOne, body))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The argument of `normalise(text)` compared with `""`, on either side.
fn normalised_against_empty<'e>(left: &'e IdedExpr, right: &'e IdedExpr) -> Option<&'e IdedExpr> {
    let empty = |side: &IdedExpr| matches!(&side.expr, Ast::Literal(LiteralValue::String(text)) if text.inner().is_empty());
    // Written as a function or as a method (`text.normalise()`), as the compiler accepts it.
    let argument = |side: &'e IdedExpr| match &side.expr {
        Ast::Call(call) if call.func_name == "normalise" => {
            match (call.target.as_deref(), call.args.as_slice()) {
                (None, [text]) | (Some(text), []) => Some(text),
                _ => None,
            }
        }
        _ => None,
    };
    if empty(right) {
        argument(left)
    } else if empty(left) {
        argument(right)
    } else {
        None
    }
}

fn literal_code(literal: &LiteralValue) -> Result<Code, Refusal> {
    Ok(match literal {
        LiteralValue::Boolean(flag) => Code::Bool(*flag.inner()),
        LiteralValue::Int(number) => Code::Int(*number.inner()),
        LiteralValue::UInt(number) => Code::Uint(*number.inner()),
        LiteralValue::Double(number) => Code::Double(*number.inner()),
        LiteralValue::Null => Code::Null,
        LiteralValue::String(text) => Code::Text(text.inner().to_string().into_boxed_str()),
        LiteralValue::Bytes(bytes) => Code::Bytes(bytes.inner().to_vec().into_boxed_slice()),
    })
}

/// Whether the code calls `function` anywhere.
pub fn calls(code: &Code, function: Function) -> bool {
    match code {
        Code::Call(called, _) if *called == function => true,
        Code::Blank(_) if function == Function::Normalise => true,
        _ => {
            let mut found = false;
            for_each_child(code, &mut |child, _| {
                found = found || calls(child, function)
            });
            found
        }
    }
}

/// Calls `visit` on each direct subexpression of the code, the kept one of a [`Code::Cached`]
/// included, with whether it is evaluated once per element of a loop (a loop's guard and body):
/// the read-only twin of [`map_children`].
fn for_each_child<'c>(code: &'c Code, visit: &mut dyn FnMut(&'c Code, bool)) {
    match code {
        Code::Null
        | Code::Bool(_)
        | Code::Int(_)
        | Code::Uint(_)
        | Code::Double(_)
        | Code::Text(_)
        | Code::Bytes(_)
        | Code::Slot(_) => {}
        Code::List(items) | Code::Call(_, items) => {
            items.iter().for_each(|item| visit(item, false))
        }
        Code::Map(entries) => {
            for (key, value) in entries {
                visit(key, false);
                visit(value, false);
            }
        }
        Code::Select(operand, _)
        | Code::Has(operand, _)
        | Code::Not(operand)
        | Code::Negate(operand)
        | Code::Matches(operand, _)
        | Code::Blank(operand) => visit(operand, false),
        Code::Index(left, right)
        | Code::And(left, right)
        | Code::Or(left, right)
        | Code::Binary(_, left, right) => {
            visit(left, false);
            visit(right, false);
        }
        Code::Conditional(condition, then, otherwise) => {
            visit(condition, false);
            visit(then, false);
            visit(otherwise, false);
        }
        Code::InLiterals(operand, literals) => {
            visit(operand, false);
            literals.iter().for_each(|literal| visit(literal, false));
        }
        Code::Loop(body) => {
            visit(&body.range, false);
            if let Some(guard) = body.kind.guard() {
                visit(guard, true);
            }
            visit(&body.body, true);
        }
        Code::Cached(cached) => visit(&cached.code, false),
    }
}

/// What a subexpression reads besides constants: the variable slots it reads that it does not
/// bind itself, and whether its value may differ between two evaluations with the same slots.
#[derive(Clone, Copy, Default)]
struct Reads {
    /// Bit `n` for slot `n`; bit 63 stands for every slot from 63 on.
    slots: u64,
    /// `display_text()` reads how the machine shows `null`, which a Swedish message changes.
    unstable: bool,
}

impl Reads {
    fn with(self, other: Reads) -> Reads {
        Reads {
            slots: self.slots | other.slots,
            unstable: self.unstable || other.unstable,
        }
    }
}

fn bit(slot: usize) -> u64 {
    1u64 << slot.min(63)
}

fn reads(code: &Code) -> Reads {
    match code {
        Code::Slot(slot) => Reads {
            slots: bit(*slot),
            unstable: false,
        },
        Code::Loop(body) => {
            let (mut outside, mut inside) = (Reads::default(), Reads::default());
            for_each_child(code, &mut |child, per_element| {
                let sum = if per_element {
                    &mut inside
                } else {
                    &mut outside
                };
                *sum = sum.with(reads(child));
            });
            // The loop binds its own variables; a slot past 62 shares bit 63 and stays read.
            inside.slots &= !own_slots(body);
            outside.with(inside)
        }
        _ => {
            let mut sum = Reads::default();
            for_each_child(code, &mut |child, _| sum = sum.with(reads(child)));
            match code {
                // Without a record argument it reads `self`.
                Code::Call(Function::Referrers, args) if args.len() < 3 => sum.slots |= bit(SELF),
                Code::Call(Function::DisplayText, _) => sum.unstable = true,
                _ => {}
            }
            sum
        }
    }
}

/// Whether keeping a per-record value is worth a lookup: index look-ups, loops, date
/// arithmetic and pattern matching cost more than finding a kept value, and so does reading a
/// field (a scan of the table's keys, all of them when it is missing), which the checks of a
/// record repeat (`has(self.classification)`); a comparison does not.
fn worth_keeping(code: &Code) -> bool {
    match code {
        Code::Loop(_) | Code::Matches(..) | Code::Select(..) | Code::Has(..) => true,
        Code::Call(function, _) => !matches!(
            function,
            Function::Size
                | Function::String
                | Function::Int
                | Function::Uint
                | Function::Double
                | Function::Bool
                | Function::Bytes
                | Function::Dyn
                | Function::Active
                | Function::InForce
                | Function::RuleSeverity
                | Function::DisplayText
                | Function::HighestLevel
                | Function::IsDate
        ),
        _ => false,
    }
}

/// Whether a record-independent subexpression is more than a constant or a variable, so that
/// keeping its value saves work.
fn computes(code: &Code) -> bool {
    !matches!(
        code,
        Code::Null
            | Code::Bool(_)
            | Code::Int(_)
            | Code::Uint(_)
            | Code::Double(_)
            | Code::Text(_)
            | Code::Bytes(_)
            | Code::Slot(_)
    )
}

/// Marks the subexpressions whose value can be kept: the largest ones that read no record
/// (`add_period(today, "-" + params.max_age)`, a list of constants) are kept for the run, and
/// costly ones that read the record but no loop variable (`ref("role", self.owner)`,
/// `referrers("risk_analysis", "object").exists(a, active(a))`) for the record. Every function
/// is a function of its arguments, the record bound to `self`, and the run, so a kept value is
/// the one evaluating again would give, error included; and it is first computed where the
/// expression first needs it, so a kept error is reported where it was before.
pub fn share(code: Code) -> Code {
    let found = reads(&code);
    let record_slots = bit(SELF) | bit(GROUP) | bit(RECORDS) | bit(ITEM);
    let run_slots = bit(PARAMS) | bit(TODAY);
    if !found.unstable && found.slots & !run_slots == 0 && computes(&code) {
        return cached(Lifetime::Run, code);
    }
    let keep =
        !found.unstable && found.slots & !(run_slots | record_slots) == 0 && worth_keeping(&code);
    let code = mark_pure_body(share_inside(code), run_slots);
    if keep {
        cached(Lifetime::Record, code)
    } else {
        code
    }
}

/// Marks a loop whose body and guard read nothing but its own variable and what the run holds
/// ([`Loop::pure_body`]): given the same range list, it has the same value whichever record it
/// runs for, so that `covering_documents(self).exists(d, in_force(d) && …)` over the same
/// 8,000 policies for each of 8,000 committees is computed once, not 8,000 times.
fn mark_pure_body(code: Code, run_slots: u64) -> Code {
    let Code::Loop(mut body) = code else {
        return code;
    };
    let own = own_slots(&body);
    let mut found = reads(&body.body);
    if let Some(guard) = body.kind.guard() {
        found = found.with(reads(guard));
    }
    body.pure_body = own != 0 && !found.unstable && found.slots & !(run_slots | own) == 0;
    Code::Loop(body)
}

/// The bits of the variables a loop binds, none if one of them is past slot 62 (whose bit 63
/// stands for every slot from 63 on, and stays read).
fn own_slots(body: &Loop) -> u64 {
    let last = body.slot + usize::from(body.pair);
    if last >= 63 {
        return 0;
    }
    bit(body.slot) | bit(last)
}

fn share_inside(code: Code) -> Code {
    map_children(code, &mut share)
}

/// The code with `rewrite` applied to each of its direct subexpressions, for the passes that
/// rebuild a tree of code. A kept value ([`Code::Cached`]) is left as it is: a pass that looks
/// inside kept values handles them before calling this. Literals of `in` are rewritten too; a
/// rewrite leaves constants as they are.
fn map_children(code: Code, rewrite: &mut dyn FnMut(Code) -> Code) -> Code {
    let boxed = |code: Box<Code>, rewrite: &mut dyn FnMut(Code) -> Code| Box::new(rewrite(*code));
    match code {
        Code::List(items) => Code::List(items.into_iter().map(&mut *rewrite).collect()),
        Code::Map(entries) => Code::Map(
            entries
                .into_iter()
                .map(|(key, value)| (rewrite(key), rewrite(value)))
                .collect(),
        ),
        Code::Select(operand, field) => Code::Select(boxed(operand, rewrite), field),
        Code::Has(operand, field) => Code::Has(boxed(operand, rewrite), field),
        Code::Index(left, right) => {
            let left = boxed(left, rewrite);
            Code::Index(left, boxed(right, rewrite))
        }
        Code::Not(operand) => Code::Not(boxed(operand, rewrite)),
        Code::Negate(operand) => Code::Negate(boxed(operand, rewrite)),
        Code::And(left, right) => {
            let left = boxed(left, rewrite);
            Code::And(left, boxed(right, rewrite))
        }
        Code::Or(left, right) => {
            let left = boxed(left, rewrite);
            Code::Or(left, boxed(right, rewrite))
        }
        Code::Conditional(condition, then, otherwise) => {
            let condition = boxed(condition, rewrite);
            let then = boxed(then, rewrite);
            Code::Conditional(condition, then, boxed(otherwise, rewrite))
        }
        Code::Binary(operator, left, right) => {
            let left = boxed(left, rewrite);
            Code::Binary(operator, left, boxed(right, rewrite))
        }
        Code::InLiterals(operand, literals) => {
            let operand = boxed(operand, rewrite);
            Code::InLiterals(operand, literals.into_iter().map(&mut *rewrite).collect())
        }
        Code::Loop(body) => {
            let Loop {
                kind,
                range,
                slot,
                pair,
                body,
                pure_body,
            } = *body;
            let kind = match kind {
                LoopKind::Map { guard } => LoopKind::Map {
                    guard: guard.map(&mut *rewrite),
                },
                LoopKind::TransformMap { guard } => LoopKind::TransformMap {
                    guard: guard.map(&mut *rewrite),
                },
                other => other,
            };
            let range = rewrite(range);
            Code::Loop(Box::new(Loop {
                kind,
                range,
                slot,
                pair,
                body: rewrite(body),
                pure_body,
            }))
        }
        Code::Matches(operand, pattern) => Code::Matches(boxed(operand, rewrite), pattern),
        Code::Blank(operand) => Code::Blank(boxed(operand, rewrite)),
        Code::Call(function, args) => {
            Code::Call(function, args.into_iter().map(&mut *rewrite).collect())
        }
        other => other,
    }
}

fn cached(lifetime: Lifetime, code: Code) -> Code {
    let mut key = String::new();
    write_key(&code, &mut key);
    let id = {
        let mut known = SHARED_KEYS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let next = known.len();
        *known.entry(key).or_insert(next)
    };
    Code::Cached(Box::new(Cached { id, lifetime, code }))
}

/// The ids of kept subexpressions by their written form, for every expression compiled in this
/// process: equal forms get one id, so that one record's checks share what they compute.
static SHARED_KEYS: std::sync::LazyLock<
    std::sync::Mutex<std::collections::HashMap<String, usize>>,
> = std::sync::LazyLock::new(Default::default);

/// Writes the code unambiguously (strings with their lengths), so that two codes have the same
/// key only if they compute the same.
fn write_key(code: &Code, key: &mut String) {
    use std::fmt::Write;
    let text = |key: &mut String, text: &str| {
        let _ = write!(key, "{}:{text}", text.len());
    };
    let many = |key: &mut String, codes: &[Code]| {
        let _ = write!(key, "{}[", codes.len());
        for code in codes {
            write_key(code, key);
        }
        key.push(']');
    };
    let _ = match code {
        Code::Null => write!(key, "n"),
        Code::Bool(flag) => write!(key, "b{}", u8::from(*flag)),
        Code::Int(number) => write!(key, "i{number};"),
        Code::Uint(number) => write!(key, "u{number};"),
        Code::Double(number) => write!(key, "d{};", number.to_bits()),
        Code::Text(literal) => {
            key.push('t');
            text(key, literal);
            Ok(())
        }
        Code::Bytes(bytes) => write!(key, "y{}:{};", bytes.len(), bytes.escape_ascii()),
        Code::Slot(slot) => write!(key, "v{slot};"),
        Code::List(items) => {
            key.push('l');
            many(key, items);
            Ok(())
        }
        Code::Map(entries) => {
            let _ = write!(key, "m{}[", entries.len());
            for (name, value) in entries {
                write_key(name, key);
                write_key(value, key);
            }
            write!(key, "]")
        }
        Code::Select(operand, field) | Code::Has(operand, field) => {
            key.push(if matches!(code, Code::Select(..)) {
                '.'
            } else {
                'h'
            });
            text(key, field.name());
            write_key(operand, key);
            Ok(())
        }
        Code::Index(left, right)
        | Code::And(left, right)
        | Code::Or(left, right)
        | Code::Binary(_, left, right) => {
            match code {
                Code::Index(..) => key.push('['),
                Code::And(..) => key.push('&'),
                Code::Or(..) => key.push('|'),
                _ => {
                    if let Code::Binary(operator, ..) = code {
                        let _ = write!(key, "o{operator:?};");
                    }
                }
            }
            write_key(left, key);
            write_key(right, key);
            Ok(())
        }
        Code::Not(operand) | Code::Negate(operand) => {
            key.push(if matches!(code, Code::Not(_)) {
                '!'
            } else {
                '-'
            });
            write_key(operand, key);
            Ok(())
        }
        Code::Conditional(condition, then, otherwise) => {
            key.push('?');
            write_key(condition, key);
            write_key(then, key);
            write_key(otherwise, key);
            Ok(())
        }
        Code::InLiterals(operand, literals) => {
            key.push('I');
            write_key(operand, key);
            many(key, literals);
            Ok(())
        }
        Code::Loop(body) => {
            let _ = match &body.kind {
                LoopKind::All => write!(key, "LA"),
                LoopKind::Exists => write!(key, "LE"),
                LoopKind::ExistsOne => write!(key, "L1"),
                LoopKind::Map { guard: None } => write!(key, "LM"),
                LoopKind::Map { guard: Some(_) } => write!(key, "LF"),
                LoopKind::TransformMap { guard: None } => write!(key, "LT"),
                LoopKind::TransformMap { guard: Some(_) } => write!(key, "LG"),
            };
            let _ = write!(key, "{}{};", body.slot, if body.pair { "p" } else { "" });
            write_key(&body.range, key);
            if let Some(guard) = body.kind.guard() {
                write_key(guard, key);
            }
            write_key(&body.body, key);
            Ok(())
        }
        Code::Call(function, args) => {
            let _ = write!(key, "c{};", function.name());
            many(key, args);
            Ok(())
        }
        Code::Blank(operand) => {
            key.push('_');
            write_key(operand, key);
            Ok(())
        }
        Code::Matches(operand, pattern) => {
            key.push('~');
            text(key, pattern.as_str());
            write_key(operand, key);
            Ok(())
        }
        // Its id stands for its code: codes written the same have the same id. Writing the id
        // rather than the code again keeps marking linear in the depth of nested kept values.
        Code::Cached(cached) => write!(key, "k{};", cached.id),
    };
}

/// How many times, at most two, each subexpression kept for the record may be evaluated for one
/// binding of `self`, by id: a use inside a loop's body counts as two, since the body runs per
/// element.
pub fn count_record_uses(
    code: &Code,
    in_loop: bool,
    uses: &mut std::collections::HashMap<usize, u8>,
) {
    if let Code::Cached(cached) = code
        && cached.lifetime == Lifetime::Record
    {
        let count = uses.entry(cached.id).or_insert(0);
        *count = count.saturating_add(if in_loop { 2 } else { 1 }).min(2);
    }
    for_each_child(code, &mut |child, per_element| {
        count_record_uses(child, in_loop || per_element, uses);
    });
}

/// The code without the [`Cached`] marks, kept for the record, of subexpressions that
/// `reused` says are evaluated only once per binding: keeping such a value costs storing it and
/// saves nothing. The value is the same either way, errors included.
pub fn drop_single_uses(code: Code, reused: &dyn Fn(usize) -> bool) -> Code {
    match code {
        Code::Cached(cached) => {
            let Cached { id, lifetime, code } = *cached;
            let code = drop_single_uses(code, reused);
            if lifetime == Lifetime::Record && !reused(id) {
                code
            } else {
                Code::Cached(Box::new(Cached { id, lifetime, code }))
            }
        }
        other => map_children(other, &mut |code| drop_single_uses(code, reused)),
    }
}
