//! `tillsyn schema`: the kinds' JSON Schemas, listed, shown or exported for editors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::{Ui, emit};
use crate::schema::{self, Catalog};

#[derive(Subcommand)]
pub(super) enum SchemaCommand {
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

pub(super) fn run(command: SchemaCommand, ui: Ui) -> Result<ExitCode, String> {
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
