//! Strict JSON (RFC 8259: no comments, no trailing commas, no JSON5) to the spanned tree,
//! through `jsonc-parser` with every lax option turned off.

use std::collections::HashSet;

use jsonc_parser::ast::{ObjectPropName, Value as Ast};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::node::{Entry, Keys, Node, Value};
use super::span::Span;
use super::{Limits, ParseError};

const STRICT: ParseOptions = ParseOptions {
    allow_comments: false,
    allow_loose_object_property_names: false,
    allow_trailing_commas: false,
    allow_missing_commas: false,
    allow_single_quoted_strings: false,
    allow_hexadecimal_numbers: false,
    allow_unary_plus_numbers: false,
    allow_bare_decimal_point_numbers: false,
    allow_non_finite_numbers: false,
    allow_extended_string_escapes: false,
};

pub fn parse(text: &str, limits: &Limits) -> Result<Node, ParseError> {
    if let Some(tree) = super::json_fast::parse(text, limits) {
        return Ok(tree);
    }
    careful(text, limits)
}

/// The careful reader: `jsonc-parser`'s syntax tree, converted; it says what is wrong and where.
pub fn careful(text: &str, limits: &Limits) -> Result<Node, ParseError> {
    // JSON allows a control character only escaped; the library takes it raw without a word.
    if let Some(offset) = text
        .bytes()
        .position(|byte| byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r'))
    {
        let code = text.as_bytes().get(offset).copied().unwrap_or_default();
        return Err(ParseError::ours(
            format!(
                "a raw control character (U+{code:04X}) in the text; JSON allows one only escaped, as \\u{code:04x}"
            ),
            format!(
                "ett oskyddat styrtecken (U+{code:04X}) i texten; JSON tillåter det bara skyddat, som \\u{code:04x}"
            ),
            Span::at(offset),
        ));
    }
    let parsed = parse_to_ast(text, &CollectOptions::default(), &STRICT).map_err(|error| {
        let range = error.range();
        let parse_error =
            ParseError::new(error.kind().to_string(), Span::new(range.start, range.end));
        if error.kind().to_string().contains("nesting") {
            parse_error.with_hint(
                "the file nests too deeply; flatten it",
                "filen är för djupt nästlad; gör den plattare",
            )
        } else {
            parse_error
        }
    })?;
    match parsed.value {
        Some(value) => convert(&value, 0, limits, &mut Keys::default()),
        None => Err(ParseError::ours(
            "the file holds no JSON value",
            "filen innehåller inget JSON-värde",
            Span::at(0),
        )),
    }
}

fn convert(
    value: &Ast<'_>,
    depth: usize,
    limits: &Limits,
    keys: &mut Keys,
) -> Result<Node, ParseError> {
    let (converted, range) = match value {
        Ast::StringLit(text) => (Value::String(text.value.as_ref().into()), text.range),
        Ast::NumberLit(number) => (
            number_value(number.value, span_of(number.range))?,
            number.range,
        ),
        Ast::BooleanLit(flag) => (Value::Bool(flag.value), flag.range),
        Ast::NullKeyword(null) => (Value::Null, null.range),
        Ast::Array(array) => {
            limits.check_depth(depth, span_of(array.range))?;
            let items = array
                .elements
                .iter()
                .map(|item| convert(item, depth + 1, limits, keys))
                .collect::<Result<_, _>>()?;
            (Value::Sequence(items), array.range)
        }
        Ast::Object(object) => {
            limits.check_depth(depth, span_of(object.range))?;
            let mut entries: Vec<Entry> = Vec::with_capacity(object.properties.len());
            // Equal keys of a file are one allocation, so a set of addresses finds duplicates.
            let mut seen: HashSet<*const u8> = HashSet::with_capacity(object.properties.len());
            for property in &object.properties {
                let (key, key_range) = match &property.name {
                    ObjectPropName::String(name) => (keys.key(&name.value), name.range),
                    ObjectPropName::Word(word) => (keys.key(word.value), word.range),
                };
                let key_span = span_of(key_range);
                if !seen.insert(key.address()) {
                    return Err(
                        ParseError::ours(
                            format!("duplicate key \"{key}\""),
                            format!("nyckeln \"{key}\" förekommer två gånger"),
                            key_span,
                        )
                        .with_hint(
                            "a key may appear once in an object; remove or rename one",
                            "en nyckel får förekomma en gång i ett objekt; ta bort eller byt namn på den ena",
                        ),
                    );
                }
                entries.push(Entry::new(
                    key,
                    key_span,
                    convert(&property.value, depth + 1, limits, keys)?,
                ));
            }
            (Value::Map(entries.into()), object.range)
        }
    };
    Ok(Node::new(converted, span_of(range)))
}

pub(super) fn number_value(text: &str, span: Span) -> Result<Value, ParseError> {
    if let Ok(integer) = text.parse::<i64>() {
        return Ok(Value::Integer(integer));
    }
    match text.parse::<f64>() {
        Ok(number) if number.is_finite() => Ok(Value::Float(number)),
        _ => Err(ParseError::ours(
            format!("number `{text}` is out of range"),
            format!("talet `{text}` är utanför det tillåtna intervallet"),
            span,
        )),
    }
}

fn span_of(range: jsonc_parser::common::Range) -> Span {
    Span::new(range.start, range.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(text: &str) -> ParseError {
        parse(text, &Limits::default()).err().unwrap()
    }

    #[test]
    fn strict_json_refuses_comments_trailing_commas_and_json5() {
        assert!(
            parse_err("{\"a\": 1, // x\n}")
                .message
                .to_lowercase()
                .contains("comment")
        );
        let trailing = parse_err("{\"a\": 1,}");
        assert_eq!(trailing.span.start(), 7);
        parse_err("{a: 1}");
        parse_err("{\"a\": 'x'}");
        parse_err("{\"a\": 0x10}");
        parse_err("{\"a\": NaN}");
    }

    #[test]
    fn duplicate_keys_are_errors_at_the_second_key() {
        let error = parse_err("{\"a\": 1, \"a\": 2}");
        assert_eq!(error.span.start(), 9);
        assert!(error.message.contains("duplicate key"));
    }

    #[test]
    fn values_keep_their_spans_and_types() {
        let text = "{\"id\": \"X\", \"n\": 3, \"f\": 1.5, \"list\": [true, null]}";
        let tree = parse(text, &Limits::default()).unwrap();
        let id = tree.get("id").unwrap();
        assert!(text[id.span().start()..].starts_with("\"X\""));
        assert_eq!(tree.get("n").unwrap().value, Value::Integer(3));
        assert_eq!(tree.get("f").unwrap().value, Value::Float(1.5));
        assert_eq!(tree.pointer("/list/1").value, Value::Null);
    }
}
