//! `tillsyn rules list | explain | test`: the rules as their users read them.
//!
//! Indexing here is by pack positions that `pack::read` assigned, never by data from outside.
#![allow(clippy::indexing_slicing)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use comfy_table::{ContentArrangement, Table, presets};

use super::emit;
use crate::builtin;
use crate::config;
use crate::finding::Severity;
use crate::lang::Lang;
use crate::report::fill;
use crate::rule_tests::{self as testing, TestFile};
use crate::rules::{RuleSet, Selection};

#[derive(Subcommand)]
pub(crate) enum RulesCommand {
    /// List the rules (id, severity, kinds, title), built-in and from the packs.
    List {
        #[command(flatten)]
        packs: PackArgs,
        /// Only rules whose id starts with this, or whose title contains it.
        filter: Option<String>,
        /// Only rules that read this kind.
        #[arg(long)]
        kind: Option<String>,
        /// Only rules of this severity or higher.
        #[arg(long, value_enum)]
        severity: Option<Severity>,
    },
    /// Explain a rule: what it checks, why, references, params, remediation and examples.
    Explain {
        #[command(flatten)]
        packs: PackArgs,
        /// A rule id, e.g. OWN001.
        id: String,
    },
    /// Write the reference of the default rules as Markdown (docs/rules/) from the packs.
    #[command(hide = true)]
    Docs {
        /// The directory to write into.
        #[arg(default_value = "docs/rules")]
        dir: PathBuf,
    },
    /// Run rule test cases: each a small repository and the findings it must and must not yield.
    Test {
        /// A directory of test files (*.yaml), or one file.
        #[arg(default_value = "fixtures/rules")]
        dir: PathBuf,
        /// Only cases of rules whose id starts with this, or whose name contains it.
        #[arg(long)]
        filter: Option<String>,
    },
}

/// Where the rules come from: the default packs and the repository's own (its `rule_paths`).
#[derive(clap::Args)]
pub(crate) struct PackArgs {
    /// The repository whose tillsyn.toml adds packs, params and re-grading.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub(crate) root: PathBuf,
    /// Read the configuration from FILE instead of ROOT/tillsyn.toml.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// The language of human output (table, Markdown, HTML, XLSX): sv or en. Default: the
    /// locale of LC_ALL, LC_MESSAGES or LANG (sv_SE.UTF-8 is Swedish). Machine formats are
    /// always English.
    #[arg(long, value_enum, value_name = "LANG")]
    pub(crate) lang: Option<Lang>,
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/rule_tests.rs"));
}

/// One line of `rules list`: built-in and pack rules alike.
struct Listed {
    id: String,
    severity: Severity,
    kinds: String,
    title: String,
    origin: String,
}

pub(crate) fn run(command: RulesCommand) -> Result<ExitCode, String> {
    match command {
        RulesCommand::List {
            packs,
            filter,
            kind,
            severity,
        } => {
            let rules = load(&packs)?;
            let lang = Lang::resolve(packs.lang);
            let mut table = Table::new();
            table
                .load_style(presets::NOTHING)
                .set_content_arrangement(ContentArrangement::Disabled);
            table.set_header([
                lang.t("ID"),
                lang.t("SEVERITY"),
                lang.t("KINDS"),
                lang.t("TITLE"),
                lang.t("FROM"),
            ]);
            for listed in listing(&rules, lang) {
                let matches_filter = filter.as_ref().is_none_or(|filter| {
                    listed.id.starts_with(filter.as_str())
                        || listed.title.to_lowercase().contains(&filter.to_lowercase())
                });
                let matches_kind = kind
                    .as_ref()
                    .is_none_or(|kind| listed.kinds.split(", ").any(|listed| listed == kind));
                let matches_severity = severity.is_none_or(|severity| listed.severity >= severity);
                if matches_filter && matches_kind && matches_severity {
                    table.add_row([
                        listed.id,
                        lang.severity(listed.severity).to_string(),
                        listed.kinds,
                        listed.title,
                        listed.origin,
                    ]);
                }
            }
            let text: String = table
                .lines()
                .map(|line| format!("{}\n", line.trim_end()))
                .collect();
            emit(&text, None)?;
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Docs { dir } => {
            let rules = RuleSet::load(
                std::path::Path::new("."),
                &config::Config::default(),
                &Selection::default(),
            )
            .map_err(|error| error.to_string())?;
            std::fs::create_dir_all(&dir)
                .map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
            for (name, text) in rule_docs(&rules)? {
                let path = dir.join(name);
                std::fs::write(&path, text)
                    .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Explain { packs, id } => {
            let rules = load(&packs)?;
            let lang = Lang::resolve(packs.lang);
            emit(&explain_as(&rules, &id, Style::Text, lang)?, None)?;
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Test { dir, filter } => {
            let results = testing::run_dir(&dir, filter.as_deref())?;
            let mut text = String::new();
            let failed = results
                .iter()
                .filter(|result| !result.failures.is_empty())
                .count();
            for result in &results {
                let status = if result.failures.is_empty() {
                    "ok  "
                } else {
                    "FAIL"
                };
                text.push_str(&format!("{status} {}: {}\n", result.file, result.name));
                for failure in &result.failures {
                    text.push_str(&format!("     {failure}\n"));
                }
            }
            text.push_str(&format!(
                "{} passed, {failed} failed\n",
                results.len() - failed
            ));
            emit(&text, None)?;
            if results.is_empty() {
                return Err(format!("no rule test cases in {}", dir.display()));
            }
            Ok(if failed > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

fn load(packs: &PackArgs) -> Result<RuleSet, String> {
    super::plan::configured_rules(&packs.root, packs.config.as_deref(), &Selection::default())
        .map(|(_, rules)| rules)
}

fn listing(rules: &RuleSet, lang: Lang) -> Vec<Listed> {
    let builtins = builtin::ALL.iter().map(|rule| Listed {
        id: rule.id.to_string(),
        severity: rules.severity_of(rule.id, rule.severity),
        kinds: lang.t("(any)").to_string(),
        title: builtin_text(rule, lang).title.to_string(),
        origin: lang.t("built in").to_string(),
    });
    let packs = rules.rules.iter().map(|rule| Listed {
        id: rule.def.id.clone(),
        severity: rules.severity_of(&rule.def.id, rule.severity),
        kinds: rule.def.kinds.join(", "),
        title: translated(&rule.def, lang).title.to_string(),
        origin: rules.packs[rule.def.pack].path.clone(),
    });
    builtins.chain(packs).collect()
}

/// How an explanation is written: for a terminal, or as Markdown for `docs/rules/`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Text,
    Markdown,
}

/// An explanation being written in one style.
struct Page {
    style: Style,
    text: String,
}

impl Page {
    fn title(&mut self, id: &str, title: &str) {
        match self.style {
            Style::Text => self.text.push_str(&format!("{id} — {title}\n\n")),
            Style::Markdown => self.text.push_str(&format!("# {id} — {title}\n\n")),
        }
    }

    fn fact(&mut self, label: &str, value: &str) {
        match self.style {
            Style::Text => self.text.push_str(&format!("{label:<10} {value}\n")),
            Style::Markdown => self.text.push_str(&format!("- **{label}**: {value}\n")),
        }
    }

    fn section(&mut self, name: &str) {
        match self.style {
            Style::Text => self.text.push_str(&format!("\n{name}\n")),
            Style::Markdown => self.text.push_str(&format!("\n## {name}\n\n")),
        }
    }

    fn paragraph(&mut self, text: &str) {
        match self.style {
            Style::Text => self.text.push_str(&format!("  {text}\n")),
            Style::Markdown => self.text.push_str(&format!("{text}\n")),
        }
    }

    fn code(&mut self, language: &str, code: &str) {
        match self.style {
            Style::Text => self.text.push_str(&indent(code)),
            Style::Markdown => self
                .text
                .push_str(&format!("\n```{language}\n{}\n```\n", code.trim_end())),
        }
    }
}

/// A built-in rule's title, rationale and remediation in `lang`.
fn builtin_text(rule: &builtin::BuiltinRule, lang: Lang) -> builtin::BuiltinText {
    match lang {
        Lang::En => builtin::BuiltinText {
            title: rule.title,
            rationale: rule.rationale,
            remediation: rule.remediation,
        },
        Lang::Sv => rule.sv,
    }
}

/// A pack rule's words in `lang`, each falling back to the English.
struct Words<'a> {
    title: &'a str,
    rationale: &'a str,
    remediation: &'a str,
}

fn translated(def: &crate::rules::pack::RuleDef, lang: Lang) -> Words<'_> {
    let sv = match lang {
        Lang::En => None,
        Lang::Sv => def.sv.as_ref(),
    };
    Words {
        title: sv.and_then(|sv| sv.title.as_deref()).unwrap_or(&def.title),
        rationale: sv
            .and_then(|sv| sv.rationale.as_deref())
            .unwrap_or(&def.rationale),
        remediation: sv
            .and_then(|sv| sv.remediation.as_deref())
            .unwrap_or(&def.remediation),
    }
}

fn explain_as(rules: &RuleSet, id: &str, style: Style, lang: Lang) -> Result<String, String> {
    let mut page = Page {
        style,
        text: String::new(),
    };
    if let Some(rule) = builtin::ALL.iter().find(|rule| rule.id == id) {
        let text = builtin_text(rule, lang);
        page.title(rule.id, text.title);
        page.fact(
            lang.t("severity"),
            &fill(
                lang.t("{severity} (built into the engine)"),
                &[(
                    "severity",
                    lang.severity(rules.severity_of(rule.id, rule.severity)),
                )],
            ),
        );
        page.fact(lang.t("references"), &rule.references.join(", "));
        page.section(lang.t("Why"));
        page.paragraph(text.rationale);
        page.section(lang.t("What to do"));
        page.paragraph(text.remediation);
        return Ok(page.text);
    }
    let Some(rule) = rules.rule(id) else {
        let ids: Vec<&str> = builtin::ALL
            .iter()
            .map(|rule| rule.id)
            .chain(rules.rules.iter().map(|rule| rule.def.id.as_str()))
            .collect();
        let hint = crate::suggest::did_you_mean(id, ids)
            .unwrap_or_else(|| "`tillsyn rules list` shows the rules".into());
        return Err(format!("`{id}` is not a rule; {hint}"));
    };
    let def = &rule.def;
    let words = translated(def, lang);
    page.title(&def.id, words.title);
    let graded = rules.severity_of(&def.id, def.severity);
    let severity = if graded != def.severity {
        fill(
            lang.t("{severity} (re-graded from {default} in tillsyn.toml)"),
            &[
                ("severity", lang.severity(graded)),
                ("default", lang.severity(def.severity)),
            ],
        )
    } else {
        lang.severity(graded).to_string()
    };
    page.fact(lang.t("severity"), &severity);
    page.fact(lang.t("kinds"), &def.kinds.join(", "));
    page.fact(lang.t("pack"), &rules.packs[def.pack].path);
    if !def.references.is_empty() {
        page.fact(lang.t("references"), &def.references.join(", "));
    }
    page.section(lang.t("What it checks"));
    for (check, source) in rule.checks.iter().zip(&def.checks) {
        let scope = match &source.scope {
            crate::rules::pack::Scope::Record => match &source.each {
                Some(each) => fill(lang.t("each item of `{each}`"), &[("each", each)]),
                None => lang.t("each record").to_string(),
            },
            crate::rules::pack::Scope::Kind => {
                lang.t("all records of the kind together").to_string()
            }
            crate::rules::pack::Scope::Group(group_by) => fill(
                lang.t("each group of records by {group_by}"),
                &[("group_by", &group_by.0.text)],
            ),
        };
        page.paragraph(&fill(
            lang.t("[{severity}] on {scope} of {kinds}:"),
            &[
                (
                    "severity",
                    lang.severity(rules.severity_of(&def.id, check.severity)),
                ),
                ("scope", &scope),
                ("kinds", &check.kinds.join(", ")),
            ],
        ));
        let mut code = String::new();
        for when in &source.when {
            code.push_str(&format!("when   {}\n", when.text.trim()));
        }
        code.push_str(&format!("assert {}\n", source.assert.text.trim()));
        page.code("text", &code);
    }
    if !words.rationale.is_empty() {
        page.section(lang.t("Why"));
        page.paragraph(words.rationale);
    }
    if !def.params.is_empty() {
        page.section(lang.t("Params (override in tillsyn.toml under [params])"));
        for name in &def.params {
            let value = rules
                .values
                .get(name)
                .map(ToString::to_string)
                .unwrap_or_default();
            let description = rules
                .params
                .get(name)
                .map(|param| param.description.as_str())
                .unwrap_or_default();
            match style {
                Style::Text => page
                    .text
                    .push_str(&format!("  {name} = {value}\n    {description}\n")),
                Style::Markdown => page
                    .text
                    .push_str(&format!("- `{name} = {value}`: {description}\n")),
            }
        }
    }
    if !words.remediation.is_empty() {
        page.section(lang.t("What to do"));
        page.paragraph(words.remediation);
    }
    let (failing, passing) = examples(def);
    if let Some(failing) = failing {
        page.section(lang.t("Failing example"));
        page.code("yaml", &failing);
    }
    if let Some(passing) = passing {
        page.section(lang.t("Passing example"));
        page.code("yaml", &passing);
    }
    Ok(page.text)
}

/// The Swedish of a rule for its page in `docs/rules/`: title, why and what to do, so that the
/// reference shows both languages the tool speaks.
fn swedish_section(rules: &RuleSet, id: &str) -> String {
    let (title, rationale, remediation) = match builtin::ALL.iter().find(|rule| rule.id == id) {
        Some(rule) => (rule.sv.title, rule.sv.rationale, rule.sv.remediation),
        None => match rules.rule(id).and_then(|rule| rule.def.sv.as_ref()) {
            // Only what is written in Swedish: an English paragraph under a Swedish heading
            // would only mislead.
            Some(sv) => (
                sv.title.as_deref().unwrap_or_default(),
                sv.rationale.as_deref().unwrap_or_default(),
                sv.remediation.as_deref().unwrap_or_default(),
            ),
            None => return String::new(),
        },
    };
    if title.is_empty() {
        return String::new();
    }
    let mut text = format!("\n## På svenska\n\n**{title}**\n");
    for (heading, paragraph) in [("Varför", rationale), ("Åtgärd", remediation)] {
        if !paragraph.is_empty() {
            text.push_str(&format!("\n*{heading}:* {paragraph}\n"));
        }
    }
    text
}

/// `docs/rules/<ID>.md` for every rule, built in and default, and an index: generated from the
/// packs so that they never disagree (a test fails when they are stale).
pub(crate) fn rule_docs(rules: &RuleSet) -> Result<Vec<(String, String)>, String> {
    let ids: Vec<String> = builtin::ALL
        .iter()
        .map(|rule| rule.id.to_string())
        .chain(
            rules
                .rules
                .iter()
                .filter(|rule| rules.packs[rule.def.pack].builtin)
                .map(|rule| rule.def.id.clone()),
        )
        .collect();
    let mut pages = Vec::new();
    let mut index = String::from(
        "# Rules\n\nGenerated by `tillsyn rules docs docs/rules` from the packs; do not edit.\n\n| id | severity | title |\n|---|---|---|\n",
    );
    for listed in listing(rules, Lang::En)
        .into_iter()
        .filter(|listed| ids.contains(&listed.id))
    {
        index.push_str(&format!(
            "| [{id}]({id}.md) | {} | {} |\n",
            listed.severity,
            listed.title,
            id = listed.id
        ));
    }
    pages.push(("README.md".to_string(), index));
    for id in ids {
        let mut page = explain_as(rules, &id, Style::Markdown, Lang::En)?;
        page.push_str(&swedish_section(rules, &id));
        pages.push((format!("{id}.md"), page));
    }
    Ok(pages)
}

/// The rule's own examples, else the files of the first failing and passing case of its tests.
fn examples(def: &crate::rules::pack::RuleDef) -> (Option<String>, Option<String>) {
    let from_tests = embedded::RULE_TESTS
        .iter()
        .find(|(name, _)| name.trim_end_matches(".yaml") == def.id)
        .and_then(|(_, text)| {
            let tree = crate::source::yaml::parse(text, &crate::source::Limits::default()).ok()?;
            serde_json::from_value::<TestFile>(tree.to_json()).ok()
        });
    let case_text = |case: &testing::Case| -> String {
        let mut text = format!("# {}\n", case.name);
        for (name, content) in &case.files {
            text.push_str(&format!("# {name}\n{content}"));
        }
        text
    };
    let failing = def.examples.failing.clone().or_else(|| {
        from_tests
            .as_ref()?
            .cases
            .iter()
            .find(|case| case.expect.iter().any(|e| e.rule == def.id))
            .map(case_text)
    });
    let passing = def.examples.passing.clone().or_else(|| {
        from_tests
            .as_ref()?
            .cases
            .iter()
            // A passing example yields none of the rule's findings: it has an `absent` for the
            // rule and no `expect` of it (a case may test one check passing while another fails).
            .find(|case| {
                case.absent.iter().any(|e| e.rule == def.id)
                    && !case.expect.iter().any(|e| e.rule == def.id)
            })
            .map(case_text)
    });
    (failing, passing)
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("  {line}\n")).collect()
}
