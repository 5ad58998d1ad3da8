//! TOML to the spanned tree, through `toml`'s span-keeping `DeTable`.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::node::{Entry, Keys, Node, Value};
use super::span::Span;
use super::{Limits, ParseError};

pub fn parse(text: &str, limits: &Limits) -> Result<Node, ParseError> {
    let table = DeTable::parse(text).map_err(|error| {
        let span = error
            .span()
            .map_or(Span::at(0), |range| Span::new(range.start, range.end));
        ParseError::new(first_line(error.message()), span)
    })?;
    let span = to_span(table.span());
    convert_table(table.get_ref(), span, 0, limits, &mut Keys::default())
}

fn convert_table(
    table: &DeTable<'_>,
    span: Span,
    depth: usize,
    limits: &Limits,
    keys: &mut Keys,
) -> Result<Node, ParseError> {
    limits.check_depth(depth, span)?;
    let entries = table
        .iter()
        .map(|(key, value)| {
            Ok(Entry::new(
                keys.key(key.get_ref()),
                to_span(key.span()),
                convert(value, depth + 1, limits, keys)?,
            ))
        })
        .collect::<Result<_, ParseError>>()?;
    Ok(Node::new(Value::Map(entries), span))
}

fn convert(
    value: &Spanned<DeValue<'_>>,
    depth: usize,
    limits: &Limits,
    keys: &mut Keys,
) -> Result<Node, ParseError> {
    let span = to_span(value.span());
    let converted = match value.get_ref() {
        DeValue::String(text) => Value::String(text.as_ref().into()),
        DeValue::Integer(integer) => match i64::from_str_radix(integer.as_str(), integer.radix()) {
            Ok(number) => Value::Integer(number),
            Err(_) => {
                return Err(ParseError::ours(
                    "integer out of range",
                    "heltalet är utanför det tillåtna intervallet",
                    span,
                ));
            }
        },
        DeValue::Float(float) => match float.as_str().parse::<f64>() {
            Ok(number) if number.is_finite() => Value::Float(number),
            _ => {
                return Err(ParseError::ours(
                    "a number must be finite",
                    "ett tal måste vara ändligt",
                    span,
                ));
            }
        },
        DeValue::Boolean(flag) => Value::Bool(*flag),
        DeValue::Datetime(datetime) => Value::String(datetime.to_string().into()),
        DeValue::Array(items) => {
            limits.check_depth(depth, span)?;
            Value::Sequence(
                items
                    .iter()
                    .map(|item| convert(item, depth + 1, limits, keys))
                    .collect::<Result<_, _>>()?,
            )
        }
        DeValue::Table(table) => return convert_table(table, span, depth, limits, keys),
    };
    Ok(Node::new(converted, span))
}

fn to_span(range: std::ops::Range<usize>) -> Span {
    Span::new(range.start, range.end)
}

fn first_line(message: &str) -> String {
    message
        .lines()
        .next()
        .unwrap_or("invalid TOML")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_dates_become_text_and_keys_keep_order_and_spans() {
        let text = "kind = \"goal\"\nzeta = 1979-05-27\nalpha = [1, 2]\n";
        let tree = parse(text, &Limits::default()).unwrap();
        let keys: Vec<&str> = tree
            .entries()
            .unwrap()
            .iter()
            .map(|entry| entry.key.as_ref())
            .collect();
        assert_eq!(keys, ["kind", "zeta", "alpha"]);
        let date = tree.get("zeta").unwrap();
        assert_eq!(date.value, Value::String("1979-05-27".into()));
        assert!(text[date.span().start()..].starts_with("1979-05-27"));
        let key = tree.entry("alpha").unwrap().key_span();
        assert!(text[key.start()..].starts_with("alpha"));
    }

    #[test]
    fn errors_point_at_the_problem() {
        let text = "a = 1\nb = \n";
        let error = parse(text, &Limits::default()).err().unwrap();
        assert_eq!(error.span.start(), 10);
        let duplicate = parse("a = 1\na = 2\n", &Limits::default()).err().unwrap();
        assert!(
            duplicate.message.contains("duplicate"),
            "{}",
            duplicate.message
        );
    }
}
