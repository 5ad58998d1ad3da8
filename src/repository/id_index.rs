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
const NONE: u32 = u32::MAX;

/// One distinct id. The table of a million ids has two million slots, so a slot is packed into
/// 16 bytes: record positions are 32-bit (as in references), the id's place in `ids` 40-bit.
#[derive(Clone, Copy)]
struct Slot {
    /// The first record with the id, in repository order.
    first: u32,
    /// The id: `len` bytes of `ids` from `start_low + 2^32 * start_high`.
    start_low: u32,
    len: u32,
    /// The first record's kind: `IdIndex::kinds[kind]`.
    kind: u16,
    start_high: u8,
    /// Whether another record (of any kind) has the same id.
    shared: bool,
}

impl Slot {
    fn start(&self) -> usize {
        self.start_low as usize | (usize::from(self.start_high) << 32)
    }
}

/// The first record of every kind with a given id, chained from the slot of the id. A chain holds
/// at most one record per kind, so following it is bounded by the number of kinds, whatever the
/// repository holds.
pub struct IdIndex {
    table: HashTable<Slot>,
    /// Every distinct id, one after the other.
    ids: String,
    /// Per record: the first record of the next kind with the same id, or `NONE`.
    next_kind: Vec<u32>,
    /// The kinds of the slots' first records.
    kinds: Vec<&'static str>,
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
        // Sized once for every id, duplicates included, rather than doubled as it fills.
        let id_bytes = records
            .par_iter()
            .map(|record| record.id().map_or(0, str::len))
            .sum();
        let mut table: HashTable<Slot> = HashTable::with_capacity(records.len());
        let mut ids = String::with_capacity(id_bytes);
        let mut kinds: Vec<&'static str> = Vec::new();
        let mut next_kind = vec![NONE; records.len()];
        let mut duplicates = Vec::new();
        let kind_of = |index: u32| records.get(index as usize).map(|record| record.kind);
        for (index, (record, hash)) in records.iter().zip(&hashes).enumerate() {
            // Records past 2^32 cannot be referred to (references are 32-bit too).
            let (Some(id), Ok(index)) = (record.id(), u32::try_from(index)) else {
                continue;
            };
            let found = table.find_mut(*hash, |slot| slot_id(&ids, slot) == id);
            let Some(slot) = found else {
                let kind = match kinds.iter().position(|kind| *kind == record.kind) {
                    Some(known) => known,
                    None => {
                        kinds.push(record.kind);
                        kinds.len() - 1
                    }
                };
                // An id longer than 4 GiB cannot be in a file tillsyn reads, nor can there be
                // 65,536 kinds or a terabyte of ids.
                let start = ids.len();
                let (Ok(len), Ok(kind), Ok(start_high)) = (
                    u32::try_from(id.len()),
                    u16::try_from(kind),
                    u8::try_from(start >> 32),
                ) else {
                    continue;
                };
                ids.push_str(id);
                table.insert_unique(
                    *hash,
                    Slot {
                        first: index,
                        start_low: start as u32,
                        len,
                        kind,
                        start_high,
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
                        record: index as usize,
                        first: current as usize,
                    });
                    break;
                }
                match next_kind.get(current as usize).copied() {
                    Some(next) if next != NONE => current = next,
                    _ => {
                        if let Some(link) = next_kind.get_mut(current as usize) {
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
                kinds,
                hasher,
            },
            duplicates,
        )
    }

    /// The first record with this id of the first of `kinds` that has one. `records` must be
    /// the list the index was built from.
    pub fn resolve(&self, records: &[Record], kinds: &[&str], id: &str) -> Option<usize> {
        let slot = self.slot(id)?;
        let slot_kind = self.kinds.get(usize::from(slot.kind)).copied();
        kinds.iter().find_map(|kind| {
            if slot_kind == Some(*kind) {
                return Some(slot.first as usize);
            }
            let mut current = slot.first;
            loop {
                if records.get(current as usize).map(|record| record.kind) == Some(*kind) {
                    return Some(current as usize);
                }
                match self.next_kind.get(current as usize).copied() {
                    Some(next) if next != NONE => current = next,
                    _ => return None,
                }
            }
        })
    }

    /// The first record with this id, of any kind, and whether other records have it too.
    pub fn any_kind(&self, id: &str) -> Option<(usize, bool)> {
        self.slot(id).map(|slot| (slot.first as usize, slot.shared))
    }

    fn slot(&self, id: &str) -> Option<&Slot> {
        let hash = self.hasher.hash_one(id);
        self.table.find(hash, |slot| slot_id(&self.ids, slot) == id)
    }
}

fn slot_id<'i>(ids: &'i str, slot: &Slot) -> &'i str {
    ids.get(slot.start()..slot.start() + slot.len as usize)
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
