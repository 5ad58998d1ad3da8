//! `tillsyn import`: a register in its owners' shape (CSV, Excel) or another tool's file (DCAT,
//! OSCAL, fides) written as records tillsyn reads.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use super::emit;
use super::plan::today;
use crate::config;

#[derive(clap::Args)]
pub(super) struct ImportArgs {
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

pub(super) fn run(args: ImportArgs) -> Result<ExitCode, String> {
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
        today: today(None),
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
