//! Precision on real data (issue 18): one defect is one finding, at the level where it is true,
//! in words that do not repeat what the location already says; and `--statistics` to see a
//! flood at a glance.

mod common;

use common::{check_json, finding_lines, fixture, run};

/// The findings of one record, as `rule file:line:column message`.
fn of_record(json: &serde_json::Value, record: &str) -> Vec<String> {
    let only: Vec<serde_json::Value> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|finding| finding["record"] == record)
        .cloned()
        .collect();
    finding_lines(&serde_json::json!({ "findings": only }))
}

/// `check --format json` of the small city with `files` added, with `extra` arguments.
fn small_city_with(files: &[(&str, &str)], extra: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    common::small_city(dir.path());
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    check_json(dir.path(), extra).1
}

/// The Swedish Markdown report of the small city with `files` added, SCH001 alone, with the
/// escapes Markdown adds taken out again (backticks, and `@`, lest it mention a GitHub user).
fn swedish_schema_findings(files: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    common::small_city(dir.path());
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let (_, text, _) = run(&[
        "check",
        dir.path().to_str().unwrap(),
        "--select",
        "SCH001",
        "--lang",
        "sv",
        "--format",
        "markdown",
    ]);
    text.replace("\\`", "`").replace("&#64;", "@")
}

#[test]
fn a_requirement_a_rule_checks_is_reported_by_the_rule_alone() {
    let root = fixture("city-broken");
    // AGR-001 is a processor agreement with neither its activities nor its Art. 28(3) clauses.
    let (_, json) = check_json(&root, &["--select", "PRV005,SCH001"]);
    assert_eq!(
        of_record(&json, "AGR-001"),
        [
            "PRV005 registers/agreements.json:1:1 processor agreement with SUP-001: no art28_clauses; Art. 28(3) clauses missing or false: subject_duration_nature_purpose, instructions, confidentiality, security, subprocessors, data_subject_rights, assistance, deletion_return, audit",
            "SCH001 registers/agreements.json:1:1 missing required field `processing_activities`: A processor agreement must list the processing activities it covers.",
        ]
    );
    // Without the rule, the schema still says it: nothing is lost.
    let (_, json) = check_json(&root, &["--select", "SCH001"]);
    assert_eq!(
        of_record(&json, "AGR-001"),
        [
            "SCH001 registers/agreements.json:1:1 missing required field `art28_clauses`: A processor agreement must record its Art. 28(3) clauses.",
            "SCH001 registers/agreements.json:1:1 missing required field `processing_activities`: A processor agreement must list the processing activities it covers.",
        ]
    );
}

#[test]
fn a_legal_basis_without_its_law_is_one_finding_of_prv002() {
    let json = small_city_with(
        &[(
            "activities.yaml",
            "kind: processing_activity
records:
  - id: PA-1
    name: Bygglov
    controller_unit: KS
    purposes: [Handläggning av bygglov]
    legal_basis: [art6_1_e]
    data_subject_categories: [Sökande]
    personal_data_categories: [Namn och adress, Hälsa]
    special_categories: true
    criminal_offence_data: false
    recipients: [{ category: Länsstyrelsen }]
    security_measures: Behörighetsstyrning efter roll.
    retention:
      - { data_category: Bygglovsärenden, period: preserve }
",
        )],
        &["--select", "PRV002,SCH001"],
    );
    let lines = of_record(&json, "PA-1");
    assert_eq!(
        lines
            .iter()
            .map(|line| line.split(' ').next().unwrap())
            .collect::<Vec<_>>(),
        ["PRV002", "PRV002"],
        "{lines:#?}"
    );
    assert!(
        lines[0].contains("legal basis art6_1_e without the national law"),
        "{lines:#?}"
    );
    assert!(
        lines[1].contains("without an Art. 9(2) condition"),
        "{lines:#?}"
    );
}

#[test]
fn no_message_repeats_the_record_id_its_location_gives() {
    let (_, json) = check_json(&fixture("city-broken"), &[]);
    for finding in json["findings"].as_array().unwrap() {
        let (Some(record), Some(message)) =
            (finding["record"].as_str(), finding["message"].as_str())
        else {
            continue;
        };
        // A duplicate id names the other record; an invalid id is the value being judged.
        if finding["rule"] == "XRF002"
            || finding["pointer"]
                .as_str()
                .is_some_and(|p| p.ends_with("/id"))
        {
            continue;
        }
        // A distribution's access URL may be the dataset's page: that is data, not a repeat.
        let repeats = message.starts_with(record)
            || message.contains(&format!("({record})"))
            || message.contains(&format!(" {record} ("))
            || message.contains(&format!(" {record} with"));
        assert!(!repeats, "{} repeats {record}: {message}", finding["rule"]);
    }
}

#[test]
fn statistics_count_the_findings_of_each_rule_most_first() {
    let root = fixture("city-broken");
    let (code, stdout, _) = run(&[
        "check",
        root.to_str().unwrap(),
        "--as-of",
        "2026-11-27",
        "--statistics",
    ]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "15  SCH001    high      Record does not match its kind's schema"
    );
    assert!(
        lines.contains(
            &" 1  OWN003    medium    System without system owner or system manager (+1 accepted)"
        ),
        "{stdout}"
    );
    assert_eq!(
        lines.last().copied(),
        Some("93 open and 3 accepted findings from 67 rules, as of 2026-11-27.")
    );
    // With a machine format, clap refuses the combination rather than ignore one of them.
    let (code, _, stderr) = run(&[
        "check",
        root.to_str().unwrap(),
        "--statistics",
        "--format",
        "json",
    ]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn a_value_the_schema_refuses_is_explained_with_an_example_not_a_pattern() {
    let json = small_city_with(
        &[
            (
                "bad.yaml",
                "kind: governing_document
records:
  - id: DOC-X1
    title: Riktlinje X
    doc_kind: guideline
    decided_by: KS
    applies_to: [KS]
    decision: { body: KS, date: 2026-02-12, paragraph: 14 }
    valid_from: 2026-03-01
    valid_to: tills vidare
    review_interval: 12 månader
",
            ),
            (
                "exceptions.yaml",
                "kind: exception
records:
  - id: EXC-1
    rule: OWN001
    targets: [IA 1]
    justification: Övergång till nytt system.
    requested_by: RA-KS-KD
    approved_by: RA-KS-KD
    approved_on: 2026-01-10
    expires_on: 2026-12-31
",
            ),
        ],
        &["--select", "SCH001"],
    );
    let lines: Vec<String> = finding_lines(&json)
        .into_iter()
        .filter(|line| line.contains("is not a valid"))
        .collect();
    assert_eq!(
        lines,
        [
            "SCH001 bad.yaml:10:15 \"tills vidare\" is not a valid `valid_to`: expected a date such as 2026-12-31, or `until_further_notice`",
            // A period that is neither an ISO 8601 duration nor of its form is one finding.
            "SCH001 bad.yaml:11:22 \"12 månader\" is not a valid `review_interval`: expected a period such as P12M, P3Y or P90D",
            "SCH001 exceptions.yaml:5:15 \"IA 1\" is not a valid `targets[0]`: expected a kind and an id such as system:SYS-001, or a whole kind such as system:*",
        ]
    );
}

#[test]
fn no_message_shows_schema_vocabulary_or_a_pattern() {
    for name in ["city-broken", "hostile"] {
        let (_, json) = check_json(&fixture(name), &[]);
        for line in finding_lines(&json) {
            for word in [
                "anyOf",
                "oneOf",
                "allOf",
                "additionalProperties",
                "must match",
                "^\\",
                "$ref",
            ] {
                assert!(!line.contains(word), "{name}: `{word}` in {line}");
            }
        }
    }
}

#[test]
fn a_rule_failing_on_a_defect_the_schema_reported_adds_nothing() {
    let json = small_city_with(
        &[(
            "suppliers.yaml",
            "kind: supplier\nrecords:\n  - id: SUP-X\n    name: Molnbolaget AB\n    country: SE\n",
        )],
        &["--select", "SUP004,SCH001"],
    );
    // SUP004 reads `is_cloud`, which is missing: the schema's finding is the one defect.
    assert_eq!(
        of_record(&json, "SUP-X"),
        ["SCH001 suppliers.yaml:3:5 missing required field `is_cloud`"]
    );
}

/// A policy made from the template: two placeholders, one of them where a date should be, and a
/// decider left as `[Nämnd]`.
const TEMPLATE_POLICY: &str = "kind: governing_document
records:
  - id: DOC-1
    title: Informationssäkerhetspolicy
    doc_kind: policy
    status: active
    decided_by: \"[Nämnd]\"
    applies_to: [UN]
    registry_number: UN 2021/14
    valid_from: 2021-03-01
    valid_to: until_further_notice
    decision: { body: UN, date: 2021-02-10, paragraph: 12 }
    last_revised: \"[Datum]\"
    document_owner: RA-UN-IAO
    appendices:
      - title: \"[Bilagor]\"
";

#[test]
fn each_placeholder_is_one_finding_at_its_value_and_counts_as_absent_for_the_rules() {
    let json = small_city_with(&[("documents.yaml", TEMPLATE_POLICY)], &[]);
    // `[Datum]` is not also an invalid date (SCH001), `[Nämnd]` not also a unit that does not
    // exist (XRF001), and the review is judged from `valid_from` (DOC006), not left unjudged.
    let found = of_record(&json, "DOC-1");
    let of = |rule: &str| -> Vec<&String> {
        found
            .iter()
            .filter(|line| line.starts_with(&format!("{rule} ")))
            .collect()
    };
    assert_eq!(
        of("DOC001"),
        [
            "DOC001 documents.yaml:7:17 `decided_by` still holds the template placeholder «[Nämnd]»",
            "DOC001 documents.yaml:13:19 `last_revised` still holds the template placeholder «[Datum]»",
            "DOC001 documents.yaml:16:16 `appendices[0].title` still holds the template placeholder «[Bilagor]»",
        ]
    );
    assert!(of("SCH001").is_empty(), "{found:#?}");
    assert!(of("XRF001").is_empty(), "{found:#?}");
    assert_eq!(
        of("DOC006"),
        [
            "DOC006 documents.yaml:13:19 Informationssäkerhetspolicy: last revised or in force from 2021-03-01, review every P12M was due on 2022-03-01"
        ],
        "{found:#?}"
    );
    assert!(
        !found
            .iter()
            .any(|line| line.contains("could not be evaluated")),
        "{found:#?}"
    );
}

#[test]
fn without_doc001_the_schema_still_refuses_a_placeholder_date() {
    let json = small_city_with(
        &[("documents.yaml", TEMPLATE_POLICY)],
        &["--select", "SCH001,XRF001,DOC006"],
    );
    let found = of_record(&json, "DOC-1");
    assert!(
        found.contains(&"SCH001 documents.yaml:13:19 \"[Datum]\" is not a valid `last_revised`: expected a calendar date YYYY-MM-DD, e.g. 2026-03-31".to_string()),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|line| line.starts_with("XRF001 documents.yaml:7:17")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|line| line.starts_with("DOC006 ")),
        "{found:#?}"
    );
}

#[test]
fn an_address_no_mail_reaches_is_one_finding_at_it_in_words_of_what_is_wrong() {
    let json = small_city_with(
        &[(
            "more-persons.yaml",
            "kind: person
records:
  - { id: P-2, name: Nils Berg, unit: UN, email: nils.berg@kommun.se.se }
  - { id: P-3, name: Eva Holm, unit: UN, email: \"Eva Holm <eva.holm@kommun.se>\" }
  - { id: P-4, name: Ali Khan, unit: UN, email: ali.khan@kommun.se }
",
        )],
        &["--select", "SCH001"],
    );
    assert_eq!(
        finding_lines(&json),
        [
            "SCH001 more-persons.yaml:3:50 \"nils.berg@kommun.se.se\" is not a usable `email`: the domain ends in `.se.se`, its top-level domain written twice",
            "SCH001 more-persons.yaml:4:49 \"Eva Holm <eva.holm@kommun.se>\" is not a usable `email`: a name with the address: write the address alone, such as registrator@kommun.se",
        ]
    );
    let text = swedish_schema_findings(&[(
        "more-persons.yaml",
        "kind: person\nrecords:\n  - { id: P-2, name: Nils Berg, unit: UN, email: nils.berg@kommun }\n",
    )]);
    assert!(
        text.contains(
            "\"nils.berg@kommun\" är ingen användbar `email`: domänen saknar toppdomän: skriv den hel, som registrator@kommun.se"
        ),
        "{text}"
    );
}

#[test]
fn a_swedish_message_names_the_values_in_swedish_and_takes_the_swedish_word_for_its_value() {
    let system = (
        "systems-more.yaml",
        "kind: system\nrecords:\n  - { id: SYS-9, name: Ärendesystem, unit: UN, lifecycle: i drift }\n",
    );
    let json = small_city_with(&[system], &["--select", "SCH001"]);
    assert_eq!(
        of_record(&json, "SYS-9"),
        [
            "SCH001 systems-more.yaml:3:59 \"i drift\" is not a valid `lifecycle`; expected one of planned, operating, decommissioning, decommissioned (write `operating` for i drift)"
        ]
    );
    let text = swedish_schema_findings(&[system]);
    assert!(
        text.contains(
            "\"i drift\" är inget giltigt värde för `lifecycle`; tillåtna värden är planned (planerad), operating (i drift), decommissioning (under avveckling), decommissioned (avvecklad) (skriv `operating` för i drift)"
        ),
        "{text}"
    );
}

#[test]
fn the_keys_of_a_table_and_an_empty_table_are_explained_in_words_not_keywords() {
    let json = small_city_with(
        &[(
            "datasets.yaml",
            "kind: dataset
records:
  - id: https://data.exempelstad.se/dataset/vattenkvalitet
    catalog: https://data.exempelstad.se/catalog
    catalog_license: http://creativecommons.org/publicdomain/zero/1.0/
    title: { svenska: Dricksvattenkvalitet }
    description: {}
    publisher: { iri: \"https://www.exempelstadvatten.se\", name: Exempelstad Vatten AB, type: \"http://purl.org/adms/publishertype/PublicBody\" }
    access_rights: public
",
        )],
        &["--select", "SCH001"],
    );
    assert_eq!(
        finding_lines(&json),
        [
            "SCH001 datasets.yaml:6:12 `title` has the key \"svenska\", which is not a language tag such as sv, en or sv-SE",
            "SCH001 datasets.yaml:7:18 `description` is empty; give it a value or leave it out",
        ]
    );
}

/// A joint policy of three municipalities (this one's council in the header, the other two and a
/// committee of this one in `adoptions`, the committee's under delegation), and a guideline
/// decided under delegation whose delegate is not named.
const JOINT_AND_DELEGATED: &str = "kind: governing_document
records:
  - id: DOC-J
    title: Gemensam informationssäkerhetspolicy
    doc_kind: policy
    topic: information_security
    decided_by: KF
    applies_to: [all_committees]
    registry_number: KS 2026/87
    decision: { body: KF, date: 2026-02-12, paragraph: 14 }
    adoptions:
      - organisation: Kommun B
        registry_number: Dnr 26.0311
        decision: { body: KF, date: 2026-02-16, paragraph: 45 }
      - organisation: Kommun C
        registry_number: KS 2026/112
        decision: { body: KF, date: 2026-03-16, paragraph: 9 }
      - decided_by: UN
        registry_number: UN 2026/14
        decision: { type: delegation, body: UN, date: 2026-02-20, delegate: förvaltningschef, delegation_decision: UN 2025-01-20 § 4 }
    valid_from: 2026-03-01
    valid_to: until_further_notice
    document_owner: RA-KS-KD
  - id: DOC-D
    title: Riktlinje för lösenord
    doc_kind: guideline
    topic: information_security
    decided_by: KS
    applies_to: [KS]
    registry_number: KS 2026/90
    decision:
      type: delegation
      body: KS
      date: 2026-02-20
      delegation_decision: KS 2023-02-14 § 12
    valid_from: 2026-03-01
    document_owner: RA-KS-KD
";

#[test]
fn a_joint_policy_is_judged_per_adoption_and_a_delegated_decision_needs_no_paragraph() {
    let json = small_city_with(
        &[("documents.yaml", JOINT_AND_DELEGATED)],
        &["--select", "SCH001,XRF001,DOC001,DOC002,DOC005,DOC009"],
    );
    // One policy with three adoptions is not three duplicates (DOC009); Kommun B's registry
    // number is in its own form, not judged; the committee's delegated adoption names its
    // delegate and delegation decision and has no paragraph; Kommun C adopted after the
    // policy took effect, at that adoption's date. The guideline lacks its delegate: one
    // finding, at its decision's type, not also the schema's missing field.
    assert_eq!(
        of_record(&json, "DOC-J"),
        [
            "DOC002 documents.yaml:17:37 Gemensam informationssäkerhetspolicy: adopted by Kommun C on 2026-03-16, after the document took effect on 2026-03-01"
        ]
    );
    assert_eq!(
        of_record(&json, "DOC-D"),
        [
            "DOC002 documents.yaml:32:13 Riktlinje för lösenord: a decision under delegation without its delegate; name who decided in decision.delegate (e.g. kommundirektör) and the decision that gave the power in decision.delegation_decision (e.g. KS 2023-02-14 § 12)"
        ]
    );
    assert!(
        !finding_lines(&json)
            .iter()
            .any(|line| line.starts_with("DOC009 ")),
        "{json:#}"
    );
    // Without DOC002, the schema says what is missing: nothing is lost.
    let json = small_city_with(
        &[("documents.yaml", JOINT_AND_DELEGATED)],
        &["--select", "SCH001"],
    );
    assert!(of_record(&json, "DOC-J").is_empty(), "{json:#}");
    assert_eq!(
        of_record(&json, "DOC-D"),
        [
            "SCH001 documents.yaml:31:5 missing required field `decision.delegate`: A decision under delegation names the delegate who took it and the delegation decision that gave the power (decision.delegate and decision.delegation_decision), e.g. KS 2023-02-14 § 12."
        ]
    );
}
