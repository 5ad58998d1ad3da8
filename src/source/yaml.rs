//! YAML 1.2 (core schema) to the spanned tree, through saphyr's `MarkedYaml`. Aliases are
//! expanded under a node budget so that an alias bomb is a parse error, not an exhausted machine.
//! Most files are first offered to the fast reader (`yaml_fast`), which reads the plain subset
//! that registers are written in; anything else is read here.

use saphyr::{MarkedYaml, Scalar, YamlData, YamlLoader};
use saphyr_parser::Parser;

use super::node::{Entry, Keys, Node, Value};
use super::span::{CharOffsets, Span};
use super::{Limits, ParseError};

pub fn parse(text: &str, limits: &Limits) -> Result<Node, ParseError> {
    if let Some(tree) = super::yaml_fast::parse(text, limits) {
        return Ok(tree);
    }
    careful(text, limits)
}

/// The careful reader: saphyr's events, converted; it reads all of YAML and says what is wrong
/// and where.
pub fn careful(text: &str, limits: &Limits) -> Result<Node, ParseError> {
    refuse_deep_nesting(text, limits)?;
    let offsets = CharOffsets::new(text);
    let mut loader: YamlLoader<'_, MarkedYaml<'_>> = YamlLoader::default();
    loader.alias_limit(limits.yaml_alias_nodes);
    let mut parser = Parser::new_from_str(text);
    let scan_error = |error: &saphyr::ScanError| {
        let offset = offsets.byte(error.marker().index());
        let parse_error = ParseError::new(error.info().to_string(), Span::at(offset));
        if error.info().contains("alias") {
            let limit = limits.yaml_alias_nodes;
            parse_error.with_hint(
                format!(
                    "limit `yaml_alias_nodes` = {limit}: aliases may expand to at most that many nodes; raise it in [limits] if the file is legitimate"
                ),
                format!(
                    "gränsen `yaml_alias_nodes` = {limit}: alias får expandera till högst så många noder; höj den i [limits] om filen är legitim"
                ),
            )
        } else if error.info().contains("recursion") {
            parse_error.with_hint(
                "the file nests too deeply; flatten it",
                "filen är för djupt nästlad; gör den plattare",
            )
        } else {
            parse_error
        }
    };
    let mut receiver = TypeTags {
        loader: &mut loader,
        quoted: None,
    };
    parser
        .load(&mut receiver, true)
        .map_err(|error| scan_error(&error))?;
    if let Some((tag, value, index)) = receiver.quoted {
        return Err(quoted_with_type_tag(&tag, &value, offsets.byte(index)));
    }
    if let Some(error) = loader.error() {
        return Err(scan_error(error));
    }
    let mut documents = loader.into_documents();
    if let Some(second) = documents.get(1) {
        return Err(ParseError::ours(
            "the file holds more than one YAML document",
            "filen innehåller mer än ett YAML-dokument",
            span_of(second, &offsets),
        )
        .with_hint(
            "keep one document per file; put several records under `records:`",
            "ha ett dokument per fil; lägg flera poster under `records:`",
        ));
    }
    match documents.pop() {
        Some(document) => convert(&document, &offsets, 0, limits, &mut Keys::default()),
        None => Ok(Node::new(Value::Null, Span::at(0))),
    }
}

/// The most levels the careful reader is given, whatever `max_depth` says: saphyr builds and
/// drops its tree by recursion, and 5,000 compact levels (`- - - … a`) overflowed the stack of a
/// debug build before `max_depth` was looked at.
const CAREFUL_DEPTH: usize = 1_000;

/// Refuses, before saphyr sees it, a text whose lines nest deeper than the limit, estimated line
/// by line: the indentations still open, the compact `- ` items that start the line, and the
/// flow brackets still open. The estimate never counts more levels than the tree will have, so
/// nothing legitimate is refused; `max_depth` itself is judged exactly on the tree.
fn refuse_deep_nesting(text: &str, limits: &Limits) -> Result<(), ParseError> {
    let limit = limits.max_depth.saturating_add(1).min(CAREFUL_DEPTH);
    let mut indents: Vec<usize> = Vec::new();
    let mut flow: usize = 0;
    // A block scalar's lines (after `key: |`) are text, however they are indented.
    let mut scalar_above: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start_matches(' ');
        let indent = content.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(scalar) = scalar_above {
            if indent > scalar {
                continue;
            }
            scalar_above = None;
        }
        if flow == 0 {
            while indents.last().is_some_and(|open| *open >= indent) {
                indents.pop();
            }
            indents.push(indent);
        }
        let mut rest = trimmed;
        let mut compact = 0;
        while let Some(after) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("-\t")) {
            compact += 1;
            rest = after.trim_start_matches([' ', '\t']);
        }
        let mut quoted: Option<char> = None;
        for character in rest.chars() {
            match (quoted, character) {
                (Some(quote), c) if c == quote => quoted = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quoted = Some(character),
                (None, '#') => break,
                (None, '[' | '{') => flow += 1,
                (None, ']' | '}') => flow = flow.saturating_sub(1),
                _ => {}
            }
        }
        let depth = indents.len() + compact + flow;
        if depth > limit {
            let shown = limits.max_depth.min(CAREFUL_DEPTH);
            return Err(ParseError::ours(
                format!("nesting deeper than {shown} levels (limit `max_depth`)"),
                format!("nästlat djupare än {shown} nivåer (gränsen `max_depth`)"),
                Span::at(line_start + indent),
            )
            .with_hint(
                "flatten the structure, or raise `[limits] max_depth` in tillsyn.toml",
                "gör strukturen plattare, eller höj `[limits] max_depth` i tillsyn.toml",
            ));
        }
        let ends_in_block_scalar = block_scalar_follows(rest);
        if ends_in_block_scalar {
            scalar_above = Some(indent);
        }
    }
    Ok(())
}

/// Whether a line's content ends in a block scalar's indicator (`key: |`, `- >-`, `|2`), after
/// which the more indented lines are the scalar's text.
fn block_scalar_follows(content: &str) -> bool {
    let content = content.trim_end();
    let (before, last) = content
        .rsplit_once([' ', '\t'])
        .map_or(("", content), |(before, last)| (before.trim_end(), last));
    let indicator = last
        .strip_prefix('|')
        .or_else(|| last.strip_prefix('>'))
        .is_some_and(|rest| {
            rest.chars()
                .all(|c| c.is_ascii_digit() || c == '+' || c == '-')
        });
    indicator && (before.is_empty() || before.ends_with(':') || before.ends_with('-'))
}

/// Passes the parser's events to the loader, and notes the first quoted value with a tag of a
/// type (`!!int "12"`, `!!float "x"`). The YAML library reads any quoted value as text and
/// drops the tag, so such a value would be read as something other than its tag says, without
/// a word.
struct TypeTags<'l, 'input> {
    loader: &'l mut YamlLoader<'input, MarkedYaml<'input>>,
    /// The tag's suffix, the value, and the character index where the value starts.
    quoted: Option<(String, String, usize)>,
}

impl<'input> saphyr_parser::SpannedEventReceiver<'input> for TypeTags<'_, 'input> {
    fn on_event(&mut self, event: saphyr_parser::Event<'input>, span: saphyr_parser::Span) {
        if self.quoted.is_none()
            && let saphyr_parser::Event::Scalar(value, style, _, Some(tag)) = &event
            && *style != saphyr::ScalarStyle::Plain
            && tag.is_yaml_core_schema()
            && matches!(tag.suffix.as_str(), "int" | "float" | "bool" | "null")
        {
            self.quoted = Some((tag.suffix.clone(), value.to_string(), span.start.index()));
        }
        self.loader.on_event(event, span);
    }
}

/// A quoted value with a type tag: what to write instead.
fn quoted_with_type_tag(tag: &str, value: &str, offset: usize) -> ParseError {
    let (kind, kind_sv, fits) = match tag {
        "int" => ("a whole number", "ett heltal", value.parse::<i64>().is_ok()),
        "float" => (
            "a number",
            "ett tal",
            saphyr::parse_core_schema_fp(value).is_some(),
        ),
        "bool" => (
            "true or false",
            "true eller false",
            matches!(value, "true" | "false"),
        ),
        _ => ("null", "null", matches!(value, "null" | "~" | "")),
    };
    let shown = format!("{value:?}");
    let (message, message_sv) = if fits {
        (
            format!(
                "the tag !!{tag} says {kind}, but the value {shown} is quoted, and a quoted value is read as text"
            ),
            format!(
                "taggen !!{tag} anger {kind_sv}, men värdet {shown} står inom citattecken, och ett värde inom citattecken läses som text"
            ),
        )
    } else {
        (
            format!("the tag !!{tag} says {kind}, but {shown} is not {kind}"),
            format!("taggen !!{tag} anger {kind_sv}, men {shown} är inte {kind_sv}"),
        )
    };
    ParseError::ours(message, message_sv, Span::at(offset)).with_hint(
        format!("write {kind} without quotes and without the tag, or the text without the tag"),
        format!("skriv {kind_sv} utan citattecken och utan taggen, eller texten utan taggen"),
    )
}

fn convert(
    node: &MarkedYaml<'_>,
    offsets: &CharOffsets,
    depth: usize,
    limits: &Limits,
    keys: &mut Keys,
) -> Result<Node, ParseError> {
    let span = span_of(node, offsets);
    let value = match &node.data {
        YamlData::Value(scalar) => scalar_value(scalar, span)?,
        YamlData::Representation(text, _, _) => Value::String(text.as_ref().into()),
        YamlData::Tagged(_, inner) => return convert(inner, offsets, depth, limits, keys),
        YamlData::Sequence(items) => {
            limits.check_depth(depth, span)?;
            Value::Sequence(
                items
                    .iter()
                    .map(|item| convert(item, offsets, depth + 1, limits, keys))
                    .collect::<Result<_, _>>()?,
            )
        }
        YamlData::Mapping(mapping) => {
            limits.check_depth(depth, span)?;
            let mut entries = Vec::with_capacity(mapping.len());
            for (key, value) in mapping {
                let key_span = span_of(key, offsets);
                let key = match &key.data {
                    YamlData::Value(Scalar::String(text)) => keys.key(text),
                    YamlData::Value(Scalar::Integer(number)) => keys.key(&number.to_string()),
                    YamlData::Value(Scalar::Boolean(flag)) => keys.key(&flag.to_string()),
                    YamlData::Value(Scalar::FloatingPoint(number)) => keys.key(&number.to_string()),
                    YamlData::Value(Scalar::Null) => keys.key("null"),
                    _ => {
                        return Err(ParseError::ours(
                            "a key must be a plain value",
                            "en nyckel måste vara ett enkelt värde",
                            key_span,
                        )
                        .with_hint("use a string as the key", "använd en text som nyckel"));
                    }
                };
                entries.push(Entry::new(
                    key,
                    key_span,
                    convert(value, offsets, depth + 1, limits, keys)?,
                ));
            }
            Value::Map(entries.into())
        }
        YamlData::Alias(_) => {
            return Err(ParseError::ours(
                "an alias that cannot be resolved",
                "ett alias som inte kan lösas upp",
                span,
            ));
        }
        // What the YAML library could not make a value of: a value its tag does not allow, or a
        // tag of a type tillsyn has no use for (`!!binary`).
        YamlData::BadValue => {
            return Err(ParseError::ours(
                "a value that its tag does not allow, or a tag tillsyn does not read (such as !!binary)",
                "ett värde som dess tagg inte tillåter, eller en tagg som tillsyn inte läser (som !!binary)",
                span,
            )
            .with_hint(
                "write the value plainly, without the tag",
                "skriv värdet som det är, utan taggen",
            ));
        }
    };
    Ok(Node::new(value, span))
}

fn scalar_value(scalar: &Scalar<'_>, span: Span) -> Result<Value, ParseError> {
    Ok(match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(flag) => Value::Bool(*flag),
        Scalar::Integer(number) => Value::Integer(*number),
        Scalar::FloatingPoint(number) => {
            let number = number.into_inner();
            if !number.is_finite() {
                return Err(ParseError::ours(
                    "a number must be finite",
                    "ett tal måste vara ändligt",
                    span,
                ));
            }
            Value::Float(number)
        }
        Scalar::String(text) => Value::String(text.as_ref().into()),
    })
}

fn span_of(node: &MarkedYaml<'_>, offsets: &CharOffsets) -> Span {
    let start = offsets.byte(node.span.start.index());
    let end = offsets.byte(node.span.end.index()).max(start);
    Span::new(start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Node {
        parse(text, &Limits::default()).unwrap()
    }

    #[test]
    fn yaml_1_2_core_schema_semantics() {
        let tree = parse_ok("a: yes\nb: 1.10\nc: 2026-01-01\nd: ~\ne: 0o17\nf: on\n");
        assert_eq!(tree.get("a").unwrap().value, Value::String("yes".into()));
        assert_eq!(tree.get("b").unwrap().value, Value::Float(1.1));
        assert_eq!(
            tree.get("c").unwrap().value,
            Value::String("2026-01-01".into())
        );
        assert_eq!(tree.get("d").unwrap().value, Value::Null);
        assert_eq!(tree.get("e").unwrap().value, Value::Integer(15));
        assert_eq!(tree.get("f").unwrap().value, Value::String("on".into()));
    }

    #[test]
    fn spans_are_byte_ranges_even_after_non_ascii_text() {
        let text = "namn: Åsa Öberg\nid: X-1\n";
        let tree = parse_ok(text);
        let id = tree.get("id").unwrap();
        assert!(text[id.span().start()..].starts_with("X-1"));
        let key = tree.entry("id").unwrap().key_span();
        assert!(text[key.start()..].starts_with("id"));
    }

    #[test]
    fn key_order_is_kept() {
        let tree = parse_ok("z: 1\na: 2\nm: 3\n");
        let keys: Vec<&str> = tree
            .entries()
            .unwrap()
            .iter()
            .map(|entry| entry.key.as_ref())
            .collect();
        assert_eq!(keys, ["z", "a", "m"]);
    }

    #[test]
    fn duplicate_keys_several_documents_and_alias_bombs_are_errors() {
        assert!(parse("a: 1\na: 2\n", &Limits::default()).is_err());
        let error = parse("a: 1\n---\nb: 2\n", &Limits::default())
            .err()
            .unwrap();
        assert!(error.message.contains("more than one YAML document"));
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                    e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
        assert!(parse(bomb, &Limits::default()).is_err());
    }

    #[test]
    fn nesting_beyond_the_limit_is_an_error() {
        let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        let error = parse(&deep, &Limits::default()).err().unwrap();
        assert!(error.message.contains("max_depth"), "{}", error.message);
    }
}
