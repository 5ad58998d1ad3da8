//! fideslang manifests read as tillsyn records: Fides' own sample systems (copied with their
//! SOURCE.md under tests/external/formats/fides) give systems and processing activities whose
//! every field stands at the line and column of its value, and `check` reports on them there.

mod common;

use std::path::{Path, PathBuf};

use common::check_json;
use serde_json::{Value, json};
use tillsyn::source::node::{Node, Value as Tree};
use tillsyn::source::span::LineIndex;
use tillsyn::source::{Limits, fides};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/external/formats/fides")
        .join(name)
}

fn read_sample(name: &str) -> String {
    std::fs::read_to_string(sample(name)).expect("the sample is in the project")
}

/// A node as JSON whose every scalar is `"value @line:column"`, and whose every table and list
/// carries its own position under `"@"`: the records and where each value is, in one value.
fn placed(node: &Node, lines: &LineIndex) -> Value {
    let at = |node: &Node| {
        let position = lines.position(node.span().start());
        format!("{}:{}", position.line, position.column)
    };
    match &node.value {
        Tree::Map(entries) => {
            let mut object = serde_json::Map::new();
            object.insert("@".to_string(), json!(at(node)));
            for entry in entries {
                object.insert(entry.key.to_string(), placed(&entry.value, lines));
            }
            Value::Object(object)
        }
        Tree::Sequence(items) => {
            let mut array = vec![json!(format!("@{}", at(node)))];
            array.extend(items.iter().map(|item| placed(item, lines)));
            Value::Array(array)
        }
        Tree::String(text) => json!(format!("{text} @{}", at(node))),
        Tree::Bool(flag) => json!(format!("{flag} @{}", at(node))),
        other => json!(format!("{other:?} @{}", at(node))),
    }
}

/// The records of a manifest, by kind, with their positions.
fn read_records(name: &str, text: &str) -> Value {
    let root = fides::parse(text, name, &Limits::default()).expect("the manifest is read");
    placed(&root, &LineIndex::new(text))
}

/// `kind id @line:column` of every record.
fn record_list(records: &Value) -> Vec<String> {
    let mut listed = Vec::new();
    for (kind, items) in records.as_object().expect("kinds").iter() {
        if kind == "@" {
            continue;
        }
        for record in items.as_array().expect("records").iter().skip(1) {
            let id = record["id"].as_str().expect("an id");
            let (id, _) = id.split_once(" @").expect("a position");
            listed.push(format!("{kind} {id} @{}", record["@"].as_str().expect("@")));
        }
    }
    listed
}

#[test]
fn the_fides_sample_systems_give_systems_and_processing_activities_at_their_lines() {
    let records = read_records("sample_systems.yml", &read_sample("sample_systems.yml"));
    assert_eq!(
        record_list(&records),
        [
            "system cookie_house @2:5",
            "system cookie_house_loyalty_database @15:5",
            "system cookie_house_postgresql_database @32:5",
            "system cookie_house_customer_database @50:5",
            "system cookie_house_marketing_system @67:5",
            "system cookie_house_custom_request_fields_database @82:5",
            "processing_activity cookie_house/functional.service.improve @8:9",
            "processing_activity cookie_house_loyalty_database/essential.service @24:9",
            "processing_activity cookie_house_postgresql_database/essential.service @41:9",
            "processing_activity cookie_house_customer_database/marketing.advertising.first_party.targeted @59:9",
            "processing_activity cookie_house_marketing_system/marketing.advertising.first_party.targeted @76:9",
        ],
        "the custom request fields database declares system data only, which is no processing of personal data"
    );
    // One system and its declaration in full: each field at its value in the manifest.
    assert_eq!(
        records["system"][4],
        json!({
            "@": "50:5",
            "id": "cookie_house_customer_database @50:16",
            "name": "Cookie House Customer Database @51:11",
            "notes": "Additional database to store detailed data about users. @52:18",
            "unit": "Engineering @54:32",
        })
    );
    assert_eq!(
        records["processing_activity"][4],
        json!({
            "@": "59:9",
            "id": "cookie_house_customer_database/marketing.advertising.first_party.targeted @59:9",
            "name": "Cookie House Customer Database (marketing.advertising.first_party.targeted) @61:19",
            "purposes": ["@61:19", "marketing.advertising.first_party.targeted @61:19"],
            "data_subject_categories": ["@63:11", "customer @63:13"],
            "personal_data_categories": ["@60:11", "user.contact @60:13"],
            "systems": ["@50:16", "cookie_house_customer_database @50:16"],
        })
    );
    // `user` (all user data) is personal data; `user.financial` beside `user.contact` too.
    assert_eq!(
        records["processing_activity"][2]["personal_data_categories"],
        json!(["@25:11", "user @25:13"])
    );
    assert_eq!(
        records["processing_activity"][3]["personal_data_categories"],
        json!(["@42:11", "user.contact @42:13", "user.financial @43:13"])
    );
}

#[test]
fn a_named_declaration_keeps_its_name_and_a_demo_dataset_gives_no_records() {
    let records = read_records("demo_system.yml", &read_sample("demo_system.yml"));
    assert_eq!(
        record_list(&records),
        [
            "system demo_analytics_system @2:5",
            "system demo_marketing_system @21:5",
            "processing_activity demo_analytics_system/functional.service.improve @11:9",
            "processing_activity demo_marketing_system/marketing.advertising @30:9",
        ]
    );
    assert_eq!(
        records["processing_activity"][1],
        json!({
            "@": "11:9",
            "id": "demo_analytics_system/functional.service.improve @11:9",
            "name": "Analyze customer behaviour for improvements. @11:15",
            "purposes": ["@15:19", "functional.service.improve @15:19"],
            "data_subject_categories": ["@17:11", "customer @17:13"],
            "personal_data_categories": ["@13:11", "user.contact @13:13", "user.device.cookie_id @14:13"],
            "systems": ["@2:16", "demo_analytics_system @2:16"],
        })
    );
    for name in ["demo_dataset.yml", "sample_organization.yml"] {
        assert_eq!(
            read_records(name, &read_sample(name)),
            json!({ "@": "1:1" }),
            "{name}"
        );
    }
}

fn write(root: &Path, name: &str, text: &str) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().expect("a directory")).expect("create dir");
    std::fs::write(path, text).expect("write file");
}

/// `rule record file:line:column` of every finding, in the order of the report.
fn findings(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|finding| {
            format!(
                "{} {} {}:{}:{}",
                finding["rule"].as_str().unwrap_or_default(),
                finding["record"].as_str().unwrap_or("-"),
                finding["file"].as_str().unwrap_or_default(),
                finding["line"],
                finding["column"],
            )
        })
        .collect()
}

#[test]
fn check_reads_the_fides_samples_named_in_sources_and_reports_at_their_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in [
        "sample_systems.yml",
        "demo_system.yml",
        "demo_dataset.yml",
        "sample_organization.yml",
    ] {
        write(dir.path(), &format!("privacy/{name}"), &read_sample(name));
    }
    write(
        dir.path(),
        "tillsyn.toml",
        "[[sources]]\npath = \"privacy/*.yml\"\nformat = \"fides\"\n",
    );
    let (code, json) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(json["checked"], json!({ "files": 4, "records": 15 }));
    let found = findings(&json);
    let customer = "cookie_house_customer_database/marketing.advertising.first_party.targeted";
    for expected in [
        // The record of processing has no retention or security measures (Art. 30(1)(f), (g)).
        format!("PRV001 {customer} privacy/sample_systems.yml:59:9"),
        // fideslang has no controller or legal basis for these declarations (the DPO is the controller's).
        format!("SCH001 {customer} privacy/sample_systems.yml:59:9"),
        // The administering department is no unit of the repository.
        "XRF001 cookie_house_customer_database privacy/sample_systems.yml:54:32".to_string(),
        "SCH001 cookie_house_customer_database privacy/sample_systems.yml:50:5".to_string(),
        "PRV001 demo_marketing_system/marketing.advertising privacy/demo_system.yml:30:9"
            .to_string(),
    ] {
        assert!(found.contains(&expected), "{expected} in {found:#?}");
    }
    let messages: Vec<&str> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|finding| finding["record"] == customer && finding["rule"] == "SCH001")
        .filter_map(|finding| finding["message"].as_str())
        .collect();
    let requirement = "A controller's record (record_role controller, the default) must state its controller, purposes, legal basis, categories of data subjects and personal data, and recipients (Art. 30(1)).";
    assert_eq!(
        messages,
        [
            format!("missing required field `controller_unit`: {requirement}"),
            format!("missing required field `legal_basis`: {requirement}"),
            format!("missing required field `recipients`: {requirement}"),
        ]
    );
    // Nothing comes from the dataset or the organisation.
    assert!(
        found
            .iter()
            .all(|finding| finding.contains("sample_systems.yml")
                || finding.contains("demo_system.yml")),
        "{found:#?}"
    );
}

/// A manifest in fideslang 3's fuller form: legal bases, special categories, transfers,
/// retention and sharing, in JSON.
const FULL: &str = r#"{
  "system": [
    {
      "fides_key": "health_portal",
      "name": "Health portal",
      "administrating_department": "Not defined",
      "system_dependencies": ["identity"],
      "does_international_transfers": true,
      "data_security_practices": "Encryption at rest; access logging.",
      "privacy_declarations": [
        {
          "name": "Bookings",
          "data_categories": ["user.contact.email", "user.health.condition"],
          "data_use": "essential.service",
          "data_subjects": ["patient"],
          "legal_basis_for_processing": "Public interest",
          "retention_period": "3 years",
          "data_shared_with_third_parties": false
        },
        {
          "name": "Follow-up",
          "data_categories": ["user.name", "user.criminal_history"],
          "data_use": "essential.service",
          "data_subjects": ["patient"],
          "legal_basis_for_processing": "Consent",
          "processes_special_category_data": true,
          "special_category_legal_basis": "Explicit consent",
          "retention_period": "30",
          "data_shared_with_third_parties": true,
          "third_parties": "Regional laboratories"
        }
      ]
    },
    { "fides_key": "identity", "name": "Identity", "privacy_declarations": [] }
  ]
}
"#;

#[test]
fn legal_bases_special_categories_and_transfers_map_onto_the_record_of_processing() {
    let records = read_records("privacy/full.json", FULL);
    assert_eq!(
        records["system"][1],
        json!({
            "@": "3:5",
            "id": "health_portal @4:20",
            "name": "Health portal @5:15",
            "depends_on": ["@7:30", "identity @7:31"],
        }),
        "fideslang's `Not defined` department is no unit"
    );
    let bookings = &records["processing_activity"][1];
    assert_eq!(bookings["id"], "health_portal/essential.service @11:9");
    assert_eq!(
        bookings["legal_basis"],
        json!(["@16:41", "art6_1_e @16:41"])
    );
    assert_eq!(bookings["special_categories"], "true @13:53");
    assert_eq!(
        bookings["retention"],
        json!(["@17:31", { "@": "17:31", "period": "P3Y @17:31" }])
    );
    assert_eq!(bookings["recipients"], json!(["@18:45"]));
    assert_eq!(
        bookings["third_country_transfers"],
        json!(["@8:39", { "@": "8:39" }])
    );
    assert_eq!(
        bookings["security_measures"],
        "Encryption at rest; access logging. @9:34"
    );
    let follow_up = &records["processing_activity"][2];
    assert_eq!(follow_up["id"], "health_portal/essential.service/2 @20:9");
    assert_eq!(follow_up["art9_condition"], "art9_2_a @27:43");
    assert_eq!(follow_up["criminal_offence_data"], "true @22:44");
    assert_eq!(
        follow_up["recipients"],
        json!(["@29:45", { "@": "29:45", "category": "Regional laboratories @30:28" }])
    );
    assert_eq!(follow_up["retention"][1]["period"], "P30D @28:31");

    // Through check: the transfers without a mechanism are findings at the system's flag, the
    // health data without an Art. 9(2) condition and the public task and the criminal history
    // without their law at their declarations.
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "privacy/full.json", FULL);
    write(
        dir.path(),
        "tillsyn.toml",
        "[[sources]]\npath = \"privacy/full.json\"\nformat = \"fides\"\n",
    );
    let (_, json) = check_json(dir.path(), &["--select", "PRV002,PRV006"]);
    assert_eq!(
        findings(&json),
        [
            "PRV006 health_portal/essential.service privacy/full.json:8:39",
            "PRV006 health_portal/essential.service/2 privacy/full.json:8:39",
            // Health data without art9_condition, a public task without national_law_ref.
            "PRV002 health_portal/essential.service privacy/full.json:11:9",
            "PRV002 health_portal/essential.service privacy/full.json:11:9",
            // Criminal history without national_law_ref.
            "PRV002 health_portal/essential.service/2 privacy/full.json:20:9",
        ]
    );
}

#[test]
fn a_file_that_is_no_fides_manifest_is_a_parse_finding() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "privacy/other.yml", "services:\n  - web\n");
    write(
        dir.path(),
        "tillsyn.toml",
        "[[sources]]\npath = \"privacy/*.yml\"\nformat = \"fides\"\n",
    );
    let (code, json) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "PARSE001");
    assert_eq!(finding["file"], "privacy/other.yml");
    assert!(
        finding["message"]
            .as_str()
            .is_some_and(|message| message.contains("not a fides manifest")),
        "{finding:#}"
    );
}

#[test]
fn import_writes_one_kind_of_a_manifest_at_a_time() {
    let file = sample("sample_systems.yml");
    let file = file.to_str().unwrap();
    let (code, _, stderr) = common::run(&["import", "fides", file]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: sample_systems.yml holds records of several kinds (6 system, 5 processing_activity); a file holds one kind, so import them one at a time with --kind system or --kind processing_activity\n"
    );
    let (code, text, stderr) = common::run(&["import", "fides", file, "--kind", "system"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.starts_with(
            "read 6 system records from sample_systems.yml; also there: 5 processing_activity (import them with --kind processing_activity)\n"
        ),
        "{stderr}"
    );
    let imported: toml::Value = toml::from_str(&text).unwrap();
    assert_eq!(imported["kind"].as_str(), Some("system"));
    assert_eq!(imported["records"].as_array().map(Vec::len), Some(6));
    // The imported file checks as the manifest does: the same systems, now in tillsyn's TOML.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "systems.toml", &text);
    let (_, json) = check_json(dir.path(), &[]);
    assert_eq!(json["checked"]["records"], 6);
}

#[test]
fn a_manifest_with_no_records_is_listed_and_not_a_silent_pass() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "demo_dataset.yml",
        &read_sample("demo_dataset.yml"),
    );
    write(
        dir.path(),
        "tillsyn.toml",
        "[[sources]]\npath = \"*.yml\"\nformat = \"fides\"\n",
    );
    let root = dir.path().to_str().unwrap();
    let (code, stdout, stderr) = common::run(&["check", root, "-v", "--as-of", common::AS_OF]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.starts_with(
            "skipped demo_dataset.yml: another tool's file with nothing tillsyn reads as records\n"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("nothing here for tillsyn"), "{stderr}");
}
