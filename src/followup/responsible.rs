//! Who must act on a finding: the accountable role of its record (DOMAIN.md, "Derived values":
//! owner, system_owner, document_owner, dpo, … in that order of what the kind has), resolved
//! through the role assignment to its holder and scope unit; else the information-security
//! coordinator of the record's unit; else the unit itself. A finding on a whole file (one that
//! does not parse, a cap), or on a record that belongs to no unit (a supplier, a dataset), is the
//! repository's maintainer's: `[followup] maintainer`, else the information-security coordinator
//! nearest the top unit — never the council as a body. The basis says which was used.

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
    "processor_unit",
    "scope_unit",
    "decided_by",
    "responsible_unit",
];

pub struct Resolver<'a> {
    repository: &'a Repository,
    /// Who answers for findings on a whole file.
    maintainer: Option<Responsible>,
    /// Per org unit: the first role assignment in force (in record order) of an
    /// information-security coordinator scoped to it. Found once: scanning a unit's referrers per
    /// finding would read every record of the unit for every finding.
    coordinators: HashMap<usize, usize>,
    /// The unit without a parent (the council), the first by id: whose coordinator answers for
    /// findings that belong to no record. Found once, not per finding.
    top_unit: Option<usize>,
}

/// `[followup] maintainer` names no role assignment or person (exit 2).
#[derive(Debug, thiserror::Error)]
#[error(
    "{location}: `[followup] maintainer` names `{id}`, which is no role assignment or person in this repository{hint}\n  help: name the role assignment (or person) that answers for the repository's files, e.g. its information-security coordinator"
)]
pub struct MaintainerError {
    pub location: String,
    pub id: String,
    pub hint: String,
}

/// The repository's maintainer as `tillsyn.toml` names it: an id and where it is written.
#[derive(Clone, Copy, Debug)]
pub struct Maintainer<'c> {
    pub id: &'c str,
    /// `tillsyn.toml:12:14`.
    pub location: &'c str,
}

impl<'a> Resolver<'a> {
    pub fn new(
        repository: &'a Repository,
        today: Date,
        maintainer: Option<Maintainer<'_>>,
    ) -> Result<Self, MaintainerError> {
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
        let mut resolver = Resolver {
            repository,
            maintainer: None,
            coordinators,
            top_unit,
        };
        resolver.maintainer = match maintainer {
            Some(named) => Some(resolver.named_maintainer(named)?),
            None => resolver.top_coordinator(),
        };
        Ok(resolver)
    }

    /// The maintainer `tillsyn.toml` names: a role assignment, or a person.
    fn named_maintainer(&self, named: Maintainer<'_>) -> Result<Responsible, MaintainerError> {
        if let Some(assignment) = self.repository.resolve(&["role_assignment"], named.id) {
            return Ok(self.holder(assignment, "maintainer"));
        }
        if let Some(person) = self.repository.resolve(&["person"], named.id) {
            let record = self.repository.record(person);
            return Ok(Responsible {
                assignment: None,
                basis: "maintainer".to_string(),
                holder: record.get_str("name").unwrap_or(named.id).to_string(),
                person: Some(named.id.to_string()),
                email: record.get_str("email").map(str::to_string),
                unit: record.get_str("unit").map(str::to_string),
            });
        }
        let known: Vec<&str> = self
            .repository
            .ids_of("role_assignment")
            .into_iter()
            .chain(self.repository.ids_of("person"))
            .collect();
        Err(MaintainerError {
            location: named.location.to_string(),
            id: named.id.to_string(),
            hint: crate::suggest::did_you_mean(named.id, known)
                .map(|hint| format!("; {hint}"))
                .unwrap_or_default(),
        })
    }

    /// The information-security coordinator nearest the top unit: scoped to it, else to a unit
    /// directly below it (the executive board first, then by id).
    fn top_coordinator(&self) -> Option<Responsible> {
        let top = self.top_unit?;
        let mut below: Vec<usize> = self
            .repository
            .referrer_entries(top)
            .iter()
            .filter(|referrer| {
                self.repository
                    .referring_field(referrer)
                    .is_some_and(|field| field.name == "parent")
            })
            .map(|referrer| referrer.from())
            .filter(|unit| self.repository.record(*unit).kind == "org_unit")
            .collect();
        below.sort_by_key(|unit| {
            let record = self.repository.record(*unit);
            (
                record.get_str("unit_type") != Some("executive_board"),
                record.id().map(str::to_string),
            )
        });
        below.dedup();
        std::iter::once(top)
            .chain(below)
            .find_map(|unit| self.coordinators.get(&unit).copied())
            .map(|assignment| self.holder(assignment, "maintainer"))
    }

    /// Who answers for findings on a whole file: the repository's maintainer.
    pub fn maintainer(&self) -> Option<&Responsible> {
        self.maintainer.as_ref()
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
            return match (kind, id) {
                // A finding on a whole file.
                (None, _) => self.maintainer.clone(),
                // A record of an unknown kind or without an id: the organisation's.
                _ => self.top_unit.and_then(|unit| self.fallback(unit)),
            };
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
        match unit {
            Some(unit) => self.fallback(unit),
            // A record of a kind that belongs to no unit (a supplier, a role, a dataset) is the
            // organisation's: its maintainer's, as a whole file is, rather than the council's.
            None => self
                .maintainer
                .clone()
                .or_else(|| self.top_unit.and_then(|unit| self.fallback(unit))),
        }
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
            person: None,
            email: None,
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
        let person = record
            .get_str("holder_person")
            .and_then(|id| self.repository.resolve(&["person"], id));
        let holder = name_of("person", "holder_person")
            .or_else(|| name_of("org_unit", "holder_unit"))
            .or_else(|| record.get_str("holder_title").map(str::to_string))
            .unwrap_or_else(|| record.id().map(str::to_string).unwrap_or_default());
        let person_record = person.map(|index| self.repository.record(index));
        Responsible {
            assignment: record.id().map(str::to_string),
            holder,
            person: person_record.and_then(|person| person.id().map(str::to_string)),
            email: person_record
                .and_then(|person| person.get_str("email"))
                .map(str::to_string),
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

/// Every name `followup --owner` may be given: person ids and names, role assignment ids, and
/// the names of units (which hold roles too), sorted and each once.
pub fn owner_names(repository: &Repository) -> Vec<String> {
    let mut names: Vec<String> = repository
        .records
        .iter()
        .filter(|record| matches!(record.kind, "person" | "role_assignment" | "org_unit"))
        .flat_map(|record| {
            let name = match record.kind {
                "role_assignment" => record.get_str("holder_title"),
                _ => record.get_str("name"),
            };
            [record.id(), name].into_iter().flatten()
        })
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}
