//! Benchmark: the whole default rule pack over a synthetic city of 100,000 information assets
//! with proportionate systems, role assignments, processing activities, documents and the rest
//! of a municipality (benches/generator) (issue target: under 3 s on a 2-core machine, release build). Prints the time of
//! each pipeline stage, so that a regression shows where it is.
//!
//! Run with `cargo bench --bench rule_pack` (`-- 10000` for another number of assets).

// Measure what the binary runs: it uses mimalloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "generator/mod.rs"]
mod generator;

use std::time::Duration;

/// One run: total time, time per stage, findings.
type Run = (Duration, Vec<(&'static str, Duration)>, usize);

fn main() {
    let assets = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("a temporary directory");
    // TILLSYN_BENCH_KEEP=DIR keeps a copy of the generated city for a look with the binary.
    let keep = std::env::var_os("TILLSYN_BENCH_KEEP");
    let size = generator::Size::new(assets);
    let records = generator::generate(dir.path(), &size);
    if let Some(keep) = &keep {
        let target = std::path::Path::new(keep);
        std::fs::create_dir_all(target).expect("create the kept directory");
        generator::generate(target, &size);
    }
    // The city's tillsyn.toml maps its CSV register and leaves out the report-only PFL004.
    let config = tillsyn::config::load(dir.path(), None, &tillsyn::schema::kind_names())
        .expect("the generated tillsyn.toml loads");
    let rules =
        tillsyn::rules::RuleSet::load(dir.path(), &config, &tillsyn::rules::Selection::default())
            .expect("the default packs load");
    let ledger = tillsyn::followup::ledger::Ledger::empty();
    let today = jiff::civil::date(2026, 11, 27);
    let mut runs: Vec<Run> = Vec::new();
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let result = tillsyn::check::check(dir.path(), &config, &rules, &ledger, today)
            .expect("the check runs")
            .outcome;
        runs.push((started.elapsed(), result.timings, result.findings.len()));
        assert_eq!(result.records, records, "every record is read");
    }
    runs.sort_by_key(|run| run.0);
    let (total, stages, findings) = &runs[runs.len() / 2];
    println!(
        "rule_pack: {records} records ({assets} assets), {findings} findings: median {:.3} s",
        total.as_secs_f64()
    );
    for (stage, time) in stages {
        println!("  {stage:<26} {:.3} s", time.as_secs_f64());
    }
}
