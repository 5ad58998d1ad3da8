//! Swedish (`--lang sv`, or a Swedish locale) for human output, English for machines.

mod common;

use std::path::Path;

use common::{AS_OF, fixture, run, tillsyn};
use tillsyn::config::Config;
use tillsyn::rules::{RuleSet, Selection};

/// `tillsyn ARGS` with extra environment variables: exit code and standard output.
fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut command = tillsyn();
    command.args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

fn broken() -> String {
    fixture("city-broken").to_str().unwrap().to_string()
}

#[test]
fn every_default_rule_and_check_has_swedish_title_message_and_remediation() {
    let rules = RuleSet::load(Path::new("."), &Config::default(), &Selection::default()).unwrap();
    assert!(rules.rules.len() > 40);
    for rule in &rules.rules {
        let id = &rule.def.id;
        let sv = rule
            .def
            .sv
            .as_ref()
            .unwrap_or_else(|| panic!("{id} has no [rule.sv]"));
        let title = sv.title.as_deref().unwrap_or_default();
        let remediation = sv.remediation.as_deref().unwrap_or_default();
        let rationale = sv.rationale.as_deref().unwrap_or_default();
        assert!(!title.is_empty(), "{id} has no Swedish title");
        assert!(!rationale.is_empty(), "{id} has no Swedish rationale");
        assert!(!remediation.is_empty(), "{id} has no Swedish remediation");
        // A copy of the English is no translation.
        assert_ne!(title, rule.def.title, "{id}");
        assert_ne!(remediation, rule.def.remediation, "{id}");
        for (position, check) in rule.def.checks.iter().enumerate() {
            let message = check
                .message_sv
                .as_ref()
                .unwrap_or_else(|| panic!("check {position} of {id} has no Swedish message"));
            assert_ne!(message.text, check.message.text, "check {position} of {id}");
        }
        // Loading compiled every Swedish template.
        assert!(rule.checks.iter().all(|check| check.message_sv.is_some()));
    }
    for rule in tillsyn::builtin::ALL {
        assert!(!rule.sv.title.is_empty(), "{}", rule.id);
        assert!(!rule.sv.rationale.is_empty(), "{}", rule.id);
        assert!(!rule.sv.remediation.is_empty(), "{}", rule.id);
    }
}

#[test]
fn the_table_speaks_swedish_when_asked() {
    let (code, stdout) = run_with_env(
        &[
            "check",
            &broken(),
            "--as-of",
            AS_OF,
            "--lang",
            "sv",
            "--format",
            "markdown",
        ],
        &[],
    );
    assert_eq!(code, 1);
    // The rule's Swedish template, rendered with the record's values.
    assert!(
        stdout.contains("Äldre nybyggnadskartor saknar informationsägare"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "Kommunstyrelsen är personuppgiftsansvarig men ingen gällande rolltilldelning för en roll \
             med funktionen dpo (dataskyddsombud) avser den eller en enhet ovanför den (KF)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("| Allvarlighet | Öppna | Nya |"),
        "{stdout}"
    );
    assert!(stdout.contains("| kritisk |"), "{stdout}");
    assert!(!stdout.contains("has no information owner"), "{stdout}");

    let (_, table) = run_with_env(&["check", &broken(), "--as-of", AS_OF, "--lang", "sv"], &[]);
    assert!(table.contains("│ Var "), "{table}");
    assert!(
        table.contains("Kontrollerade 45 filer, 175 poster, per 2026-11-27."),
        "{table}"
    );
}

#[test]
fn machine_formats_are_the_same_bytes_in_every_language() {
    for format in ["json", "sarif", "junit", "github", "csv"] {
        let args = |lang: &'static str| {
            vec![
                "check".to_string(),
                broken(),
                "--as-of".into(),
                AS_OF.into(),
                "--format".into(),
                format.into(),
                "--lang".into(),
                lang.into(),
            ]
        };
        let english = run(&args("en").iter().map(String::as_str).collect::<Vec<_>>());
        let swedish = run(&args("sv").iter().map(String::as_str).collect::<Vec<_>>());
        // Not assert_eq!: a failure would print megabytes of SARIF.
        assert!(english.0 == 1 && english == swedish, "--format {format}");
        let (_, from_locale) = run_with_env(
            &["check", &broken(), "--as-of", AS_OF, "--format", format],
            &[("LANG", "sv_SE.UTF-8")],
        );
        assert!(
            english.1 == from_locale,
            "--format {format} under LANG=sv_SE.UTF-8"
        );
    }
    for format in ["csv", "oscal"] {
        let (_, english) = run_with_env(
            &["report", &broken(), "--as-of", AS_OF, "--format", format],
            &[],
        );
        let (_, swedish) = run_with_env(
            &[
                "report",
                &broken(),
                "--as-of",
                AS_OF,
                "--format",
                format,
                "--lang",
                "sv",
            ],
            &[],
        );
        assert!(
            !english.is_empty() && english == swedish,
            "report --format {format}"
        );
    }
}

#[test]
fn a_swedish_locale_chooses_swedish_and_lang_overrides_it() {
    let args = ["check", &broken(), "--as-of", AS_OF, "--format", "markdown"];
    let swedish = "saknar informationsägare";
    let english = "has no information owner";
    let (_, stdout) = run_with_env(&args, &[("LANG", "sv_SE.UTF-8")]);
    assert!(stdout.contains(swedish));
    let (_, stdout) = run_with_env(&args, &[("LANG", "C"), ("LC_ALL", "sv_SE.UTF-8")]);
    assert!(stdout.contains(swedish));
    let (_, stdout) = run_with_env(&args, &[("LANG", "sv_SE.UTF-8"), ("LC_MESSAGES", "en_GB")]);
    assert!(stdout.contains(english));
    let mut explicit = args.to_vec();
    explicit.extend(["--lang", "en"]);
    let (_, stdout) = run_with_env(&explicit, &[("LANG", "sv_SE.UTF-8")]);
    assert!(stdout.contains(english) && !stdout.contains(swedish));
    // The test helper's neutral locale: English.
    let (_, stdout) = run_with_env(&args, &[]);
    assert!(stdout.contains(english));
}

#[test]
fn rules_explain_and_list_speak_swedish() {
    let (code, stdout) = run_with_env(&["rules", "explain", "OWN001", "--lang", "sv"], &[]);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("OWN001 — Informationstillgång utan informationsägare\n"),
        "{stdout}"
    );
    for heading in [
        "\nVad den kontrollerar\n",
        "\nVarför\n  En tillgång utan ägare har ingen som beslutar",
        "\nÅtgärd\n",
        "allvarlighet kritisk",
        "\nExempel som ger fynd\n",
    ] {
        assert!(stdout.contains(heading), "{heading}: {stdout}");
    }
    assert!(stdout.contains("Sätt `owner` till informationsägarens rolltilldelning"));
    let (_, stdout) = run_with_env(&["rules", "explain", "XRF002"], &[("LANG", "sv_SE")]);
    assert!(stdout.starts_with("XRF002 — Dubblerat id\n"), "{stdout}");
    let (_, stdout) = run_with_env(&["rules", "list", "--lang", "sv", "OWN003"], &[]);
    assert!(
        stdout.contains(
            "OWN003  hög           system     System utan systemägare eller systemförvaltare"
        ),
        "{stdout}"
    );
}

#[test]
fn the_html_report_in_swedish_has_swedish_labels_and_the_same_bytes_each_run() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, lang: &str| {
        let path = dir.path().join(name);
        let (code, _) = run_with_env(
            &[
                "report",
                &broken(),
                "--as-of",
                AS_OF,
                "--format",
                "html",
                "--lang",
                lang,
                "-o",
                path.to_str().unwrap(),
            ],
            &[],
        );
        assert_eq!(code, 0);
        std::fs::read_to_string(path).unwrap()
    };
    let first = write("first.html", "sv");
    assert_eq!(first, write("second.html", "sv"));
    for label in [
        "<html lang=\"sv\">",
        "<h1>Granskningsrapport för styrning</h1>",
        "<h2>Sammanfattning</h2>",
        "<span class=\"l\">försenade</span>",
        "ej bedömt av tillsyn",
        "<h2>Portföljens balans</h2>",
        "Äldre nybyggnadskartor saknar informationsägare",
    ] {
        assert!(first.contains(label), "{label}");
    }
    let english = write("english.html", "en");
    assert!(english.contains("<html lang=\"en\">"));
    assert!(english.contains("not assessed by tillsyn"));
    assert!(!english.contains("Sammanfattning"));
}

#[test]
fn followup_and_the_markdown_report_speak_swedish() {
    let (_, stdout) = run_with_env(
        &["followup", &broken(), "--as-of", AS_OF, "--lang", "sv"],
        &[],
    );
    assert!(stdout.contains("Senast"), "{stdout}");
    assert!(stdout.contains(" fynd"), "{stdout}");
    let (_, stdout) = run_with_env(
        &[
            "followup",
            &broken(),
            "--as-of",
            AS_OF,
            "--lang",
            "sv",
            "--format",
            "markdown",
        ],
        &[],
    );
    assert!(
        stdout.starts_with("# Uppföljning per 2026-11-27\n"),
        "{stdout}"
    );
    let (_, stdout) = run_with_env(
        &[
            "report",
            &broken(),
            "--as-of",
            AS_OF,
            "--format",
            "markdown",
            "--lang",
            "sv",
        ],
        &[],
    );
    assert!(
        stdout.starts_with("# Efterlevnad: ISO/IEC 27001:2022\n"),
        "{stdout}"
    );
    assert!(stdout.contains("ej bedömt av tillsyn"), "{stdout}");
}

/// A repository with its own pack whose rule carries the Swedish `sv`.
fn repository_with_swedish_pack(dir: &Path, swedish: &str) {
    std::fs::create_dir_all(dir.join("policy-rules")).unwrap();
    std::fs::write(
        dir.join("assets.yaml"),
        "kind: information_asset\nrecords:\n  - id: IA-1\n    name: Elevregister\n    unit: UN\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("policy-rules/local.toml"),
        format!(
            "[[rule]]\nid = \"LOC001\"\ntitle = \"Asset without tags\"\nseverity = \"low\"\n\
             kind = \"information_asset\"\nassert = 'has(self.tags)'\nfield = \"tags\"\n\
             message = \"{{self.name}} has no tags\"\nremediation = \"Add tags.\"\n\n[rule.sv]\n{swedish}"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("tillsyn.toml"),
        "rule_paths = [\"policy-rules\"]\n",
    )
    .unwrap();
}

#[test]
fn a_users_pack_can_be_swedish_and_its_swedish_templates_compile_at_load() {
    let dir = tempfile::tempdir().unwrap();
    repository_with_swedish_pack(
        dir.path(),
        "title = \"Tillgång utan taggar\"\nmessage = \"{self.name} saknar taggar\"\nremediation = \"Lägg till taggar.\"\n",
    );
    let root = dir.path().to_str().unwrap();
    let (_, stdout) = run_with_env(
        &[
            "check", root, "--as-of", AS_OF, "--select", "LOC", "--format", "markdown", "--lang",
            "sv",
        ],
        &[],
    );
    assert!(stdout.contains("Elevregister saknar taggar"), "{stdout}");

    // An absent value reads `inget` in a Swedish message, and `none` in the English one.
    repository_with_swedish_pack(
        dir.path(),
        "message = \"{self.name} saknar taggar ({null})\"\n",
    );
    let (_, stdout) = run_with_env(
        &[
            "check", root, "--as-of", AS_OF, "--select", "LOC", "--format", "markdown", "--lang",
            "sv",
        ],
        &[],
    );
    assert!(
        stdout.contains("Elevregister saknar taggar (inget)"),
        "{stdout}"
    );

    repository_with_swedish_pack(dir.path(), "message = \"{self.name +} saknar taggar\"\n");
    let (code, stdout, stderr) = run(&["check", root, "--lang", "sv"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.starts_with("error: policy-rules/local.toml:12:"),
        "{stderr}"
    );
    // The English run compiles the Swedish too: a broken translation is never a surprise later.
    let (code, _, _) = run(&["check", root, "--lang", "en", "--format", "json"]);
    assert_eq!(code, 2);

    repository_with_swedish_pack(dir.path(), "titel = \"Tillgång utan taggar\"\n");
    let (code, _, stderr) = run(&["check", root]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown key `titel` in a [rule.sv]"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `title`?"), "{stderr}");
}

#[test]
fn the_workbook_in_swedish_has_swedish_sheets_headers_and_messages() {
    use calamine::{Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rapport.xlsx");
    let (code, _) = run_with_env(
        &[
            "report",
            &broken(),
            "--as-of",
            AS_OF,
            "--format",
            "xlsx",
            "-o",
            path.to_str().unwrap(),
        ],
        &[("LANG", "sv_SE.UTF-8")],
    );
    assert_eq!(code, 0);
    let mut workbook: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(std::fs::read(&path).unwrap())).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        ["Fynd", "Per ansvarig", "Efterlevnad"]
    );
    let findings = workbook.worksheet_range("Fynd").unwrap();
    let mut rows = findings.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(
        &header[..5],
        ["Allvarlighet", "Status", "Regel", "Titel", "Meddelande"]
    );
    let own001 = rows
        .find(|row| row[2] == "OWN001")
        .expect("an OWN001 finding");
    assert_eq!(
        own001[3].to_string(),
        "Informationstillgång utan informationsägare"
    );
    assert_eq!(
        own001[4].to_string(),
        "Äldre nybyggnadskartor saknar informationsägare"
    );
}

/// The findings of `check ROOT` for a Swedish run: each as the machine formats carry it
/// (English) and as a person reads it in Swedish, after `localize`.
fn english_and_swedish(root: &Path) -> Vec<(tillsyn::finding::Finding, tillsyn::finding::Finding)> {
    let config =
        tillsyn::config::load(root, None, &tillsyn::schema::kind_names()).expect("config loads");
    let mut rules = RuleSet::load(root, &config, &Selection::default()).expect("rules load");
    rules.lang = tillsyn::lang::Lang::Sv;
    let today: jiff::civil::Date = AS_OF.parse().unwrap();
    let ledger = tillsyn::followup::ledger::Ledger::empty();
    let english = tillsyn::check::check(root, &config, &rules, &ledger, today)
        .expect("check runs")
        .outcome;
    let mut swedish = english.clone();
    tillsyn::lang::localize(&mut swedish, tillsyn::lang::Lang::Sv);
    english.findings.into_iter().zip(swedish.findings).collect()
}

fn is_builtin(rule: &str) -> bool {
    tillsyn::builtin::ALL
        .iter()
        .any(|builtin| builtin.id == rule)
}

/// The Swedish message of the finding of `rule` at `location` (`file:line:column`).
fn swedish_message(
    findings: &[(tillsyn::finding::Finding, tillsyn::finding::Finding)],
    rule: &str,
    location: &str,
) -> String {
    findings
        .iter()
        .find(|(english, _)| english.rule == rule && english.location() == location)
        .map(|(_, swedish)| swedish.message.clone())
        .unwrap_or_else(|| panic!("no {rule} at {location}"))
}

#[test]
fn built_in_findings_speak_swedish() {
    let findings = english_and_swedish(&fixture("city-broken"));
    let expected = [
        (
            "SCH001",
            "organisation/units.toml:22:1",
            "okänt fält `unit_typ` i en post av typen org_unit; menade du `unit_type`?",
        ),
        (
            "SCH001",
            "organisation/units.toml:18:1",
            "obligatoriskt fält `unit_type` saknas",
        ),
        (
            "SCH001",
            "registers/systems.toml:13:13",
            "\"operatin\" är inget giltigt värde för `lifecycle`; tillåtna värden är planned \
             (planerad), operating (i drift), decommissioning (under avveckling), decommissioned \
             (avvecklad) (menade du `operating`?)",
        ),
        (
            "SCH001",
            "organisation/roles.json:15:24",
            "`is_owner_role` måste vara ett sanningsvärde, inte en text (\"yes\")",
        ),
        (
            "XRF001",
            "registers/systems.toml:16:26",
            "`depends_on[]` hänvisar till `SYS-999`, men ingen post av typen system har det id:t",
        ),
        (
            "XRF002",
            "organisation/assignments.yaml:20:9",
            "id:t `RA-KS-SO` är också id för posten av typen role_assignment på \
             organisation/assignments.yaml:15:9",
        ),
        (
            "XRF003",
            "registers/assets.yaml:7:12",
            "`owner` hänvisar till posten `RA-OLD-IAO` av typen role_assignment, som upphörde \
             2025-12-31",
        ),
        (
            "XRF003",
            "registers/systems.toml:16:15",
            "`depends_on[]` hänvisar till posten `SYS-001` av typen system, som är avvecklad",
        ),
        (
            "EXC003",
            "registers/exceptions/EXC-2026-04.yaml:7:3",
            "godtar OWN001 för information_asset:IA-022, men inget sådant \
             fynd finns i den här körningen: ta bort det",
        ),
        (
            "PARSE001",
            "documents/riktlinje.md:1:1",
            "front matter som inleds med `+++` avslutas aldrig (avsluta front matter med en rad \
             `+++`)",
        ),
        // A library's own words stay English, after a Swedish lead-in.
        (
            "PARSE001",
            "registers/incidents.json:3:3",
            "filen kan inte tolkas: Comments are not allowed",
        ),
        (
            "SRC001",
            "documents/goals.yaml:1:7",
            "`goals` är ingen känd posttyp; menade du `goal`?",
        ),
    ];
    for (rule, location, message) in expected {
        assert_eq!(swedish_message(&findings, rule, location), message);
    }

    // The command line shows them too, and the English stays for English runs.
    let (_, swedish) = run_with_env(&["check", &broken(), "--as-of", AS_OF, "--lang", "sv"], &[]);
    assert!(swedish.contains("obligatoriskt fält"), "{swedish}");
    assert!(!swedish.contains("missing required field"), "{swedish}");
    let (_, english) = run_with_env(&["check", &broken(), "--as-of", AS_OF, "--lang", "en"], &[]);
    assert!(english.contains("missing required field"), "{english}");
}

/// A repository that trips as many of the built-in checks as one run can: every file format's
/// own errors, the record-list shapes, the limits and an evaluation error.
fn repository_of_built_in_findings(dir: &Path) {
    let files: &[(&str, &str)] = &[
        (
            "tillsyn.toml",
            "select = [\"ALL\"]\nrule_paths = [\"policy-rules\"]\n\n[limits]\nrecords_per_file = 3\n\
             findings_per_rule_per_file = 2\nmax_depth = 8\n\n[[sources]]\npath = \"*.csv\"\n\
             kind = \"supplier\"\n\n[[sources]]\npath = \"*.xlsx\"\nkind = \"supplier\"\n\n\
             [[sources]]\npath = \"mapped.yaml\"\nkind = \"supplier\"\n",
        ),
        (
            "policy-rules/local.toml",
            "[[rule]]\nid = \"LOC001\"\ntitle = \"Broken\"\nseverity = \"low\"\n\
             kind = \"information_asset\"\nassert = 'self.nonexistent == 1'\n\
             message = \"broken\"\nremediation = \"Fix.\"\n\n[rule.sv]\nmessage = \"trasig\"\n",
        ),
        (
            "assets.yaml",
            "kind: information_asset\nrecords:\n  - id: IA 1\n    name: A\n    unit: NOPE\n    \
             colour: red\n  - 42\n  - id: IA-1\n    name: 7\n  - id: IA-1\n  - id: IA-5\n",
        ),
        (
            "units.toml",
            "kind = \"org_unit\"\nrecords = \"nope\"\nextra = 1\n",
        ),
        ("kinds.yaml", "kind: [1]\n"),
        ("unknown.yaml", "kind: informaton_asset\nid: X\n"),
        ("scalar.yaml", "kind: system\n--- \nkind: system\n"),
        (
            "dup.json",
            "{\"kind\": \"system\", \"id\": \"S\", \"id\": \"T\"}\n",
        ),
        ("big.json", "{\"kind\": \"system\", \"n\": 1e999}\n"),
        (
            "deep.yaml",
            "kind: system\nid: D\na: [[[[[[[[[[1]]]]]]]]]]\n",
        ),
        ("key.yaml", "kind: system\n? [1]\n: 2\n"),
        ("float.toml", "kind = \"system\"\nn = nan\n"),
        ("rows.csv", "id,name\nSUP-1,A,B\n"),
        ("empty-header.csv", "id,,name\n"),
        ("twice.csv", "id,id\n"),
        (
            "quote.csv",
            "id,name\nSUP-2,\"A\"x\nSUP-3,a\"b\nSUP-4,\"open\n",
        ),
        ("latin1.yaml", "kind: system\nname: \u{0}"),
        ("plan.md", "+++\nkind = \"governing_document\"\n"),
        ("empty.json", ""),
        ("broken.xlsx", "not a workbook"),
        ("mapped.yaml", "kind: system\nid: M\n"),
    ];
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::write(dir.join("bad.yaml"), b"kind: system\nname: \xff\n").unwrap();
}

#[test]
fn no_built_in_finding_keeps_its_english_message_in_swedish() {
    let dir = tempfile::tempdir().unwrap();
    repository_of_built_in_findings(dir.path());
    for root in [
        fixture("city-broken"),
        fixture("hostile"),
        dir.path().into(),
    ] {
        let findings = english_and_swedish(&root);
        // A rule that cannot be evaluated is reported in tillsyn's words, whoever wrote the rule.
        let builtins: Vec<_> = findings
            .iter()
            .filter(|(english, _)| {
                is_builtin(&english.rule)
                    || english
                        .message
                        .starts_with("the rule could not be evaluated")
            })
            .collect();
        assert!(!builtins.is_empty(), "{}", root.display());
        for (english, swedish) in builtins {
            assert_ne!(
                english.message,
                swedish.message,
                "{} at {} has no Swedish message",
                english.rule,
                english.location()
            );
        }
    }
    let findings = english_and_swedish(dir.path());
    assert_eq!(
        swedish_message(&findings, "LOC001", "assets.yaml:3:5"),
        "regeln kunde inte utvärderas för den här posten: fältet `nonexistent` saknas (i `assert`)"
    );
    assert_eq!(
        swedish_message(&findings, "PARSE001", "assets.yaml:10:5"),
        "filen innehåller 5 poster; bara de första 3 kontrolleras (gränsen `records_per_file`)"
    );
    // What the cap left out is no finding but a note, in Swedish too.
    assert!(
        !findings
            .iter()
            .any(|(english, _)| english.message.contains("not listed")),
        "{findings:#?}"
    );
    let (_, table) = run_with_env(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--as-of",
            AS_OF,
            "--lang",
            "sv",
        ],
        &[],
    );
    assert!(
        table.contains(
            "obs: ytterligare 7 fynd av SCH001 i assets.yaml listas inte (gränsen \
             `findings_per_rule_per_file` = 2); de räknas i sammanfattningen och avslutningskoden"
        ),
        "{table}"
    );
}
