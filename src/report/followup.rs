//! `tillsyn followup`: who owes what, by when. Findings still to act on, grouped by who must act
//! — one group per person, whatever units and roles their findings come through; otherwise per
//! holder and unit — overdue first, then by due date.

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use super::{csv_row, fill, markdown_cell, neutralise_controls};
use crate::finding::{Finding, Responsible, State};
use crate::followup::state_name;
use crate::lang::Lang;

/// The holder of findings whose responsible could not be found (in every format's data).
const NO_RESPONSIBLE: &str = "(no responsible found)";

/// The follow-up's words in one language, for the table and Markdown. `{…}` marks where a value
/// goes.
struct Labels {
    nothing_as_of: &'static str,
    group: &'static str,
    overdue: &'static str,
    table_headers: [&'static str; 4],
    heading: &'static str,
    nothing: &'static str,
    group_heading: &'static str,
    markdown_header: &'static str,
    no_responsible: &'static str,
}

impl Labels {
    fn of(lang: Lang) -> Labels {
        match lang {
            Lang::En => Labels {
                nothing_as_of: "Nothing to follow up as of {as_of}.",
                group: "{who} — {count} findings{overdue}",
                overdue: ", {count} overdue",
                table_headers: ["Due", "State", "Rule", "Finding"],
                heading: "# Follow-up as of {as_of}",
                nothing: "Nothing to follow up.",
                group_heading: "## {who} — {count} findings, {overdue} overdue",
                markdown_header: "| Due | State | Rule | Severity | Where | Finding |",
                no_responsible: NO_RESPONSIBLE,
            },
            Lang::Sv => Labels {
                nothing_as_of: "Inget att följa upp per {as_of}.",
                group: "{who} — {count} fynd{overdue}",
                overdue: ", {count} försenade",
                table_headers: ["Senast", "Status", "Regel", "Fynd"],
                heading: "# Uppföljning per {as_of}",
                nothing: "Inget att följa upp.",
                group_heading: "## {who} — {count} fynd, {overdue} försenade",
                markdown_header: "| Senast | Status | Regel | Allvarlighet | Var | Fynd |",
                no_responsible: "(ingen ansvarig hittades)",
            },
        }
    }
}

/// Which findings to show.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// A person id, a role assignment id or a holder's name.
    pub owner: Option<String>,
    pub unit: Option<String>,
    pub overdue_only: bool,
    /// Only these states (default: new, open, reopened, overdue).
    pub states: Vec<State>,
}

#[derive(Serialize)]
pub struct Group<'a> {
    pub holder: String,
    /// The person, by id, when the group is one person's.
    pub person: Option<String>,
    pub email: Option<String>,
    /// The units the findings' responsibility lies in, in the order first met.
    pub units: Vec<String>,
    /// The role assignments the findings come through, in the order first met.
    pub assignments: Vec<String>,
    pub overdue: usize,
    pub findings: Vec<&'a Finding>,
}

/// What makes two findings one group's: the same person, else the same holder in the same unit.
#[derive(Clone, PartialEq, Eq, Hash)]
enum GroupKey {
    Person(String),
    Holder(String, Option<String>),
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
                        || r.person.as_deref() == Some(owner.as_str())
                        || r.holder.to_lowercase() == owner.to_lowercase()
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
    let mut positions: std::collections::HashMap<GroupKey, usize> =
        std::collections::HashMap::new();
    for finding in selected {
        let responsible = finding.responsible.as_ref();
        let key = match responsible {
            Some(Responsible {
                person: Some(person),
                ..
            }) => GroupKey::Person(person.clone()),
            Some(responsible) => {
                GroupKey::Holder(responsible.holder.clone(), responsible.unit.clone())
            }
            None => GroupKey::Holder(NO_RESPONSIBLE.to_string(), None),
        };
        let position = *positions.entry(key).or_insert_with(|| {
            groups.push(Group {
                holder: responsible
                    .map_or_else(|| NO_RESPONSIBLE.to_string(), |r| r.holder.clone()),
                person: responsible.and_then(|r| r.person.clone()),
                email: responsible.and_then(|r| r.email.clone()),
                units: Vec::new(),
                assignments: Vec::new(),
                overdue: 0,
                findings: Vec::new(),
            });
            groups.len() - 1
        });
        let Some(group) = groups.get_mut(position) else {
            continue;
        };
        if let Some(unit) = responsible.and_then(|r| r.unit.as_ref())
            && !group.units.contains(unit)
        {
            group.units.push(unit.clone());
        }
        if let Some(assignment) = responsible.and_then(|r| r.assignment.as_ref())
            && !group.assignments.contains(assignment)
        {
            group.assignments.push(assignment.clone());
        }
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

/// The group's holder as people read it in `lang`: the data's name, or "no responsible found".
pub fn holder<'a>(group: &'a Group<'_>, lang: Lang) -> &'a str {
    if group.holder == NO_RESPONSIBLE {
        Labels::of(lang).no_responsible
    } else {
        group.holder.as_str()
    }
}

/// A group as a heading names it: `Sara Lind <sara.lind@felstad.se> (UN, KS)`.
pub fn who(group: &Group, lang: Lang) -> String {
    let mut who = holder(group, lang).to_string();
    if let Some(email) = &group.email {
        who.push_str(&format!(" <{email}>"));
    }
    if !group.units.is_empty() {
        who.push_str(&format!(" ({})", group.units.join(", ")));
    }
    who
}

pub fn table(groups: &[Group], as_of: &str, lang: Lang) -> String {
    let labels = Labels::of(lang);
    if groups.is_empty() {
        return format!("{}\n", fill(labels.nothing_as_of, &[("as_of", as_of)]));
    }
    let mut text = String::new();
    for group in groups {
        let overdue = if group.overdue > 0 {
            fill(labels.overdue, &[("count", &group.overdue.to_string())])
        } else {
            String::new()
        };
        text.push_str(&fill(
            labels.group,
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
            .set_header(labels.table_headers);
        for finding in &group.findings {
            let mut state = lang.state(finding.state).to_string();
            if let Some(escalation) = &finding.escalation {
                state.push_str(&format!("\n→ {}", escalation.unit));
            }
            table.add_row([
                finding.due.clone().unwrap_or_else(|| "-".into()),
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
    let labels = Labels::of(lang);
    let mut text = format!("{}\n\n", fill(labels.heading, &[("as_of", as_of)]));
    if groups.is_empty() {
        text.push_str(labels.nothing);
        text.push('\n');
        return text;
    }
    for group in groups {
        text.push_str(&fill(
            labels.group_heading,
            &[
                ("who", &markdown_cell(&who(group, lang))),
                ("count", &group.findings.len().to_string()),
                ("overdue", &group.overdue.to_string()),
            ],
        ));
        text.push_str("\n\n");
        text.push_str(&format!(
            "{}\n|---|---|---|---|---|---|\n",
            labels.markdown_header
        ));
        for finding in &group.findings {
            text.push_str(&format!(
                "| {} | {} | {} | {} | {}:{} | {} |\n",
                finding.due.as_deref().unwrap_or("-"),
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
