//! Records by id: the index that resolves every reference and every `ref()` of a rule.
//!
//! A repository of a million records has a million ids, and references and rules look them up
//! millions of times. The table keeps each distinct id's bytes together in one string and the
//! kind of its first record beside it, so that a lookup reads the table and that string and not
//! the record, whose id lies several pointers deep in its tree. Ids are looked up by kind (a
//! reference names the kinds it may point at) and by id alone (`ref(id)`), which must know
//! whether records of several kinds share the id.

use foldhash::fast::FixedState;
use hashbrown::HashTable;
use rayon::prelude::*;
use std::hash::BuildHasher;

use super::Record;

/// No further record (the end of a chain).
const NONE: usize = usize::MAX;

/// One distinct id.
#[derive(Clone, Copy)]
struct Slot {
    /// The first record with the id, in repository order, and its kind.
    first: usize,
    kind: &'static str,
    /// The id: `ids[start..start + len]`.
    start: usize,
    len: u32,
    /// Whether another record (of any kind) has the same id.
    shared: bool,
}

/// The first record of every kind with a given id, chained from the slot of the id. A chain holds
/// at most one record per kind, so following it is bounded by the number of kinds, whatever the
/// repository holds.
pub struct IdIndex {
    table: HashTable<Slot>,
    /// Every distinct id, one after the other.
    ids: String,
    /// Per record: the first record of the next kind with the same id, or `NONE`.
    next_kind: Vec<usize>,
    hasher: FixedState,
}

/// A record that has the same id as an earlier record of its own kind.
pub struct Duplicate {
    pub record: usize,
    /// The earlier record, the one lookups find.
    pub first: usize,
}

impl IdIndex {
    /// Indexes the records' ids, in repository order. Records of the same kind that share an id
    /// are returned as duplicates: lookups find the first.
    pub fn build(records: &[Record]) -> (IdIndex, Vec<Duplicate>) {
        let hasher = FixedState::default();
        // Hashing is most of the cost and needs no shared state, so it runs in parallel.
        let hashes: Vec<u64> = records
            .par_iter()
            .map(|record| record.id().map_or(0, |id| hasher.hash_one(id)))
            .collect();
        let mut table: HashTable<Slot> = HashTable::with_capacity(records.len());
        let mut ids = String::new();
        let mut next_kind = vec![NONE; records.len()];
        let mut duplicates = Vec::new();
        let kind_of = |index: usize| records.get(index).map(|record| record.kind);
        for (index, (record, hash)) in records.iter().zip(&hashes).enumerate() {
            let Some(id) = record.id() else {
                continue;
            };
            let found = table.find_mut(*hash, |slot| slot_id(&ids, slot) == id);
            let Some(slot) = found else {
                // An id longer than 4 GiB cannot be in a file tillsyn reads.
                let Ok(len) = u32::try_from(id.len()) else {
                    continue;
                };
                let start = ids.len();
                ids.push_str(id);
                table.insert_unique(
                    *hash,
                    Slot {
                        first: index,
                        kind: record.kind,
                        start,
                        len,
                        shared: false,
                    },
                    |slot| hasher.hash_one(slot_id(&ids, slot)),
                );
                continue;
            };
            slot.shared = true;
            // Walk the chain of first records per kind; append this record if its kind is new.
            let mut current = slot.first;
            loop {
                if kind_of(current) == Some(record.kind) {
                    duplicates.push(Duplicate {
                        record: index,
                        first: current,
                    });
                    break;
                }
                match next_kind.get(current).copied() {
                    Some(next) if next != NONE => current = next,
                    _ => {
                        if let Some(link) = next_kind.get_mut(current) {
                            *link = index;
                        }
                        break;
                    }
                }
            }
        }
        (
            IdIndex {
                table,
                ids,
                next_kind,
                hasher,
            },
            duplicates,
        )
    }

    /// The first record with this id of the first of `kinds` that has one. `records` must be
    /// the list the index was built from.
    pub fn resolve(&self, records: &[Record], kinds: &[&str], id: &str) -> Option<usize> {
        let slot = self.slot(id)?;
        kinds.iter().find_map(|kind| {
            if slot.kind == *kind {
                return Some(slot.first);
            }
            let mut current = slot.first;
            loop {
                if records.get(current).map(|record| record.kind) == Some(*kind) {
                    return Some(current);
                }
                match self.next_kind.get(current).copied() {
                    Some(next) if next != NONE => current = next,
                    _ => return None,
                }
            }
        })
    }

    /// The first record with this id, of any kind, and whether other records have it too.
    pub fn any_kind(&self, id: &str) -> Option<(usize, bool)> {
        self.slot(id).map(|slot| (slot.first, slot.shared))
    }

    fn slot(&self, id: &str) -> Option<&Slot> {
        let hash = self.hasher.hash_one(id);
        self.table.find(hash, |slot| slot_id(&self.ids, slot) == id)
    }
}

fn slot_id<'i>(ids: &'i str, slot: &Slot) -> &'i str {
    ids.get(slot.start..slot.start + slot.len as usize)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::node::{Entry, Node, Value};
    use crate::source::span::Span;

    fn record(kind: &'static str, id: &str) -> Record {
        let node = Node::new(
            Value::Map(
                vec![Entry::new(
                    "id".into(),
                    Span::default(),
                    Node::new(Value::String(id.into()), Span::default()),
                )]
                .into(),
            ),
            Span::default(),
        );
        Record {
            kind,

            file: 0,
            place: crate::repository::Place::Whole,
            node,
        }
    }

    #[test]
    fn ids_resolve_by_kind_in_the_order_given_and_the_first_of_a_kind_wins() {
        let records = vec![
            record("system", "x"),
            record("role", "x"),
            record("system", "x"),
            record("role", "y"),
        ];
        let (index, duplicates) = IdIndex::build(&records);
        assert_eq!(index.resolve(&records, &["role"], "x"), Some(1));
        assert_eq!(index.resolve(&records, &["system", "role"], "x"), Some(0));
        assert_eq!(index.resolve(&records, &["org_unit", "role"], "x"), Some(1));
        assert_eq!(index.resolve(&records, &["org_unit"], "x"), None);
        assert_eq!(index.resolve(&records, &["role"], "z"), None);
        assert_eq!(index.any_kind("x"), Some((0, true)));
        assert_eq!(index.any_kind("y"), Some((3, false)));
        let found: Vec<(usize, usize)> = duplicates
            .iter()
            .map(|duplicate| (duplicate.record, duplicate.first))
            .collect();
        assert_eq!(found, [(2, 0)]);
    }

    #[test]
    fn a_chain_holds_one_record_per_kind_however_many_share_the_id() {
        let mut records: Vec<Record> = (0..1000).map(|_| record("system", "x")).collect();
        records.push(record("role", "x"));
        records.push(record("role", "x"));
        let (index, duplicates) = IdIndex::build(&records);
        // Duplicates are not chained, so the role is one step from the first system.
        assert_eq!(index.next_kind[0], 1000);
        assert!(index.next_kind[1..1000].iter().all(|&next| next == NONE));
        assert_eq!(duplicates.len(), 1000);
        assert_eq!(duplicates.last().map(|d| d.first), Some(1000));
        assert_eq!(index.resolve(&records, &["role"], "x"), Some(1000));
    }
}
