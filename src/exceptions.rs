//! Exceptions (avsteg, riskacceptans): an `exception` record in force turns the findings it
//! covers into accepted findings — kept and reported, never deleted — and an exception in force
//! that covers nothing is itself a finding (EXC003). Expired, over-long, self-approved and
//! expiring exceptions are rules of the default pack (EXC001, EXC002, EXC004).
//!
//! An exception covers a finding when its `rule` is the finding's rule id (or a reference the
//! rule cites, such as `ISO27001:A.5.9`) and one of its `targets` names the finding's record:
//! `kind:id` (the whole record), `kind:id#/json/pointer` (one field and what is below it), or
//! `kind:*` (every record of the kind).
//!
//! An exception is judged on what ran: it is stale (EXC003) only when every rule it names ran and
//! its target records were read; one that names a rule or a record that does not exist gets
//! EXC005 instead, which says what is missing.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::builtin;
use crate::finding::{Acceptance, Finding, Message, State};
use crate::followup::Coverage;
use crate::repository::Repository;
use crate::rules::RuleSet;

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
    /// As written, for messages.
    text: String,
    /// Its place in `targets`.
    position: usize,
    kind: String,
    /// `None` for `kind:*`.
    record: Option<String>,
    /// Pointer within the record, for `kind:id#/pointer`.
    pointer: Option<String>,
}

impl Target {
    fn parse(text: &str, position: usize) -> Option<Target> {
        let (kind, rest) = text.split_once(':')?;
        let (record, pointer) = match rest.split_once('#') {
            Some((record, pointer)) => (record, Some(pointer.to_string())),
            None => (rest, None),
        };
        let record = (record != "*").then(|| record.to_string());
        Some(Target {
            text: text.to_string(),
            position,
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

/// Marks covered findings as accepted; adds EXC005 for exceptions in force that name a rule or
/// a record that does not exist, and EXC003 for those that cover none although everything they
/// name ran and was read. An EXC003 that this run cannot decide is noted in `coverage` as not
/// judged, so that the ledger keeps what an earlier run said of it.
pub fn apply(
    repository: &Repository,
    findings: &mut Vec<Finding>,
    today: Date,
    rules: &RuleSet,
    coverage: &mut Coverage,
) {
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
                finding.rule == exception.rule || finding.references.contains(&exception.rule);
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
        if !exception.in_force {
            continue;
        }
        let named = rules.named_by(&exception.rule);
        let missing = missing(repository, rules, coverage, exception, named.is_empty());
        let named_something_missing = !missing.is_empty();
        findings.extend(missing);
        if used || named_something_missing {
            continue;
        }
        let stale = stale(repository, exception);
        let rules_ran = named.iter().all(|id| coverage.rules_run.contains(*id));
        let targets_read = exception.targets.iter().all(|target| {
            target.record.as_deref().is_none_or(|id| {
                repository.resolve(&[target.kind.as_str()], id).is_some()
                    || !coverage.may_hold(&target.kind)
            })
        });
        if rules_ran && targets_read {
            findings.push(stale);
        } else {
            coverage.unjudged.insert(stale.fingerprint);
        }
    }
}

/// EXC003 for an exception in force that covers no finding of this run.
fn stale(repository: &Repository, exception: &Exception) -> Finding {
    let record = repository.record(exception.index);
    let span = record
        .node
        .get("targets")
        .map_or(record.node.span(), |node| node.span());
    let rule = &exception.rule;
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
        format!("accepts {rule} on {targets}, but no such finding exists in this run: remove it"),
        format!(
            "godtar {rule} för {targets}, men inget sådant fynd finns i den här körningen: ta bort det"
        ),
    );
    repository.finding(
        &builtin::EXC003.origin(),
        exception.index,
        "/targets",
        span,
        "",
        message,
    )
}

/// EXC005 for what an exception names that does not exist: its rule (`unknown_rule`), a kind, or
/// a target record. A target record that may be in a file this run could not read is not judged.
fn missing(
    repository: &Repository,
    rules: &RuleSet,
    coverage: &mut Coverage,
    exception: &Exception,
    unknown_rule: bool,
) -> Vec<Finding> {
    let record = repository.record(exception.index);
    let mut findings = Vec::new();
    if unknown_rule {
        let rule = &exception.rule;
        let (hint, hint_sv) = match suggestion(rule, &rules.known_ids()) {
            (hint, hint_sv) if !hint.is_empty() => (hint, hint_sv),
            _ => (
                "; `tillsyn rules list` shows the rules".to_string(),
                "; `tillsyn rules list` visar reglerna".to_string(),
            ),
        };
        let span = record
            .node
            .get("rule")
            .map_or(record.node.span(), |node| node.span());
        findings.push(repository.finding(
            &builtin::EXC005.origin(),
            exception.index,
            "/rule",
            span,
            "rule",
            Message::new(
                format!(
                    "accepts findings of `{rule}`, but no rule has that id and no rule cites it{hint}"
                ),
                format!(
                    "godtar fynd av `{rule}`, men ingen regel har det id:t och ingen regel hänvisar till det{hint_sv}"
                ),
            ),
        ));
    }
    let catalog_kinds = crate::schema::kind_names();
    for target in &exception.targets {
        let (text, kind) = (&target.text, &target.kind);
        let message = if !catalog_kinds.contains(&kind.as_str()) {
            let (hint, hint_sv) = suggestion(kind, &catalog_kinds);
            Message::new(
                format!("targets `{text}`, but `{kind}` is no kind{hint}"),
                format!("gäller `{text}`, men `{kind}` är ingen posttyp{hint_sv}"),
            )
        } else if let Some(wanted) = &target.record
            && repository.resolve(&[kind.as_str()], wanted).is_none()
        {
            let (hint, hint_sv) = suggestion(wanted, &repository.ids_of(kind));
            Message::new(
                format!("targets `{text}`, but no {kind} has the id `{wanted}`{hint}"),
                format!(
                    "gäller `{text}`, men ingen post av typen {kind} har id:t `{wanted}`{hint_sv}"
                ),
            )
        } else {
            continue;
        };
        let pointer = format!("/targets/{}", target.position);
        let span = record.node.pointer(&pointer).span();
        let finding = repository.finding(
            &builtin::EXC005.origin(),
            exception.index,
            &pointer,
            span,
            "target",
            message,
        );
        // A missing record may be in a register this run could not read.
        if target.record.is_some() && coverage.may_hold(kind) {
            coverage.unjudged.insert(finding.fingerprint);
        } else {
            findings.push(finding);
        }
    }
    findings
}

/// "; did you mean `x`?" and its Swedish, for the candidate nearest to `wrong`; empty for none.
fn suggestion(wrong: &str, candidates: &[&str]) -> (String, String) {
    match crate::suggest::nearest(wrong, candidates.iter().copied()) {
        Some(nearest) => (
            format!("; did you mean `{nearest}`?"),
            format!("; menade du `{nearest}`?"),
        ),
        None => (String::new(), String::new()),
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
                    .enumerate()
                    .filter_map(|(position, item)| Target::parse(item.as_str()?, position))
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
        let whole = Target::parse("information_asset:IA-1", 0).unwrap();
        assert_eq!(
            (
                whole.kind.as_str(),
                whole.record.as_deref(),
                whole.pointer.as_deref()
            ),
            ("information_asset", Some("IA-1"), None)
        );
        let field = Target::parse("system:SYS-1#/continuity", 1).unwrap();
        assert_eq!(field.pointer.as_deref(), Some("/continuity"));
        assert_eq!(Target::parse("system:*", 2).unwrap().record, None);
        assert!(Target::parse("no-colon", 3).is_none());
    }
}
