//! Rendering: one module per output format. Each reads the findings and nothing else computes
//! for it.

pub mod compliance;
pub mod csv;
pub mod followup;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod oscal;
pub mod sarif;
pub mod statistics;
pub mod table;
pub mod xlsx;

use crate::finding::{Finding, State};
use crate::lang::Lang;
use crate::outcome::Baseline;

/// What a finding is about, to put before its message: `kind id: `, `kind: `, or nothing when
/// the message already names the record.
pub fn subject(finding: &Finding) -> String {
    match (&finding.kind, &finding.record) {
        (Some(_), Some(id)) if finding.message.contains(id.as_str()) => String::new(),
        (Some(kind), Some(id)) => format!("{kind} {id}: "),
        (Some(kind), None) => format!("{kind}: "),
        _ => String::new(),
    }
}

/// Removes the characters XML 1.0 does not allow (most C0 controls, U+FFFE, U+FFFF), keeping
/// tab, line feed and carriage return; then escapes the five markup characters, so that the
/// text is safe both as element content and as a quoted attribute value. In attributes line
/// breaks and tabs are written as character references, so that parsers keep them.
pub fn xml_text(text: &str, attribute: bool) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\n' if attribute => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' if attribute => escaped.push_str("&#9;"),
            '\n' | '\t' => escaped.push(character),
            '\u{fffe}' | '\u{ffff}' => escaped.push(char::REPLACEMENT_CHARACTER),
            // C0 controls are forbidden; DEL and C1 controls are allowed by XML 1.0 but drive
            // terminals, so they are neutralised too.
            c if c.is_control() => escaped.push(char::REPLACEMENT_CHARACTER),
            c => escaped.push(c),
        }
    }
    escaped
}

/// A label with its `{name}` placeholders replaced by values, in one pass: a value that itself
/// holds `{…}` (data can) is never read as a placeholder. Unknown names stay as written.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut text = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let (before, from_brace) = rest.split_at(open);
        text.push_str(before);
        let value = from_brace.find('}').and_then(|close| {
            let name = from_brace.get(1..close)?;
            let (_, value) = values.iter().find(|(key, _)| *key == name)?;
            Some((*value, close))
        });
        match value {
            Some((value, close)) => {
                text.push_str(value);
                rest = from_brace.get(close + 1..).unwrap_or_default();
            }
            None => {
                text.push('{');
                rest = from_brace.get(1..).unwrap_or_default();
            }
        }
    }
    text.push_str(rest);
    text
}

/// Replaces terminal control characters in data before it reaches a terminal, so that a value
/// in a register cannot move the cursor, change colours or rewrite the screen; and shows the
/// characters that reorder or hide text (bidi overrides, zero-width characters) as escapes
/// (`<U+202E>`), so that what a reviewer reads is what the file holds.
pub fn neutralise_controls(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '\n' | '\t' => shown.push(character),
            c if c.is_control() => shown.push(char::REPLACEMENT_CHARACTER),
            c if is_hidden(c) => shown.push_str(&format!("<U+{:04X}>", u32::from(c))),
            c => shown.push(c),
        }
    }
    shown
}

/// Characters that change how the text around them reads without showing themselves: bidi
/// embeddings, overrides, isolates and marks, zero-width spaces and joiners, word joiners and
/// invisible operators, the byte-order mark, the soft hyphen.
pub fn is_hidden(character: char) -> bool {
    matches!(
        character,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// One CSV record (RFC 4180, CRLF-terminated): every cell with terminal control characters
/// neutralised and through [`csv_cell`].
pub fn csv_row<S: AsRef<str>>(cells: &[S]) -> String {
    let mut row = cells
        .iter()
        .map(|cell| csv_cell(&neutralise_controls(cell.as_ref())))
        .collect::<Vec<_>>()
        .join(",");
    row.push_str("\r\n");
    row
}

/// One CSV cell (RFC 4180), neutralised against formula injection: a cell that a spreadsheet
/// would read as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) gets a leading `'`.
pub fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// Text for a Markdown table cell: pipes and markup characters escaped (`<`, `>` and `&` too,
/// so that no HTML tag or entity gets through), lines joined.
pub fn markdown_cell(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in neutralise_controls(text).chars() {
        match character {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' => {
                escaped.push('\\');
                escaped.push(character);
            }
            // As entities, so that a value's `@name` mentions no one and `#123` links no issue
            // in a pull-request comment (an escaped `\@` still mentions).
            '@' => escaped.push_str("&#64;"),
            '#' => escaped.push_str("&#35;"),
            '\n' | '\t' => escaped.push(' '),
            other => escaped.push(other),
        }
    }
    escaped
}

/// Whether a finding is new against the ledger's baseline: not known as open (new, or back
/// after being resolved). Accepted findings are not new debt.
pub fn is_new(finding: &Finding) -> bool {
    matches!(finding.state, State::New | State::Reopened)
}

/// What a cap left out, in words, for the note every human format shows: `2 more findings of
/// SCH001 in registers/x.csv are not listed (limit …); …`. Values from the data are not escaped
/// here: each format escapes the sentence as it escapes a message.
pub fn unlisted_sentence(unlisted: &crate::outcome::Unlisted, lang: Lang) -> String {
    let count = unlisted.count.to_string();
    let limit = unlisted.limit.to_string();
    let template = if unlisted.count == 1 {
        lang.t(
            "{count} more finding of {rule} in {file} is not listed (limit `findings_per_rule_per_file` = {limit}); \
             it counts in the summary and the exit code; fix the ones listed, or raise the limit in tillsyn.toml to list it",
        )
    } else {
        lang.t(
            "{count} more findings of {rule} in {file} are not listed (limit `findings_per_rule_per_file` = {limit}); \
             they count in the summary and the exit code; fix the ones listed, or raise the limit in tillsyn.toml to list them",
        )
    };
    fill(
        template,
        &[
            ("count", &count),
            ("rule", &unlisted.rule),
            ("file", &unlisted.file),
            ("limit", &limit),
        ],
    )
}

/// [`unlisted_sentence`] as a note line, `note: …` (`obs: …` in Swedish), for standard error
/// and the formats that show notes as plain lines.
pub fn unlisted_note(unlisted: &crate::outcome::Unlisted, lang: Lang) -> String {
    format!("{}: {}", lang.t("note"), unlisted_sentence(unlisted, lang))
}

/// The run against the ledger, in words: `3 new, 2 resolved, 91 still open since 2026-12-01.`
pub fn baseline_sentence(baseline: &Baseline, lang: Lang) -> String {
    let counts = [
        ("new", baseline.new.to_string()),
        ("resolved", baseline.resolved.to_string()),
        ("open", baseline.still_open.to_string()),
    ];
    let values: Vec<(&str, &str)> = counts
        .iter()
        .map(|(name, count)| (*name, count.as_str()))
        .chain(baseline.since.as_deref().map(|since| ("since", since)))
        .collect();
    let template = if baseline.since.is_some() {
        lang.t("{new} new, {resolved} resolved, {open} still open since {since}.")
    } else {
        lang.t("{new} new: the ledger has no earlier run to compare with.")
    };
    fill(template, &values)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fill_replaces_known_placeholders_in_one_pass() {
        assert_eq!(
            super::fill("{a} and {b} {c}", &[("a", "{b}"), ("b", "2")]),
            "{b} and 2 {c}"
        );
    }

    #[test]
    fn csv_cells_are_quoted_and_neutralised() {
        assert_eq!(super::csv_cell("plain"), "plain");
        assert_eq!(super::csv_cell("a,b"), "\"a,b\"");
        assert_eq!(super::csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(super::csv_cell("-1+1"), "'-1+1");
    }

    #[test]
    fn markdown_cells_escape_pipes_and_markup() {
        assert_eq!(super::markdown_cell("a|b <script>"), "a\\|b \\<script\\>");
        assert_eq!(super::markdown_cell("&lt;"), "\\&lt;");
    }

    #[test]
    fn control_characters_are_neutralised() {
        assert_eq!(
            super::neutralise_controls("a\u{1b}[31mb\r"),
            "a\u{fffd}[31mb\u{fffd}"
        );
    }
}
