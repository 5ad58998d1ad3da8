//! What a run looked at: the rules that ran and the files whose records it read. A ledger entry
//! that a run did not look at keeps its state, first seen, due date and escalation: a run with
//! `--select OWN001`, a register that failed to parse or a file left out by `exclude` does not
//! resolve what it never judged.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::ledger::Entry;
use crate::repository::Repository;

/// What one run judged.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    /// The rules that ran (selected and not ignored), built-in and from packs.
    pub rules_run: BTreeSet<String>,
    /// The rules the run knew but did not run.
    pub rules_not_run: Vec<String>,
    /// Every file the run found, read or not.
    pub files: HashSet<String>,
    /// Files whose records could not be read (they did not parse, named no known kind, or held
    /// more records than the limit), with the kind they hold when it is known.
    pub unread: BTreeMap<String, Option<&'static str>>,
    /// Fingerprints of findings the run could not judge although their rule ran and their record
    /// was read: a reference whose target waits on a file that did not parse, an exception whose
    /// rules did not all run.
    pub unjudged: HashSet<String>,
}

impl Coverage {
    /// The coverage of a run of `rules_run` (of `rules_known`) over `repository`;
    /// `unreadable_paths` are paths the walk could not read (a directory without permission):
    /// what was below them was not found, so its entries are not judged.
    pub fn new<'a>(
        repository: &Repository,
        rules_known: impl IntoIterator<Item = &'a str>,
        rules_run: impl IntoIterator<Item = &'a str>,
        unreadable_paths: impl IntoIterator<Item = &'a str>,
    ) -> Coverage {
        let rules_run: BTreeSet<String> = rules_run.into_iter().map(str::to_string).collect();
        let mut rules_not_run: Vec<String> = rules_known
            .into_iter()
            .filter(|id| !rules_run.contains(*id))
            .map(str::to_string)
            .collect();
        rules_not_run.sort();
        rules_not_run.dedup();
        let mut files: HashSet<String> = repository
            .files
            .iter()
            .map(|file| file.path.clone())
            .collect();
        let mut unread: BTreeMap<String, Option<&'static str>> = repository
            .unread
            .iter()
            .filter_map(|file| {
                let source = repository.files.get(file.file)?;
                Some((source.path.clone(), file.kind))
            })
            .collect();
        for path in unreadable_paths {
            files.insert(path.to_string());
            unread.entry(path.to_string()).or_insert(None);
        }
        Coverage {
            rules_run,
            rules_not_run,
            files,
            unread,
            unjudged: HashSet::new(),
        }
    }

    /// Whether this run judged what a ledger entry says: its rule ran, and it read the entry's
    /// record (wherever it is now) or the file the record was in, with no unread file that might
    /// hold it instead. A finding on a whole file is judged when the file was found.
    pub fn judges(&self, fingerprint: &str, entry: &Entry, repository: &Repository) -> bool {
        if !self.rules_run.contains(&entry.rule) || self.unjudged.contains(fingerprint) {
            return false;
        }
        let file_read = self.files.contains(&entry.file) && !self.unread.contains_key(&entry.file);
        match (entry.kind.as_deref(), entry.record.as_deref()) {
            (Some(kind), Some(id)) => {
                repository.resolve(&[kind], id).is_some() || (file_read && !self.may_hold(kind))
            }
            // A group of records, or a record without an id, known by its place in the file.
            (Some(kind), None) => file_read && !self.may_hold(kind),
            (None, _) => self.files.contains(&entry.file),
        }
    }

    /// Whether a file that was not read might hold records of `kind`: one known to hold that
    /// kind. A file whose kind could not be made out holds, as far as anyone can tell, none.
    pub fn may_hold(&self, kind: &str) -> bool {
        self.unread.values().any(|held| *held == Some(kind))
    }

    /// The unread files, in path order, for the run summary.
    pub fn unreadable(&self) -> Vec<String> {
        self.unread.keys().cloned().collect()
    }

    /// A digest of the rules that ran: equal for two runs that ran the same rules.
    pub fn rule_set(&self) -> String {
        let mut hasher = blake3::Hasher::new();
        for id in &self.rules_run {
            hasher.update(id.as_bytes());
            hasher.update(&[0]);
        }
        hasher.finalize().to_hex()[..16].to_string()
    }
}
