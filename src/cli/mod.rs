//! The command line: argument parsing, the exit codes (0 clean, 1 findings at or above
//! `--fail-on`, 2 could not run as asked) and writing output. Each subcommand is its own module;
//! [`plan`] makes the run they share (configuration, as-of day, rules, ledger, language) once.

mod check;
mod followup;
mod import;
mod plan;
mod report;
pub(crate) mod rules;
mod schema;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use jiff::civil::Date;

use crate::progress::{Progress, Silent};
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
pub(crate) struct Ui {
    quiet: bool,
    color: ColorChoice,
}

impl Ui {
    /// The progress bar for a run: drawn only on a terminal and never with `--quiet`.
    pub(crate) fn progress(self) -> Box<dyn Progress> {
        if !self.quiet && std::io::stderr().is_terminal() {
            Box::new(Bar::new())
        } else {
            Box::new(Silent)
        }
    }

    /// A note for the person at the terminal (what was written, what to do next), on standard
    /// error unless `--quiet`.
    pub(crate) fn note(self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Check a repository and report findings.
    Check(check::CheckArgs),
    /// Who owes what: open and overdue findings grouped by responsible, overdue first. Reads the
    /// tree and the ledger; changes neither.
    Followup(followup::FollowupArgs),
    /// Reports for auditors: an HTML report, a workbook, the compliance matrix of a framework
    /// (Markdown, CSV) or OSCAL assessment results. Reads the tree and the ledger; changes neither.
    Report(report::ReportArgs),
    /// The rules: list them, explain one, run rule test cases.
    Rules {
        #[command(subcommand)]
        command: rules::RulesCommand,
    },
    /// The JSON Schemas of the kinds: list them, show one, export them for editors.
    Schema {
        #[command(subcommand)]
        command: schema::SchemaCommand,
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
    Import(import::ImportArgs),
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

pub(crate) fn parse_date(text: &str) -> Result<Date, String> {
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
        Command::Check(args) => check::run(args, ui),
        Command::Followup(args) => followup::run(args, ui),
        Command::Report(args) => report::run(args, ui),
        Command::Rules { command } => rules::run(command),
        Command::Schema { command } => schema::run(command, ui),
        Command::Import(args) => import::run(args),
        Command::Init { dir, as_of } => {
            let today = plan::today(as_of);
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
