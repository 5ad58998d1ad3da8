//! Rendering: one module per output format. Each reads the findings and nothing else computes
//! for it.

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

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_neutralised() {
        assert_eq!(
            super::neutralise_controls("a\u{1b}[31mb\r"),
            "a\u{fffd}[31mb\u{fffd}"
        );
    }
}
