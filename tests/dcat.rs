//! DCAT catalogues read through `[[sources]] format = "dcat"` and `tillsyn import dcat`: DIGG's
//! own DCAT-AP-SE examples give the same datasets in Turtle and in RDF/XML, each finding at the
//! line of the triple it is about; blank nodes, vocabulary words and broken RDF are told plainly.

mod common;

use std::path::{Path, PathBuf};

use common::{check_json, run};
use serde_json::Value;

fn digg(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/external/formats/dcat-ap-se")
        .join(name)
}

/// A tree holding `files` and a tillsyn.toml that reads every `.ttl`, `.rdf` and `.jsonld`.
fn catalogue_tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut config = String::new();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
        config.push_str(&format!("[[sources]]\npath = \"{name}\"\n\n"));
    }
    std::fs::write(dir.path().join("tillsyn.toml"), config).unwrap();
    dir
}

/// `rule file:line:column message` of every finding of a check, in output order.
fn findings(root: &Path) -> Vec<String> {
    let (_, json) = check_json(root, &[]);
    common::finding_lines(&json)
}

fn import(file: &Path, extra: &[&str]) -> (i32, String, String) {
    run(&[&["import", "dcat", file.to_str().unwrap()], extra].concat())
}

/// The records of an import, without its comment line (which names the file).
fn imported_records(file: &Path) -> toml::Value {
    let (code, text, stderr) = import(file, &[]);
    assert_eq!(code, 0, "{stderr}");
    toml::from_str(&text).unwrap()
}

#[test]
fn digg_examples_give_the_same_datasets_in_turtle_and_rdf_xml() {
    for example in ["obligatoriskt", "rekommenderat"] {
        let turtle = imported_records(&digg(&format!("{example}.ttl")));
        let mut rdf_xml = imported_records(&digg(&format!("{example}.rdf")));
        // DIGG's two mandatory examples differ in one character: the RDF/XML names the
        // publisher "Exampel organization." with a full stop.
        if example == "obligatoriskt" {
            let name = &mut rdf_xml["records"][0]["publisher"]["name"];
            assert_eq!(name.as_str(), Some("Exampel organization."));
            *name = toml::Value::String("Exampel organization".to_string());
        }
        assert_eq!(turtle, rdf_xml, "{example}");
    }
    let recommended = imported_records(&digg("rekommenderat.ttl"));
    let expected: toml::Value = toml::from_str(
        r#"
kind = "dataset"
[[records]]
id = "https://example.com/dataset1"
catalog = "https://example.com/catalog1"
catalog_license = "http://creativecommons.org/publicdomain/zero/1.0/"
title = { sv = "Bibliotek i Sverige", en = "Libraries in Sweden" }
description = { sv = "Plats och öppettider för alla bibliotek i Sverige" }
publisher = { iri = "https://example.com/publisher1", name = "Exempel organisation", type = "http://purl.org/adms/publishertype/NonProfitOrganisation" }
contact_point = { name = "Öppna data gruppen på exempel organisationen", email = "oppnadata@exemple.com" }
access_rights = "public"
themes = ["http://publications.europa.eu/resource/authority/data-theme/EDUC"]
keywords = ["bibliotek", "library"]
spatial = ["http://sws.geonames.org/2661886"]
temporal = { start = "2010-01-01", end = "2012-01-01" }
issued = "2020-01-01"
distributions = [
  { iri = "https://example.com/distribution1", access_url = "http://example.com/download", download_url = "http://example.com/download", format = "text/csv", license = "http://creativecommons.org/publicdomain/zero/1.0/" },
  { iri = "https://example.com/distribution2", access_url = "http://example.com/api", format = "application/json", license = "http://creativecommons.org/publicdomain/zero/1.0/", access_service = "https://example.com/dataservice1" },
]
"#,
    )
    .unwrap();
    assert_eq!(recommended, expected);
}

#[test]
fn findings_stand_at_the_triple_they_are_about() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["obligatoriskt.ttl", "obligatoriskt.rdf"] {
        std::fs::copy(digg(name), dir.path().join(name)).unwrap();
    }
    std::fs::write(
        dir.path().join("tillsyn.toml"),
        "[[sources]]\npath = \"*.ttl\"\n\n[[sources]]\npath = \"*.rdf\"\nformat = \"dcat\"\n",
    )
    .unwrap();
    let iri = "https://example.com/dataset1";
    // The mandatory example's publisher has no type: DAT002 at the dcterms:publisher triple;
    // no dataset says which information asset it comes from: OWN006 at the dataset.
    assert_eq!(
        findings(dir.path()),
        [
            "OWN006 obligatoriskt.rdf:18:1 no source_asset: the dataset is not traced to the information asset it comes from".to_string(),
            "DAT002 obligatoriskt.rdf:21:2 publisher https://example.com/publisher1 lacks type".to_string(),
            "OWN006 obligatoriskt.ttl:17:1 no source_asset: the dataset is not traced to the information asset it comes from".to_string(),
            format!(
                "XRF002 obligatoriskt.ttl:17:1 the id `{iri}` is also the id of the dataset at obligatoriskt.rdf:18:1"
            ),
            "DAT002 obligatoriskt.ttl:20:2 publisher https://example.com/publisher1 lacks type".to_string(),
        ]
    );
}

const BLANK_NODES: &str = r#"@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .

<#catalog> a dcat:Catalog ;
    dcterms:license <http://creativecommons.org/publicdomain/zero/1.0/> ;
    dcat:dataset _:a, _:b .

_:a a dcat:Dataset ;
    dcterms:title "Badplatser" ;
    dcterms:description "Kommunens badplatser"@sv ;
    dcterms:publisher [ foaf:name "Felstads kommun" ; dcterms:type <http://purl.org/adms/publishertype/LocalAuthority> ] ;
    dcat:contactPoint [ vcard:fn "Öppna data" ; vcard:hasEmail <mailto:> ] ;
    dcterms:accessRights <http://publications.europa.eu/resource/authority/access-right/OPEN> ;
    dcterms:modified "2026-03-01T08:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> .

_:b a dcat:Dataset ;
    dcterms:identifier "felstad-parkering" ;
    dcterms:title "Parkering"@sv ;
    dcterms:description "Parkeringsplatser"@sv ;
    dcterms:publisher [ foaf:name "Felstads kommun" ; dcterms:type <http://purl.org/adms/publishertype/LocalAuthority> ] .
"#;

#[test]
fn blank_nodes_relative_iris_and_words_outside_the_vocabulary_are_read_plainly() {
    let dir = catalogue_tree(&[("katalog.ttl", BLANK_NODES)]);
    let (code, text, stderr) = import(&dir.path().join("katalog.ttl"), &[]);
    assert_eq!(code, 0, "{stderr}");
    let records: toml::Value = toml::from_str(&text).unwrap();
    let records = records["records"].as_array().unwrap();
    // A blank-node dataset is named by its content; one with dcterms:identifier by that.
    let first = records[0]["id"].as_str().unwrap();
    assert!(
        first.starts_with("_:dataset-") && first.len() == 26,
        "{first}"
    );
    assert_eq!(records[1]["id"].as_str(), Some("felstad-parkering"));
    // Relative IRIs resolve against the file's place in the tree, not the machine's.
    assert_eq!(
        records[0]["catalog"].as_str(),
        Some("file:///katalog.ttl#catalog")
    );
    // A text without a language is `und`; a date-time gives its day; the empty `mailto:` is
    // kept as written for the schema to say what it is; an access right outside the
    // vocabulary stays as written.
    assert_eq!(records[0]["title"]["und"].as_str(), Some("Badplatser"));
    assert_eq!(records[0]["modified"].as_str(), Some("2026-03-01"));
    assert_eq!(
        records[0]["contact_point"]["email"].as_str(),
        Some("mailto:")
    );
    assert_eq!(
        stderr,
        "read 2 dataset records from katalog.ttl\n\
         katalog.ttl:14:5: \"mailto:\" is not a usable `contact_point.email`: `mailto:` with no address after it: write the mailbox, such as registrator@kommun.se\n\
         katalog.ttl:15:5: \"http://publications.europa.eu/resource/authority/access-rig… is not a valid `access_rights`; expected one of public, restricted, non_public\n\
         2 values above will be findings when the imported file is checked\n"
    );

    // The same content with other blank-node labels and another order gives the same name.
    let relabelled = BLANK_NODES.replace("_:a", "_:x9").replace("_:b", "_:a");
    let again = catalogue_tree(&[("katalog.ttl", &relabelled)]);
    let (_, text, _) = import(&again.path().join("katalog.ttl"), &[]);
    let records_again: toml::Value = toml::from_str(&text).unwrap();
    assert_eq!(records_again["records"][0]["id"].as_str(), Some(first));
}

#[test]
fn broken_rdf_is_a_parse_finding_at_its_place_and_the_rest_of_the_tree_is_checked() {
    let dir = catalogue_tree(&[
        (
            "trasig.ttl",
            "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n\n<a> a dcat:Dataset ;\n  dcat:title \"x\n",
        ),
        (
            "trasig.rdf",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF [\n<!ENTITY a \"aaaaaaaaaa\">\n<!ENTITY b \"&a;&a;&a;&a;\">\n]>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>\n",
        ),
    ]);
    let found = findings(dir.path());
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].starts_with(
            "PARSE001 trasig.rdf:4:1 an entity of the document type refers to another entity"
        ),
        "{found:?}"
    );
    assert!(
        found[1].starts_with("PARSE001 trasig.ttl:4:14 not RDF that tillsyn can read:"),
        "{found:?}"
    );
}

#[test]
fn json_ld_with_its_context_in_the_file_is_read_and_a_remote_context_is_never_fetched() {
    let local = r#"{
  "@context": { "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/" },
  "@graph": [
    {
      "@id": "https://data.felstad.se/dataset/bad",
      "@type": "dcat:Dataset",
      "dct:title": { "@value": "Badplatser", "@language": "sv" }
    }
  ]
}
"#;
    let remote =
        r#"{ "@context": "https://www.w3.org/ns/dcat.jsonld", "@id": "x", "@type": "Dataset" }"#;
    let dir = catalogue_tree(&[("local.jsonld", local), ("remote.jsonld", remote)]);
    let (code, text, stderr) = import(&dir.path().join("local.jsonld"), &[]);
    assert_eq!(code, 0, "{stderr}");
    let records: toml::Value = toml::from_str(&text).unwrap();
    assert_eq!(
        records["records"][0]["title"]["sv"].as_str(),
        Some("Badplatser")
    );
    let found = findings(dir.path());
    // The record stands where its @id is written.
    assert!(
        found
            .iter()
            .any(|line| line.starts_with("SCH001 local.jsonld:5:7 ")),
        "{found:?}"
    );
    let remote_finding = found
        .iter()
        .find(|line| line.starts_with("PARSE001 remote.jsonld:1:1 "))
        .unwrap_or_else(|| panic!("{found:?}"));
    assert!(
        remote_finding.contains("a remote @context is never fetched"),
        "{remote_finding}"
    );
}

#[test]
fn rdf_no_source_names_is_skipped_with_its_reason_and_source_errors_point_at_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(digg("obligatoriskt.ttl"), dir.path().join("katalog.ttl")).unwrap();
    std::fs::write(
        dir.path().join("system.toml"),
        "kind = \"system\"\nid = \"SYS-1\"\nname = \"Elevsystem\"\n",
    )
    .unwrap();
    let root = dir.path().to_str().unwrap();
    let (_, _, stderr) = run(&["check", root, "-v", "--as-of", "2026-11-27"]);
    assert!(
        stderr.contains("katalog.ttl: RDF that no [[sources]] entry names (a DCAT catalogue is read with `format = \"dcat\"`)"),
        "{stderr}"
    );
    let config = dir.path().join("tillsyn.toml");
    for (text, expected) in [
        (
            "[[sources]]\npath = \"katalog.ttl\"\nformat = \"dcta\"\n",
            "tillsyn.toml:3:10: `format` must be one of `dcat`, `oscal`, `fides`, not `dcta`\n  help: did you mean `dcat`?",
        ),
        (
            "[[sources]]\npath = \"katalog.ttl\"\nheader_row = 2\n",
            "tillsyn.toml:3:1: `header_row` does not apply to a `dcat` source, which is read by its own format",
        ),
        (
            "[[sources]]\npath = \"katalog.ttl\"\nkind = \"system\"\n",
            "tillsyn.toml:3:8: a `dcat` source gives dataset records, not `system`",
        ),
        (
            "[[sources]]\npath = \"registers/*.csv\"\n",
            "tillsyn.toml:1:1: a [[sources]] entry needs `kind`, the kind of the records it maps",
        ),
    ] {
        std::fs::write(&config, text).unwrap();
        let (code, _, stderr) = run(&["check", root, "--as-of", "2026-11-27"]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
}

#[test]
fn import_of_a_catalogue_names_only_the_file_and_refuses_another_kind() {
    let (code, text, _) = import(&digg("obligatoriskt.ttl"), &["--to", "yaml"]);
    assert_eq!(code, 0);
    // An absolute path given on the command line is not written into the governance tree.
    assert!(
        text.starts_with("# Imported from obligatoriskt.ttl by tillsyn import.\nkind: dataset\n"),
        "{text}"
    );
    let (code, _, stderr) = import(&digg("obligatoriskt.ttl"), &["--kind", "system"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: a DCAT catalogue gives dataset records, not `system`\n"
    );
}

#[test]
fn json_of_a_dataset_field_is_at_its_value() {
    let dir = catalogue_tree(&[("katalog.ttl", BLANK_NODES)]);
    let (_, json) = check_json(dir.path(), &[]);
    let rights: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["pointer"] == "/dataset/0/access_rights")
        .collect();
    assert_eq!(rights.len(), 1, "{json}");
    assert_eq!(
        (rights[0]["line"].as_u64(), rights[0]["column"].as_u64()),
        (Some(15), Some(5))
    );
}

#[test]
fn a_file_that_gives_no_dataset_is_told_not_passed() {
    let processor_input = std::fs::read_to_string(digg("processor_full_example.json")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("digg.json"), &processor_input).unwrap();
    std::fs::write(
        dir.path().join("vocabulary.ttl"),
        "<https://data.felstad.se/theme/bad> <http://www.w3.org/2000/01/rdf-schema#label> \"Bad\"@sv .\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("tillsyn.toml"),
        "[[sources]]\npath = \"digg.json\"\nformat = \"dcat\"\n\n[[sources]]\npath = \"vocabulary.ttl\"\n",
    )
    .unwrap();
    let found = findings(dir.path());
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0]
            .starts_with("PARSE001 digg.json:1:1 the file gives no RDF statements, so no datasets"),
        "{found:?}"
    );
    assert!(
        found[1].starts_with(
            "PARSE001 vocabulary.ttl:1:1 the file holds 1 RDF statement but no DCAT dataset"
        ),
        "{found:?}"
    );
}

/// A catalogue's contact points as real ones are written: `mailto:` with nothing after it, a
/// top-level domain twice, no name, the vCard ontology's long form (`vcard:hasEmail [ vcard:value
/// <mailto:…> ]`, read as its address). Each is one finding at its triple, in words of what it
/// is; an address that is there but unusable is not also a missing one.
#[test]
fn contact_points_are_judged_for_what_they_are() {
    let catalogue = r#"@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .

<https://data.felstad.se/catalog> a dcat:Catalog ;
    dcterms:license <http://creativecommons.org/publicdomain/zero/1.0/> ;
    dcat:dataset <https://data.felstad.se/badplatser>, <https://data.felstad.se/parkering>, <https://data.felstad.se/cykel> .

<https://data.felstad.se/badplatser> a dcat:Dataset ;
    dcterms:title "Badplatser"@sv ;
    dcterms:description "Badplatser i Felstad"@sv ;
    dcterms:publisher [ foaf:name "Felstads kommun" ; dcterms:type <http://purl.org/adms/publishertype/LocalAuthority> ] ;
    dcat:contactPoint [ vcard:fn "Öppna data" ;
        vcard:hasEmail <mailto:> ] .

<https://data.felstad.se/parkering> a dcat:Dataset ;
    dcterms:title "Parkering"@sv ;
    dcterms:description "Parkering i Felstad"@sv ;
    dcterms:publisher [ foaf:name "Felstads kommun" ; dcterms:type <http://purl.org/adms/publishertype/LocalAuthority> ] ;
    dcat:contactPoint [ vcard:fn "Trafikkontoret" ;
        vcard:hasEmail <mailto:trafik@felstad.se.se> ] .

<https://data.felstad.se/cykel> a dcat:Dataset ;
    dcterms:title "Cykelställ"@sv ;
    dcterms:description "Cykelställ i Felstad"@sv ;
    dcterms:publisher [ foaf:name "Felstads kommun" ; dcterms:type <http://purl.org/adms/publishertype/LocalAuthority> ] ;
    dcat:contactPoint [ vcard:hasEmail [ vcard:value <mailto:oppnadata@felstad.se> ] ] .
"#;
    let dir = catalogue_tree(&[("katalog.ttl", catalogue)]);
    let (_, json) = check_json(dir.path(), &["--select", "SCH001,DAT006"]);
    assert_eq!(
        common::finding_lines(&json),
        [
            "SCH001 katalog.ttl:15:9 \"mailto:\" is not a usable `contact_point.email`: `mailto:` with no address after it: write the mailbox, such as registrator@kommun.se",
            "SCH001 katalog.ttl:22:9 \"trafik@felstad.se.se\" is not a usable `contact_point.email`: the domain ends in `.se.se`, its top-level domain written twice",
            "DAT006 katalog.ttl:28:5 contact point lacks name",
        ]
    );
}
