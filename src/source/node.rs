//! The one spanned tree that every format parses into: values keep the span of their text, maps
//! keep their key order and the span of every key.
//!
//! A repository of a million records holds tens of millions of nodes, so the tree is compact: a
//! node is 32 bytes, strings and child lists are allocated to their exact size, and the keys of a
//! file (the same dozen in every record) share one allocation each.

use std::collections::HashSet;
use std::sync::Arc;

use super::span::Span;

/// A parsed value and where its text lies in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Integer(i64),
    Float(f64),
    /// Strings, and also TOML's native dates and times in their RFC 3339 text.
    String(Box<str>),
    Sequence(Box<[Node]>),
    Map(Box<[Entry]>),
}

/// One key of a map with its own span, so that "unknown field" can point at the key.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Key,
    pub key_span: Span,
    pub value: Node,
}

/// A map key, shared by every map of a file that has it (see [`Keys`]).
pub type Key = Arc<str>;

/// The keys a parser has made so far for one file: every record of a register has the same keys,
/// and each is allocated once rather than once per record.
#[derive(Default)]
pub struct Keys {
    seen: HashSet<Key, foldhash::fast::FixedState>,
}

impl Keys {
    pub fn key(&mut self, text: &str) -> Key {
        if let Some(key) = self.seen.get(text) {
            return Arc::clone(key);
        }
        let key: Key = Arc::from(text);
        self.seen.insert(Arc::clone(&key));
        key
    }
}

impl Node {
    pub fn new(value: Value, span: Span) -> Self {
        Node { value, span }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|entry| &entry.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|entry| *entry.key == *key),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The node at an RFC 6901 JSON pointer below this one, and the deepest node on the way when
    /// the pointer runs past what exists (a missing field points at its parent).
    pub fn pointer(&self, pointer: &str) -> &Node {
        let mut current = self;
        for token in pointer.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            let next = match &current.value {
                Value::Map(entries) => entries
                    .iter()
                    .find(|entry| *entry.key == *token)
                    .map(|entry| &entry.value),
                Value::Sequence(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            match next {
                Some(node) => current = node,
                None => break,
            }
        }
        current
    }

    /// The span of a map key reached by a JSON pointer (`/classification/levels` gives the span
    /// of the key `levels` inside `classification`), for findings about a key itself.
    pub fn key_span(&self, parent_pointer: &str, key: &str) -> Option<Span> {
        self.pointer(parent_pointer)
            .entry(key)
            .map(|entry| entry.key_span)
    }

    /// A short name of the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Integer(_) => "integer",
            Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::Sequence(_) => "list",
            Value::Map(_) => "table",
        }
    }

    /// The node's type in Swedish, with its article (`en tabell`), for Swedish messages.
    pub fn type_name_sv(&self) -> &'static str {
        match self.value {
            Value::Null => "ett tomt värde",
            Value::Bool(_) => "ett sanningsvärde",
            Value::Integer(_) => "ett heltal",
            Value::Float(_) => "ett tal",
            Value::String(_) => "en text",
            Value::Sequence(_) => "en lista",
            Value::Map(_) => "en tabell",
        }
    }

    /// The plain JSON value: what a schema error shows of the failing value, and what rule test
    /// files are deserialised from. Validation itself reads the tree in place
    /// ([`crate::schema_json`]).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as Json;
        match &self.value {
            Value::Null => Json::Null,
            Value::Bool(flag) => Json::Bool(*flag),
            Value::Integer(number) => Json::from(*number),
            Value::Float(number) => {
                serde_json::Number::from_f64(*number).map_or(Json::Null, Json::Number)
            }
            Value::String(text) => Json::String(text.to_string()),
            Value::Sequence(items) => Json::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => Json::Object(
                entries
                    .iter()
                    .map(|entry| (entry.key.to_string(), entry.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Escapes one JSON pointer token (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(text: &str, start: usize) -> Node {
        Node::new(
            Value::String(text.into()),
            Span::new(start, start + text.len()),
        )
    }

    #[test]
    fn pointer_walks_maps_and_sequences_and_stops_at_the_deepest_existing_node() {
        let tree = Node::new(
            Value::Map(
                vec![Entry {
                    key: "records".into(),
                    key_span: Span::new(0, 7),
                    value: Node::new(
                        Value::Sequence(vec![leaf("a", 10), leaf("b", 20)].into()),
                        Span::new(9, 30),
                    ),
                }]
                .into(),
            ),
            Span::new(0, 30),
        );
        assert_eq!(tree.pointer("/records/1").span, Span::new(20, 21));
        assert_eq!(tree.pointer("/records/7").span, Span::new(9, 30));
        assert_eq!(tree.pointer("").span, Span::new(0, 30));
        assert_eq!(tree.key_span("", "records"), Some(Span::new(0, 7)));
    }
}
