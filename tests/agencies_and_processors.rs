//! The model beyond the municipality: a state agency (statlig myndighet), led by its head or
//! board and with no council, committees or governing body, and a processor's record of
//! processing (GDPR Art. 30(2)), which has no purposes, legal basis, data subjects or retention
//! of its own. Each test builds a small tree and runs the binary.

mod common;

use common::{check_json, finding_lines};
use std::path::Path;

fn write(root: &Path, name: &str, text: &str) {
    std::fs::write(root.join(name), text).unwrap();
}

/// A DPO role and an information-security coordinator's, and their assignments scoped to
/// `scope` (the coordinator's always, the DPO's when `with_dpo`).
fn roles_and_assignments(root: &Path, scope: &str, with_dpo: bool) {
    write(
        root,
        "roles.yaml",
        "kind: role
records:
  - { id: ROLE-DPO, title: Dataskyddsombud, function: dpo, is_owner_role: false, authority_level: 6 }
  - { id: ROLE-ISC, title: Informationssäkerhetssamordnare, function: infosec_coordinator, is_owner_role: false, authority_level: 6 }
",
    );
    let dpo = if with_dpo {
        format!(
            "  - {{ id: RA-DPO, role: ROLE-DPO, scope_unit: {scope}, holder_title: Dataskyddsombud, valid_from: 2024-01-01 }}\n"
        )
    } else {
        String::new()
    };
    write(
        root,
        "assignments.yaml",
        &format!(
            "kind: role_assignment
records:
{dpo}  - {{ id: RA-ISC, role: ROLE-ISC, scope_unit: {scope}, holder_title: Informationssäkerhetsstrateg, valid_from: 2024-01-01 }}
"
        ),
    );
}

/// Myndigheten för digital förvaltning: the agency (the controller, a NIS2 important entity),
/// its director-general, who decides for it, and a department; a DPO and an information-security
/// coordinator scoped to the agency, and an information-security policy applying to it, decided
/// by `decided_by`.
fn agency(root: &Path, decided_by: &str, with_dpo: bool) {
    write(
        root,
        "units.yaml",
        "kind: org_unit
records:
  - { id: DIGG, name: Myndigheten för digital förvaltning, short_name: DIGG, unit_type: agency, is_controller: true, nis2_scope: important }
  - { id: GD, name: Generaldirektören, short_name: GD, unit_type: agency_head, parent: DIGG, is_controller: false }
  - { id: AVD-IT, name: Avdelningen för digital infrastruktur, short_name: AVD-IT, unit_type: department, parent: DIGG, is_controller: false }
",
    );
    roles_and_assignments(root, "DIGG", with_dpo);
    write(
        root,
        "policy.yaml",
        &format!(
            "kind: governing_document
id: DOC-1
title: Informationssäkerhetspolicy
doc_kind: policy
topic: information_security
decided_by: {decided_by}
applies_to: [DIGG]
registry_number: DIGG 2026/123
decision: {{ body: {decided_by}, date: 2026-02-12, paragraph: 3 }}
valid_from: 2026-03-01
valid_to: until_further_notice
document_owner: RA-ISC
"
        ),
    );
}

/// No finding asks a state agency for what only a municipality has.
fn assert_nothing_municipal(lines: &[String]) {
    for line in lines {
        for word in [
            "governing_body",
            "governing body",
            "council",
            "committee",
            "company board",
            "kommunfullmäktige",
        ] {
            assert!(!line.contains(word), "`{word}` in {line}");
        }
    }
}

#[test]
fn a_state_agency_decided_for_by_its_head_needs_no_governing_body_or_council() {
    let dir = tempfile::tempdir().unwrap();
    agency(dir.path(), "GD", true);
    let (code, json) = check_json(dir.path(), &[]);
    let lines = finding_lines(&json);
    // The one gap is real and has nothing to do with the kind of organisation: no incident
    // routine for a NIS2 entity. No governing body, council or policy is asked for (DOC008 takes
    // the director-general's policy), and the head and the department are not judged as units
    // that need a coordinator or a policy of their own.
    assert_eq!(
        lines,
        [
            "CON003 units.yaml:3:130 Myndigheten för digital förvaltning is a NIS2 important entity, but no governing document in force with topic incident_management applies to it",
        ]
    );
    assert_eq!(code, 1);
    assert_nothing_municipal(&lines);
}

#[test]
fn a_state_agency_policy_decided_below_its_head_and_an_agency_without_a_dpo_are_findings() {
    let dir = tempfile::tempdir().unwrap();
    agency(dir.path(), "AVD-IT", false);
    let (_, json) = check_json(dir.path(), &[]);
    let lines = finding_lines(&json);
    assert_eq!(
        lines,
        [
            "DOC008 units.yaml:3:5 Myndigheten för digital förvaltning (agency) is covered by no information-security policy or guideline in force, decided by the agency's head or board and reviewed within P12M; information-security documents covering it: DOC-1 (decided by AVD-IT)",
            "ORG001 units.yaml:3:112 Myndigheten för digital förvaltning is a controller (personuppgiftsansvarig) but no assignment in force of a role with function dpo is scoped to it or to a unit above it (it has no parent)",
            "CON003 units.yaml:3:130 Myndigheten för digital förvaltning is a NIS2 important entity, but no governing document in force with topic incident_management applies to it",
        ]
    );
    assert_nothing_municipal(&lines);
}

/// The small city's education administration (UTBF) runs the school platform for a neighbouring
/// municipality: a processor's record, with `fields` after its name and role.
fn processor_record(fields: &str) -> String {
    format!(
        "kind: processing_activity
records:
  - id: PB-1
    name: Drift av skolplattform
    record_role: processor
{fields}"
    )
}

fn small_city_with(root: &Path, files: &[(&str, &str)]) {
    common::small_city(root);
    for (name, text) in files {
        write(root, name, text);
    }
}

const PERSONAL_DATA_RULES: &str = "PRV001,PRV002,PRV003,PRV004,PRV006,PRV007,PRV009,ORG001,SCH001";

#[test]
fn a_complete_processors_record_is_not_judged_as_a_controllers() {
    let dir = tempfile::tempdir().unwrap();
    // No purposes, legal basis, data subjects, recipients, retention or DPIA: those are the
    // controller's. Special categories under a public task without national law or an Art. 9(2)
    // condition, and a DPIA that meets two criteria and is not done, would each be a finding on
    // a controller's record.
    let record = processor_record(
        "    processor_unit: UTBF
    controllers:
      - { name: Grannby kommun, contact: registrator@grannby.se, dpo_contact: dataskyddsombud@grannby.se }
      - { unit: UN }
    processing_categories: [Drift och lagring av elevdokumentation, Säkerhetskopiering]
    legal_basis: [art6_1_e]
    special_categories: true
    dpia: { criteria_met: [wp248_4, wp248_7], status: ongoing }
    retention:
      - { data_category: Elevdokumentation, period: preserve }
    security_measures: Kryptering, behörighetsstyrning och loggning.
",
    );
    small_city_with(dir.path(), &[("activities.yaml", &record)]);
    let (_, json) = check_json(dir.path(), &["--select", PERSONAL_DATA_RULES]);
    // UTBF processes for Grannby kommun and has no DPO; the controllers KS and UN have none either.
    assert_eq!(
        finding_lines(&json),
        [
            "ORG001 units.yaml:4:93 Kommunstyrelsen is a controller (personuppgiftsansvarig) but no assignment in force of a role with function dpo is scoped to it or to a unit above it (KF)",
            "ORG001 units.yaml:5:90 Utbildningsnämnden is a controller (personuppgiftsansvarig) but no assignment in force of a role with function dpo is scoped to it or to a unit above it (KF)",
            "ORG001 units.yaml:6:123 Utbildningsförvaltningen acts as processor (personuppgiftsbiträde) in PB-1 but no assignment in force of a role with function dpo is scoped to it or to a unit above it (UN, KF)",
        ]
    );
}

#[test]
fn a_processors_record_without_its_unit_controllers_and_processing_is_reported_once_by_prv009() {
    let dir = tempfile::tempdir().unwrap();
    let record = processor_record("    security_measures: Kryptering och loggning.\n");
    small_city_with(dir.path(), &[("activities.yaml", &record)]);
    let (_, json) = check_json(dir.path(), &["--select", PERSONAL_DATA_RULES]);
    let lines: Vec<String> = finding_lines(&json)
        .into_iter()
        .filter(|line| !line.starts_with("ORG001 "))
        .collect();
    // The controller's items (purposes, legal basis, …) are not asked for, and the schema does
    // not repeat what PRV009 says.
    assert_eq!(
        lines,
        [
            "PRV009 activities.yaml:3:5 Drift av skolplattform: names no controller on whose behalf the processing is carried out (controllers, Art. 30(2)(a))",
            "PRV009 activities.yaml:3:5 Drift av skolplattform: no categories of processing carried out on behalf of the controllers (processing_categories, Art. 30(2)(b))",
            "PRV009 activities.yaml:3:5 Drift av skolplattform: the record does not say which unit processes on behalf of the controllers (processor_unit, Art. 30(2)(a))",
        ]
    );
    // Without PRV009 the schema still says it, in its own words.
    let (_, json) = check_json(dir.path(), &["--select", "SCH001"]);
    let requirement = "A processor's record (record_role processor) must name the processing unit, the controllers it acts for and the categories of processing it carries out for them (Art. 30(2)(a), (b)).";
    assert_eq!(
        finding_lines(&json),
        [
            format!(
                "SCH001 activities.yaml:3:5 missing required field `controllers`: {requirement}"
            ),
            format!(
                "SCH001 activities.yaml:3:5 missing required field `processing_categories`: {requirement}"
            ),
            format!(
                "SCH001 activities.yaml:3:5 missing required field `processor_unit`: {requirement}"
            ),
        ]
    );
}

#[test]
fn a_controllers_record_still_needs_the_controllers_items() {
    let dir = tempfile::tempdir().unwrap();
    small_city_with(
        dir.path(),
        &[(
            "activities.yaml",
            "kind: processing_activity
records:
  - id: PA-1
    name: Elevadministration
    controller_unit: UN
    purposes: [Placering av elever]
    security_measures: Behörighetsstyrning.
    retention: [{ data_category: Elevregister, period: P3Y }]
",
        )],
    );
    let (_, json) = check_json(dir.path(), &["--select", "SCH001,PRV009"]);
    let requirement = "A controller's record (record_role controller, the default) must state its controller, purposes, legal basis, categories of data subjects and personal data, and recipients (Art. 30(1)).";
    assert_eq!(
        finding_lines(&json),
        [
            format!(
                "SCH001 activities.yaml:3:5 missing required field `data_subject_categories`: {requirement}"
            ),
            format!(
                "SCH001 activities.yaml:3:5 missing required field `legal_basis`: {requirement}"
            ),
            format!(
                "SCH001 activities.yaml:3:5 missing required field `personal_data_categories`: {requirement}"
            ),
            format!(
                "SCH001 activities.yaml:3:5 missing required field `recipients`: {requirement}"
            ),
        ]
    );
}

#[test]
fn a_finding_on_a_processors_record_is_followed_up_by_the_unit_that_processes() {
    let dir = tempfile::tempdir().unwrap();
    let record = processor_record(
        "    processor_unit: UTBF
    controllers: [{ name: Grannby kommun, contact: registrator@grannby.se }]
    security_measures: Kryptering och loggning.
",
    );
    small_city_with(dir.path(), &[("activities.yaml", &record)]);
    let (_, json) = check_json(dir.path(), &["--select", "PRV009"]);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(
        finding_lines(&json),
        [
            "PRV009 activities.yaml:3:5 Drift av skolplattform: no categories of processing carried out on behalf of the controllers (processing_categories, Art. 30(2)(b))"
        ]
    );
    // UTBF's coordinator is the education committee's, scoped to the unit above it.
    assert_eq!(findings[0]["responsible"]["assignment"], "RA-UN-ISC");
    assert_eq!(findings[0]["responsible"]["basis"], "infosec_coordinator");
}

/// Region Exempel: a region is governed under the Local Government Act as a municipality is, so
/// its regional council, regional executive board, committees and administrations are the same
/// unit types (`council`, `executive_board`, `committee`, `administration`), described so in the
/// schema. `with_dpo` adds a DPO scoped to the regional council.
fn region(root: &Path, with_dpo: bool) {
    write(
        root,
        "units.yaml",
        "kind: org_unit
records:
  - { id: RF, name: Regionfullmäktige, short_name: RF, unit_type: council, is_controller: false }
  - { id: RS, name: Regionstyrelsen, short_name: RS, unit_type: executive_board, parent: RF, is_controller: true }
  - { id: HSN, name: Hälso- och sjukvårdsnämnden, short_name: HSN, unit_type: committee, parent: RF, is_controller: true }
  - { id: HSF, name: Hälso- och sjukvårdsförvaltningen, unit_type: administration, governing_body: HSN, parent: HSN, is_controller: false }
",
    );
    roles_and_assignments(root, "RF", with_dpo);
    write(
        root,
        "policy.yaml",
        "kind: governing_document
id: DOC-1
title: Informationssäkerhetspolicy för Region Exempel
doc_kind: policy
topic: information_security
decided_by: RF
applies_to: [RS, HSN]
registry_number: RS 2026/123
decision: { body: RF, date: 2026-02-12, paragraph: 3 }
valid_from: 2026-03-01
valid_to: until_further_notice
document_owner: RA-ISC
",
    );
}

#[test]
fn a_region_is_judged_as_a_municipality_is_and_a_missing_dpo_is_one_finding_per_controller() {
    let dir = tempfile::tempdir().unwrap();
    region(dir.path(), true);
    let (code, json) = check_json(dir.path(), &[]);
    assert_eq!(finding_lines(&json), Vec::<String>::new());
    assert_eq!(code, 0);

    let dir = tempfile::tempdir().unwrap();
    region(dir.path(), false);
    let (_, json) = check_json(dir.path(), &[]);
    assert_eq!(
        finding_lines(&json),
        [
            "ORG001 units.yaml:4:109 Regionstyrelsen is a controller (personuppgiftsansvarig) but no assignment in force of a role with function dpo is scoped to it or to a unit above it (RF)",
            "ORG001 units.yaml:5:117 Hälso- och sjukvårdsnämnden is a controller (personuppgiftsansvarig) but no assignment in force of a role with function dpo is scoped to it or to a unit above it (RF)",
        ]
    );
}
