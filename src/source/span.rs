//! Byte spans into a file's text, and the line index that turns them into the 1-based line and
//! column (counted in characters) that every finding reports.

use serde::Serialize;

/// A byte range into one file's text. Spans are cheap to copy and carry no file of their own:
/// the file's [`LineIndex`] (in its [`crate::repository::SourceText`]) gives them meaning. In a
/// workbook, which has no text, a span is a range of cells instead (see [`crate::source::xlsx`]).
/// A tree node keeps only where its span starts (see [`crate::source::node`]).
///
/// Offsets are 32-bit: a repository holds an offset for every value and key, and files are capped
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

    /// A span one unit wide at `offset`: where a tree node is, which keeps only its start (see
    /// [`crate::source::node`]). For a workbook that unit is the node's cell.
    pub fn starting_at(offset: usize) -> Self {
        Span::new(offset, offset.saturating_add(1))
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

/// What turns a byte offset of a file into a line and column without the file's text: where
/// every line starts, and where every character wider than one byte is. A repository keeps one
/// per file for as long as findings may need positions, and a file's text is several times its
/// index (a byte per byte against four bytes a line and eight a wide character), so the text
/// itself is dropped once the file is parsed.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    /// Byte offset where each line starts; the first is 0.
    line_starts: Vec<u32>,
    /// Every character of more than one byte: its offset, and how many bytes wider than one all
    /// such characters up to and including it are. A column is then the bytes before the offset
    /// on its line less the extra bytes among them, found by two binary searches.
    wide_chars: Vec<WideChar>,
    len: u32,
}

#[derive(Clone, Copy, Debug)]
struct WideChar {
    offset: u32,
    extra_through: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(
            text.match_indices('\n')
                .map(|(offset, _)| offset32(offset + 1)),
        );
        let mut wide_chars = Vec::new();
        let mut extra = 0u32;
        let mut offset = 0;
        while let Some(found) = next_non_ascii(bytes, offset) {
            // `text` is UTF-8, so a non-ASCII byte found from a character boundary leads one.
            let width = text
                .get(found..)
                .and_then(|rest| rest.chars().next())
                .map_or(1, char::len_utf8);
            extra = extra.saturating_add(offset32(width - 1));
            wide_chars.push(WideChar {
                offset: offset32(found),
                extra_through: extra,
            });
            offset = found + width;
        }
        LineIndex {
            line_starts,
            wide_chars,
            len: offset32(text.len()),
        }
    }

    /// The position of a byte offset. Offsets past the end, or inside a multi-byte character,
    /// are clamped so that a position is always reported.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset32(offset).min(self.len);
        // Wide characters that start before the offset; the last may contain it.
        let wide_before = self.wide_chars.partition_point(|wide| wide.offset < offset);
        let extra_before = |wide_before: usize| {
            wide_before
                .checked_sub(1)
                .and_then(|last| self.wide_chars.get(last))
                .map_or(0, |wide| wide.extra_through)
        };
        if let Some(last) = wide_before
            .checked_sub(1)
            .and_then(|last| self.wide_chars.get(last))
        {
            let width = last.extra_through - extra_before(wide_before - 1) + 1;
            if offset < last.offset.saturating_add(width) {
                offset = last.offset;
            }
        }
        let line = match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        };
        let line_start = self.line_starts.get(line).copied().unwrap_or(0);
        let wide_before_line = self
            .wide_chars
            .partition_point(|wide| wide.offset < line_start);
        let wide_before_offset = self.wide_chars.partition_point(|wide| wide.offset < offset);
        let extra = extra_before(wide_before_offset) - extra_before(wide_before_line);
        let column = (offset - line_start - extra) as usize + 1;
        Position {
            line: line + 1,
            column,
        }
    }
}

/// The offset of the first byte at or after `from` that is not ASCII.
fn next_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    // Eight bytes at a time: text is mostly ASCII, and this runs over every byte of a repository.
    let mut chunks = rest.chunks_exact(8);
    let mut skipped = 0;
    for chunk in &mut chunks {
        let word = u64::from_ne_bytes(chunk.try_into().unwrap_or([0; 8]));
        if word & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        skipped += 8;
    }
    rest.get(skipped..)?
        .iter()
        .position(|byte| !byte.is_ascii())
        .map(|position| from + skipped + position)
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
        assert_eq!(index.position(0), Position { line: 1, column: 1 });
        let x = text.find('x').unwrap();
        assert_eq!(
            index.position(x),
            Position {
                line: 2,
                column: 12
            }
        );
        assert_eq!(index.position(text.len()), Position { line: 3, column: 1 });
    }

    #[test]
    fn offsets_inside_a_character_are_clamped() {
        let text = "åäö";
        let index = LineIndex::new(text);
        assert_eq!(index.position(1), Position { line: 1, column: 1 });
        assert_eq!(index.position(99), Position { line: 1, column: 4 });
    }

    /// The position as the text gives it: the line is the newlines before the offset, the column
    /// the characters between the line's start and the offset, after clamping the offset to a
    /// character boundary within the text.
    fn position_from_text(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        Position {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }

    proptest::proptest! {
        #[test]
        fn positions_match_the_text(
            text in "[a\n\r\u{e5}\u{20ac}\u{1f600}x]{0,40}",
            offset in 0usize..200,
        ) {
            let index = LineIndex::new(&text);
            proptest::prop_assert_eq!(index.position(offset), position_from_text(&text, offset));
        }
    }

    #[test]
    fn wide_characters_past_eight_ascii_bytes_are_found() {
        let text = "abcdefghijklmnopq\u{f6}r\n\u{1f600}\u{1f600}x";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 1 {
            assert_eq!(
                index.position(offset),
                position_from_text(text, offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn char_offsets_map_to_bytes() {
        let offsets = CharOffsets::new("åb");
        assert_eq!(offsets.byte(1), 2);
        assert_eq!(offsets.byte(5), 3);
    }
}
