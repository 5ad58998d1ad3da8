//! `tillsyn check`: the findings of a tree in a format for people or machines, the ledger
//! written back with `--ledger`, and the exit code a CI gate reads.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use jiff::civil::Date;

use super::plan::{Plan, Request};
use super::{Ui, emit, parse_date};
use crate::check::Checked;
use crate::finding::{Severity, State};
use crate::followup::Ratchet;
use crate::lang::Lang;
use crate::outcome::Outcome;
use crate::report;
use crate::rules::Selection;

#[derive(clap::Args)]
pub(super) struct CheckArgs {
    /// The repository to check. Default: the nearest directory at or above the current one
    /// that holds tillsyn.toml, looking no higher than the repository's top (the directory
    /// with .git); else, or with --config, the current directory. Paths in findings are
    /// relative to it. What its own .gitignore and .ignore files ignore is not read, unless a
    /// [[sources]] entry names it (see --no-ignore).
    root: Option<PathBuf>,
    /// Read what the tree's .gitignore and .ignore files ignore as well (sets
    /// `respect_gitignore = false`).
    #[arg(long)]
    no_ignore: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
    /// Write the output to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with 1 when a finding has this severity or higher; `none` never fails.
    #[arg(long, value_name = "SEVERITY", default_value = "high", value_parser = parse_fail_on)]
    fail_on: FailOn,
    /// Judge the repository as of this day (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<Date>,
    /// Read the configuration from FILE instead of ROOT/tillsyn.toml.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Run only these rules: ids or prefixes, comma-separated (replaces `select` of tillsyn.toml).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Do not run these rules: ids or prefixes, comma-separated (added to `ignore`).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    ignore: Vec<String>,
    /// Reconcile the follow-up ledger (default: the `ledger` of tillsyn.toml, else
    /// ROOT/tillsyn-ledger.json) and write it back. Without it the ledger is only read.
    #[arg(long, value_name = "FILE", num_args = 0..=1)]
    ledger: Option<Option<PathBuf>>,
    /// Show only findings the ledger does not know as open (new, or back after being resolved),
    /// and let the exit code count only them. The table and Markdown show every finding, mark
    /// the new ones and say how many are new, resolved and still open.
    #[arg(long)]
    new_only: bool,
    /// Fail (exit 1) only when the number of open findings at or above --fail-on rose above the
    /// best earlier run in the ledger that ran the same rules, instead of on any such finding.
    #[arg(long)]
    ratchet: bool,
    /// Also list, on standard error, the paths that were not read or hold no `kind` of
    /// tillsyn's, with why, and the root found when none was given.
    #[arg(short, long)]
    verbose: bool,
    /// Print how long each pipeline stage took, on standard error.
    #[arg(long)]
    timings: bool,
    /// Print how many findings each rule gave at each severity, most first, instead of the
    /// findings (as ruff's --statistics): a rule that floods a register shows at a glance. The
    /// exit code is the same as without it.
    #[arg(long, conflicts_with = "format")]
    statistics: bool,
    /// The language of human output (table, Markdown, HTML, XLSX): sv or en. Default: the
    /// locale of LC_ALL, LC_MESSAGES or LANG (sv_SE.UTF-8 is Swedish). Machine formats are
    /// always English.
    #[arg(long, value_enum, value_name = "LANG")]
    lang: Option<Lang>,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    /// A table for people (fits 100 columns).
    Table,
    /// The machine contract (schemas/check-output.schema.json).
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub, Azure DevOps) and IDE viewers.
    Sarif,
    /// JUnit XML, one test suite per rule, for CI test reports (Jenkins, GitLab).
    Junit,
    /// GitHub Actions workflow commands: an annotation per finding.
    Github,
    /// A Markdown summary for a pull-request comment or $GITHUB_STEP_SUMMARY.
    Markdown,
    /// CSV (RFC 4180), one row per finding with every field, for spreadsheets.
    Csv,
}

#[derive(Clone, Copy)]
enum FailOn {
    Severity(Severity),
    Never,
}

fn parse_fail_on(text: &str) -> Result<FailOn, String> {
    if text == "none" {
        return Ok(FailOn::Never);
    }
    Severity::from_str(text, true)
        .map(FailOn::Severity)
        .map_err(|_| "expected one of critical, high, medium, low, info, none".to_string())
}

pub(super) fn run(args: CheckArgs, ui: Ui) -> Result<ExitCode, String> {
    if args.ratchet && matches!(args.fail_on, FailOn::Never) {
        return Err(
            "--ratchet counts the open findings at or above --fail-on: give a severity, not `none`"
                .to_string(),
        );
    }
    let people_read = matches!(args.format, OutputFormat::Table | OutputFormat::Markdown);
    let ledger = match &args.ledger {
        Some(Some(path)) => Some(path.as_path()),
        _ => None,
    };
    let plan = Plan::make(&Request {
        root: args.root.as_deref(),
        config: args.config.as_deref(),
        no_ignore: args.no_ignore,
        as_of: args.as_of,
        lang: args.lang,
        for_people: people_read,
        selection: Selection {
            select: args.select.clone(),
            ignore: args.ignore.clone(),
        },
        ledger,
        writes_ledger: args.ledger.is_some(),
        verbose: args.verbose,
    })?;
    let Checked {
        outcome: mut result,
        ledger,
    } = plan.check(ui)?;
    if args.ledger.is_some() {
        ledger
            .write_locked(&plan.ledger_path)
            .map_err(|error| error.to_string())?;
        // A partial run must not read as a complete one to whoever keeps the ledger.
        let kept = result.baseline.not_judged;
        if kept > 0 {
            ui.note(&if kept == 1 {
                "note: 1 open ledger entry was left as it was: this run did not run its rule or read its record".to_string()
            } else {
                format!(
                    "note: {kept} open ledger entries were left as they were: this run did not run their rules or read their records"
                )
            });
        }
    }
    let lang = plan.lang;
    for note in &result.notes {
        ui.note(&format!("note: {note}"));
    }
    if args.verbose {
        for (path, reason) in &result.skipped {
            eprintln!("skipped {path}: {reason}");
        }
    }
    // A person sees every finding with the new ones marked; a machine only the new ones.
    let baseline = args.new_only.then(|| result.baseline.clone());
    if args.new_only && !people_read {
        result.keep_new_only();
    }
    let rendering = std::time::Instant::now();
    let text = match args.format {
        _ if args.statistics => report::statistics::render(&result, lang),
        OutputFormat::Json => report::json::render(&result, baseline.as_ref()),
        OutputFormat::Sarif => {
            report::sarif::render(&result, args.new_only || result.baseline.since.is_some())
        }
        OutputFormat::Junit => report::junit::render(&result),
        OutputFormat::Github => report::github::render(&result),
        OutputFormat::Markdown => report::markdown::render(&result, lang, baseline.as_ref()),
        OutputFormat::Csv => report::csv::render(&result),
        OutputFormat::Table => {
            let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
            let width = if to_terminal {
                terminal_width().unwrap_or(100)
            } else {
                100
            };
            let colour = ui
                .color
                .enabled(args.output.is_none() && std::io::stdout().is_terminal());
            if colour {
                crate::terminal::allow_table_colours();
            }
            report::table::render(&result, width, lang, colour, baseline.as_ref())
        }
    };
    emit(&text, args.output.as_deref())?;
    // CSV and JUnit have no place for what the cap left out: it is said on standard error.
    if !args.statistics && matches!(args.format, OutputFormat::Csv | OutputFormat::Junit) {
        for unlisted in &result.unlisted {
            ui.note(&report::unlisted_note(unlisted, lang));
        }
    }
    if args.timings {
        let render = ("render", rendering.elapsed());
        for (stage, time) in result.timings.iter().chain(std::iter::once(&render)) {
            eprintln!("{stage:<26} {:>8.3} s", time.as_secs_f64());
        }
    }
    let failing = match args.fail_on {
        FailOn::Never => false,
        FailOn::Severity(threshold) if args.ratchet => {
            let today = plan.today.to_string();
            let ratchet = ledger
                .runs
                .iter()
                .find(|run| run.as_of == today)
                .map(|run| Ratchet::of(&plan.ledger, run, threshold));
            match ratchet {
                Some(ratchet) => {
                    // Why the run fails is said even with --quiet.
                    if ratchet.rose() {
                        eprintln!("{}", ratchet_note(&ratchet, threshold));
                    } else {
                        ui.note(&ratchet_note(&ratchet, threshold));
                    }
                    ratchet.rose()
                        || (args.new_only
                            && (result.findings.iter().any(|finding| {
                                report::is_new(finding) && finding.severity >= threshold
                            }) || unlisted_at_or_above(&result, threshold, true)))
                }
                None => false,
            }
        }
        FailOn::Severity(threshold) => {
            result
                .findings
                .iter()
                .filter(|finding| !args.new_only || report::is_new(finding))
                .any(|finding| finding.state != State::Accepted && finding.severity >= threshold)
                || unlisted_at_or_above(&result, threshold, args.new_only)
        }
    };
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Whether a finding the cap left unlisted is open at or above `threshold` (only the new ones
/// with `new_only`): it fails a run as a listed one does.
fn unlisted_at_or_above(result: &Outcome, threshold: Severity, new_only: bool) -> bool {
    result.unlisted.iter().any(|unlisted| {
        let counted = if new_only {
            &unlisted.new
        } else {
            &unlisted.summary
        };
        Severity::ALL_DESCENDING
            .into_iter()
            .any(|severity| severity >= threshold && counted.count(severity) > 0)
    })
}

/// What the ratchet says, for standard error: the two numbers and the run compared with.
fn ratchet_note(ratchet: &Ratchet, threshold: Severity) -> String {
    let Ratchet { current, best } = ratchet;
    let noun = if *current == 1 { "finding" } else { "findings" };
    match best {
        None => format!(
            "ratchet: {current} open {noun} at or above {threshold}; the ledger has no earlier run of the same rules to compare with"
        ),
        Some((best, day)) if current > best => format!(
            "ratchet: {current} open {noun} at or above {threshold}, up from {best} in the run as of {day} (the best earlier run of the same rules)\n  \
             help: fix {} of them, or accept them with exceptions, to get back to {best}",
            current - best
        ),
        Some((best, day)) => format!(
            "ratchet: {current} open {noun} at or above {threshold}, not more than the {best} of the run as of {day} (the best earlier run of the same rules)"
        ),
    }
}

fn terminal_width() -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.parse().ok())
}
