//! `--format junit`: JUnit XML for CI test-report views (Jenkins, GitLab, Azure DevOps). One
//! `<testsuite>` per rule that ran; each finding a `<testcase>` that fails (or is skipped when an
//! exception accepts it); a rule without findings one passing `<testcase>`. Validates against
//! the Jenkins xunit-plugin schema (`tests/external/junit-10.xsd`).

use super::xml_text;
use crate::finding::{Finding, State};
use crate::outcome::{Outcome, RuleInfo};

pub fn render(result: &Outcome) -> String {
    let described = result.rules.as_slice();
    let mut suites = String::new();
    let (mut all_tests, mut all_failures) = (0, 0);
    for rule in described {
        // The rules that ran are the ones counted; a rule with findings always ran.
        let findings: Vec<&Finding> = result
            .findings
            .iter()
            .filter(|finding| finding.rule == rule.id)
            .collect();
        let Some(judged) = result
            .evaluated
            .get(rule.id.as_str())
            .copied()
            .or_else(|| (!findings.is_empty()).then_some(0))
        else {
            continue;
        };
        let failures = findings
            .iter()
            .filter(|finding| finding.state != State::Accepted)
            .count();
        let skipped = findings.len() - failures;
        // `tests` counts what the rule judged; a record can fail more than once (two schema
        // violations), so never fewer than the test cases written.
        let tests = judged.max(findings.len()).max(1);
        all_tests += tests;
        all_failures += failures;
        suites.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\" timestamp=\"{}\">\n",
            xml_text(&format!("{} {}", rule.id, rule.title), true),
            result.as_of,
        ));
        suites.push_str(&format!(
            "    <properties>\n      <property name=\"severity\" value=\"{}\"/>\n      <property name=\"evaluated\" value=\"{judged}\"/>\n    </properties>\n",
            rule.severity
        ));
        if findings.is_empty() {
            suites.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\" time=\"0\"/>\n",
                xml_text(&format!("{judged} judged, no finding"), true),
                xml_text(&rule.id, true),
            ));
        }
        for finding in findings {
            suites.push_str(&testcase(finding, rule));
        }
        suites.push_str("  </testsuite>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{}\" tests=\"{all_tests}\" failures=\"{all_failures}\" errors=\"0\" time=\"0\">\n{suites}</testsuites>\n",
        xml_text(
            &format!(
                "tillsyn {} as of {}",
                env!("CARGO_PKG_VERSION"),
                result.as_of
            ),
            true
        ),
    )
}

fn testcase(finding: &Finding, rule: &RuleInfo) -> String {
    let name = match (&finding.kind, &finding.record) {
        (Some(kind), Some(id)) => format!("{kind} {id} {}", finding.pointer),
        (Some(kind), None) => format!("{kind} {} {}", finding.file, finding.pointer),
        _ => format!("{} {}", finding.file, finding.pointer),
    };
    let mut text = format!(
        "{}\n\nat {} ({})\n",
        finding.message,
        finding.location(),
        finding.pointer
    );
    if let Some(responsible) = &finding.responsible {
        text.push_str(&format!("responsible: {}", responsible.holder));
        if let Some(unit) = &responsible.unit {
            text.push_str(&format!(" ({unit})"));
        }
        text.push('\n');
    }
    if let Some(due) = &finding.due {
        text.push_str(&format!("due: {due}\n"));
    }
    if let Some(escalation) = &finding.escalation {
        text.push_str(&format!(
            "overdue {} days: escalated to {}\n",
            escalation.overdue_days, escalation.unit
        ));
    }
    text.push_str(&format!("\nremediation: {}\n", finding.remediation));
    if !finding.references.is_empty() {
        text.push_str(&format!("references: {}\n", finding.references.join(", ")));
    }
    text.push_str(&format!("fingerprint: {}\n", finding.fingerprint));
    let outcome = match (&finding.state, &finding.exception) {
        (State::Accepted, Some(acceptance)) => format!(
            "      <skipped message=\"{}\"/>\n",
            xml_text(
                &format!(
                    "accepted by exception {} until {}",
                    acceptance.exception, acceptance.expires_on
                ),
                true
            )
        ),
        (State::Accepted, None) => "      <skipped message=\"accepted\"/>\n".to_string(),
        _ => format!(
            "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
            xml_text(&finding.message, true),
            finding.severity,
            xml_text(&text, false),
        ),
    };
    format!(
        "    <testcase name=\"{}\" classname=\"{}\" time=\"0\">\n{outcome}    </testcase>\n",
        xml_text(&name, true),
        xml_text(&rule.id, true),
    )
}
