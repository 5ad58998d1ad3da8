//! The command line: argument parsing, reading the clock once for `--as-of`, writing output, and
//! the exit codes (0 clean, 1 findings at or above `--fail-on`, 2 could not run as asked).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use crate::check::check_observed;
use crate::config;
use crate::finding::{Severity, State};
use crate::followup::Ratchet;
use crate::followup::ledger::{Ledger, Lock};
use crate::lang::{self, Lang};
use crate::progress::{Progress, Silent};
use crate::report;
use crate::rules::{RuleSet, Selection};
use crate::schema::{self, Catalog};
use crate::terminal::{Bar, ColorChoice, error_prefix};

#[derive(Parser)]
#[command(
    name = "tillsyn",
    version,
    about = "Checks a governance repository against information-security and data-ownership rules.",
    long_about = "tillsyn reads a governance repository (governing documents and registers kept as TOML, \
YAML, JSON, Markdown front matter, CSV and Excel) and reports what does not hold: where \
(file:line:column), why, and by when.\n\nExit codes: 0 nothing at or above --fail-on; 1 findings \
at or above it; 2 could not run as asked (usage, configuration, unreadable root)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// No progress bar and no notes on standard error: only the requested output, errors and
    /// the exit code.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Colour the table and error messages: auto (on a terminal, unless NO_COLOR is set), always
    /// or never. Machine formats are never coloured.
    #[arg(long, value_enum, global = true, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// What the global options ask of the terminal: stages and renderers are told what to do, and
/// never look at the terminal themselves.
#[derive(Clone, Copy)]
struct Ui {
    quiet: bool,
    color: ColorChoice,
}

impl Ui {
    /// The progress bar for a run: drawn only on a terminal and never with `--quiet`.
    fn progress(self) -> Box<dyn Progress> {
        if !self.quiet && std::io::stderr().is_terminal() {
            Box::new(Bar::new())
        } else {
            Box::new(Silent)
        }
    }

    /// A note for the person at the terminal (what was written, what to do next), on standard
    /// error unless `--quiet`.
    fn note(self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Check a repository and report findings.
    Check(CheckArgs),
    /// Who owes what: open and overdue findings grouped by responsible, overdue first. Reads the
    /// tree and the ledger; changes neither.
    Followup(FollowupArgs),
    /// Reports for auditors: an HTML report, a workbook, the compliance matrix of a framework
    /// (Markdown, CSV) or OSCAL assessment results. Reads the tree and the ledger; changes neither.
    Report(ReportArgs),
    /// The rules: list them, explain one, run rule test cases.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// The JSON Schemas of the kinds: list them, show one, export them for editors.
    Schema {
        #[command(subcommand)]
        command: SchemaCommand,
    },
    /// Turn a register kept as CSV or in an Excel sheet into a TOML or YAML file of records.
    #[command(
        long_about = "Turn a register kept as CSV or in an Excel sheet into a TOML or YAML \
file of records of one kind, read exactly as `check` reads a register mapped in [[sources]]: the \
first row names the fields (`classification.confidentiality` nests), every following non-empty \
row is a record, an empty cell is an absent field, `;` separates the items of a list cell, and \
each cell is typed by the kind's schema (numbers, booleans; Excel date cells become YYYY-MM-DD). \
Fields keep the header's order.\n\nA register in its owners' shape (title rows, Swedish \
column names and words, `;` between cells, Windows-1252) is read through a mapping file given with \
--map: the keys of a [[sources]] entry (`kind`, `sheet`, `header_row`, `delimiter`, `columns`, \
`values.FIELD`, `dates`), so that the file imported reads as `check` reads the register.\n\nAnother tool's file \
is read as `check` reads it with `format` in [[sources]]: a DCAT(-AP-SE) catalogue (dcat: Turtle, RDF/XML, JSON-LD) gives \
datasets, an OSCAL plan, assessment results or POA&M (oscal) systems and risk analyses, a fides manifest (fides) systems and \
processing activities. A file writes one kind: give --kind when the file holds several.\n\nOn standard error the import \
says how many records it read (and from which sheet, and why that one) and every value the kind's schema will not accept, \
at its line and column. The file is printed, or written to a new file with -o; an \
existing file is never overwritten.\n\nExample: tillsyn import xlsx registers/assets.xlsx \
--kind information_asset --sheet Assets --to yaml -o registers/assets.yaml"
    )]
    Import(ImportArgs),
    /// Start a governance repository: a commented tillsyn.toml, example records that pass, the
    /// schemas for editors and CI examples. Never overwrites a file.
    Init {
        /// The directory to create it in.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Date the example records as of this day (YYYY-MM-DD) instead of today.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<Date>,
    },
    /// Print a shell completion script: `tillsyn completions bash > /etc/bash_completion.d/tillsyn`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `tillsyn man | man -l -`.
    Man,
}

#[derive(clap::Args)]
struct ImportArgs {
    /// The format of FILE.
    #[arg(value_enum)]
    from: ImportFrom,
    /// The register to import.
    file: PathBuf,
    /// The kind of its records, e.g. information_asset (`tillsyn schema list` lists them);
    /// may be left to the mapping's `kind`, or, for dcat, oscal and fides, to the file when it
    /// holds one kind.
    #[arg(long)]
    kind: Option<String>,
    /// A mapping file with the keys of a [[sources]] entry — `kind`, `sheet`, `header_row`,
    /// `delimiter`, `columns` (header → field) and `values.FIELD` (word → value) — read exactly
    /// as `check` reads them.
    #[arg(long, value_name = "FILE")]
    map: Option<PathBuf>,
    /// For xlsx: the sheet that holds the records (default: the first sheet).
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// The format to write.
    #[arg(long, value_enum, default_value_t = ImportTo::Toml)]
    to: ImportTo,
    /// Write to FILE, which must not exist yet, instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportFrom {
    /// A CSV file (RFC 4180; UTF-8, or Windows-1252 as Excel writes it).
    Csv,
    /// An Excel workbook (.xlsx).
    Xlsx,
    /// A DCAT(-AP-SE) catalogue in Turtle, RDF/XML or JSON-LD: dataset records.
    Dcat,
    /// An OSCAL system security plan, assessment results or POA&M (JSON or YAML).
    Oscal,
    /// A fideslang manifest (YAML or JSON): systems and processing activities.
    Fides,
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportTo {
    /// `kind = "…"` and one `[[records]]` table per row.
    Toml,
    /// `kind: …` and a `records:` list with one entry per row.
    Yaml,
}

#[derive(clap::Args)]
struct CheckArgs {
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

/// What `followup` and `report` read: the repository, as of a day, with its configuration
/// and ledger.
#[derive(clap::Args)]
struct ReadOnlyArgs {
    /// The repository. Default: found as `check` finds it (the nearest tillsyn.toml above).
    root: Option<PathBuf>,
    /// Read what the tree's .gitignore and .ignore files ignore as well.
    #[arg(long)]
    no_ignore: bool,
    /// Judge the repository as of this day (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<Date>,
    /// Read the configuration from FILE instead of ROOT/tillsyn.toml.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Read the ledger from FILE instead of the configured one.
    #[arg(long, value_name = "FILE")]
    ledger: Option<PathBuf>,
    /// The language of human output (table, Markdown, HTML, XLSX): sv or en. Default: the
    /// locale of LC_ALL, LC_MESSAGES or LANG (sv_SE.UTF-8 is Swedish). Machine formats are
    /// always English.
    #[arg(long, value_enum, value_name = "LANG")]
    lang: Option<Lang>,
}

#[derive(clap::Args)]
struct FollowupArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = FollowupFormat::Table)]
    format: FollowupFormat,
    /// Write the output to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Only findings of this responsible: a person id, a role assignment id or a holder's name
    /// (a person's, a unit's or a title). One that names no one is an error (exit 2).
    #[arg(long, value_name = "ID")]
    owner: Option<String>,
    /// Only findings whose responsible unit is this org unit id.
    #[arg(long, value_name = "ID")]
    unit: Option<String>,
    /// Only overdue findings.
    #[arg(long)]
    overdue: bool,
    /// Only findings in these states (comma-separated: new, open, reopened, overdue, accepted).
    #[arg(long, value_name = "STATES", value_delimiter = ',', value_parser = parse_state)]
    state: Vec<State>,
    #[command(flatten)]
    run: ReadOnlyArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum FollowupFormat {
    Table,
    Json,
    Markdown,
    Csv,
}

#[derive(clap::Args)]
struct ReportArgs {
    /// Output format (html and xlsx need -o).
    #[arg(long, value_enum)]
    format: ReportFormat,
    /// The framework of the compliance matrix.
    #[arg(long, value_enum, default_value_t = report::compliance::Framework::Iso27001)]
    framework: report::compliance::Framework,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    run: ReadOnlyArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    /// One self-contained HTML file: summary, findings, follow-up, compliance, trend, portfolio.
    Html,
    /// The compliance matrix with a short summary above it.
    Markdown,
    /// The compliance matrix, one row per control.
    Csv,
    /// A workbook with the sheets Findings, By owner and Compliance.
    Xlsx,
    /// OSCAL 1.0.6 Assessment Results (JSON).
    Oscal,
}

fn parse_state(text: &str) -> Result<State, String> {
    match text {
        "new" => Ok(State::New),
        "open" => Ok(State::Open),
        "reopened" => Ok(State::Reopened),
        "overdue" => Ok(State::Overdue),
        "accepted" => Ok(State::Accepted),
        _ => Err("expected new, open, reopened, overdue or accepted".to_string()),
    }
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

#[derive(Subcommand)]
pub(crate) enum RulesCommand {
    /// List the rules (id, severity, kinds, title), built-in and from the packs.
    List {
        #[command(flatten)]
        packs: PackArgs,
        /// Only rules whose id starts with this, or whose title contains it.
        filter: Option<String>,
        /// Only rules that read this kind.
        #[arg(long)]
        kind: Option<String>,
        /// Only rules of this severity or higher.
        #[arg(long, value_enum)]
        severity: Option<Severity>,
    },
    /// Explain a rule: what it checks, why, references, params, remediation and examples.
    Explain {
        #[command(flatten)]
        packs: PackArgs,
        /// A rule id, e.g. OWN001.
        id: String,
    },
    /// Write the reference of the default rules as Markdown (docs/rules/) from the packs.
    #[command(hide = true)]
    Docs {
        /// The directory to write into.
        #[arg(default_value = "docs/rules")]
        dir: PathBuf,
    },
    /// Run rule test cases: each a small repository and the findings it must and must not yield.
    Test {
        /// A directory of test files (*.yaml), or one file.
        #[arg(default_value = "fixtures/rules")]
        dir: PathBuf,
        /// Only cases of rules whose id starts with this, or whose name contains it.
        #[arg(long)]
        filter: Option<String>,
    },
}

/// Where the rules come from: the default packs and the repository's own (its `rule_paths`).
#[derive(clap::Args)]
pub(crate) struct PackArgs {
    /// The repository whose tillsyn.toml adds packs, params and re-grading.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub(crate) root: PathBuf,
    /// Read the configuration from FILE instead of ROOT/tillsyn.toml.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// The language of human output (table, Markdown, HTML, XLSX): sv or en. Default: the
    /// locale of LC_ALL, LC_MESSAGES or LANG (sv_SE.UTF-8 is Swedish). Machine formats are
    /// always English.
    #[arg(long, value_enum, value_name = "LANG")]
    pub(crate) lang: Option<Lang>,
}

#[derive(Subcommand)]
enum SchemaCommand {
    /// List the kinds with a line on each.
    List,
    /// Print one kind's JSON Schema.
    Show {
        /// A kind, e.g. information_asset.
        kind: String,
    },
    /// Write every schema to DIR (for editors: yaml-language-server, VS Code json.schemas, Taplo).
    Export {
        /// The directory to write into; created when missing.
        dir: PathBuf,
    },
}

fn parse_fail_on(text: &str) -> Result<FailOn, String> {
    if text == "none" {
        return Ok(FailOn::Never);
    }
    Severity::from_str(text, true)
        .map(FailOn::Severity)
        .map_err(|_| "expected one of critical, high, medium, low, info, none".to_string())
}

fn parse_date(text: &str) -> Result<Date, String> {
    text.parse::<Date>()
        .map_err(|error| format!("expected a date YYYY-MM-DD: {error}"))
}

/// Runs the command line and returns the process's exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let ui = Ui {
        quiet: cli.quiet,
        color: cli.color,
    };
    let outcome = match cli.command {
        Command::Check(args) => run_check(args, ui),
        Command::Followup(args) => run_followup(args, ui),
        Command::Report(args) => run_report(args, ui),
        Command::Rules { command } => crate::explain::run(command),
        Command::Schema { command } => run_schema(command, ui),
        Command::Import(args) => run_import(args),
        Command::Init { dir, as_of } => {
            let today = as_of.unwrap_or_else(|| jiff::ZonedDateTime::now().date());
            crate::init::init(&dir, today).and_then(|created| {
                if ui.quiet {
                    return Ok(ExitCode::SUCCESS);
                }
                let mut text: String = created
                    .iter()
                    .map(|path| format!("created {path}\n"))
                    .collect();
                text.push_str(&format!("Next: tillsyn check {}\n", dir.display()));
                emit(&text, None).map(|()| ExitCode::SUCCESS)
            })
        }
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "tillsyn", &mut script);
            emit(&String::from_utf8_lossy(&script), None).map(|()| ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut page)
                .map_err(|error| format!("cannot render the manual page: {error}"))
                .and_then(|()| emit(&String::from_utf8_lossy(&page), None))
                .map(|()| ExitCode::SUCCESS)
        }
    };
    match outcome {
        Ok(code) => code,
        Err(message) => {
            let colour = ui.color.enabled(std::io::stderr().is_terminal());
            eprintln!("{} {message}", error_prefix(colour));
            ExitCode::from(2)
        }
    }
}

fn run_check(args: CheckArgs, ui: Ui) -> Result<ExitCode, String> {
    if args.ratchet && matches!(args.fail_on, FailOn::Never) {
        return Err(
            "--ratchet counts the open findings at or above --fail-on: give a severity, not `none`"
                .to_string(),
        );
    }
    let root = resolve_root(args.root.as_deref(), args.config.is_some(), args.verbose);
    let mut config = config::load(&root, args.config.as_deref(), &schema::kind_names())
        .map_err(|error| error.to_string())?;
    if args.no_ignore {
        config.respect_gitignore = Some(false);
    }
    // The only place the clock is read: everything downstream is handed the as-of day.
    let today = args
        .as_of
        .unwrap_or_else(|| jiff::ZonedDateTime::now().date());
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let mut rules = RuleSet::load(&root, &config, &selection).map_err(|error| error.to_string())?;
    let lang = Lang::resolve(args.lang);
    let for_people = matches!(args.format, OutputFormat::Table | OutputFormat::Markdown);
    if for_people {
        rules.lang = lang;
    }
    let ledger_path = match &args.ledger {
        Some(Some(path)) => path.clone(),
        _ => root.join(config.ledger_path()),
    };
    // Hold the lock from reading to writing, so that two runs cannot lose each other's update.
    let _lock = match args.ledger {
        Some(_) => Some(Lock::acquire(&ledger_path).map_err(|error| error.to_string())?),
        None => None,
    };
    let previous = Ledger::read(&ledger_path).map_err(|error| error.to_string())?;
    if args.ledger.is_some() {
        previous
            .refuse_backwards(&ledger_path, today, args.as_of.is_some())
            .map_err(|error| error.to_string())?;
    }
    let progress = ui.progress();
    let mut result =
        check_observed(&root, &config, &rules, &previous, today, &*progress).map_err(|error| {
            if let (true, crate::check::CheckError::NothingToCheck { skipped, .. }) =
                (args.verbose, &error)
            {
                for (path, reason) in skipped {
                    eprintln!("skipped {path}: {reason}");
                }
            }
            error.to_string()
        })?;
    if args.ledger.is_some() {
        result
            .ledger
            .write_locked(&ledger_path)
            .map_err(|error| error.to_string())?;
        // A partial run must not read as a complete one to whoever keeps the ledger.
        let kept = result.baseline.not_judged;
        if kept > 0 {
            let entries = if kept == 1 {
                "entry was"
            } else {
                "entries were"
            };
            ui.note(&format!(
                "note: {kept} open ledger {entries} left as they were: this run did not run their rules or read their records"
            ));
        }
    }
    if for_people {
        lang::localize(&mut result.findings, &rules, lang);
    }
    for note in &result.notes {
        ui.note(&format!("note: {note}"));
    }
    if args.verbose {
        for (path, reason) in &result.skipped {
            eprintln!("skipped {path}: {reason}");
        }
    }
    let people_read = matches!(args.format, OutputFormat::Table | OutputFormat::Markdown);
    // A person sees every finding with the new ones marked; a machine only the new ones.
    let baseline = args.new_only.then(|| result.baseline.clone());
    if args.new_only && !people_read {
        result.keep_new_only();
    }
    let rendering = std::time::Instant::now();
    let text = match args.format {
        _ if args.statistics => report::statistics::render(&result, lang),
        OutputFormat::Json => report::json::render(&result, baseline.as_ref()),
        OutputFormat::Sarif => report::sarif::render(
            &result,
            &rules,
            args.new_only || result.baseline.since.is_some(),
        ),
        OutputFormat::Junit => report::junit::render(&result, &rules),
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
            let ratchet = result
                .ledger
                .runs
                .iter()
                .find(|run| run.as_of == today.to_string())
                .map(|run| Ratchet::of(&previous, run, threshold));
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
fn unlisted_at_or_above(
    result: &crate::check::CheckResult,
    threshold: Severity,
    new_only: bool,
) -> bool {
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

/// Refuses an `--owner` that names no one: a person id or name, a role assignment id, a unit,
/// or a holder some finding has.
fn known_owner(owner: &str, result: &crate::check::CheckResult) -> Result<(), String> {
    let wanted = owner.to_lowercase();
    let holders = result
        .findings
        .iter()
        .filter_map(|finding| finding.responsible.as_ref())
        .map(|responsible| responsible.holder.as_str());
    let mut names: Vec<&str> = result
        .owners
        .iter()
        .map(String::as_str)
        .chain(holders)
        .collect();
    if names.iter().any(|name| name.to_lowercase() == wanted) {
        return Ok(());
    }
    names.sort_unstable();
    names.dedup();
    let hint = crate::suggest::did_you_mean(owner, names.iter().copied())
        .unwrap_or_else(|| "give a person id, a role assignment id or a holder's name".to_string());
    Err(format!(
        "--owner `{owner}` names no person, role assignment or holder in this repository; {hint}"
    ))
}

/// What `followup` and `report` work from.
struct ReadOnlyRun {
    rules: RuleSet,
    result: crate::check::CheckResult,
    ledger: Ledger,
    today: Date,
    /// The language of the output: English unless it is for people.
    lang: Lang,
}

/// A check that reads the tree and the ledger and changes neither, as `followup` and `report`
/// run it.
/// Findings are put in `lang` when the output is `for_people`; machine formats stay English.
fn read_only_check(args: &ReadOnlyArgs, for_people: bool, ui: Ui) -> Result<ReadOnlyRun, String> {
    let ReadOnlyArgs {
        root,
        no_ignore,
        config: config_path,
        ledger: ledger_path,
        as_of,
        lang,
    } = args;
    let root = &resolve_root(root.as_deref(), config_path.is_some(), false);
    let lang = if for_people {
        Lang::resolve(*lang)
    } else {
        Lang::En
    };
    let (config_path, ledger_path, as_of) =
        (config_path.as_deref(), ledger_path.as_deref(), *as_of);
    let mut config = config::load(root, config_path, &schema::kind_names())
        .map_err(|error| error.to_string())?;
    if *no_ignore {
        config.respect_gitignore = Some(false);
    }
    // The only place besides `check` that reads the clock.
    let today = as_of.unwrap_or_else(|| jiff::ZonedDateTime::now().date());
    let mut rules =
        RuleSet::load(root, &config, &Selection::default()).map_err(|error| error.to_string())?;
    rules.lang = lang;
    let ledger_path =
        ledger_path.map_or_else(|| root.join(config.ledger_path()), Path::to_path_buf);
    let ledger = Ledger::read(&ledger_path).map_err(|error| error.to_string())?;
    let progress = ui.progress();
    let mut result = check_observed(root, &config, &rules, &ledger, today, &*progress)
        .map_err(|error| error.to_string())?;
    lang::localize(&mut result.findings, &rules, lang);
    Ok(ReadOnlyRun {
        rules,
        result,
        ledger,
        today,
        lang,
    })
}

fn run_followup(args: FollowupArgs, ui: Ui) -> Result<ExitCode, String> {
    let for_people = matches!(
        args.format,
        FollowupFormat::Table | FollowupFormat::Markdown
    );
    let ReadOnlyRun {
        result,
        today,
        lang,
        ..
    } = read_only_check(&args.run, for_people, ui)?;
    if let Some(owner) = &args.owner {
        known_owner(owner, &result)?;
    }
    let filter = report::followup::Filter {
        owner: args.owner,
        unit: args.unit,
        overdue_only: args.overdue,
        states: args.state,
    };
    let groups = report::followup::groups(&result.findings, &filter);
    let as_of = today.to_string();
    let text = match args.format {
        FollowupFormat::Table => report::followup::table(&groups, &as_of, lang),
        FollowupFormat::Json => report::followup::json(&groups, &as_of),
        FollowupFormat::Markdown => report::followup::markdown(&groups, &as_of, lang),
        FollowupFormat::Csv => report::followup::csv(&groups),
    };
    emit(&text, args.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

fn run_report(args: ReportArgs, ui: Ui) -> Result<ExitCode, String> {
    if args.output.is_none() && matches!(args.format, ReportFormat::Html | ReportFormat::Xlsx) {
        return Err(format!(
            "--format {} writes a file: give it with -o FILE",
            if args.format == ReportFormat::Html {
                "html"
            } else {
                "xlsx"
            }
        ));
    }
    let for_people = matches!(
        args.format,
        ReportFormat::Html | ReportFormat::Markdown | ReportFormat::Xlsx
    );
    let ReadOnlyRun {
        rules,
        result,
        ledger,
        lang,
        ..
    } = read_only_check(&args.run, for_people, ui)?;
    let matrix = report::compliance::matrix(&result, &rules, args.framework);
    let version = env!("CARGO_PKG_VERSION");
    let text = match args.format {
        ReportFormat::Xlsx => {
            let bytes = report::xlsx::render(&result, &matrix, version, lang)?;
            let Some(path) = args.output.as_deref() else {
                return Err("--format xlsx writes a file: give it with -o FILE".to_string());
            };
            std::fs::write(path, bytes)
                .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
            return Ok(ExitCode::SUCCESS);
        }
        ReportFormat::Html => {
            let innovation_target_pct = match rules.values.get("innovation_share_target_pct") {
                Some(toml::Value::Integer(number)) => *number as f64,
                Some(toml::Value::Float(number)) => *number,
                _ => 5.0,
            };
            report::html::render(&report::html::Input {
                result: &result,
                matrix: &matrix,
                runs: &ledger.runs,
                innovation_target_pct,
                version,
                lang,
            })
        }
        ReportFormat::Markdown => report::compliance::markdown(&result, &matrix, version, lang),
        ReportFormat::Csv => report::compliance::csv(&matrix),
        ReportFormat::Oscal => report::oscal::render(&result, &matrix, version),
    };
    emit(&text, args.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

fn terminal_width() -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.parse().ok())
}

pub(crate) fn emit(text: &str, output: Option<&Path>) -> Result<(), String> {
    match output {
        Some(path) => std::fs::write(path, text)
            .map_err(|error| format!("cannot write {}: {error}", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                // A closed pipe (`tillsyn check | head`) is the reader's choice, not an error.
                Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(format!("cannot write the output: {error}"))
                }
                _ => Ok(()),
            }
        }
    }
}

fn run_import(args: ImportArgs) -> Result<ExitCode, String> {
    let map = match &args.map {
        Some(path) => config::MapFile::read(path)?,
        None => config::MapFile::default(),
    };
    let kind = match (&args.kind, &map.kind) {
        (Some(given), Some(mapped)) if given != mapped => {
            return Err(format!(
                "--kind {given} but the mapping says kind = \"{mapped}\": give one of them"
            ));
        }
        (Some(kind), _) | (None, Some(kind)) => Some(kind.clone()),
        (None, None) => None,
    };
    let sheet = args.sheet.clone().or_else(|| map.sheet.clone());
    let request = crate::import::Request {
        file: &args.file,
        format: match args.from {
            ImportFrom::Csv => crate::source::Format::Csv,
            ImportFrom::Xlsx => crate::source::Format::Xlsx,
            ImportFrom::Dcat => crate::source::Format::Dcat,
            ImportFrom::Oscal => crate::source::Format::Oscal,
            ImportFrom::Fides => crate::source::Format::Fides,
        },
        kind: kind.as_deref(),
        sheet: sheet.as_deref(),
        target: match args.to {
            ImportTo::Toml => crate::import::Target::Toml,
            ImportTo::Yaml => crate::import::Target::Yaml,
        },
        mapping: map.mapping(),
        today: jiff::ZonedDateTime::now().date(),
    };
    let imported = crate::import::import(&request, &crate::source::Limits::default())?;
    let text = imported.text;
    match &args.output {
        None => emit(&text, None)?,
        Some(path) => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|error| match error.kind() {
                    std::io::ErrorKind::AlreadyExists => format!(
                        "{} already exists; tillsyn import never overwrites a file: give a new name with -o",
                        path.display()
                    ),
                    _ => format!("cannot create {}: {error}", path.display()),
                })?;
            file.write_all(text.as_bytes())
                .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        }
    }
    for line in &imported.report {
        eprintln!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

fn run_schema(command: SchemaCommand, ui: Ui) -> Result<ExitCode, String> {
    let catalog = Catalog::get().map_err(|error| error.to_string())?;
    match command {
        SchemaCommand::List => {
            let mut text = String::new();
            for kind in catalog.kinds() {
                text.push_str(&format!("{:<22} {}\n", kind.name, kind.description()));
            }
            emit(&text, None)?;
        }
        SchemaCommand::Show { kind } => {
            let Some(schema) = catalog.kind(&kind) else {
                let hint = crate::suggest::did_you_mean(&kind, catalog.kind_names())
                    .unwrap_or_else(|| "`tillsyn schema list` shows the kinds".to_string());
                return Err(format!("`{kind}` is not a known kind; {hint}"));
            };
            emit(schema.source, None)?;
        }
        SchemaCommand::Export { dir } => {
            std::fs::create_dir_all(&dir)
                .map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
            let outputs = schema::OUTPUT_SCHEMAS
                .iter()
                .map(|(name, source)| (*name, *source));
            let all: Vec<(&str, &str)> = catalog
                .kinds()
                .iter()
                .map(|kind| (kind.name, kind.source))
                .chain(outputs)
                .collect();
            for (name, source) in &all {
                let path = dir.join(format!("{name}.schema.json"));
                std::fs::write(&path, source)
                    .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
            }
            ui.note(&format!("wrote {} schemas to {}", all.len(), dir.display()));
        }
    }
    Ok(ExitCode::SUCCESS)
}
