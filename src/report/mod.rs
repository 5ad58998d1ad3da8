//! Rendering: one module per output format. Each reads the findings and nothing else computes
//! for it.

pub mod followup;
pub mod json;
pub mod table;

/// Replaces terminal control characters in data before it reaches a terminal, so that a value
/// in a register cannot move the cursor, change colours or rewrite the screen.
pub fn neutralise_controls(text: &str) -> String {
    text.chars()
        .map(|character| match character {
            '\n' | '\t' => character,
            c if c.is_control() => char::REPLACEMENT_CHARACTER,
            c => c,
        })
        .collect()
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

/// Text for a Markdown table cell: pipes and markup characters escaped, lines joined.
pub fn markdown_cell(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in neutralise_controls(text).chars() {
        match character {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' => {
                escaped.push('\\');
                escaped.push(character);
            }
            '\n' | '\t' => escaped.push(' '),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
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
    }

    #[test]
    fn control_characters_are_neutralised() {
        assert_eq!(
            super::neutralise_controls("a\u{1b}[31mb\r"),
            "a\u{fffd}[31mb\u{fffd}"
        );
    }
}
