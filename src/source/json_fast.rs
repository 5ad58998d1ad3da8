//! The fast path for strict JSON: well-formed files — nearly all of a large register — are read
//! straight into the spanned tree in one pass, without building `jsonc-parser`'s syntax tree
//! first. Anything this reader does not accept (a syntax error, a duplicate key, nesting past the
//! limit, a number out of range, a byte-order mark) makes it give up, and `json::parse` reads the
//! file again the careful way, which says exactly what is wrong and where. So the fast path only
//! has to be right about valid JSON; its trees equal the careful path's (a property test
//! compares them).
//!
//! Indexing here is by positions this reader checked against the text's length.
#![allow(clippy::indexing_slicing)]

use std::borrow::Cow;

use super::Limits;
use super::node::{Entry, Keys, MapKeys, Node, Value};
use super::span::Span;

/// Eight spaces, as one number.
const SPACES: u64 = u64::from_le_bytes(*b"        ");

/// A number with the high bit of each byte of `word` that equals `byte` set (and possibly of a
/// byte after such a byte, which does not matter to the first). The classic test for a zero
/// byte, applied to `word` with `byte` cleared out.
fn has_byte(word: u64, byte: u8) -> u64 {
    has_byte_below(word ^ (u64::from(byte) * ONES), 1)
}

/// A number whose lowest set bit, if any, is the high bit of the first byte of `word` below
/// `limit` (at most 128).
fn has_byte_below(word: u64, limit: u8) -> u64 {
    word.wrapping_sub(u64::from(limit) * ONES) & !word & (0x80 * ONES)
}

const ONES: u64 = 0x0101_0101_0101_0101;

/// The tree of a valid JSON text, or `None` if the text needs the careful reader.
pub fn parse(text: &str, limits: &Limits) -> Option<Node> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
        max_depth: limits.max_depth,
        keys: Keys::default(),
        entries: Vec::new(),
        items: Vec::new(),
    };
    reader.space();
    let node = reader.value(0)?;
    reader.space();
    (reader.at == reader.bytes.len()).then_some(node)
}

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    max_depth: usize,
    keys: Keys,
    /// The entries and items of the objects and arrays being read, innermost last. A finished
    /// container takes its own off the top in one allocation of exactly its size.
    entries: Vec<Entry>,
    items: Vec<Node>,
}

impl<'t> Reader<'t> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn space(&mut self) {
        while let Some(byte) = self.peek() {
            match byte {
                // A pretty-printed register indents each of its lines: skip the indentation
                // eight spaces at a time.
                b'\n' => {
                    self.at += 1;
                    while self.word_at(self.at) == Some(SPACES) {
                        self.at += 8;
                    }
                }
                b' ' | b'\t' | b'\r' => self.at += 1,
                _ => return,
            }
        }
    }

    /// The eight bytes from `at`, as one number, if there are eight.
    fn word_at(&self, at: usize) -> Option<u64> {
        let bytes = self.bytes.get(at..at + 8)?;
        Some(u64::from_le_bytes(bytes.try_into().ok()?))
    }

    /// Skips the bytes of a string that need no attention, eight at a time while none of them
    /// does: a quote, a backslash or a control character.
    fn skip_plain_string_bytes(&mut self) {
        while let Some(word) = self.word_at(self.at) {
            let special = has_byte(word, b'"') | has_byte(word, b'\\') | has_byte_below(word, 0x20);
            if special != 0 {
                // In little-endian order, the lowest flagged byte is the first special one.
                self.at += (special.trailing_zeros() / 8) as usize;
                return;
            }
            self.at += 8;
        }
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        let start = self.at;
        let value = match self.peek()? {
            b'{' => self.object(depth)?,
            b'[' => self.array(depth)?,
            b'"' => Value::String(self.string()?.into()),
            b't' => self.word("true", Value::Bool(true))?,
            b'f' => self.word("false", Value::Bool(false))?,
            b'n' => self.word("null", Value::Null)?,
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return None,
        };
        Some(Node::new(value, Span::new(start, self.at)))
    }

    fn word(&mut self, word: &str, value: Value) -> Option<Value> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word.as_bytes()).then(|| {
            self.at = end;
            value
        })
    }

    fn object(&mut self, depth: usize) -> Option<Value> {
        if depth >= self.max_depth {
            return None;
        }
        self.at += 1;
        let base = self.entries.len();
        self.space();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(Value::Map(Default::default()));
        }
        let mut seen = MapKeys::default();
        loop {
            self.space();
            if self.peek()? != b'"' {
                return None;
            }
            let key_start = self.at;
            let key = self.string()?;
            let key = self.keys.key(&key);
            let key_span = Span::new(key_start, self.at);
            if seen.repeats(&self.entries[base..], &key) {
                return None;
            }
            self.space();
            if self.peek()? != b':' {
                return None;
            }
            self.at += 1;
            self.space();
            let value = self.value(depth + 1)?;
            self.entries.push(Entry::new(key, key_span, value));
            self.space();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(Value::Map(self.entries.drain(base..).collect()));
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Value> {
        if depth >= self.max_depth {
            return None;
        }
        self.at += 1;
        let base = self.items.len();
        self.space();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(Value::Sequence(Default::default()));
        }
        loop {
            self.space();
            let item = self.value(depth + 1)?;
            self.items.push(item);
            self.space();
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(Value::Sequence(self.items.drain(base..).collect()));
                }
                _ => return None,
            }
        }
    }

    /// A string from its opening quote; escapes decoded, control characters refused.
    fn string(&mut self) -> Option<Cow<'t, str>> {
        self.at += 1;
        let start = self.at;
        // Most strings have no escape: find the closing quote and borrow the text.
        self.skip_plain_string_bytes();
        while let Some(byte) = self.peek() {
            match byte {
                b'"' => {
                    let text = self.text.get(start..self.at)?;
                    self.at += 1;
                    return Some(Cow::Borrowed(text));
                }
                b'\\' => break,
                0..=0x1f => return None,
                _ => self.at += 1,
            }
        }
        let mut text = self.text.get(start..self.at)?.to_string();
        loop {
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Some(Cow::Owned(text));
                }
                b'\\' => {
                    self.at += 1;
                    let escaped = self.peek()?;
                    self.at += 1;
                    match escaped {
                        b'"' => text.push('"'),
                        b'\\' => text.push('\\'),
                        b'/' => text.push('/'),
                        b'b' => text.push('\u{8}'),
                        b'f' => text.push('\u{c}'),
                        b'n' => text.push('\n'),
                        b'r' => text.push('\r'),
                        b't' => text.push('\t'),
                        b'u' => text.push(self.unicode_escape()?),
                        _ => return None,
                    }
                }
                0..=0x1f => return None,
                _ => {
                    // Copy up to the next quote or backslash: the text is UTF-8 already.
                    let from = self.at;
                    while let Some(byte) = self.peek() {
                        if matches!(byte, b'"' | b'\\' | 0..=0x1f) {
                            break;
                        }
                        self.at += 1;
                    }
                    text.push_str(self.text.get(from..self.at)?);
                }
            }
        }
    }

    /// The character of a `\uXXXX` escape (after the `u`), a surrogate pair included.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first) {
            if self.bytes.get(self.at..self.at + 2)? != b"\\u" {
                return None;
            }
            self.at += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return None;
            }
            return char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00));
        }
        char::from_u32(first)
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.at..self.at + 4)?;
        if !digits.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return None;
        }
        self.at += 4;
        u32::from_str_radix(digits, 16).ok()
    }

    /// A number by JSON's grammar, typed as the careful reader types it.
    fn number(&mut self) -> Option<Value> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !self.peek()?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if !self.peek()?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        super::json::number_value(self.text.get(start..self.at)?, Span::new(start, self.at)).ok()
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            self.at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn both(text: &str) -> (Option<Node>, Result<Node, super::super::ParseError>) {
        let limits = Limits::default();
        (
            parse(text, &limits),
            super::super::json::careful(text, &limits),
        )
    }

    #[test]
    fn valid_json_reads_as_the_careful_reader_reads_it() {
        for text in [
            r#"{"kind": "system", "records": [{"id": "S-1", "n": -1.5e3, "ok": true, "x": null}]}"#,
            "  [1, 0, -0, 2.50, 1E+2, \"a\\\"b\\\\c\\/\\n\\u00e5\\ud83d\\ude00\", \"åäö\", {}, []]  \n",
            "\"just a string\"",
            "12345678901234567890",
        ] {
            let (fast, careful) = both(text);
            assert_eq!(fast, Some(careful.unwrap()), "{text}");
        }
    }

    #[test]
    fn anything_doubtful_goes_to_the_careful_reader() {
        for text in [
            "",
            "{\"a\": 1,}",
            "[1 2]",
            "{\"a\": 1, \"a\": 2}",
            "// comment\n{}",
            "\u{feff}{}",
            "{'a': 1}",
            "[01]",
            "[1.]",
            "[\"\\x\"]",
            "[\"\\ud800\"]",
            "[\"tab\there\"]",
            "1e999",
            "truex",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        ] {
            assert_eq!(both(text).0, None, "{text:?}");
        }
    }

    #[test]
    fn wide_objects_find_duplicates_through_a_set_and_keep_their_keys_in_order() {
        let keys: Vec<String> = (0..200).map(|n| format!("\"k{n}\": {n}")).collect();
        let wide = format!("{{{}}}", keys.join(", "));
        let (fast, careful) = both(&wide);
        let tree = fast.expect("distinct keys read fast");
        assert_eq!(Some(&tree), careful.as_ref().ok());
        assert_eq!(tree.entries().map(<[Entry]>::len), Some(200));
        assert_eq!(
            tree.get("k199").map(|node| &node.value),
            Some(&Value::Integer(199))
        );
        // A duplicate past the scanned first keys, and one among them, both need the careful
        // reader, whose error names the key.
        for duplicate in ["k150", "k3"] {
            let text = format!("{{{}, \"{duplicate}\": 0}}", keys.join(", "));
            let (fast, careful) = both(&text);
            assert_eq!(fast, None);
            let error = careful.expect_err("a duplicate key is an error");
            assert!(error.message.contains(duplicate), "{}", error.message);
        }
    }

    /// Any JSON value, written compactly or pretty.
    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(|n| serde_json::json!(n)),
            (-1e12f64..1e12).prop_map(|n| serde_json::json!(n)),
            ".{0,12}".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                prop::collection::btree_map("[a-zå_]{1,6}", inner, 0..6)
                    .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn the_first_flagged_byte_of_a_word_is_the_first_special_one(bytes in any::<[u8; 8]>()) {
            let word = u64::from_le_bytes(bytes);
            let special = has_byte(word, b'"') | has_byte(word, b'\\') | has_byte_below(word, 0x20);
            let first = bytes.iter().position(|&byte| byte == b'"' || byte == b'\\' || byte < 0x20);
            let flagged = (special != 0).then(|| (special.trailing_zeros() / 8) as usize);
            prop_assert_eq!(flagged, first);
        }

        #[test]
        fn fast_and_careful_readers_agree_on_valid_json(value in json_value(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            let (fast, careful) = both(&text);
            prop_assert_eq!(fast, Some(careful.unwrap()));
        }

        #[test]
        fn fast_reader_accepts_nothing_the_careful_reader_refuses(text in "[\\[\\]{}\":,0-9a-z \\\\.eE+-]{0,40}") {
            let (fast, careful) = both(&text);
            if let Some(tree) = fast {
                prop_assert_eq!(Some(tree), careful.ok());
            }
        }
    }
}
