//! `tillsyn report`: the auditor's reports (HTML, workbook, compliance matrix, OSCAL) from the
//! tree and the ledger, changing neither.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use super::plan::{Plan, ReadOnlyArgs};
use super::{Ui, emit};
use crate::report;
use crate::views::compliance;

#[derive(clap::Args)]
pub(super) struct ReportArgs {
    /// Output format (html and xlsx need -o).
    #[arg(long, value_enum)]
    format: ReportFormat,
    /// The framework of the compliance matrix.
    #[arg(long, value_enum, default_value_t = compliance::Framework::Iso27001)]
    framework: compliance::Framework,
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

pub(super) fn run(args: ReportArgs, ui: Ui) -> Result<ExitCode, String> {
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
    let plan = Plan::make(&args.run.request(for_people))?;
    let result = plan.check(ui)?.outcome;
    let lang = plan.findings_lang;
    let matrix = compliance::matrix(&result, args.framework);
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
        ReportFormat::Html => report::html::render(&report::html::Input {
            result: &result,
            matrix: &matrix,
            version,
            lang,
        }),
        ReportFormat::Markdown => report::compliance::markdown(&result, &matrix, version, lang),
        ReportFormat::Csv => report::compliance::csv(&matrix),
        ReportFormat::Oscal => report::oscal::render(&result, &matrix, version),
    };
    emit(&text, args.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}
