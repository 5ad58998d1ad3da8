//! The plan of a run, made once from the arguments: the root, the configuration, the as-of day
//! (the only place the clock is read), the rule set with its params, the ledger and the
//! language. Every subcommand that checks a tree starts from one.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::{Ui, parse_date};
use crate::check::{CheckError, Checked, check_observed};
use crate::config::{self, Config};
use crate::followup::ledger::{Ledger, Lock};
use crate::lang::{self, Lang};
use crate::rules::{RuleSet, Selection};
use crate::schema;

/// The as-of day: the one given, else today. The only place tillsyn reads the clock; everything
/// downstream is handed the day.
pub(super) fn today(as_of: Option<Date>) -> Date {
    as_of.unwrap_or_else(|| jiff::ZonedDateTime::now().date())
}

/// The configuration of `root` (or the file `config` names) and the rules it selects, grades and
/// parameterises: what a run plans with, and what `rules list | explain` describe.
pub(super) fn configured_rules(
    root: &Path,
    config: Option<&Path>,
    selection: &Selection,
) -> Result<(Config, RuleSet), String> {
    let config =
        config::load(root, config, &schema::kind_names()).map_err(|error| error.to_string())?;
    let rules = RuleSet::load(root, &config, selection).map_err(|error| error.to_string())?;
    Ok((config, rules))
}

/// What a subcommand asks of a run, from its arguments.
pub(super) struct Request<'a> {
    pub root: Option<&'a Path>,
    pub config: Option<&'a Path>,
    pub no_ignore: bool,
    pub as_of: Option<Date>,
    pub lang: Option<Lang>,
    /// Whether the output is for people (table, Markdown, HTML, XLSX): only then are the
    /// findings put in `lang`; machine formats stay English.
    pub for_people: bool,
    pub selection: Selection,
    /// The ledger to use instead of the configured one.
    pub ledger: Option<&'a Path>,
    /// Whether the run writes the ledger back (`check --ledger`): then it is locked from reading
    /// to writing, and a run as of a day before the ledger's last is refused.
    pub writes_ledger: bool,
    pub verbose: bool,
}

/// A run, planned: everything the pipeline is handed, made once.
pub(super) struct Plan {
    pub root: PathBuf,
    pub config: Config,
    pub today: Date,
    pub rules: RuleSet,
    /// The language the person asked for (or the locale's): of notes and of `--statistics`.
    pub lang: Lang,
    /// The language of the findings: `lang` for people, English for machines.
    pub findings_lang: Lang,
    pub ledger_path: PathBuf,
    /// What earlier runs remember.
    pub ledger: Ledger,
    verbose: bool,
    /// Held from reading the ledger to writing it, so that two runs cannot lose each other's
    /// update; released when the plan is dropped.
    _lock: Option<Lock>,
}

impl Plan {
    pub fn make(request: &Request) -> Result<Plan, String> {
        let root = resolve_root(request.root, request.config.is_some(), request.verbose);
        let (mut config, mut rules) = configured_rules(&root, request.config, &request.selection)?;
        if request.no_ignore {
            config.respect_gitignore = Some(false);
        }
        let today = today(request.as_of);
        let lang = Lang::resolve(request.lang);
        let findings_lang = if request.for_people { lang } else { Lang::En };
        rules.lang = findings_lang;
        let ledger_path = request
            .ledger
            .map_or_else(|| root.join(config.ledger_path()), Path::to_path_buf);
        let lock = if request.writes_ledger {
            Some(Lock::acquire(&ledger_path).map_err(|error| error.to_string())?)
        } else {
            None
        };
        let ledger = Ledger::read(&ledger_path).map_err(|error| error.to_string())?;
        if request.writes_ledger {
            ledger
                .refuse_backwards(&ledger_path, today, request.as_of.is_some())
                .map_err(|error| error.to_string())?;
        }
        Ok(Plan {
            root,
            config,
            today,
            rules,
            lang,
            findings_lang,
            ledger_path,
            ledger,
            verbose: request.verbose,
            _lock: lock,
        })
    }

    /// Runs the check as planned, with the findings in the plan's language. With `-v`, a tree
    /// with nothing to check lists what was skipped, and why.
    pub fn check(&self, ui: Ui) -> Result<Checked, String> {
        let progress = ui.progress();
        let mut checked = check_observed(
            &self.root,
            &self.config,
            &self.rules,
            &self.ledger,
            self.today,
            &*progress,
        )
        .map_err(|error| {
            if let (true, CheckError::NothingToCheck { skipped, .. }) = (self.verbose, &error) {
                for (path, reason) in skipped {
                    eprintln!("skipped {path}: {reason}");
                }
            }
            error.to_string()
        })?;
        lang::localize(&mut checked.outcome, self.findings_lang);
        Ok(checked)
    }
}

/// What `followup` and `report` read: the repository, as of a day, with its configuration
/// and ledger.
#[derive(clap::Args)]
pub(super) struct ReadOnlyArgs {
    /// The repository. Default: found as `check` finds it (the nearest tillsyn.toml above).
    pub(super) root: Option<PathBuf>,
    /// Read what the tree's .gitignore and .ignore files ignore as well.
    #[arg(long)]
    pub(super) no_ignore: bool,
    /// Judge the repository as of this day (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub(super) as_of: Option<Date>,
    /// Read the configuration from FILE instead of ROOT/tillsyn.toml.
    #[arg(long, value_name = "FILE")]
    pub(super) config: Option<PathBuf>,
    /// Read the ledger from FILE instead of the configured one.
    #[arg(long, value_name = "FILE")]
    pub(super) ledger: Option<PathBuf>,
    /// The language of human output (table, Markdown, HTML, XLSX): sv or en. Default: the
    /// locale of LC_ALL, LC_MESSAGES or LANG (sv_SE.UTF-8 is Swedish). Machine formats are
    /// always English.
    #[arg(long, value_enum, value_name = "LANG")]
    pub(super) lang: Option<Lang>,
}

impl ReadOnlyArgs {
    /// The run `followup` and `report` ask for: every rule, the ledger read and left as it is.
    pub(super) fn request(&self, for_people: bool) -> Request<'_> {
        Request {
            root: self.root.as_deref(),
            config: self.config.as_deref(),
            no_ignore: self.no_ignore,
            as_of: self.as_of,
            lang: self.lang,
            for_people,
            selection: Selection::default(),
            ledger: self.ledger.as_deref(),
            writes_ledger: false,
            verbose: false,
        }
    }
}

/// The root of a run: ROOT when given; else, unless --config names the configuration, the
/// nearest directory above that holds tillsyn.toml (see [`config::find_root_above`]), as a
/// relative path (`../..`) so that no output holds an absolute path; else the current directory.
fn resolve_root(given: Option<&Path>, explicit_config: bool, verbose: bool) -> PathBuf {
    if let Some(root) = given {
        return root.to_path_buf();
    }
    let levels = if explicit_config {
        None
    } else {
        std::env::current_dir()
            .ok()
            .and_then(|start| config::find_root_above(&start))
    };
    match levels {
        None | Some(0) => PathBuf::from("."),
        Some(levels) => {
            let root: PathBuf = std::iter::repeat_n("..", levels).collect();
            if verbose {
                let directories = if levels == 1 {
                    "directory"
                } else {
                    "directories"
                };
                eprintln!(
                    "using {} as the root: tillsyn.toml found {levels} {directories} above the current directory",
                    root.display()
                );
            }
            root
        }
    }
}
