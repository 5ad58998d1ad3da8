//! The tree's own `.gitignore` and `.ignore` files, matched as ripgrep matches them, for the walk
//! of [`super::discover`]. Only files inside the checked root count: a `.gitignore` above the
//! root, `.git/info/exclude` and the user's global gitignore (`core.excludesFile`) are not read,
//! so that the same tree gives the same findings on every machine. No `.git` directory is
//! needed: a tree unpacked from an archive is read as its clone is.

use std::io::Read;
use std::path::{Path, PathBuf};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::WalkProblem;

/// A kind of ignore file, and why a path it ignores is not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct IgnoreFile {
    name: &'static str,
    reason: &'static str,
    /// The reason for an ignored directory that is entered all the same, because a
    /// `[[sources]]` entry names a file in it.
    reason_entered: &'static str,
}

impl IgnoreFile {
    pub(super) fn reason(self) -> &'static str {
        self.reason
    }

    pub(super) fn reason_entered(self) -> &'static str {
        self.reason_entered
    }
}

/// In ripgrep's order of precedence: a match in any `.ignore` decides before any `.gitignore`.
const IGNORE_FILES: [IgnoreFile; 2] = [
    IgnoreFile {
        name: ".ignore",
        reason: "ignored by .ignore",
        reason_entered: "ignored by .ignore; only the files [[sources]] names in it are read",
    },
    IgnoreFile {
        name: ".gitignore",
        reason: "ignored by .gitignore",
        reason_entered: "ignored by .gitignore; only the files [[sources]] names in it are read",
    },
];

/// Real ignore files hold a few kilobytes. Compiling patterns takes about a second per MiB, so
/// the ignore files of one tree may hold this much together; one beyond it is refused (as a
/// finding) rather than compiled, so that a hostile tree cannot make the walk take hours.
const MAX_IGNORE_BYTES: u64 = 1024 * 1024;

/// What the ignore files say of a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    Kept,
    /// Ignored by a pattern that matches this path.
    Ignored(IgnoreFile),
    /// Below a directory that is ignored but was entered for a file `[[sources]]` names.
    Inside(IgnoreFile),
}

/// One directory on the walk's current path.
struct Level {
    /// The directory's ignore files, in the order of [`IGNORE_FILES`].
    matchers: [Option<Gitignore>; 2],
    /// Set when this directory, or one above it, is ignored but entered all the same.
    ignored: Option<IgnoreFile>,
}

/// The ignore files of the directories from the root down to the one the walk is in.
pub(super) struct IgnoreFiles {
    levels: Vec<Level>,
    /// What is left of [`MAX_IGNORE_BYTES`].
    budget: u64,
    /// Ignore files that could not be used, as findings.
    pub(super) problems: Vec<WalkProblem>,
}

impl IgnoreFiles {
    pub(super) fn new() -> Self {
        IgnoreFiles {
            levels: Vec::new(),
            budget: MAX_IGNORE_BYTES,
            problems: Vec::new(),
        }
    }

    /// Forgets the directories the walk has left: an entry at `depth` lies below the first
    /// `depth` levels only (the walk goes depth first, a directory before what it holds).
    pub(super) fn leave_to(&mut self, depth: usize) {
        self.levels.truncate(depth);
    }

    /// Reads the ignore files of the directory the walk enters (`relative` to the root, empty
    /// for the root), which is one level below the last one entered.
    pub(super) fn enter(&mut self, directory: &Path, relative: &str, ignored: Option<IgnoreFile>) {
        let inherited = self.levels.last().and_then(|level| level.ignored);
        let mut matchers = [None, None];
        // Below an ignored directory no pattern can bring a path back (as in git).
        if inherited.is_none() && ignored.is_none() {
            for (slot, file) in matchers.iter_mut().zip(IGNORE_FILES) {
                *slot = self.read(directory, relative, file.name);
            }
        }
        self.levels.push(Level {
            matchers,
            ignored: inherited.or(ignored),
        });
    }

    /// What the ignore files of the directories above it say of the entry at `relative`, one
    /// level below the last directory entered.
    pub(super) fn verdict(&self, relative: &str, is_dir: bool) -> Verdict {
        if let Some(file) = self.levels.last().and_then(|level| level.ignored) {
            return Verdict::Inside(file);
        }
        for (position, file) in IGNORE_FILES.iter().enumerate() {
            // The deepest directory's file decides first, as in git.
            for (depth, level) in self.levels.iter().enumerate().rev() {
                let Some(Some(matcher)) = level.matchers.get(position) else {
                    continue;
                };
                let below: PathBuf = Path::new(relative).components().skip(depth).collect();
                match matcher.matched(&below, is_dir) {
                    Match::None => {}
                    Match::Ignore(_) => return Verdict::Ignored(*file),
                    Match::Whitelist(_) => return Verdict::Kept,
                }
            }
        }
        Verdict::Kept
    }

    /// The matcher of one ignore file of a directory, if it has one that is a regular file (a
    /// link is not followed: it could lead out of the tree).
    fn read(&mut self, directory: &Path, relative: &str, name: &str) -> Option<Gitignore> {
        let path = directory.join(name);
        let metadata = std::fs::symlink_metadata(&path).ok()?;
        if !metadata.is_file() {
            return None;
        }
        let shown = if relative.is_empty() {
            name.to_string()
        } else {
            format!("{relative}/{name}")
        };
        if metadata.len() > self.budget {
            self.problems.push(WalkProblem {
                message: format!(
                    "not read: the ignore files of a tree may hold {MAX_IGNORE_BYTES} bytes together, and this one has {} bytes where {} were left; the paths it names were read",
                    metadata.len(),
                    self.budget
                ),
                message_sv: format!(
                    "inte läst: ett träds ignorefiler får tillsammans ha {MAX_IGNORE_BYTES} byte, och den här har {} byte när {} återstod; sökvägarna den nämner lästes",
                    metadata.len(),
                    self.budget
                ),
                path: shown,
            });
            return None;
        }
        let mut bytes = Vec::new();
        // Taken at most to the budget, should the file have grown since it was measured.
        let read = std::fs::File::open(&path)
            .and_then(|file| file.take(self.budget).read_to_end(&mut bytes));
        self.budget = self
            .budget
            .saturating_sub(read.as_ref().map_or(0, |length| *length as u64));
        if let Err(error) = read {
            self.problems.push(WalkProblem {
                message: format!("cannot read this ignore file: {error}"),
                message_sv: format!("ignorefilen kan inte läsas: {error}"),
                path: shown,
            });
            return None;
        }
        // Paths are matched relative to this directory, never against the root's own path.
        let mut builder = GitignoreBuilder::new("");
        for line in String::from_utf8_lossy(&bytes).lines() {
            // A line that is no valid pattern matches nothing, as in git.
            let _ = builder.add_line(None, line);
        }
        match builder.build() {
            Ok(matcher) => Some(matcher),
            Err(error) => {
                self.problems.push(WalkProblem {
                    message: format!("cannot use the patterns of this ignore file: {error}"),
                    message_sv: format!("ignorefilens mönster kan inte användas: {error}"),
                    path: shown,
                });
                None
            }
        }
    }
}
