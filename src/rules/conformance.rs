//! cel-spec's conformance suite (tests/external/cel-spec/, the "simple" tests of the core
//! language) through tillsyn's compiler and interpreter: each test's expression is compiled as a
//! rule's would be (a test's bindings are variables it may read) and evaluated over an empty
//! repository, and its value or error compared with the one the suite expects, exactly: an int
//! is not a uint, and an expected error must be an error of the kind the suite names.
//!
//! The suite names an error in cel-go's or cel-cpp's words (`divide by zero`, `no such
//! overload`, `return error for overflow`, `range`, `invalid_argument`); [`expected_kinds`]
//! maps each to the interpreter's [`ErrorKind`]s, and an unknown name or function expected at
//! evaluation is met by the refusal at load of that name or function. Five tests' words are
//! not the error CEL gives (`true && 1/0 != 0` expecting "no matching overload", where the
//! division decides; `1 / 0` expecting "foo"): [`MISWORDED`] lists them with the kind they
//! give. Words that map to no kind fail the test, so that no test passes on any error.
//!
//! A test is *unsupported* when it needs what rules do not offer, and is counted by the feature
//! the compiler's refusal at load names (message literals, field names in backquotes, an
//! unknown function such as `type`), or by what the runner cannot compare; the others pass or
//! fail. Today: 1,063 of the 1,224 tests pass (112 of them on an expected error of the expected
//! kind, 3 of those refused at load), none fails, 161 are unsupported: 87 % of those that do not
//! fail pass. The failures are listed in `known-failures.txt` beside the files (none today), so
//! that a new wrong answer fails this test, and so does a fixed one until the list is updated.

use crate::rules::code::{FIRST_LOOP_SLOT, RefusalKind};
use crate::rules::expr::{Parsed, compile_with_names};
use crate::rules::functions::World;
use crate::rules::interpreter::{ErrorKind, Machine};
use crate::rules::pack::{ExprSource, PackSource};
use crate::rules::value::{Map, Val};

const FILES: &[(&str, &str)] = &[
    (
        "basic",
        include_str!("../../tests/external/cel-spec/basic.textproto"),
    ),
    (
        "comparisons",
        include_str!("../../tests/external/cel-spec/comparisons.textproto"),
    ),
    (
        "conversions",
        include_str!("../../tests/external/cel-spec/conversions.textproto"),
    ),
    (
        "fields",
        include_str!("../../tests/external/cel-spec/fields.textproto"),
    ),
    (
        "fp_math",
        include_str!("../../tests/external/cel-spec/fp_math.textproto"),
    ),
    (
        "integer_math",
        include_str!("../../tests/external/cel-spec/integer_math.textproto"),
    ),
    (
        "lists",
        include_str!("../../tests/external/cel-spec/lists.textproto"),
    ),
    (
        "logic",
        include_str!("../../tests/external/cel-spec/logic.textproto"),
    ),
    (
        "macros",
        include_str!("../../tests/external/cel-spec/macros.textproto"),
    ),
    (
        "macros2",
        include_str!("../../tests/external/cel-spec/macros2.textproto"),
    ),
    (
        "parse",
        include_str!("../../tests/external/cel-spec/parse.textproto"),
    ),
    (
        "plumbing",
        include_str!("../../tests/external/cel-spec/plumbing.textproto"),
    ),
    (
        "string",
        include_str!("../../tests/external/cel-spec/string.textproto"),
    ),
    (
        "timestamps",
        include_str!("../../tests/external/cel-spec/timestamps.textproto"),
    ),
];

const KNOWN_FAILURES: &str = include_str!("../../tests/external/cel-spec/known-failures.txt");

/// A field of a protobuf text-format message: a scalar as written, a string's bytes unescaped
/// (a `bytes_value` need not be UTF-8), or a message.
#[derive(Debug, Clone)]
enum Field {
    Scalar(String),
    Quoted(Vec<u8>),
    Message(Vec<(String, Field)>),
}

impl Field {
    fn get<'f>(&'f self, name: &'f str) -> Option<&'f Field> {
        self.all(name).next()
    }

    fn all<'f>(&'f self, name: &'f str) -> impl Iterator<Item = &'f Field> + 'f {
        let fields: &[(String, Field)] = match self {
            Field::Message(fields) => fields,
            Field::Scalar(_) | Field::Quoted(_) => &[],
        };
        fields
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value)
    }

    fn text<'f>(&'f self, name: &'f str) -> Option<&'f str> {
        self.get(name)?.as_text()
    }

    fn as_text(&self) -> Option<&str> {
        match self {
            Field::Scalar(text) => Some(text),
            Field::Quoted(bytes) => std::str::from_utf8(bytes).ok(),
            Field::Message(_) => None,
        }
    }
}

/// Reads protobuf text format as cel-spec writes it: `name: value`, `name { … }`, lists in
/// brackets, `#` comments, strings in either quote with C escapes.
struct Reader<'t> {
    text: &'t [u8],
    at: usize,
}

impl Reader<'_> {
    fn skip(&mut self) {
        while let Some(&byte) = self.text.get(self.at) {
            if byte == b'#' {
                while self.text.get(self.at).is_some_and(|&byte| byte != b'\n') {
                    self.at += 1;
                }
            } else if byte.is_ascii_whitespace() || byte == b',' || byte == b';' {
                self.at += 1;
            } else {
                break;
            }
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip();
        self.text.get(self.at).copied()
    }

    fn message(&mut self, closing: Option<u8>) -> Result<Vec<(String, Field)>, String> {
        let mut fields = Vec::new();
        loop {
            match self.peek() {
                None if closing.is_none() => return Ok(fields),
                None => return Err("unclosed message".into()),
                Some(byte) if Some(byte) == closing => {
                    self.at += 1;
                    return Ok(fields);
                }
                Some(_) => {}
            }
            // An `Any`'s field is named by its type in brackets.
            let name = if self.peek() == Some(b'[') {
                let start = self.at;
                while self.text.get(self.at).is_some_and(|&byte| byte != b']') {
                    self.at += 1;
                }
                self.at += 1;
                String::from_utf8_lossy(self.text.get(start..self.at).unwrap_or_default())
                    .into_owned()
            } else {
                self.word()
            };
            if name.is_empty() {
                return Err(format!("a field name expected at byte {}", self.at));
            }
            if self.peek() == Some(b':') {
                self.at += 1;
            }
            match self.peek() {
                Some(b'{') => {
                    self.at += 1;
                    fields.push((name, Field::Message(self.message(Some(b'}'))?)));
                }
                Some(b'<') => {
                    self.at += 1;
                    fields.push((name, Field::Message(self.message(Some(b'>'))?)));
                }
                Some(b'[') => {
                    self.at += 1;
                    while self.peek() != Some(b']') {
                        let value = self.value()?;
                        fields.push((name.clone(), value));
                    }
                    self.at += 1;
                }
                _ => {
                    let value = self.value()?;
                    fields.push((name, value));
                }
            }
        }
    }

    fn value(&mut self) -> Result<Field, String> {
        match self.peek() {
            Some(b'{') => {
                self.at += 1;
                Ok(Field::Message(self.message(Some(b'}'))?))
            }
            Some(b'"' | b'\'') => {
                // Adjacent strings are one.
                let mut bytes = Vec::new();
                while let Some(quote @ (b'"' | b'\'')) = self.peek() {
                    self.at += 1;
                    self.string(quote, &mut bytes)?;
                }
                Ok(Field::Quoted(bytes))
            }
            _ => {
                let word = self.word();
                if word.is_empty() {
                    Err(format!("a value expected at byte {}", self.at))
                } else {
                    Ok(Field::Scalar(word))
                }
            }
        }
    }

    fn word(&mut self) -> String {
        self.skip();
        let start = self.at;
        while self.text.get(self.at).is_some_and(|&byte| {
            byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b'-' | b'+' | b'/')
        }) {
            self.at += 1;
        }
        String::from_utf8_lossy(&self.text[start..self.at]).into_owned()
    }

    fn string(&mut self, quote: u8, bytes: &mut Vec<u8>) -> Result<(), String> {
        loop {
            let Some(&byte) = self.text.get(self.at) else {
                return Err("unclosed string".into());
            };
            self.at += 1;
            if byte == quote {
                return Ok(());
            }
            if byte != b'\\' {
                bytes.push(byte);
                continue;
            }
            let Some(&escaped) = self.text.get(self.at) else {
                return Err("unclosed string".into());
            };
            self.at += 1;
            match escaped {
                b'n' => bytes.push(b'\n'),
                b't' => bytes.push(b'\t'),
                b'r' => bytes.push(b'\r'),
                b'a' => bytes.push(7),
                b'b' => bytes.push(8),
                b'f' => bytes.push(12),
                b'v' => bytes.push(11),
                b'0'..=b'7' => {
                    let mut value = u32::from(escaped - b'0');
                    for _ in 0..2 {
                        match self.text.get(self.at) {
                            Some(&digit @ b'0'..=b'7') => {
                                value = value * 8 + u32::from(digit - b'0');
                                self.at += 1;
                            }
                            _ => break,
                        }
                    }
                    bytes.push(u8::try_from(value).map_err(|_| "octal escape too large")?);
                }
                b'x' => {
                    let digits = self.text.get(self.at..self.at + 2).ok_or("short \\x")?;
                    let value = u8::from_str_radix(&String::from_utf8_lossy(digits), 16)
                        .map_err(|_| "bad \\x")?;
                    self.at += 2;
                    bytes.push(value);
                }
                b'u' | b'U' => {
                    let length = if escaped == b'u' { 4 } else { 8 };
                    let digits = self
                        .text
                        .get(self.at..self.at + length)
                        .ok_or("short \\u")?;
                    let value = u32::from_str_radix(&String::from_utf8_lossy(digits), 16)
                        .map_err(|_| "bad \\u")?;
                    self.at += length;
                    let character = char::from_u32(value).ok_or("bad \\u")?;
                    let mut buffer = [0; 4];
                    bytes.extend_from_slice(character.encode_utf8(&mut buffer).as_bytes());
                }
                other => bytes.push(other),
            }
        }
    }
}

/// What one test came to.
enum Verdict {
    Passed,
    /// An expected error, of the kind expected: given when the expression ran, or when it was
    /// refused at load (an unknown name or function).
    PassedOnError {
        at_load: bool,
    },
    Failed(String),
    Unsupported(String),
}

/// An error a test expects: one the interpreter gives, or a refusal at load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expected {
    Eval(ErrorKind),
    Load(RefusalKind),
}

/// The kinds of error cel-spec's words for an expected error name. The words are cel-go's and
/// cel-cpp's, several for one kind (`no such overload`, `no_such_overload`, `no matching
/// overload`); `invalid_argument`, the status code of a bad list index in cel-go, stands for a
/// bad index or a bad argument. `None` for words that name no kind.
fn expected_kinds(message: &str) -> Option<&'static [Expected]> {
    use ErrorKind as E;
    use Expected::{Eval, Load};
    Some(match message {
        "no such overload" | "no_such_overload" | "no matching overload" => {
            &[Eval(E::NoSuchOverload)]
        }
        _ if message.starts_with("found no matching overload") => &[Eval(E::NoSuchOverload)],
        "divide by zero" | "division by zero" => &[Eval(E::DivisionByZero)],
        "modulus by zero" => &[Eval(E::ModulusByZero)],
        "return error for overflow" => &[Eval(E::Overflow)],
        "range" | "range error" => &[Eval(E::OutOfRange)],
        _ if message == "no such key" || message.starts_with("no such key:") => {
            &[Eval(E::NoSuchKey)]
        }
        _ if message.ends_with("does not support field selection") => &[Eval(E::NoSuchField)],
        "invalid_argument" => &[Eval(E::InvalidIndex), Eval(E::InvalidArgument)],
        "Type conversion error" | "invalid UTF-8" => &[Eval(E::InvalidConversion)],
        "unsupported key type" => &[Eval(E::InvalidKey)],
        "Failed with repeated key" => &[Eval(E::RepeatedKey)],
        _ if message.starts_with("undeclared reference") || message == "unknown variable" => {
            &[Load(RefusalKind::UnknownName)]
        }
        "unbound function" => &[Load(RefusalKind::UnknownFunction)],
        _ => return None,
    })
}

/// Tests whose words for the expected error are not the error CEL gives, by file, section and
/// name, with the kind it gives and why. Nothing else is treated apart.
const MISWORDED: &[(&str, ErrorKind, &str)] = &[
    // `true && 1/0 != 0` and its mirrors: the suite says "no matching overload", but the
    // operand that decides is `1/0 != 0`, whose error is the division (cel-go gives "division by
    // zero" there).
    ("logic/AND/error_right", ErrorKind::DivisionByZero, "1/0"),
    ("logic/AND/error_left", ErrorKind::DivisionByZero, "1/0"),
    ("logic/OR/error_right", ErrorKind::DivisionByZero, "1/0"),
    ("logic/OR/error_left", ErrorKind::DivisionByZero, "1/0"),
    // `1 / 0` expecting an error with the message "foo": the test is of the runner's plumbing
    // of errors, and its words are a placeholder.
    (
        "plumbing/eval_results/error_result",
        ErrorKind::DivisionByZero,
        "1 / 0",
    ),
];

/// The expected error's kinds for a test, or why the runner cannot tell them.
fn expected_error(name: &str, error: &Field) -> Result<Vec<Expected>, String> {
    if let Some((_, kind, _)) = MISWORDED.iter().find(|(test, ..)| *test == name) {
        return Ok(vec![Expected::Eval(*kind)]);
    }
    let messages: Vec<&str> = error
        .all("errors")
        .filter_map(|error| error.text("message"))
        .collect();
    let [message] = messages.as_slice() else {
        return Err(format!("expects {} error messages", messages.len()));
    };
    expected_kinds(message)
        .map(<[Expected]>::to_vec)
        .ok_or_else(|| format!("expects an error worded `{message}`, which names no kind"))
}

/// A `cel.expr.Value` of the suite as a value, for a test's binding; `None` for a kind of value
/// rules have not.
fn value_of(expected: &Field) -> Option<Val<'static>> {
    let Field::Message(fields) = expected else {
        return None;
    };
    let (kind, value) = fields.first()?;
    let text = || value.as_text();
    Some(match kind.as_str() {
        "null_value" => Val::Null,
        "bool_value" => Val::Bool(text()? == "true"),
        "int64_value" => Val::Int(text()?.parse().ok()?),
        "uint64_value" => Val::Uint(text()?.parse().ok()?),
        "double_value" => Val::Double(double(text()?).ok()?),
        "string_value" => Val::text(text()?.to_string()),
        "bytes_value" => match value {
            Field::Quoted(bytes) => Val::bytes(bytes.clone()),
            _ => return None,
        },
        "object_value" => {
            let duration = value.get("[type.googleapis.com/google.protobuf.Duration]")?;
            let part = |name| {
                duration
                    .text(name)
                    .map_or(Some(0), |text| text.parse().ok())
            };
            Val::Duration(jiff::SignedDuration::new(
                part("seconds")?,
                i32::try_from(part("nanos")?).ok()?,
            ))
        }
        "list_value" => Val::list(value.all("values").map(value_of).collect::<Option<_>>()?),
        "map_value" => {
            let mut entries = Vec::new();
            for entry in value.all("entries") {
                entries.push((value_of(entry.get("key")?)?, value_of(entry.get("value")?)?));
            }
            Val::Map(Map::Values(std::rc::Rc::new(entries)))
        }
        _ => return None,
    })
}

fn double(text: &str) -> Result<f64, String> {
    match text {
        "inf" | "infinity" => Ok(f64::INFINITY),
        "-inf" | "-infinity" => Ok(f64::NEG_INFINITY),
        "nan" => Ok(f64::NAN),
        _ => text
            .parse::<f64>()
            .map_err(|_| format!("the double {text}")),
    }
}

/// Whether `actual` is exactly the expected value (`expected`, a `cel.expr.Value`), or why the
/// comparison cannot be made (a kind of value rules have not).
fn same(actual: &Val<'_>, expected: &Field) -> Result<bool, String> {
    let Field::Message(fields) = expected else {
        return Err("a value that is not a message".into());
    };
    let Some((kind, value)) = fields.first() else {
        return Err("an empty value".into());
    };
    let scalar = || {
        value
            .as_text()
            .ok_or_else(|| format!("a {kind} that is not text"))
    };
    Ok(match (kind.as_str(), actual) {
        ("null_value", Val::Null) => true,
        ("bool_value", Val::Bool(flag)) => scalar()? == flag.to_string(),
        ("int64_value", Val::Int(number)) => scalar()?.parse::<i64>().ok() == Some(*number),
        ("uint64_value", Val::Uint(number)) => scalar()?.parse::<u64>().ok() == Some(*number),
        ("double_value", Val::Double(number)) => {
            let expected = double(scalar()?)?;
            (expected.is_nan() && number.is_nan()) || expected == *number
        }
        ("string_value", Val::Text(text)) => scalar()? == text.as_str(),
        ("bytes_value", Val::Bytes(bytes)) => match value {
            Field::Quoted(expected) => expected.as_slice() == bytes.as_slice(),
            _ => return Err("a bytes_value that is not quoted".into()),
        },
        ("list_value", Val::List(list)) => {
            let expected: Vec<&Field> = value.all("values").collect();
            if expected.len() != list.len() {
                return Ok(false);
            }
            for (position, item) in expected.iter().enumerate() {
                let Some(actual) = list.get(position) else {
                    return Ok(false);
                };
                if !same(&actual, item)? {
                    return Ok(false);
                }
            }
            true
        }
        ("map_value", Val::Map(map)) => {
            let entries: Vec<&Field> = value.all("entries").collect();
            if entries.len() != map.len() {
                return Ok(false);
            }
            let Map::Values(pairs) = map else {
                return Err("a map read from a record".into());
            };
            for entry in entries {
                let (Some(key), Some(value)) = (entry.get("key"), entry.get("value")) else {
                    return Err("a map entry without key or value".into());
                };
                let mut found = false;
                for (actual_key, actual_value) in pairs.iter() {
                    if same(actual_key, key)? {
                        found = same(actual_value, value)?;
                        break;
                    }
                }
                if !found {
                    return Ok(false);
                }
            }
            true
        }
        (
            "null_value" | "bool_value" | "int64_value" | "uint64_value" | "double_value"
            | "string_value" | "bytes_value" | "list_value" | "map_value",
            _,
        ) => false,
        (other, _) => return Err(format!("expected values of kind {other}")),
    })
}

/// The feature a refusal at load names: the one a deliberate refusal gives, else the refusal's
/// words without the place, up to its explanation (`unknown function `duration``).
fn feature_of(error: &crate::rules::expr::CompileError) -> String {
    if let Some(RefusalKind::NotOffered(feature)) = error.refusal {
        return feature.to_string();
    }
    let first = error.rendered.lines().next().unwrap_or_default();
    let words = first
        .split_once("cannot compile the test: ")
        .map_or(first, |(_, words)| words);
    let words = words.split(" (").next().unwrap_or(words);
    let words = words.split(": ").next().unwrap_or(words);
    words.to_string()
}

fn run_test(
    name: &str,
    test: &Field,
    world: &World<'_>,
    params: &crate::source::node::Node,
) -> Verdict {
    let expr = test.text("expr").unwrap_or_default();
    let mut names = Vec::new();
    let mut values = Vec::new();
    for binding in test.all("bindings") {
        let (Some(key), Some(value)) = (
            binding.text("key"),
            binding.get("value").and_then(|value| value.get("value")),
        ) else {
            return Verdict::Unsupported("a binding that is not a value".into());
        };
        let Some(value) = value_of(value) else {
            return Verdict::Unsupported("a binding of a kind of value rules have not".into());
        };
        names.push(key.to_string());
        values.push(value);
    }
    let packs = [PackSource::new("conformance.toml", expr, false)];
    let source = ExprSource {
        text: expr.to_string(),
        offset: 0,
        pack: 0,
    };
    let expected_error = test
        .get("eval_error")
        .map(|error| expected_error(name, error));
    let compiled = compile_with_names(&source, &packs, "the test", &Parsed::default(), &names);
    let compiled = match compiled {
        Ok(compiled) => compiled,
        Err(error) => {
            if let (Some(Ok(expected)), Some(refusal)) = (&expected_error, error.refusal)
                && expected.contains(&Expected::Load(refusal))
            {
                return Verdict::PassedOnError { at_load: true };
            }
            return Verdict::Unsupported(feature_of(&error));
        }
    };
    // A container names the namespace in which the expression's names are looked up: rules
    // have none (what compiled above reads no name of one).
    if test.get("container").is_some() {
        return Verdict::Unsupported("a container (a namespace for names)".into());
    }
    let mut machine = Machine::new(world, Val::of_node(params));
    for (position, value) in values.into_iter().enumerate() {
        machine.bind(FIRST_LOOP_SLOT + position, value);
    }
    machine.allow(1_000_000);
    let outcome = machine.eval(&compiled.code);
    match (test.get("value"), expected_error, outcome) {
        (Some(expected), _, Ok(actual)) => match same(&actual, expected) {
            Ok(true) => Verdict::Passed,
            Ok(false) => Verdict::Failed(format!(
                "gave {} ({})",
                machine.display(&actual),
                actual.type_name()
            )),
            Err(why) => Verdict::Unsupported(why),
        },
        (Some(_), _, Err(fault)) => Verdict::Failed(format!("gave an error: {}", fault.explain())),
        (None, Some(Err(why)), _) => Verdict::Failed(why),
        (None, Some(Ok(expected)), Err(fault)) => {
            if expected.contains(&Expected::Eval(fault.kind())) {
                Verdict::PassedOnError { at_load: false }
            } else {
                Verdict::Failed(format!(
                    "gave an error of another kind, {:?} ({}), where {expected:?} is expected",
                    fault.kind(),
                    fault.explain()
                ))
            }
        }
        (None, Some(Ok(_)), Ok(actual)) => Verdict::Failed(format!(
            "gave {} where an error is expected",
            machine.display(&actual)
        )),
        (None, None, _) => Verdict::Unsupported("expects a typed result or no value".into()),
    }
}

#[test]
fn cel_spec_conformance_has_no_new_wrong_answer_and_no_stale_known_one() {
    crate::rules::functions::with_empty_world(run_suite);
}

fn run_suite(world: &World<'_>) {
    let params = crate::source::node::Node::new(
        crate::source::node::Value::Map(Vec::new().into()),
        Default::default(),
    );
    let (mut passed, mut passed_on_error, mut passed_at_load, mut unsupported) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    let mut features: std::collections::BTreeMap<String, usize> = Default::default();
    for (file, text) in FILES {
        let mut reader = Reader {
            text: text.as_bytes(),
            at: 0,
        };
        let document = Field::Message(
            reader
                .message(None)
                .unwrap_or_else(|error| panic!("{file}.textproto: {error}")),
        );
        for section in document.all("section") {
            let section_name = section.text("name").unwrap_or_default();
            for test in section.all("test") {
                let name = format!(
                    "{file}/{section_name}/{}",
                    test.text("name").unwrap_or_default()
                );
                match run_test(&name, test, world, &params) {
                    Verdict::Passed => passed += 1,
                    Verdict::PassedOnError { at_load } => {
                        passed += 1;
                        passed_on_error += 1;
                        passed_at_load += usize::from(at_load);
                    }
                    Verdict::Failed(why) => failures.push((name, why)),
                    Verdict::Unsupported(why) => {
                        unsupported += 1;
                        *features.entry(why).or_default() += 1;
                    }
                }
            }
        }
    }
    eprintln!(
        "cel-spec conformance: {passed} passed ({passed_on_error} of them on an expected error of the expected kind, {passed_at_load} of those refused at load), {} failed, {unsupported} unsupported",
        failures.len()
    );
    let mut features: Vec<(String, usize)> = features.into_iter().collect();
    features.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (feature, count) in &features {
        eprintln!("  unsupported {count:>4}  {feature}");
    }
    for (name, why) in &failures {
        eprintln!("  failed  {name}: {why}");
    }
    let known: std::collections::BTreeSet<&str> = KNOWN_FAILURES
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    let failed: std::collections::BTreeSet<&str> =
        failures.iter().map(|(name, _)| name.as_str()).collect();
    let new: Vec<&&str> = failed.difference(&known).collect();
    let fixed: Vec<&&str> = known.difference(&failed).collect();
    assert!(
        new.is_empty() && fixed.is_empty(),
        "wrong answers not in known-failures.txt: {new:#?}\nknown failures that now pass (take them out): {fixed:#?}"
    );
}
