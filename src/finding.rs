//! The finding: what does not hold, where, why, who must act and by when, and the fingerprint
//! that follows it from run to run.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// How serious a finding is. Ordered from `Info` (least) to `Critical`.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL_DESCENDING: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// How long the responsible has to act on a new finding of this severity, by default
    /// (`due_in` in RULES.md); `None` for findings that are reported, not followed up.
    pub fn default_due_in(self) -> Option<jiff::Span> {
        let days = match self {
            Severity::Critical => 30,
            Severity::High => 90,
            Severity::Medium => 180,
            Severity::Low => 365,
            Severity::Info => return None,
        };
        Some(jiff::Span::new().days(days))
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// Where a finding stands in its follow-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    New,
    Open,
    Reopened,
    Overdue,
    Accepted,
    Resolved,
}

impl State {
    /// The state as machine formats and the ledger write it.
    pub fn as_str(self) -> &'static str {
        match self {
            State::New => "new",
            State::Open => "open",
            State::Reopened => "reopened",
            State::Overdue => "overdue",
            State::Accepted => "accepted",
            State::Resolved => "resolved",
        }
    }
}

/// A day as people and machine formats write it (`2026-11-27`), or `none` when there is none.
pub fn day(date: Option<Date>, none: &str) -> String {
    date.map_or_else(|| none.to_string(), |date| date.to_string())
}

/// A name that is a text with a meaning of its own (a rule id, a kind): compared, hashed, sorted
/// and written as that text, and read as a `&str` where a text is wanted.
macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> $name {
                $name(text.to_string())
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> $name {
                $name(text)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
    };
}

text_type!(
    /// A rule's id (`OWN001`, `SCH001`): what a finding, a count and a description name their
    /// rule by. It never changes meaning.
    RuleId
);

text_type!(
    /// A kind of record (`information_asset`, `governing_document`), as the schemas name it.
    Kind
);

/// The accountable role behind a finding, resolved to who holds it and where. Fields are in
/// alphabetical order, as the ledger reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Responsible {
    /// The role assignment, when one was found.
    pub assignment: Option<String>,
    /// How it was found: the record's field (`owner`, `system_owner`, …), or the fallback used
    /// (`infosec_coordinator`, `unit`, `maintainer` for findings on a whole file).
    pub basis: String,
    /// The person's e-mail address, from the `person` record.
    #[serde(default)]
    pub email: Option<String>,
    /// Who holds it: a person's name, a unit's name, or a function title.
    pub holder: String,
    /// The person who holds it, by id, when a person does (not a unit or a title).
    #[serde(default)]
    pub person: Option<String>,
    /// The unit where the responsibility lies (the assignment's scope unit).
    pub unit: Option<String>,
}

/// The exception (avsteg) that accepts a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    pub exception: String,
    pub expires_on: String,
}

/// Who an overdue finding is escalated to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    pub overdue_days: i64,
    /// The governing body of the responsible unit, else its parent.
    pub unit: String,
}

/// One finding. Field order is the order of the JSON output.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    pub title: String,
    pub message: String,
    pub kind: Option<Kind>,
    pub record: Option<String>,
    pub file: String,
    /// For a workbook: the row.
    pub line: usize,
    /// For a workbook: the column number (A = 1).
    pub column: usize,
    /// For a register kept in a workbook: the sheet and cell, as Excel names it (`Assets!C12`).
    /// Absent for every other file, so that their output does not change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// RFC 6901 pointer to the offending value within the file.
    pub pointer: String,
    pub references: Vec<String>,
    pub remediation: String,
    pub responsible: Option<Responsible>,
    pub state: State,
    /// The day the ledger first saw it (set by the follow-up).
    pub first_seen: Option<Date>,
    pub due: Option<Date>,
    pub exception: Option<Acceptance>,
    pub escalation: Option<Escalation>,
    pub fingerprint: String,
    /// The message in the language of a human-readable run, when that is not English and the
    /// rule has a translation ([`crate::lang::localize`] puts it in place). Never serialised:
    /// machine formats and the ledger carry the English `message`.
    #[serde(skip)]
    pub localized_message: Option<String>,
}

/// A finding's message: the English text every format carries, and the Swedish one for a Swedish
/// run of a human format ([`crate::lang::localize`] swaps it in). Both are made together, from the
/// same values, where the finding is made — so no stage needs to know the language.
pub struct Message {
    pub en: String,
    pub sv: Option<String>,
}

impl Message {
    /// A message in English and Swedish.
    pub fn new(en: impl Into<String>, sv: impl Into<String>) -> Message {
        Message {
            en: en.into(),
            sv: Some(sv.into()),
        }
    }
}

impl From<String> for Message {
    /// A message in English only (a rule without a translation).
    fn from(en: String) -> Message {
        Message { en, sv: None }
    }
}

/// The rule a finding comes from, as the finding records it.
pub struct Origin<'a> {
    pub id: &'a str,
    pub severity: Severity,
    pub title: &'a str,
    pub remediation: &'a str,
    pub references: Vec<String>,
}

impl Origin<'_> {
    /// A new finding of this rule at a place in a file; the caller adds the record, if any, and
    /// the fingerprint, and the follow-up stage the rest.
    pub fn at(
        &self,
        message: Message,
        file: &str,
        line: usize,
        column: usize,
        pointer: String,
    ) -> Finding {
        Finding {
            rule: self.id.into(),
            severity: self.severity,
            title: self.title.to_string(),
            message: message.en,
            kind: None,
            record: None,
            file: file.to_string(),
            line,
            column,
            cell: None,
            pointer,
            references: self.references.clone(),
            remediation: self.remediation.to_string(),
            responsible: None,
            state: State::New,
            first_seen: None,
            due: None,
            exception: None,
            escalation: None,
            fingerprint: String::new(),
            localized_message: message.sv,
        }
    }
}

impl Finding {
    /// Where the finding is, as a person reads it: `file:line:column`, or `file:Sheet!C12` in a
    /// workbook.
    pub fn location(&self) -> String {
        match &self.cell {
            Some(cell) => format!("{}:{cell}", self.file),
            None => format!("{}:{}:{}", self.file, self.line, self.column),
        }
    }

    /// The shorter place that lists grouped by person show: `file:line`, or `file:Sheet!C12`.
    pub fn line_location(&self) -> String {
        match &self.cell {
            Some(cell) => format!("{}:{cell}", self.file),
            None => format!("{}:{}", self.file, self.line),
        }
    }
}

/// What identifies a finding across runs: never its line, so that reformatting a file or moving
/// a record keeps it. `detail` separates several findings of one rule on one value (two schema
/// violations of one field).
pub struct Identity<'a> {
    pub rule: &'a str,
    pub kind: &'a str,
    pub record: &'a str,
    /// Pointer within the record (not the file), or the file's path for findings on a file.
    pub pointer: &'a str,
    pub detail: &'a str,
}

impl Identity<'_> {
    pub fn fingerprint(&self) -> String {
        let mut hasher = blake3::Hasher::new();
        for part in [self.rule, self.kind, self.record, self.pointer, self.detail] {
            hasher.update(part.as_bytes());
            hasher.update(&[0]);
        }
        hasher.finalize().to_hex()[..32].to_string()
    }
}

/// The due date of a finding first seen on `first_seen`, by its severity's default `due_in`.
pub fn due_date(first_seen: jiff::civil::Date, severity: Severity) -> Option<String> {
    let due_in = severity.default_due_in()?;
    first_seen
        .checked_add(due_in)
        .ok()
        .map(|date| date.to_string())
}

/// Counts of findings per severity, the summary every output starts with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
    pub accepted: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let mut summary = Summary::default();
        for finding in findings {
            summary.tally(finding);
        }
        summary
    }

    /// Counts one finding more: under `accepted` when an exception accepts it, else under its
    /// severity.
    pub fn tally(&mut self, finding: &Finding) {
        if finding.state == State::Accepted {
            self.accepted += 1;
        } else {
            *self.count_mut(finding.severity) += 1;
        }
    }

    /// Adds the counts of `other`.
    pub fn add(&mut self, other: &Summary) {
        for severity in Severity::ALL_DESCENDING {
            *self.count_mut(severity) += other.count(severity);
        }
        self.accepted += other.accepted;
    }

    /// The findings not accepted, of every severity.
    pub fn open(&self) -> usize {
        Severity::ALL_DESCENDING
            .into_iter()
            .map(|severity| self.count(severity))
            .sum()
    }

    pub fn count(&self, severity: Severity) -> usize {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    pub fn count_mut(&mut self, severity: Severity) -> &mut usize {
        match severity {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
            Severity::Info => &mut self.info,
        }
    }
}

/// Sorts findings into the one order every output uses: by file, position, rule and message.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (
            &a.file,
            a.line,
            a.column,
            &a.rule,
            &a.message,
            &a.fingerprint,
        )
            .cmp(&(
                &b.file,
                b.line,
                b.column,
                &b.rule,
                &b.message,
                &b.fingerprint,
            ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_depend_on_identity_only() {
        let identity = |pointer| Identity {
            rule: "SCH001",
            kind: "information_asset",
            record: "IA-1",
            pointer,
            detail: "type",
        };
        assert_eq!(
            identity("/owner").fingerprint(),
            identity("/owner").fingerprint()
        );
        assert_ne!(
            identity("/owner").fingerprint(),
            identity("/unit").fingerprint()
        );
        assert_eq!(identity("/owner").fingerprint().len(), 32);
    }

    #[test]
    fn due_dates_follow_the_severity() {
        let day = jiff::civil::date(2026, 11, 27);
        assert_eq!(
            due_date(day, Severity::Critical).as_deref(),
            Some("2026-12-27")
        );
        assert_eq!(due_date(day, Severity::High).as_deref(), Some("2027-02-25"));
        assert_eq!(due_date(day, Severity::Info), None);
    }
}
