//! The compliance matrix: for one framework, every control or article that a selected rule
//! references, with the rules behind it, how many records they judged, how many failed or were
//! accepted, and a status. It is computed once, here, from the findings, what every rule
//! evaluated and the rules' references; every report format renders this matrix and none
//! recomputes it.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::iso27001;
use crate::finding::{Finding, State};
use crate::lang::Lang;
use crate::outcome::{Outcome, RuleInfo};

/// A framework whose controls or articles the rules reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Framework {
    /// ISO/IEC 27001:2022: all 93 Annex A controls, then the clauses the rules reference.
    Iso27001,
    /// GDPR (Regulation (EU) 2016/679): the articles the rules reference.
    Gdpr,
    /// NIS2 (Directive (EU) 2022/2555) and the Swedish cybersäkerhetslag (SFS 2025:1506).
    Nis2,
    /// The city plan for digitalisation.
    Plan,
}

impl Framework {
    pub fn as_str(self) -> &'static str {
        match self {
            Framework::Iso27001 => "iso27001",
            Framework::Gdpr => "gdpr",
            Framework::Nis2 => "nis2",
            Framework::Plan => "plan",
        }
    }

    pub fn name(self) -> &'static str {
        self.name_in(Lang::En)
    }

    /// The framework's name as people read it in `lang`.
    pub fn name_in(self, lang: Lang) -> &'static str {
        match self {
            Framework::Iso27001 => lang.t("ISO/IEC 27001:2022"),
            Framework::Gdpr => lang.t("GDPR (Regulation (EU) 2016/679)"),
            Framework::Nis2 => lang.t("NIS2 (Directive (EU) 2022/2555) and SFS 2025:1506"),
            Framework::Plan => lang.t("The plan for digitalisation"),
        }
    }

    /// The control number of a reference within this framework (`ISO27001:A.5.9` → `A.5.9`),
    /// or `None` when the reference belongs to another framework.
    pub fn number_of(self, reference: &str) -> Option<String> {
        match self {
            Framework::Iso27001 => reference.strip_prefix("ISO27001:").map(str::to_string),
            Framework::Gdpr => reference
                .strip_prefix("GDPR:")
                .map(|article| format!("Art. {article}")),
            Framework::Nis2 => reference
                .strip_prefix("NIS2:")
                .map(|article| format!("Art. {article}"))
                .or_else(|| {
                    reference
                        .starts_with("SFS2025:1506")
                        .then(|| reference.to_string())
                }),
            Framework::Plan => reference.starts_with("PLAN").then(|| reference.to_string()),
        }
    }
}

/// How a control stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Records were judged and none failed.
    Compliant,
    /// Some records failed and some passed.
    Partially,
    /// Records failed and none passed.
    NonCompliant,
    /// Rules reference the control but judged nothing.
    NotAssessed,
    /// No selected rule of tillsyn references the control (listed for completeness).
    NotAssessedByTillsyn,
}

impl Status {
    pub fn label(self) -> &'static str {
        self.label_in(Lang::En)
    }

    /// The label as people read it in `lang` (machine formats use [`Status::label`]).
    pub fn label_in(self, lang: Lang) -> &'static str {
        match self {
            Status::Compliant => lang.t("compliant"),
            Status::Partially => lang.t("partially compliant"),
            Status::NonCompliant => lang.t("non-compliant"),
            Status::NotAssessed => lang.t("not assessed"),
            Status::NotAssessedByTillsyn => lang.t("not assessed by tillsyn"),
        }
    }

    /// A class name for styled outputs.
    pub fn slug(self) -> &'static str {
        match self {
            Status::Compliant => "compliant",
            Status::Partially => "partially",
            Status::NonCompliant => "non-compliant",
            Status::NotAssessed => "not-assessed",
            Status::NotAssessedByTillsyn => "not-assessed-by-tillsyn",
        }
    }

    pub fn is_assessed(self) -> bool {
        !matches!(self, Status::NotAssessed | Status::NotAssessedByTillsyn)
    }
}

/// One row of the matrix.
#[derive(Clone, Debug, Serialize)]
pub struct Control {
    /// The reference as the rules write it (`ISO27001:A.5.9`); for an Annex A control no rule
    /// references, the reference it would have.
    pub reference: String,
    /// The number within the framework (`A.5.9`, `Art. 28(3)`).
    pub number: String,
    /// The official short title, where tillsyn knows it.
    pub title: Option<&'static str>,
    /// The selected rules that reference it, sorted.
    pub rules: Vec<String>,
    /// The sum of what its rules evaluated.
    pub evaluated: usize,
    /// Distinct records with a finding of its rules that is not accepted.
    pub failed: usize,
    /// Distinct records whose findings of its rules are all accepted.
    pub accepted: usize,
    /// `evaluated − failed − accepted`, never below 0.
    pub passed: usize,
    pub status: Status,
    /// The fingerprints of its findings (accepted ones too), in the findings' order.
    pub findings: Vec<String>,
}

/// The matrix of one framework.
#[derive(Clone, Debug, Serialize)]
pub struct Matrix {
    pub framework: Framework,
    pub controls: Vec<Control>,
}

impl Matrix {
    /// Number of controls per status, in the order of [`Status`].
    pub fn counts(&self) -> Vec<(Status, usize)> {
        [
            Status::Compliant,
            Status::Partially,
            Status::NonCompliant,
            Status::NotAssessed,
            Status::NotAssessedByTillsyn,
        ]
        .into_iter()
        .map(|status| {
            let count = self
                .controls
                .iter()
                .filter(|control| control.status == status)
                .count();
            (status, count)
        })
        .filter(|(_, count)| *count > 0)
        .collect()
    }
}

/// The rules with their references, as the run's catalogue has them.
pub fn rule_references(rules: &[RuleInfo]) -> Vec<(String, Vec<String>)> {
    rules
        .iter()
        .map(|rule| (rule.id.to_string(), rule.references.clone()))
        .collect()
}

/// Computes the matrix of `framework` for a run.
pub fn matrix(result: &Outcome, framework: Framework) -> Matrix {
    matrix_of(
        &result.findings,
        &result.evaluated,
        &rule_references(&result.rules),
        framework,
    )
}

/// The matrix from its three inputs: the findings, what each rule evaluated, and each selected
/// rule's references.
pub fn matrix_of(
    findings: &[Finding],
    evaluated: &BTreeMap<String, usize>,
    references: &[(String, Vec<String>)],
    framework: Framework,
) -> Matrix {
    // Control number → (reference, rules).
    let mut referenced: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
    for (rule, refs) in references {
        for reference in refs {
            if let Some(number) = framework.number_of(reference.trim()) {
                referenced
                    .entry(number)
                    .or_insert_with(|| (reference.trim().to_string(), BTreeSet::new()))
                    .1
                    .insert(rule.clone());
            }
        }
    }
    let mut controls = Vec::new();
    if framework == Framework::Iso27001 {
        for (number, title) in iso27001::ANNEX_A {
            match referenced.remove(number) {
                Some((reference, rules)) => controls.push(control(
                    reference,
                    number.to_string(),
                    Some(title),
                    rules,
                    findings,
                    evaluated,
                )),
                None => controls.push(Control {
                    reference: format!("ISO27001:{number}"),
                    number: number.to_string(),
                    title: Some(title),
                    rules: Vec::new(),
                    evaluated: 0,
                    failed: 0,
                    accepted: 0,
                    passed: 0,
                    status: Status::NotAssessedByTillsyn,
                    findings: Vec::new(),
                }),
            }
        }
    }
    let mut rest: Vec<(String, (String, BTreeSet<String>))> = referenced.into_iter().collect();
    rest.sort_by(|a, b| {
        natural_key(&a.0)
            .cmp(&natural_key(&b.0))
            .then(a.0.cmp(&b.0))
    });
    for (number, (reference, rules)) in rest {
        let title = match framework {
            Framework::Iso27001 => iso27001::clause_title(&number),
            _ => None,
        };
        controls.push(control(
            reference, number, title, rules, findings, evaluated,
        ));
    }
    Matrix {
        framework,
        controls,
    }
}

fn control(
    reference: String,
    number: String,
    title: Option<&'static str>,
    rules: BTreeSet<String>,
    findings: &[Finding],
    evaluated: &BTreeMap<String, usize>,
) -> Control {
    let judged: usize = rules
        .iter()
        .map(|rule| evaluated.get(rule).copied().unwrap_or(0))
        .sum();
    let mut failed: BTreeSet<(Option<&str>, &str)> = BTreeSet::new();
    let mut accepted: BTreeSet<(Option<&str>, &str)> = BTreeSet::new();
    let mut fingerprints = Vec::new();
    for finding in findings.iter().filter(|f| rules.contains(f.rule.as_str())) {
        fingerprints.push(finding.fingerprint.clone());
        let key = record_key(finding);
        if finding.state == State::Accepted {
            accepted.insert(key);
        } else {
            failed.insert(key);
        }
    }
    accepted.retain(|key| !failed.contains(key));
    let passed = judged.saturating_sub(failed.len() + accepted.len());
    let status = if judged == 0 {
        Status::NotAssessed
    } else if failed.is_empty() {
        Status::Compliant
    } else if passed == 0 {
        Status::NonCompliant
    } else {
        Status::Partially
    };
    Control {
        reference,
        number,
        title,
        rules: rules.into_iter().collect(),
        evaluated: judged,
        failed: failed.len(),
        accepted: accepted.len(),
        passed,
        status,
        findings: fingerprints,
    }
}

/// What a finding is about: its record (kind and id), else its file.
fn record_key(finding: &Finding) -> (Option<&str>, &str) {
    match &finding.record {
        Some(record) => (finding.kind.as_deref(), record.as_str()),
        None => (None, finding.file.as_str()),
    }
}

/// Sorts `5.10` after `5.9` and `Art. 30(1)` after `Art. 9`: digit runs compare as numbers.
fn natural_key(text: &str) -> Vec<(u64, String)> {
    let mut key = Vec::new();
    let mut digits = String::new();
    let mut other = String::new();
    for character in text.chars() {
        if character.is_ascii_digit() {
            if !other.is_empty() {
                key.push((0, std::mem::take(&mut other)));
            }
            digits.push(character);
        } else {
            if !digits.is_empty() {
                key.push((digits.parse().unwrap_or(u64::MAX), String::new()));
                digits.clear();
            }
            other.push(character);
        }
    }
    if !digits.is_empty() {
        key.push((digits.parse().unwrap_or(u64::MAX), String::new()));
    }
    if !other.is_empty() {
        key.push((0, other));
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_puts_ten_after_nine() {
        let mut numbers = vec!["7.5.3", "10.2", "6.1.2", "7.5.2"];
        numbers.sort_by_key(|number| natural_key(number));
        assert_eq!(numbers, ["6.1.2", "7.5.2", "7.5.3", "10.2"]);
        let mut articles = vec!["Art. 30(1)", "Art. 9(2)", "Art. 28(3)", "Art. 9"];
        articles.sort_by_key(|number| natural_key(number));
        assert_eq!(
            articles,
            ["Art. 9", "Art. 9(2)", "Art. 28(3)", "Art. 30(1)"]
        );
    }

    #[test]
    fn statuses_follow_failed_and_passed() {
        let refs = vec![
            ("R1".to_string(), vec!["GDPR:28(3)".to_string()]),
            ("R2".to_string(), vec!["GDPR:30".to_string()]),
            ("R3".to_string(), vec!["GDPR:9".to_string()]),
            ("R4".to_string(), vec!["GDPR:44".to_string()]),
        ];
        let evaluated: BTreeMap<String, usize> = [("R1", 2), ("R2", 1), ("R3", 0), ("R4", 3)]
            .into_iter()
            .map(|(id, n)| (id.to_string(), n))
            .collect();
        let finding = |rule: &str, record: &str| Finding {
            rule: rule.into(),
            severity: crate::finding::Severity::High,
            title: String::new(),
            message: String::new(),
            kind: Some("k".into()),
            record: Some(record.into()),
            file: "f".into(),
            line: 1,
            column: 1,
            cell: None,
            pointer: String::new(),
            references: Vec::new(),
            remediation: String::new(),
            responsible: None,
            state: State::New,
            first_seen: None,
            due: None,
            exception: None,
            escalation: None,
            fingerprint: format!("{rule}{record}"),
            localized_message: None,
        };
        let findings = vec![finding("R1", "a"), finding("R1", "a"), finding("R2", "b")];
        let matrix = matrix_of(&findings, &evaluated, &refs, Framework::Gdpr);
        let status = |number: &str| {
            let control = matrix
                .controls
                .iter()
                .find(|control| control.number == number)
                .unwrap();
            (control.failed, control.passed, control.status)
        };
        assert_eq!(status("Art. 28(3)"), (1, 1, Status::Partially));
        assert_eq!(status("Art. 30"), (1, 0, Status::NonCompliant));
        assert_eq!(status("Art. 9"), (0, 0, Status::NotAssessed));
        assert_eq!(status("Art. 44"), (0, 3, Status::Compliant));
        let order: Vec<&str> = matrix.controls.iter().map(|c| c.number.as_str()).collect();
        assert_eq!(order, ["Art. 9", "Art. 28(3)", "Art. 30", "Art. 44"]);
    }
}
