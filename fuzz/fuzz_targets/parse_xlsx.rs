//! A workbook built around the fuzzer's input: its sheet and shared-strings XML, and sizes
//! that the zip directory declares for them, which may be far from what they unpack to (the
//! shape of a zip bomb, and of a part that inflates past its declared size). The raw bytes are
//! also read as a workbook of their own. An error is fine; a panic, an abort on allocation or a
//! walk without end is not.
#![no_main]

use std::io::Write;

use tillsyn::source::Limits;
use tillsyn::source::csv::CellType;
use tillsyn::source::mapping::Mapping;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Assets" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

fn cell_type(path: &[&str]) -> CellType {
    match path {
        ["id" | "name"] => CellType::String,
        ["count"] => CellType::Integer,
        ["valid_from"] => CellType::Date,
        _ => CellType::Unknown,
    }
}

/// The zip's bytes with the unpacked size of every part named `part` set to `declared`.
fn declaring(mut bytes: Vec<u8>, part: &[u8], declared: u32) -> Vec<u8> {
    for at in 0..bytes.len().saturating_sub(46) {
        let (size_at, length_at, name_at) = match bytes.get(at..at + 4) {
            Some(b"PK\x03\x04") => (at + 22, at + 26, at + 30),
            Some(b"PK\x01\x02") => (at + 24, at + 28, at + 46),
            _ => continue,
        };
        let length = bytes
            .get(length_at..length_at + 2)
            .map_or(0, |two| usize::from(u16::from_le_bytes([two[0], two[1]])));
        if bytes.get(name_at..name_at + length) == Some(part) {
            if let Some(size) = bytes.get_mut(size_at..size_at + 4) {
                size.copy_from_slice(&declared.to_le_bytes());
            }
        }
    }
    bytes
}

fn workbook(sheet: &[u8], strings: &[u8], repeat: usize) -> Option<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, content) in [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
    ] {
        zip.start_file(name, options).ok()?;
        zip.write_all(content).ok()?;
    }
    zip.start_file("xl/worksheets/sheet1.xml", options).ok()?;
    zip.write_all(b"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>").ok()?;
    // The sheet's rows, repeated: a few bytes of input unpack to a large part.
    for _ in 0..repeat {
        zip.write_all(sheet).ok()?;
    }
    zip.write_all(b"</sheetData></worksheet>").ok()?;
    zip.start_file("xl/sharedStrings.xml", options).ok()?;
    zip.write_all(strings).ok()?;
    Some(zip.finish().ok()?.into_inner())
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_file_bytes: 1 << 16,
        records_per_file: 1_000,
        ..Limits::default()
    };
    let mapping = Mapping::default();
    let _ = tillsyn::source::xlsx::parse(data.to_vec(), None, &limits, &cell_type, &mapping);
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let split = rest.len() / 2;
    let (sheet, strings) = rest.split_at(split);
    let repeat = 1 + usize::from(control & 0x3F) * 256;
    let Some(bytes) = workbook(sheet, strings, repeat) else {
        return;
    };
    let declared = u32::from(control) * 17;
    let bytes = match control >> 6 {
        0 => bytes,
        1 => declaring(bytes, b"xl/worksheets/sheet1.xml", declared),
        2 => declaring(bytes, b"xl/sharedStrings.xml", declared),
        _ => declaring(bytes, b"xl/worksheets/sheet1.xml", u32::MAX - declared),
    };
    let _ = tillsyn::source::xlsx::parse(bytes, None, &limits, &cell_type, &mapping);
});
