//! The auditor's workbook: "Findings", "By owner" and "Compliance" sheets, each with a frozen
//! header row and an autofilter. Every text cell is written as a string, never a formula, so a
//! value like `=HYPERLINK(…)` in a register stays text. The creation time is the as-of day, so the
//! same tree and day give the same bytes.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::fill;
use crate::lang::Lang;
use crate::outcome::Outcome;
use crate::views::compliance::Matrix;
use crate::views::followup::{Filter, groups};

/// One cell: text (always a string cell) or a number.
enum Cell {
    Text(String),
    Number(f64),
}

fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

fn number(value: usize) -> Cell {
    Cell::Number(value as f64)
}

/// The workbook as bytes.
pub fn render(
    result: &Outcome,
    matrix: &Matrix,
    version: &str,
    lang: Lang,
) -> Result<Vec<u8>, String> {
    build(result, matrix, version, lang)
        .map_err(|error| format!("cannot build the workbook: {error}"))
}

fn build(
    result: &Outcome,
    matrix: &Matrix,
    version: &str,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let day = result.as_of;
    let created = ExcelDateTime::from_ymd(day.year() as u16, day.month() as u8, day.day() as u8)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(fill(
                lang.t("tillsyn report as of {as_of}"),
                &[("as_of", &day.to_string())],
            ))
            .set_comment(format!("tillsyn {version}"))
            .set_creation_datetime(&created),
    );
    let header = Format::new().set_bold();

    let findings_rows: Vec<Vec<Cell>> = result
        .findings
        .iter()
        .map(|finding| {
            let responsible = finding.responsible.as_ref();
            vec![
                text(lang.severity(finding.severity)),
                text(lang.state(finding.state)),
                text(finding.rule.as_str()),
                text(&finding.title),
                text(&finding.message),
                text(finding.kind.as_deref().unwrap_or_default()),
                text(finding.record.clone().unwrap_or_default()),
                text(&finding.file),
                number(finding.line),
                number(finding.column),
                text(responsible.map(|r| r.holder.clone()).unwrap_or_default()),
                text(responsible.and_then(|r| r.unit.clone()).unwrap_or_default()),
                text(crate::finding::day(finding.first_seen, "")),
                text(crate::finding::day(finding.due, "")),
                text(
                    finding
                        .exception
                        .as_ref()
                        .map(|e| {
                            fill(
                                lang.t("{exception} (expires {expires_on})"),
                                &[("exception", &e.exception), ("expires_on", &e.expires_on)],
                            )
                        })
                        .unwrap_or_default(),
                ),
                text(
                    finding
                        .escalation
                        .as_ref()
                        .map(|e| e.unit.clone())
                        .unwrap_or_default(),
                ),
                text(finding.references.join(", ")),
                text(&finding.remediation),
                text(&finding.fingerprint),
            ]
        })
        .collect();
    sheet(
        workbook.add_worksheet(),
        lang.t("Findings"),
        &[
            (lang.t("Severity"), 10.0),
            (lang.t("State"), 10.0),
            (lang.t("Rule"), 10.0),
            (lang.t("Title"), 36.0),
            (lang.t("Message"), 70.0),
            (lang.t("Kind"), 18.0),
            (lang.t("Record"), 14.0),
            (lang.t("File"), 36.0),
            (lang.t("Line"), 6.0),
            (lang.t("Column"), 7.0),
            (lang.t("Responsible"), 24.0),
            (lang.t("Unit"), 10.0),
            (lang.t("First seen"), 11.0),
            (lang.t("Due"), 11.0),
            (lang.t("Exception"), 24.0),
            (lang.t("Escalated to"), 12.0),
            (lang.t("References"), 30.0),
            (lang.t("Remediation"), 50.0),
            (lang.t("Fingerprint"), 34.0),
        ],
        &findings_rows,
        &header,
    )?;

    let mut owner_rows = Vec::new();
    for group in groups(&result.findings, &Filter::default()) {
        for finding in &group.findings {
            owner_rows.push(vec![
                text(crate::views::followup::holder(&group, lang)),
                text(
                    finding
                        .responsible
                        .as_ref()
                        .and_then(|r| r.unit.clone())
                        .unwrap_or_default(),
                ),
                text(
                    finding
                        .responsible
                        .as_ref()
                        .and_then(|r| r.assignment.clone())
                        .unwrap_or_default(),
                ),
                text(crate::finding::day(finding.due, "")),
                text(lang.state(finding.state)),
                text(
                    finding
                        .escalation
                        .as_ref()
                        .map(|e| e.unit.clone())
                        .unwrap_or_default(),
                ),
                text(finding.rule.as_str()),
                text(lang.severity(finding.severity)),
                text(finding.record.clone().unwrap_or_default()),
                text(format!("{}:{}", finding.file, finding.line)),
                text(&finding.message),
            ]);
        }
    }
    sheet(
        workbook.add_worksheet(),
        lang.t("By owner"),
        &[
            (lang.t("Responsible"), 26.0),
            (lang.t("Unit"), 10.0),
            (lang.t("Assignment"), 14.0),
            (lang.t("Due"), 11.0),
            (lang.t("State"), 10.0),
            (lang.t("Escalated to"), 12.0),
            (lang.t("Rule"), 10.0),
            (lang.t("Severity"), 10.0),
            (lang.t("Record"), 14.0),
            (lang.t("Where"), 40.0),
            (lang.t("Finding"), 70.0),
        ],
        &owner_rows,
        &header,
    )?;

    let compliance_rows: Vec<Vec<Cell>> = matrix
        .controls
        .iter()
        .map(|control| {
            vec![
                text(matrix.framework.as_str()),
                text(&control.number),
                text(control.title.unwrap_or("")),
                text(control.rules.join(", ")),
                number(control.evaluated),
                number(control.failed),
                number(control.accepted),
                number(control.passed),
                text(control.status.label_in(lang)),
            ]
        })
        .collect();
    sheet(
        workbook.add_worksheet(),
        lang.t("Compliance"),
        &[
            (lang.t("Framework"), 10.0),
            (lang.t("Control"), 12.0),
            (lang.t("Title"), 50.0),
            (lang.t("Rules"), 30.0),
            (lang.t("Evaluated"), 10.0),
            (lang.t("Failed"), 8.0),
            (lang.t("Accepted"), 9.0),
            (lang.t("Passed"), 8.0),
            (lang.t("Status"), 22.0),
        ],
        &compliance_rows,
        &header,
    )?;
    workbook.save_to_buffer()
}

fn sheet(
    worksheet: &mut Worksheet,
    name: &str,
    columns: &[(&str, f64)],
    rows: &[Vec<Cell>],
    header: &Format,
) -> Result<(), XlsxError> {
    worksheet.set_name(name)?;
    for (column, (title, width)) in columns.iter().enumerate() {
        let column = column as u16;
        worksheet.write_string_with_format(0, column, *title, header)?;
        worksheet.set_column_width(column, *width)?;
    }
    for (index, row) in rows.iter().enumerate() {
        let row_number = index as u32 + 1;
        for (column, cell) in row.iter().enumerate() {
            let column = column as u16;
            match cell {
                Cell::Text(value) if value.is_empty() => {}
                Cell::Text(value) => {
                    worksheet.write_string(row_number, column, value.as_str())?;
                }
                Cell::Number(value) => {
                    worksheet.write_number(row_number, column, *value)?;
                }
            }
        }
    }
    worksheet.set_freeze_panes(1, 0)?;
    let last_column = columns.len().saturating_sub(1) as u16;
    worksheet.autofilter(0, 0, rows.len() as u32, last_column)?;
    Ok(())
}
