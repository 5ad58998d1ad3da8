//! `tillsyn followup` laid out: the groups of [`crate::views::followup`] as a table, JSON,
//! Markdown or CSV.

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use super::{csv_row, fill, markdown_cell, neutralise_controls};
use crate::finding::day;
use crate::lang::Lang;
use crate::views::followup::{Group, who};

pub fn table(groups: &[Group], as_of: &str, lang: Lang) -> String {
    if groups.is_empty() {
        return format!(
            "{}\n",
            fill(
                lang.t("Nothing to follow up as of {as_of}."),
                &[("as_of", as_of)]
            )
        );
    }
    let mut text = String::new();
    for group in groups {
        let overdue = if group.overdue > 0 {
            fill(
                lang.t(", {count} overdue"),
                &[("count", &group.overdue.to_string())],
            )
        } else {
            String::new()
        };
        text.push_str(&fill(
            lang.t("{who} — {count} findings{overdue}"),
            &[
                ("who", &neutralise_controls(&who(group, lang))),
                ("count", &group.findings.len().to_string()),
                ("overdue", &overdue),
            ],
        ));
        text.push('\n');
        let mut table = Table::new();
        table
            .load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(100)
            .set_header([
                lang.t("Due"),
                lang.t("State"),
                lang.t("Rule"),
                lang.t("Finding"),
            ]);
        for finding in &group.findings {
            let mut state = lang.state(finding.state).to_string();
            if let Some(escalation) = &finding.escalation {
                state.push_str(&format!("\n→ {}", escalation.unit));
            }
            table.add_row([
                day(finding.due, "-"),
                state,
                format!("{}\n{}", finding.rule, lang.severity(finding.severity)),
                neutralise_controls(&format!("{}: {}", finding.line_location(), finding.message)),
            ]);
        }
        text.push_str(&format!("{table}\n\n"));
    }
    text
}

pub fn json(groups: &[Group], as_of: &str) -> String {
    #[derive(Serialize)]
    struct Output<'a> {
        as_of: &'a str,
        groups: &'a [Group<'a>],
    }
    let mut text = serde_json::to_string_pretty(&Output { as_of, groups }).unwrap_or_default();
    text.push('\n');
    text
}

pub fn markdown(groups: &[Group], as_of: &str, lang: Lang) -> String {
    let mut text = format!(
        "{}\n\n",
        fill(lang.t("# Follow-up as of {as_of}"), &[("as_of", as_of)])
    );
    if groups.is_empty() {
        text.push_str(lang.t("Nothing to follow up."));
        text.push('\n');
        return text;
    }
    for group in groups {
        text.push_str(&fill(
            lang.t("## {who} — {count} findings, {overdue} overdue"),
            &[
                ("who", &markdown_cell(&who(group, lang))),
                ("count", &group.findings.len().to_string()),
                ("overdue", &group.overdue.to_string()),
            ],
        ));
        text.push_str("\n\n");
        text.push_str(&format!(
            "{}\n|---|---|---|---|---|---|\n",
            lang.t("| Due | State | Rule | Severity | Where | Finding |")
        ));
        for finding in &group.findings {
            text.push_str(&format!(
                "| {} | {} | {} | {} | {}:{} | {} |\n",
                &day(finding.due, "-"),
                lang.state(finding.state),
                finding.rule,
                lang.severity(finding.severity),
                markdown_cell(&finding.file),
                finding.line,
                markdown_cell(&finding.message)
            ));
        }
        text.push('\n');
    }
    text
}

pub fn csv(groups: &[Group]) -> String {
    let mut text = String::from(
        "holder,person,email,unit,assignment,due,state,escalated_to,rule,severity,kind,record,file,line,message\r\n",
    );
    for group in groups {
        for finding in &group.findings {
            let responsible = finding.responsible.as_ref();
            let cells = [
                group.holder.clone(),
                group.person.clone().unwrap_or_default(),
                group.email.clone().unwrap_or_default(),
                responsible.and_then(|r| r.unit.clone()).unwrap_or_default(),
                responsible
                    .and_then(|r| r.assignment.clone())
                    .unwrap_or_default(),
                day(finding.due, ""),
                finding.state.as_str().to_string(),
                finding
                    .escalation
                    .as_ref()
                    .map(|escalation| escalation.unit.clone())
                    .unwrap_or_default(),
                finding.rule.to_string(),
                finding.severity.to_string(),
                finding.kind.as_deref().unwrap_or_default().to_string(),
                finding.record.clone().unwrap_or_default(),
                finding.file.clone(),
                finding.line.to_string(),
                finding.message.clone(),
            ];
            text.push_str(&csv_row(&cells));
        }
    }
    text
}
