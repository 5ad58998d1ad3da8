//! Markdown front matter: a YAML block between `---` lines or a TOML block between `+++` lines at
//! the very top of the file. The front matter is the record; the body is the document's text.

use super::node::{Node, Value};
use super::span::Span;
use super::{Limits, ParseError};

type ParseFn = fn(&str, &Limits) -> Result<Node, ParseError>;

/// The front matter as a tree (null when the file has none) and the span of the body.
pub struct FrontMatter {
    pub root: Node,
    pub body: Span,
}

pub fn parse(text: &str, limits: &Limits) -> Result<FrontMatter, ParseError> {
    let mut lines = line_spans(text);
    let Some(first) = lines.next() else {
        return Ok(no_front_matter(text));
    };
    let fence = text[first.start..first.end].trim_end();
    let (closers, parse_inner): (&[&str], ParseFn) = match fence {
        "---" => (&["---", "..."], super::yaml::parse),
        "+++" => (&["+++"], super::toml::parse),
        _ => return Ok(no_front_matter(text)),
    };
    let inner_start = first.next_line;
    for line in lines {
        if closers.contains(&text[line.start..line.end].trim_end()) {
            let inner = &text[inner_start..line.start];
            let root = parse_inner(inner, limits).map_err(|error| error.shifted(inner_start))?;
            let root = shift(root, inner_start);
            return Ok(FrontMatter {
                root,
                body: Span::new(line.next_line, text.len()),
            });
        }
    }
    Err(ParseError::ours(
        format!("front matter opened with `{fence}` is never closed"),
        format!("front matter som inleds med `{fence}` avslutas aldrig"),
        Span::new(0, first.end),
    )
    .with_hint(
        format!("end the front matter with a line `{fence}`"),
        format!("avsluta front matter med en rad `{fence}`"),
    ))
}

fn no_front_matter(text: &str) -> FrontMatter {
    FrontMatter {
        root: Node::new(Value::Null, Span::at(0)),
        body: Span::new(0, text.len()),
    }
}

struct Line {
    start: usize,
    /// End of the line's content, before `\n`.
    end: usize,
    next_line: usize,
}

fn line_spans(text: &str) -> impl Iterator<Item = Line> + '_ {
    let mut offset = 0;
    std::iter::from_fn(move || {
        if offset >= text.len() {
            return None;
        }
        let start = offset;
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |found| start + found);
        offset = end + 1;
        Some(Line {
            start,
            end,
            next_line: offset.min(text.len()),
        })
    })
}

/// Moves every span of a tree parsed from a slice so that it points into the whole file.
fn shift(mut node: Node, base: usize) -> Node {
    node.shift(base);
    node.value = match node.value {
        Value::Sequence(items) => {
            Value::Sequence(items.into_iter().map(|item| shift(item, base)).collect())
        }
        Value::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|mut entry| {
                    entry.value = shift(entry.value, base);
                    entry
                })
                .collect(),
        ),
        scalar => scalar,
    };
    node
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter_spans_point_into_the_whole_file() {
        let text = "---\nkind: governing_document\nid: DOC-1\n---\n# Body\n";
        let front = parse(text, &Limits::default()).unwrap();
        let id = front.root.get("id").unwrap();
        assert!(text[id.span().start()..].starts_with("DOC-1"));
        assert_eq!(&text[front.body.start()..front.body.end()], "# Body\n");
    }

    #[test]
    fn toml_front_matter_is_read() {
        let text = "+++\r\nkind = \"goal\"\r\n+++\r\ntext";
        let front = parse(text, &Limits::default()).unwrap();
        let kind = front.root.get("kind").unwrap();
        assert!(text[kind.span().start()..].starts_with("\"goal\""));
    }

    #[test]
    fn a_file_without_front_matter_has_none() {
        let front = parse("# Just prose\n", &Limits::default()).unwrap();
        assert_eq!(front.root.value, Value::Null);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let error = parse("---\nkind: goal\n", &Limits::default())
            .err()
            .unwrap();
        assert!(error.message.contains("never closed"), "{}", error.message);
    }
}
