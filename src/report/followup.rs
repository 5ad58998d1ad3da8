//! `tillsyn followup`: who owes what, by when. Findings still to act on, grouped by responsible
//! holder and unit; overdue first, then by due date.

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use super::{csv_row, markdown_cell, neutralise_controls};
use crate::finding::{Finding, State};
use crate::followup::state_name;

/// Which findings to show.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// A role assignment id or a holder's name.
    pub owner: Option<String>,
    pub unit: Option<String>,
    pub overdue_only: bool,
    /// Only these states (default: new, open, reopened, overdue).
    pub states: Vec<State>,
}

#[derive(Serialize)]
pub struct Group<'a> {
    pub holder: String,
    pub unit: Option<String>,
    pub assignment: Option<String>,
    pub overdue: usize,
    pub findings: Vec<&'a Finding>,
}

pub fn groups<'a>(findings: &'a [Finding], filter: &Filter) -> Vec<Group<'a>> {
    let default_states = [State::New, State::Open, State::Reopened, State::Overdue];
    let states: &[State] = if filter.states.is_empty() {
        &default_states
    } else {
        &filter.states
    };
    let mut selected: Vec<&Finding> = findings
        .iter()
        .filter(|finding| states.contains(&finding.state))
        .filter(|finding| !filter.overdue_only || finding.state == State::Overdue)
        .filter(|finding| {
            let responsible = finding.responsible.as_ref();
            let owner_matches = filter.owner.as_ref().is_none_or(|owner| {
                responsible.is_some_and(|r| {
                    r.assignment.as_deref() == Some(owner.as_str())
                        || r.holder.eq_ignore_ascii_case(owner)
                })
            });
            let unit_matches = filter.unit.as_ref().is_none_or(|unit| {
                responsible.and_then(|r| r.unit.as_deref()) == Some(unit.as_str())
            });
            owner_matches && unit_matches
        })
        .collect();
    // Overdue first, then by due date (none last), then as the findings are sorted.
    selected.sort_by(|a, b| {
        let key = |finding: &Finding| {
            (
                finding.state != State::Overdue,
                finding.due.clone().unwrap_or_else(|| "9999".into()),
            )
        };
        key(a).cmp(&key(b))
    });
    let mut groups: Vec<Group> = Vec::new();
    for finding in selected {
        let (holder, unit, assignment) = match &finding.responsible {
            Some(responsible) => (
                responsible.holder.clone(),
                responsible.unit.clone(),
                responsible.assignment.clone(),
            ),
            None => ("(no responsible found)".to_string(), None, None),
        };
        let position = match groups
            .iter()
            .position(|group| group.holder == holder && group.unit == unit)
        {
            Some(position) => position,
            None => {
                groups.push(Group {
                    holder,
                    unit,
                    assignment,
                    overdue: 0,
                    findings: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let Some(group) = groups.get_mut(position) else {
            continue;
        };
        if finding.state == State::Overdue {
            group.overdue += 1;
        }
        group.findings.push(finding);
    }
    // Groups with overdue findings first, most overdue first; otherwise in order of their
    // earliest due finding (which is the order they were created in).
    groups.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then_with(|| (a.overdue == 0).cmp(&(b.overdue == 0)))
    });
    groups
}

fn who(group: &Group) -> String {
    match &group.unit {
        Some(unit) => format!("{} ({unit})", group.holder),
        None => group.holder.clone(),
    }
}

pub fn table(groups: &[Group], as_of: &str) -> String {
    if groups.is_empty() {
        return format!("Nothing to follow up as of {as_of}.\n");
    }
    let mut text = String::new();
    for group in groups {
        let overdue = if group.overdue > 0 {
            format!(", {} overdue", group.overdue)
        } else {
            String::new()
        };
        text.push_str(&format!(
            "{} — {} findings{overdue}\n",
            neutralise_controls(&who(group)),
            group.findings.len()
        ));
        let mut table = Table::new();
        table
            .load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(100)
            .set_header(["Due", "State", "Rule", "Finding"]);
        for finding in &group.findings {
            let mut state = state_name(finding.state).to_string();
            if let Some(escalation) = &finding.escalation {
                state.push_str(&format!("\n→ {}", escalation.unit));
            }
            table.add_row([
                finding.due.clone().unwrap_or_else(|| "-".into()),
                state,
                format!("{}\n{}", finding.rule, finding.severity),
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

pub fn markdown(groups: &[Group], as_of: &str) -> String {
    let mut text = format!("# Follow-up as of {as_of}\n\n");
    if groups.is_empty() {
        text.push_str("Nothing to follow up.\n");
        return text;
    }
    for group in groups {
        text.push_str(&format!(
            "## {} — {} findings, {} overdue\n\n",
            markdown_cell(&who(group)),
            group.findings.len(),
            group.overdue
        ));
        text.push_str(
            "| Due | State | Rule | Severity | Where | Finding |\n|---|---|---|---|---|---|\n",
        );
        for finding in &group.findings {
            text.push_str(&format!(
                "| {} | {} | {} | {} | {}:{} | {} |\n",
                finding.due.as_deref().unwrap_or("-"),
                state_name(finding.state),
                finding.rule,
                finding.severity,
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
        "holder,unit,assignment,due,state,escalated_to,rule,severity,kind,record,file,line,message\r\n",
    );
    for group in groups {
        for finding in &group.findings {
            let cells = [
                group.holder.clone(),
                group.unit.clone().unwrap_or_default(),
                group.assignment.clone().unwrap_or_default(),
                finding.due.clone().unwrap_or_default(),
                state_name(finding.state).to_string(),
                finding
                    .escalation
                    .as_ref()
                    .map(|escalation| escalation.unit.clone())
                    .unwrap_or_default(),
                finding.rule.clone(),
                finding.severity.to_string(),
                finding.kind.clone().unwrap_or_default(),
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
