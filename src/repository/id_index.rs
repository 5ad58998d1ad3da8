//! Records by id: the index that resolves every reference and every `ref()` of a rule.
//!
//! A repository of a million records has a million ids, and references and rules look them up
//! millions of times. Each kind has its own table, with its ids' bytes together in one string,
//! so that a lookup reads a table and a string as small as the kind and not the record, whose id
//! lies several pointers deep in its tree. That matters because references point mostly at the
//! small kinds (roles, assignments, units, systems): their tables stay in the cache while a
//! million information assets are checked, where one table of every id missed it on nearly every
//! look-up. Ids are looked up by kind (a reference names the kinds it may point at) and by id
//! alone (`ref(id)`), which must know whether several records share the id.

use foldhash::fast::RandomState;
use hashbrown::HashTable;
use rayon::prelude::*;
use std::hash::BuildHasher;

use super::Record;

/// One distinct id of a kind, packed into 16 bytes: a kind may have a million ids.
#[derive(Clone, Copy)]
struct Slot {
    /// The first record of the kind with the id, in repository order.
    first: u32,
    /// The id: `len` bytes of the kind's `ids` from `start_low + 2^32 * start_high`.
    start_low: u32,
    len: u32,
    start_high: u16,
    /// Whether a later record of the kind has the same id.
    duplicated: bool,
}

impl Slot {
    fn start(&self) -> usize {
        self.start_low as usize | (usize::from(self.start_high) << 32)
    }
}

/// The ids of one kind.
struct KindTable {
    kind: &'static str,
    table: HashTable<Slot>,
    /// Every distinct id of the kind, one after the other.
    ids: String,
}

impl KindTable {
    fn find(&self, hash: u64, id: &str) -> Option<&Slot> {
        self.table.find(hash, |slot| slot_id(&self.ids, slot) == id)
    }
}

/// The tables of every kind, in the order their kinds first occur in the repository.
pub struct IdIndex {
    kinds: Vec<KindTable>,
    /// Seeded per process: ids come from the checked tree, and ids made to collide under a
    /// fixed seed would turn every look-up into a scan. Only look-ups use the hashes, so the
    /// seed never changes an output.
    hasher: RandomState,
}

/// A record that has the same id as an earlier record of its own kind.
pub struct Duplicate {
    pub record: usize,
    /// The earlier record, the one lookups find.
    pub first: usize,
}

impl IdIndex {
    /// Indexes the records' ids. Records of the same kind that share an id are returned as
    /// duplicates, in repository order: lookups find the first.
    pub fn build(records: &[Record]) -> (IdIndex, Vec<Duplicate>) {
        let hasher = RandomState::default();
        // Records past 2^32 cannot be referred to (references are 32-bit too).
        let records = &records[..records.len().min(u32::MAX as usize)];
        let mut kinds: Vec<&'static str> = Vec::new();
        let mut members: Vec<Vec<u32>> = Vec::new();
        for (index, record) in (0u32..).zip(records) {
            let kind = match kinds.iter().position(|kind| *kind == record.kind) {
                Some(known) => known,
                None => {
                    kinds.push(record.kind);
                    members.push(Vec::new());
                    kinds.len() - 1
                }
            };
            members[kind].push(index);
        }
        // The kinds' tables are independent, and the large ones are built in parallel inside.
        let built: Vec<(KindTable, Vec<Duplicate>)> = kinds
            .into_par_iter()
            .zip(members)
            .map(|(kind, members)| KindTable::build(kind, records, &members, &hasher))
            .collect();
        let mut duplicates = Vec::new();
        let mut tables = Vec::with_capacity(built.len());
        for (table, found) in built {
            tables.push(table);
            duplicates.extend(found);
        }
        duplicates.sort_unstable_by_key(|duplicate| duplicate.record);
        (
            IdIndex {
                kinds: tables,
                hasher,
            },
            duplicates,
        )
    }

    /// The first record with this id of the first of `kinds` that has one.
    pub fn resolve(&self, kinds: &[&str], id: &str) -> Option<usize> {
        let hash = self.hasher.hash_one(id);
        kinds.iter().find_map(|kind| {
            let table = self.kinds.iter().find(|table| table.kind == *kind)?;
            table.find(hash, id).map(|slot| slot.first as usize)
        })
    }

    /// The first record with this id, of any kind, and whether other records have it too.
    pub fn any_kind(&self, id: &str) -> Option<(usize, bool)> {
        let hash = self.hasher.hash_one(id);
        let mut found = self.kinds.iter().filter_map(|table| table.find(hash, id));
        let first = found.next()?;
        let mut earliest = first.first;
        let mut shared = first.duplicated;
        for slot in found {
            earliest = earliest.min(slot.first);
            shared = true;
        }
        Some((earliest as usize, shared))
    }
}

impl KindTable {
    /// The table of one kind's records (`members`, positions in `records`, ascending).
    fn build(
        kind: &'static str,
        records: &[Record],
        members: &[u32],
        hasher: &RandomState,
    ) -> (KindTable, Vec<Duplicate>) {
        let id_of = |index: u32| records.get(index as usize).and_then(Record::id);
        // Hashing is most of the cost and needs no shared state, so it runs in parallel.
        let hashes: Vec<u64> = members
            .par_iter()
            .map(|&index| id_of(index).map_or(0, |id| hasher.hash_one(id)))
            .collect();
        // Sized once for every id, duplicates included, rather than doubled as it fills.
        let id_bytes = members
            .par_iter()
            .map(|&index| id_of(index).map_or(0, str::len))
            .sum();
        let mut table: HashTable<Slot> = HashTable::with_capacity(members.len());
        let mut ids = String::with_capacity(id_bytes);
        let mut duplicates = Vec::new();
        for (&index, hash) in members.iter().zip(&hashes) {
            let Some(id) = id_of(index) else {
                continue;
            };
            if let Some(slot) = table.find_mut(*hash, |slot| slot_id(&ids, slot) == id) {
                slot.duplicated = true;
                duplicates.push(Duplicate {
                    record: index as usize,
                    first: slot.first as usize,
                });
                continue;
            }
            // An id longer than 4 GiB cannot be in a file tillsyn reads, nor can a kind have
            // 256 TiB of ids.
            let start = ids.len();
            let (Ok(len), Ok(start_high)) = (u32::try_from(id.len()), u16::try_from(start >> 32))
            else {
                continue;
            };
            ids.push_str(id);
            table.insert_unique(
                *hash,
                Slot {
                    first: index,
                    start_low: start as u32,
                    len,
                    start_high,
                    duplicated: false,
                },
                |slot| hasher.hash_one(slot_id(&ids, slot)),
            );
        }
        (KindTable { kind, table, ids }, duplicates)
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
        assert_eq!(index.resolve(&["role"], "x"), Some(1));
        assert_eq!(index.resolve(&["system", "role"], "x"), Some(0));
        assert_eq!(index.resolve(&["org_unit", "role"], "x"), Some(1));
        assert_eq!(index.resolve(&["org_unit"], "x"), None);
        assert_eq!(index.resolve(&["role"], "z"), None);
        assert_eq!(index.any_kind("x"), Some((0, true)));
        assert_eq!(index.any_kind("y"), Some((3, false)));
        let found: Vec<(usize, usize)> = duplicates
            .iter()
            .map(|duplicate| (duplicate.record, duplicate.first))
            .collect();
        assert_eq!(found, [(2, 0)]);
    }

    #[test]
    fn duplicates_are_reported_in_repository_order_and_the_first_of_each_kind_is_found() {
        let mut records: Vec<Record> = (0..1000).map(|_| record("system", "x")).collect();
        records.push(record("role", "x"));
        records.push(record("role", "x"));
        records.push(record("system", "y"));
        let (index, duplicates) = IdIndex::build(&records);
        let found: Vec<(usize, usize)> = duplicates
            .iter()
            .map(|duplicate| (duplicate.record, duplicate.first))
            .collect();
        let expected: Vec<(usize, usize)> = (1..1000)
            .map(|record| (record, 0))
            .chain([(1001, 1000)])
            .collect();
        assert_eq!(found, expected);
        assert_eq!(index.resolve(&["role"], "x"), Some(1000));
        assert_eq!(index.resolve(&["system"], "y"), Some(1002));
        assert_eq!(index.any_kind("y"), Some((1002, false)));
    }

    #[test]
    fn an_id_twice_in_one_kind_is_shared_for_a_lookup_by_id_alone() {
        let records = vec![
            record("role", "a"),
            record("system", "b"),
            record("role", "a"),
        ];
        let (index, _) = IdIndex::build(&records);
        assert_eq!(index.any_kind("a"), Some((0, true)));
        assert_eq!(index.any_kind("b"), Some((1, false)));
    }
}
