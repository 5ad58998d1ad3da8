//! Who must act on a finding: the accountable role of its record (DOMAIN.md, "Derived values":
//! owner, system_owner, document_owner, dpo, … in that order of what the kind has), resolved
//! through the role assignment to its holder and scope unit; else the information-security
//! coordinator of the record's unit; else the unit itself. The basis says which was used.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::finding::Responsible;
use crate::repository::{Record, Repository};

/// The fields that name a record's accountable role, in order of precedence.
const ACCOUNTABLE_FIELDS: &[&str] = &[
    "owner",
    "system_owner",
    "document_owner",
    "dpo",
    "approved_by",
    "requested_by",
];

/// The fields that name a record's unit, for the fallbacks.
const UNIT_FIELDS: &[&str] = &[
    "unit",
    "controller_unit",
    "scope_unit",
    "decided_by",
    "responsible_unit",
];

pub struct Resolver<'a> {
    repository: &'a Repository,
    /// Per org unit: the first role assignment in force (in record order) of an
    /// information-security coordinator scoped to it. Found once: scanning a unit's referrers per
    /// finding would read every record of the unit for every finding.
    coordinators: HashMap<usize, usize>,
    /// The unit without a parent (the council), the first by id: whose coordinator answers for
    /// findings that belong to no record. Found once, not per finding.
    top_unit: Option<usize>,
}

impl<'a> Resolver<'a> {
    pub fn new(repository: &'a Repository, today: Date) -> Self {
        let mut coordinators = HashMap::new();
        for reference in &repository.references {
            let Some(unit) = reference.resolved() else {
                continue;
            };
            if reference.field() != "scope_unit" || coordinators.contains_key(&unit) {
                continue;
            }
            let assignment = repository.record(reference.from());
            let is_coordinator = assignment
                .get_str("role")
                .and_then(|id| repository.resolve(&["role"], id))
                .is_some_and(|role| {
                    repository.record(role).get_str("function") == Some("infosec_coordinator")
                });
            if assignment.kind == "role_assignment" && is_coordinator && assignment.in_force(today)
            {
                coordinators.insert(unit, reference.from());
            }
        }
        let top_unit = repository
            .records
            .iter()
            .enumerate()
            .filter(|(_, record)| {
                record.kind == "org_unit"
                    && record.get_str("parent").is_none()
                    && record.id().is_some()
            })
            .min_by(|a, b| a.1.id().cmp(&b.1.id()))
            .map(|(index, _)| index);
        Resolver {
            repository,
            coordinators,
            top_unit,
        }
    }

    /// The responsible for a finding on a record (`None` for a record of no known kind or id),
    /// or, for a finding on a whole file, the coordinator of the top unit.
    pub fn for_record(&self, kind: Option<&str>, id: Option<&str>) -> Option<Responsible> {
        let record = match (kind, id) {
            (Some(kind), Some(id)) => self
                .repository
                .resolve(&[kind], id)
                .map(|index| self.repository.record(index)),
            _ => None,
        };
        let Some(record) = record else {
            return self.top_unit.and_then(|unit| self.fallback(unit));
        };
        for field in ACCOUNTABLE_FIELDS {
            if let Some(id) = record.get_str(field)
                && let Some(assignment) = self.repository.resolve(&["role_assignment"], id)
            {
                return Some(self.holder(assignment, field));
            }
        }
        let unit = if record.kind == "org_unit" {
            record.id().and_then(|id| self.unit_index(id))
        } else {
            self.unit_of(record)
        };
        // A record of a kind that belongs to no unit (a supplier, a role, a dataset) is the
        // organisation's: the top unit's.
        unit.or(self.top_unit).and_then(|unit| self.fallback(unit))
    }

    fn fallback(&self, unit: usize) -> Option<Responsible> {
        if let Some(coordinator) = self.coordinator(unit) {
            return Some(self.holder(coordinator, "infosec_coordinator"));
        }
        let record = self.repository.record(unit);
        Some(Responsible {
            assignment: None,
            holder: record
                .get_str("name")
                .or(record.id())
                .unwrap_or_default()
                .to_string(),
            unit: record.id().map(str::to_string),
            basis: "unit".to_string(),
        })
    }

    fn unit_index(&self, id: &str) -> Option<usize> {
        self.repository.resolve(&["org_unit"], id)
    }

    fn unit_of(&self, record: &Record) -> Option<usize> {
        UNIT_FIELDS
            .iter()
            .find_map(|field| record.get_str(field).and_then(|id| self.unit_index(id)))
    }

    /// The unit and its ancestors through `parent`, nearest first, stopping at a cycle.
    pub fn lineage(&self, unit: usize) -> Vec<usize> {
        let mut chain = vec![unit];
        let mut current = unit;
        while let Some(parent) = self
            .repository
            .record(current)
            .get_str("parent")
            .and_then(|id| self.unit_index(id))
        {
            if chain.contains(&parent) {
                break;
            }
            chain.push(parent);
            current = parent;
        }
        chain
    }

    /// An assignment in force of a role of function `infosec_coordinator` scoped to the unit or
    /// its nearest ancestor that has one.
    fn coordinator(&self, unit: usize) -> Option<usize> {
        self.lineage(unit)
            .into_iter()
            .find_map(|scope| self.coordinators.get(&scope).copied())
    }

    fn holder(&self, assignment: usize, basis: &str) -> Responsible {
        let record = self.repository.record(assignment);
        let name_of = |kind: &str, field: &str| {
            record.get_str(field).map(|id| {
                self.repository
                    .resolve(&[kind], id)
                    .and_then(|index| {
                        self.repository
                            .record(index)
                            .get_str("name")
                            .map(str::to_string)
                    })
                    .unwrap_or_else(|| id.to_string())
            })
        };
        let holder = name_of("person", "holder_person")
            .or_else(|| name_of("org_unit", "holder_unit"))
            .or_else(|| record.get_str("holder_title").map(str::to_string))
            .unwrap_or_else(|| record.id().map(str::to_string).unwrap_or_default());
        Responsible {
            assignment: record.id().map(str::to_string),
            holder,
            unit: record.get_str("scope_unit").map(str::to_string),
            basis: basis.to_string(),
        }
    }

    /// Whom an overdue finding of a responsible unit escalates to: the unit's governing body,
    /// else its parent.
    pub fn escalation_target(&self, unit: &str) -> Option<String> {
        let record = self.repository.record(self.unit_index(unit)?);
        record
            .get_str("governing_body")
            .or_else(|| record.get_str("parent"))
            .map(str::to_string)
    }
}
