//! Reading the checked tree: discovery of files, and one parser per format into the spanned
//! [`node::Node`] tree. Nothing here knows about kinds beyond the hint a CSV or a workbook needs
//! for its cells.

pub mod csv;
pub mod dcat;
pub mod discover;
pub mod fides;
pub mod imported;
pub mod json;
mod json_fast;
pub mod mapping;
pub mod markdown;
pub mod node;
pub mod oscal;
pub mod span;
pub mod toml;
pub mod xlsx;
pub mod yaml;
mod yaml_fast;

use std::path::PathBuf;

use rayon::prelude::*;

use crate::progress::{Progress, Stage};

use self::csv::CellType;
use self::node::{Node, Value};
use self::span::{LineIndex, Span};

/// The formats tillsyn reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Toml,
    Yaml,
    Json,
    Markdown,
    Csv,
    /// Excel workbooks: positions are cells, not text (see [`xlsx`]).
    Xlsx,
    /// A DCAT(-AP-SE) catalogue in Turtle, RDF/XML or JSON-LD: `dataset` records (see [`dcat`]).
    Dcat,
    /// An OSCAL document in JSON or YAML: `system` and `risk_analysis` records (see [`oscal`]).
    Oscal,
    /// A fideslang manifest in YAML or JSON: `system` and `processing_activity` records (see
    /// [`fides`]).
    Fides,
}

impl Format {
    /// The format a file's extension says. RDF (`.ttl`, `.rdf`, `.jsonld`, `.nt`) is read as a
    /// DCAT catalogue, the only RDF tillsyn reads; OSCAL and fides files are JSON or YAML by
    /// their extension and are named in `[[sources]]`.
    pub fn from_extension(extension: &str) -> Option<Format> {
        match extension.to_ascii_lowercase().as_str() {
            "toml" => Some(Format::Toml),
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            "md" | "markdown" => Some(Format::Markdown),
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "ttl" | "rdf" | "jsonld" | "nt" => Some(Format::Dcat),
            _ => None,
        }
    }

    /// The formats of other tools, which an importer reads.
    pub const IMPORTED: [Format; 3] = [Format::Dcat, Format::Oscal, Format::Fides];

    /// The importer a `[[sources]]` entry's `format` names.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::IMPORTED
            .into_iter()
            .find(|format| format.name() == name)
    }

    /// The name `format` gives the format in `[[sources]]` (and `import`): `dcat`, `oscal`,
    /// `fides`; the file extension's for tillsyn's own formats and tables.
    pub fn name(self) -> &'static str {
        match self {
            Format::Toml => "toml",
            Format::Yaml => "yaml",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Dcat => "dcat",
            Format::Oscal => "oscal",
            Format::Fides => "fides",
        }
    }

    /// The names `format` may take in `[[sources]]`.
    pub fn importer_names() -> impl Iterator<Item = &'static str> {
        Format::IMPORTED.into_iter().map(Format::name)
    }

    /// For a format whose files are another tool's (DCAT, OSCAL, fides): the kinds of records
    /// it gives. Empty for tillsyn's own formats and for tables, whose kind a mapping names.
    pub fn imported_kinds(self) -> &'static [&'static str] {
        match self {
            Format::Dcat => &["dataset"],
            Format::Oscal => &["system", "risk_analysis"],
            Format::Fides => &["system", "processing_activity"],
            _ => &[],
        }
    }

    /// Whether the format is another tool's, read by an importer into records of the kinds
    /// [`Format::imported_kinds`] names.
    pub fn is_imported(self) -> bool {
        !self.imported_kinds().is_empty()
    }
}

/// Caps that keep a hostile or broken file from exhausting the machine. Each can be set in
/// `tillsyn.toml`'s `[limits]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_depth: usize,
    pub yaml_alias_nodes: usize,
    pub records_per_file: usize,
    /// Findings of one rule in one file beyond this are summarised in one finding.
    pub findings_per_rule_per_file: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 64 * 1024 * 1024,
            max_depth: 64,
            yaml_alias_nodes: 10_000,
            records_per_file: 1_000_000,
            findings_per_rule_per_file: 1_000,
        }
    }
}

impl Limits {
    fn check_depth(&self, depth: usize, span: Span) -> Result<(), ParseError> {
        if depth >= self.max_depth {
            let limit = self.max_depth;
            return Err(ParseError::ours(
                format!("nesting deeper than {limit} levels (limit `max_depth`)"),
                format!("nästlat djupare än {limit} nivåer (gränsen `max_depth`)"),
                span,
            )
            .with_hint(
                "flatten the structure, or raise `[limits] max_depth` in tillsyn.toml",
                "gör strukturen plattare, eller höj `[limits] max_depth` i tillsyn.toml",
            ));
        }
        Ok(())
    }
}

/// Why a file could not be read or parsed, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
    pub hint: Option<String>,
    /// The message and hint in Swedish (boxed: errors are rare, results of parsing are not).
    pub sv: Option<Box<Swedish>>,
}

/// A [`ParseError`]'s words in Swedish.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Swedish {
    /// `None` when the text is a library's: it is shown after a Swedish lead-in.
    pub message: Option<String>,
    pub hint: Option<String>,
}

impl ParseError {
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        ParseError {
            message: message.into(),
            span,
            hint: None,
            sv: None,
        }
    }

    /// An error in our own words, in English and Swedish.
    pub fn ours(message: impl Into<String>, message_sv: impl Into<String>, span: Span) -> Self {
        let mut error = ParseError::new(message, span);
        error.sv.get_or_insert_default().message = Some(message_sv.into());
        error
    }

    /// What to do about it, in English and Swedish.
    pub fn with_hint(mut self, hint: impl Into<String>, hint_sv: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self.sv.get_or_insert_default().hint = Some(hint_sv.into());
        self
    }

    fn shifted(mut self, base: usize) -> Self {
        self.span = self.span.shifted(base);
        self
    }
}

/// A file found by discovery, before it is read.
#[derive(Clone, Debug, PartialEq)]
pub struct FoundFile {
    /// Relative to the root, with `/` separators: what every finding prints.
    pub path: String,
    pub absolute: PathBuf,
    pub format: Format,
    /// The kind that a `[[sources]]` mapping gives the file.
    pub mapped_kind: Option<String>,
    /// The sheet that a `[[sources]]` mapping names, for a workbook.
    pub sheet: Option<String>,
    /// How a mapped register's rows, columns and words become fields (the default for others).
    pub mapping: std::sync::Arc<mapping::Mapping>,
}

/// One file's text and what parsing it gave.
pub struct ParsedFile {
    pub path: String,
    pub format: Format,
    pub mapped_kind: Option<String>,
    /// For a workbook, the sheet read: what its cell references name.
    pub sheet: Option<String>,
    /// Where the file's lines and wide characters are, for positions; the text itself is not
    /// kept. Empty for a workbook, whose spans are cells.
    pub lines: LineIndex,
    pub outcome: Result<Document, ParseError>,
    /// For a file that did not parse, the kind its text declares at the top level
    /// (`kind: system`, `kind = "system"`, `"kind": "system"`), as far as a line-by-line look
    /// can tell: what the records it would have held are.
    pub kind_hint: Option<String>,
    /// What the reader had to assume, for the person running the check (a CSV read as
    /// Windows-1252, a workbook's sheet other than the first).
    pub note: Option<String>,
    /// For a workbook, why its sheet was the one read (for `import`'s report).
    pub sheet_reason: Option<String>,
}

/// A parsed file: its tree (null when the file holds nothing for tillsyn) and, for Markdown,
/// the span of the body.
pub struct Document {
    pub root: Node,
    pub body: Option<Span>,
}

/// Reads and parses every found file in parallel, telling `progress` of each file done. The
/// order of the result is the order of `files`, so that everything downstream stays
/// deterministic.
pub fn parse_all(
    files: &[FoundFile],
    limits: &Limits,
    cell_type: &(dyn Fn(&str, &[&str]) -> CellType + Sync),
    progress: &dyn Progress,
) -> Vec<ParsedFile> {
    progress.start(Stage::Parse, files.len());
    files
        .par_iter()
        .map(|file| {
            let parsed = parse_file(file, limits, cell_type);
            progress.advance(1);
            parsed
        })
        .collect()
}

fn parse_file(
    file: &FoundFile,
    limits: &Limits,
    cell_type: &(dyn Fn(&str, &[&str]) -> CellType + Sync),
) -> ParsedFile {
    if file.format == Format::Xlsx {
        return parse_workbook(file, limits, cell_type);
    }
    let mut note = None;
    let read = if file.format == Format::Csv {
        read_register_text(file, limits).map(|(text, decoded)| {
            note = decoded.map(|encoding| match encoding {
                "windows-1252" => format!(
                    "{}: not UTF-8, read as Windows-1252 (as Excel writes CSV); save it as UTF-8 to be sure",
                    file.path
                ),
                other => format!(
                    "{}: read as {other} (as Excel writes \"Unicode text\"); save it as UTF-8 to be sure",
                    file.path
                ),
            });
            text
        })
    } else {
        read_text(file, limits)
    };
    let (lines, outcome, kind_hint) = match read {
        Ok(text) => {
            let outcome = parse_text(&text, file, limits, cell_type);
            let kind_hint = match outcome {
                Err(_) => imported_kind(file.format).or_else(|| declared_kind(&text, file.format)),
                Ok(_) => None,
            };
            (LineIndex::new(&text), outcome, kind_hint)
        }
        Err((text, error)) => {
            let kind_hint =
                imported_kind(file.format).or_else(|| declared_kind(&text, file.format));
            (LineIndex::new(&text), Err(error), kind_hint)
        }
    };
    ParsedFile {
        path: file.path.clone(),
        format: file.format,
        mapped_kind: file.mapped_kind.clone(),
        sheet: None,
        lines,
        outcome,
        kind_hint,
        note,
        sheet_reason: None,
    }
}

/// A register's text: UTF-8 (a byte-order mark dropped), UTF-16, or else Windows-1252, which
/// every byte sequence decodes as, with the encoding it was decoded from when it was not UTF-8.
/// Spreadsheets export CSV in each.
fn read_register_text(
    file: &FoundFile,
    limits: &Limits,
) -> Result<(String, Option<&'static str>), (String, ParseError)> {
    let bytes = read_bytes(file, limits).map_err(|error| (String::new(), error))?;
    // Excel's "Unicode text" export is UTF-16: decoded, with the note a decoding gets.
    if let Some(encoding) = utf16(&bytes) {
        let (text, _) = encoding.decode_with_bom_removal(&bytes);
        return Ok((text.into_owned(), Some(encoding.name())));
    }
    let bytes = bytes
        .strip_prefix("\u{feff}".as_bytes())
        .map_or(bytes.as_slice(), |rest| rest);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_string(), None)),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok((text.into_owned(), Some("windows-1252")))
        }
    }
}

/// Reads one sheet of a workbook. The file has no text: its spans are cells of the sheet.
fn parse_workbook(
    file: &FoundFile,
    limits: &Limits,
    cell_type: &(dyn Fn(&str, &[&str]) -> CellType + Sync),
) -> ParsedFile {
    let kind = file.mapped_kind.as_deref().unwrap_or_default();
    let sheet = match read_bytes(file, limits) {
        Ok(bytes) => xlsx::parse(
            bytes,
            file.sheet.as_deref(),
            limits,
            &|path| cell_type(kind, path),
            &file.mapping,
        ),
        Err(error) => xlsx::Sheet {
            name: None,
            why: None,
            outcome: Err(error),
        },
    };
    // Reading a sheet other than the first is worth a word on every run: it may not be the one
    // the owner of the register meant.
    let note = match (&sheet.name, &sheet.why) {
        (Some(name), Some(why)) if file.sheet.is_none() && why.contains("before it") => {
            Some(format!("{}: read sheet `{name}`, {why}", file.path))
        }
        _ => None,
    };
    ParsedFile {
        path: file.path.clone(),
        format: file.format,
        mapped_kind: file.mapped_kind.clone(),
        sheet: sheet.name,
        lines: LineIndex::default(),
        outcome: sheet.outcome.map(|root| Document { root, body: None }),
        kind_hint: None,
        note,
        sheet_reason: sheet.why,
    }
}

/// The one kind an importer's format gives, if it gives only one.
fn imported_kind(format: Format) -> Option<String> {
    match format.imported_kinds() {
        [kind] => Some((*kind).to_string()),
        _ => None,
    }
}

/// The kind a file's text declares, read line by line without parsing: a line `kind: NAME` or
/// `kind = "NAME"` at the start of a line (YAML, TOML, front matter), or `"kind": "NAME"`
/// anywhere in JSON. The first such line counts.
fn declared_kind(text: &str, format: Format) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = match format {
            Format::Json => {
                let (_, after) = line.split_once("\"kind\"")?;
                after.trim_start().strip_prefix(':')?
            }
            _ => {
                let after = line.strip_prefix("kind")?.trim_start();
                after
                    .strip_prefix(':')
                    .or_else(|| after.strip_prefix('='))?
            }
        };
        let rest = rest.trim_start();
        let rest = rest
            .strip_prefix('"')
            .or_else(|| rest.strip_prefix('\''))
            .unwrap_or(rest);
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        (!name.is_empty()).then_some(name)
    })
}

/// The file's text without a byte-order mark. On failure, the text that positions refer to
/// (lossy for invalid UTF-8) and the error.
fn read_text(file: &FoundFile, limits: &Limits) -> Result<String, (String, ParseError)> {
    let bytes = read_bytes(file, limits).map_err(|error| (String::new(), error))?;
    if let Some(encoding) = utf16(&bytes) {
        let name = encoding.name();
        return Err((
            String::new(),
            ParseError::ours(
                format!("the file is {name}, not UTF-8"),
                format!("filen är {name}, inte UTF-8"),
                Span::at(0),
            )
            .with_hint("save the file as UTF-8", "spara filen som UTF-8"),
        ));
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(text)
        }
        Err(error) => {
            let valid_up_to = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let valid = error.as_bytes().get(..valid_up_to).unwrap_or_default();
            let offset = String::from_utf8_lossy(valid).len();
            Err((
                text,
                ParseError::ours(
                    "the file is not valid UTF-8",
                    "filen är inte giltig UTF-8",
                    Span::at(offset),
                )
                .with_hint("save the file as UTF-8", "spara filen som UTF-8"),
            ))
        }
    }
}

/// The UTF-16 a text is in, if it is: told by its byte-order mark, or, without one, by the zero
/// bytes that every other byte of Latin text in UTF-16 is.
fn utf16(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    match bytes {
        [0xFF, 0xFE, ..] => return Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF, ..] => return Some(encoding_rs::UTF_16BE),
        _ => {}
    }
    let head = bytes.get(..bytes.len().min(256))?;
    if head.len() < 4 {
        return None;
    }
    let zeros_at = |parity: usize| {
        head.iter()
            .enumerate()
            .filter(|(index, byte)| index % 2 == parity && **byte == 0)
            .count()
    };
    let pairs = head.len() / 2;
    // Mostly zero on one side and hardly ever on the other: UTF-16 of mostly Latin text.
    if zeros_at(1) * 4 >= pairs * 3 && zeros_at(0) * 8 < pairs {
        Some(encoding_rs::UTF_16LE)
    } else if zeros_at(0) * 4 >= pairs * 3 && zeros_at(1) * 8 < pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// The file's bytes, unless it is over `max_file_bytes`.
fn read_bytes(file: &FoundFile, limits: &Limits) -> Result<Vec<u8>, ParseError> {
    use std::io::Read;
    // Opened without following a link, and judged by what was opened: a file swapped for a
    // link (to `../secret.yaml`, or to `/dev/zero`) after discovery is not read through it.
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let mut handle = options.open(&file.absolute).map_err(|error| {
        if is_link_refused(&error) {
            not_a_file("a link", "en länk")
        } else {
            io_error(&error)
        }
    })?;
    let metadata = handle.metadata().map_err(|error| io_error(&error))?;
    if !metadata.is_file() {
        return Err(not_a_file(
            "something other than an ordinary file (a device, a pipe or a directory)",
            "något annat än en vanlig fil (en enhet, ett rör eller en katalog)",
        ));
    }
    // Spans are 32-bit offsets, so no file is read past 4 GiB whatever the limit says.
    let limit = limits.max_file_bytes.min(u64::from(u32::MAX));
    if metadata.len() > limit {
        let size = metadata.len();
        return Err(ParseError::ours(
            format!(
                "the file is {size} bytes, over the limit of {limit} bytes (limit `max_file_bytes`)"
            ),
            format!(
                "filen är {size} byte, över gränsen på {limit} byte (gränsen `max_file_bytes`)"
            ),
            Span::at(0),
        )
        .with_hint(
            "split the register into smaller files, or raise `[limits] max_file_bytes`",
            "dela registret i mindre filer, eller höj `[limits] max_file_bytes`",
        ));
    }
    // Read no further than the limit even if the file grows while it is read.
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    handle
        .by_ref()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| io_error(&error))?;
    if bytes.len() as u64 > limit {
        return Err(ParseError::ours(
            format!(
                "the file grew past the limit of {limit} bytes while it was read (limit `max_file_bytes`)"
            ),
            format!(
                "filen växte förbi gränsen på {limit} byte medan den lästes (gränsen `max_file_bytes`)"
            ),
            Span::at(0),
        ));
    }
    Ok(bytes)
}

/// Whether opening failed because the path is a link (`O_NOFOLLOW` gives `ELOOP`).
fn is_link_refused(error: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        error.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = error;
        false
    }
}

fn not_a_file(what: &str, what_sv: &str) -> ParseError {
    ParseError::ours(
        format!("the file became {what} after it was found, and is not read"),
        format!("filen blev {what_sv} efter att den hittades, och läses inte"),
        Span::at(0),
    )
}

fn io_error(error: &std::io::Error) -> ParseError {
    ParseError::ours(
        format!("cannot read the file: {error}"),
        format!("filen kan inte läsas: {error}"),
        Span::at(0),
    )
}

fn parse_text(
    text: &str,
    file: &FoundFile,
    limits: &Limits,
    cell_type: &(dyn Fn(&str, &[&str]) -> CellType + Sync),
) -> Result<Document, ParseError> {
    let root = match file.format {
        Format::Toml => toml::parse(text, limits)?,
        Format::Yaml => yaml::parse(text, limits)?,
        Format::Json if text.trim().is_empty() => Node::new(Value::Null, Span::at(0)),
        Format::Json => json::parse(text, limits)?,
        Format::Markdown => {
            let front = markdown::parse(text, limits)?;
            return Ok(Document {
                root: front.root,
                body: Some(front.body),
            });
        }
        Format::Csv => {
            let kind = file.mapped_kind.as_deref().unwrap_or_default();
            csv::parse(text, &|path| cell_type(kind, path), &file.mapping)?
        }
        Format::Dcat => dcat::parse(text, &file.path, limits)?,
        Format::Oscal => {
            oscal::parse_with_levels(text, &file.path, limits, &file.mapping.impact_levels)?
        }
        Format::Fides => fides::parse(text, &file.path, limits)?,
        // Workbooks are read by `parse_workbook`, never as text.
        Format::Xlsx => Node::new(Value::Null, Span::at(0)),
    };
    Ok(Document { root, body: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_declared_kind_is_read_from_a_text_that_does_not_parse() {
        let kind = |text: &str, format| declared_kind(text, format);
        assert_eq!(
            kind("# risks\nkind: risk\nrecords:\n  - id: [", Format::Yaml).as_deref(),
            Some("risk")
        );
        assert_eq!(
            kind(
                "kind = \"governing_document\"\nvalid_from = 2026-13-01",
                Format::Toml
            )
            .as_deref(),
            Some("governing_document")
        );
        assert_eq!(
            kind(
                "{\n  // no comments\n  \"kind\": \"incident\",",
                Format::Json
            )
            .as_deref(),
            Some("incident")
        );
        // Not at the top level, or not a name: no kind.
        assert_eq!(kind("records:\n  kind: risk\n", Format::Yaml), None);
        assert_eq!(kind("kindness: 3\n", Format::Yaml), None);
        assert_eq!(kind("{\"a\": 1,", Format::Json), None);
    }
}
