//! The fast path for plain YAML: the subset that registers and front matter are written in —
//! block mappings and sequences indented with spaces, one-line flow collections, one-line quoted
//! strings without escapes, and plain scalars — is read straight into the spanned tree in one
//! pass. saphyr builds its own tree first, one event and one owned string at a time, and was the
//! most expensive part of checking a large city although YAML is a small part of its bytes.
//!
//! This reader never reports an error. Anything outside the subset, and anything it is not sure
//! of (a tab, a comment where a multi-line scalar could continue, a key that is not a plain word,
//! a duplicate key, nesting past the limit, an empty value), makes it give up, and `yaml::parse`
//! reads the text the careful way, which reads all of YAML and says exactly what is wrong and
//! where. So the fast path only has to be right about what it accepts, and there its trees equal
//! the careful path's, node starts and key starts included (property tests compare them).
//!
//! Where saphyr puts a node: a block mapping at its first key, a block sequence at its first `-`
//! (but at its first item when it is as indented as its key), a flow collection at its bracket,
//! a quoted scalar at its opening quote, a plain scalar at its first character. Plain scalars are typed by saphyr's own core-schema resolver, so `yes`,
//! `on` and `2026-06-21` stay strings exactly when saphyr says so.
//!
//! Indexing here is by positions this reader checked against the text's length.
#![allow(clippy::indexing_slicing)]

use std::borrow::Cow;

use saphyr::Scalar;

use super::Limits;
use super::node::{Entry, Key, Keys, MapKeys, Node, Value};
use super::span::Span;

/// Longer keys are left to saphyr, which limits implicit keys to 1024 characters.
const MAX_KEY_BYTES: usize = 128;

/// The tree of a YAML text in the subset this reader knows, or `None` if the text needs saphyr.
pub fn parse(text: &str, limits: &Limits) -> Option<Node> {
    if !plain_bytes(text.as_bytes()) {
        return None;
    }
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
        indent: None,
        max_depth: limits.max_depth,
        keys: Keys::default(),
        entries: Vec::new(),
        items: Vec::new(),
    };
    reader.skip_empty_lines();
    // The root starts in the first column: an indented root is valid YAML but never written.
    if reader.indent != Some(0) {
        return None;
    }
    let node = match reader.peek()? {
        b'[' | b'{' => {
            let node = reader.flow_value(0)?;
            reader.end_line()?;
            node
        }
        _ => reader.block_node(0, 0)?,
    };
    // Whatever follows the root (a less indented line cannot) is saphyr's to judge.
    reader.indent.is_none().then_some(node)
}

/// Whether the text is free of what this reader leaves to saphyr wherever it occurs: tabs,
/// carriage returns and other control characters, and byte-order marks. Checking once here keeps
/// the scanners below to spaces and line feeds.
fn plain_bytes(bytes: &[u8]) -> bool {
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'\n' => {}
            0..=0x1f | 0x7f => return false,
            // U+FEFF, the byte-order mark, which saphyr treats as a separator.
            0xef if bytes.get(at + 1..at + 3) == Some(&[0xbb, 0xbf]) => return false,
            // The C1 controls, U+0080 to U+009F: not printable, so not for this reader to judge.
            0xc2 if bytes
                .get(at + 1)
                .is_some_and(|next| (0x80..0xa0).contains(next)) =>
            {
                return false;
            }
            _ => {}
        }
        at += 1;
    }
    true
}

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    /// Between lines, the indentation of the next line with content (where `at` then is), or
    /// `None` at the end of the text.
    indent: Option<usize>,
    max_depth: usize,
    keys: Keys,
    /// The entries and items of the collections being read, innermost last. A finished
    /// collection takes its own off the top in one allocation of exactly its size.
    entries: Vec<Entry>,
    items: Vec<Node>,
}

impl<'t> Reader<'t> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.at + offset).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.at += 1;
        }
    }

    /// From the start of a line, past blank lines and comment lines to the first content of the
    /// next line that has some, setting `indent`.
    fn skip_empty_lines(&mut self) {
        loop {
            let line = self.at;
            self.skip_spaces();
            match self.peek() {
                None => {
                    self.indent = None;
                    return;
                }
                Some(b'\n') => self.at += 1,
                Some(b'#') => self.skip_line(),
                Some(_) => {
                    self.indent = Some(self.at - line);
                    return;
                }
            }
        }
    }

    /// To the start of the next line.
    fn skip_line(&mut self) {
        while let Some(byte) = self.peek() {
            self.at += 1;
            if byte == b'\n' {
                return;
            }
        }
    }

    /// After a value: the rest of its line must be spaces and perhaps a comment, which must be
    /// set off by a space (`"a"#b` is an error in YAML). Then on to the next line with content.
    fn end_line(&mut self) -> Option<()> {
        let from = self.at;
        self.skip_spaces();
        match self.peek() {
            None | Some(b'\n') => {}
            Some(b'#') if self.at > from => {}
            Some(_) => return None,
        }
        self.skip_line();
        self.skip_empty_lines();
        Some(())
    }

    /// Whether `at` is a block sequence entry: a `-` and a space. A `-` alone on its line (the
    /// item on the lines below) is left to saphyr.
    fn at_entry(&self) -> bool {
        self.peek() == Some(b'-') && self.peek_at(1) == Some(b' ')
    }

    /// The length of the key at `at` if the line reads `key:` and then a space or its end.
    fn key_length(&self) -> Option<usize> {
        let rest = self.bytes.get(self.at..)?;
        let length = rest
            .iter()
            .position(|byte| !(byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.')))
            .unwrap_or(rest.len());
        let first = *rest.first()?;
        let colon = rest.get(length) == Some(&b':');
        let after = rest.get(length + 1);
        (colon
            && (first.is_ascii_alphanumeric() || first == b'_')
            && length <= MAX_KEY_BYTES
            && matches!(after, None | Some(b' ' | b'\n')))
        .then_some(length)
    }

    /// A block mapping or sequence whose first key or `-` is at `at`, in column `column`.
    fn block_node(&mut self, column: usize, depth: usize) -> Option<Node> {
        let start = self.at;
        let value = if self.at_entry() {
            self.block_sequence(column, depth)?
        } else {
            self.block_mapping(column, depth)?
        };
        Some(Node::new(value, Span::new(start, self.at)))
    }

    fn block_mapping(&mut self, column: usize, depth: usize) -> Option<Value> {
        if depth >= self.max_depth {
            return None;
        }
        let base = self.entries.len();
        let mut seen = MapKeys::default();
        loop {
            let key_start = self.at;
            let length = self.key_length()?;
            let key = self.key(key_start, length)?;
            if seen.repeats(&self.entries[base..], &key) {
                return None;
            }
            // Past the key and its colon.
            self.at = key_start + length + 1;
            let value = self.block_value(column, depth + 1)?;
            self.entries.push(Entry::new(
                key,
                Span::new(key_start, key_start + length),
                value,
            ));
            match self.indent {
                Some(indent) if indent == column => {}
                // A less indented line ends the mapping; a more indented one is a continuation
                // or an error, either of which is saphyr's.
                Some(indent) if indent > column => return None,
                _ => return Some(Value::Map(self.entries.drain(base..).collect())),
            }
        }
    }

    /// The key's text, shared among the file's keys, if saphyr reads it as a string: `true`,
    /// `null` and `1` are keys of other types.
    fn key(&mut self, start: usize, length: usize) -> Option<Key> {
        let text = self.text.get(start..start + length)?;
        match Scalar::parse_from_cow(Cow::Borrowed(text)) {
            Scalar::String(_) => Some(self.keys.key(text)),
            _ => None,
        }
    }

    /// The value after `key:` of a mapping in column `column`: on the same line, or a block
    /// collection on the lines below (a sequence may be as indented as the key).
    fn block_value(&mut self, column: usize, depth: usize) -> Option<Node> {
        self.skip_spaces();
        match self.peek() {
            None | Some(b'\n' | b'#') => {}
            Some(_) => {
                let node = self.inline_value(depth)?;
                self.end_line()?;
                return Some(node);
            }
        }
        self.skip_line();
        self.skip_empty_lines();
        match self.indent {
            Some(indent) if indent > column => self.block_node(indent, depth),
            Some(indent) if indent == column && self.at_entry() => {
                // A sequence as indented as its key: saphyr starts it at its first item, not at
                // its first `-`.
                let value = self.block_sequence(indent, depth)?;
                let Value::Sequence(items) = &value else {
                    return None;
                };
                let start = items.first()?.span().start();
                Some(Node::new(value, Span::new(start, self.at)))
            }
            // Nothing nested: an empty value, null by saphyr's reading, at a position this
            // reader does not claim to know.
            _ => None,
        }
    }

    fn block_sequence(&mut self, column: usize, depth: usize) -> Option<Value> {
        if depth >= self.max_depth {
            return None;
        }
        let base = self.items.len();
        loop {
            // Past the `-` and the spaces after it, to the item on the same line.
            let dash = self.at;
            self.at += 1;
            self.skip_spaces();
            let item_column = column + (self.at - dash);
            let item = match self.peek() {
                None | Some(b'\n' | b'#') => return None,
                _ if self.at_entry() || self.key_length().is_some() => {
                    self.block_node(item_column, depth + 1)?
                }
                _ => {
                    let node = self.inline_value(depth + 1)?;
                    self.end_line()?;
                    node
                }
            };
            self.items.push(item);
            match self.indent {
                Some(indent) if indent == column && self.at_entry() => {}
                Some(indent) if indent > column => return None,
                // A less indented line, or a key as indented as the sequence (which is then the
                // value of that key's neighbour): the parent decides.
                _ => return Some(Value::Sequence(self.items.drain(base..).collect())),
            }
        }
    }

    /// A value that starts and ends on this line, in block context.
    fn inline_value(&mut self, depth: usize) -> Option<Node> {
        match self.peek()? {
            b'[' | b'{' | b'"' | b'\'' => self.flow_value(depth),
            _ => {
                let start = self.at;
                let end = self.plain_end(false)?;
                self.at = end;
                self.plain(start, end)
            }
        }
    }

    /// A flow collection, a quoted string, or a plain scalar in flow context.
    fn flow_value(&mut self, depth: usize) -> Option<Node> {
        let start = self.at;
        let value = match self.peek()? {
            b'[' => self.flow_sequence(depth)?,
            b'{' => self.flow_mapping(depth)?,
            b'"' => Value::String(self.double_quoted()?.into()),
            b'\'' => Value::String(self.single_quoted()?.into()),
            _ => {
                let end = self.plain_end(true)?;
                self.at = end;
                return self.plain(start, end);
            }
        };
        Some(Node::new(value, Span::new(start, self.at)))
    }

    fn flow_sequence(&mut self, depth: usize) -> Option<Value> {
        if depth >= self.max_depth {
            return None;
        }
        self.at += 1;
        self.skip_spaces();
        let base = self.items.len();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(Value::Sequence(Default::default()));
        }
        loop {
            let item = self.flow_value(depth + 1)?;
            self.items.push(item);
            if self.flow_separator(b']')? {
                return Some(Value::Sequence(self.items.drain(base..).collect()));
            }
        }
    }

    fn flow_mapping(&mut self, depth: usize) -> Option<Value> {
        if depth >= self.max_depth {
            return None;
        }
        self.at += 1;
        self.skip_spaces();
        let base = self.entries.len();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(Value::Map(Default::default()));
        }
        let mut seen = MapKeys::default();
        loop {
            // A key, its colon and a space; `{a:1}` and `{a: }` are saphyr's.
            let key_start = self.at;
            let length = self.key_length()?;
            if self.peek_at(length + 1) != Some(b' ') {
                return None;
            }
            let key = self.key(key_start, length)?;
            if seen.repeats(&self.entries[base..], &key) {
                return None;
            }
            self.at = key_start + length + 1;
            self.skip_spaces();
            let value = self.flow_value(depth + 1)?;
            self.entries.push(Entry::new(
                key,
                Span::new(key_start, key_start + length),
                value,
            ));
            if self.flow_separator(b'}')? {
                return Some(Value::Map(self.entries.drain(base..).collect()));
            }
        }
    }

    /// After an item of a flow collection: `true` past its `close`, `false` past a `,` (and the
    /// spaces after it) with another item to come. A trailing comma is saphyr's.
    fn flow_separator(&mut self, close: u8) -> Option<bool> {
        self.skip_spaces();
        let byte = self.peek()?;
        self.at += 1;
        if byte == close {
            return Some(true);
        }
        if byte != b',' {
            return None;
        }
        self.skip_spaces();
        if matches!(self.peek()?, b']' | b'}' | b',') {
            return None;
        }
        Some(false)
    }

    /// A double-quoted string on one line without escapes, from its opening quote.
    fn double_quoted(&mut self) -> Option<&'t str> {
        let start = self.at + 1;
        let rest = self.bytes.get(start..)?;
        let length = rest
            .iter()
            .position(|byte| matches!(byte, b'"' | b'\\' | b'\n'))?;
        if rest[length] != b'"' {
            return None;
        }
        self.at = start + length + 1;
        self.after_quoted()?;
        self.text.get(start..start + length)
    }

    /// A single-quoted string on one line, from its opening quote; `''` is a quote.
    fn single_quoted(&mut self) -> Option<Cow<'t, str>> {
        let start = self.at + 1;
        let mut at = start;
        let mut owned: Option<String> = None;
        let mut from = start;
        loop {
            match self.bytes.get(at)? {
                b'\'' if self.bytes.get(at + 1) == Some(&b'\'') => {
                    let text = owned.get_or_insert_with(String::new);
                    text.push_str(self.text.get(from..=at)?);
                    at += 2;
                    from = at;
                }
                b'\'' => break,
                b'\n' => return None,
                _ => at += 1,
            }
        }
        let tail = self.text.get(from..at)?;
        self.at = at + 1;
        self.after_quoted()?;
        Some(match owned {
            Some(mut text) => {
                text.push_str(tail);
                Cow::Owned(text)
            }
            None => Cow::Borrowed(tail),
        })
    }

    /// What may follow a closing quote directly: a space, the line's end, or the end or the
    /// separator of a flow collection. A colon (a quoted key) and anything else are saphyr's.
    fn after_quoted(&self) -> Option<()> {
        matches!(self.peek(), None | Some(b' ' | b'\n' | b',' | b']' | b'}')).then_some(())
    }

    /// Where the plain scalar at `at` ends (after its last character that is not a space), if
    /// it is one this reader knows: it starts with no indicator, ends on this line, and holds no
    /// `: `, which would make it a key. In flow context it also ends at `,[]{}`, holds no colon at
    /// all, and must not meet a comment (the collection would go on past the line's end).
    fn plain_end(&self, flow: bool) -> Option<usize> {
        let first = self.peek()?;
        let second = self.peek_at(1);
        let starts_plain = match first {
            b'-' => !matches!(
                second,
                None | Some(b' ' | b'\n' | b',' | b'[' | b']' | b'{' | b'}')
            ),
            b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
            | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b'\\' | b' ' | b'\n' => false,
            _ => true,
        };
        if !starts_plain {
            return None;
        }
        let mut at = self.at;
        let mut end = at;
        loop {
            match self.bytes.get(at) {
                None | Some(b'\n') => return (!flow).then_some(end),
                Some(b' ') => {
                    while self.bytes.get(at) == Some(&b' ') {
                        at += 1;
                    }
                    match self.bytes.get(at) {
                        Some(b'#') | None | Some(b'\n') => return (!flow).then_some(end),
                        _ => {}
                    }
                }
                Some(b':') if flow => return None,
                Some(b':') if matches!(self.bytes.get(at + 1), None | Some(b' ' | b'\n')) => {
                    return None;
                }
                Some(b',' | b'[' | b']' | b'{' | b'}') if flow => return Some(end),
                Some(_) => {
                    at += 1;
                    end = at;
                }
            }
        }
    }

    /// The plain scalar `start..end`, typed by saphyr's own core-schema resolver. A number that
    /// is not finite (`.inf`, `1e999`) is an error of the careful path, so it goes there.
    fn plain(&self, start: usize, end: usize) -> Option<Node> {
        let text = self.text.get(start..end)?;
        let value = match Scalar::parse_from_cow(Cow::Borrowed(text)) {
            Scalar::Null => Value::Null,
            Scalar::Boolean(flag) => Value::Bool(flag),
            Scalar::Integer(number) => Value::Integer(number),
            Scalar::FloatingPoint(number) => {
                let number = number.into_inner();
                if !number.is_finite() {
                    return None;
                }
                Value::Float(number)
            }
            Scalar::String(_) => Value::String(text.into()),
        };
        Some(Node::new(value, Span::new(start, end)))
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
            super::super::yaml::careful(text, &limits),
        )
    }

    fn assert_same(text: &str) {
        let (fast, careful) = both(text);
        assert_eq!(fast, Some(careful.unwrap()), "{text}");
    }

    const REGISTER: &str = "\
kind: processing_activity
records:
  - id: \"PA-00000\"
    name: \"Handläggning av lokaler (0)\"
    purposes: [\"Handläggning av lokaler\"]
    special_categories: false
    recipients: [{ category: \"Allmänheten vid begäran\" }]
    dpia: { criteria_met: [\"wp248_3\", \"wp248_5\"], status: \"completed\", completed_on: 2026-06-21, ref: \"K PA-00000\" }
    count: 12
  - id: \"PA-00001\"
    processors: []
    retention: {}
";

    #[test]
    fn the_subset_reads_as_the_careful_reader_reads_it() {
        for text in [
            REGISTER,
            "kind: governing_document\nid: \"DOC-0046\"\ndecision: { body: \"UN\", date: 2026-03-13, paragraph: 56 }\nvalid_from: 2026-04-01\n",
            "a: [1, [2, [3, {b: [x, 'y''s', \"z\"]}]], {}]\nc: {d: {e: {f: []}}}\n",
            "# leading comment\n\na: 1 # trailing\n  # indented comment\n\nb:   two words  # comment\n# last\n",
            "namn: Åsa Öberg\nort: 'Västerås'\nid: \"Ö-1\"\nlista: [ö, å ä]\n",
            "key:\n- a\n- b: 1\n  c: 2\n- - x\n  - y\nother: 3\n",
            "- a: 1\n  b:\n  - x\n  c: [y]\n- z\n",
            "n: [0, -1, 12, 1.5, -0.25, 9223372036854775807, 1.10, 007, +5, 1e3, 0x1F, 0o17]\n",
            "x: [~, null, Null, NULL, true, True, TRUE, false, False, FALSE, yes, on, 2026-06-21]\n",
            "url: http://example.org/a#b\ntime: 12:30\nq: it's \"quoted\"\ndash: -x\n",
            "[a, {b: c}]\n",
            "{ a: 1 }",
            "a:\n  b:\n    c: d\n  e: f",
        ] {
            assert_same(text);
        }
    }

    #[test]
    fn nodes_start_where_saphyr_says() {
        let text = "k: v\nr:\n  - id: \"X\"\n    f: [a, {b: 'c'}]\n";
        let tree = parse(text, &Limits::default()).expect("in the subset");
        let records = tree.get("r").unwrap();
        assert_eq!(records.span().start(), text.find("- id").unwrap());
        let record = records.pointer("/0");
        assert_eq!(record.span().start(), text.find("id:").unwrap());
        assert_eq!(
            record.get("id").unwrap().span().start(),
            text.find("\"X").unwrap()
        );
        assert_eq!(
            record.get("f").unwrap().span().start(),
            text.find('[').unwrap()
        );
        assert_eq!(
            record.pointer("/f/1").span().start(),
            text.find('{').unwrap()
        );
        assert_eq!(
            record.pointer("/f/1/b").span().start(),
            text.find("'c").unwrap()
        );
        assert_eq!(
            record.key_span("/f/1", "b").map(Span::start),
            text.find("b:")
        );
    }

    #[test]
    fn anything_doubtful_goes_to_the_careful_reader() {
        let deep = format!("a: {}1{}\n", "[".repeat(70), "]".repeat(70));
        let wide: String = (0..40).map(|n| format!("k{n}: 1\n")).collect();
        let wide_duplicate = format!("{wide}k35: 2\n");
        for text in [
            "",
            "# only a comment\n",
            "plain scalar\n",
            "\"quoted\"\n",
            "a:\tb\n",
            "a: 1\r\nb: 2\r\n",
            "\u{feff}a: 1\n",
            "a: \u{feff}\n",
            "a: \u{85}\n",
            "---\na: 1\n",
            "a: 1\n---\nb: 2\n",
            "a: 1\n...\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: |\n  text\n",
            "a: >\n  text\n",
            "? a\n: b\n",
            "a: multi\n  line\n",
            "a: multi\n\n  line\n",
            "a: \"multi\n  line\"\n",
            "a: [1,\n  2]\n",
            "a:\nb: 1\n",
            "a:\n",
            "\"a\": 1\n",
            "'a': 1\n",
            "true: 1\n",
            "null: 1\n",
            "1: a\n",
            "a b: 1\n",
            "a : 1\n",
            "a: 1\na: 2\n",
            "a: {b: 1, b: 2}\n",
            &wide_duplicate,
            &deep,
            "a: \"esc\\n\"\n",
            "a: b: c\n",
            "a: b #c\n  d\n",
            "a: .inf\n",
            "a: 1e999\n",
            "a: [1, 2, ]\n",
            "a: [a: 1]\n",
            "a: {b:1}\n",
            "a: {b: }\n",
            "a: \"x\"y\n",
            "a: [x]y\n",
            "a: - b\n",
            "- \n- a\n",
            "-\n  a: 1\n",
            "  a: 1\n",
            "a:\n  - x\n  y: 1\n",
            "a:\n    b: 1\n  c: 2\n",
        ] {
            assert_eq!(both(text).0, None, "{text:?}");
        }
        assert!(parse(&wide, &Limits::default()).is_some());
    }

    #[test]
    fn long_values_read_fast() {
        let long = "å".repeat(2000);
        for text in [
            format!("a: {long}\n"),
            format!("a: \"{long}\"\n"),
            format!("- {long}\n"),
            format!("a: [{long}]\n"),
        ] {
            assert_same(&text);
        }
    }

    /// A value to write as YAML: leaves are already written, as the scalar text to put in
    /// block context and in flow context.
    #[derive(Clone, Debug)]
    enum Tree {
        Leaf { block: String, flow: String },
        Seq(Vec<Tree>),
        Map(Vec<(String, Tree)>),
    }

    fn leaf() -> impl Strategy<Value = Tree> {
        fn same(text: String) -> Tree {
            Tree::Leaf {
                block: text.clone(),
                flow: text,
            }
        }
        prop_oneof![
            // Plain text that is plain in either context.
            "[a-zA-ZåäöÅÄÖ][a-zA-Z0-9åäö _./()-]{0,12}[a-zA-Z0-9åäö)]".prop_map(same),
            // Plain text only block context allows: colons, brackets, commas, quotes, hashes.
            "[a-zåäö][a-z0-9åäö:#,\\[\\]{}'\"-]{0,10}[a-z]".prop_map(|block| Tree::Leaf {
                flow: format!("\"{}\"", block.replace('"', "")),
                block,
            }),
            "[^\"\\\\\n\t\r\u{feff}\u{0}-\u{1f}\u{7f}-\u{9f}]{0,12}"
                .prop_map(|text| same(format!("\"{text}\""))),
            "[^\n\t\r\u{feff}\u{0}-\u{1f}\u{7f}-\u{9f}]{0,12}"
                .prop_map(|text| same(format!("'{}'", text.replace('\'', "''")))),
            any::<i64>().prop_map(|n| same(n.to_string())),
            (-1e9f64..1e9).prop_map(|n| same(format!("{n:?}"))),
            prop::sample::select(vec![
                "~",
                "null",
                "Null",
                "NULL",
                "true",
                "True",
                "TRUE",
                "false",
                "False",
                "FALSE",
                "yes",
                "no",
                "on",
                "off",
                "2026-06-21",
                "12:30",
                "0.5",
                "-0",
                "1.10",
                "007",
            ])
            .prop_map(|text| Tree::Leaf {
                block: text.to_string(),
                // This reader leaves colons in flow context to saphyr.
                flow: if text.contains(':') {
                    format!("'{text}'")
                } else {
                    text.to_string()
                },
            }),
        ]
    }

    fn key() -> impl Strategy<Value = String> {
        "[a-z_][a-z0-9_-]{0,8}".prop_filter("a key read as a string", |key| {
            !matches!(key.as_str(), "null" | "true" | "false")
        })
    }

    fn tree() -> impl Strategy<Value = Tree> {
        leaf().prop_recursive(5, 48, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Tree::Seq),
                prop::collection::btree_map(key(), inner, 0..5)
                    .prop_map(|map| Tree::Map(map.into_iter().collect())),
            ]
        })
    }

    fn root() -> impl Strategy<Value = Tree> {
        prop_oneof![
            prop::collection::vec(tree(), 1..5).prop_map(Tree::Seq),
            prop::collection::btree_map(key(), tree(), 1..5)
                .prop_map(|map| Tree::Map(map.into_iter().collect())),
        ]
    }

    /// Writes trees as YAML of the subset, choosing styles, spaces and comments from `seed`.
    struct Writer {
        seed: u64,
        out: String,
    }

    impl Writer {
        fn chance(&mut self, one_in: u64) -> bool {
            self.seed = self
                .seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.seed >> 33).is_multiple_of(one_in)
        }

        fn spaces(&mut self) -> &'static str {
            if self.chance(4) {
                "  "
            } else if self.chance(3) {
                ""
            } else {
                " "
            }
        }

        fn flow(&mut self, tree: &Tree) -> String {
            match tree {
                Tree::Leaf { flow, .. } => flow.clone(),
                Tree::Seq(items) => {
                    let items: Vec<String> = items.iter().map(|item| self.flow(item)).collect();
                    let pad = self.spaces();
                    format!("[{pad}{}{pad}]", items.join(", "))
                }
                Tree::Map(entries) => {
                    let entries: Vec<String> = entries
                        .iter()
                        .map(|(key, value)| format!("{key}: {}", self.flow(value)))
                        .collect();
                    let pad = self.spaces();
                    format!("{{{pad}{}{pad}}}", entries.join(", "))
                }
            }
        }

        /// The end of a line with a value: perhaps a comment, then perhaps blank and comment
        /// lines.
        fn end_line(&mut self, indent: usize) {
            if self.chance(5) {
                self.out.push_str(" # note: a - b # 'c'");
            }
            self.out.push('\n');
            if self.chance(8) {
                self.out.push('\n');
            }
            if self.chance(8) {
                let pad = " ".repeat(if self.chance(2) { indent } else { 0 });
                self.out.push_str(&format!("{pad}# comment: [x]\n"));
            }
        }

        fn is_block(&mut self, tree: &Tree) -> bool {
            match tree {
                Tree::Leaf { .. } => false,
                Tree::Seq(items) => !items.is_empty() && !self.chance(3),
                Tree::Map(entries) => !entries.is_empty() && !self.chance(3),
            }
        }

        fn inline(&mut self, tree: &Tree, indent: usize) {
            let text = match tree {
                Tree::Leaf { block, .. } => block.clone(),
                _ => self.flow(tree),
            };
            self.out.push_str(&text);
            self.end_line(indent);
        }

        /// A block collection whose first line starts at column `indent`, where the writer
        /// already is (after `- ` or at the line's start).
        fn block(&mut self, tree: &Tree, indent: usize) {
            let pad = " ".repeat(indent);
            match tree {
                Tree::Seq(items) => {
                    for (n, item) in items.iter().enumerate() {
                        if n > 0 {
                            self.out.push_str(&pad);
                        }
                        self.out.push_str("- ");
                        if self.is_block(item) {
                            self.block(item, indent + 2);
                        } else {
                            self.inline(item, indent + 2);
                        }
                    }
                }
                Tree::Map(entries) => {
                    for (n, (key, value)) in entries.iter().enumerate() {
                        if n > 0 {
                            self.out.push_str(&pad);
                        }
                        self.out.push_str(key);
                        self.out.push(':');
                        if self.is_block(value) {
                            let same = matches!(value, Tree::Seq(_)) && self.chance(3);
                            let inner = if same { indent } else { indent + 2 };
                            self.out.push('\n');
                            self.out.push_str(&" ".repeat(inner));
                            self.block(value, inner);
                        } else {
                            let space = self.spaces().max(" ");
                            self.out.push_str(space);
                            self.inline(value, indent);
                        }
                    }
                }
                Tree::Leaf { .. } => self.inline(tree, indent),
            }
        }
    }

    fn write(tree: &Tree, seed: u64) -> String {
        let mut writer = Writer {
            seed,
            out: String::new(),
        };
        if writer.chance(4) {
            writer.out.push_str("# a register\n\n");
        }
        writer.block(tree, 0);
        writer.out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn fast_and_careful_readers_agree_on_the_subset(tree in root(), seed in any::<u64>()) {
            let text = write(&tree, seed);
            let (fast, careful) = both(&text);
            let careful = careful.map_err(|error| format!("{text}\n{}", error.message));
            prop_assert_eq!(fast, Some(careful.unwrap()), "{}", text);
        }

        #[test]
        fn fast_reader_accepts_nothing_the_careful_reader_reads_otherwise(
            text in "[ab:\\- \n#\"'\\[\\]{},0-9.~]{0,40}",
        ) {
            let (fast, careful) = both(&text);
            if let Some(tree) = fast {
                prop_assert_eq!(Some(tree), careful.ok());
            }
        }

        #[test]
        fn fast_reader_accepts_nothing_the_careful_reader_reads_otherwise_in_lines(
            lines in prop::collection::vec(
                prop::sample::select(vec![
                    "a: 1", "b:", "  c: x", "- d", "  - e", "- f: g", "  h: [i, j]", "    k: 'l'",
                    "# m", "", "  ", "n: {o: p}", "q: r # s", "  t", "-", "u: \"v\"", "a: w",
                    "  - - x", "y: -1.5", "z: ~",
                ]),
                0..8,
            ),
        ) {
            let text = lines.join("\n");
            let (fast, careful) = both(&text);
            if let Some(tree) = fast {
                prop_assert_eq!(Some(tree), careful.ok(), "{}", text);
            }
        }
    }
}
