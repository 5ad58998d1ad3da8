//! The auditor's report as one self-contained HTML file: inline CSS (with a print stylesheet),
//! inline SVG charts, no script and no external asset. Every value that comes from the data goes
//! through [`escape_html`].
//!
//! Indexing here is by positions of lists this module built, never by data from outside.
#![allow(clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::fmt::Write;

use super::compliance::{Matrix, Status};
use super::followup::{Filter, groups};
use crate::check::CheckResult;
use crate::figures::Initiative;
use crate::finding::{Finding, Severity, State, Summary};
use crate::followup::ledger::Run;
use crate::followup::state_name;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => escaped.push('\u{fffd}'),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Short alias used throughout.
fn e(text: &str) -> String {
    escape_html(text)
}

/// What the report is drawn from.
pub struct Input<'a> {
    pub result: &'a CheckResult,
    pub matrix: &'a Matrix,
    /// The ledger's run summaries, oldest first.
    pub runs: &'a [Run],
    /// The target share of innovation in the portfolio, in per cent.
    pub innovation_target_pct: f64,
    pub version: &'a str,
}

const STYLE: &str = r#"
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#ffffff; --soft:#f6f8fa;
  --critical:#8b1a1a; --high:#c2410c; --medium:#a16207; --low:#1d4ed8; --info:#57606a;
  --ok:#1a7f37; --partial:#9a6700; --bad:#cf222e; --na:#8c959f; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1180px; padding: 24px 32px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 20px 0 8px; }
p.meta { color: var(--muted); margin: 0 0 12px; }
nav { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
nav a { margin-right: 14px; color: #0969da; text-decoration: none; white-space: nowrap; }
.tiles { display: grid; grid-template-columns: repeat(7, 1fr); gap: 10px; }
.tile { border: 1px solid var(--line); border-left-width: 6px; border-radius: 6px; padding: 10px 12px; background: var(--soft); }
.tile .n { font-size: 28px; font-weight: 700; display: block; }
.tile .l { color: var(--muted); text-transform: uppercase; font-size: 11px; letter-spacing: .05em; }
.tile.critical { border-left-color: var(--critical); } .tile.high { border-left-color: var(--high); }
.tile.medium { border-left-color: var(--medium); } .tile.low { border-left-color: var(--low); }
.tile.info { border-left-color: var(--info); } .tile.accepted { border-left-color: var(--ok); }
.tile.overdue { border-left-color: var(--bad); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 7px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.msg { word-break: break-word; }
td.day { white-space: nowrap; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.sev { display: inline-block; padding: 0 6px; border-radius: 10px; color: #fff; font-size: 11px; font-weight: 600; }
.sev.critical { background: var(--critical); } .sev.high { background: var(--high); }
.sev.medium { background: var(--medium); } .sev.low { background: var(--low); } .sev.info { background: var(--info); }
.st { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 11px; font-weight: 600; border: 1px solid; white-space: nowrap; }
.st.compliant { color: var(--ok); } .st.partially { color: var(--partial); }
.st.non-compliant { color: var(--bad); } .st.not-assessed, .st.not-assessed-by-tillsyn { color: var(--na); }
tr.not-assessed-by-tillsyn td { color: var(--na); }
.bar { display: flex; height: 14px; border-radius: 7px; overflow: hidden; margin: 6px 0 4px; border: 1px solid var(--line); }
.bar span { display: block; height: 100%; }
.bar .compliant { background: var(--ok); } .bar .partially { background: #d4a72c; }
.bar .non-compliant { background: var(--bad); } .bar .not-assessed { background: #afb8c1; }
.bar .not-assessed-by-tillsyn { background: #eaeef2; }
.legend span { margin-right: 14px; color: var(--muted); font-size: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
figure { margin: 8px 0 16px; }
figure svg { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
.charts { display: grid; grid-template-columns: 1fr; gap: 8px; }
details.alt summary { cursor: pointer; color: var(--muted); font-size: 12px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
.empty { color: var(--muted); font-style: italic; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
  tr, figure, .tile { break-inside: avoid; }
  details.alt > * { display: block; }
  .tiles { grid-template-columns: repeat(7, 1fr); }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  @page { margin: 14mm; }
}
"#;

fn severity_colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "#8b1a1a",
        Severity::High => "#c2410c",
        Severity::Medium => "#a16207",
        Severity::Low => "#1d4ed8",
        Severity::Info => "#57606a",
    }
}

/// The report.
pub fn render(input: &Input) -> String {
    let result = input.result;
    let as_of = result.as_of.to_string();
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"tillsyn {version}\">\n\
         <title>Governance audit report as of {as_of} — tillsyn</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        version = e(input.version),
    );
    let _ = write!(
        html,
        "<header>\n<h1>Governance audit report</h1>\n<p class=\"meta\">As of <time datetime=\"{as_of}\">{as_of}</time> · \
         tillsyn {version} · {files} files, {records} records read · {findings} findings · compliance against {framework}</p>\n</header>\n",
        version = e(input.version),
        files = result.files,
        records = result.records,
        findings = result.findings.len(),
        framework = e(input.matrix.framework.name()),
    );
    html.push_str(
        "<nav aria-label=\"Contents\"><a href=\"#summary\">Summary</a><a href=\"#trend\">Trend</a>\
         <a href=\"#by-unit\">By unit</a><a href=\"#by-owner\">By owner</a>\
         <a href=\"#overdue\">Overdue</a><a href=\"#compliance\">Compliance</a>\
         <a href=\"#portfolio\">Portfolio</a><a href=\"#by-severity\">Findings by severity</a></nav>\n",
    );
    summary(&mut html, &result.findings);
    trend(&mut html, input);
    tally_section(
        &mut html,
        "by-unit",
        "Findings by unit",
        "Unit",
        "The unit where the responsibility for the finding lies.",
        &result.findings,
        |finding| {
            finding
                .responsible
                .as_ref()
                .and_then(|r| r.unit.clone())
                .unwrap_or_else(|| "(no unit)".into())
        },
    );
    tally_section(
        &mut html,
        "by-owner",
        "Findings by owner",
        "Responsible",
        "Who must act: the holder of the accountable role, and its unit.",
        &result.findings,
        |finding| match &finding.responsible {
            Some(r) => match &r.unit {
                Some(unit) => format!("{} ({unit})", r.holder),
                None => r.holder.clone(),
            },
            None => "(no responsible found)".into(),
        },
    );
    overdue(&mut html, &result.findings, result.as_of);
    compliance(&mut html, input.matrix);
    portfolio(&mut html, &result.initiatives, input.innovation_target_pct);
    by_severity(&mut html, &result.findings);
    let _ = write!(
        html,
        "<footer>Generated by tillsyn {version} for the as-of day {as_of}. The same repository and \
         as-of day give the same report. ISO/IEC 27001 control numbers and titles are used for \
         reference only.</footer>\n</body>\n</html>\n",
        version = e(input.version)
    );
    html
}

fn overdue_count(findings: &[Finding]) -> usize {
    findings
        .iter()
        .filter(|finding| finding.state == State::Overdue)
        .count()
}

fn summary(html: &mut String, findings: &[Finding]) {
    let counts = Summary::of(findings);
    html.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"tiles\">\n");
    for severity in Severity::ALL_DESCENDING {
        let _ = writeln!(
            html,
            "<div class=\"tile {s}\"><span class=\"n\">{n}</span><span class=\"l\">{s}</span></div>",
            s = severity.as_str(),
            n = counts.count(severity)
        );
    }
    let _ = writeln!(
        html,
        "<div class=\"tile accepted\"><span class=\"n\">{}</span><span class=\"l\">accepted</span></div>\n\
         <div class=\"tile overdue\"><span class=\"n\">{}</span><span class=\"l\">overdue</span></div>",
        counts.accepted,
        overdue_count(findings)
    );
    html.push_str(
        "</div>\n<p class=\"meta\">Counts by severity are of findings not accepted; accepted \
         findings are covered by an exception in force. Overdue: past their due date.</p>\n</section>\n",
    );
}

/// The series of the trend chart: the ledger's runs, and this run when the ledger has none for
/// its day (a report reads the ledger, it does not write it).
fn trend_points(input: &Input) -> Vec<(String, BTreeMap<Severity, usize>, bool)> {
    let mut points: Vec<(String, BTreeMap<Severity, usize>, bool)> = input
        .runs
        .iter()
        .map(|run| {
            let counts = Severity::ALL_DESCENDING
                .iter()
                .map(|severity| {
                    (
                        *severity,
                        run.severities.get(severity.as_str()).copied().unwrap_or(0),
                    )
                })
                .collect();
            (run.as_of.clone(), counts, false)
        })
        .collect();
    let as_of = input.result.as_of.to_string();
    if !points.iter().any(|(day, _, _)| *day == as_of) {
        let summary = Summary::of(&input.result.findings);
        let counts = Severity::ALL_DESCENDING
            .iter()
            .map(|severity| (*severity, summary.count(*severity)))
            .collect();
        points.push((as_of, counts, true));
    }
    points.sort_by(|a, b| a.0.cmp(&b.0));
    points
}

fn nice_ceiling(value: usize) -> usize {
    if value <= 5 {
        return 5;
    }
    let magnitude = 10usize.pow((value as f64).log10().floor() as u32);
    for step in [1, 2, 5, 10] {
        let ceiling = step * magnitude;
        if ceiling >= value {
            return ceiling;
        }
    }
    10 * magnitude
}

fn trend(html: &mut String, input: &Input) {
    let points = trend_points(input);
    html.push_str("<section id=\"trend\">\n<h2>Trend</h2>\n");
    let (width, height) = (760.0, 300.0);
    let (left, right, top, bottom) = (52.0, 130.0, 20.0, 48.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let max = points
        .iter()
        .flat_map(|(_, counts, _)| counts.values().copied())
        .max()
        .unwrap_or(0);
    let ceiling = nice_ceiling(max) as f64;
    let x_of = |index: usize| {
        if points.len() <= 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * index as f64 / (points.len() - 1) as f64
        }
    };
    let y_of = |count: usize| top + plot_h - plot_h * count as f64 / ceiling;
    let first = points.first().map(|p| p.0.clone()).unwrap_or_default();
    let last = points.last().map(|p| p.0.clone()).unwrap_or_default();
    let _ = write!(
        html,
        "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"trend-title trend-desc\">\n\
         <title id=\"trend-title\">Findings per severity over time</title>\n\
         <desc id=\"trend-desc\">Open findings (not accepted) per severity at each of {n} runs from {first} to {last}. The table below gives the same numbers.</desc>\n",
        n = points.len(),
        first = e(&first),
        last = e(&last),
    );
    // Grid and y axis.
    for step in 0..=5 {
        let value = ceiling * step as f64 / 5.0;
        let y = top + plot_h - plot_h * step as f64 / 5.0;
        let _ = writeln!(
            html,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{x2}\" y2=\"{y:.1}\" stroke=\"#d1d9e0\" stroke-width=\"1\"/>\
             <text x=\"{tx}\" y=\"{ty:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#59636e\">{value}</text>",
            x2 = left + plot_w,
            tx = left - 6.0,
            ty = y + 4.0,
        );
    }
    let label_every = points.len().div_ceil(8).max(1);
    for (index, (day, _, current)) in points.iter().enumerate() {
        if index % label_every != 0 && index + 1 != points.len() {
            continue;
        }
        let x = x_of(index);
        let _ = writeln!(
            html,
            "<text x=\"{x:.1}\" y=\"{y}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#59636e\">{day}{mark}</text>",
            y = top + plot_h + 18.0,
            day = e(day),
            mark = if *current { "*" } else { "" },
        );
    }
    let _ = write!(
        html,
        "<text x=\"{x}\" y=\"{y}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#59636e\">run (as-of day){note}</text>\n\
         <text x=\"14\" y=\"{my}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#59636e\" transform=\"rotate(-90 14 {my})\">open findings</text>\n",
        x = left + plot_w / 2.0,
        y = height - 10.0,
        my = top + plot_h / 2.0,
        note = if points.iter().any(|p| p.2) {
            "; * this run, not yet in the ledger"
        } else {
            ""
        },
    );
    for (rank, severity) in Severity::ALL_DESCENDING.iter().enumerate() {
        let colour = severity_colour(*severity);
        let coordinates: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(index, (_, counts, _))| {
                format!(
                    "{:.1},{:.1}",
                    x_of(index),
                    y_of(counts.get(severity).copied().unwrap_or(0))
                )
            })
            .collect();
        if points.len() > 1 {
            let _ = writeln!(
                html,
                "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\" points=\"{}\"/>",
                coordinates.join(" ")
            );
        }
        for (index, (day, counts, _)) in points.iter().enumerate() {
            let count = counts.get(severity).copied().unwrap_or(0);
            let _ = writeln!(
                html,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{colour}\"><title>{}: {count} {}</title></circle>",
                x_of(index),
                y_of(count),
                e(day),
                severity.as_str()
            );
        }
        let ly = top + 8.0 + rank as f64 * 20.0;
        let lx = left + plot_w + 18.0;
        let _ = writeln!(
            html,
            "<line x1=\"{lx}\" y1=\"{ly}\" x2=\"{lx2}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"3\"/>\
             <text x=\"{tx}\" y=\"{ty}\" font-size=\"12\" fill=\"#1f2328\">{}</text>",
            severity.as_str(),
            lx2 = lx + 22.0,
            tx = lx + 28.0,
            ty = ly + 4.0,
        );
    }
    html.push_str("</svg>\n<figcaption>Open findings per severity at each run the ledger recorded.</figcaption>\n");
    html.push_str("<details class=\"alt\" open><summary>Trend as a table</summary>\n<table>\n<thead><tr><th>Run (as-of day)</th>");
    for severity in Severity::ALL_DESCENDING {
        let _ = write!(html, "<th class=\"num\">{}</th>", severity.as_str());
    }
    html.push_str("<th class=\"num\">total</th></tr></thead>\n<tbody>\n");
    for (day, counts, current) in &points {
        let _ = write!(
            html,
            "<tr><td>{}{}</td>",
            e(day),
            if *current {
                " (this run, not in the ledger)"
            } else {
                ""
            }
        );
        let mut total = 0;
        for severity in Severity::ALL_DESCENDING {
            let count = counts.get(&severity).copied().unwrap_or(0);
            total += count;
            let _ = write!(html, "<td class=\"num\">{count}</td>");
        }
        let _ = writeln!(html, "<td class=\"num\">{total}</td></tr>");
    }
    html.push_str("</tbody>\n</table>\n</details>\n</figure>\n</section>\n");
}

fn findings_table(html: &mut String, findings: &[&Finding]) {
    html.push_str(
        "<table>\n<thead><tr><th>Rule</th><th>Finding</th><th>Where</th><th>Responsible</th>\
         <th>State</th><th>Due</th></tr></thead>\n<tbody>\n",
    );
    for finding in findings {
        let responsible = match &finding.responsible {
            Some(r) => match &r.unit {
                Some(unit) => format!("{} ({unit})", r.holder),
                None => r.holder.clone(),
            },
            None => String::new(),
        };
        let mut state = state_name(finding.state).to_string();
        if let Some(exception) = &finding.exception {
            state.push_str(&format!(
                " by {} until {}",
                exception.exception, exception.expires_on
            ));
        }
        let _ = writeln!(
            html,
            "<tr><td><code>{rule}</code> <span class=\"sev {sev}\">{sev}</span></td>\
             <td class=\"msg\">{message}</td><td><code>{place}</code>{record}</td>\
             <td>{responsible}</td><td>{state}</td><td class=\"day\">{due}</td></tr>",
            rule = e(&finding.rule),
            sev = finding.severity.as_str(),
            message = e(&finding.message),
            place = e(&finding.line_location()),
            record = match &finding.record {
                Some(record) => format!("<br>{}", e(record)),
                None => String::new(),
            },
            responsible = e(&responsible),
            state = e(&state),
            due = e(finding.due.as_deref().unwrap_or("–")),
        );
    }
    html.push_str("</tbody>\n</table>\n");
}

fn by_severity(html: &mut String, findings: &[Finding]) {
    html.push_str("<section id=\"by-severity\">\n<h2>Findings by severity</h2>\n");
    if findings.is_empty() {
        html.push_str("<p class=\"empty\">No findings.</p>\n</section>\n");
        return;
    }
    for severity in Severity::ALL_DESCENDING {
        let selected: Vec<&Finding> = findings
            .iter()
            .filter(|finding| finding.severity == severity)
            .collect();
        if selected.is_empty() {
            continue;
        }
        let _ = writeln!(
            html,
            "<h3><span class=\"sev {s}\">{s}</span> {n} findings</h3>",
            s = severity.as_str(),
            n = selected.len()
        );
        findings_table(html, &selected);
    }
    html.push_str("</section>\n");
}

fn tally_section(
    html: &mut String,
    id: &str,
    heading: &str,
    what: &str,
    note: &str,
    findings: &[Finding],
    key: impl Fn(&Finding) -> String,
) {
    #[derive(Default)]
    struct Tally {
        severities: BTreeMap<Severity, usize>,
        accepted: usize,
        overdue: usize,
        total: usize,
    }
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for finding in findings {
        let tally = tallies.entry(key(finding)).or_default();
        tally.total += 1;
        if finding.state == State::Accepted {
            tally.accepted += 1;
        } else {
            *tally.severities.entry(finding.severity).or_default() += 1;
        }
        if finding.state == State::Overdue {
            tally.overdue += 1;
        }
    }
    let mut rows: Vec<(String, Tally)> = tallies.into_iter().collect();
    rows.sort_by(|a, b| {
        let weight = |tally: &Tally| {
            Severity::ALL_DESCENDING
                .iter()
                .map(|severity| tally.severities.get(severity).copied().unwrap_or(0))
                .collect::<Vec<_>>()
        };
        b.1.overdue
            .cmp(&a.1.overdue)
            .then_with(|| weight(&b.1).cmp(&weight(&a.1)))
            .then_with(|| a.0.cmp(&b.0))
    });
    let _ = write!(
        html,
        "<section id=\"{id}\">\n<h2>{heading}</h2>\n<p class=\"meta\">{note}</p>\n<table>\n<thead><tr><th>{what}</th>"
    );
    for severity in Severity::ALL_DESCENDING {
        let _ = write!(html, "<th class=\"num\">{}</th>", severity.as_str());
    }
    html.push_str(
        "<th class=\"num\">accepted</th><th class=\"num\">overdue</th><th class=\"num\">total</th></tr></thead>\n<tbody>\n",
    );
    for (name, tally) in &rows {
        let _ = write!(html, "<tr><td>{}</td>", e(name));
        for severity in Severity::ALL_DESCENDING {
            let _ = write!(
                html,
                "<td class=\"num\">{}</td>",
                tally.severities.get(&severity).copied().unwrap_or(0)
            );
        }
        let _ = writeln!(
            html,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            tally.accepted, tally.overdue, tally.total
        );
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
}

fn overdue(html: &mut String, findings: &[Finding], as_of: jiff::civil::Date) {
    let filter = Filter {
        overdue_only: true,
        ..Filter::default()
    };
    let groups = groups(findings, &filter);
    html.push_str("<section id=\"overdue\">\n<h2>Overdue follow-ups per owner</h2>\n");
    if groups.is_empty() {
        html.push_str("<p class=\"empty\">No finding is overdue.</p>\n</section>\n");
        return;
    }
    for group in &groups {
        let who = match &group.unit {
            Some(unit) => format!("{} ({unit})", group.holder),
            None => group.holder.clone(),
        };
        let _ = writeln!(
            html,
            "<h3>{} — {} overdue</h3>\n<table>\n<thead><tr><th>Due</th><th>Days overdue</th>\
             <th>Escalated to</th><th>Rule</th><th>Finding</th><th>Where</th></tr></thead>\n<tbody>",
            e(&who),
            group.overdue
        );
        for finding in &group.findings {
            let days = finding
                .due
                .as_deref()
                .and_then(|due| due.parse::<jiff::civil::Date>().ok())
                .and_then(|due| due.until(as_of).ok())
                .map(|span| span.get_days().to_string())
                .unwrap_or_else(|| "–".to_string());
            let unit = finding
                .escalation
                .as_ref()
                .map(|escalation| escalation.unit.clone())
                .unwrap_or_else(|| "–".to_string());
            let _ = writeln!(
                html,
                "<tr><td class=\"day\">{}</td><td class=\"num\">{}</td><td>{}</td><td><code>{}</code> \
                 <span class=\"sev {s}\">{s}</span></td><td class=\"msg\">{}</td><td><code>{}</code></td></tr>",
                e(finding.due.as_deref().unwrap_or("–")),
                e(&days),
                e(&unit),
                e(&finding.rule),
                e(&finding.message),
                e(&finding.line_location()),
                s = finding.severity.as_str(),
            );
        }
        html.push_str("</tbody>\n</table>\n");
    }
    html.push_str("</section>\n");
}

fn compliance(html: &mut String, matrix: &Matrix) {
    let _ = write!(
        html,
        "<section id=\"compliance\">\n<h2>Compliance: {}</h2>\n",
        e(matrix.framework.name())
    );
    let total = matrix.controls.len().max(1);
    let counts = matrix.counts();
    html.push_str("<div class=\"bar\" role=\"presentation\">");
    for (status, count) in &counts {
        let _ = write!(
            html,
            "<span class=\"{}\" style=\"width:{:.2}%\"></span>",
            status.slug(),
            100.0 * *count as f64 / total as f64
        );
    }
    html.push_str("</div>\n<p class=\"legend\">");
    for (status, count) in &counts {
        let _ = write!(
            html,
            "<span><i class=\"{slug}\" style=\"background:{colour}\"></i>{count} {label}</span>",
            slug = status.slug(),
            colour = match status {
                Status::Compliant => "#1a7f37",
                Status::Partially => "#d4a72c",
                Status::NonCompliant => "#cf222e",
                Status::NotAssessed => "#afb8c1",
                Status::NotAssessedByTillsyn => "#eaeef2",
            },
            label = status.label()
        );
    }
    html.push_str(
        "</p>\n<p class=\"meta\">Evaluated: records (files, references, groups) the control's rules judged. \
         Failed: distinct records with a finding not accepted. Accepted: records whose findings are all \
         covered by an exception. Passed: evaluated − failed − accepted.</p>\n",
    );
    html.push_str(
        "<table>\n<thead><tr><th>Control</th><th>Title</th><th>Rules</th><th class=\"num\">Evaluated</th>\
         <th class=\"num\">Failed</th><th class=\"num\">Accepted</th><th class=\"num\">Passed</th>\
         <th>Status</th></tr></thead>\n<tbody>\n",
    );
    let iso = matrix.framework == super::compliance::Framework::Iso27001;
    for (index, control) in matrix.controls.iter().enumerate() {
        if iso && index == 0 {
            html.push_str("<tr><th colspan=\"8\">Annex A controls</th></tr>\n");
        }
        if iso
            && !control.number.starts_with("A.")
            && matrix.controls[..index]
                .iter()
                .all(|c| c.number.starts_with("A."))
        {
            html.push_str("<tr><th colspan=\"8\">Clauses</th></tr>\n");
        }
        let count = |value: usize| {
            if control.status == Status::NotAssessedByTillsyn {
                "–".to_string()
            } else {
                value.to_string()
            }
        };
        let _ = writeln!(
            html,
            "<tr class=\"{slug}\"><td><code>{number}</code></td><td>{title}</td><td>{rules}</td>\
             <td class=\"num\">{evaluated}</td><td class=\"num\">{failed}</td><td class=\"num\">{accepted}</td>\
             <td class=\"num\">{passed}</td><td><span class=\"st {slug}\">{label}</span></td></tr>",
            slug = control.status.slug(),
            number = e(&control.number),
            title = e(control.title.unwrap_or("")),
            rules = e(&control.rules.join(", ")),
            evaluated = count(control.evaluated),
            failed = count(control.failed),
            accepted = count(control.accepted),
            passed = count(control.passed),
            label = control.status.label(),
        );
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
}

const UNIT_COLOURS: [&str; 8] = [
    "#0969da", "#8250df", "#1a7f37", "#bf3989", "#9a6700", "#0a7f8f", "#cf222e", "#57606a",
];

/// Where an initiative's orientation and benefit focus put it: x 0 (efficiency) to 1
/// (innovation), y 0 (internal) to 1 (external), `both` halfway.
fn axes(initiative: &Initiative) -> (f64, f64) {
    let x = if initiative.orientation == "innovation" {
        1.0
    } else {
        0.0
    };
    let y = match initiative.benefit_focus.as_str() {
        "external" => 1.0,
        "both" => 0.5,
        _ => 0.0,
    };
    (x, y)
}

fn format_sek(amount: f64) -> String {
    let whole = amount.round() as i64;
    let digits = whole.abs().to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(digit);
    }
    if whole < 0 {
        grouped.insert(0, '-');
    }
    grouped
}

fn portfolio(html: &mut String, initiatives: &[Initiative], target_pct: f64) {
    html.push_str("<section id=\"portfolio\">\n<h2>Portfolio balance</h2>\n");
    if initiatives.is_empty() {
        html.push_str(
            "<p class=\"empty\">The repository has no active initiatives.</p>\n</section>\n",
        );
        return;
    }
    // The budget-weighted mean position; equal weights when no initiative has a budget.
    let budgets: Vec<f64> = initiatives
        .iter()
        .map(|i| i.budget_sek.unwrap_or(0.0).max(0.0))
        .collect();
    let total_budget: f64 = budgets.iter().sum();
    let weights: Vec<f64> = if total_budget > 0.0 {
        budgets.iter().map(|b| b / total_budget).collect()
    } else {
        vec![1.0 / initiatives.len() as f64; initiatives.len()]
    };
    let (mut mean_x, mut mean_y) = (0.0, 0.0);
    for (initiative, weight) in initiatives.iter().zip(&weights) {
        let (x, y) = axes(initiative);
        mean_x += x * weight;
        mean_y += y * weight;
    }
    let target = (target_pct / 100.0).clamp(0.0, 1.0);
    let max_budget = budgets.iter().copied().fold(0.0, f64::max);
    let mut units: Vec<&str> = initiatives.iter().map(|i| i.unit.as_str()).collect();
    units.sort();
    units.dedup();
    let colour_of = |unit: &str| {
        let index = units.iter().position(|u| *u == unit).unwrap_or(0);
        UNIT_COLOURS[index % UNIT_COLOURS.len()]
    };

    let (width, height) = (760.0, 560.0);
    let (left, top, size) = (70.0, 30.0, 460.0);
    let half = size / 2.0;
    let px = |x: f64| left + x * size;
    let py = |y: f64| top + size - y * size;
    let _ = write!(
        html,
        "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"portfolio-title portfolio-desc\">\n\
         <title id=\"portfolio-title\">Portfolio balance: efficiency and innovation, internal and external benefit</title>\n\
         <desc id=\"portfolio-desc\">{n} active initiatives placed by orientation (efficiency left, innovation right) and benefit focus \
         (internal bottom, external top, both on the middle line), circles sized by budget and coloured by unit. \
         The organisation's budget-weighted position is {share:.1} % innovation and {external:.1} % external; the target is {target_pct} % innovation. \
         The table below gives the same data.</desc>\n",
        n = initiatives.len(),
        share = mean_x * 100.0,
        external = mean_y * 100.0,
        target_pct = e(&format!("{target_pct}")),
    );
    // Quadrants.
    for (qx, qy, fill, label) in [
        (0.0, 0.0, "#eef4fb", "Efficiency · external"),
        (1.0, 0.0, "#f3effb", "Innovation · external"),
        (0.0, 1.0, "#f6f8fa", "Efficiency · internal"),
        (1.0, 1.0, "#fbf3f7", "Innovation · internal"),
    ] {
        let x = left + qx * half;
        let y = top + qy * half;
        let _ = writeln!(
            html,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{half}\" height=\"{half}\" fill=\"{fill}\" stroke=\"#d1d9e0\"/>\
             <text x=\"{tx}\" y=\"{ty}\" font-size=\"12\" fill=\"#59636e\" font-weight=\"600\">{label}</text>",
            tx = x + 8.0,
            // Labels at the outer edges, clear of the middle line where `both` sits.
            ty = if qy == 0.0 { y + 18.0 } else { y + half - 10.0 },
        );
    }
    let _ = write!(
        html,
        "<text x=\"{cx}\" y=\"{by}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1f2328\">← efficiency · orientation · innovation →</text>\n\
         <text x=\"{lx}\" y=\"{cy}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1f2328\" transform=\"rotate(-90 {lx} {cy})\">← internal · benefit focus · external →</text>\n",
        cx = left + half,
        by = top + size + 26.0,
        lx = left - 22.0,
        cy = top + half,
    );
    // Initiatives: grouped by cell, laid out on a grid within their quadrant (or along the
    // middle line for `both`), in repository order.
    let mut cells: BTreeMap<(u8, u8), Vec<usize>> = BTreeMap::new();
    for (index, initiative) in initiatives.iter().enumerate() {
        let (x, y) = axes(initiative);
        cells
            .entry(((x * 2.0) as u8, (y * 2.0) as u8))
            .or_default()
            .push(index);
    }
    for ((cx, cy), members) in &cells {
        let x0 = if *cx == 0 { left } else { left + half };
        let count = members.len();
        let (columns, rows) = if *cy == 1 {
            (count, 1)
        } else {
            let columns = (count as f64).sqrt().ceil() as usize;
            (columns, count.div_ceil(columns))
        };
        let y0 = match cy {
            2 => top,
            1 => top + half - half / 2.0,
            _ => top + half,
        };
        let cell_h = if *cy == 1 { half } else { half - 24.0 };
        let y_base = if *cy == 1 { y0 } else { y0 + 24.0 };
        for (slot, index) in members.iter().enumerate() {
            let initiative = &initiatives[*index];
            let column = slot % columns;
            let row = slot / columns;
            let x = x0 + half * (column as f64 + 1.0) / (columns as f64 + 1.0);
            let y = y_base + cell_h * (row as f64 + 1.0) / (rows as f64 + 1.0);
            let radius = match initiative.budget_sek {
                Some(budget) if max_budget > 0.0 => {
                    6.0 + 30.0 * (budget.max(0.0) / max_budget).sqrt()
                }
                _ => 6.0,
            };
            let budget = initiative
                .budget_sek
                .map(|b| format!("{} SEK", format_sek(b)))
                .unwrap_or_else(|| "no budget given".into());
            let _ = writeln!(
                html,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{radius:.1}\" fill=\"{colour}\" fill-opacity=\"0.55\" stroke=\"{colour}\" stroke-width=\"1.5\"{dash}>\
                 <title>{title}</title></circle>\
                 <text x=\"{x:.1}\" y=\"{ty:.1}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#1f2328\">{id}</text>",
                colour = colour_of(&initiative.unit),
                dash = if initiative.budget_sek.is_none() {
                    " stroke-dasharray=\"3 2\""
                } else {
                    ""
                },
                title = e(&format!(
                    "{} {} ({}): {}, {} benefit, {}, {budget}",
                    initiative.id,
                    initiative.name,
                    initiative.unit,
                    initiative.orientation,
                    initiative.benefit_focus,
                    initiative.phase
                )),
                ty = y + radius + 11.0,
                id = e(&initiative.id),
            );
        }
    }
    // Target: the innovation share the organisation aims for.
    let tx = px(target);
    let _ = writeln!(
        html,
        "<line x1=\"{tx:.1}\" y1=\"{top}\" x2=\"{tx:.1}\" y2=\"{bottom}\" stroke=\"#1a7f37\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\
         <text x=\"{lx:.1}\" y=\"{ly}\" font-size=\"11\" fill=\"#1a7f37\" font-weight=\"600\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">target {target_pct} % innovation</text>\
         <circle cx=\"{tx:.1}\" cy=\"{cy:.1}\" r=\"7\" fill=\"none\" stroke=\"#1a7f37\" stroke-width=\"2.5\"><title>Target: {target_pct} % innovation</title></circle>",
        bottom = top + size,
        lx = tx + 5.0,
        ly = top - 8.0,
        cy = py(mean_y),
        target_pct = e(&format!("{target_pct}")),
    );
    // The organisation's current, budget-weighted position.
    let (mx, my) = (px(mean_x), py(mean_y));
    let _ = writeln!(
        html,
        "<path d=\"M {a:.1} {my:.1} L {mx:.1} {b:.1} L {c:.1} {my:.1} L {mx:.1} {d:.1} Z\" fill=\"#1f2328\" stroke=\"#fff\" stroke-width=\"1.5\">\
         <title>Now: {share:.1} % innovation, {external:.1} % external (budget-weighted)</title></path>\
         <text x=\"{lx:.1}\" y=\"{ly:.1}\" font-size=\"12\" font-weight=\"700\" fill=\"#1f2328\" stroke=\"#ffffff\" stroke-width=\"4\" paint-order=\"stroke\">now {share:.1} %</text>",
        a = mx - 8.0,
        b = my - 8.0,
        c = mx + 8.0,
        d = my + 8.0,
        share = mean_x * 100.0,
        external = mean_y * 100.0,
        lx = mx - 6.0,
        ly = my - 14.0,
    );
    // Legend: units, then the markers.
    let legend_x = left + size + 30.0;
    let _ = writeln!(
        html,
        "<text x=\"{legend_x}\" y=\"{y}\" font-size=\"12\" font-weight=\"600\" fill=\"#1f2328\">Unit</text>",
        y = top + 12.0
    );
    for (rank, unit) in units.iter().enumerate() {
        let y = top + 32.0 + rank as f64 * 20.0;
        let _ = writeln!(
            html,
            "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"6\" fill=\"{colour}\" fill-opacity=\"0.55\" stroke=\"{colour}\"/>\
             <text x=\"{tx}\" y=\"{ty}\" font-size=\"12\" fill=\"#1f2328\">{unit}</text>",
            cx = legend_x + 6.0,
            cy = y - 4.0,
            colour = colour_of(unit),
            tx = legend_x + 18.0,
            ty = y,
            unit = e(unit),
        );
    }
    let y = top + 52.0 + units.len() as f64 * 20.0;
    let _ = writeln!(
        html,
        "<path d=\"M {a} {b} L {c} {d} L {e2} {b} L {c} {f} Z\" fill=\"#1f2328\"/>\
         <text x=\"{tx}\" y=\"{ty}\" font-size=\"12\" fill=\"#1f2328\">now (budget-weighted)</text>\
         <circle cx=\"{c}\" cy=\"{cy2}\" r=\"6\" fill=\"none\" stroke=\"#1a7f37\" stroke-width=\"2.5\"/>\
         <text x=\"{tx}\" y=\"{ty2}\" font-size=\"12\" fill=\"#1f2328\">target</text>\
         <text x=\"{legend_x}\" y=\"{ty3}\" font-size=\"11\" fill=\"#59636e\">circle size grows with budget</text>",
        a = legend_x,
        b = y - 4.0,
        c = legend_x + 6.0,
        d = y - 10.0,
        e2 = legend_x + 12.0,
        f = y + 2.0,
        tx = legend_x + 18.0,
        ty = y,
        cy2 = y + 16.0,
        ty2 = y + 20.0,
        ty3 = y + 44.0,
    );
    html.push_str("</svg>\n<figcaption>Each circle is an active initiative; the diamond is the organisation's budget-weighted position and the dashed line its innovation target.</figcaption>\n");
    html.push_str(
        "<details class=\"alt\" open><summary>Portfolio as a table</summary>\n<table>\n<thead><tr><th>Initiative</th><th>Name</th>\
         <th>Unit</th><th>Orientation</th><th>Benefit focus</th><th>Phase</th><th class=\"num\">Budget (SEK)</th></tr></thead>\n<tbody>\n",
    );
    for initiative in initiatives {
        let _ = writeln!(
            html,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            e(&initiative.id),
            e(&initiative.name),
            e(&initiative.unit),
            e(&initiative.orientation),
            e(&initiative.benefit_focus),
            e(&initiative.phase),
            initiative
                .budget_sek
                .map(format_sek)
                .unwrap_or_else(|| "–".into()),
        );
    }
    let _ = writeln!(
        html,
        "</tbody>\n<tfoot><tr><th colspan=\"6\">Now (budget-weighted): innovation share / external share</th>\
         <td class=\"num\">{:.1} % / {:.1} %</td></tr>\
         <tr><th colspan=\"6\">Target innovation share</th><td class=\"num\">{} %</td></tr>\
         <tr><th colspan=\"6\">Total budget</th><td class=\"num\">{}</td></tr></tfoot>\n</table>\n</details>\n</figure>\n</section>",
        mean_x * 100.0,
        mean_y * 100.0,
        e(&format!("{target_pct}")),
        format_sek(total_budget),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            super::escape_html("<script>alert(\"x&y\")</script>'"),
            "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;&#39;"
        );
    }

    #[test]
    fn nice_ceilings() {
        assert_eq!(super::nice_ceiling(0), 5);
        assert_eq!(super::nice_ceiling(37), 50);
        assert_eq!(super::nice_ceiling(96), 100);
        assert_eq!(super::nice_ceiling(101), 200);
    }
}
