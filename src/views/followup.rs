//! Who owes what, by when: the findings still to act on, grouped by who must act — one group per
//! person, whatever units and roles their findings come through; otherwise per holder and unit —
//! overdue first, then by due date. `followup`, the HTML report and the workbook lay these
//! groups out.

use serde::Serialize;

use crate::finding::{Finding, Responsible, State};
use crate::lang::{Lang, msg};

/// The holder of findings whose responsible could not be found (in every format's data).
const NO_RESPONSIBLE: &str = msg("(no responsible found)");

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
                finding.due.unwrap_or(jiff::civil::Date::MAX),
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
        lang.t(NO_RESPONSIBLE)
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
