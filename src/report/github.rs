//! `--format github`: GitHub Actions workflow commands, one annotation per finding
//! (`::error file=…,line=…,col=…,title=…::message`). Critical and high findings are errors,
//! medium warnings, low and info notices; accepted findings are not annotated. Paths are
//! relative to the checked root: check from the workspace root for the annotations to land on
//! the files.
//!
//! Every value is escaped as the runner requires (`%`, CR and LF in the message; also `:` and
//! `,` in properties) and stripped of control characters, so that no data can end a command
//! early or start a new one.

use super::subject;
use crate::finding::{Finding, Severity, State};
use crate::outcome::Outcome;

/// The workflow command of a severity.
pub fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

/// Escapes a command's message (data).
pub fn escape_data(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '%' => escaped.push_str("%25"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            '\t' => escaped.push(' '),
            c if c.is_control() => escaped.push(char::REPLACEMENT_CHARACTER),
            c if super::is_hidden(c) => escaped.push_str(&format!("<U+{:04X}>", u32::from(c))),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Escapes a command's property value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(result: &Outcome) -> String {
    let mut text = String::new();
    for finding in &result.findings {
        if finding.state == State::Accepted {
            continue;
        }
        text.push_str(&annotation(finding));
    }
    let summary = result.summary();
    let open = summary.open();
    let counts: Vec<String> = Severity::ALL_DESCENDING
        .iter()
        .filter(|severity| summary.count(**severity) > 0)
        .map(|severity| format!("{} {severity}", summary.count(*severity)))
        .collect();
    let counted = if counts.is_empty() {
        String::new()
    } else {
        format!(" ({})", counts.join(", "))
    };
    // A plain log line: it does not start with `::`, so the runner only prints it.
    text.push_str(&format!(
        "tillsyn {} as of {}: {open} open finding{}{counted}, {} accepted, in {} files and {} records.\n",
        env!("CARGO_PKG_VERSION"),
        result.as_of,
        if open == 1 { "" } else { "s" },
        summary.accepted,
        result.files,
        result.records,
    ));
    // What the cap left out, as plain log lines too: they are no finding to annotate.
    for unlisted in &result.unlisted {
        text.push_str(&escape_data(&super::unlisted_note(
            unlisted,
            crate::lang::Lang::En,
        )));
        text.push('\n');
    }
    text
}

fn annotation(finding: &Finding) -> String {
    let mut properties = vec![format!("file={}", escape_property(&finding.file))];
    if finding.line > 0 {
        properties.push(format!("line={}", finding.line));
        if finding.column > 0 {
            properties.push(format!("col={}", finding.column));
        }
    }
    properties.push(format!(
        "title={}",
        escape_property(&format!(
            "{} ({}) {}",
            finding.rule, finding.severity, finding.title
        ))
    ));
    let mut message = format!("{}{}", subject(finding), finding.message);
    // GitHub shows no workbook: the cell is said in words.
    if let Some(cell) = &finding.cell {
        message.push_str(&format!("\nCell: {cell}"));
    }
    if let Some(responsible) = &finding.responsible {
        message.push_str(&format!("\nResponsible: {}", responsible.holder));
        if let Some(unit) = &responsible.unit {
            message.push_str(&format!(" ({unit})"));
        }
    }
    if let Some(due) = &finding.due {
        message.push_str(&format!("\nDue: {due}"));
    }
    if let Some(escalation) = &finding.escalation {
        message.push_str(&format!(
            "\nOverdue {} days: escalated to {}",
            escalation.overdue_days, escalation.unit
        ));
    }
    message.push_str(&format!("\nRemediation: {}", finding.remediation));
    format!(
        "::{} {}::{}\n",
        command(finding.severity),
        properties.join(","),
        escape_data(&message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped() {
        assert_eq!(escape_data("100%\r\n::x"), "100%25%0D%0A::x");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(escape_data("\u{1b}[31m"), "\u{fffd}[31m");
    }
}
