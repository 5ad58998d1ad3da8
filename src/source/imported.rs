//! What an importer gives: the records of each kind that a file in another tool's format (DCAT,
//! OSCAL, fides) holds, as the spanned tree every later stage reads. The root is a map from kind
//! to its list of records (`{ system = [ … ], risk_analysis = [ … ] }`), which the repository
//! reads kind by kind; each value keeps the position of the text it came from.

use super::node::{Entry, List, Node, Value};
use super::span::Span;

/// The records an importer found, grouped by kind in the order the kinds were first given.
#[derive(Default)]
pub struct Records {
    groups: Vec<(&'static str, List<Node>)>,
}

impl Records {
    pub fn push(&mut self, kind: &'static str, record: Node) {
        match self.groups.iter_mut().find(|(name, _)| *name == kind) {
            Some((_, records)) => records.push(record),
            None => self.groups.push((kind, List::from(vec![record]))),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.groups.iter().all(|(_, records)| records.is_empty())
    }

    /// How many records of every kind.
    pub fn len(&self) -> usize {
        self.groups.iter().map(|(_, records)| records.len()).sum()
    }

    /// The tree the repository reads: kind → list of records.
    pub fn into_root(self) -> Node {
        let entries: List<Entry> = self
            .groups
            .into_iter()
            .map(|(kind, records)| {
                Entry::new(
                    kind.into(),
                    Span::at(0),
                    Node::new(Value::Sequence(records), Span::at(0)),
                )
            })
            .collect();
        Node::new(Value::Map(entries), Span::at(0))
    }
}

/// A record or a nested table as its fields are gathered, in the order they are set. Setting a
/// field again replaces it in place, so that the first position is kept.
pub struct Fields {
    entries: Vec<Entry>,
    span: Span,
}

impl Fields {
    /// A table whose text starts at `span`.
    pub fn new(span: Span) -> Self {
        Fields {
            entries: Vec::new(),
            span,
        }
    }

    /// Sets `key` to `value`, the key located where the value is.
    pub fn set(&mut self, key: &str, value: Node) {
        let span = value.span();
        self.set_at(key, span, value);
    }

    pub fn set_at(&mut self, key: &str, key_span: Span, value: Node) {
        let entry = Entry::new(key.into(), key_span, value);
        match self.entries.iter_mut().find(|entry| &*entry.key == key) {
            Some(existing) => *existing = entry,
            None => self.entries.push(entry),
        }
    }

    /// Sets `key` to a string at `span`.
    pub fn set_str(&mut self, key: &str, text: &str, span: Span) {
        self.set(key, string(text, span));
    }

    pub fn contains(&self, key: &str) -> bool {
        self.entries.iter().any(|entry| &*entry.key == key)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn into_node(self) -> Node {
        Node::new(Value::Map(List::from(self.entries)), self.span)
    }
}

/// A string value at `span`.
pub fn string(text: &str, span: Span) -> Node {
    Node::new(Value::String(text.into()), span)
}

/// A list value at `span`.
pub fn list(items: Vec<Node>, span: Span) -> Node {
    Node::new(Value::Sequence(List::from(items)), span)
}
