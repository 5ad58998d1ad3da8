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
/// per file for as long as findings may need positions, and the text itself is dropped once the
/// file is parsed.
///
/// Both lists are stored in blocks: a block keeps its first offset in full and each entry only
/// its distance from there in 16 bits, so that a line costs about two bytes and a wide character
/// three (a pretty-printed register of a million records has fifteen million lines).
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    lines: Blocked,
    wide_chars: Blocked,
    /// Per wide character: how many bytes wider than one it is (1 to 3).
    extra: Vec<u8>,
    len: u32,
}

/// Entries at most this many to a block.
const BLOCK_ENTRIES: usize = 64;

/// A sorted list of offsets, in blocks (see [`LineIndex`]).
#[derive(Clone, Debug, Default)]
struct Blocked {
    blocks: Vec<Block>,
    /// Per entry: its offset less its block's `start`.
    distances: Vec<u16>,
}

#[derive(Clone, Copy, Debug)]
struct Block {
    /// The offset of the block's first entry.
    start: u32,
    /// The index of the block's first entry.
    first: u32,
    /// For wide characters: the extra bytes of all wide characters before the block.
    extra_before: u32,
}

impl Blocked {
    fn push(&mut self, offset: u32, extra_before: u32) {
        let count = self.distances.len();
        let distance = self
            .blocks
            .last()
            .filter(|block| (count - block.first as usize) < BLOCK_ENTRIES)
            .and_then(|block| u16::try_from(offset - block.start).ok());
        let distance = match distance {
            Some(distance) => distance,
            None => {
                self.blocks.push(Block {
                    start: offset,
                    first: u32::try_from(count).unwrap_or(u32::MAX),
                    extra_before,
                });
                0
            }
        };
        self.distances.push(distance);
    }

    /// How many entries are at or before `offset` (`inclusive`) or before it, and the block of
    /// the last of them.
    fn count_before(&self, offset: u32, inclusive: bool) -> (usize, Option<&Block>) {
        let before = |start: u32| {
            if inclusive {
                start <= offset
            } else {
                start < offset
            }
        };
        let block_index = self.blocks.partition_point(|block| before(block.start));
        let Some(block) = block_index.checked_sub(1).and_then(|i| self.blocks.get(i)) else {
            return (0, None);
        };
        let end = self
            .blocks
            .get(block_index)
            .map_or(self.distances.len(), |next| next.first as usize);
        let entries = self
            .distances
            .get(block.first as usize..end)
            .unwrap_or_default();
        let within = entries.partition_point(|&distance| before(block.start + u32::from(distance)));
        (block.first as usize + within, Some(block))
    }

    fn offset(&self, index: usize, block: &Block) -> u32 {
        block.start
            + self
                .distances
                .get(index)
                .map_or(0, |&distance| u32::from(distance))
    }
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut lines = Blocked::default();
        lines.push(0, 0);
        // A line ends at `\n`, at `\r\n`, and at a lone `\r` (old Mac files, and what YAML, CSV
        // and editors take for a line break): a file of lone `\r`s is not all one line.
        for offset in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            let crlf = bytes.get(offset) == Some(&b'\r') && bytes.get(offset + 1) == Some(&b'\n');
            if !crlf {
                lines.push(offset32(offset + 1), 0);
            }
        }
        let mut wide_chars = Blocked::default();
        let mut extra = Vec::new();
        let mut extra_before = 0u32;
        let mut offset = 0;
        while let Some(found) = next_non_ascii(bytes, offset) {
            // `text` is UTF-8, so a non-ASCII byte found from a character boundary leads one.
            let width = text
                .get(found..)
                .and_then(|rest| rest.chars().next())
                .map_or(1, char::len_utf8);
            let wider = u8::try_from(width - 1).unwrap_or(0);
            wide_chars.push(offset32(found), extra_before);
            extra.push(wider);
            extra_before = extra_before.saturating_add(u32::from(wider));
            offset = found + width;
        }
        LineIndex {
            lines,
            wide_chars,
            extra,
            len: offset32(text.len()),
        }
    }

    /// The extra bytes of the wide characters that start before `offset`, and the last of them.
    fn extra_before(&self, offset: u32) -> (u32, Option<(u32, u8)>) {
        let (count, block) = self.wide_chars.count_before(offset, false);
        let Some(block) = block else {
            return (0, None);
        };
        let in_block = self
            .extra
            .get(block.first as usize..count)
            .unwrap_or_default();
        let sum = in_block.iter().map(|&wider| u32::from(wider)).sum::<u32>();
        let last = count.checked_sub(1).map(|index| {
            let wider = self.extra.get(index).copied().unwrap_or(0);
            (self.wide_chars.offset(index, block), wider)
        });
        (block.extra_before + sum, last)
    }

    /// The position of a byte offset. Offsets past the end, or inside a multi-byte character,
    /// are clamped so that a position is always reported.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset32(offset).min(self.len);
        let (mut extra, last_wide) = self.extra_before(offset);
        if let Some((start, wider)) = last_wide
            && offset <= start + u32::from(wider)
        {
            // Inside that character: report the character itself.
            offset = start;
            extra -= u32::from(wider);
        }
        let (count, block) = self.lines.count_before(offset, true);
        let line = count.saturating_sub(1);
        let line_start = block.map_or(0, |block| self.lines.offset(line, block));
        let extra_in_line = extra - self.extra_before(line_start).0;
        let column = (offset - line_start - extra_in_line) as usize + 1;
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

    /// The position as the text gives it: the line is the line breaks before the offset (`\n`,
    /// and `\r` not followed by `\n`), the column the characters between the line's start and
    /// the offset, after clamping the offset to a character boundary within the text.
    fn position_from_text(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let breaks: Vec<usize> = text
            .char_indices()
            .filter(|&(at, c)| c == '\n' || (c == '\r' && !text[at + 1..].starts_with('\n')))
            .map(|(at, _)| at + 1)
            .filter(|&end| end <= offset)
            .collect();
        let line_start = breaks.last().copied().unwrap_or(0);
        Position {
            line: breaks.len() + 1,
            column: text[line_start..offset].chars().count() + 1,
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

    proptest::proptest! {
        #[test]
        fn positions_match_the_text_across_blocks(
            text in "[a\n\u{e5}\u{20ac}\u{1f600}]{0,600}",
            offsets in proptest::collection::vec(0usize..2600, 1..20),
        ) {
            let index = LineIndex::new(&text);
            for offset in offsets {
                proptest::prop_assert_eq!(index.position(offset), position_from_text(&text, offset));
            }
        }
    }

    #[test]
    fn lines_and_wide_characters_past_sixteen_bit_distances_are_found() {
        // A line of 70,000 wide characters, then 200 short lines, then a long ASCII line.
        let mut text = "\u{e5}".repeat(70_000);
        text.push('\n');
        for line in 0..200 {
            text.push_str(&format!("{line}: \u{20ac}x\n"));
        }
        text.push_str(&"a".repeat(70_000));
        text.push_str("\n\u{1f600}z");
        let index = LineIndex::new(&text);
        let mut offset = 0;
        while offset <= text.len() + 1 {
            assert_eq!(
                index.position(offset),
                position_from_text(&text, offset),
                "{offset}"
            );
            offset += 997;
        }
        for offset in [139_999, 140_000, 140_001, text.len() - 1, text.len()] {
            assert_eq!(
                index.position(offset),
                position_from_text(&text, offset),
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
