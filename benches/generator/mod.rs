//! A synthetic municipality of any size, for benchmarks: committees with administrations, the
//! roles and assignments they need, information assets in proportion to systems, processing
//! activities, suppliers and agreements — mostly well-governed, with a steady share of defects
//! (assets without owner or definition, stale classifications, unknown references).
#![allow(dead_code)]

use std::fmt::Write;
use std::path::Path;

/// How big a city to generate.
pub struct Size {
    pub assets: usize,
    /// Assets per JSON file.
    pub assets_per_file: usize,
}

impl Size {
    pub fn committees(&self) -> usize {
        (self.assets / 5_000).clamp(2, 40)
    }
    pub fn systems(&self) -> usize {
        (self.assets / 50).max(1)
    }
    pub fn activities(&self) -> usize {
        (self.assets / 100).max(1)
    }
    pub fn suppliers(&self) -> usize {
        (self.assets / 2_000).max(2)
    }
}

fn write(root: &Path, name: &str, text: &str) {
    std::fs::write(root.join(name), text).expect("write a generated file");
}

pub fn generate(root: &Path, size: &Size) -> usize {
    let mut records = 0;
    let committees = size.committees();
    // Organisation: council, executive board, committees and their administrations.
    let mut units = String::from("{\"kind\": \"org_unit\", \"records\": [\n");
    units.push_str("{\"id\": \"KF\", \"name\": \"Kommunfullmäktige\", \"short_name\": \"KF\", \"unit_type\": \"council\", \"is_controller\": false},\n");
    units.push_str("{\"id\": \"KS\", \"name\": \"Kommunstyrelsen\", \"short_name\": \"KS\", \"unit_type\": \"executive_board\", \"parent\": \"KF\", \"is_controller\": true, \"nis2_scope\": \"important\"}");
    records += 2;
    for committee in 0..committees {
        let _ = write!(
            units,
            ",\n{{\"id\": \"N{committee}\", \"name\": \"Nämnd {committee}\", \"short_name\": \"N{committee}\", \"unit_type\": \"committee\", \"parent\": \"KF\", \"is_controller\": true}},\n\
             {{\"id\": \"F{committee}\", \"name\": \"Förvaltning {committee}\", \"unit_type\": \"administration\", \"parent\": \"N{committee}\", \"governing_body\": \"N{committee}\", \"is_controller\": false}}"
        );
        records += 2;
    }
    units.push_str("\n]}\n");
    write(root, "units.json", &units);

    write(
        root,
        "roles.json",
        "{\"kind\": \"role\", \"records\": [\n\
         {\"id\": \"ROLE-IAO\", \"title\": \"Informationsägare\", \"function\": \"information_owner\", \"is_owner_role\": true, \"authority_level\": 3},\n\
         {\"id\": \"ROLE-SO\", \"title\": \"Systemägare\", \"function\": \"system_owner\", \"is_owner_role\": false, \"authority_level\": 4},\n\
         {\"id\": \"ROLE-SM\", \"title\": \"Systemförvaltare\", \"function\": \"system_manager\", \"is_owner_role\": false, \"authority_level\": 5},\n\
         {\"id\": \"ROLE-DPO\", \"title\": \"Dataskyddsombud\", \"function\": \"dpo\", \"is_owner_role\": false, \"authority_level\": 5},\n\
         {\"id\": \"ROLE-ISC\", \"title\": \"Informationssäkerhetssamordnare\", \"function\": \"infosec_coordinator\", \"is_owner_role\": false, \"authority_level\": 5}\n]}\n",
    );
    records += 5;

    let mut assignments = String::from("{\"kind\": \"role_assignment\", \"records\": [\n");
    assignments.push_str("{\"id\": \"RA-KF-DPO\", \"role\": \"ROLE-DPO\", \"scope_unit\": \"KF\", \"holder_title\": \"Dataskyddsombud\", \"valid_from\": \"2023-01-01\"},\n");
    assignments.push_str("{\"id\": \"RA-KF-ISC\", \"role\": \"ROLE-ISC\", \"scope_unit\": \"KF\", \"holder_title\": \"Informationssäkerhetssamordnare\", \"valid_from\": \"2023-01-01\"}");
    records += 2;
    for committee in 0..committees {
        for (role, suffix) in [("ROLE-IAO", "IAO"), ("ROLE-SO", "SO"), ("ROLE-SM", "SM")] {
            let _ = write!(
                assignments,
                ",\n{{\"id\": \"RA-N{committee}-{suffix}\", \"role\": \"{role}\", \"scope_unit\": \"N{committee}\", \"holder_unit\": \"N{committee}\", \"valid_from\": \"2023-01-01\"}}"
            );
            records += 1;
        }
    }
    assignments.push_str("\n]}\n");
    write(root, "assignments.json", &assignments);

    let mut suppliers = String::from("{\"kind\": \"supplier\", \"records\": [\n");
    for supplier in 0..size.suppliers() {
        if supplier > 0 {
            suppliers.push_str(",\n");
        }
        let _ = write!(
            suppliers,
            "{{\"id\": \"SUP-{supplier}\", \"name\": \"Leverantör {supplier} AB\", \"country\": \"SE\", \"is_cloud\": {}, \"criticality\": \"medium\", \"assessed_on\": \"2026-03-01\", \"assessment_ref\": \"LB-{supplier}\"}}",
            supplier % 2 == 0
        );
        records += 1;
    }
    suppliers.push_str("\n]}\n");
    write(root, "suppliers.json", &suppliers);

    let mut systems = String::from("{\"kind\": \"system\", \"records\": [\n");
    for system in 0..size.systems() {
        if system > 0 {
            systems.push_str(",\n");
        }
        let committee = system % committees;
        let supplier = system % size.suppliers();
        let _ = write!(
            systems,
            "{{\"id\": \"SYS-{system}\", \"name\": \"System {system}\", \"lifecycle\": \"operating\", \"unit\": \"F{committee}\", \
             \"system_owner\": \"RA-N{committee}-SO\", \"system_manager\": \"RA-N{committee}-SM\", \
             \"declared_classification\": {{\"confidentiality\": 3, \"integrity\": 3, \"availability\": 2}}, \
             \"suppliers\": [\"SUP-{supplier}\"], \"continuity\": {{\"rto_hours\": 24, \"rpo_hours\": 4, \"plan_ref\": \"KP-{system}\", \"last_tested\": \"2026-05-01\"}}, \
             \"backup\": {{\"policy_ref\": \"BP-1\", \"last_restore_test\": \"2026-06-01\"}}, \"changed_on\": \"2025-06-01\"}}"
        );
        records += 1;
    }
    systems.push_str("\n]}\n");
    write(root, "systems.json", &systems);

    let files = size.assets.div_ceil(size.assets_per_file);
    for file in 0..files {
        let mut text = String::from("{\n  \"kind\": \"information_asset\",\n  \"records\": [\n");
        let first = file * size.assets_per_file;
        let last = (first + size.assets_per_file).min(size.assets);
        for asset in first..last {
            if asset > first {
                text.push_str(",\n");
            }
            let committee = asset % committees;
            let system = asset % size.systems();
            // One asset in a hundred has a defect of some kind.
            let owner = if asset % 100 == 1 {
                String::new()
            } else {
                format!("\"owner\": \"RA-N{committee}-IAO\", ")
            };
            let definition = if asset % 100 == 2 {
                String::new()
            } else {
                format!("\"definition\": \"Uppgifter för ärendetyp {asset}.\", ")
            };
            let classified_on = if asset % 100 == 3 {
                "2021-01-15"
            } else {
                "2026-01-15"
            };
            let unit = if asset % 1000 == 4 {
                "NOPE".to_string()
            } else {
                format!("F{committee}")
            };
            // One asset in ten holds personal data and is classified at level 2.
            let personal = asset % 10 == 0;
            let _ = write!(
                text,
                "    {{\"id\": \"IA-{asset:07}\", \"name\": \"Register {asset}\", {definition}\"unit\": \"{unit}\", {owner}\
                 \"classification\": {{\"confidentiality\": {}, \"integrity\": 1, \"availability\": 1, \"classified_on\": \"{classified_on}\", \"classified_by\": \"RA-N{committee}-IAO\"}}, \
                 \"contains_personal_data\": {personal}, {}\"storage_form\": \"digital\", \"systems\": [\"SYS-{system}\"], \
                 \"retention\": {{\"period\": \"P10Y\", \"schedule_ref\": \"DHP-{committee}\"}}}}",
                if personal { 2 } else { 1 },
                if personal {
                    "\"special_categories\": false, "
                } else {
                    ""
                }
            );
            records += 1;
        }
        text.push_str("\n  ]\n}\n");
        write(root, &format!("assets-{file:04}.json"), &text);
    }

    let mut activities = String::from("{\"kind\": \"processing_activity\", \"records\": [\n");
    for activity in 0..size.activities() {
        if activity > 0 {
            activities.push_str(",\n");
        }
        let committee = activity % committees;
        // Each activity covers ten of the personal-data assets (every tenth asset).
        let assets: Vec<String> = (0..10)
            .map(|n| format!("\"IA-{:07}\"", (activity * 10 + n) * 10))
            .collect();
        let _ = write!(
            activities,
            "{{\"id\": \"PA-{activity}\", \"name\": \"Behandling {activity}\", \"controller_unit\": \"N{committee}\", \"dpo\": \"RA-KF-DPO\", \
             \"purposes\": [\"Handläggning\"], \"legal_basis\": [\"art6_1_e\"], \"national_law_ref\": \"SFS 2010:800\", \
             \"data_subject_categories\": [\"Elever\"], \"personal_data_categories\": [\"Kontaktuppgifter\"], \"recipients\": [], \
             \"retention\": [{{\"data_category\": \"Kontaktuppgifter\", \"period\": \"P3Y\"}}], \"security_measures\": \"Behörighetsstyrning\", \
             \"systems\": [\"SYS-{}\"], \"assets\": [{}]}}",
            activity % size.systems(),
            assets.join(", ")
        );
        records += 1;
    }
    activities.push_str("\n]}\n");
    write(root, "processing.json", &activities);

    // A risk analysis of every system and of every asset classified at level 2.
    let mut analyses = String::from("{\"kind\": \"risk_analysis\", \"records\": [\n");
    let mut first = true;
    let objects = (0..size.systems())
        .map(|system| format!("SYS-{system}"))
        .chain(
            (0..size.assets)
                .step_by(10)
                .map(|asset| format!("IA-{asset:07}")),
        );
    for (number, object) in objects.enumerate() {
        if !first {
            analyses.push_str(",\n");
        }
        first = false;
        let _ = write!(
            analyses,
            "{{\"id\": \"RA-{number}\", \"object\": \"{object}\", \"performed_on\": \"2026-04-01\", \"method\": \"MSB\"}}"
        );
        records += 1;
    }
    analyses.push_str("\n]}\n");
    write(root, "risk-analyses.json", &analyses);
    records
}
