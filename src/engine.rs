//! Evaluation: every selected rule of the packs over the repository. A record is bound to `self`
//! by position and all of its kind's rules run on it, reading its fields straight from the parsed
//! tree; records are evaluated in parallel and the findings sorted afterwards, so output does not
//! depend on scheduling.
//!
//! Indexing here is by record and rule positions of the repository and rule set being evaluated,
//! never by data from outside.
#![allow(clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::finding::{Finding, Identity, Message, Origin};
use crate::progress::{Progress, Stage};
use crate::repository::Repository;
use crate::rules::code::{GROUP, ITEM, RECORDS, SELF};
use crate::rules::functions::World;
use crate::rules::interpreter::{Fault, Machine};
use crate::rules::value::Val;
use crate::rules::{Check, CompiledScope, Rule, RuleSet};
use crate::source::node::{Node, escape_pointer_token};

/// The findings of the packs' rules, and for every rule how many records (or groups) it judged:
/// those of its kinds for which its guards held. Auditors need both: what failed, and what passed.
pub struct Evaluation {
    pub findings: Vec<Finding>,
    pub evaluated: BTreeMap<String, usize>,
    /// The work the rules did (expression steps and index entries read): a count that grows
    /// linearly with the repository unless a rule or function is quadratic.
    pub work: u64,
    /// Whether the rules took more than their run's steps together and were stopped: the findings
    /// are then incomplete, and the run must not pass for a check.
    pub out_of_steps: bool,
}

/// `progress` is told of the records judged, chunk by chunk.
pub fn evaluate(
    repository: &Repository,
    rules: &RuleSet,
    today: Date,
    run_steps: u64,
    defective: &std::collections::HashMap<usize, Vec<String>>,
    progress: &dyn Progress,
) -> Evaluation {
    let world = World::new(repository, today, severities(rules));
    let params = rules.params_node();
    let selected: Vec<(usize, &Rule)> = rules
        .rules
        .iter()
        .enumerate()
        .filter(|(_, rule)| rules.is_selected(&rule.def.id))
        .collect();

    let mut record_checks: BTreeMap<&str, Vec<Judged>> = BTreeMap::new();
    let mut collective_checks: Vec<Judged> = Vec::new();
    for &(position, rule) in &selected {
        for check in &rule.checks {
            match check.scope {
                CompiledScope::Record => {
                    for kind in &check.kinds {
                        record_checks
                            .entry(kind.as_str())
                            .or_default()
                            .push((position, rule, check));
                    }
                }
                CompiledScope::Group(_) | CompiledScope::Kind => {
                    collective_checks.push((position, rule, check))
                }
            }
        }
    }
    let evaluated: Vec<AtomicUsize> = rules.rules.iter().map(|_| AtomicUsize::new(0)).collect();

    let work = AtomicU64::new(0);
    let out_of_steps = AtomicBool::new(false);
    let evaluator = Evaluator {
        repository,
        world: &world,
        params: &params,
        evaluated: &evaluated,
        work: &work,
        out_of_steps: &out_of_steps,
        run_steps,
        defective,
        lang: rules.lang,
    };
    let judged_records = record_checks
        .keys()
        .filter_map(|kind| world.by_kind.get(*kind));
    progress.start(Stage::Evaluate, judged_records.map(Vec::len).sum());
    let mut findings: Vec<Finding> = Vec::new();
    for (kind, checks) in &record_checks {
        let Some(records) = world.by_kind.get(*kind) else {
            continue;
        };
        // Chunks of records, several per thread, so that a slow chunk does not hold up the
        // rest. Their number does not depend on the threads: a machine keeps the loops over
        // shared lists it has computed, so a record's steps, and whether it meets its step
        // budget, depend on the records before it in its chunk. A fixed number, not a fixed
        // size, keeps those loops' work linear: each is computed once per chunk.
        let chunk = records
            .len()
            .div_ceil(EVALUATION_CHUNKS)
            .max(EVALUATION_CHUNKS);
        let kind_findings: Vec<Finding> = records
            .par_chunks(chunk)
            .flat_map_iter(|chunk| {
                let mut machine = evaluator.machine();
                // Counted per chunk and added once: two threads bumping shared counters per
                // record would fight over the same cache line.
                let mut judged = vec![0usize; evaluator.evaluated.len()];
                let mut counted = 0;
                let found = chunk
                    .iter()
                    .flat_map(|&index| {
                        evaluator.record(&mut machine, index, checks, &mut judged, &mut counted)
                    })
                    .collect::<Vec<_>>();
                for (counter, count) in evaluator.evaluated.iter().zip(judged) {
                    if count > 0 {
                        counter.fetch_add(count, Ordering::Relaxed);
                    }
                }
                evaluator
                    .work
                    .fetch_add(machine.steps - counted, Ordering::Relaxed);
                progress.advance(chunk.len());
                found
            })
            .collect();
        findings.extend(kind_findings);
    }
    let mut machine = evaluator.machine();
    let mut counted = 0;
    for (position, rule, check) in collective_checks {
        findings.extend(evaluator.collective(&mut machine, position, rule, check, &mut counted));
    }
    work.fetch_add(machine.steps - counted, Ordering::Relaxed);
    let evaluated = selected
        .iter()
        .map(|(position, rule)| {
            (
                rule.def.id.clone(),
                evaluated[*position].load(Ordering::Relaxed),
            )
        })
        .collect();
    Evaluation {
        findings,
        evaluated,
        work: work.load(Ordering::Relaxed),
        // Compared once more at the end: a last check that went past the budget is seen by no
        // later one, and the verdict must not depend on which thread ran last.
        out_of_steps: out_of_steps.load(Ordering::Relaxed)
            || work.load(Ordering::Relaxed) > run_steps,
    }
}

/// A check to run, with its rule and the rule's position in the rule set (for counting).
type Judged<'r> = (usize, &'r Rule, &'r Check);

/// The severity of every rule id and of every reference a rule cites (the highest of the rules
/// citing it), for `rule_severity()`.
fn severities(rules: &RuleSet) -> std::collections::HashMap<String, &'static str> {
    let mut severities: std::collections::HashMap<String, crate::finding::Severity> =
        std::collections::HashMap::new();
    let builtins = crate::builtin::ALL.iter().map(|rule| {
        (
            rule.id.to_string(),
            rules.severity_of(rule.id, rule.severity),
            Vec::new(),
        )
    });
    let packs = rules.rules.iter().map(|rule| {
        let worst = rule
            .checks
            .iter()
            .map(|check| check.severity)
            .max()
            .unwrap_or(rule.severity);
        (
            rule.def.id.clone(),
            rules.severity_of(&rule.def.id, worst),
            rule.def.references.clone(),
        )
    });
    for (id, severity, references) in builtins.chain(packs) {
        severities.insert(id, severity);
        for reference in references {
            let entry = severities.entry(reference).or_insert(severity);
            *entry = (*entry).max(severity);
        }
    }
    severities
        .into_iter()
        .map(|(key, severity)| (key, severity.as_str()))
        .collect()
}

struct Evaluator<'a> {
    repository: &'a Repository,
    world: &'a World<'a>,
    params: &'a Node,
    /// Per rule (by position in the rule set): records or groups judged.
    evaluated: &'a [AtomicUsize],
    work: &'a AtomicU64,
    /// Set when the rules have taken more than `run_steps` together: every thread then stops.
    out_of_steps: &'a AtomicBool,
    /// The steps the rules may take together (`[limits] rule_steps`).
    run_steps: u64,
    /// Per record with a schema defect: the fields on the way to each. A rule that fails for
    /// want of one of them fails on the defect the schema reported, so its "could not be
    /// evaluated" would be the same defect twice; any other failure is the rule's own.
    defective: &'a std::collections::HashMap<usize, Vec<String>>,
    /// The language messages are rendered in besides English.
    lang: crate::lang::Lang,
}

impl<'a> Evaluator<'a> {
    fn fails_on_reported_defect(&self, index: usize, error: &Fault) -> bool {
        match (self.defective.get(&index), error.missing_field()) {
            (Some(fields), Some(field)) => fields.iter().any(|name| name == field),
            _ => false,
        }
    }

    /// The evaluation state of one thread.
    fn machine(&self) -> Machine<'a> {
        Machine::new(self.world, Val::of_node(self.params))
    }

    /// Whether the run's rules have taken more than `run_steps`. A machine adds its steps to the
    /// shared count, and looks at it, only every [`STEPS_COUNTED_TOGETHER`] steps (`counted` is
    /// how far it has added): threads touching it for every check would fight over it.
    fn out_of_steps(&self, machine: &Machine<'a>, counted: &mut u64) -> bool {
        // Once the run is out of steps, every later check is skipped, not only the next.
        if self.out_of_steps.load(Ordering::Relaxed) {
            return true;
        }
        let pending = machine.steps - *counted;
        if pending < STEPS_COUNTED_TOGETHER {
            return false;
        }
        *counted = machine.steps;
        let out_of_steps =
            self.work.fetch_add(pending, Ordering::Relaxed) + pending > self.run_steps;
        if out_of_steps {
            self.out_of_steps.store(true, Ordering::Relaxed);
        }
        out_of_steps
    }

    fn record(
        &self,
        machine: &mut Machine<'a>,
        index: usize,
        checks: &[Judged<'a>],
        judged: &mut [usize],
        counted_steps: &mut u64,
    ) -> Vec<Finding> {
        machine.bind(SELF, Val::Record(index));
        let mut findings = Vec::new();
        let mut counted = usize::MAX;
        for &(position, rule, check) in checks {
            if self.out_of_steps(machine, counted_steps) {
                break;
            }
            let Some(each) = &check.each else {
                machine.allow(RECORD_STEPS);
                if self.judge(machine, index, rule, check, "", &mut findings) == Some(true)
                    && counted != position
                {
                    // A rule of several checks judges a record once.
                    counted = position;
                    judged[position] += 1;
                }
                continue;
            };
            // A check with `each` judges every item of the list, bound to `item`; a field
            // that is not a list has no items (the schema reports it).
            let items: &'a [Node] = match self
                .repository
                .record(index)
                .node
                .get(each)
                .map(|node| &node.value)
            {
                Some(crate::source::node::Value::Sequence(items)) => items,
                _ => &[],
            };
            for (number, item) in items.iter().enumerate() {
                // Each item has the budget of a record; a long list still counts to the run's.
                if number > 0 && self.out_of_steps(machine, counted_steps) {
                    break;
                }
                machine.allow(RECORD_STEPS);
                machine.bind(ITEM, Val::of_node(item));
                let prefix = format!("/{}/{number}", escape_pointer_token(each));
                if self.judge(machine, index, rule, check, &prefix, &mut findings) == Some(true)
                    && counted != position
                {
                    counted = position;
                    judged[position] += 1;
                }
            }
            machine.bind(ITEM, Val::Null);
        }
        findings
    }

    /// One check on the record bound to `self` (and the item bound to `item`, whose pointer is
    /// `prefix`): `Some(true)` when its guards held and it judged, `Some(false)` when they did
    /// not, `None` when they could not be evaluated.
    fn judge(
        &self,
        machine: &mut Machine<'a>,
        index: usize,
        rule: &'a Rule,
        check: &'a Check,
        prefix: &str,
        findings: &mut Vec<Finding>,
    ) -> Option<bool> {
        match guards(check, machine) {
            Ok(true) => {}
            Ok(false) => return Some(false),
            Err(error) => {
                if !self.fails_on_reported_defect(index, &error) {
                    findings.push(self.error_finding(rule, check, index, prefix, "when", &error));
                }
                return None;
            }
        }
        match machine.truth(&check.assert.code) {
            Ok(true) => {}
            Ok(false) => {
                let message = Message {
                    en: check.message.render(machine),
                    sv: self.localized_message(check, machine),
                };
                findings.push(self.record_finding(rule, check, index, prefix, message, ""));
            }
            Err(error) => {
                if !self.fails_on_reported_defect(index, &error) {
                    findings.push(self.error_finding(rule, check, index, prefix, "assert", &error));
                }
            }
        }
        Some(true)
    }

    /// The message in the run's other language, rendered only when one is asked for.
    fn localized_message(&self, check: &'a Check, machine: &mut Machine<'a>) -> Option<String> {
        match self.lang {
            crate::lang::Lang::En => None,
            crate::lang::Lang::Sv => check.message_sv.as_ref().map(|sv| {
                machine.null_word = "inget";
                let text = sv.render(machine);
                machine.null_word = "none";
                text
            }),
        }
    }

    fn origin<'r>(rule: &'r Rule, check: &Check) -> Origin<'r> {
        Origin {
            id: &rule.def.id,
            severity: check.severity,
            title: &rule.def.title,
            remediation: &rule.def.remediation,
            references: rule.def.references.clone(),
        }
    }

    /// `prefix` is the pointer of the item a check with `each` judged (empty for the record):
    /// the check's `field` is a path inside it.
    fn record_finding(
        &self,
        rule: &Rule,
        check: &Check,
        index: usize,
        prefix: &str,
        message: Message,
        detail: &str,
    ) -> Finding {
        let pointer = check
            .field
            .as_deref()
            .map(|field| {
                field
                    .split('.')
                    .map(|part| format!("/{}", escape_pointer_token(part)))
                    .collect::<String>()
            })
            .unwrap_or_default();
        let pointer = format!("{prefix}{pointer}");
        // A field that is absent is reported at the nearest table that exists: its record.
        let span = self.repository.span_at(index, &pointer);
        // Checks of one rule at different severities are different findings. A check with
        // `each` points into an item, never where a record check points: adding one to a rule
        // leaves the identities of the rule's record findings as they were.
        let several = check.each.is_some()
            || rule
                .checks
                .iter()
                .filter(|other| other.each.is_none())
                .count()
                > 1;
        let detail = if several {
            format!("{}{detail}", check.severity)
        } else {
            detail.to_string()
        };
        self.repository.finding(
            &Self::origin(rule, check),
            index,
            &pointer,
            span,
            &detail,
            message,
        )
    }

    fn error_finding(
        &self,
        rule: &Rule,
        check: &Check,
        index: usize,
        prefix: &str,
        part: &str,
        error: &Fault,
    ) -> Finding {
        // A function's own words stay English, after a Swedish lead-in.
        let (fault, fault_sv) = (error.explain(), error.explain_sv());
        let message = Message::new(
            format!("the rule could not be evaluated on this record: {fault} (in `{part}`)"),
            format!("regeln kunde inte utvärderas för den här posten: {fault_sv} (i `{part}`)"),
        );
        self.record_finding(rule, check, index, prefix, message, "evaluation")
    }

    /// A group or kind rule: once per group of records, or once for all of them.
    fn collective(
        &self,
        machine: &mut Machine<'a>,
        position: usize,
        rule: &'a Rule,
        check: &'a Check,
        counted_steps: &mut u64,
    ) -> Vec<Finding> {
        let mut members: Vec<usize> = check
            .kinds
            .iter()
            .flat_map(|kind| {
                self.world
                    .by_kind
                    .get(kind.as_str())
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        members.sort_unstable();
        if members.is_empty() {
            return Vec::new();
        }
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut findings = Vec::new();
        match &check.scope {
            CompiledScope::Group(group_by) => {
                for &index in &members {
                    if self.out_of_steps(machine, counted_steps) {
                        return findings;
                    }
                    machine.bind(SELF, Val::Record(index));
                    machine.allow(RECORD_STEPS);
                    match machine.eval(&group_by.code) {
                        Ok(Val::Null) => {}
                        Ok(key) => groups.entry(machine.display(&key)).or_default().push(index),
                        Err(error) => findings
                            .push(self.error_finding(rule, check, index, "", "group_by", &error)),
                    }
                }
            }
            _ => {
                groups.insert(String::new(), members);
            }
        }
        machine.bind(SELF, Val::Null);
        for (key, indexes) in groups {
            if self.out_of_steps(machine, counted_steps) {
                break;
            }
            let first = indexes[0];
            machine.bind(GROUP, Val::text(key.clone()));
            machine.allow(RECORD_STEPS.saturating_add(STEPS_PER_MEMBER * indexes.len() as u64));
            machine.bind(RECORDS, Val::records(indexes));
            let outcome = guards(check, machine).and_then(|applies| {
                if applies {
                    self.evaluated[position].fetch_add(1, Ordering::Relaxed);
                    machine.truth(&check.assert.code)
                } else {
                    Ok(true)
                }
            });
            let message = match outcome {
                Ok(true) => continue,
                Ok(false) => Message {
                    en: check.message.render(machine),
                    sv: self.localized_message(check, machine),
                },
                Err(error) => Message::new(
                    format!("the rule could not be evaluated: {}", error.explain()),
                    format!("regeln kunde inte utvärderas: {}", error.explain_sv()),
                ),
            };
            findings.push(self.group_finding(rule, check, first, &key, message));
        }
        findings
    }

    fn group_finding(
        &self,
        rule: &Rule,
        check: &Check,
        first: usize,
        key: &str,
        message: Message,
    ) -> Finding {
        let record = self.repository.record(first);
        let mut finding = self.repository.finding(
            &Self::origin(rule, check),
            first,
            "",
            record.node.span(),
            "",
            message,
        );
        finding.record = None;
        let group = if key.is_empty() {
            "all".to_string()
        } else {
            format!("group:{key}")
        };
        finding.fingerprint = Identity {
            rule: &rule.def.id,
            kind: record.kind,
            record: &group,
            pointer: "",
            detail: check.severity.as_str(),
        }
        .fingerprint();
        finding
    }
}

/// The steps one check may take on one record (guards, assertion and message together). The
/// default pack's costliest check takes a few thousand on a large city; a rule that walks a
/// hundred thousand referrers fits many times over.
const RECORD_STEPS: u64 = crate::rules::expr::MOST_KNOWN_STEPS;

/// The steps all the rules of one run may take together unless `[limits] rule_steps` says
/// otherwise: 4 to 6 s on two cores. The default pack takes about 180 per record, so this is
/// more than two million records' worth; rules
/// that would take more (a tree's own pack that stays just under the budget of every record)
/// stop the run, rather than hold CI until its time limit.
pub const RUN_STEPS: u64 = 500_000_000;

/// The most `[limits] rule_steps` may allow, whatever a tree's configuration says: about 20 s.
pub const MOST_RUN_STEPS: u64 = 2_000_000_000;

/// The chunks a kind's records are evaluated in, once it has more than their square.
const EVALUATION_CHUNKS: usize = 32;

/// How many steps a machine takes before it adds them to the run's shared count: with two
/// threads per core and [`RECORD_STEPS`] per check, the run stops within a few per cent of
/// its budget.
const STEPS_COUNTED_TOGETHER: u64 = 1_000_000;

/// The further steps a group or kind check may take per record it is given.
const STEPS_PER_MEMBER: u64 = 1_000;

/// Whether every guard of a check holds (evaluated in order, stopping at the first false).
fn guards<'a>(check: &'a Check, machine: &mut Machine<'a>) -> Result<bool, Fault> {
    for when in &check.when {
        if !machine.truth(&when.code)? {
            return Ok(false);
        }
    }
    Ok(true)
}
