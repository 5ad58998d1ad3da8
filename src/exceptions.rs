//! Exceptions (avsteg, riskacceptans): an `exception` record in force turns the findings it
//! covers into accepted findings — kept and reported, never deleted — and an exception in force
//! that covers nothing is itself a finding (EXC003). Expired, over-long, self-approved and
//! expiring exceptions are rules of the default pack (EXC001, EXC002, EXC004).
//!
//! An exception covers a finding when its `rule` is the finding's rule id (or a reference the
//! rule cites, such as `ISO27001:A.5.9`) and one of its `targets` names the finding's record:
//! `kind:id` (the whole record), `kind:id#/json/pointer` (one field and what is below it), or
//! `kind:*` (every record of the kind).

use std::collections::HashMap;

use jiff::civil::Date;

use crate::builtin;
use crate::finding::{Acceptance, Finding, State};
use crate::repository::Repository;
use crate::source::node::Node;

/// An exception in a form ready for matching.
struct Exception {
    index: usize,
    id: String,
    rule: String,
    targets: Vec<Target>,
    expires_on: String,
    in_force: bool,
}

struct Target {
    kind: String,
    /// `None` for `kind:*`.
    record: Option<String>,
    /// Pointer within the record, for `kind:id#/pointer`.
    pointer: Option<String>,
}

impl Target {
    fn parse(text: &str) -> Option<Target> {
        let (kind, rest) = text.split_once(':')?;
        let (record, pointer) = match rest.split_once('#') {
            Some((record, pointer)) => (record, Some(pointer.to_string())),
            None => (rest, None),
        };
        let record = (record != "*").then(|| record.to_string());
        Some(Target {
            kind: kind.to_string(),
            record,
            pointer,
        })
    }

    fn covers(&self, finding: &Finding, record_pointer: &str) -> bool {
        if finding.kind.as_deref() != Some(self.kind.as_str()) {
            return false;
        }
        if let Some(record) = &self.record
            && finding.record.as_ref() != Some(record)
        {
            return false;
        }
        match &self.pointer {
            None => true,
            Some(pointer) => {
                let within = finding
                    .pointer
                    .strip_prefix(record_pointer)
                    .unwrap_or(&finding.pointer);
                within == pointer || within.starts_with(&format!("{pointer}/"))
            }
        }
    }
}

/// Rules whose findings no exception may accept: the exceptions' own.
fn exceptions_own(rule: &str) -> bool {
    rule.starts_with("EXC")
}

/// Marks covered findings as accepted and adds EXC003 for exceptions in force that cover none.
pub fn apply(repository: &Repository, findings: &mut Vec<Finding>, today: Date) {
    let exceptions = read(repository, today);
    if exceptions.is_empty() {
        return;
    }
    // A risk acceptance (riskacceptans) is in use while a risk names it as its acceptance.
    let mut used: Vec<bool> = exceptions
        .iter()
        .map(|exception| {
            repository
                .referrer_entries(exception.index)
                .iter()
                .any(|referrer| {
                    repository
                        .referring_field(referrer)
                        .is_some_and(|field| field.name == "acceptance")
                        && repository.record(referrer.from()).kind == "risk"
                        && repository.record(referrer.from()).is_active()
                })
        })
        .collect();
    // The exceptions that may cover a finding, by rule (or cited control), kind and record (or
    // `*`): looked up per finding, so that many findings and many exceptions stay linear.
    let mut candidates: HashMap<(&str, &str, Option<&str>), Vec<usize>> = HashMap::new();
    for (slot, exception) in exceptions.iter().enumerate() {
        for target in &exception.targets {
            let key = (
                exception.rule.as_str(),
                target.kind.as_str(),
                target.record.as_deref(),
            );
            candidates.entry(key).or_default().push(slot);
        }
    }
    for finding in findings.iter_mut() {
        if exceptions_own(&finding.rule) {
            continue;
        }
        let Some(kind) = finding.kind.clone() else {
            continue;
        };
        let mut slots: Vec<usize> = std::iter::once(finding.rule.as_str())
            .chain(finding.references.iter().map(String::as_str))
            .flat_map(|rule| {
                [
                    (rule, kind.as_str(), finding.record.as_deref()),
                    (rule, kind.as_str(), None),
                ]
            })
            .filter_map(|key| candidates.get(&key))
            .flatten()
            .copied()
            .collect();
        if slots.is_empty() {
            continue;
        }
        // In the exceptions' order, as a scan of all of them would meet them.
        slots.sort_unstable();
        slots.dedup();
        let record_pointer = record_pointer(repository, finding);
        for slot in slots {
            let Some(exception) = exceptions.get(slot) else {
                continue;
            };
            let rule_matches =
                exception.rule == finding.rule || finding.references.contains(&exception.rule);
            if !rule_matches
                || !exception
                    .targets
                    .iter()
                    .any(|target| target.covers(finding, &record_pointer))
            {
                continue;
            }
            if exception.in_force {
                if let Some(flag) = used.get_mut(slot) {
                    *flag = true;
                }
                if finding.exception.is_none() {
                    finding.state = State::Accepted;
                    finding.exception = Some(Acceptance {
                        exception: exception.id.clone(),
                        expires_on: exception.expires_on.clone(),
                    });
                }
            }
        }
    }
    for (exception, used) in exceptions.iter().zip(used) {
        if used || !exception.in_force {
            continue;
        }
        let record = repository.record(exception.index);
        let span = record
            .node
            .get("targets")
            .map_or(record.node.span(), |node| node.span());
        let (id, rule) = (&exception.id, &exception.rule);
        let targets = exception
            .targets
            .iter()
            .map(|target| {
                format!(
                    "{}:{}",
                    target.kind,
                    target.record.as_deref().unwrap_or("*")
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let message = crate::finding::Message::new(
            format!(
                "exception {id} accepts {rule} on {targets}, but no such finding exists in this run: remove it"
            ),
            format!(
                "undantaget {id} godtar {rule} för {targets}, men inget sådant fynd finns i den här körningen: ta bort det"
            ),
        );
        findings.push(repository.finding(
            &builtin::EXC003.origin(),
            exception.index,
            "/targets",
            span,
            "",
            message,
        ));
    }
}

fn read(repository: &Repository, today: Date) -> Vec<Exception> {
    repository
        .records
        .iter()
        .enumerate()
        .filter(|(_, record)| record.kind == "exception" && record.is_active())
        .filter_map(|(index, record)| {
            let id = record.id().map(str::to_string)?;
            let rule = record.get_str("rule")?.to_string();
            let targets = match record.node.get("targets").map(|node| &node.value) {
                Some(crate::source::node::Value::Sequence(items)) => items
                    .iter()
                    .filter_map(Node::as_str)
                    .filter_map(Target::parse)
                    .collect(),
                _ => Vec::new(),
            };
            let expires_on = record.date("expires_on")?;
            // An exception counts only once approved: in force, and with an approval day.
            let in_force = record.date("approved_on").is_some() && record.in_force(today);
            Some(Exception {
                index,
                id,
                rule,
                targets,
                expires_on: expires_on.to_string(),
                in_force,
            })
        })
        .collect()
}

/// The pointer of the finding's record within its file (`/records/3`), to make the finding's
/// pointer relative to its record.
fn record_pointer(repository: &Repository, finding: &Finding) -> String {
    match (&finding.kind, &finding.record) {
        (Some(kind), Some(id)) => repository
            .resolve(&[kind.as_str()], id)
            .map(|index| repository.record(index).pointer())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_all_three_forms() {
        let whole = Target::parse("information_asset:IA-1").unwrap();
        assert_eq!(
            (
                whole.kind.as_str(),
                whole.record.as_deref(),
                whole.pointer.as_deref()
            ),
            ("information_asset", Some("IA-1"), None)
        );
        let field = Target::parse("system:SYS-1#/continuity").unwrap();
        assert_eq!(field.pointer.as_deref(), Some("/continuity"));
        assert_eq!(Target::parse("system:*").unwrap().record, None);
        assert!(Target::parse("no-colon").is_none());
    }
}
