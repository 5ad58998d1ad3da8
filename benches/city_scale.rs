//! Benchmark: the release binary, end to end, on synthetic cities of growing size (the
//! generator in `benches/generator/`), and on the "plain register" of issue 7.
//!
//! ```text
//! cargo build --release                      # the bench runs target/release/tillsyn
//! cargo bench --bench city_scale             # cities of 10,000 and 100,000 assets
//! cargo bench --bench city_scale -- 10000 100000 1000000
//! cargo bench --bench city_scale -- --plain 1000000
//! ```
//!
//! For each size it generates a city into a temporary directory (or reuses
//! `$TILLSYN_BENCH_DIR/<N>`, which it fills on first use), runs
//! `tillsyn check DIR --as-of 2026-11-27 --timings -o /dev/null` three times as a child process
//! and prints the median run's wall time and stages (the `--timings` lines on stderr), the
//! children's peak resident set size, and the findings (counted by one more, untimed run with
//! `--format json`). The plain register is 1,000,000 information assets in 100 JSON files with
//! org units, roles and 20,000 assignments, checked with
//! `--select SCH001,XRF001,OWN001,OWN002,CLS002`.
//!
//! The binary is `CARGO_BIN_EXE_tillsyn` when Cargo sets it, else `$TILLSYN_BIN`, else
//! `tillsyn` next to the bench executable's `deps/` directory (target/release). Build it with
//! `cargo build --release` first; the numbers mean something only on a quiet machine.

#[path = "generator/mod.rs"]
mod generator;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 3;
const PLAIN_FILES: usize = 100;
const PLAIN_ASSIGNMENTS: usize = 20_000;
const PLAIN_RULES: &str = "SCH001,XRF001,OWN001,OWN002,CLS002";

/// One child run: its wall time and its stages as `--timings` printed them.
struct Run {
    wall: Duration,
    stages: Vec<(String, f64)>,
}

/// One row of the table.
struct Row {
    label: String,
    assets: usize,
    records: usize,
    files: usize,
    median: Run,
    peak_rss_mib: f64,
    findings: Option<usize>,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("city_scale: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut sizes: Vec<usize> = Vec::new();
    let mut plain: Option<usize> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--plain" {
            let value = args.next().unwrap_or_else(|| "1000000".into());
            plain = Some(parse_count(&value)?);
        } else if arg.starts_with('-') {
            // `cargo bench` passes `--bench`; other flags are not ours.
            continue;
        } else {
            sizes.push(parse_count(&arg)?);
        }
    }
    if sizes.is_empty() && plain.is_none() {
        sizes = vec![10_000, 100_000];
    }
    let binary = find_binary()?;
    eprintln!("city_scale: checking with {}", binary.display());
    let mut rows = Vec::new();
    for assets in sizes {
        rows.push(measure_city(&binary, assets)?);
    }
    if let Some(assets) = plain {
        rows.push(measure_plain(&binary, assets)?);
    }
    print_table(&rows);
    Ok(())
}

fn parse_count(text: &str) -> Result<usize, String> {
    text.replace('_', "")
        .parse()
        .map_err(|_| format!("`{text}` is not a number of assets"))
}

fn find_binary() -> Result<PathBuf, String> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(path) = option_env!("CARGO_BIN_EXE_tillsyn") {
        candidates.push(path.into());
    }
    if let Some(path) = std::env::var_os("TILLSYN_BIN") {
        candidates.push(path.into());
    }
    if let Ok(exe) = std::env::current_exe() {
        // target/release/deps/city_scale-… → target/release/tillsyn
        if let Some(release) = exe.parent().and_then(Path::parent) {
            candidates.push(release.join("tillsyn"));
        }
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        candidates.push(Path::new(&target).join("release/tillsyn"));
    }
    candidates.push("target/release/tillsyn".into());
    candidates
        .into_iter()
        .find(|path| path.is_file())
        .ok_or_else(|| {
            "no release binary found: run `cargo build --release` first (or set TILLSYN_BIN)".into()
        })
}

/// Where to put the tree for `name`: `$TILLSYN_BENCH_DIR/name` (kept), or a temporary directory.
/// Returns the directory, whether it already holds a tree, and the temporary guard.
fn tree_dir(name: &str) -> Result<(PathBuf, bool, Option<tempfile::TempDir>), String> {
    match std::env::var_os("TILLSYN_BENCH_DIR") {
        Some(base) => {
            let dir = Path::new(&base).join(name);
            let filled = std::fs::read_dir(&dir)
                .map(|mut entries| entries.next().is_some())
                .unwrap_or(false);
            std::fs::create_dir_all(&dir)
                .map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
            Ok((dir, filled, None))
        }
        None => {
            let temp =
                tempfile::tempdir().map_err(|error| format!("no temporary directory: {error}"))?;
            Ok((temp.path().to_path_buf(), false, Some(temp)))
        }
    }
}

fn measure_city(binary: &Path, assets: usize) -> Result<Row, String> {
    let (dir, filled, _guard) = tree_dir(&assets.to_string())?;
    if filled {
        eprintln!("city_scale: reusing {}", dir.display());
    } else {
        let started = Instant::now();
        let report = generator::generate_city(&dir, &generator::Size::new(assets))
            .map_err(|error| format!("generating into {}: {error}", dir.display()))?;
        eprintln!(
            "city_scale: generated {assets} assets ({} records, {} defects) in {:.1} s",
            report.total_records(),
            report.total_defects(),
            started.elapsed().as_secs_f64()
        );
    }
    measure(binary, &dir, format!("city {assets}"), assets, &[])
}

fn measure_plain(binary: &Path, assets: usize) -> Result<Row, String> {
    let (dir, filled, _guard) = tree_dir(&format!("plain-{assets}"))?;
    if filled {
        eprintln!("city_scale: reusing {}", dir.display());
    } else {
        let started = Instant::now();
        let (records, defects) = generator::generate_plain(
            &dir,
            assets,
            PLAIN_FILES,
            PLAIN_ASSIGNMENTS,
            generator::DEFAULT_SEED,
        )
        .map_err(|error| format!("generating into {}: {error}", dir.display()))?;
        eprintln!(
            "city_scale: generated the plain register ({records} records, {defects} defects) in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    measure(
        binary,
        &dir,
        format!("plain {assets}"),
        assets,
        &["--select", PLAIN_RULES],
    )
}

/// Runs the check `RUNS` times (timed) and once more for the findings.
fn measure(
    binary: &Path,
    dir: &Path,
    label: String,
    assets: usize,
    extra: &[&str],
) -> Result<Row, String> {
    let mut runs = Vec::new();
    let mut peak_rss_kib = 0;
    for number in 0..RUNS {
        let mut command = Command::new(binary);
        command
            .arg("check")
            .arg(dir)
            .args(["--as-of", generator::AS_OF, "--timings", "-o", "/dev/null"])
            .args(extra);
        let child = run_child(&mut command)
            .map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
        // Exit code 1 means findings at the fail-on level: expected here.
        if !matches!(child.code, Some(0 | 1)) {
            return Err(format!(
                "{label}: the check failed (exit {:?}): {}",
                child.code, child.stderr
            ));
        }
        eprintln!(
            "city_scale: {label} run {}: {:.3} s, {:.0} MiB",
            number + 1,
            child.wall.as_secs_f64(),
            child.max_rss_kib as f64 / 1024.0
        );
        peak_rss_kib = peak_rss_kib.max(child.max_rss_kib);
        runs.push(Run {
            wall: child.wall,
            stages: parse_timings(&child.stderr),
        });
    }
    let peak_rss_mib = peak_rss_kib as f64 / 1024.0;
    let (records, files, findings) = count_findings(binary, dir, extra)?;
    runs.sort_by_key(|run| run.wall);
    let median = runs.swap_remove(RUNS / 2);
    Ok(Row {
        label,
        assets,
        records,
        files,
        median,
        peak_rss_mib,
        findings,
    })
}

/// The `--timings` lines: a stage name, white space, seconds and `s`.
fn parse_timings(stderr: &str) -> Vec<(String, f64)> {
    stderr
        .lines()
        .filter_map(|line| {
            let line = line.trim_end();
            let rest = line.strip_suffix(" s")?;
            let (name, seconds) = rest.trim_end().rsplit_once(char::is_whitespace)?;
            let seconds: f64 = seconds.parse().ok()?;
            let name = name.trim();
            (!name.is_empty()).then(|| (name.to_string(), seconds))
        })
        .collect()
}

/// A finished child: wall time, exit code, standard error and peak resident set.
struct Child {
    wall: Duration,
    code: Option<i32>,
    stderr: String,
    max_rss_kib: i64,
}

/// Runs `command` with standard error captured and reaps it with `wait4`, which reports the
/// peak resident set of this child alone.
fn run_child(command: &mut Command) -> std::io::Result<Child> {
    use std::io::Read;
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut stderr)?;
    }
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: wait4 writes only the status and the rusage struct it is given; the child is ours
    // and not yet reaped (std's Child does not wait on drop).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if reaped != pid {
        return Err(std::io::Error::last_os_error());
    }
    let wall = started.elapsed();
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    // Linux reports ru_maxrss in KiB, macOS in bytes.
    let max_rss_kib = if cfg!(target_os = "macos") {
        usage.ru_maxrss as i64 / 1024
    } else {
        usage.ru_maxrss as i64
    };
    Ok(Child {
        wall,
        code,
        stderr,
        max_rss_kib,
    })
}

/// Records, tillsyn files and findings of the tree, from an untimed `--format json` run.
fn count_findings(
    binary: &Path,
    dir: &Path,
    extra: &[&str],
) -> Result<(usize, usize, Option<usize>), String> {
    let output = Command::new(binary)
        .arg("check")
        .arg(dir)
        .args(["--as-of", generator::AS_OF, "--format", "json"])
        .args(extra)
        .stderr(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|error| format!("the JSON output does not parse: {error}"))?;
    let count = |pointer: &str| {
        json.pointer(pointer)
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0) as usize
    };
    let findings = json
        .get("findings")
        .and_then(serde_json::Value::as_array)
        .map(Vec::len);
    Ok((count("/checked/records"), count("/checked/files"), findings))
}

fn print_table(rows: &[Row]) {
    // Every stage name that any run printed, in the order first seen.
    let mut stages: Vec<&str> = Vec::new();
    for row in rows {
        for (name, _) in &row.median.stages {
            if !stages.contains(&name.as_str()) {
                stages.push(name);
            }
        }
    }
    let mut header = format!(
        "{:<15} {:>9} {:>9} {:>6} {:>9}",
        "tree", "assets", "records", "files", "wall s"
    );
    for stage in &stages {
        let _ = std::fmt::Write::write_fmt(
            &mut header,
            format_args!(" {:>w$}", stage, w = stage.len().max(8)),
        );
    }
    header.push_str(&format!(" {:>9} {:>9}", "RSS MiB", "findings"));
    println!("\ntillsyn check, median of {RUNS} runs (RSS: the peak of the largest run)");
    println!("{header}");
    for row in rows {
        let mut line = format!(
            "{:<15} {:>9} {:>9} {:>6} {:>9.3}",
            row.label,
            row.assets,
            row.records,
            row.files,
            row.median.wall.as_secs_f64()
        );
        for stage in &stages {
            let width = stage.len().max(8);
            match row.median.stages.iter().find(|(name, _)| name == stage) {
                Some((_, seconds)) => line.push_str(&format!(" {seconds:>width$.3}")),
                None => line.push_str(&format!(" {:>width$}", "-")),
            }
        }
        line.push_str(&format!(
            " {:>9.0} {:>9}",
            row.peak_rss_mib,
            row.findings.map_or("?".to_string(), |n| n.to_string())
        ));
        println!("{line}");
    }
}
