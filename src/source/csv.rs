//! CSV registers (RFC 4180) to the spanned tree: one record per row, keyed by the header row.
//!
//! A dotted header (`classification.confidentiality`) fills a nested field, a list cell separates
//! its items with `;`, an empty cell is an absent field, and each cell is converted to the type
//! that the kind's schema asks for. Spans are kept per cell, so a finding points at the row's line
//! and the cell's column. The tokenizer is our own because the `csv` crate does not report where a
//! field starts.

use super::ParseError;
use super::mapping::{DateForms, Mapping};
use super::node::{Entry, Key, List, Node, Value};
use super::span::Span;

/// The type a kind's schema asks for at a (possibly dotted) column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CellType {
    String,
    Integer,
    Number,
    Boolean,
    /// A calendar date (`YYYY-MM-DD`); other forms are read only when the mapping says so.
    Date,
    List(Box<CellType>),
    /// Not known to the schema: kept as text, and the schema reports the unknown field.
    Unknown,
}

/// One cell's text and where it lies: in a CSV the span of its content, in a workbook the
/// cell's place in the grid (see [`super::xlsx`]).
pub struct Cell {
    pub text: String,
    pub span: Span,
}

/// One row of cells and the span of the whole row.
pub struct Row {
    pub cells: Vec<Cell>,
    pub span: Span,
}

/// Where the items of a list cell (`a; b`) point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemSpans {
    /// At the item's own text inside the cell (CSV, where the cell's text is the file's).
    WithinCell,
    /// At the cell itself (a workbook cell has no text positions inside it).
    Cell,
}

pub fn parse(
    text: &str,
    cell_type: &dyn Fn(&[&str]) -> CellType,
    mapping: &Mapping,
) -> Result<Node, ParseError> {
    // Title rows above the header are skipped by line, before any is split into cells: they
    // need not have the header's delimiter or number of cells.
    let start = match mapping.header_row {
        Some(row) if row > 1 => text
            .match_indices('\n')
            .nth(row - 2)
            .map_or(text.len(), |(position, _)| position + 1),
        _ => 0,
    };
    let header_line = text[start..]
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or_default();
    let delimiter = mapping.delimiter_of(header_line);
    let rows = tokenize(text, start, delimiter)?;
    let rows = rows
        .into_iter()
        .filter(|row| !matches!(row.cells.as_slice(), [only] if only.text.is_empty()));
    records(
        rows,
        Span::new(0, text.len()),
        cell_type,
        ItemSpans::WithinCell,
        mapping,
    )
}

/// Rows to records: the first row is the header, every other row a record keyed by it, each cell
/// typed by the kind's schema. Shared by CSV and Excel registers, so that both read alike.
pub fn records(
    mut rows: impl Iterator<Item = Row>,
    whole: Span,
    cell_type: &dyn Fn(&[&str]) -> CellType,
    item_spans: ItemSpans,
    mapping: &Mapping,
) -> Result<Node, ParseError> {
    let Some(header) = rows.next() else {
        return Ok(Node::new(Value::Sequence(List::new()), whole));
    };
    let columns = header_columns(&header.cells, mapping)?;
    let types: Vec<CellType> = columns
        .iter()
        .map(|column| cell_type(&column.path.iter().map(String::as_str).collect::<Vec<_>>()))
        .collect();
    let mut records = Vec::new();
    for row in rows {
        if row.cells.len() != columns.len() {
            let span = row
                .cells
                .get(columns.len())
                .map_or(row.span, |cell| cell.span);
            let (cells, header) = (row.cells.len(), columns.len());
            return Err(ParseError::ours(
                format!("this row has {cells} cells but the header has {header}"),
                format!("raden har {cells} celler men rubrikraden har {header}"),
                span,
            )
            .with_hint(
                "every row needs one cell per header column; quote cells that contain commas",
                "varje rad behöver en cell per kolumn i rubrikraden; sätt celler som innehåller kommatecken inom citattecken",
            ));
        }
        let mut entries = Vec::with_capacity(columns.len());
        for ((column, cell), cell_type) in columns.iter().zip(row.cells).zip(&types) {
            if cell.text.trim().is_empty() {
                continue;
            }
            let value = match mapping.value(&column.field, &cell.text) {
                Some(value) => Node::new(value, cell.span),
                None => typed(&cell.text, cell.span, cell_type, item_spans, mapping.dates),
            };
            insert(&mut entries, &column.keys, column.span, value);
        }
        records.push(Node::new(Value::Map(entries.into()), row.span));
    }
    Ok(Node::new(Value::Sequence(records.into()), whole))
}

struct Column {
    /// The field path, dotted (`classification.confidentiality`).
    field: String,
    path: Vec<String>,
    /// The path's keys, made once for every row.
    keys: Vec<Key>,
    span: Span,
}

fn header_columns(cells: &[Cell], mapping: &Mapping) -> Result<Vec<Column>, ParseError> {
    let mut columns: Vec<Column> = Vec::with_capacity(cells.len());
    // A hostile header of a million cells must not be compared cell by cell with every other.
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for cell in cells {
        let name = mapping.field(cell.text.trim()).trim();
        if name.is_empty() || name.split('.').any(str::is_empty) {
            return Err(ParseError::ours("a header cell is empty", "en cell i rubrikraden är tom", cell.span)
                .with_hint(
                    "name every column after the field it holds, e.g. `id` or `classification.confidentiality`",
                    "namnge varje kolumn efter fältet den innehåller, t.ex. `id` eller `classification.confidentiality`",
                ));
        }
        if !seen.insert(name) {
            return Err(ParseError::ours(
                format!("the column `{name}` appears twice in the header"),
                format!("kolumnen `{name}` förekommer två gånger i rubrikraden"),
                cell.span,
            ));
        }
        columns.push(Column {
            field: name.to_string(),
            path: name.split('.').map(str::to_string).collect(),
            keys: name.split('.').map(Key::from).collect(),
            span: cell.span,
        });
    }
    Ok(columns)
}

fn typed(
    text: &str,
    span: Span,
    cell_type: &CellType,
    item_spans: ItemSpans,
    dates: DateForms,
) -> Node {
    let trimmed = text.trim();
    let value = match cell_type {
        CellType::Integer => trimmed.parse().map(Value::Integer).ok(),
        CellType::Number => trimmed.parse::<i64>().map(Value::Integer).ok().or_else(|| {
            // A decimal comma, as Swedish spreadsheets write it: `3,5`.
            let point = match trimmed.split_once(',') {
                Some((whole, fraction))
                    if !whole.is_empty()
                        && whole
                            .trim_start_matches('-')
                            .bytes()
                            .all(|b| b.is_ascii_digit())
                        && !fraction.is_empty()
                        && fraction.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    format!("{whole}.{fraction}")
                }
                _ => trimmed.to_string(),
            };
            point
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(Value::Float)
        }),
        CellType::Boolean => match trimmed {
            "true" | "TRUE" | "True" => Some(Value::Bool(true)),
            "false" | "FALSE" | "False" => Some(Value::Bool(false)),
            _ => None,
        },
        CellType::List(item_type) => {
            let mut offset = 0;
            let items: List<Node> = text
                .split(';')
                .filter_map(|item| {
                    // Item spans are exact unless the cell doubled a quote before the item.
                    let start = span.start() + offset;
                    offset += item.len() + 1;
                    let leading = item.len() - item.trim_start().len();
                    let item_span = match item_spans {
                        ItemSpans::WithinCell => {
                            Span::new(start + leading, start + leading + item.trim().len())
                        }
                        ItemSpans::Cell => span,
                    };
                    (!item.trim().is_empty())
                        .then(|| typed(item, item_span, item_type, item_spans, dates))
                })
                .collect();
            Some(Value::Sequence(items))
        }
        CellType::Date => match dates {
            DateForms::Iso => None,
            DateForms::Swedish => super::mapping::swedish_date(trimmed)
                .map(|date| Value::String(date.to_string().as_str().into())),
        },
        CellType::String | CellType::Unknown => None,
    };
    // A cell that does not convert stays text, so that the schema names the type it wanted.
    Node::new(value.unwrap_or_else(|| Value::String(trimmed.into())), span)
}

/// Adds a cell's value to a record's entries at a dotted path (`classification.confidentiality`
/// goes into the table `classification`, made by the first of its columns).
fn insert(entries: &mut Vec<Entry>, path: &[Key], key_span: Span, value: Node) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        entries.push(Entry::new(first.clone(), key_span, value));
        return;
    }
    let position = match entries.iter().position(|entry| entry.key == *first) {
        Some(position) => position,
        None => {
            entries.push(Entry::new(
                first.clone(),
                key_span,
                Node::new(Value::Map(List::new()), value.span()),
            ));
            entries.len() - 1
        }
    };
    if let Some(Value::Map(inner)) = entries
        .get_mut(position)
        .map(|entry| &mut entry.value.value)
    {
        let mut list = Vec::from(std::mem::take(inner));
        insert(&mut list, rest, key_span, value);
        *inner = list.into();
    }
}

/// Splits the text into rows of cells, each with the span of its content. Quoted cells may hold
/// commas, doubled quotes and line breaks.
fn tokenize(text: &str, start: usize, delimiter: u8) -> Result<Vec<Row>, ParseError> {
    let bytes = text.as_bytes();
    let mut rows = Vec::new();
    let mut position = start;
    while position < bytes.len() {
        let row_start = position;
        let mut cells = Vec::new();
        loop {
            let (cell, next) = read_cell(text, position, delimiter)?;
            cells.push(cell);
            position = next;
            match bytes.get(position) {
                Some(byte) if *byte == delimiter => position += 1,
                Some(b'\r') if bytes.get(position + 1) == Some(&b'\n') => {
                    position += 2;
                    break;
                }
                Some(b'\n') | Some(b'\r') => {
                    position += 1;
                    break;
                }
                None => break,
                Some(_) => {
                    return Err(ParseError::ours(
                        "unexpected text after a quoted cell",
                        "oväntad text efter en cell inom citattecken",
                        Span::at(position),
                    )
                    .with_hint(
                        "a quoted cell must end at the delimiter or the end of the line",
                        "en cell inom citattecken måste sluta vid avgränsaren eller vid radens slut",
                    ));
                }
            }
        }
        let row_end = text[..position]
            .trim_end_matches(['\r', '\n'])
            .len()
            .max(row_start);
        rows.push(Row {
            cells,
            span: Span::new(row_start, row_end),
        });
    }
    Ok(rows)
}

fn read_cell(text: &str, start: usize, delimiter: u8) -> Result<(Cell, usize), ParseError> {
    let bytes = text.as_bytes();
    if bytes.get(start) != Some(&b'"') {
        let delimiter = char::from(delimiter);
        let end = text[start..]
            .find([delimiter, '\n', '\r'])
            .map_or(text.len(), |found| start + found);
        let content = &text[start..end];
        if let Some(quote) = content.find('"') {
            return Err(ParseError::ours(
                "a quote inside an unquoted cell",
                "ett citattecken i en cell som inte står inom citattecken",
                Span::at(start + quote),
            )
            .with_hint(
                "quote the whole cell and double the quotes inside it: \"say \"\"hi\"\"\"",
                "sätt hela cellen inom citattecken och dubblera citattecknen i den: \"säg \"\"hej\"\"\"",
            ));
        }
        return Ok((
            Cell {
                text: content.to_string(),
                span: Span::new(start, end),
            },
            end,
        ));
    }
    let mut content = String::new();
    let mut position = start + 1;
    loop {
        let Some(found) = text[position..].find('"') else {
            return Err(ParseError::ours(
                "a quoted cell is never closed",
                "en cell inom citattecken avslutas aldrig",
                Span::at(start),
            )
            .with_hint(
                "end the cell with a closing quote",
                "avsluta cellen med ett citattecken",
            ));
        };
        content.push_str(&text[position..position + found]);
        position += found + 1;
        if bytes.get(position) == Some(&b'"') {
            content.push('"');
            position += 1;
        } else {
            return Ok((
                Cell {
                    text: content,
                    span: Span::new(start + 1, position - 1),
                },
                position,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types(path: &[&str]) -> CellType {
        match path {
            ["year"] => CellType::Integer,
            ["is_cloud"] => CellType::Boolean,
            ["certifications"] => CellType::List(Box::new(CellType::String)),
            ["classification", "confidentiality"] => CellType::Integer,
            _ => CellType::String,
        }
    }

    fn parse_ok(text: &str) -> Node {
        parse(text, &types, &Mapping::default()).unwrap()
    }

    #[test]
    fn rows_become_typed_records_with_cell_spans() {
        let text = "id,year,is_cloud,certifications\nS-1,2026,true,ISO 27001; SOC 2\n";
        let tree = parse_ok(text);
        let record = tree.pointer("/0");
        assert_eq!(record.get("year").unwrap().value, Value::Integer(2026));
        assert_eq!(record.get("is_cloud").unwrap().value, Value::Bool(true));
        let soc = record.pointer("/certifications/1");
        assert_eq!(soc.value, Value::String("SOC 2".into()));
        assert!(text[soc.span().start()..].starts_with("SOC 2"));
        let year = record.get("year").unwrap();
        assert!(text[year.span().start()..].starts_with("2026"));
    }

    #[test]
    fn dotted_headers_nest_and_empty_cells_are_absent() {
        let tree = parse_ok("id,classification.confidentiality,name\r\nA,2,\r\n");
        let record = tree.pointer("/0");
        assert_eq!(
            record.pointer("/classification/confidentiality").value,
            Value::Integer(2)
        );
        assert!(record.get("name").is_none());
    }

    #[test]
    fn quoted_cells_keep_commas_quotes_and_newlines() {
        let text = "id,name\nA,\"Kommun, \"\"Exempel\"\"\nrad två\"\n";
        let tree = parse_ok(text);
        assert_eq!(
            tree.pointer("/0/name").value,
            Value::String("Kommun, \"Exempel\"\nrad två".into())
        );
    }

    #[test]
    fn a_cell_that_does_not_convert_stays_text() {
        let tree = parse_ok("id,year\nA,twenty\n");
        assert_eq!(
            tree.pointer("/0/year").value,
            Value::String("twenty".into())
        );
    }

    #[test]
    fn ragged_rows_and_repeated_headers_are_errors_at_the_cell() {
        let text = "id,name\nA,B,C\n";
        let error = parse(text, &types, &Mapping::default()).err().unwrap();
        assert_eq!(error.span.start(), text.find('C').unwrap());
        let error = parse("id,id\n", &types, &Mapping::default()).err().unwrap();
        assert!(error.message.contains("appears twice"));
    }
}
