//! The follow-up ledger: plain, sorted JSON meant to be committed and reviewed. It remembers
//! every finding by fingerprint (first seen, due, state, resolved), and a summary of each run
//! for trends. It is written atomically — a temporary file in the same directory, then a rename
//! — under a lock file, and a ledger that does not parse, or has an unknown version, is refused
//! and left untouched. It gets the mode any new file gets under the user's umask: it is committed
//! and read by others.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::finding::{Acceptance, Escalation, Responsible, Severity, State};
use crate::outcome::Run;

/// The format version written. Version 1 (before runs said what they covered) is still read.
pub const VERSION: u32 = 2;
/// The versions read: version 1 lacks the runs' coverage and the responsible's person.
const READABLE: [u32; 2] = [1, 2];

/// Field order is alphabetical so that the file reads sorted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    pub findings: BTreeMap<String, Entry>,
    pub runs: Vec<Run>,
    pub version: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub due: Option<String>,
    pub escalation: Option<Escalation>,
    pub exception: Option<Acceptance>,
    pub file: String,
    pub first_seen: String,
    pub kind: Option<String>,
    pub last_seen: String,
    pub line: usize,
    pub message: String,
    pub record: Option<String>,
    pub reopened_on: Option<String>,
    pub resolved_on: Option<String>,
    pub responsible: Option<Responsible>,
    pub rule: String,
    pub severity: Severity,
    pub state: State,
}

/// Why a ledger cannot be used (exit 2). The ledger is never changed when this happens.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error(
        "{path}:{line}:{column}: the ledger is not valid JSON: {message}\n  help: fix it by hand (or restore it from version control); tillsyn will not overwrite it"
    )]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{path}: the ledger has format version {found}, but this tillsyn reads versions 1 and {VERSION}\n  help: use the tillsyn version that wrote it"
    )]
    Version { path: String, found: String },
    #[error(
        "{path}: the ledger is locked by another run, which holds the lock of its directory\n  help: wait for the other run to end; the lock goes with it, however it ends"
    )]
    Locked { path: String },
    #[error(
        "{path}: the ledger's latest run is as of {latest}, later than {day}; a ledger only moves forward in time\n  \
         help: to see the repository as of {today} without changing the ledger, run `tillsyn check --as-of {today}` without --ledger"
    )]
    Backwards {
        path: String,
        latest: String,
        /// How the run's day was given: `--as-of 2026-03-01` or `today, 2026-03-01`.
        day: String,
        today: String,
    },
    #[error(
        "{path}:{line}:{column}: the ledger holds a {message}: two entries of one finding, and keeping one would lose the other\n  help: merge the two entries by hand (or restore the ledger from version control); tillsyn will not overwrite it"
    )]
    Duplicate {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}

impl Ledger {
    pub fn empty() -> Ledger {
        Ledger {
            version: VERSION,
            ..Ledger::default()
        }
    }

    /// Reads a ledger; a missing file is an empty ledger.
    pub fn read(path: &Path) -> Result<Ledger, LedgerError> {
        let shown = path.display().to_string();
        refuse_link(path)?;
        if let Ok(metadata) = std::fs::metadata(path)
            && metadata.len() > MAX_LEDGER_BYTES
        {
            return Err(LedgerError::Io {
                path: shown,
                message: format!(
                    "the ledger is {} bytes, more than the {MAX_LEDGER_BYTES} bytes tillsyn reads (about a million findings); it is left as it is\n  help: a repository with that many open findings needs them fixed or accepted in bulk first; check without --ledger meanwhile",
                    metadata.len()
                ),
            });
        }
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Ledger::empty());
            }
            Err(error) => {
                return Err(LedgerError::Io {
                    path: shown,
                    message: format!("cannot read the ledger: {error}"),
                });
            }
        };
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|error| LedgerError::Syntax {
                path: shown.clone(),
                line: error.line(),
                column: error.column(),
                message: error
                    .to_string()
                    .split(" at line")
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            })?;
        // serde keeps the last of two equal keys: two entries of one fingerprint would lose the
        // older without a word. The project's own reader refuses duplicate keys at the second.
        if let Err(error) = crate::source::json::parse(&text, &crate::source::Limits::default())
            && error.message.starts_with("duplicate key")
        {
            let position = crate::source::span::LineIndex::new(&text).position(error.span.start());
            return Err(LedgerError::Duplicate {
                path: shown,
                line: position.line,
                column: position.column,
                message: error.message,
            });
        }
        let version = value
            .get("version")
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        if !READABLE.iter().any(|readable| version == *readable) {
            return Err(LedgerError::Version {
                path: shown,
                found: version.to_string(),
            });
        }
        let mut ledger: Ledger =
            serde_json::from_value(value).map_err(|error| LedgerError::Io {
                path: shown,
                message: format!("the ledger does not have the expected shape: {error}"),
            })?;
        // Read as version 1 was, written as this version is.
        ledger.version = VERSION;
        Ok(ledger)
    }

    /// Refuses a run that would write this ledger (read from `path`) as of a day before its
    /// latest: what later runs recorded would be rewritten by an earlier day's view, and dates
    /// would run backwards (resolved before first seen). `as_of_given` says whether the day came
    /// from `--as-of` or the clock, for the message.
    pub fn refuse_backwards(
        &self,
        path: &Path,
        today: jiff::civil::Date,
        as_of_given: bool,
    ) -> Result<(), LedgerError> {
        let today = today.to_string();
        match self.latest_day() {
            Some(latest) if latest > today.as_str() => Err(LedgerError::Backwards {
                path: path.display().to_string(),
                latest: latest.to_string(),
                day: if as_of_given {
                    format!("--as-of {today}")
                } else {
                    format!("today, {today}")
                },
                today,
            }),
            _ => Ok(()),
        }
    }

    /// The latest day the ledger knows of: its latest run, or any date an entry holds (a ledger
    /// edited by hand may have no run). `None` for an empty ledger.
    pub fn latest_day(&self) -> Option<&str> {
        let runs = self.runs.iter().map(|run| run.as_of.as_str());
        let entries = self.findings.values().flat_map(|entry| {
            [
                Some(entry.first_seen.as_str()),
                Some(entry.last_seen.as_str()),
                entry.resolved_on.as_deref(),
                entry.reopened_on.as_deref(),
            ]
            .into_iter()
            .flatten()
        });
        // Dates are YYYY-MM-DD, so the text orders as the day.
        runs.chain(entries).max()
    }

    /// The ledger as it is written: pretty, sorted, with a final newline.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Writes the ledger atomically under its [`Lock`]. A failure leaves the old file as it was.
    pub fn write(&self, path: &Path) -> Result<(), LedgerError> {
        let _lock = Lock::acquire(path)?;
        self.write_locked(path)
    }

    /// Writes the ledger atomically; the caller holds the [`Lock`].
    pub fn write_locked(&self, path: &Path) -> Result<(), LedgerError> {
        let shown = path.display().to_string();
        refuse_link(path)?;
        let io = |message: String| LedgerError::Io {
            path: shown.clone(),
            message,
        };
        let directory = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut builder = tempfile::Builder::new();
        builder.prefix(".tillsyn-ledger-");
        ordinary_file(&mut builder);
        let mut temporary = builder.tempfile_in(directory).map_err(|error| {
            io(format!(
                "cannot write a temporary ledger beside it: {error}"
            ))
        })?;
        temporary
            .write_all(self.to_text().as_bytes())
            .map_err(|error| io(format!("cannot write the ledger: {error}")))?;
        temporary
            .as_file()
            .sync_all()
            .map_err(|error| io(format!("cannot write the ledger: {error}")))?;
        temporary
            .persist(path)
            .map_err(|error| io(format!("cannot replace the ledger: {}", error.error)))?;
        Ok(())
    }
}

/// The largest ledger read: reading one means holding all its entries, a few times its size, so
/// a ledger beyond this (hand-made, or a million findings never fixed) is refused, whole, with a
/// message, rather than aborting the run on allocation.
pub const MAX_LEDGER_BYTES: u64 = 256 * 1024 * 1024;

/// A ledger that is a link could make a run read, and replace, a file outside the tree; it is
/// refused rather than followed or silently replaced by a file of its own.
fn refuse_link(path: &Path) -> Result<(), LedgerError> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => Err(LedgerError::Io {
            path: path.display().to_string(),
            message: "the ledger is a link, which tillsyn neither follows nor replaces; keep the ledger as a file of its own (or name another with --ledger PATH)".to_string(),
        }),
        _ => Ok(()),
    }
}

/// A temporary file is otherwise only its owner's, and the rename would give the ledger that
/// mode: ask for read and write for all, less what the umask takes away (the system applies it
/// on creation), as for any new file.
fn ordinary_file(builder: &mut tempfile::Builder<'_, '_>) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    #[cfg(not(unix))]
    let _ = builder;
}

/// The ledger's lock: an exclusive lock of the operating system on the directory that holds the
/// ledger (`flock`), held from reading the ledger to writing it and released when the run ends,
/// however it ends. No lock file is made, so none is left behind or removed by path from under
/// another run; a run that finds the directory locked stops and says so.
pub struct Lock {
    _directory: std::fs::File,
}

impl Lock {
    pub fn acquire(ledger: &Path) -> Result<Lock, LedgerError> {
        let directory = ledger
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let io = |message: String| LedgerError::Io {
            path: ledger.display().to_string(),
            message,
        };
        // Where a directory cannot be opened as a file (Windows), a file beside the ledger is
        // locked instead; it stays, since removing it by path could remove another run's lock.
        #[cfg(unix)]
        let handle = std::fs::File::open(directory);
        #[cfg(not(unix))]
        let handle = {
            let mut beside = ledger.as_os_str().to_owned();
            beside.push(".lock");
            std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(PathBuf::from(beside))
        };
        let handle = handle.map_err(|error| {
            io(format!(
                "cannot open the ledger's directory to lock it: {error}"
            ))
        })?;
        match handle.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(LedgerError::Locked {
                    path: ledger.display().to_string(),
                });
            }
            Err(std::fs::TryLockError::Error(error)) => {
                return Err(io(format!("cannot lock the ledger's directory: {error}")));
            }
        }
        clean_leftovers(directory, ledger);
        Ok(Lock { _directory: handle })
    }
}

/// What a run killed while it wrote the ledger left beside it: its temporary file, and the lock
/// file of earlier versions of tillsyn when its process is gone. Only the holder of the lock
/// writes there, so whatever the lock's holder finds is a dead run's.
fn clean_leftovers(directory: &Path, ledger: &Path) {
    if let Ok(entries) = std::fs::read_dir(directory) {
        for entry in entries.flatten() {
            let is_temporary = entry
                .file_name()
                .to_str()
                .is_some_and(|name| name.starts_with(".tillsyn-ledger-"));
            if is_temporary && entry.file_type().is_ok_and(|kind| kind.is_file()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    let mut old_lock = ledger.as_os_str().to_owned();
    old_lock.push(".lock");
    let old_lock = PathBuf::from(old_lock);
    if stale(&old_lock) {
        let _ = std::fs::remove_file(&old_lock);
    }
}

/// Whether a lock file of an earlier tillsyn names a process that no longer runs (known only
/// where `/proc` is).
fn stale(lock: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(lock) else {
        return false;
    };
    let Ok(pid) = text.trim().parse::<u32>() else {
        return false;
    };
    let proc = Path::new("/proc");
    proc.is_dir() && pid != std::process::id() && !proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_ledger_is_empty_and_a_written_one_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tillsyn-ledger.json");
        assert_eq!(Ledger::read(&path).unwrap(), Ledger::empty());
        let mut ledger = Ledger::empty();
        ledger.runs.push(Run {
            as_of: "2026-11-27".into(),
            ..Run::default()
        });
        ledger.write(&path).unwrap();
        assert_eq!(Ledger::read(&path).unwrap(), ledger);
        assert!(!dir.path().join("tillsyn-ledger.json.lock").exists());
    }

    #[test]
    fn invalid_json_and_unknown_versions_are_refused_with_a_position() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.json");
        std::fs::write(&path, "{\n  \"version\": 1,\n  oops\n}").unwrap();
        let error = Ledger::read(&path).err().unwrap().to_string();
        assert!(
            error.contains("ledger.json:3:3: the ledger is not valid JSON"),
            "{error}"
        );
        std::fs::write(&path, "{\"version\": 9, \"findings\": {}, \"runs\": []}").unwrap();
        let error = Ledger::read(&path).err().unwrap().to_string();
        assert!(error.contains("format version 9"), "{error}");
    }

    #[test]
    fn a_held_lock_refuses_a_second_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.json");
        let _held = Lock::acquire(&path).unwrap();
        let error = Ledger::empty().write(&path).err().unwrap().to_string();
        assert!(error.contains("is locked by another run"), "{error}");
        assert!(!path.exists());
    }
}
