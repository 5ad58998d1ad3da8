//! Registers kept in Excel, through the binary: the findings of fixtures/excel point at cells
//! (`Assets!E5`) in every output, and broken workbooks are findings that say what to do.

mod common;

use std::path::Path;

use common::{AS_OF, check_json, copy_tree, fixture, run};
use rust_xlsxwriter::Workbook;
use serde_json::Value;

const WORKBOOK: &str = "registers/information-assets.xlsx";

/// Every finding of fixtures/excel: rule, record, row, column number, cell, pointer.
#[rustfmt::skip]
const EXCEL: &[(&str, &str, u64, u64, &str, &str)] = &[
    ("OWN001", "IA-003", 4, 1, "Assets!A4", "/2/owner"),
    ("XRF001", "IA-004", 5, 5, "Assets!E5", "/3/owner"),
    ("CLS005", "IA-004", 5, 10, "Assets!J5", "/3/classification/classified_by"),
    ("SCH001", "IA-005", 6, 6, "Assets!F6", "/4/classification/confidentiality"),
];

fn summary(json: &Value) -> Vec<(String, String, u64, u64, String, String)> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|finding| {
            assert_eq!(finding["file"], WORKBOOK, "{finding}");
            (
                finding["rule"].as_str().unwrap_or_default().to_string(),
                finding["record"].as_str().unwrap_or_default().to_string(),
                finding["line"].as_u64().unwrap_or_default(),
                finding["column"].as_u64().unwrap_or_default(),
                finding["cell"].as_str().unwrap_or_default().to_string(),
                finding["pointer"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn expected() -> Vec<(String, String, u64, u64, String, String)> {
    EXCEL
        .iter()
        .map(|(rule, record, line, column, cell, pointer)| {
            (
                rule.to_string(),
                record.to_string(),
                *line,
                *column,
                cell.to_string(),
                pointer.to_string(),
            )
        })
        .collect()
}

#[test]
fn an_excel_register_yields_findings_at_its_cells() {
    let (code, json) = check_json(&fixture("excel"), &[]);
    assert_eq!(code, 1);
    assert_eq!(summary(&json), expected());
    assert_eq!(json["checked"]["records"], 13);
}

#[test]
fn the_table_names_the_cell_and_the_json_validates() {
    let root = fixture("excel");
    let (code, stdout, _) = run(&[
        "check",
        root.to_str().expect("UTF-8 path"),
        "--as-of",
        AS_OF,
        "--format",
        "table",
    ]);
    assert_eq!(code, 1);
    // The table may wrap a long path; the cell stays whole.
    let unwrapped: String = stdout
        .lines()
        .map(|line| line.split('┆').next().unwrap_or_default())
        .map(|cell| cell.trim_start_matches('│').trim())
        .collect();
    for cell in [
        "xlsx:Assets!A4",
        "xlsx:Assets!E5",
        "xlsx:Assets!J5",
        "xlsx:Assets!F6",
    ] {
        assert!(unwrapped.contains(cell), "{cell} missing in\n{stdout}");
    }

    let schema: Value = serde_json::from_str(include_str!("../schemas/check-output.schema.json"))
        .expect("schema is JSON");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .expect("schema compiles");
    let (_, json) = check_json(&root, &[]);
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|error| error.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn other_outputs_name_the_cell() {
    let root = fixture("excel");
    let root = root.to_str().expect("UTF-8 path");
    let (_, markdown, _) = run(&["check", root, "--as-of", AS_OF, "--format", "markdown"]);
    assert!(
        markdown.contains("registers/information-assets.xlsx:Assets!E5"),
        "{markdown}"
    );
    let (_, junit, _) = run(&["check", root, "--as-of", AS_OF, "--format", "junit"]);
    assert!(
        junit.contains(
            "at registers/information-assets.xlsx:Assets!F6 (/4/classification/confidentiality)"
        ),
        "{junit}"
    );
    let (_, github, _) = run(&["check", root, "--as-of", AS_OF, "--format", "github"]);
    assert!(
        github.contains("file=registers/information-assets.xlsx,line=5,col=5")
            && github.contains("%0ACell: Assets!E5%0A"),
        "{github}"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let html = dir.path().join("report.html");
    let (code, _, stderr) = run(&[
        "report",
        root,
        "--as-of",
        AS_OF,
        "--format",
        "html",
        "-o",
        html.to_str().expect("UTF-8"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read_to_string(html).expect("report");
    assert!(
        html.contains("<code>registers/information-assets.xlsx:Assets!E5</code>"),
        "{html}"
    );
}

/// A copy of fixtures/excel whose workbook is replaced by `workbook` and whose configuration is
/// `config`.
fn variant(config: &str, workbook: Option<Workbook>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixture("excel"), dir.path());
    std::fs::write(dir.path().join("tillsyn.toml"), config).expect("write config");
    if let Some(mut workbook) = workbook {
        workbook
            .save(dir.path().join(WORKBOOK))
            .expect("save workbook");
    }
    dir
}

const MAPPING: &str = "select = [\"PARSE\", \"SCH\", \"XRF\"]\n[[sources]]\npath = \"registers/*.xlsx\"\nkind = \"information_asset\"\n";

/// The PARSE001 findings of a repository: location (cell or line:column) and message.
fn parse_findings(root: &Path) -> Vec<(String, String)> {
    let (code, json) = check_json(root, &[]);
    assert!(code == 0 || code == 1);
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|finding| finding["rule"] == "PARSE001")
        .map(|finding| {
            let place = match finding["cell"].as_str() {
                Some(cell) => cell.to_string(),
                None => format!("{}:{}", finding["line"], finding["column"]),
            };
            (
                place,
                finding["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn without_a_sheet_the_first_sheet_is_read() {
    let dir = variant(MAPPING, None);
    let (_, json) = check_json(dir.path(), &[]);
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|finding| finding["rule"].as_str())
        .collect();
    assert_eq!(rules, ["XRF001", "SCH001"]);
}

#[test]
fn a_missing_sheet_is_named_with_the_sheets_there_are() {
    let config = format!("{MAPPING}sheet = \"Tillgångar\"\n");
    let dir = variant(&config, None);
    assert_eq!(
        parse_findings(dir.path()),
        [(
            "1:1".to_string(),
            "the workbook has no sheet `Tillgångar`; its sheets are: `Assets`, `Read me` \
             (set `sheet` in this file's [[sources]] mapping in tillsyn.toml to one of them)"
                .to_string()
        )]
    );
}

#[test]
fn a_file_that_is_not_a_workbook_is_a_finding() {
    let dir = variant(MAPPING, None);
    std::fs::write(dir.path().join(WORKBOOK), "id,name\nIA-1,x\n").expect("write");
    let findings = parse_findings(dir.path());
    assert_eq!(findings.len(), 1, "{findings:?}");
    let (place, message) = &findings[0];
    assert_eq!(place, "1:1");
    assert!(
        message.starts_with("the file is not an Excel workbook that can be read: "),
        "{message}"
    );
    assert!(message.ends_with(
        "(save it from Excel as “Excel Workbook (.xlsx)”; .xls, .xlsb and .ods are not read)"
    ));
}

#[test]
fn an_empty_sheet_and_a_cell_without_a_header_are_findings_at_the_cell() {
    let mut empty = Workbook::new();
    empty.add_worksheet().set_name("Assets").expect("name");
    let dir = variant(MAPPING, Some(empty));
    assert_eq!(
        parse_findings(dir.path()),
        [(
            "1:1".to_string(),
            "the sheet `Assets` is empty (put the field names in the first row (`id`, `name`, …) \
             and one record in each row below)"
                .to_string()
        )]
    );

    let mut stray = Workbook::new();
    let sheet = stray.add_worksheet();
    sheet.set_name("Assets").expect("name");
    // The table starts at B2; a note in D3 sits right of the header.
    sheet.write_string(1, 1, "id").expect("write");
    sheet.write_string(1, 2, "name").expect("write");
    sheet.write_string(2, 1, "IA-1").expect("write");
    sheet.write_string(2, 3, "see the note").expect("write");
    let dir = variant(MAPPING, Some(stray));
    assert_eq!(
        parse_findings(dir.path()),
        [(
            "Assets!D3".to_string(),
            "this cell is outside the header's columns B–C, so it has no field name \
             (name the column in the header row (row 2), or clear the cell)"
                .to_string()
        )]
    );

    let mut gap = Workbook::new();
    let sheet = gap.add_worksheet();
    sheet.write_string(0, 0, "id").expect("write");
    sheet.write_string(0, 2, "name").expect("write");
    let dir = variant(MAPPING, Some(gap));
    let findings = parse_findings(dir.path());
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].0, "Sheet1!B1");
    assert!(findings[0].1.starts_with("a header cell is empty"));
}

#[test]
fn a_sheet_over_the_record_limit_is_read_no_further() {
    let mut big = Workbook::new();
    let sheet = big.add_worksheet();
    sheet.write_string(0, 0, "id").expect("write");
    for row in 1..=50u32 {
        sheet
            .write_string(row, 0, format!("IA-{row}"))
            .expect("write");
    }
    let config = format!("{MAPPING}[limits]\nrecords_per_file = 3\n");
    let dir = variant(&config, Some(big));
    let findings = parse_findings(dir.path());
    assert_eq!(
        findings,
        [(
            "Sheet1!A5".to_string(),
            "the sheet holds more than 3 records; only the first 3 are checked (limit `records_per_file`)"
                .to_string()
        )]
    );
}

#[test]
fn excel_lock_files_and_unmapped_workbooks_are_not_read() {
    let dir = variant(MAPPING, None);
    std::fs::write(
        dir.path().join("registers/~$information-assets.xlsx"),
        "lock",
    )
    .expect("lock");
    std::fs::write(dir.path().join("organisation/budget.xlsx"), "not mapped").expect("write");
    let (_, json) = check_json(dir.path(), &[]);
    assert_eq!(json["checked"]["files"], 4);
    assert!(parse_findings(dir.path()).is_empty());
}

#[test]
fn sheet_is_refused_for_a_source_that_is_not_a_workbook() {
    let dir = variant(
        "[[sources]]\npath = \"registers/a.csv\"\nkind = \"supplier\"\nsheet = \"A\"\n",
        None,
    );
    let (code, _, stderr) = run(&["check", dir.path().to_str().expect("UTF-8")]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "4:9: `sheet` applies to Excel workbooks, but `registers/a.csv` does not end in .xlsx"
        ),
        "{stderr}"
    );
}

/// Rule and record of every finding, sorted: what an imported register must reproduce.
fn rules_and_records(root: &Path) -> Vec<(String, String, String)> {
    let (_, json) = check_json(root, &[]);
    let mut found: Vec<(String, String, String)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|finding| {
            (
                finding["rule"].as_str().unwrap_or_default().to_string(),
                finding["kind"].as_str().unwrap_or_default().to_string(),
                finding["record"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn an_imported_workbook_yields_the_findings_of_the_workbook() {
    let expected = rules_and_records(&fixture("excel"));
    assert_eq!(expected.len(), EXCEL.len());
    for (to, extension) in [("toml", "toml"), ("yaml", "yaml")] {
        // The copy keeps the fixture's rule selection, but not the workbook or its mapping.
        let config =
            std::fs::read_to_string(fixture("excel").join("tillsyn.toml")).expect("config");
        let config = config
            .split("[[sources]]")
            .next()
            .expect("rules before the mapping")
            .to_string();
        let dir = variant(&config, None);
        let workbook = dir.path().join(WORKBOOK);
        let imported = dir
            .path()
            .join(format!("registers/information-assets.{extension}"));
        let (code, stdout, stderr) = run(&[
            "import",
            "xlsx",
            workbook.to_str().expect("UTF-8"),
            "--kind",
            "information_asset",
            "--sheet",
            "Assets",
            "--to",
            to,
            "-o",
            imported.to_str().expect("UTF-8"),
        ]);
        assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
        std::fs::remove_file(&workbook).expect("remove the workbook");
        assert_eq!(rules_and_records(dir.path()), expected, "--to {to}");
    }
}

#[test]
fn an_imported_csv_yields_the_findings_of_the_csv() {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixture("city-broken"), dir.path());
    let expected = rules_and_records(dir.path());
    let csv = dir.path().join("registers/suppliers.csv");
    let (code, yaml, stderr) = run(&[
        "import",
        "csv",
        csv.to_str().expect("UTF-8"),
        "--kind",
        "supplier",
        "--to",
        "yaml",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        yaml.contains("\nkind: supplier\nrecords:\n  - id: SUP-001\n"),
        "{yaml}"
    );
    std::fs::write(dir.path().join("registers/suppliers.yaml"), yaml).expect("write");
    std::fs::remove_file(&csv).expect("remove the CSV");
    // A mapping left behind for the removed CSV is refused, not ignored …
    let (code, _, stderr) = run(&["check", dir.path().to_str().expect("UTF-8")]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "tillsyn.toml:3:8: [[sources]] path `registers/suppliers.csv` matches no file"
        ),
        "{stderr}"
    );
    // … and once it is gone too, the imported file gives the same findings.
    let config = dir.path().join("tillsyn.toml");
    let text = std::fs::read_to_string(&config).expect("read").replace(
        "[[sources]]\npath = \"registers/suppliers.csv\"\nkind = \"supplier\"\n",
        "",
    );
    std::fs::write(&config, text).expect("write");
    assert_eq!(rules_and_records(dir.path()), expected);
}

#[test]
fn import_never_overwrites_and_names_what_is_wrong() {
    let dir = tempfile::tempdir().expect("temp dir");
    let existing = dir.path().join("assets.toml");
    std::fs::write(&existing, "keep me").expect("write");
    let workbook = fixture("excel").join(WORKBOOK);
    let workbook = workbook.to_str().expect("UTF-8");
    let (code, _, stderr) = run(&[
        "import",
        "xlsx",
        workbook,
        "--kind",
        "information_asset",
        "-o",
        existing.to_str().expect("UTF-8"),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("already exists; tillsyn import never overwrites a file"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&existing).expect("read"), "keep me");

    let (code, _, stderr) = run(&["import", "xlsx", workbook, "--kind", "information_assets"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "`information_assets` is not a known kind; did you mean `information_asset`?"
        ),
        "{stderr}"
    );

    let (code, _, stderr) = run(&[
        "import",
        "xlsx",
        workbook,
        "--kind",
        "information_asset",
        "--sheet",
        "Nope",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("information-assets.xlsx:1:1: the workbook has no sheet `Nope`; its sheets are: `Assets`, `Read me`"),
        "{stderr}"
    );
    // The help speaks of import's own options, not of tillsyn.toml.
    assert!(
        stderr.contains(
            "\n  help: give one of them with --sheet NAME (or `sheet` in the --map file)\n"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("tillsyn.toml"), "{stderr}");
}

#[test]
fn a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_read() {
    // Long, repetitive cells pack to almost nothing: a small bomb.
    let mut bomb = Workbook::new();
    let sheet = bomb.add_worksheet();
    sheet.write_string(0, 0, "id").expect("write");
    for row in 1..=60u32 {
        sheet
            .write_string(row, 0, format!("{row}{}", "a".repeat(30_000)))
            .expect("write");
    }
    let dir = variant(MAPPING, Some(bomb));
    let packed = std::fs::metadata(dir.path().join(WORKBOOK))
        .expect("workbook")
        .len();
    // Within the file limit, but 16 times that is less than the 1.8 MB it unpacks to.
    let config = format!("{MAPPING}[limits]\nmax_file_bytes = {packed}\n");
    std::fs::write(dir.path().join("tillsyn.toml"), config).expect("write config");
    let findings = parse_findings(dir.path());
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].0, "1:1");
    assert!(
        findings[0].1.starts_with("the workbook unpacks to ")
            && findings[0].1.contains(&format!(
                "bytes, over the limit of {} bytes (16 × `max_file_bytes`)",
                packed * 16
            )),
        "{findings:?}"
    );
}

/// An OLE compound file, as an encrypted workbook or an old .xls is: the signature, and (for an
/// encrypted one) the name of its `EncryptedPackage` stream in UTF-16.
fn compound_file(encrypted: bool) -> Vec<u8> {
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(1024, 0);
    if encrypted {
        bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    }
    bytes.resize(2048, 0xFF);
    bytes
}

#[test]
fn an_encrypted_workbook_and_an_old_xls_say_what_to_do() {
    let dir = variant(MAPPING, None);
    std::fs::write(dir.path().join(WORKBOOK), compound_file(true)).expect("write");
    assert_eq!(
        parse_findings(dir.path()),
        [(
            "1:1".to_string(),
            "the workbook is encrypted (password protected) (save a copy without a password \
             to open it (File → Info → Protect Workbook), and map that copy)"
                .to_string()
        )]
    );
    std::fs::write(dir.path().join(WORKBOOK), compound_file(false)).expect("write");
    assert_eq!(
        parse_findings(dir.path()),
        [(
            "1:1".to_string(),
            "the file is an old-format Excel workbook (.xls) or another Office file, not an \
             .xlsx (open it in Excel and save it as “Excel Workbook (.xlsx)”)"
                .to_string()
        )]
    );
}

/// A workbook as a program writes it that saves formulas without calculating them: each
/// formula cell has no saved value.
fn without_formula_values(mut workbook: Workbook) -> Vec<u8> {
    use std::io::{Read, Write};
    let bytes = workbook.save_to_buffer().expect("save workbook");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut written = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).expect("a part");
        let name = part.name().to_string();
        let mut content = String::new();
        part.read_to_string(&mut content).expect("XML text");
        if name.starts_with("xl/worksheets/") {
            content = content.replace("</f><v>0</v>", "</f>");
        }
        written
            .start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start part");
        written.write_all(content.as_bytes()).expect("write part");
    }
    written.finish().expect("finish zip").into_inner()
}

#[test]
fn a_formula_cell_without_its_saved_value_says_so() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Assets").expect("name");
    for (column, header) in ["id", "name", "classification.confidentiality"]
        .iter()
        .enumerate()
    {
        sheet
            .write_string(0, column as u16, *header)
            .expect("write");
    }
    sheet.write_string(1, 0, "IA-1").expect("write");
    sheet.write_string(1, 1, "Elevjournaler").expect("write");
    sheet.write_number(1, 2, 3).expect("write");
    sheet.write_string(2, 0, "IA-2").expect("write");
    sheet.write_string(2, 1, "Lönelistor").expect("write");
    sheet.write_formula(2, 2, "=C2-1").expect("write");
    sheet.write_string(3, 0, "IA-3").expect("write");
    sheet.write_string(3, 1, "Webbtexter").expect("write");
    sheet.write_formula(3, 2, "=C3-1").expect("write");
    let dir = variant(MAPPING, None);
    std::fs::write(dir.path().join(WORKBOOK), without_formula_values(workbook)).expect("write");
    assert_eq!(
        parse_findings(dir.path()),
        [(
            "Assets!C3".to_string(),
            "this cell holds a formula whose value the workbook does not hold (and 1 more such cells): \
             it was saved by a program that does not calculate formulas (open the workbook in Excel \
             (or LibreOffice) and save it, so that each formula's value is saved with it)"
                .to_string()
        )]
    );
}

/// A register behind a title sheet, as registers are often handed over.
fn behind_a_title_sheet() -> Workbook {
    let mut workbook = Workbook::new();
    let title = workbook.add_worksheet();
    title.set_name("Om registret").expect("name");
    title
        .write_string(0, 0, "Informationstillgångar, Felstads kommun")
        .expect("write");
    title
        .write_string(1, 0, "Förvaltas av informationssäkerhetssamordnaren")
        .expect("write");
    let register = workbook.add_worksheet();
    register.set_name("Register").expect("name");
    register.write_string(0, 0, "id").expect("write");
    register.write_string(0, 1, "name").expect("write");
    register.write_string(1, 0, "IA-1").expect("write");
    register.write_string(1, 1, "Elevjournaler").expect("write");
    workbook
}

#[test]
fn without_a_sheet_a_title_sheet_is_passed_over_and_the_choice_is_told() {
    let dir = variant(MAPPING, Some(behind_a_title_sheet()));
    let root = dir.path().to_str().expect("UTF-8");
    let (_, stdout, stderr) = run(&["check", root, "--format", "json", "--as-of", AS_OF]);
    let json: Value = serde_json::from_str(&stdout).expect("JSON");
    let cells: Vec<&str> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|finding| finding["cell"].as_str())
        .collect();
    assert!(
        !cells.is_empty() && cells.iter().all(|cell| cell.starts_with("Register!")),
        "{cells:?}"
    );
    assert!(
        stderr.contains(&format!(
            "note: {WORKBOOK}: read sheet `Register`, the first sheet whose header names fields of the kind; `Om registret` before it does not\n"
        )),
        "{stderr}"
    );
    let (code, _, stderr) = run(&[
        "import",
        "xlsx",
        dir.path().join(WORKBOOK).to_str().expect("UTF-8"),
        "--kind",
        "information_asset",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.starts_with(
            "read 1 information_asset record from information-assets.xlsx, sheet `Register` (the first sheet whose header names fields of the kind; `Om registret` before it does not)\n"
        ),
        "{stderr}"
    );
}

/// A workbook whose parts are `edit`ed (by part name and XML text) and written again.
fn with_parts(mut workbook: Workbook, edit: impl Fn(&str, String) -> String) -> Vec<u8> {
    use std::io::{Read, Write};
    let bytes = workbook.save_to_buffer().expect("save workbook");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut written = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).expect("a part");
        let name = part.name().to_string();
        let mut content = String::new();
        part.read_to_string(&mut content).expect("XML text");
        let content = edit(&name, content);
        written
            .start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start part");
        written.write_all(content.as_bytes()).expect("write part");
    }
    written.finish().expect("finish zip").into_inner()
}

/// The zip's bytes with the unpacked size of `part` set to `declared`, in its local header and
/// in the central directory, as a crafted zip declares it.
fn declaring(mut bytes: Vec<u8>, part: &str, declared: u32) -> Vec<u8> {
    let name = part.as_bytes();
    let read_u16 =
        |bytes: &[u8], at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize;
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(46) {
        let (size_at, name_length_at, name_at) = match &bytes[at..at + 4] {
            b"PK\x03\x04" => (at + 22, at + 26, at + 30),
            b"PK\x01\x02" => (at + 24, at + 28, at + 46),
            _ => continue,
        };
        let length = read_u16(&bytes, name_length_at);
        if bytes.get(name_at..name_at + length) == Some(name) {
            bytes[size_at..size_at + 4].copy_from_slice(&declared.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "the part's two headers");
    bytes
}

fn one_asset() -> Workbook {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Assets").expect("name");
    sheet.write_string(0, 0, "id").expect("write");
    sheet.write_string(1, 0, "IA-1").expect("write");
    workbook
}

#[test]
fn a_part_that_unpacks_past_its_declared_size_is_refused_before_calamine_reads_it() {
    // 600,000 empty cells (2.4 MB) in a part whose directory says 1,000 bytes: the shape of the
    // 6 GiB sheet and the 6 GiB shared strings, which calamine walked or allocated without end.
    let inflated = with_parts(one_asset(), |name, content| {
        if name == "xl/worksheets/sheet1.xml" {
            content.replace(
                "</sheetData>",
                &format!("<row r=\"3\">{}</row></sheetData>", "<c/>".repeat(600_000)),
            )
        } else {
            content
        }
    });
    let dir = variant(MAPPING, None);
    std::fs::write(
        dir.path().join(WORKBOOK),
        declaring(inflated, "xl/worksheets/sheet1.xml", 1_000),
    )
    .expect("write");
    assert_eq!(
        parse_findings(dir.path()),
        [(
            "1:1".to_string(),
            "the workbook's part `xl/worksheets/sheet1.xml` unpacks to more than the 1000 bytes \
             its zip directory declares: the file is damaged or made to exhaust memory (open and \
             save the workbook again in Excel, or export the sheet as CSV)"
                .to_string()
        )]
    );
}

#[test]
fn a_workbook_that_would_unpack_to_a_thousand_times_its_size_is_refused() {
    // Within 16 × `max_file_bytes` (1 GiB by default), but a few kilobytes that declare 200 MB:
    // no workbook Excel writes packs that tightly.
    let bytes = with_parts(one_asset(), |_, content| content);
    let own = bytes.len();
    let dir = variant(MAPPING, None);
    std::fs::write(
        dir.path().join(WORKBOOK),
        declaring(bytes, "xl/worksheets/sheet1.xml", 200_000_000),
    )
    .expect("write");
    let findings = parse_findings(dir.path());
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0].1.contains(&format!(
            "bytes, more than 100 times its own {own} bytes: a workbook Excel writes unpacks to \
             some 5 to 15 times its size, so this one is damaged or made to exhaust memory"
        )),
        "{findings:?}"
    );
}

#[test]
fn a_header_of_100001_cells_is_read_and_its_first_unknown_field_named() {
    let mut workbook = one_asset();
    let sheet = workbook.worksheet_from_name("Assets").expect("sheet");
    sheet
        .write_string(1, 1, "a value under `f0`")
        .expect("write");
    let wide = with_parts(workbook, |name, content| {
        if name == "xl/worksheets/sheet1.xml" {
            // Cells without a reference take the next column, past Excel's last (XFD).
            let header: String = (0..100_000)
                .map(|column| format!("<c t=\"inlineStr\"><is><t>f{column}</t></is></c>"))
                .collect();
            content.replacen("</row>", &format!("{header}</row>"), 1)
        } else {
            content
        }
    });
    let dir = variant(MAPPING, None);
    std::fs::write(dir.path().join(WORKBOOK), &wide).expect("write");
    let (code, json) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let unknown: Vec<(&str, &str)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|finding| {
            finding["message"]
                .as_str()
                .is_some_and(|m| m.contains("unknown field"))
        })
        .map(|finding| {
            (
                finding["cell"].as_str().unwrap_or_default(),
                finding["message"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        unknown,
        [(
            "Assets!B1",
            "unknown field `f0` in an information_asset; `tillsyn schema show information_asset` \
             lists the fields"
        )]
    );
}
