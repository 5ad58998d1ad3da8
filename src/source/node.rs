//! The one spanned tree that every format parses into: values keep where their text starts, maps
//! keep their key order and where every key starts.
//!
//! A repository of a million records holds tens of millions of nodes, so the tree is compact: a
//! node is 24 bytes and an entry 32. A node keeps only the start of its text, which is all that a
//! position needs (a finding reports a line and column, not a range). Strings of up to 14 bytes (ids, codes, dates) live in the
//! node itself; longer strings and child lists are one allocation each, of their exact size, that
//! holds its own length, so that the node keeps a single pointer. The keys of a file (the same
//! dozen in every record) share one allocation each.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::ptr::NonNull;
use std::sync::Arc;

use thin_vec::ThinVec;

use super::span::Span;

/// A parsed value and where its text starts in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    start: u32,
    /// Where the key starts when the node is the value of a map entry. It is kept here rather
    /// than in [`Entry`] because a node has room for it: the value is 16 bytes and the start 4.
    key_start: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Integer(i64),
    Float(f64),
    /// Strings, and also TOML's native dates and times in their RFC 3339 text.
    String(Str),
    Sequence(List<Node>),
    Map(List<Entry>),
}

/// A list of the tree: one allocation holding its length and its items, behind one pointer.
pub type List<T> = ThinVec<T>;

/// One key of a map with where the key starts, so that "unknown field" can point at the key.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Key,
    pub value: Node,
}

impl Entry {
    pub fn new(key: Key, key_span: Span, mut value: Node) -> Entry {
        value.key_start = offset32(key_span.start());
        Entry { key, value }
    }

    /// Where the key is: its first character.
    pub fn key_span(&self) -> Span {
        Span::starting_at(self.value.key_start as usize)
    }
}

fn offset32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

/// The most bytes a [`Str`] keeps in the node itself.
const INLINE: usize = 14;

/// A string of the tree. It reads as a `&str` (it dereferences to one).
#[derive(Clone)]
pub struct Str(StrRepr);

enum StrRepr {
    /// The first `len` bytes of `bytes`.
    Inline { len: u8, bytes: [u8; INLINE] },
    /// A `Box<[u8]>` taken apart, so that its length can be 32-bit and sit beside the tag, which
    /// keeps a string at 16 bytes.
    Heap { len: u32, bytes: NonNull<u8> },
    /// A string of 4 GiB or more, which no file that tillsyn reads holds.
    Huge(ThinVec<u8>),
}

// SAFETY: a `StrRepr` owns its bytes (`Heap` like the `Box<[u8]>` it was made from) and never
// changes them; sharing or sending it is sharing or sending that box.
unsafe impl Send for StrRepr {}
unsafe impl Sync for StrRepr {}

impl StrRepr {
    fn new(text: &str) -> StrRepr {
        let mut bytes = [0; INLINE];
        if let (Some(prefix), Ok(len)) = (bytes.get_mut(..text.len()), u8::try_from(text.len())) {
            prefix.copy_from_slice(text.as_bytes());
            return StrRepr::Inline { len, bytes };
        }
        let Ok(len) = u32::try_from(text.len()) else {
            return StrRepr::Huge(ThinVec::from(text));
        };
        let boxed: Box<[u8]> = Box::from(text.as_bytes());
        let bytes = Box::into_raw(boxed).cast::<u8>();
        match NonNull::new(bytes) {
            Some(bytes) => StrRepr::Heap { len, bytes },
            // A box's pointer is never null.
            None => StrRepr::Huge(ThinVec::from(text)),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            StrRepr::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
            // SAFETY: `bytes` and `len` are the pointer and length of a live `Box<[u8]>` owned by
            // `self`, which outlives the returned borrow.
            StrRepr::Heap { len, bytes } => unsafe {
                std::slice::from_raw_parts(bytes.as_ptr(), *len as usize)
            },
            StrRepr::Huge(bytes) => bytes.as_slice(),
        }
    }
}

impl Drop for StrRepr {
    fn drop(&mut self) {
        if let StrRepr::Heap { len, bytes } = self {
            let slice = std::ptr::slice_from_raw_parts_mut(bytes.as_ptr(), *len as usize);
            // SAFETY: rebuilds, once, the box that `StrRepr::new` took apart.
            drop(unsafe { Box::from_raw(slice) });
        }
    }
}

impl Clone for StrRepr {
    fn clone(&self) -> StrRepr {
        match self {
            StrRepr::Inline { len, bytes } => StrRepr::Inline {
                len: *len,
                bytes: *bytes,
            },
            StrRepr::Heap { .. } => {
                // SAFETY: the bytes were copied from a `&str` and are unchanged.
                StrRepr::new(unsafe { std::str::from_utf8_unchecked(self.as_bytes()) })
            }
            StrRepr::Huge(bytes) => StrRepr::Huge(bytes.clone()),
        }
    }
}

impl Str {
    pub fn new(text: &str) -> Str {
        Str(StrRepr::new(text))
    }

    pub fn as_str(&self) -> &str {
        // SAFETY: every representation holds exactly the bytes of the `&str` given to
        // `Str::new`, and nothing changes them afterwards.
        unsafe { std::str::from_utf8_unchecked(self.0.as_bytes()) }
    }
}

/// `Deref` to `str` and the traits that read like a `&str` (`AsRef`, `Borrow`, `Debug`,
/// `Display`), for a type with an `as_str`.
macro_rules! reads_as_str {
    ($type:ty) => {
        impl Deref for $type {
            type Target = str;

            fn deref(&self) -> &str {
                self.as_str()
            }
        }

        impl AsRef<str> for $type {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl Borrow<str> for $type {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        impl fmt::Debug for $type {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self.as_str(), formatter)
            }
        }

        impl fmt::Display for $type {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self.as_str(), formatter)
            }
        }
    };
}

reads_as_str!(Str);
reads_as_str!(Key);

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Str {}

impl Hash for Str {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl From<&str> for Str {
    fn from(text: &str) -> Str {
        Str::new(text)
    }
}

impl From<String> for Str {
    fn from(text: String) -> Str {
        Str::new(&text)
    }
}

impl From<std::borrow::Cow<'_, str>> for Str {
    fn from(text: std::borrow::Cow<'_, str>) -> Str {
        Str::new(&text)
    }
}

/// A map key. Keys are interned for the whole process: every key with the same text is one
/// allocation, so that a rule's field name, interned once when the rule is compiled, finds its
/// entry in a table by comparing addresses rather than text. A thin pointer, so that an entry is
/// 32 bytes; it reads as a `&str`.
///
/// The interned keys live as long as the process: a command-line run ends with them, and a
/// process that checks many repositories keeps one copy of each distinct key it has seen.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Key(Arc<Box<str>>);

/// Every distinct key of the process. Keys come from the checked tree, which in CI anyone may
/// write, so every set of them is hashed with a seed chosen per process: with a fixed seed a
/// file of keys made to collide would make each insertion scan all the others.
static INTERNED: std::sync::LazyLock<std::sync::Mutex<HashSet<Key, foldhash::fast::RandomState>>> =
    std::sync::LazyLock::new(Default::default);

thread_local! {
    /// The keys this thread has interned, so that parsing threads take the shared lock once per
    /// distinct key rather than once per file.
    static NEAR: std::cell::RefCell<HashSet<Key, foldhash::fast::RandomState>> =
        std::cell::RefCell::default();
}

fn interned(text: &str) -> Key {
    let shared = || {
        let mut all = INTERNED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match all.get(text) {
            Some(key) => key.clone(),
            None => {
                let key = Key(Arc::new(Box::from(text)));
                all.insert(key.clone());
                key
            }
        }
    };
    NEAR.try_with(|near| {
        if let Some(key) = near.borrow().get(text) {
            return key.clone();
        }
        let key = shared();
        near.borrow_mut().insert(key.clone());
        key
    })
    // A thread that is ending has no cache left; the shared set still answers.
    .unwrap_or_else(|_| shared())
}

impl Key {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Where the key's text is: keys have the same address exactly when they are equal.
    pub fn address(&self) -> *const u8 {
        self.0.as_ptr()
    }

    /// Whether both are the same allocation, which interned keys are exactly when equal.
    pub fn same_allocation(&self, other: &Key) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl From<&str> for Key {
    fn from(text: &str) -> Key {
        interned(text)
    }
}

impl From<String> for Key {
    fn from(text: String) -> Key {
        interned(&text)
    }
}

/// The keys of one map as a reader reads it, for finding a key given twice: compared one by one
/// while there are few, through a set past them, so that a hostile map of a million keys costs
/// no more than a million look-ups. Keys are interned, so equal keys are the same allocation.
#[derive(Default)]
pub struct MapKeys {
    seen: Option<HashSet<*const u8>>,
}

impl MapKeys {
    /// Up to this many keys, a new key is compared with the others one by one.
    const SCANNED: usize = 32;

    /// Whether `key` is among `earlier`, the map's entries so far (remembering it if not).
    pub fn repeats(&mut self, earlier: &[Entry], key: &Key) -> bool {
        if earlier.len() < Self::SCANNED {
            return earlier.iter().any(|entry| entry.key.same_allocation(key));
        }
        let seen = self
            .seen
            .get_or_insert_with(|| earlier.iter().map(|entry| entry.key.address()).collect());
        !seen.insert(key.address())
    }
}

/// The keys a parser has made so far for one file: every record of a register has the same keys.
/// Interning alone would give the same keys; this cache in front of it, which needs no
/// thread-local look-up, saves 3 % of the instructions of reading a plain register (measured
/// with callgrind against calling `Key::from` for every key).
#[derive(Default)]
pub struct Keys {
    seen: HashSet<Key, foldhash::fast::RandomState>,
}

impl Keys {
    pub fn key(&mut self, text: &str) -> Key {
        if let Some(key) = self.seen.get(text) {
            return key.clone();
        }
        let key = Key::from(text);
        self.seen.insert(key.clone());
        key
    }
}

impl Node {
    pub fn new(value: Value, span: Span) -> Self {
        Node {
            value,
            start: offset32(span.start()),
            key_start: 0,
        }
    }

    /// Where the node is: the first character of its text (for a workbook, its first cell).
    pub fn span(&self) -> Span {
        Span::starting_at(self.start as usize)
    }

    /// The same node moved by `base` bytes, for text parsed out of a larger file (front matter
    /// inside Markdown).
    pub fn shift(&mut self, base: usize) {
        self.start = offset32(self.start as usize + base);
        self.key_start = offset32(self.key_start as usize + base);
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
            Value::String(text) => Some(text.as_str()),
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
            let token = unescape_pointer_token(token);
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

    /// Takes the node at an RFC 6901 JSON pointer out of the tree (a map's entry, a list's item)
    /// and says where it was; `None`, and the tree unchanged, when nothing is there.
    pub fn remove(&mut self, pointer: &str) -> Option<Span> {
        let (parent, last) = pointer.rsplit_once('/')?;
        let last = unescape_pointer_token(last);
        let mut current = self;
        for token in parent.split('/').skip(1) {
            let token = unescape_pointer_token(token);
            current = match &mut current.value {
                Value::Map(entries) => entries
                    .iter_mut()
                    .find(|entry| *entry.key == *token)
                    .map(|entry| &mut entry.value)?,
                Value::Sequence(items) => items.get_mut(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        match &mut current.value {
            Value::Map(entries) => {
                let position = entries.iter().position(|entry| *entry.key == *last)?;
                Some(entries.remove(position).value.span())
            }
            Value::Sequence(items) => {
                let position = last.parse::<usize>().ok().filter(|&at| at < items.len())?;
                Some(items.remove(position).span())
            }
            _ => None,
        }
    }

    /// The span of a map key reached by a JSON pointer (`/classification/levels` gives the span
    /// of the key `levels` inside `classification`), for findings about a key itself.
    pub fn key_span(&self, parent_pointer: &str, key: &str) -> Option<Span> {
        self.pointer(parent_pointer).entry(key).map(Entry::key_span)
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

/// The key or position one JSON pointer token (RFC 6901) stands for.
pub fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
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
    fn nodes_are_compact() {
        assert_eq!(std::mem::size_of::<Value>(), 16);
        assert_eq!(std::mem::size_of::<Node>(), 24);
        assert_eq!(std::mem::size_of::<Entry>(), 32);
    }

    #[test]
    fn strings_read_back_whatever_their_length() {
        for text in [
            "",
            "a",
            "fjorton bytes!",
            "femton bytes!!!",
            "Register \u{f6}ver fakturor 440000",
        ] {
            let string = Str::new(text);
            assert_eq!(string.as_str(), text);
            assert_eq!(string.clone(), Str::from(text.to_string()));
        }
        assert_eq!(
            Str::new("\u{e5}\u{e4}\u{f6}\u{e5}\u{e4}\u{f6}\u{e5}").as_str(),
            "\u{e5}\u{e4}\u{f6}\u{e5}\u{e4}\u{f6}\u{e5}"
        );
    }

    #[test]
    fn pointer_walks_maps_and_sequences_and_stops_at_the_deepest_existing_node() {
        let tree = Node::new(
            Value::Map(
                vec![Entry::new(
                    "records".into(),
                    Span::new(0, 7),
                    Node::new(
                        Value::Sequence(vec![leaf("a", 10), leaf("b", 20)].into()),
                        Span::new(9, 30),
                    ),
                )]
                .into(),
            ),
            Span::new(0, 30),
        );
        assert_eq!(tree.pointer("/records/1").span().start(), 20);
        assert_eq!(tree.pointer("/records/7").span().start(), 9);
        assert_eq!(tree.pointer("").span().start(), 0);
        assert_eq!(tree.key_span("", "records").map(Span::start), Some(0));
    }
}
