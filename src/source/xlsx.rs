//! Excel registers (`.xlsx`, read with calamine) to the spanned tree: one sheet to one kind, the
//! header row names the fields and every following non-empty row is a record, read and typed
//! exactly as a CSV register is (see [`super::csv`]).
//!
//! A cell has no byte offset, so a workbook's spans are offsets into the sheet's grid of cells
//! instead of into a text: `row × 16 384 + column` (both 0-based; 16 384 is Excel's column
//! count). A position is then line = row and column = column number (both 1-based), and
//! [`cell_reference`] names the cell the way Excel does (`Assets!C12`). An empty span points at
//! no cell: the workbook as a whole.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx, XlsxError};

use super::csv::{self, CellType, ItemSpans};
use super::mapping::Mapping;
use super::node::Node;
use super::span::{Position, Span};
use super::{Limits, ParseError};

/// The width of a row in the grid of offsets. Spans are 32-bit, and 4,096 columns times Excel's
/// 1,048,576 rows fill exactly that; a register with more than 4,096 columns (beyond `FNP`) has
/// the cells past it reported at its last column.
pub const COLUMNS: usize = 4_096;

/// The span of one cell (0-based row and column, as calamine counts them).
pub fn cell_span(row: u32, column: u32) -> Span {
    let start = cell_offset(row, column);
    Span::new(start, start + 1)
}

fn cell_offset(row: u32, column: u32) -> usize {
    (row as usize) * COLUMNS + (column as usize).min(COLUMNS - 1)
}

/// The 1-based row (as the line) and column number of an offset into the grid.
pub fn position(offset: usize) -> Position {
    Position {
        line: offset / COLUMNS + 1,
        column: offset % COLUMNS + 1,
    }
}

/// The cell a span points at, as Excel writes it (`Assets!C12`, `'Risk register'!A3`); `None`
/// for an empty span, which points at the workbook rather than a cell.
pub fn cell_reference(sheet: &str, span: Span) -> Option<String> {
    if span.end() <= span.start() {
        return None;
    }
    let position = position(span.start());
    Some(format!(
        "{}!{}{}",
        quoted_sheet(sheet),
        column_letters(position.column),
        position.line
    ))
}

/// A 1-based column number in letters: 1 → `A`, 27 → `AA`.
pub fn column_letters(column: usize) -> String {
    let mut letters = Vec::new();
    let mut rest = column;
    while rest > 0 {
        let digit = (rest - 1) % 26;
        letters.push(char::from(b'A' + digit as u8));
        rest = (rest - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// A sheet name as a formula would write it: quoted when it holds anything but letters, digits
/// and underscores, with quotes inside doubled.
fn quoted_sheet(sheet: &str) -> String {
    if !sheet.is_empty() && sheet.chars().all(|c| c.is_alphanumeric() || c == '_') {
        sheet.to_string()
    } else {
        format!("'{}'", sheet.replace('\'', "''"))
    }
}

/// What reading a workbook gave: the sheet read (when the workbook opened far enough to choose
/// one) and the records, or why there are none.
pub struct Sheet {
    pub name: Option<String>,
    /// Why this sheet was read, in words for the person running tillsyn: `as named`, `the first
    /// sheet`, or, when it is not the first, which sheets came before it and why they were not.
    pub why: Option<String>,
    pub outcome: Result<Node, ParseError>,
}

/// Reads the records of one sheet (`sheet`, or the first) of a workbook's bytes. Reading stops
/// after `records_per_file` + 1 records, so that a huge sheet costs no more than the limit; the
/// repository reports the records beyond it.
pub fn parse(
    bytes: Vec<u8>,
    sheet: Option<&str>,
    limits: &Limits,
    cell_type: &dyn Fn(&[&str]) -> CellType,
    mapping: &Mapping,
) -> Sheet {
    if let Err(error) =
        refuse_compound_file(&bytes).and_then(|()| check_unpacked_size(&bytes, limits))
    {
        return Sheet {
            name: None,
            why: None,
            outcome: Err(error),
        };
    }
    let mut workbook = match Xlsx::new(Cursor::new(bytes)) {
        Ok(workbook) => workbook,
        Err(error) => {
            return Sheet {
                name: None,
                why: None,
                outcome: Err(open_error(&error)),
            };
        }
    };
    let names = workbook.sheet_names();
    let why;
    let name = match sheet {
        Some(wanted) if names.iter().any(|name| name == wanted) => {
            why = Some("the sheet named in the mapping".to_string());
            wanted.to_string()
        }
        Some(wanted) => {
            return Sheet {
                name: None,
                why: None,
                outcome: Err(ParseError::ours(
                    format!(
                        "the workbook has no sheet `{wanted}`; its sheets are: {}",
                        quoted_list(&names, "none")
                    ),
                    format!(
                        "arbetsboken har inget blad `{wanted}`; dess blad är: {}",
                        quoted_list(&names, "inga")
                    ),
                    Span::at(0),
                )
                .with_hint(
                    "set `sheet` in this file's [[sources]] mapping in tillsyn.toml to one of them",
                    "sätt `sheet` i filens [[sources]]-mappning i tillsyn.toml till ett av dem",
                )),
            };
        }
        None if names.len() > 1 => {
            let (name, reason) = first_sheet_of_the_kind(&mut workbook, &names, cell_type, mapping);
            why = Some(reason);
            name
        }
        None => match names.first() {
            Some(first) => {
                why = Some("the workbook's only sheet".to_string());
                first.clone()
            }
            None => {
                return Sheet {
                    name: None,
                    why: None,
                    outcome: Err(ParseError::ours(
                        "the workbook has no sheets",
                        "arbetsboken har inga blad",
                        Span::at(0),
                    )
                    .with_hint(
                        "add a sheet with a header row of field names",
                        "lägg till ett blad med en rubrikrad av fältnamn",
                    )),
                };
            }
        },
    };
    let outcome = read_sheet(&mut workbook, &name, limits, cell_type, mapping);
    Sheet {
        name: Some(name),
        why,
        outcome,
    }
}

/// Without a named sheet: the first sheet whose header row names a field of the kind, so that a
/// title or instructions sheet in front of the register is passed over; the first sheet when
/// none does (its header is then reported field by field). With why, in words.
fn first_sheet_of_the_kind(
    workbook: &mut Xlsx<Cursor<Vec<u8>>>,
    names: &[String],
    cell_type: &dyn Fn(&[&str]) -> CellType,
    mapping: &Mapping,
) -> (String, String) {
    let first_row = mapping.header_row.map_or(0, |row| {
        u32::try_from(row.saturating_sub(1)).unwrap_or(u32::MAX)
    });
    let names_a_field = |header: &str| {
        let path: Vec<&str> = mapping.field(header.trim()).split('.').collect();
        cell_type(&path) != CellType::Unknown
    };
    for (index, name) in names.iter().enumerate() {
        let Ok(mut reader) = workbook.worksheet_cells_reader(name) else {
            continue;
        };
        let mut header_row = None;
        let mut matches = false;
        while let Ok(Some(cell)) = reader.next_cell() {
            let (row, _) = cell.get_position();
            if row < first_row {
                continue;
            }
            let text = cell_text(cell.get_value());
            if text.trim().is_empty() {
                continue;
            }
            match header_row {
                Some(header) if header != row => break,
                _ => header_row = Some(row),
            }
            if names_a_field(&text) {
                matches = true;
                break;
            }
        }
        if matches {
            let reason = match index {
                0 => "the first sheet, and its header names fields of the kind".to_string(),
                _ => format!(
                    "the first sheet whose header names fields of the kind; {} before it do{} not",
                    quoted_list(names.get(..index).unwrap_or_default(), "none"),
                    if index == 1 { "es" } else { "" }
                ),
            };
            return (name.clone(), reason);
        }
    }
    (
        names.first().cloned().unwrap_or_default(),
        "the first sheet: no sheet's header names a field of the kind".to_string(),
    )
}

/// The signature of an OLE compound file: what an encrypted workbook and an old `.xls` are.
const COMPOUND_FILE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Refuses a compound file before calamine opens it: an `.xlsx` is a zip, and calamine's
/// compound-file reader (which it runs to detect encryption) can loop forever on a crafted one.
/// An encrypted workbook is told apart by its `EncryptedPackage` stream, named in UTF-16.
fn refuse_compound_file(bytes: &[u8]) -> Result<(), ParseError> {
    if !bytes.starts_with(COMPOUND_FILE) {
        return Ok(());
    }
    let encrypted_name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let encrypted = bytes
        .windows(encrypted_name.len())
        .any(|window| window == encrypted_name.as_slice());
    Err(if encrypted {
        open_error(&XlsxError::Password)
    } else {
        ParseError::ours(
            "the file is an old-format Excel workbook (.xls) or another Office file, not an .xlsx",
            "filen är en Excel-arbetsbok i det gamla formatet (.xls) eller en annan Office-fil, inte en .xlsx",
            Span::at(0),
        )
        .with_hint(
            "open it in Excel and save it as “Excel Workbook (.xlsx)”",
            "öppna den i Excel och spara den som ”Excel-arbetsbok (.xlsx)”",
        )
    })
}

/// How many times `max_file_bytes` a workbook may unpack to: XML compresses about tenfold, so
/// a workbook within the file limit stays within this one, and a zip bomb does not.
pub const UNPACKED_FACTOR: u64 = 16;

/// How many times its own size a workbook may unpack to, beyond `UNPACKED_FLOOR`. Registers
/// Excel writes unpack to 5–15 times their size; a zip bomb of empty cells, to a thousand.
pub const UNPACKED_RATIO: u64 = 100;

/// What any workbook may unpack to whatever its size, so that a small workbook is never judged
/// by its ratio: 64 MiB of XML is read in about a second.
pub const UNPACKED_FLOOR: u64 = 64 * 1024 * 1024;

/// Refuses a workbook whose parts, by the sizes its zip directory declares, unpack to more than
/// `UNPACKED_FACTOR` × `max_file_bytes`, or to more than `UNPACKED_RATIO` times the workbook's
/// own size (and `UNPACKED_FLOOR`), before anything is unpacked; then holds each part to the
/// size declared for it.
fn check_unpacked_size(bytes: &[u8], limits: &Limits) -> Result<(), ParseError> {
    // Not a zip at all: calamine says so, in its own words.
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let limit = u128::from(limits.max_file_bytes.saturating_mul(UNPACKED_FACTOR));
    let ratio_limit = u128::from(UNPACKED_FLOOR).max(
        u128::try_from(bytes.len())
            .unwrap_or(u128::MAX)
            .saturating_mul(u128::from(UNPACKED_RATIO)),
    );
    // The sizes of the central directory, which every writer fills in (the zip crate's own
    // total gives up on parts streamed with data descriptors, as most writers stream them).
    let mut size: u128 = 0;
    for index in 0..archive.len() {
        if let Ok(part) = archive.by_index_raw(index) {
            size = size.saturating_add(u128::from(part.size()));
        }
    }
    if size > limit {
        return Err(ParseError::ours(
            format!(
                "the workbook unpacks to {size} bytes, over the limit of {limit} bytes ({UNPACKED_FACTOR} × `max_file_bytes`)"
            ),
            format!(
                "arbetsboken packas upp till {size} byte, över gränsen på {limit} byte ({UNPACKED_FACTOR} × `max_file_bytes`)"
            ),
            Span::at(0),
        )
        .with_hint(
            "split the register into smaller workbooks, or raise `[limits] max_file_bytes`",
            "dela registret i mindre arbetsböcker, eller höj `[limits] max_file_bytes`",
        ));
    }
    if size > ratio_limit {
        let own = bytes.len();
        return Err(ParseError::ours(
            format!(
                "the workbook unpacks to {size} bytes, more than {UNPACKED_RATIO} times its own {own} bytes: a workbook Excel writes unpacks to some 5 to 15 times its size, so this one is damaged or made to exhaust memory"
            ),
            format!(
                "arbetsboken packas upp till {size} byte, mer än {UNPACKED_RATIO} gånger sina egna {own} byte: en arbetsbok som Excel skriver packas upp till 5–15 gånger sin storlek, så den här är skadad eller gjord för att fylla minnet"
            ),
            Span::at(0),
        )
        .with_hint(
            "open and save the workbook again in Excel, or export the sheet as CSV",
            "öppna och spara arbetsboken igen i Excel, eller exportera bladet som CSV",
        ));
    }
    inflated_as_declared(&mut archive)
}

/// Refuses a workbook with a part that unpacks to more than its zip directory declares: the
/// declared sizes are what the limit was judged by, and the zip reader does not hold a part to
/// them, so a part declaring 1,000 bytes could otherwise unpack to gigabytes inside calamine.
/// Each part is unpacked once, up to one byte past its declared size, into nothing.
fn inflated_as_declared(archive: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<(), ParseError> {
    use std::io::Read;
    for index in 0..archive.len() {
        // A part that cannot be opened is left to calamine, which says why in its own words.
        let Ok(part) = archive.by_index(index) else {
            continue;
        };
        let declared = part.size();
        let name = part.name().to_string();
        let mut bounded = part.take(declared.saturating_add(1));
        let Ok(unpacked) = std::io::copy(&mut bounded, &mut std::io::sink()) else {
            continue;
        };
        if unpacked > declared {
            return Err(ParseError::ours(
                format!(
                    "the workbook's part `{name}` unpacks to more than the {declared} bytes its zip directory declares: the file is damaged or made to exhaust memory"
                ),
                format!(
                    "arbetsbokens del `{name}` packas upp till mer än de {declared} byte som dess zip-katalog anger: filen är skadad eller gjord för att fylla minnet"
                ),
                Span::at(0),
            )
            .with_hint(
                "open and save the workbook again in Excel, or export the sheet as CSV",
                "öppna och spara arbetsboken igen i Excel, eller exportera bladet som CSV",
            ));
        }
    }
    Ok(())
}

fn quoted_list(names: &[String], none: &str) -> String {
    if names.is_empty() {
        return none.to_string();
    }
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn open_error(error: &XlsxError) -> ParseError {
    match error {
        XlsxError::Password => ParseError::ours(
            "the workbook is encrypted (password protected)",
            "arbetsboken är krypterad (lösenordsskyddad)",
            Span::at(0),
        )
        .with_hint(
            "save a copy without a password to open it (File → Info → Protect Workbook), and map that copy",
            "spara en kopia utan lösenord (Arkiv → Information → Skydda arbetsbok) och mappa den kopian",
        ),
        XlsxError::Zip(_) | XlsxError::Io(_) => ParseError::ours(
            format!("the file is not an Excel workbook that can be read: {error}"),
            format!("filen är ingen Excel-arbetsbok som kan läsas: {error}"),
            Span::at(0),
        )
        .with_hint(
            "save it from Excel as “Excel Workbook (.xlsx)”; .xls, .xlsb and .ods are not read",
            "spara den från Excel som ”Excel-arbetsbok (.xlsx)”; .xls, .xlsb och .ods läses inte",
        ),
        _ => ParseError::ours(
            format!("the workbook cannot be read: {error}"),
            format!("arbetsboken kan inte läsas: {error}"),
            Span::at(0),
        )
        .with_hint(
            "open and save it again in Excel, or export the sheet as CSV",
            "öppna och spara den igen i Excel, eller exportera bladet som CSV",
        ),
    }
}

/// A non-empty row of the sheet: its 0-based row number and its non-empty cells in column order.
struct SheetRow {
    row: u32,
    cells: Vec<(u32, String)>,
}

fn read_sheet(
    workbook: &mut Xlsx<Cursor<Vec<u8>>>,
    name: &str,
    limits: &Limits,
    cell_type: &dyn Fn(&[&str]) -> CellType,
    mapping: &Mapping,
) -> Result<Node, ParseError> {
    // Rows above the header row (1-based, as Excel numbers them) are titles.
    let first_row = mapping.header_row.map_or(0, |row| {
        u32::try_from(row.saturating_sub(1)).unwrap_or(u32::MAX)
    });
    let unreadable = |error: XlsxError| {
        ParseError::ours(
            format!("the sheet `{name}` cannot be read: {error}"),
            format!("bladet `{name}` kan inte läsas: {error}"),
            Span::at(0),
        )
        .with_hint(
            "open and save it again in Excel, or export the sheet as CSV",
            "öppna och spara den igen i Excel, eller exportera bladet som CSV",
        )
    };
    let mut reader = workbook.worksheet_cells_reader(name).map_err(&unreadable)?;
    // The header, the records the limit allows, and one more so that the repository sees the
    // sheet is over the limit.
    let most_rows = limits.records_per_file.saturating_add(2);
    let mut rows: Vec<SheetRow> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(&unreadable)? {
        let (row, column) = cell.get_position();
        if row < first_row {
            continue;
        }
        let text = cell_text(cell.get_value());
        if text.trim().is_empty() {
            continue;
        }
        match rows.last_mut() {
            Some(last) if last.row == row => last.cells.push((column, text)),
            _ => {
                if rows.len() >= most_rows {
                    break;
                }
                rows.push(SheetRow {
                    row,
                    cells: vec![(column, text)],
                });
            }
        }
    }
    drop(reader);
    if let Some(error) = formula_without_value(workbook, name, &rows)? {
        return Err(error);
    }
    let mut rows = rows.into_iter();
    let Some(header) = rows.next() else {
        return Err(ParseError::ours(
            format!("the sheet `{name}` is empty"),
            format!("bladet `{name}` är tomt"),
            Span::at(0),
        )
        .with_hint(
            "put the field names in the first row (`id`, `name`, …) and one record in each row below",
            "skriv fältnamnen på första raden (`id`, `name`, …) och en post på varje rad under",
        ));
    };
    let first = header
        .cells
        .iter()
        .map(|(column, _)| *column)
        .min()
        .unwrap_or(0);
    let last = header
        .cells
        .iter()
        .map(|(column, _)| *column)
        .max()
        .unwrap_or(0);
    let mut grid_rows = vec![grid_row(&header, first, last)];
    for row in rows {
        if let Some((column, _)) = row
            .cells
            .iter()
            .find(|(column, _)| *column < first || *column > last)
        {
            let (from, to) = (
                column_letters(first as usize + 1),
                column_letters(last as usize + 1),
            );
            let header_row = header.row + 1;
            return Err(ParseError::ours(
                format!(
                    "this cell is outside the header's columns {from}–{to}, so it has no field name"
                ),
                format!(
                    "cellen ligger utanför rubrikradens kolumner {from}–{to}, så den har inget fältnamn"
                ),
                cell_span(row.row, *column),
            )
            .with_hint(
                format!("name the column in the header row (row {header_row}), or clear the cell"),
                format!("namnge kolumnen i rubrikraden (rad {header_row}), eller töm cellen"),
            ));
        }
        grid_rows.push(grid_row(&row, first, last));
    }
    csv::records(
        grid_rows.into_iter(),
        Span::at(0),
        cell_type,
        ItemSpans::Cell,
        mapping,
    )
}

/// A formula cell whose value the workbook does not hold — saved by a program that writes
/// formulas without calculating them — reads as empty, and a record would lose the field without
/// a word. Such a cell is an error at the first of them. The sheet is read a second time, for its
/// formulas, only when a record row has an empty cell among the header's columns.
fn formula_without_value(
    workbook: &mut Xlsx<Cursor<Vec<u8>>>,
    name: &str,
    rows: &[SheetRow],
) -> Result<Option<ParseError>, ParseError> {
    let Some((header, records)) = rows.split_first() else {
        return Ok(None);
    };
    let width = header.cells.len();
    if records.iter().all(|row| row.cells.len() >= width) {
        return Ok(None);
    }
    let (Some(first), Some(last)) = (
        header.cells.iter().map(|(column, _)| *column).min(),
        header.cells.iter().map(|(column, _)| *column).max(),
    ) else {
        return Ok(None);
    };
    let last_row = records.last().map_or(header.row, |row| row.row);
    let has_value = |row: u32, column: u32| {
        records
            .binary_search_by_key(&row, |record| record.row)
            .ok()
            .and_then(|index| records.get(index))
            .is_some_and(|record| record.cells.iter().any(|(at, _)| *at == column))
    };
    let unreadable = |error: XlsxError| {
        ParseError::ours(
            format!("the formulas of the sheet `{name}` cannot be read: {error}"),
            format!("formlerna i bladet `{name}` kan inte läsas: {error}"),
            Span::at(0),
        )
    };
    let mut reader = workbook.worksheet_cells_reader(name).map_err(&unreadable)?;
    let mut found: Option<(u32, u32)> = None;
    let mut count = 0usize;
    while let Some(cell) = reader.next_formula().map_err(&unreadable)? {
        let (row, column) = cell.get_position();
        if row > last_row {
            break;
        }
        if row <= header.row || column < first || column > last || cell.get_value().is_empty() {
            continue;
        }
        if !has_value(row, column) {
            count += 1;
            found.get_or_insert((row, column));
        }
    }
    Ok(found.map(|(row, column)| {
        let others = match count {
            0 | 1 => String::new(),
            more => format!(" (and {} more such cells)", more - 1),
        };
        let others_sv = match count {
            0 | 1 => String::new(),
            more => format!(" (och {} celler till)", more - 1),
        };
        ParseError::ours(
            format!(
                "this cell holds a formula whose value the workbook does not hold{others}: it was saved by a program that does not calculate formulas"
            ),
            format!(
                "cellen innehåller en formel vars värde arbetsboken inte har sparat{others_sv}: den sparades av ett program som inte räknar ut formler"
            ),
            cell_span(row, column),
        )
        .with_hint(
            "open the workbook in Excel (or LibreOffice) and save it, so that each formula's value is saved with it",
            "öppna arbetsboken i Excel (eller LibreOffice) och spara den, så att varje formels värde sparas med den",
        )
    }))
}

/// A row with one cell per header column (`first` to `last`), empty where the sheet has none.
fn grid_row(row: &SheetRow, first: u32, last: u32) -> csv::Row {
    let mut cells: Vec<csv::Cell> = (first..=last)
        .map(|column| csv::Cell {
            text: String::new(),
            span: cell_span(row.row, column),
        })
        .collect();
    for (column, text) in &row.cells {
        if let Some(cell) = column
            .checked_sub(first)
            .and_then(|index| cells.get_mut(index as usize))
        {
            cell.text.clone_from(text);
        }
    }
    csv::Row {
        cells,
        span: Span::new(cell_offset(row.row, first), cell_offset(row.row, last) + 1),
    }
}

/// A cell's value as the text a CSV register would hold: numbers without a needless `.0`,
/// booleans as `true`/`false`, date cells as ISO dates (`2026-03-01`, with the time only when
/// there is one), Excel errors as Excel shows them (`#REF!`).
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(text) => text.clone(),
        DataRef::SharedString(text) => (*text).to_string(),
        DataRef::Int(number) => number.to_string(),
        DataRef::Float(number) => float_text(*number),
        DataRef::Bool(flag) => flag.to_string(),
        DataRef::DateTime(date) if date.is_datetime() => {
            let (year, month, day, hour, minute, second, _) = date.to_ymd_hms_milli();
            if (hour, minute, second) == (0, 0, 0) {
                format!("{year:04}-{month:02}-{day:02}")
            } else {
                format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}")
            }
        }
        DataRef::DateTime(duration) => float_text(duration.as_f64()),
        DataRef::DateTimeIso(text) => text.strip_suffix("T00:00:00").unwrap_or(text).to_string(),
        DataRef::DurationIso(text) => text.clone(),
        DataRef::Error(error) => error.to_string(),
    }
}

fn float_text(number: f64) -> String {
    // Whole numbers that Excel stores as floats read as integers (2 rather than 2.0).
    if number.fract() == 0.0 && number.abs() < 9_007_199_254_740_992.0 {
        format!("{}", number as i64)
    } else {
        number.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(16_384), "XFD");
        assert_eq!(
            cell_reference("Assets", cell_span(11, 2)).as_deref(),
            Some("Assets!C12")
        );
        assert_eq!(
            cell_reference("Risk register", cell_span(0, 0)).as_deref(),
            Some("'Risk register'!A1")
        );
        assert_eq!(cell_reference("Assets", Span::at(0)), None);
        assert_eq!(
            position(cell_span(11, 2).start()),
            Position {
                line: 12,
                column: 3
            }
        );
    }

    #[test]
    fn numbers_read_like_csv_text() {
        assert_eq!(float_text(2.0), "2");
        assert_eq!(float_text(2.5), "2.5");
        assert_eq!(float_text(-0.0), "0");
    }
}
