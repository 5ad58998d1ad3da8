//! Writes a synthetic municipality for trying and benchmarking tillsyn:
//!
//! ```text
//! cargo run --release --example generate -- --assets 10000 --seed 7 --out /tmp/city
//! tillsyn check /tmp/city --as-of 2026-11-27
//! ```
//!
//! The same number of assets and seed give a byte-identical tree. About 2 % of the records carry a
//! planted defect; the rest is clean under the default rule pack as of 2026-11-27.

#[path = "../benches/generator/mod.rs"]
mod generator;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: generate --assets N [--seed S] [--per-file N] --out DIR";

struct Args {
    assets: usize,
    seed: u64,
    per_file: usize,
    out: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut assets = None;
    let mut seed = generator::DEFAULT_SEED;
    let mut per_file = 1_000;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (name, inline_value) = match arg.split_once('=') {
            Some((name, value)) => (name.to_string(), Some(value.to_string())),
            None => (arg.clone(), None),
        };
        if name == "-h" || name == "--help" {
            return Err(String::new());
        }
        let mut value = || {
            inline_value
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let number = |text: String| -> Result<u64, String> {
            text.replace('_', "")
                .parse::<u64>()
                .map_err(|_| format!("{name}: `{text}` is not a whole number"))
        };
        match name.as_str() {
            "--assets" => assets = Some(number(value()?)? as usize),
            "--seed" => seed = number(value()?)?,
            "--per-file" => per_file = number(value()?)? as usize,
            "--out" => out = Some(PathBuf::from(value()?)),
            _ => return Err(format!("unknown argument `{arg}`")),
        }
    }
    let assets = assets.ok_or("--assets is required")?;
    if assets < 10 {
        return Err("--assets must be at least 10".into());
    }
    if per_file == 0 {
        return Err("--per-file must be at least 1".into());
    }
    let out = out.ok_or("--out is required")?;
    Ok(Args {
        assets,
        seed,
        per_file,
        out,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("generate: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match std::fs::read_dir(&args.out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                eprintln!(
                    "generate: {} is not empty; choose a new or empty directory",
                    args.out.display()
                );
                return ExitCode::from(2);
            }
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => {
            eprintln!("generate: cannot read {}: {error}", args.out.display());
            return ExitCode::FAILURE;
        }
    }
    if let Err(error) = std::fs::create_dir_all(&args.out) {
        eprintln!("generate: cannot create {}: {error}", args.out.display());
        return ExitCode::FAILURE;
    }
    let size = generator::Size {
        assets: args.assets,
        assets_per_file: args.per_file,
        seed: args.seed,
    };
    let started = std::time::Instant::now();
    let report = match generator::generate_city(&args.out, &size) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("generate: writing {} failed: {error}", args.out.display());
            return ExitCode::FAILURE;
        }
    };
    println!(
        "wrote {} records in {} files to {} ({:.1} s, seed {})",
        report.total_records(),
        report.total_files(),
        args.out.display(),
        started.elapsed().as_secs_f64(),
        args.seed
    );
    println!("\nrecords per kind:");
    for (kind, count) in &report.records {
        println!("  {kind:<22} {count:>9}");
    }
    println!("\nfiles per format:");
    for (format, count) in &report.files {
        println!("  {format:<22} {count:>9}");
    }
    println!(
        "\ndefects planted: {} ({:.1} % of records; {} of them accepted by an exception):",
        report.total_defects(),
        100.0 * report.total_defects() as f64 / report.total_records().max(1) as f64,
        report.accepted
    );
    for (rule, count) in &report.defects {
        println!("  {rule:<22} {count:>9}");
    }
    println!(
        "\ncheck it with: tillsyn check {} --as-of {}",
        args.out.display(),
        generator::AS_OF
    );
    ExitCode::SUCCESS
}
