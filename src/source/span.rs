//! Byte spans into a file's text, and the line index that turns them into the 1-based line and
//! column (counted in characters) that every finding reports.

use std::sync::OnceLock;

use serde::Serialize;

/// A byte range into one file's text. Spans are cheap to copy and carry no file of their own:
/// the [`crate::repository::SourceText`] that owns the text gives them meaning. In a workbook,
/// which has no text, a span is a range of cells instead (see [`crate::source::xlsx`]).
///
/// Offsets are 32-bit: a repository holds a span for every value and key, and files are capped
/// well below 4 GiB (`max_file_bytes`), so the other half of a 64-bit offset would be memory for
/// nothing. An offset beyond the cap is saturated, never wrapped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    start: u32,
    end: u32,
}

fn offset32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start: offset32(start),
            end: offset32(end),
        }
    }

    /// A span that starts at `offset` and covers nothing, for positions such as "end of file".
    pub fn at(offset: usize) -> Self {
        Span::new(offset, offset)
    }

    pub const fn start(self) -> usize {
        self.start as usize
    }

    pub const fn end(self) -> usize {
        self.end as usize
    }

    /// The same span moved by `base` bytes, for text parsed out of a larger file
    /// (front matter inside Markdown).
    pub fn shifted(self, base: usize) -> Self {
        Span::new(self.start() + base, self.end() + base)
    }
}

/// A 1-based line and column, the column counted in Unicode scalar values (characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Start offsets of every line of a text, built once per file: when it is made, or, for a
/// [`LineIndex::default`], when the first position is asked for — most files of a large
/// repository have no finding and never need one.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    line_starts: OnceLock<Vec<u32>>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let index = LineIndex::default();
        index.line_starts(text);
        index
    }

    fn line_starts(&self, text: &str) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut line_starts = vec![0];
            line_starts.extend(
                text.match_indices('\n')
                    .map(|(offset, _)| offset32(offset + 1)),
            );
            line_starts
        })
    }

    /// The position of a byte offset. Offsets past the end, or inside a multi-byte character,
    /// are clamped so that a position is always reported.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line_starts = self.line_starts(text);
        let line = match line_starts.binary_search(&offset32(offset)) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        };
        let line_start = line_starts.get(line).map_or(0, |&start| start as usize);
        let column = text
            .get(line_start..offset)
            .map_or(0, |before| before.chars().count())
            + 1;
        Position {
            line: line + 1,
            column,
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Translates character offsets (as saphyr reports them) into byte offsets of the same text.
pub struct CharOffsets {
    /// Byte offset of every character, present only when the text is not pure ASCII.
    byte_of_char: Option<Vec<usize>>,
    len: usize,
}

impl CharOffsets {
    pub fn new(text: &str) -> Self {
        let byte_of_char =
            (!text.is_ascii()).then(|| text.char_indices().map(|(offset, _)| offset).collect());
        CharOffsets {
            byte_of_char,
            len: text.len(),
        }
    }

    pub fn byte(&self, char_offset: usize) -> usize {
        match &self.byte_of_char {
            None => char_offset.min(self.len),
            Some(bytes) => bytes.get(char_offset).copied().unwrap_or(self.len),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "a: 1\nnamn: \"Å\u{e4}\" x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        let x = text.find('x').unwrap();
        assert_eq!(
            index.position(text, x),
            Position {
                line: 2,
                column: 12
            }
        );
        assert_eq!(
            index.position(text, text.len()),
            Position { line: 3, column: 1 }
        );
    }

    #[test]
    fn offsets_inside_a_character_are_clamped() {
        let text = "åäö";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 1), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 99), Position { line: 1, column: 4 });
    }

    #[test]
    fn char_offsets_map_to_bytes() {
        let offsets = CharOffsets::new("åb");
        assert_eq!(offsets.byte(1), 2);
        assert_eq!(offsets.byte(5), 3);
    }
}
