//! Finding the files to read: a sorted walk of the root that follows no links and skips `.git`,
//! `target`, the configuration's `exclude` globs and what the tree's own `.gitignore` and
//! `.ignore` files ignore (see [`ignore_files`]; a file a `[[sources]]` entry names is read all
//! the same, as the user asked for it by name). Each file is classified by its extension and by
//! the `[[sources]]` mappings; a CSV or an Excel workbook is read only when a mapping names its
//! kind.

mod ignore_files;

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use walkdir::WalkDir;

use super::{Format, FoundFile};
use crate::config::{self, Config};
use ignore_files::{IgnoreFiles, Verdict};

/// Directories that are never part of a governance repository's content.
const SKIPPED_DIRECTORIES: &[&str] = &[".git", "target"];

/// A path that could not be walked (an unreadable directory, a link loop), reported as a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkProblem {
    pub path: String,
    pub message: String,
    /// The message in Swedish.
    pub message_sv: String,
}

pub struct Discovery {
    pub files: Vec<FoundFile>,
    pub problems: Vec<WalkProblem>,
    /// Paths found but not read, with why, in walk order (for `-v`): excluded and ignored paths
    /// (an ignored directory once, not what it holds), files of no format tillsyn reads, tables
    /// no `[[sources]]` maps.
    pub skipped: Vec<(String, &'static str)>,
    /// The `[[sources]]` entries (by position in the configuration) that matched no file.
    pub unmatched_sources: Vec<usize>,
    /// `[[sources]]` entries that matched a file of a format tillsyn cannot read, with the file.
    pub unreadable_sources: Vec<(usize, String)>,
}

pub fn discover(root: &Path, config: &Config) -> Discovery {
    let exclude = glob_set(&config.exclude);
    let mappings: Vec<(globset::GlobMatcher, &config::SourceMapping)> = config
        .sources
        .iter()
        .filter_map(|source| {
            Glob::new(&source.path)
                .ok()
                .map(|glob| (glob.compile_matcher(), source))
        })
        .collect();
    // Made once per entry, shared by the files it maps.
    let readings: Vec<std::sync::Arc<crate::source::mapping::Mapping>> = mappings
        .iter()
        .map(|(_, source)| std::sync::Arc::new(source.mapping()))
        .collect();
    let ledger = config.ledger_path();
    let ignore_files = config
        .respects_gitignore()
        .then(|| std::cell::RefCell::new(IgnoreFiles::new()));
    // A directory leading to a file a `[[sources]]` entry names by its literal path.
    let named_below = |directory: &str| {
        let directory = format!("{directory}/");
        config.sources.iter().any(|source| {
            format!("{}/", literal_prefix(&source.path)).starts_with(&directory)
                && source.path.len() >= directory.len()
        })
    };

    let mut files = Vec::new();
    let mut problems = Vec::new();
    let skipped = std::cell::RefCell::new(Vec::new());
    let mut matched = vec![false; mappings.len()];
    let mut unreadable_sources = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    let walker = walker.filter_entry(|entry| {
        let is_dir = entry.file_type().is_dir();
        if let Some(ignore_files) = &ignore_files {
            ignore_files.borrow_mut().leave_to(entry.depth());
        }
        if entry.depth() == 0 {
            if let Some(ignore_files) = &ignore_files {
                ignore_files.borrow_mut().enter(entry.path(), "", None);
            }
            return true;
        }
        let relative = relative_path(root, entry.path());
        let is_skipped_directory = is_dir
            && SKIPPED_DIRECTORIES
                .iter()
                .any(|name| entry.file_name() == *name);
        if is_skipped_directory {
            skipped
                .borrow_mut()
                .push((relative, "a directory tillsyn never reads"));
            return false;
        }
        if exclude.is_match(&relative) {
            skipped
                .borrow_mut()
                .push((relative, "excluded by `exclude` in tillsyn.toml"));
            return false;
        }
        let Some(ignore_files) = &ignore_files else {
            return true;
        };
        // tillsyn's own files are never listed as ignored: a gitignored ledger is still the ledger.
        if relative == config::FILE_NAME || relative == ledger {
            return true;
        }
        let verdict = ignore_files.borrow().verdict(&relative, is_dir);
        // Read all the same: the user asked for it by name.
        let wanted = || {
            if is_dir {
                named_below(&relative)
            } else {
                mappings
                    .iter()
                    .any(|(matcher, _)| matcher.is_match(&relative))
            }
        };
        let entered = match verdict {
            Verdict::Kept => None,
            Verdict::Ignored(file) | Verdict::Inside(file) if wanted() => {
                if is_dir && matches!(verdict, Verdict::Ignored(_)) {
                    skipped
                        .borrow_mut()
                        .push((relative.clone(), file.reason_entered()));
                }
                Some(file)
            }
            Verdict::Ignored(file) => {
                skipped.borrow_mut().push((relative, file.reason()));
                return false;
            }
            // Listed once, with the directory.
            Verdict::Inside(_) => return false,
        };
        if is_dir {
            ignore_files
                .borrow_mut()
                .enter(entry.path(), &relative, entered);
        }
        true
    });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error
                    .path()
                    .map(|path| relative_path(root, path))
                    .unwrap_or_default();
                problems.push(WalkProblem {
                    path,
                    message: format!("cannot read this path: {error}"),
                    message_sv: format!("sökvägen kan inte läsas: {error}"),
                });
                continue;
            }
        };
        if entry.file_type().is_symlink() {
            skipped.borrow_mut().push((
                relative_path(root, entry.path()),
                "a link, which tillsyn does not follow",
            ));
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let path = relative_path(root, entry.path());
        if path == config::FILE_NAME || path == ledger {
            continue;
        }
        let position = mappings
            .iter()
            .position(|(matcher, _)| matcher.is_match(&path));
        let mapping = position
            .and_then(|position| mappings.get(position))
            .map(|(_, mapping)| *mapping);
        let named = mapping
            .and_then(|mapping| mapping.format.as_deref())
            .and_then(Format::from_name);
        let Some(format) = named.or_else(|| {
            entry
                .path()
                .extension()
                .and_then(|ext| ext.to_str())
                .and_then(Format::from_extension)
        }) else {
            if let Some(position) = position {
                unreadable_sources.push((position, path.clone()));
            }
            skipped
                .borrow_mut()
                .push((path, "not a format tillsyn reads"));
            continue;
        };
        if matches!(format, Format::Csv | Format::Xlsx) && mapping.is_none() {
            skipped
                .borrow_mut()
                .push((path, "a table no [[sources]] entry maps to a kind"));
            continue;
        }
        if format == Format::Dcat && mapping.is_none() {
            skipped.borrow_mut().push((
                path,
                "RDF that no [[sources]] entry names (a DCAT catalogue is read with `format = \"dcat\"`)",
            ));
            continue;
        }
        // Excel's lock file beside an open workbook (`~$assets.xlsx`) is not a register.
        if format == Format::Xlsx && entry.file_name().to_string_lossy().starts_with("~$") {
            skipped
                .borrow_mut()
                .push((path, "Excel's lock file for an open workbook"));
            continue;
        }
        if let Some(flag) = position.and_then(|position| matched.get_mut(position)) {
            *flag = true;
        }
        files.push(FoundFile {
            path,
            absolute: entry.path().to_path_buf(),
            format,
            mapped_kind: mapping
                .filter(|_| !format.is_imported())
                .and_then(|mapping| mapping.kind.clone()),
            sheet: mapping.and_then(|mapping| mapping.sheet.clone()),
            mapping: position
                .and_then(|position| readings.get(position))
                .cloned()
                .unwrap_or_default(),
        });
    }
    if let Some(ignore_files) = ignore_files {
        problems.extend(ignore_files.into_inner().problems);
    }
    Discovery {
        files,
        problems,
        skipped: skipped.into_inner(),
        unmatched_sources: matched
            .iter()
            .enumerate()
            .filter(|(_, matched)| !**matched)
            .map(|(position, _)| position)
            .collect(),
        unreadable_sources,
    }
}

fn glob_set(patterns: &[String]) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        // The configuration already refused invalid globs.
        if let Ok(glob) = Glob::new(pattern) {
            builder.add(glob);
            // `drafts` excludes everything below it as well.
            if let Ok(below) = Glob::new(&format!("{}/**", pattern.trim_end_matches('/'))) {
                builder.add(below);
            }
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

/// The leading directories and name of a `[[sources]]` path up to its first wildcard:
/// `registers/2026/*.csv` → `registers/2026`.
fn literal_prefix(pattern: &str) -> String {
    pattern
        .split('/')
        .take_while(|component| !component.contains(['*', '?', '[', '{', '\\']))
        .collect::<Vec<_>>()
        .join("/")
}

/// The path relative to the root with `/` separators, as every output prints it.
pub fn relative_path(root: &Path, path: &Path) -> String {
    let relative: PathBuf = path
        .strip_prefix(root)
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf);
    relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, path: &str) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "").unwrap();
    }

    #[test]
    fn walks_sorted_skipping_git_target_excluded_and_unmapped_csv() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for path in [
            "b.yaml",
            "a.toml",
            ".git/config.toml",
            "target/x.json",
            "drafts/d.md",
            "data/s.csv",
            "data/other.csv",
            "notes.txt",
            "tillsyn.toml",
            "tillsyn-ledger.json",
        ] {
            touch(root, path);
        }
        let config = config::parse(
            "tillsyn.toml",
            "exclude = [\"drafts\"]\n[[sources]]\npath = \"data/s.csv\"\nkind = \"supplier\"\n",
            &["supplier"],
        )
        .unwrap();
        let found = discover(root, &config);
        let paths: Vec<_> = found.files.iter().map(|file| file.path.as_str()).collect();
        assert_eq!(paths, ["a.toml", "b.yaml", "data/s.csv"]);
        assert_eq!(found.files[2].mapped_kind.as_deref(), Some("supplier"));
        assert!(found.problems.is_empty());
    }
}
