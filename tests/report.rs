//! `tillsyn report`: the compliance matrix, the HTML report, the workbook and OSCAL assessment
//! results, on city-broken as of AS_OF.

mod common;

use std::path::Path;

use common::{AS_OF, copy_tree, fixture, run};
use serde_json::Value;

/// `tillsyn report ROOT --format FORMAT --as-of AS_OF EXTRA…`: standard output.
fn report(root: &Path, format: &str, extra: &[&str]) -> String {
    let root = root.to_str().expect("test paths are UTF-8");
    let mut args = vec!["report", root, "--format", format, "--as-of", AS_OF];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    stdout
}

/// The report written to a file with -o, as bytes.
fn report_file(root: &Path, format: &str, extra: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("report.{format}"));
    let mut args = vec!["-o", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let stdout = report(root, format, &args);
    assert!(stdout.is_empty());
    std::fs::read(&path).expect("the report was written")
}

/// The compliance matrix of a framework, parsed from the CSV format.
fn matrix(framework: &str) -> Vec<Vec<String>> {
    let text = report(&fixture("city-broken"), "csv", &["--framework", framework]);
    let mut lines = text.split("\r\n").filter(|line| !line.is_empty());
    assert_eq!(
        lines.next(),
        Some("framework,control,reference,title,rules,evaluated,failed,accepted,passed,status")
    );
    lines.map(split_csv).collect::<Vec<Vec<String>>>()
}

fn split_csv(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(String::new()),
            other => cells.last_mut().unwrap().push(other),
        }
    }
    cells
}

#[test]
fn the_iso_matrix_lists_all_93_annex_a_controls() {
    let rows = matrix("iso27001");
    let annex: Vec<&Vec<String>> = rows.iter().filter(|row| row[1].starts_with("A.")).collect();
    assert_eq!(annex.len(), 93);
    assert_eq!(annex[0][1], "A.5.1");
    assert_eq!(annex[0][3], "Policies for information security");
    assert_eq!(annex[92][1], "A.8.34");
    // Annex A first, in order, then the clauses.
    let first_clause = rows
        .iter()
        .position(|row| !row[1].starts_with("A."))
        .unwrap();
    assert_eq!(first_clause, 93);
    assert!(rows[93..].iter().any(|row| row[1] == "7.5.3"));
    // A control no rule references is listed and marked.
    let physical = rows.iter().find(|row| row[1] == "A.7.1").unwrap();
    assert_eq!(physical[4], "");
    assert_eq!(physical[9], "not assessed by tillsyn");
    let unassessed = annex
        .iter()
        .filter(|row| row[9] == "not assessed by tillsyn")
        .count();
    assert!((40..93).contains(&unassessed), "{unassessed}");
    // A.5.9 names OWN001, and with failing rules it is not compliant.
    let inventory = rows.iter().find(|row| row[1] == "A.5.9").unwrap();
    assert!(
        inventory[4].split(' ').any(|rule| rule == "OWN001"),
        "{inventory:?}"
    );
    assert!(inventory[6].parse::<usize>().unwrap() > 0);
    assert!(
        ["non-compliant", "partially compliant"].contains(&inventory[9].as_str()),
        "{inventory:?}"
    );
    let evaluated: usize = inventory[5].parse().unwrap();
    let failed: usize = inventory[6].parse().unwrap();
    let accepted: usize = inventory[7].parse().unwrap();
    let passed: usize = inventory[8].parse().unwrap();
    assert_eq!(passed, evaluated - failed - accepted);
}

#[test]
fn other_frameworks_list_their_referenced_articles() {
    let gdpr = matrix("gdpr");
    let article = gdpr.iter().find(|row| row[2] == "GDPR:28(3)").unwrap();
    assert_eq!(article[1], "Art. 28(3)");
    assert!(article[4].contains("PRV004") && article[4].contains("PRV005"));
    let nis2 = matrix("nis2");
    assert!(nis2.iter().any(|row| row[2] == "NIS2:21(2)(d)"));
    assert!(nis2.iter().any(|row| row[2] == "SFS2025:1506"));
    assert!(nis2.iter().all(|row| !row[2].starts_with("ISO27001:")));
    let plan = matrix("plan");
    assert!(plan.iter().all(|row| row[2].starts_with("PLAN")));
    assert!(!plan.is_empty());
}

#[test]
fn markdown_has_a_summary_above_the_matrix() {
    let text = report(&fixture("city-broken"), "markdown", &[]);
    assert!(
        text.starts_with("# Compliance: ISO/IEC 27001:2022\n"),
        "{text}"
    );
    assert!(text.contains(&format!("As of {AS_OF}")));
    assert!(text.contains("| Critical | High |"));
    let summary_at = text.find("| Critical").unwrap();
    let matrix_at = text.find("| Control | Title |").unwrap();
    assert!(summary_at < matrix_at);
    assert!(text.contains("| A.8.34 | Protection of information systems during audit testing |"));
}

#[test]
fn oscal_assessment_results_validate_against_the_schema() {
    let schema: Value = serde_json::from_str(include_str!(
        "external/oscal-1.0.6-assessment-results.schema.json"
    ))
    .expect("schema is JSON");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    for framework in ["iso27001", "gdpr", "nis2", "plan"] {
        for name in ["city-broken", "city-clean"] {
            let text = report(&fixture(name), "oscal", &["--framework", framework]);
            let json: Value = serde_json::from_str(&text).expect("OSCAL is JSON");
            let errors: Vec<String> = validator
                .iter_errors(&json)
                .map(|error| format!("{} at {}", error, error.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{framework} {name}: {errors:#?}");
        }
    }
    let text = report(&fixture("city-broken"), "oscal", &[]);
    let json: Value = serde_json::from_str(&text).unwrap();
    // The validator does check: a broken UUID, control id or date is refused.
    for (pointer, bad) in [
        ("/assessment-results/uuid", "not-a-uuid"),
        (
            "/assessment-results/results/0/reviewed-controls/control-selections/0/include-controls/0/control-id",
            "5.9 (bad)",
        ),
        ("/assessment-results/metadata/last-modified", "yesterday"),
    ] {
        let mut broken = json.clone();
        *broken.pointer_mut(pointer).expect(pointer) = Value::from(bad);
        assert!(!validator.is_valid(&broken), "{pointer}");
    }
    let results = &json["assessment-results"];
    assert_eq!(results["metadata"]["oscal-version"], "1.0.6");
    assert_eq!(
        results["metadata"]["last-modified"],
        format!("{AS_OF}T00:00:00Z")
    );
    let result = &results["results"][0];
    assert_eq!(result["start"], format!("{AS_OF}T00:00:00Z"));
    let controls: Vec<&str> =
        result["reviewed-controls"]["control-selections"][0]["include-controls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|control| control["control-id"].as_str().unwrap())
            .collect();
    assert!(controls.contains(&"a.5.9"), "{controls:?}");
    assert!(!controls.contains(&"a.7.1"));
    // One observation per finding.
    let (_, check) = common::check_json(&fixture("city-broken"), &[]);
    assert_eq!(
        result["observations"].as_array().unwrap().len(),
        check["findings"].as_array().unwrap().len()
    );
    let inventory = result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["target"]["target-id"] == "a.5.9_obj")
        .expect("a finding for A.5.9");
    assert_eq!(inventory["target"]["status"]["state"], "not-satisfied");
}

#[test]
fn the_workbook_has_three_sheets_with_string_cells() {
    use calamine::{Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("city");
    copy_tree(&fixture("city-broken"), &root);
    let path = root.join("registers/information-assets-2026.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(
            "name: Äldre nybyggnadskartor",
            "name: \"=HYPERLINK(\\\"http://x\\\")\"",
        ),
    )
    .unwrap();
    let bytes = report_file(&root, "xlsx", &[]);
    // Every sheet freezes its header row and has an autofilter, and no cell is a formula.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    for sheet in 1..=3 {
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut archive
                .by_name(&format!("xl/worksheets/sheet{sheet}.xml"))
                .unwrap(),
            &mut xml,
        )
        .unwrap();
        assert!(
            xml.contains(
                r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
            ),
            "sheet {sheet}"
        );
        assert!(xml.contains("<autoFilter ref=\"A1:"), "sheet {sheet}");
        assert!(
            !xml.contains("<f>") && !xml.contains("<f "),
            "sheet {sheet}"
        );
    }
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("an xlsx");
    assert_eq!(
        workbook.sheet_names(),
        ["Findings", "By owner", "Compliance"]
    );
    let findings = workbook.worksheet_range("Findings").unwrap();
    let header: Vec<String> = findings
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&header[..3], ["Severity", "State", "Rule"]);
    let injected = findings
        .rows()
        .find(|row| row[4].to_string().starts_with("=HYPERLINK"))
        .expect("the finding carries the value");
    assert!(matches!(injected[4], Data::String(_)), "{:?}", injected[4]);
    let formulas = workbook.worksheet_formula("Findings").unwrap();
    assert!(
        formulas
            .used_cells()
            .all(|(_, _, formula)| formula.is_empty())
    );
    let compliance = workbook.worksheet_range("Compliance").unwrap();
    let annex = compliance
        .rows()
        .filter(|row| row[1].to_string().starts_with("A."))
        .count();
    assert_eq!(annex, 93);
}

#[test]
fn html_escapes_the_data_and_draws_its_charts() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("city");
    copy_tree(&fixture("city-broken"), &root);
    let path = root.join("registers/information-assets-2026.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(
            "name: Äldre nybyggnadskartor",
            "name: \"<script>alert(1)</script>\"",
        ),
    )
    .unwrap();
    let (_, check) = common::check_json(&root, &[]);
    assert!(
        check["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|finding| finding["message"]
                .as_str()
                .unwrap()
                .contains("<script>alert(1)</script>")),
        "the finding's message carries the name"
    );
    let html = String::from_utf8(report_file(&root, "html", &[])).unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.to_lowercase().contains("<script"));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        !html.contains("<link") && !html.contains("src="),
        "no external asset"
    );
    assert!(html.contains(&format!("As of <time datetime=\"{AS_OF}\">{AS_OF}</time>")));
    assert!(html.contains(env!("CARGO_PKG_VERSION")));
    assert!(
        html.matches("<svg").count() >= 2,
        "the trend and portfolio charts"
    );
    assert!(html.contains("<title id=\"trend-title\">"));
    assert!(html.contains("<title id=\"portfolio-title\">"));
    assert!(html.contains("<desc id=\"portfolio-desc\">"));
    assert!(html.contains("@media print"));
    assert!(html.contains("A.8.34"));
}

/// Replaces each `(from, to)` in a file below `root`, every occurrence; `from` must be there.
fn replace_in(root: &Path, path: &str, replacements: &[(&str, &str)]) {
    let path = root.join(path);
    let mut text = std::fs::read_to_string(&path).unwrap();
    for (from, to) in replacements {
        assert!(text.contains(from), "{from} in {}", path.display());
        text = text.replace(from, to);
    }
    std::fs::write(&path, text).unwrap();
}

/// Markup, quotes and ampersands in a unit id, an initiative's id and name and a person's name
/// reach the page only escaped, wherever they are shown: the tallies by unit and by owner, the
/// findings' messages and owners, the portfolio chart's titles and labels and its table.
#[test]
fn html_shows_markup_in_ids_and_names_only_escaped_wherever_it_shows_them() {
    const UNIT: &str = r#"SBF<script>alert(1)</script>&"x""#;
    const UNIT_SHOWN: &str = "SBF&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;x&quot;";
    const INITIATIVE: &str = r#"INI-012<script>alert(1)</script>&"x""#;
    const INITIATIVE_SHOWN: &str = "INI-012&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;x&quot;";
    const NAME_SHOWN: &str =
        "Pilot &lt;script&gt;alert(1)&lt;/script&gt; &quot;AI&quot; &amp; stöd";
    const HOLDER_SHOWN: &str =
        "Olof &lt;script&gt;alert(1)&lt;/script&gt; &quot;Björk&quot; &amp; co";
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("city");
    copy_tree(&fixture("city-broken"), &root);
    // In JSON and TOML strings a quote is escaped; in YAML the id is single-quoted.
    let in_quotes = |id: &str| format!("\"{}\"", id.replace('"', "\\\""));
    let in_yaml = |id: &str| format!("'{id}'");
    replace_in(
        &root,
        "organisation/more-units.yaml",
        &[("  - id: SBF\n", &format!("  - id: {}\n", in_yaml(UNIT)))],
    );
    replace_in(
        &root,
        "organisation/persons.json",
        &[
            (
                "\"unit\": \"SBF\"",
                &format!("\"unit\": {}", in_quotes(UNIT)),
            ),
            (
                "\"Olof Björk\"",
                &in_quotes(r#"Olof <script>alert(1)</script> "Björk" & co"#),
            ),
        ],
    );
    for (path, from) in [
        ("organisation/more-assignments.yaml", "scope_unit: SBF\n"),
        ("registers/information-assets-2026.yaml", "unit: SBF\n"),
    ] {
        let to = from.replace("SBF\n", &format!("{}\n", in_yaml(UNIT)));
        replace_in(&root, path, &[(from, &to)]);
    }
    for path in [
        "registers/systems-2026.toml",
        "portfolio/initiatives.toml",
        "followup/incidents/INC-2026-010.json",
    ] {
        let (from, to) = if path.ends_with(".json") {
            (
                "\"unit\": \"SBF\"",
                format!("\"unit\": {}", in_quotes(UNIT)),
            )
        } else {
            ("unit = \"SBF\"", format!("unit = {}", in_quotes(UNIT)))
        };
        replace_in(&root, path, &[(from, &to)]);
    }
    replace_in(
        &root,
        "documents/styrdokument-med-brister.yaml",
        &[(
            "applies_to: [SBF]",
            &format!("applies_to: [{}]", in_yaml(UNIT)),
        )],
    );
    replace_in(
        &root,
        "portfolio/initiatives.toml",
        &[
            (
                "id = \"INI-012\"",
                &format!("id = {}", in_quotes(INITIATIVE)),
            ),
            (
                "name = \"Pilot med AI-stöd för registrering av allmänna handlingar\"",
                &format!(
                    "name = {}",
                    in_quotes(r#"Pilot <script>alert(1)</script> "AI" & stöd"#)
                ),
            ),
        ],
    );
    replace_in(
        &root,
        "portfolio/benefits.yaml",
        &[(
            "initiative: INI-012\n",
            &format!("initiative: {}\n", in_yaml(INITIATIVE)),
        )],
    );

    let html = String::from_utf8(report_file(&root, "html", &[])).unwrap();
    assert!(
        !html.to_lowercase().contains("<script"),
        "no script element"
    );
    assert!(!html.to_lowercase().contains("</script"));
    for raw in [r#"&"x""#, r#""Björk""#, r#""AI""#, "& co", "& stöd"] {
        assert!(!html.contains(raw), "{raw} is shown raw");
    }
    let shown = html
        .matches("&lt;script&gt;alert(1)&lt;/script&gt;")
        .count();
    assert_eq!(
        html.matches("alert(1)").count(),
        shown,
        "every occurrence is escaped"
    );
    assert!(shown >= 20, "{shown} occurrences");
    for fragment in [
        // The tallies by unit and by owner.
        format!("<tr><td>{UNIT_SHOWN}</td><td class=\"num\">"),
        format!("<tr><td>{HOLDER_SHOWN} ({UNIT_SHOWN})</td><td class=\"num\">"),
        // A finding's message and owner.
        format!("<td class=\"msg\">innovation is 0 % of the portfolio of {UNIT_SHOWN} by budget"),
        format!("</td><td>{HOLDER_SHOWN} ({UNIT_SHOWN})</td><td>"),
        // The portfolio chart: an initiative's title and label, the legend's unit.
        format!("<title>{INITIATIVE_SHOWN} {NAME_SHOWN} (KLK): innovation, internal benefit"),
        format!("<title>INI-010 E-tjänst för bygglovsansökan ({UNIT_SHOWN}): efficiency"),
        format!("text-anchor=\"middle\" fill=\"#1f2328\">{INITIATIVE_SHOWN}</text>"),
        format!("font-size=\"12\" fill=\"#1f2328\">{UNIT_SHOWN}</text>"),
        // The portfolio as a table.
        format!("<tr><td><code>{INITIATIVE_SHOWN}</code></td><td>{NAME_SHOWN}</td><td>KLK</td>"),
        format!("<td>E-tjänst för bygglovsansökan</td><td>{UNIT_SHOWN}</td><td>efficiency</td>"),
    ] {
        assert!(html.contains(&fragment), "{fragment}");
    }
}

#[test]
fn html_draws_the_trend_from_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("city");
    copy_tree(&fixture("city-broken"), &root);
    let ledger = dir.path().join("ledger.json");
    let ledger_arg = ledger.to_str().unwrap();
    for day in ["2026-05-04", "2026-08-03"] {
        let (code, _, stderr) = run(&[
            "check",
            root.to_str().unwrap(),
            "--as-of",
            day,
            "--ledger",
            ledger_arg,
            "--fail-on",
            "none",
        ]);
        assert_eq!(code, 0, "{stderr}");
    }
    let before = std::fs::read(&ledger).unwrap();
    let html = String::from_utf8(report_file(&root, "html", &["--ledger", ledger_arg])).unwrap();
    assert_eq!(
        std::fs::read(&ledger).unwrap(),
        before,
        "the ledger is unchanged"
    );
    for day in ["2026-05-04", "2026-08-03", AS_OF] {
        assert!(html.contains(&format!("<tr><td>{day}")), "{day}");
    }
    assert!(html.contains("<polyline"));
    // Findings first seen in May are overdue by November.
    assert!(!html.contains("No finding is overdue."));
}

#[test]
fn html_and_xlsx_need_an_output_file() {
    for format in ["html", "xlsx"] {
        let root = fixture("city-broken");
        let (code, stdout, stderr) = run(&[
            "report",
            root.to_str().unwrap(),
            "--format",
            format,
            "--as-of",
            AS_OF,
        ]);
        assert_eq!(code, 2, "{format}");
        assert!(stdout.is_empty());
        assert!(stderr.contains("-o FILE"), "{stderr}");
    }
}

#[test]
fn every_format_is_byte_identical_across_runs() {
    let root = fixture("city-broken");
    for format in ["markdown", "csv", "oscal"] {
        assert_eq!(
            report(&root, format, &[]),
            report(&root, format, &[]),
            "{format}"
        );
    }
    for format in ["html", "xlsx"] {
        assert_eq!(
            report_file(&root, format, &[]),
            report_file(&root, format, &[]),
            "{format}"
        );
    }
}

/// The hostile fixture (hostile text in every string field, a hostile rule pack and file name)
/// renders safely in every report format.
#[test]
fn hostile_text_renders_safely_in_every_report_format() {
    let root = fixture("hostile");
    let html = String::from_utf8(report_file(&root, "html", &[])).unwrap();
    assert!(
        html.contains("&lt;script&gt;"),
        "the hostile text is in the report, escaped"
    );
    assert!(
        !html.to_lowercase().contains("<script"),
        "no script element"
    );
    assert!(!html.contains('\u{1b}'), "no terminal escapes");

    let markdown = report(&root, "markdown", &[]);
    assert!(!markdown.contains("<script"), "{markdown}");
    assert!(!markdown.contains('\u{1b}'));

    let csv = report(&root, "csv", &[]);
    for line in csv.split("\r\n") {
        for cell in split_csv(line) {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "formula cell {cell:?} in {line}"
            );
        }
    }

    let oscal: Value =
        serde_json::from_str(&report(&root, "oscal", &[])).expect("OSCAL stays valid JSON");
    assert!(
        oscal.to_string().contains("<script>"),
        "JSON carries the text as data"
    );
}
