//! The spanned tree as a JSON representation of its own for the schema validator
//! (`jsonschema::json::Json`), so that a record is validated where it lies instead of being
//! copied into a `serde_json::Value` first.
//!
//! Every answer must be the one the validator would get from [`Node::to_json`], the copy it reads
//! when it reports errors: a float that is not finite reads as `null` (as it converts), integers
//! and floats keep `serde_json`'s split between `i64` and `f64` (so `1.0` is a float that counts
//! as an integer, and equals `1`), string lengths count code points, and maps keep their key
//! order. The parsers refuse duplicate keys, so a map's entries are its members one for one.

use std::borrow::Cow;

use jsonschema::JsonType;
use jsonschema::json::{Array, Json, JsonNumber, Node as JsonNode, NodeIdentity, Object, cmp};
use serde_json::{Number, Value as Serde};

use crate::source::node::{Entry, Node, Value};
use crate::source::span::Span;

/// The tree's representation; a validator for it is built with
/// `jsonschema::options_for::<TreeJson>()` and takes a `&Node`.
pub struct TreeJson;

impl Json for TreeJson {
    type Node<'a> = &'a Node;
    type PreparedKey = Box<str>;
    type StringBuffer = Option<Node>;

    // A lookup scans the entries in order, so one pass over the members costs no more than a
    // single lookup of a key near the end: let `required` always take the pass.
    const KEYS_PER_LOOKUP: usize = 1 << 16;
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> Box<str> {
        key.into()
    }

    fn with_string_node<T>(
        buffer: &mut Option<Node>,
        string: &str,
        f: impl FnOnce(&Node) -> T,
    ) -> T {
        f(buffer.insert(Node::new(Value::String(string.into()), Span::default())))
    }
}

/// A number of the tree, read as `serde_json` reads the number it converts to.
#[derive(Clone, Copy, Debug)]
pub enum TreeNumber {
    Integer(i64),
    /// Always finite: a float that is not reads as `null`.
    Float(f64),
}

impl JsonNumber for TreeNumber {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            TreeNumber::Integer(number) => u64::try_from(number).ok(),
            TreeNumber::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match *self {
            TreeNumber::Integer(number) => Some(number),
            TreeNumber::Float(_) => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match *self {
            // The same rounding `serde_json::Number::as_f64` does.
            TreeNumber::Integer(number) => Some(number as f64),
            TreeNumber::Float(number) => Some(number),
        }
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_number().to_string())
    }

    fn to_number(&self) -> Cow<'_, Number> {
        Cow::Owned(match *self {
            TreeNumber::Integer(number) => Number::from(number),
            // `from_f64` refuses only what `number_of` never makes.
            TreeNumber::Float(number) => {
                Number::from_f64(number).unwrap_or_else(|| Number::from(0))
            }
        })
    }

    fn is_integer(&self) -> bool {
        match *self {
            TreeNumber::Integer(_) => true,
            TreeNumber::Float(number) => number.fract() == 0.0,
        }
    }

    fn is_written_as_integer(&self) -> bool {
        matches!(self, TreeNumber::Integer(_))
    }
}

/// The node's number, if it reads as one.
fn number_of(node: &Node) -> Option<TreeNumber> {
    match node.value {
        Value::Integer(number) => Some(TreeNumber::Integer(number)),
        Value::Float(number) if number.is_finite() => Some(TreeNumber::Float(number)),
        _ => None,
    }
}

impl<'a> JsonNode<'a, TreeJson> for &'a Node {
    type Object = &'a [Entry];
    type Array = &'a [Node];
    type Number = TreeNumber;

    fn as_object(&self) -> Option<&'a [Entry]> {
        self.entries()
    }

    fn as_array(&self) -> Option<&'a [Node]> {
        match &self.value {
            Value::Sequence(items) => Some(items),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        self.as_str().map(Cow::Borrowed)
    }

    fn as_number(&self) -> Option<TreeNumber> {
        number_of(self)
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.value {
            Value::Bool(flag) => Some(flag),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        match self.value {
            Value::Null => true,
            Value::Float(number) => !number.is_finite(),
            _ => false,
        }
    }

    fn json_type(&self) -> JsonType {
        match &self.value {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Integer(_) => JsonType::Number,
            Value::Float(number) if number.is_finite() => JsonType::Number,
            Value::Float(_) => JsonType::Null,
            Value::String(_) => JsonType::String,
            Value::Sequence(_) => JsonType::Array,
            Value::Map(_) => JsonType::Object,
        }
    }

    fn string_length_within(&self, min: u64, max: u64) -> Option<bool> {
        let text = self.as_str()?;
        // A code point takes one to four bytes, so the count lies in `ceil(bytes / 4)..=bytes`
        // and the byte length alone settles most bounds.
        let bytes = text.len() as u64;
        let fewest = bytes.div_ceil(4);
        if bytes < min || fewest > max {
            return Some(false);
        }
        if min <= fewest && bytes <= max {
            return Some(true);
        }
        Some((min..=max).contains(&(text.chars().count() as u64)))
    }

    // `enum` and `const` compare every value of many fields: the default would copy the node.
    fn equals_value(&self, expected: &Serde) -> bool {
        equals(self, expected)
    }

    fn to_value(&self) -> Cow<'a, Serde> {
        Cow::Owned(self.to_json())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(std::ptr::from_ref::<Node>(*self) as usize))
    }
}

/// JSON Schema equality of a node and a plain value, as `cmp::equal` decides it for the node's
/// `to_json()`: numbers compare mathematically, objects regardless of key order.
fn equals(node: &Node, expected: &Serde) -> bool {
    if let Some(number) = number_of(node) {
        return match expected {
            Serde::Number(other) => cmp::equal_numbers(&number, other),
            _ => false,
        };
    }
    match (&node.value, expected) {
        (Value::Float(_) | Value::Null, Serde::Null) => true,
        (Value::Bool(flag), Serde::Bool(other)) => flag == other,
        (Value::String(text), Serde::String(other)) => **text == **other,
        (Value::Sequence(items), Serde::Array(others)) => {
            items.len() == others.len()
                && items
                    .iter()
                    .zip(others)
                    .all(|(item, other)| equals(item, other))
        }
        (Value::Map(entries), Serde::Object(others)) => {
            entries.len() == others.len()
                && entries.iter().all(|entry| {
                    others
                        .get(&*entry.key)
                        .is_some_and(|other| equals(&entry.value, other))
                })
        }
        _ => false,
    }
}

/// JSON Schema equality of two nodes, as `cmp::equal` decides it for their `to_json()`.
fn equal_nodes(left: &Node, right: &Node) -> bool {
    match (number_of(left), number_of(right)) {
        (Some(left), Some(right)) => return cmp::equal_numbers(&left, &right.to_number()),
        (Some(_), None) | (None, Some(_)) => return false,
        (None, None) => {}
    }
    match (&left.value, &right.value) {
        (Value::Null | Value::Float(_), Value::Null | Value::Float(_)) => true,
        (Value::Bool(left), Value::Bool(right)) => left == right,
        (Value::String(left), Value::String(right)) => **left == **right,
        (Value::Sequence(left), Value::Sequence(right)) => {
            left.len() == right.len()
                && left
                    .iter()
                    .zip(right.iter())
                    .all(|(left, right)| equal_nodes(left, right))
        }
        (Value::Map(left), Value::Map(right)) => {
            left.len() == right.len()
                && left.iter().all(|entry| {
                    right
                        .iter()
                        .find(|other| *other.key == *entry.key)
                        .is_some_and(|other| equal_nodes(&entry.value, &other.value))
                })
        }
        _ => false,
    }
}

/// Past this many items `uniqueItems` hashes copies instead of comparing every pair.
const PAIRWISE_UNIQUE: usize = 16;

impl<'a> Array<'a, TreeJson> for &'a [Node] {
    type Node = &'a Node;
    type ElementsIter = std::slice::Iter<'a, Node>;

    fn len(&self) -> usize {
        <[Node]>::len(self)
    }

    fn elements(&self) -> std::slice::Iter<'a, Node> {
        self.iter()
    }

    // The lists that carry `uniqueItems` are short: comparing pairs in place beats copying.
    fn is_unique(&self) -> bool {
        if self.len() > PAIRWISE_UNIQUE {
            let values: Vec<Serde> = self.iter().map(Node::to_json).collect();
            return jsonschema::json::unique::is_unique(&values);
        }
        self.iter().enumerate().all(|(index, item)| {
            self.iter()
                .skip(index + 1)
                .all(|other| !equal_nodes(item, other))
        })
    }
}

/// The members of a map, in the order they were written.
pub struct Members<'a>(std::slice::Iter<'a, Entry>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a Node);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|entry| (&*entry.key, &entry.value))
    }
}

impl<'a> Object<'a, TreeJson> for &'a [Entry] {
    type Node = &'a Node;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        <[Entry]>::len(self)
    }

    fn get(&self, key: &Box<str>) -> Option<&'a Node> {
        self.iter()
            .find(|entry| *entry.key == **key)
            .map(|entry| &entry.value)
    }

    fn members(&self) -> Members<'a> {
        Members(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use jsonschema::json::conformance;
    use serde_json::json;

    use super::*;

    /// The tree a parser would make of a JSON value: integers that fit `i64` stay integers.
    fn tree(value: &Serde) -> Node {
        let value = match value {
            Serde::Null => Value::Null,
            Serde::Bool(flag) => Value::Bool(*flag),
            Serde::Number(number) => match number.as_i64() {
                Some(integer) => Value::Integer(integer),
                None => Value::Float(number.as_f64().unwrap()),
            },
            Serde::String(text) => Value::String(text.as_str().into()),
            Serde::Array(items) => Value::Sequence(items.iter().map(tree).collect()),
            Serde::Object(members) => Value::Map(
                members
                    .iter()
                    .map(|(key, value)| {
                        Entry::new(key.as_str().into(), Span::default(), tree(value))
                    })
                    .collect(),
            ),
        };
        Node::new(value, Span::default())
    }

    #[test]
    fn the_tree_keeps_the_validators_contract() {
        let document = tree(&conformance::document());
        conformance::assert_conformance::<TreeJson>(&&document);
    }

    #[test]
    fn a_float_that_is_not_finite_reads_as_the_null_it_converts_to() {
        for number in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let node = Node::new(Value::Float(number), Span::default());
            assert_eq!(node.to_json(), Serde::Null);
            let node = &node;
            assert!(node.is_null());
            assert_eq!(node.json_type(), JsonType::Null);
            assert!(node.as_number().is_none());
            assert!(node.equals_value(&Serde::Null));
        }
    }

    #[test]
    fn numbers_compare_mathematically_and_floats_stay_floats() {
        let one = tree(&json!(1));
        let one_float = Node::new(Value::Float(1.0), Span::default());
        assert!((&one).equals_value(&json!(1.0)));
        assert!((&one_float).equals_value(&json!(1)));
        assert!(!(&one_float).equals_value(&json!(true)));
        let number = (&one_float).as_number().unwrap();
        assert!(number.is_integer());
        assert!(!number.is_written_as_integer());
        assert_eq!(number.as_i64(), None);
        assert_eq!(number.as_str(), "1.0");
        let items = tree(&json!([1, {"a": 2}]));
        // `1.0` is read as a float, and still repeats `1`.
        let twice = tree(&json!([1, {"a": 2}, 1.0]));
        assert!(matches!(twice.pointer("/2").value, Value::Float(_)));
        assert!((&items).as_array().unwrap().is_unique());
        assert!(!(&twice).as_array().unwrap().is_unique());
    }
}
