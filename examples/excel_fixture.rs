//! Writes `fixtures/excel/registers/information-assets.xlsx`, the Excel register of the
//! `fixtures/excel` test repository, so that the committed binary can be regenerated and
//! reviewed as code:
//!
//! ```sh
//! cargo run --example excel_fixture
//! ```
//!
//! The sheet `Assets` holds five information assets with typed cells (numbers, booleans, a date
//! cell, a list cell) and three defects that `tests/excel.rs` expects by cell: IA-003 has no
//! owner (OWN001, the row), IA-004's owner is an assignment that does not exist (XRF001, E5; and so CLS005 at J5: it
//! was classified by someone else than that owner),
//! and IA-005's confidentiality is text where a level is due (SCH001, F6). A second sheet,
//! `Read me`, is not read.

use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

const HEADER: &[&str] = &[
    "id",
    "name",
    "definition",
    "unit",
    "owner",
    "classification.confidentiality",
    "classification.integrity",
    "classification.availability",
    "classification.classified_on",
    "classification.classified_by",
    "classification.legal_flags",
    "contains_personal_data",
    "special_categories",
    "storage_form",
];

/// One cell of the register, in the type Excel keeps it.
enum Cell {
    Text(&'static str),
    Number(f64),
    Flag(bool),
    /// Year, month, day: written as a date cell.
    Date(u16, u8, u8),
    Empty,
}

use Cell::{Date, Empty, Flag, Number, Text};

#[rustfmt::skip]
const ROWS: &[[Cell; 14]] = &[
    [Text("IA-001"), Text("Kursutbud"), Text("Kurser och utbildningar som nämnden erbjuder."), Text("UN"),
     Text("RA-UN-IAO"), Number(1.0), Number(1.0), Number(1.0), Date(2026, 3, 1), Text("RA-UN-IAO"),
     Empty, Flag(false), Empty, Text("digital")],
    [Text("IA-002"), Text("Lokalbokningar"), Text("Bokningar av skolans lokaler."), Text("UN"),
     Text("RA-UN-IAO"), Number(0.0), Number(1.0), Number(1.0), Date(2025, 11, 14), Text("RA-UN-IAO"),
     Empty, Flag(false), Empty, Text("both")],
    [Text("IA-003"), Text("Skolskjutsar"), Text("Turer och hållplatser för skolskjuts."), Text("UN"),
     Empty, Number(1.0), Number(1.0), Number(1.0), Date(2026, 1, 20), Text("RA-UN-IAO"),
     Empty, Flag(false), Empty, Text("digital")],
    [Text("IA-004"), Text("Elevhälsans journaler"), Text("Journaler som elevhälsan för."), Text("UN"),
     Text("RA-XX-IAO"), Number(3.0), Number(3.0), Number(2.0), Date(2026, 2, 2), Text("RA-UN-IAO"),
     Text("osl_secrecy; gdpr_art9"), Flag(true), Flag(true), Text("digital")],
    [Text("IA-005"), Text("Måltidsplanering"), Text("Matsedlar och specialkost."), Text("UN"),
     Text("RA-UN-IAO"), Text("hög"), Number(1.0), Number(1.0), Date(2026, 4, 9), Text("RA-UN-IAO"),
     Empty, Flag(false), Empty, Text("digital")],
];

fn main() -> Result<(), XlsxError> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/excel/registers/information-assets.xlsx");
    let mut workbook = Workbook::new();
    // A fixed creation time, so that regenerating gives the same file.
    workbook.set_properties(
        &DocProperties::new()
            .set_title("Informationstillgångar")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2026, 11, 27)?),
    );
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");

    let sheet = workbook.add_worksheet();
    sheet.set_name("Assets")?;
    for (column, name) in (0u16..).zip(HEADER) {
        sheet.write_string_with_format(0, column, *name, &bold)?;
    }
    for (row, cells) in (1u32..).zip(ROWS) {
        for (column, cell) in (0u16..).zip(cells) {
            match cell {
                Text(text) => sheet.write_string(row, column, *text)?,
                Number(number) => sheet.write_number(row, column, *number)?,
                Flag(flag) => sheet.write_boolean(row, column, *flag)?,
                Date(year, month, day) => sheet.write_datetime_with_format(
                    row,
                    column,
                    ExcelDateTime::from_ymd(*year, *month, *day)?,
                    &date,
                )?,
                Empty => sheet,
            };
        }
    }

    let notes = workbook.add_worksheet();
    notes.set_name("Read me")?;
    notes.write_string(
        0,
        0,
        "Register of information assets. One asset per row on the sheet Assets.",
    )?;

    workbook.save(&path)?;
    println!("wrote {}", path.display());
    Ok(())
}
