//! The auditor's report as one self-contained HTML file: inline CSS (with a print stylesheet),
//! inline SVG charts, no script and no external asset. The page is written with maud's
//! templates, which escape every value spliced into them, so a value from the data cannot become
//! markup; the only text written as it is is this module's own stylesheet. Control characters
//! in the data do not reach the page either: [`without_controls`] replaces them in the finished
//! page.
//!
//! Indexing here is by positions of lists this module built, never by data from outside.
#![allow(clippy::indexing_slicing)]

use std::collections::BTreeMap;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::finding::{Finding, Severity, State, day};
use crate::lang::{Lang, msg};
use crate::outcome::Initiative;
use crate::outcome::Outcome;
use crate::views::compliance::{Matrix, Status};
use crate::views::followup::{Filter, groups};
use crate::views::portfolio::{Balance, axes, balance};

/// The report's words in one language.
struct Labels {
    lang: Lang,
}

impl Labels {
    /// A phrase in the report's language.
    fn t(&self, english: &'static str) -> &'static str {
        self.lang.t(english)
    }

    /// A phrase with its `{…}` placeholders filled in.
    fn fill(&self, english: &'static str, values: &[(&str, &str)]) -> String {
        super::fill(self.t(english), values)
    }

    /// A phrase with its `{…}` placeholders filled in with markup: the phrase's own text is
    /// escaped, the values are spliced as maud built them. As [`super::fill`] does, a `{` that
    /// names no value stays as it is.
    fn fill_markup(&self, english: &'static str, values: &[(&str, Markup)]) -> Markup {
        enum Part<'a> {
            Text(&'a str),
            Value(&'a Markup),
        }
        let mut parts = Vec::new();
        let mut rest = self.t(english);
        while let Some(open) = rest.find('{') {
            let (before, from_brace) = rest.split_at(open);
            parts.push(Part::Text(before));
            let value = from_brace.find('}').and_then(|close| {
                let name = from_brace.get(1..close)?;
                let (_, value) = values.iter().find(|(key, _)| *key == name)?;
                Some((value, close))
            });
            match value {
                Some((value, close)) => {
                    parts.push(Part::Value(value));
                    rest = from_brace.get(close + 1..).unwrap_or_default();
                }
                None => {
                    parts.push(Part::Text("{"));
                    rest = from_brace.get(1..).unwrap_or_default();
                }
            }
        }
        parts.push(Part::Text(rest));
        html! {
            @for part in parts {
                @match part {
                    Part::Text(text) => (text),
                    Part::Value(markup) => (markup),
                }
            }
        }
    }
}

/// What the report is drawn from.
pub struct Input<'a> {
    pub result: &'a Outcome,
    pub matrix: &'a Matrix,
    pub version: &'a str,
    /// The language of the labels (the findings are already in it).
    pub lang: Lang,
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

/// A number with one decimal, as the charts place their marks.
fn one_decimal(value: f64) -> String {
    format!("{value:.1}")
}

/// The page with every control character but the line feed and the tab replaced by U+FFFD, so
/// that a value from the data cannot carry one into the file (maud escapes markup, not
/// controls). The module's own markup holds no other control character, so only the data's are
/// replaced.
fn without_controls(page: String) -> String {
    let is_unwanted = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !page.contains(is_unwanted) {
        return page;
    }
    page.chars()
        .map(|c| {
            if is_unwanted(c) {
                char::REPLACEMENT_CHARACTER
            } else {
                c
            }
        })
        .collect()
}

/// The report.
pub fn render(input: &Input) -> String {
    let result = input.result;
    let l = &Labels { lang: input.lang };
    let as_of = result.as_of.to_string();
    let totals = result.summary();
    let meta = l.fill_markup(
        "As of {as_of} · tillsyn {version} · {files} files, {records} records read · {findings} findings · compliance against {framework}",
        &[
            ("as_of", html! { time datetime=(as_of) { (as_of) } }),
            ("version", html! { (input.version) }),
            ("files", html! { (result.files) }),
            ("records", html! { (result.records) }),
            ("findings", html! { (totals.open() + totals.accepted) }),
            (
                "framework",
                html! { (input.matrix.framework.name_in(input.lang)) },
            ),
        ],
    );
    let page = html! {
        (DOCTYPE) "\n"
        html lang=(match input.lang { Lang::En => "en", Lang::Sv => "sv" }) {
            "\n"
            head {
                "\n"
                meta charset="utf-8"; "\n"
                meta name="viewport" content="width=device-width, initial-scale=1"; "\n"
                meta name="generator" content={ "tillsyn " (input.version) }; "\n"
                title {
                    (l.fill(
                        "Governance audit report as of {as_of} — tillsyn",
                        &[("as_of", &as_of)],
                    ))
                }
                "\n"
                // Unescaped, since CSS is not HTML text (`>` is a selector); safe, since
                // STYLE is this module's constant and holds no `</style`.
                style { (PreEscaped(STYLE)) }
                "\n"
            }
            "\n"
            body {
                "\n"
                header {
                    "\n" h1 { (l.t("Governance audit report")) } "\n"
                    p class="meta" { (meta) } "\n"
                }
                "\n"
                nav aria-label=(l.t("Contents")) {
                    @for (anchor, label) in [
                        ("summary", msg("Summary")),
                        ("trend", msg("Trend")),
                        ("by-unit", msg("By unit")),
                        ("by-owner", msg("By owner")),
                        ("overdue", msg("Overdue")),
                        ("compliance", msg("Compliance")),
                        ("portfolio", msg("Portfolio")),
                        ("by-severity", msg("Findings by severity")),
                    ] {
                        a href={ "#" (anchor) } { (l.t(label)) }
                    }
                }
                "\n"
                (summary(result, l))
                (trend(input, l))
                (tally_section(
                    l,
                    ("by-unit", msg("Findings by unit")),
                    "Unit",
                    msg("The unit where the responsibility for the finding lies."),
                    &result.findings,
                    |finding| {
                        finding
                            .responsible
                            .as_ref()
                            .and_then(|r| r.unit.clone())
                            .unwrap_or_else(|| l.t("(no unit)").into())
                    },
                ))
                (tally_section(
                    l,
                    ("by-owner", msg("Findings by owner")),
                    "Responsible",
                    msg("Who must act: the holder of the accountable role, and its unit."),
                    &result.findings,
                    |finding| {
                        holder_and_unit(finding)
                            .unwrap_or_else(|| l.t("(no responsible found)").into())
                    },
                ))
                (overdue(&result.findings, result.as_of, l))
                (compliance(input.matrix, l))
                // The default pack declares the target, so the section is always there.
                @if let Some(target_pct) = result.portfolio.innovation_target_pct {
                    (portfolio(&result.portfolio.initiatives, target_pct, l))
                }
                (by_severity(&result.findings, l))
                footer {
                    (l.fill(
                        "Generated by tillsyn {version} for the as-of day {as_of}. The same repository and as-of day give the same report. ISO/IEC 27001 control numbers and titles are used for reference only.",
                        &[("version", input.version), ("as_of", &as_of)],
                    ))
                }
                "\n"
            }
            "\n"
        }
        "\n"
    };
    without_controls(page.into_string())
}

/// One tile of the summary: a count and what it counts.
fn tile(kind: &str, count: usize, label: &str) -> Markup {
    html! {
        div class={ "tile " (kind) } { span class="n" { (count) } span class="l" { (label) } }
    }
}

/// The run's counts: the listed findings and those the cap left unlisted, which it names.
fn summary(result: &Outcome, l: &Labels) -> Markup {
    let counts = result.summary();
    html! {
        section id="summary" {
            "\n" h2 { (l.t("Summary")) } "\n"
            div class="tiles" {
                "\n"
                @for severity in Severity::ALL_DESCENDING {
                    @let label = l.lang.severity(severity);
                    (tile(severity.as_str(), counts.count(severity), label)) "\n"
                }
                (tile("accepted", counts.accepted, l.t("accepted"))) "\n"
                (tile("overdue", result.overdue(), l.t("overdue"))) "\n"
            }
            "\n"
            p class="meta" {
                (l.t("Counts by severity are of findings not accepted; accepted findings are covered by an exception in force. Overdue: past their due date."))
            }
            "\n"
            @for unlisted in &result.unlisted {
                p class="note" {
                    strong { (l.t("Note:")) } " " (super::unlisted_sentence(unlisted, l.lang))
                }
                "\n"
            }
        }
        "\n"
    }
}

/// The series of the trend chart: the ledger's runs, and this run when the ledger has none for
/// its day (a report reads the ledger, it does not write it).
fn trend_points(input: &Input) -> Vec<(String, BTreeMap<Severity, usize>, bool)> {
    let mut points: Vec<(String, BTreeMap<Severity, usize>, bool)> = input
        .result
        .history
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
        let summary = input.result.summary();
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

fn trend(input: &Input, l: &Labels) -> Markup {
    let points = trend_points(input);
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
    let count_at = |counts: &BTreeMap<Severity, usize>, severity: Severity| {
        counts.get(&severity).copied().unwrap_or(0)
    };
    let first = points.first().map(|p| p.0.clone()).unwrap_or_default();
    let last = points.last().map(|p| p.0.clone()).unwrap_or_default();
    let label_every = points.len().div_ceil(8).max(1);
    let axis_label_y = top + plot_h / 2.0;
    let total_at = |counts: &BTreeMap<Severity, usize>| {
        Severity::ALL_DESCENDING
            .iter()
            .map(|severity| count_at(counts, *severity))
            .sum::<usize>()
    };
    let chart = html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (width) " " (height) }
            width=(width) height=(height) role="img" aria-labelledby="trend-title trend-desc" {
            "\n"
            title id="trend-title" { (l.t("Findings per severity over time")) } "\n"
            desc id="trend-desc" {
                (l.fill(
                    "Open findings (not accepted) per severity at each of {n} runs from {first} to {last}. The table below gives the same numbers.",
                    &[("n", &points.len().to_string()), ("first", &first), ("last", &last)],
                ))
            }
            "\n"
            // Grid and y axis.
            @for step in 0..=5 {
                @let y = top + plot_h - plot_h * step as f64 / 5.0;
                line x1=(left) y1=(one_decimal(y)) x2=(left + plot_w) y2=(one_decimal(y))
                    stroke="#d1d9e0" stroke-width="1" {}
                text x=(left - 6.0) y=(one_decimal(y + 4.0))
                    font-size="11" text-anchor="end" fill="#59636e" {
                    (ceiling * step as f64 / 5.0)
                }
                "\n"
            }
            @for (index, (day, _, current)) in points.iter().enumerate() {
                @if index % label_every == 0 || index + 1 == points.len() {
                    text x=(one_decimal(x_of(index))) y=(top + plot_h + 18.0)
                        font-size="11" text-anchor="middle" fill="#59636e" {
                        (day) @if *current { "*" }
                    }
                    "\n"
                }
            }
            text x=(left + plot_w / 2.0) y=(height - 10.0)
                font-size="11" text-anchor="middle" fill="#59636e" {
                (l.t("run (as-of day)"))
                @if points.iter().any(|p| p.2) {
                    (l.t("; * this run, not yet in the ledger"))
                }
            }
            "\n"
            text x="14" y=(axis_label_y) font-size="11" text-anchor="middle" fill="#59636e"
                transform={ "rotate(-90 14 " (axis_label_y) ")" } {
                (l.t("open findings"))
            }
            "\n"
            @for (rank, severity) in Severity::ALL_DESCENDING.iter().copied().enumerate() {
                @let colour = severity_colour(severity);
                @if points.len() > 1 {
                    @let coordinates: Vec<String> = points
                        .iter()
                        .enumerate()
                        .map(|(index, (_, counts, _))| {
                            let y = y_of(count_at(counts, severity));
                            format!("{:.1},{y:.1}", x_of(index))
                        })
                        .collect();
                    polyline fill="none" stroke=(colour) stroke-width="2.5"
                        points=(coordinates.join(" ")) {}
                    "\n"
                }
                @for (index, (day, counts, _)) in points.iter().enumerate() {
                    @let count = count_at(counts, severity);
                    circle cx=(one_decimal(x_of(index))) cy=(one_decimal(y_of(count)))
                        r="3.5" fill=(colour) {
                        title { (day) ": " (count) " " (l.lang.severity(severity)) }
                    }
                    "\n"
                }
                @let ly = top + 8.0 + rank as f64 * 20.0;
                @let lx = left + plot_w + 18.0;
                line x1=(lx) y1=(ly) x2=(lx + 22.0) y2=(ly) stroke=(colour) stroke-width="3" {}
                text x=(lx + 28.0) y=(ly + 4.0) font-size="12" fill="#1f2328" {
                    (l.lang.severity(severity))
                }
                "\n"
            }
        }
    };
    let table = html! {
        table {
            "\n"
            thead {
                tr {
                    th { (l.t("Run (as-of day)")) }
                    @for severity in Severity::ALL_DESCENDING {
                        th class="num" { (l.lang.severity(severity)) }
                    }
                    th class="num" { (l.t("total")) }
                }
            }
            "\n"
            tbody {
                "\n"
                @for (day, counts, current) in &points {
                    tr {
                        td {
                            (day)
                            @if *current { (l.t(" (this run, not in the ledger)")) }
                        }
                        @for severity in Severity::ALL_DESCENDING {
                            td class="num" { (count_at(counts, severity)) }
                        }
                        td class="num" { (total_at(counts)) }
                    }
                    "\n"
                }
            }
            "\n"
        }
    };
    html! {
        section id="trend" {
            "\n" h2 { (l.t("Trend")) } "\n"
            (chart_with_table(
                chart,
                l.t("Open findings per severity at each run the ledger recorded."),
                l.t("Trend as a table"),
                table,
            ))
        }
        "\n"
    }
}

/// A chart with its caption and, below it, the same data as a table: open, and printed, for
/// those who cannot see the chart.
fn chart_with_table(chart: Markup, caption: &str, table_summary: &str, table: Markup) -> Markup {
    html! {
        figure {
            "\n" (chart) "\n"
            figcaption { (caption) } "\n"
            details class="alt" open {
                summary { (table_summary) } "\n"
                (table) "\n"
            }
            "\n"
        }
        "\n"
    }
}

/// Who must act on a finding: the holder of the accountable role, and its unit.
fn holder_and_unit(finding: &Finding) -> Option<String> {
    finding.responsible.as_ref().map(|r| match &r.unit {
        Some(unit) => format!("{} ({unit})", r.holder),
        None => r.holder.clone(),
    })
}

/// A severity as a coloured badge.
fn severity_badge(severity: Severity, l: &Labels) -> Markup {
    html! { span class={ "sev " (severity.as_str()) } { (l.lang.severity(severity)) } }
}

fn findings_table(findings: &[&Finding], l: &Labels) -> Markup {
    html! {
        table {
            "\n"
            thead {
                tr {
                    @for heading in ["Rule", "Finding", "Where", "Responsible", "State", "Due"] {
                        th { (l.t(heading)) }
                    }
                }
            }
            "\n"
            tbody {
                "\n"
                @for finding in findings {
                    @let state = match &finding.exception {
                        Some(exception) => l.fill(
                            "{state} by {exception} until {expires_on}",
                            &[
                                ("state", l.lang.state(finding.state)),
                                ("exception", &exception.exception),
                                ("expires_on", &exception.expires_on),
                            ],
                        ),
                        None => l.lang.state(finding.state).to_string(),
                    };
                    tr {
                        td {
                            code { (finding.rule) } " "
                            (severity_badge(finding.severity, l))
                        }
                        td class="msg" { (finding.message) }
                        td {
                            code { (finding.line_location()) }
                            @if let Some(record) = &finding.record { br; (record) }
                        }
                        td { (holder_and_unit(finding).unwrap_or_default()) }
                        td { (state) }
                        td class="day" { (day(finding.due, "–")) }
                    }
                    "\n"
                }
            }
            "\n"
        }
        "\n"
    }
}

fn by_severity(findings: &[Finding], l: &Labels) -> Markup {
    html! {
        section id="by-severity" {
            "\n" h2 { (l.t("Findings by severity")) } "\n"
            @if findings.is_empty() {
                p class="empty" { (l.t("No findings.")) } "\n"
            }
            @for severity in Severity::ALL_DESCENDING {
                @let selected: Vec<&Finding> = findings
                    .iter()
                    .filter(|finding| finding.severity == severity)
                    .collect();
                @if !selected.is_empty() {
                    h3 {
                        (severity_badge(severity, l)) " "
                        (l.fill("{count} findings", &[("count", &selected.len().to_string())]))
                    }
                    "\n"
                    (findings_table(&selected, l))
                }
            }
        }
        "\n"
    }
}

fn tally_section(
    l: &Labels,
    (id, heading): (&str, &'static str),
    what: &'static str,
    note: &'static str,
    findings: &[Finding],
    key: impl Fn(&Finding) -> String,
) -> Markup {
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
    html! {
        section id=(id) {
            "\n" h2 { (l.t(heading)) } "\n"
            p class="meta" { (l.t(note)) } "\n"
            table {
                "\n"
                thead {
                    tr {
                        th { (l.t(what)) }
                        @for severity in Severity::ALL_DESCENDING {
                            th class="num" { (l.lang.severity(severity)) }
                        }
                        th class="num" { (l.t("accepted")) }
                        th class="num" { (l.t("overdue")) }
                        th class="num" { (l.t("total")) }
                    }
                }
                "\n"
                tbody {
                    "\n"
                    @for (name, tally) in &rows {
                        tr {
                            td { (name) }
                            @for severity in Severity::ALL_DESCENDING {
                                td class="num" {
                                    (tally.severities.get(&severity).copied().unwrap_or(0))
                                }
                            }
                            td class="num" { (tally.accepted) }
                            td class="num" { (tally.overdue) }
                            td class="num" { (tally.total) }
                        }
                        "\n"
                    }
                }
                "\n"
            }
            "\n"
        }
        "\n"
    }
}

/// The columns of an owner's overdue findings.
const OVERDUE_HEADINGS: [&str; 6] = [
    "Due",
    msg("Days overdue"),
    "Escalated to",
    "Rule",
    "Finding",
    "Where",
];

fn overdue(findings: &[Finding], as_of: jiff::civil::Date, l: &Labels) -> Markup {
    let filter = Filter {
        overdue_only: true,
        ..Filter::default()
    };
    let groups = groups(findings, &filter);
    html! {
        section id="overdue" {
            "\n" h2 { (l.t("Overdue follow-ups per owner")) } "\n"
            @if groups.is_empty() {
                p class="empty" { (l.t("No finding is overdue.")) } "\n"
            }
            @for group in &groups {
                h3 {
                    (l.fill(
                        "{who} — {count} overdue",
                        &[
                            ("who", &crate::views::followup::who(group, l.lang)),
                            ("count", &group.overdue.to_string()),
                        ],
                    ))
                }
                "\n"
                table {
                    "\n"
                    thead {
                        tr {
                            @for heading in OVERDUE_HEADINGS { th { (l.t(heading)) } }
                        }
                    }
                    "\n"
                    tbody {
                        "\n"
                        @for finding in &group.findings {
                            @let days = finding
                                .due
                                .and_then(|due| due.until(as_of).ok())
                                .map(|span| span.get_days().to_string())
                                .unwrap_or_else(|| "–".to_string());
                            @let escalated_to = finding
                                .escalation
                                .as_ref()
                                .map_or("–", |escalation| escalation.unit.as_str());
                            tr {
                                td class="day" { (day(finding.due, "–")) }
                                td class="num" { (days) }
                                td { (escalated_to) }
                                td {
                                    code { (finding.rule) } " "
                                    (severity_badge(finding.severity, l))
                                }
                                td class="msg" { (finding.message) }
                                td { code { (finding.line_location()) } }
                            }
                            "\n"
                        }
                    }
                    "\n"
                }
                "\n"
            }
        }
        "\n"
    }
}

/// The colour of a status in the compliance bar's legend.
fn status_colour(status: Status) -> &'static str {
    match status {
        Status::Compliant => "#1a7f37",
        Status::Partially => "#d4a72c",
        Status::NonCompliant => "#cf222e",
        Status::NotAssessed => "#afb8c1",
        Status::NotAssessedByTillsyn => "#eaeef2",
    }
}

fn compliance(matrix: &Matrix, l: &Labels) -> Markup {
    let total = matrix.controls.len().max(1);
    let counts = matrix.counts();
    let iso = matrix.framework == crate::views::compliance::Framework::Iso27001;
    html! {
        section id="compliance" {
            "\n"
            h2 {
                (l.fill(
                    "Compliance: {framework}",
                    &[("framework", matrix.framework.name_in(l.lang))],
                ))
            }
            "\n"
            div class="bar" role="presentation" {
                @for (status, count) in &counts {
                    @let width = 100.0 * *count as f64 / total as f64;
                    span class=(status.slug()) style={ "width:" (format!("{width:.2}")) "%" } {}
                }
            }
            "\n"
            p class="legend" {
                @for (status, count) in &counts {
                    span {
                        i class=(status.slug()) style={ "background:" (status_colour(*status)) } {}
                        (count) " " (status.label_in(l.lang))
                    }
                }
            }
            "\n"
            p class="meta" {
                (l.t("Evaluated: records (files, references, groups) the control's rules judged. Failed: distinct records with a finding not accepted. Accepted: records whose findings are all covered by an exception. Passed: evaluated − failed − accepted."))
            }
            "\n"
            table {
                "\n"
                thead {
                    tr {
                        th { (l.t("Control")) }
                        th { (l.t("Title")) }
                        th { (l.t("Rules")) }
                        th class="num" { (l.t("Evaluated")) }
                        th class="num" { (l.t("Failed")) }
                        th class="num" { (l.t("Accepted")) }
                        th class="num" { (l.t("Passed")) }
                        th { (l.t("Status")) }
                    }
                }
                "\n"
                tbody {
                    "\n"
                    @for (index, control) in matrix.controls.iter().enumerate() {
                        @if iso && index == 0 {
                            tr { th colspan="8" { (l.t("Annex A controls")) } } "\n"
                        }
                        @if iso
                            && !control.number.starts_with("A.")
                            && matrix.controls[..index].iter().all(|c| c.number.starts_with("A."))
                        {
                            tr { th colspan="8" { (l.t("Clauses")) } } "\n"
                        }
                        @let count = |value: usize| {
                            if control.status == Status::NotAssessedByTillsyn {
                                "–".to_string()
                            } else {
                                value.to_string()
                            }
                        };
                        tr class=(control.status.slug()) {
                            td { code { (control.number) } }
                            td { (control.title.unwrap_or("")) }
                            td { (control.rules.join(", ")) }
                            td class="num" { (count(control.evaluated)) }
                            td class="num" { (count(control.failed)) }
                            td class="num" { (count(control.accepted)) }
                            td class="num" { (count(control.passed)) }
                            td {
                                span class={ "st " (control.status.slug()) } {
                                    (control.status.label_in(l.lang))
                                }
                            }
                        }
                        "\n"
                    }
                }
                "\n"
            }
            "\n"
        }
        "\n"
    }
}

const UNIT_COLOURS: [&str; 8] = [
    "#0969da", "#8250df", "#1a7f37", "#bf3989", "#9a6700", "#0a7f8f", "#cf222e", "#57606a",
];

fn format_sek(amount: f64) -> String {
    let whole = amount.round() as i64;
    let digits = whole.abs().to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(digit);
    }
    if whole < 0 {
        grouped.insert(0, '-');
    }
    grouped
}

fn portfolio(initiatives: &[Initiative], target_pct: f64, l: &Labels) -> Markup {
    if initiatives.is_empty() {
        return html! {
            section id="portfolio" {
                "\n" h2 { (l.t("Portfolio balance")) } "\n"
                p class="empty" { (l.t("The repository has no active initiatives.")) } "\n"
            }
            "\n"
        };
    }
    let Balance {
        total_budget,
        max_budget,
        innovation_share: mean_x,
        external_share: mean_y,
    } = balance(initiatives);
    let target = (target_pct / 100.0).clamp(0.0, 1.0);
    let mut units: Vec<&str> = initiatives.iter().map(|i| i.unit.as_str()).collect();
    units.sort();
    units.dedup();
    let colour_of = |unit: &str| {
        let index = units.iter().position(|u| *u == unit).unwrap_or(0);
        UNIT_COLOURS[index % UNIT_COLOURS.len()]
    };
    let share = format!("{:.1}", mean_x * 100.0);
    let external = format!("{:.1}", mean_y * 100.0);
    let target_text = format!("{target_pct}");

    let (width, height) = (760.0, 560.0);
    let (left, top, size) = (70.0, 30.0, 460.0);
    let half = size / 2.0;
    let px = |x: f64| left + x * size;
    let py = |y: f64| top + size - y * size;

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
    let mut circles = Vec::with_capacity(initiatives.len());
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
            circles.push((initiative, x, y, radius));
        }
    }
    let initiative_title = |initiative: &Initiative| {
        let budget = initiative
            .budget_sek
            .map(|b| l.fill("{amount} SEK", &[("amount", &format_sek(b))]))
            .unwrap_or_else(|| l.t("no budget given").into());
        l.fill(
            "{id} {name} ({unit}): {orientation}, {focus} benefit, {phase}, {budget}",
            &[
                ("id", &initiative.id),
                ("name", &initiative.name),
                ("unit", &initiative.unit),
                ("orientation", &initiative.orientation),
                ("focus", &initiative.benefit_focus),
                ("phase", &initiative.phase),
                ("budget", &budget),
            ],
        )
    };
    // The diamond of the organisation's current, budget-weighted position.
    let (mx, my) = (px(mean_x), py(mean_y));
    let now_diamond = format!(
        "M {:.1} {my:.1} L {mx:.1} {:.1} L {:.1} {my:.1} L {mx:.1} {:.1} Z",
        mx - 8.0,
        my - 8.0,
        mx + 8.0,
        my + 8.0
    );
    // The legend: units, then the markers below them.
    let legend_x = left + size + 30.0;
    let markers_y = top + 52.0 + units.len() as f64 * 20.0;
    let legend_diamond = format!(
        "M {legend_x} {b} L {c} {d} L {e} {b} L {c} {f} Z",
        b = markers_y - 4.0,
        c = legend_x + 6.0,
        d = markers_y - 10.0,
        e = legend_x + 12.0,
        f = markers_y + 2.0,
    );
    let tx = px(target);
    let chart = html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (width) " " (height) }
            width=(width) height=(height) role="img"
            aria-labelledby="portfolio-title portfolio-desc" {
            "\n"
            title id="portfolio-title" {
                (l.t("Portfolio balance: efficiency and innovation, internal and external benefit"))
            }
            "\n"
            desc id="portfolio-desc" {
                (l.fill(
                    "{n} active initiatives placed by orientation (efficiency left, innovation right) and benefit focus (internal bottom, external top, both on the middle line), circles sized by budget and coloured by unit. The organisation's budget-weighted position is {share} % innovation and {external} % external; the target is {target_pct} % innovation. The table below gives the same data.",
                    &[
                        ("n", &initiatives.len().to_string()),
                        ("share", &share),
                        ("external", &external),
                        ("target_pct", &target_text),
                    ],
                ))
            }
            "\n"
            // Quadrants.
            @for (qx, qy, fill, label) in [
                (0.0, 0.0, "#eef4fb", msg("Efficiency · external")),
                (1.0, 0.0, "#f3effb", msg("Innovation · external")),
                (0.0, 1.0, "#f6f8fa", msg("Efficiency · internal")),
                (1.0, 1.0, "#fbf3f7", msg("Innovation · internal")),
            ] {
                @let x = left + qx * half;
                @let y = top + qy * half;
                rect x=(x) y=(y) width=(half) height=(half) fill=(fill) stroke="#d1d9e0" {}
                // Labels at the outer edges, clear of the middle line where `both` sits.
                text x=(x + 8.0) y=(if qy == 0.0 { y + 18.0 } else { y + half - 10.0 })
                    font-size="12" fill="#59636e" font-weight="600" {
                    (l.t(label))
                }
                "\n"
            }
            text x=(left + half) y=(top + size + 26.0)
                font-size="12" text-anchor="middle" fill="#1f2328" {
                (l.t("← efficiency · orientation · innovation →"))
            }
            "\n"
            text x=(left - 22.0) y=(top + half) font-size="12" text-anchor="middle" fill="#1f2328"
                transform={ "rotate(-90 " (left - 22.0) " " (top + half) ")" } {
                (l.t("← internal · benefit focus · external →"))
            }
            "\n"
            @for (initiative, x, y, radius) in &circles {
                @let colour = colour_of(&initiative.unit);
                circle cx=(one_decimal(*x)) cy=(one_decimal(*y)) r=(one_decimal(*radius))
                    fill=(colour) fill-opacity="0.55" stroke=(colour) stroke-width="1.5"
                    stroke-dasharray=[initiative.budget_sek.is_none().then_some("3 2")] {
                    title { (initiative_title(initiative)) }
                }
                text x=(one_decimal(*x)) y=(one_decimal(y + radius + 11.0)) font-size="10"
                    text-anchor="middle" fill="#1f2328" {
                    (initiative.id)
                }
                "\n"
            }
            // Target: the innovation share the organisation aims for.
            line x1=(one_decimal(tx)) y1=(top) x2=(one_decimal(tx)) y2=(top + size)
                stroke="#1a7f37" stroke-width="2" stroke-dasharray="6 4" {}
            text x=(one_decimal(tx + 5.0)) y=(top - 8.0) font-size="11" fill="#1a7f37"
                font-weight="600" stroke="#ffffff" stroke-width="3" paint-order="stroke" {
                (l.fill("target {target_pct} % innovation", &[("target_pct", &target_text)]))
            }
            circle cx=(one_decimal(tx)) cy=(one_decimal(py(mean_y))) r="7" fill="none"
                stroke="#1a7f37" stroke-width="2.5" {
                title {
                    (l.fill("Target: {target_pct} % innovation", &[("target_pct", &target_text)]))
                }
            }
            "\n"
            // The organisation's current, budget-weighted position.
            path d=(now_diamond) fill="#1f2328" stroke="#fff" stroke-width="1.5" {
                title {
                    (l.fill(
                        "Now: {share} % innovation, {external} % external (budget-weighted)",
                        &[("share", &share), ("external", &external)],
                    ))
                }
            }
            text x=(one_decimal(mx - 6.0)) y=(one_decimal(my - 14.0)) font-size="12"
                font-weight="700" fill="#1f2328" stroke="#ffffff" stroke-width="4"
                paint-order="stroke" {
                (l.fill("now {share} %", &[("share", &share)]))
            }
            "\n"
            // Legend: units, then the markers.
            text x=(legend_x) y=(top + 12.0) font-size="12" font-weight="600" fill="#1f2328" {
                (l.t("Unit"))
            }
            "\n"
            @for (rank, unit) in units.iter().enumerate() {
                @let y = top + 32.0 + rank as f64 * 20.0;
                circle cx=(legend_x + 6.0) cy=(y - 4.0) r="6" fill=(colour_of(unit))
                    fill-opacity="0.55" stroke=(colour_of(unit)) {}
                text x=(legend_x + 18.0) y=(y) font-size="12" fill="#1f2328" { (unit) }
                "\n"
            }
            path d=(legend_diamond) fill="#1f2328" {}
            text x=(legend_x + 18.0) y=(markers_y) font-size="12" fill="#1f2328" {
                (l.t("now (budget-weighted)"))
            }
            circle cx=(legend_x + 6.0) cy=(markers_y + 16.0) r="6" fill="none"
                stroke="#1a7f37" stroke-width="2.5" {}
            text x=(legend_x + 18.0) y=(markers_y + 20.0) font-size="12" fill="#1f2328" {
                (l.t("target"))
            }
            text x=(legend_x) y=(markers_y + 44.0) font-size="11" fill="#59636e" {
                (l.t("circle size grows with budget"))
            }
            "\n"
        }
    };
    let headings = [
        msg("Initiative"),
        msg("Name"),
        "Unit",
        msg("Orientation"),
        msg("Benefit focus"),
        msg("Phase"),
    ];
    let table = html! {
        table {
            "\n"
            thead {
                tr {
                    @for heading in headings { th { (l.t(heading)) } }
                    th class="num" { (l.t("Budget (SEK)")) }
                }
            }
            "\n"
            tbody {
                "\n"
                @for initiative in initiatives {
                    tr {
                        td { code { (initiative.id) } }
                        td { (initiative.name) }
                        td { (initiative.unit) }
                        td { (initiative.orientation) }
                        td { (initiative.benefit_focus) }
                        td { (initiative.phase) }
                        td class="num" {
                            (initiative.budget_sek.map_or_else(|| "–".into(), format_sek))
                        }
                    }
                    "\n"
                }
            }
            "\n"
            tfoot {
                tr {
                    th colspan="6" {
                        (l.t("Now (budget-weighted): innovation share / external share"))
                    }
                    td class="num" { (share) " % / " (external) " %" }
                }
                tr {
                    th colspan="6" { (l.t("Target innovation share")) }
                    td class="num" { (target_text) " %" }
                }
                tr {
                    th colspan="6" { (l.t("Total budget")) }
                    td class="num" { (format_sek(total_budget)) }
                }
            }
            "\n"
        }
    };
    html! {
        section id="portfolio" {
            "\n" h2 { (l.t("Portfolio balance")) } "\n"
            (chart_with_table(
                chart,
                l.t("Each circle is an active initiative; the diamond is the organisation's budget-weighted position and the dashed line its innovation target."),
                l.t("Portfolio as a table"),
                table,
            ))
        }
        "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::{Labels, html};
    use crate::lang::Lang;

    #[test]
    fn a_phrase_filled_with_markup_escapes_its_own_text_and_keeps_the_markup() {
        let labels = Labels { lang: Lang::En };
        let filled = labels.fill_markup(
            "Compliance: {framework}",
            &[("framework", html! { b { "A & B" } })],
        );
        assert_eq!(filled.into_string(), "Compliance: <b>A &amp; B</b>");
        let unknown = labels.fill_markup("{count} findings", &[("other", html! { "x" })]);
        assert_eq!(unknown.into_string(), "{count} findings");
        let swedish = Labels { lang: Lang::Sv }
            .fill_markup("{count} findings", &[("count", html! { "<3>" })]);
        assert_eq!(swedish.into_string(), "&lt;3&gt; fynd");
    }

    #[test]
    fn the_page_keeps_line_feeds_and_tabs_and_replaces_other_controls() {
        assert_eq!(
            super::without_controls("a\u{1b}[31mb\r\n\tc\u{7f}\u{85}".to_string()),
            "a\u{fffd}[31mb\u{fffd}\n\tc\u{fffd}\u{fffd}"
        );
        assert_eq!(
            super::without_controls("<p>å</p>\n".to_string()),
            "<p>å</p>\n"
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
