//! Properties over arbitrary input: no parser panics on any text, and a whole check of any file
//! neither panics nor depends on anything but the tree and the as-of day.

use proptest::prelude::*;
use tillsyn::source::Limits;

fn cell_type(_: &[&str]) -> tillsyn::source::csv::CellType {
    tillsyn::source::csv::CellType::String
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn no_parser_panics_on_any_text(text in any::<String>()) {
        let limits = Limits::default();
        let _ = tillsyn::source::toml::parse(&text, &limits);
        let _ = tillsyn::source::yaml::parse(&text, &limits);
        let _ = tillsyn::source::json::parse(&text, &limits);
        let _ = tillsyn::source::markdown::parse(&text, &limits);
        let _ = tillsyn::source::csv::parse(&text, &cell_type, &Default::default());
        let _ = tillsyn::source::fides::parse(&text, "privacy/any.yml", &limits);
        let _ = tillsyn::source::fides::parse(&text, "privacy/any.json", &limits);
    }

    #[test]
    fn the_fides_reader_takes_any_value_in_any_field_it_maps(
        field in prop::sample::select(vec![
            "fides_key", "name", "description", "administrating_department", "system_dependencies",
            "tags", "data_security_practices", "does_international_transfers",
            "legal_basis_for_transfers", "privacy_declarations",
        ]),
        declared in prop::sample::select(vec![
            "name", "data_use", "data_categories", "data_subjects", "legal_basis_for_processing",
            "special_category_legal_basis", "processes_special_category_data", "retention_period",
            "data_shared_with_third_parties", "third_parties",
        ]),
        value in "[ -~\\n\\t\"'\\[\\]{}:,#&*!|>-]{0,40}",
    ) {
        let limits = Limits::default();
        let yaml = format!(
            "system:\n  - fides_key: s\n    {field}: {value}\n    privacy_declarations:\n      - data_categories: [user.health]\n        data_use: x\n        {declared}: {value}\n"
        );
        let _ = tillsyn::source::fides::parse(&yaml, "privacy/s.yml", &limits);
    }

    #[test]
    fn no_parser_panics_on_text_that_looks_like_a_record(
        key in "[a-z_]{1,12}",
        value in "[ -~\\n\\t\"'\\[\\]{}:,#&*!|>-]{0,40}",
    ) {
        let limits = Limits::default();
        let yaml = format!("kind: person\nid: P\n{key}: {value}\n");
        let _ = tillsyn::source::yaml::parse(&yaml, &limits);
        let toml = format!("kind = \"person\"\nid = \"P\"\n{key} = {value}\n");
        let _ = tillsyn::source::toml::parse(&toml, &limits);
        let json = format!("{{\"kind\": \"person\", \"id\": \"P\", \"{key}\": {value}}}");
        let _ = tillsyn::source::json::parse(&json, &limits);
        let csv = format!("id,{key}\nP,{value}\n");
        let _ = tillsyn::source::csv::parse(&csv, &cell_type, &Default::default());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any one file: the whole check runs, and twice gives the same findings.
    #[test]
    fn a_check_of_any_file_is_deterministic_and_never_panics(
        extension in prop::sample::select(vec!["yaml", "json", "toml", "md"]),
        value in "[ -~\\n]{0,60}",
    ) {
        let dir = tempfile::tempdir().unwrap();
        let text = match extension {
            "yaml" => format!("kind: information_asset\nid: IA-1\nname: {value}\n"),
            "json" => format!("{{\"kind\": \"information_asset\", \"id\": \"IA-1\", \"name\": {value}}}"),
            "toml" => format!("kind = \"information_asset\"\nid = \"IA-1\"\nname = {value}\n"),
            _ => format!("---\nkind: information_asset\nid: IA-1\nname: {value}\n---\n"),
        };
        std::fs::write(dir.path().join(format!("a.{extension}")), text).unwrap();
        let config = tillsyn::config::Config::default();
        let rules = tillsyn::rules::RuleSet::load(dir.path(), &config, &tillsyn::rules::Selection::default()).unwrap();
        let ledger = tillsyn::followup::ledger::Ledger::empty();
        let today = jiff::civil::date(2026, 11, 27);
        let first = tillsyn::check::check(dir.path(), &config, &rules, &ledger, today).unwrap().outcome;
        let second = tillsyn::check::check(dir.path(), &config, &rules, &ledger, today).unwrap().outcome;
        prop_assert_eq!(first.findings, second.findings);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Reordering a record's keys and re-indenting its file keeps every fingerprint.
    #[test]
    fn reformatting_a_file_keeps_its_fingerprints(
        order in Just((0..5usize).collect::<Vec<_>>()).prop_shuffle(),
        indent in 2usize..6,
    ) {
        let fields = [
            "id: IA-1".to_string(),
            "name: Elevregister".to_string(),
            "unit: NOPE".to_string(),
            "classification: {confidentiality: 1, integrity: 1, availability: 9}".to_string(),
            "contains_personal_data: false".to_string(),
        ];
        let fingerprints = |text: String| -> Vec<String> {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("a.yaml"), text).unwrap();
            let config = tillsyn::config::Config::default();
            let rules = tillsyn::rules::RuleSet::load(dir.path(), &config, &tillsyn::rules::Selection::default()).unwrap();
            let ledger = tillsyn::followup::ledger::Ledger::empty();
            let result = tillsyn::check::check(dir.path(), &config, &rules, &ledger, jiff::civil::date(2026, 11, 27)).unwrap().outcome;
            let mut prints: Vec<String> = result.findings.into_iter().map(|finding| finding.fingerprint).collect();
            prints.sort();
            prints
        };
        let plain = format!("kind: information_asset\nrecords:\n  - {}\n", fields.join("\n    "));
        let pad = " ".repeat(indent);
        let reordered: Vec<&String> = order.iter().map(|&index| &fields[index]).collect();
        let reformatted = format!(
            "# reformatted\nkind: information_asset\nrecords:\n{pad}- {}\n",
            reordered.iter().map(|field| field.as_str()).collect::<Vec<_>>().join(&format!("\n{pad}  "))
        );
        let before = fingerprints(plain);
        prop_assert!(!before.is_empty());
        prop_assert_eq!(before, fingerprints(reformatted));
    }
}

/// The parts of the fixture workbook, unpacked, for the workbook properties below.
fn workbook_parts() -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/excel/registers/information-assets.xlsx");
    let bytes = std::fs::read(path).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|index| {
            let mut part = archive.by_index(index).unwrap();
            let mut content = Vec::new();
            part.read_to_end(&mut content).unwrap();
            (part.name().to_string(), content)
        })
        .collect()
}

fn zipped(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in parts {
        writer
            .start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(content).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any bytes, and a real workbook whose XML is damaged anywhere: a result, never a panic.
    #[test]
    fn no_workbook_panics_the_reader(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
        part in 0usize..16,
        at in any::<prop::sample::Index>(),
        damage in prop::collection::vec(any::<u8>(), 1..8),
    ) {
        let limits = Limits::default();
        // Also as a compound file (an encrypted workbook, an .xls): never a hang.
        let mut compound = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        compound.extend_from_slice(&bytes);
        let _ = tillsyn::source::xlsx::parse(compound, None, &limits, &cell_type, &Default::default());
        let _ = tillsyn::source::xlsx::parse(bytes, None, &limits, &cell_type, &Default::default());
        let mut parts = workbook_parts();
        let count = parts.len();
        if let Some((_, content)) = parts.get_mut(part % count) {
            let start = at.index(content.len().max(1)).min(content.len());
            let end = (start + damage.len()).min(content.len());
            content.splice(start..end, damage);
        }
        let _ = tillsyn::source::xlsx::parse(zipped(&parts), None, &limits, &cell_type, &Default::default());
    }
}
