//! The values rule expressions compute with. A value read from a record borrows the parsed tree
//! (a string is a `&str` into it, a list or map a slice of its nodes), so evaluating a rule copies
//! nothing that the repository already holds; only what an expression builds (a concatenation, a
//! filtered list) is allocated, and shared by reference count within one thread.

use std::cmp::Ordering;
use std::rc::Rc;

use crate::source::node::{Entry, Node, Value};

/// A CEL value.
#[derive(Debug)]
pub enum Val<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Double(f64),
    Text(Text<'a>),
    List(List<'a>),
    Map(Map<'a>),
    /// A record of the repository, by position: its fields are read from its tree on demand.
    Record(usize),
    /// An instant, as the time since 1970-01-01T00:00:00Z (see [`super::time`]).
    Timestamp(jiff::SignedDuration),
    /// A length of time (`duration('1h30m')`).
    Duration(jiff::SignedDuration),
    /// A sequence of bytes (`b'abc'`, `bytes('abc')`), which need not be UTF-8.
    Bytes(Bytes<'a>),
}

/// Written out, rather than derived, to be inlined: reading a variable or a kept value clones
/// one, and most values are copied without touching a reference count.
impl Clone for Val<'_> {
    #[inline]
    fn clone(&self) -> Self {
        match self {
            Val::Null => Val::Null,
            Val::Bool(flag) => Val::Bool(*flag),
            Val::Int(number) => Val::Int(*number),
            Val::Uint(number) => Val::Uint(*number),
            Val::Double(number) => Val::Double(*number),
            Val::Text(Text::Borrowed(text)) => Val::Text(Text::Borrowed(text)),
            Val::Record(index) => Val::Record(*index),
            Val::List(List::Nodes(nodes)) => Val::List(List::Nodes(nodes)),
            Val::Map(Map::Entries(entries)) => Val::Map(Map::Entries(entries)),
            Val::Timestamp(instant) => Val::Timestamp(*instant),
            Val::Duration(length) => Val::Duration(*length),
            Val::Text(text) => Val::Text(text.clone()),
            Val::Bytes(bytes) => Val::Bytes(bytes.clone()),
            Val::List(list) => Val::List(list.clone()),
            Val::Map(map) => Val::Map(map.clone()),
        }
    }
}

/// A string, borrowed from the tree or the rule, or built by the expression.
#[derive(Clone, Debug)]
pub enum Text<'a> {
    Borrowed(&'a str),
    Owned(Rc<str>),
}

impl Text<'_> {
    pub fn as_str(&self) -> &str {
        match self {
            Text::Borrowed(text) => text,
            Text::Owned(text) => text,
        }
    }
}

/// Bytes, borrowed from the rule's literal or built by the expression.
#[derive(Clone, Debug)]
pub enum Bytes<'a> {
    Borrowed(&'a [u8]),
    Owned(Rc<[u8]>),
}

impl Bytes<'_> {
    pub fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Borrowed(bytes) => bytes,
            Bytes::Owned(bytes) => bytes,
        }
    }
}

/// A list: of tree nodes, of records, or of computed values.
#[derive(Clone, Debug)]
pub enum List<'a> {
    Nodes(&'a [Node]),
    Records(Rc<[usize]>),
    Values(Rc<Vec<Val<'a>>>),
}

impl<'a> List<'a> {
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len(&self) -> usize {
        match self {
            List::Nodes(nodes) => nodes.len(),
            List::Records(records) => records.len(),
            List::Values(values) => values.len(),
        }
    }

    pub fn get(&self, position: usize) -> Option<Val<'a>> {
        match self {
            List::Nodes(nodes) => nodes.get(position).map(Val::of_node),
            List::Records(records) => records.get(position).map(|&index| Val::Record(index)),
            List::Values(values) => values.get(position).cloned(),
        }
    }

    pub fn items(&self) -> impl Iterator<Item = Val<'a>> + '_ {
        (0..self.len()).filter_map(|position| self.get(position))
    }
}

/// A map: a table of the tree, or one the expression built (`hwm()`, a map literal).
#[derive(Clone, Debug)]
pub enum Map<'a> {
    Entries(&'a [Entry]),
    Values(Rc<Vec<(Val<'a>, Val<'a>)>>),
}

impl<'a> Map<'a> {
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len(&self) -> usize {
        match self {
            Map::Entries(entries) => entries.len(),
            Map::Values(values) => values.len(),
        }
    }

    pub fn get(&self, key: &Val<'_>) -> Option<Val<'a>> {
        match self {
            Map::Entries(entries) => {
                let Val::Text(key) = key else {
                    return None;
                };
                field(entries, FieldName::Computed(key.as_str()))
            }
            Map::Values(values) => values
                .iter()
                .find(|(candidate, _)| equals(candidate, key))
                .map(|(_, value)| value.clone()),
        }
    }

    pub fn keys(&self) -> Vec<Val<'a>> {
        (0..self.len())
            .filter_map(|position| self.key(position))
            .collect()
    }

    /// The key and value at a position, in the map's order.
    pub fn entry(&self, position: usize) -> Option<(Val<'a>, Val<'a>)> {
        match self {
            Map::Entries(entries) => entries.get(position).map(|entry| {
                (
                    Val::Text(Text::Borrowed(&entry.key)),
                    Val::of_node(&entry.value),
                )
            }),
            Map::Values(values) => values.get(position).cloned(),
        }
    }

    /// The key at a position, in the map's order.
    pub fn key(&self, position: usize) -> Option<Val<'a>> {
        match self {
            Map::Entries(entries) => entries
                .get(position)
                .map(|entry| Val::Text(Text::Borrowed(&entry.key))),
            Map::Values(values) => values.get(position).map(|(key, _)| key.clone()),
        }
    }
}

/// A field name to look up: one written in an expression, with its inline cache, or one computed
/// while evaluating (`table[name]`).
#[derive(Clone, Copy)]
pub enum FieldName<'f> {
    Written(&'f super::code::Field),
    Computed(&'f str),
}

impl FieldName<'_> {
    pub fn as_str(&self) -> &str {
        match self {
            FieldName::Written(field) => field.name(),
            FieldName::Computed(name) => name,
        }
    }
}

/// The value of a field of a table, if it has one. A written field is looked for first where it
/// was found last time.
pub fn field<'a>(entries: &'a [Entry], name: FieldName<'_>) -> Option<Val<'a>> {
    use std::sync::atomic::Ordering::Relaxed;
    let field = match name {
        FieldName::Written(field) => field,
        FieldName::Computed(wanted) => {
            return entries
                .iter()
                .find(|entry| same_key(&entry.key, wanted))
                .map(|entry| Val::of_node(&entry.value));
        }
    };
    // Keys are interned: the entry is the one whose key is the field's own allocation.
    if let Some(entry) = entries.get(field.hint.load(Relaxed) as usize)
        && entry.key.same_allocation(&field.key)
    {
        return Some(Val::of_node(&entry.value));
    }
    let position = entries
        .iter()
        .position(|entry| entry.key.same_allocation(&field.key))?;
    field.hint.store(position as u32, Relaxed);
    entries
        .get(position)
        .map(|entry| Val::of_node(&entry.value))
}

/// Key equality, deciding most unequal keys of a table by length and first byte without a call
/// to compare the bytes: most lookups are scans past other keys. Equal lengths are compared here
/// too, eight bytes at a time: keys are short, and a call to `memcmp` costs more than comparing
/// them.
#[inline]
fn same_key(key: &str, wanted: &str) -> bool {
    let (key, wanted) = (key.as_bytes(), wanted.as_bytes());
    if key.len() != wanted.len() || key.first() != wanted.first() {
        return false;
    }
    let mut key_words = key.chunks_exact(8);
    let mut wanted_words = wanted.chunks_exact(8);
    for (left, right) in (&mut key_words).zip(&mut wanted_words) {
        if word(left) != word(right) {
            return false;
        }
    }
    // The last bytes folded rather than compared as slices, which would call `memcmp` again.
    key_words
        .remainder()
        .iter()
        .zip(wanted_words.remainder())
        .fold(0u8, |difference, (left, right)| difference | (left ^ right))
        == 0
}

/// Eight bytes as one number, for comparing them at once.
#[inline]
fn word(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(bytes);
    u64::from_ne_bytes(word)
}

impl<'a> Val<'a> {
    /// A node of the tree as a value, without copying it.
    pub fn of_node(node: &'a Node) -> Val<'a> {
        match &node.value {
            Value::Null => Val::Null,
            Value::Bool(flag) => Val::Bool(*flag),
            Value::Integer(number) => Val::Int(*number),
            Value::Float(number) => Val::Double(*number),
            Value::String(text) => Val::Text(Text::Borrowed(text)),
            Value::Sequence(items) => Val::List(List::Nodes(items)),
            Value::Map(entries) => Val::Map(Map::Entries(entries)),
        }
    }

    pub fn text(text: String) -> Val<'a> {
        Val::Text(Text::Owned(Rc::from(text)))
    }

    pub fn bytes(bytes: Vec<u8>) -> Val<'a> {
        Val::Bytes(Bytes::Owned(Rc::from(bytes)))
    }

    pub fn list(values: Vec<Val<'a>>) -> Val<'a> {
        Val::List(List::Values(Rc::new(values)))
    }

    pub fn records(indexes: Vec<usize>) -> Val<'a> {
        Val::List(List::Records(Rc::from(indexes)))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Text(text) => Some(text.as_str()),
            _ => None,
        }
    }

    /// The CEL type name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "bool",
            Val::Int(_) => "int",
            Val::Uint(_) => "uint",
            Val::Double(_) => "double",
            Val::Text(_) => "string",
            Val::List(_) => "list",
            Val::Map(_) | Val::Record(_) => "map",
            Val::Timestamp(_) => "timestamp",
            Val::Duration(_) => "duration",
            Val::Bytes(_) => "bytes",
        }
    }
}

/// CEL equality: numbers compare by value across int, uint and double; values of different types
/// are unequal; lists and maps compare element by element.
pub fn equals(left: &Val<'_>, right: &Val<'_>) -> bool {
    match (left, right) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(left), Val::Bool(right)) => left == right,
        (Val::Text(left), Val::Text(right)) => left.as_str() == right.as_str(),
        (Val::Record(left), Val::Record(right)) => left == right,
        (Val::Timestamp(left), Val::Timestamp(right)) => left == right,
        (Val::Duration(left), Val::Duration(right)) => left == right,
        (Val::Bytes(left), Val::Bytes(right)) => left.as_slice() == right.as_slice(),
        (Val::List(left), Val::List(right)) => {
            left.len() == right.len()
                && left
                    .items()
                    .zip(right.items())
                    .all(|(left, right)| equals(&left, &right))
        }
        (Val::Map(left), Val::Map(right)) => {
            left.len() == right.len()
                && left
                    .keys()
                    .iter()
                    .all(|key| match (left.get(key), right.get(key)) {
                        (Some(left), Some(right)) => equals(&left, &right),
                        _ => false,
                    })
        }
        (left, right) => match (number(left), number(right)) {
            (Some(left), Some(right)) => left.same(right),
            _ => false,
        },
    }
}

/// A number of any of CEL's numeric types, for comparing across them.
#[derive(Clone, Copy)]
enum Number {
    Int(i64),
    Uint(u64),
    Double(f64),
}

impl Number {
    fn same(self, other: Number) -> bool {
        self.order(other) == Some(Ordering::Equal)
    }

    fn order(self, other: Number) -> Option<Ordering> {
        match (self, other) {
            (Number::Int(left), Number::Int(right)) => Some(left.cmp(&right)),
            (Number::Uint(left), Number::Uint(right)) => Some(left.cmp(&right)),
            (Number::Int(left), Number::Uint(right)) => {
                Some(i128::from(left).cmp(&i128::from(right)))
            }
            (Number::Uint(left), Number::Int(right)) => {
                Some(i128::from(left).cmp(&i128::from(right)))
            }
            (left, right) => left.as_f64().partial_cmp(&right.as_f64()),
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            Number::Int(number) => number as f64,
            Number::Uint(number) => number as f64,
            Number::Double(number) => number,
        }
    }
}

fn number(value: &Val<'_>) -> Option<Number> {
    match value {
        Val::Int(number) => Some(Number::Int(*number)),
        Val::Uint(number) => Some(Number::Uint(*number)),
        Val::Double(number) => Some(Number::Double(*number)),
        _ => None,
    }
}

/// CEL ordering, for `<`, `<=`, `>`, `>=`: numbers, strings (dates are `YYYY-MM-DD` strings and
/// order as dates), booleans, timestamps, durations and bytes. `None` when the two cannot be ordered.
pub fn compare(left: &Val<'_>, right: &Val<'_>) -> Option<Ordering> {
    match (left, right) {
        (Val::Text(left), Val::Text(right)) => Some(left.as_str().cmp(right.as_str())),
        (Val::Bool(left), Val::Bool(right)) => Some(left.cmp(right)),
        (Val::Timestamp(left), Val::Timestamp(right)) => Some(left.cmp(right)),
        (Val::Duration(left), Val::Duration(right)) => Some(left.cmp(right)),
        (Val::Bytes(left), Val::Bytes(right)) => Some(left.as_slice().cmp(right.as_slice())),
        (left, right) => number(left)?.order(number(right)?),
    }
}

/// How a value reads in a message: text as it is, a record or a table by its `id`, a list
/// comma-separated, `null` as `null_word` (`none`; `inget` in a Swedish message), a double with
/// at most one decimal.
pub fn display(
    value: &Val<'_>,
    record_id: &dyn Fn(usize) -> Option<String>,
    null_word: &str,
) -> String {
    match value {
        Val::Null => null_word.to_string(),
        Val::Bool(flag) => flag.to_string(),
        Val::Int(number) => number.to_string(),
        Val::Uint(number) => number.to_string(),
        Val::Double(number) => {
            let rounded = format!("{number:.1}");
            rounded
                .strip_suffix(".0")
                .map_or(rounded.clone(), str::to_string)
        }
        Val::Text(text) => text.as_str().to_string(),
        Val::List(list) => list
            .items()
            .map(|item| display(&item, record_id, null_word))
            .collect::<Vec<_>>()
            .join(", "),
        Val::Map(map) => match map.get(&Val::Text(Text::Borrowed("id"))) {
            Some(id) => display(&id, record_id, null_word),
            None => "{…}".to_string(),
        },
        Val::Record(index) => record_id(*index).unwrap_or_else(|| "(record)".to_string()),
        Val::Timestamp(instant) => super::time::format_timestamp(*instant),
        Val::Duration(length) => super::time::format_duration(*length),
        // As a literal would write them: `b'caf\xc3\xa9'`.
        Val::Bytes(bytes) => format!("b'{}'", bytes.as_slice().escape_ascii()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_equal_across_types() {
        assert!(equals(&Val::Int(2), &Val::Double(2.0)));
        assert!(equals(&Val::Uint(2), &Val::Int(2)));
        assert!(!equals(&Val::Int(-1), &Val::Uint(u64::MAX)));
        assert!(!equals(&Val::Int(1), &Val::text("1".into())));
    }

    #[test]
    fn dates_order_as_text() {
        let earlier = Val::Text(Text::Borrowed("2025-12-31"));
        let later = Val::Text(Text::Borrowed("2026-01-01"));
        assert_eq!(compare(&earlier, &later), Some(Ordering::Less));
        assert_eq!(compare(&earlier, &Val::Int(1)), None);
    }

    #[test]
    fn doubles_read_with_one_decimal() {
        let no_records = |_: usize| None;
        assert_eq!(display(&Val::Double(2.0), &no_records, "none"), "2");
        assert_eq!(display(&Val::Double(18.94), &no_records, "none"), "18.9");
        assert_eq!(display(&Val::Null, &no_records, "none"), "none");
        assert_eq!(display(&Val::Null, &no_records, "inget"), "inget");
    }
}
