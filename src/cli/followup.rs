//! `tillsyn followup`: who owes what, by when, from the tree and the ledger, changing neither.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use super::plan::{Plan, ReadOnlyArgs};
use super::{Ui, emit};
use crate::finding::State;
use crate::outcome::Outcome;
use crate::report;
use crate::views::followup::{Filter, groups};

#[derive(clap::Args)]
pub(super) struct FollowupArgs {
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

pub(super) fn run(args: FollowupArgs, ui: Ui) -> Result<ExitCode, String> {
    let for_people = matches!(
        args.format,
        FollowupFormat::Table | FollowupFormat::Markdown
    );
    let plan = Plan::make(&args.run.request(for_people))?;
    let result = plan.check(ui)?.outcome;
    let (today, lang) = (plan.today, plan.findings_lang);
    if let Some(owner) = &args.owner {
        known_owner(owner, &result)?;
    }
    let filter = Filter {
        owner: args.owner,
        unit: args.unit,
        overdue_only: args.overdue,
        states: args.state,
    };
    let groups = groups(&result.findings, &filter);
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

/// Refuses an `--owner` that names no one: a person id or name, a role assignment id, a unit,
/// or a holder some finding has.
fn known_owner(owner: &str, result: &Outcome) -> Result<(), String> {
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
