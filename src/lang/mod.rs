//! The language of human output (`--lang sv|en`, else the locale of the environment): table
//! headers, report labels and the rules' titles, messages and remediation. Machine formats (JSON,
//! SARIF, JUnit, GitHub, CSV, OSCAL, the ledger) are always English, whatever the language, so
//! that what programs read and what fingerprints hash never depends on who ran tillsyn.

mod catalogue;

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::finding::{Severity, State};
use crate::outcome::Outcome;

/// A language tillsyn writes for people. English is the default and the language of every
/// machine format; Swedish is for the Swedish public sector the tool grew from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Lang {
    #[default]
    En,
    Sv,
}

impl Lang {
    /// The language asked for on the command line, else the one the environment names.
    pub fn resolve(asked: Option<Lang>) -> Lang {
        asked.unwrap_or_else(|| Lang::from_locale_variables(|name| std::env::var(name).ok()))
    }

    /// The language of the locale as POSIX picks it for messages: `LC_ALL`, then `LC_MESSAGES`,
    /// then `LANG`, the first that is set and not empty. `lookup` reads a variable (the
    /// environment, or a test's map).
    pub fn from_locale_variables(lookup: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(&lookup)
            .find(|value| !value.is_empty())
            .map_or(Lang::En, |locale| Lang::from_locale(&locale))
    }

    /// `sv`, `sv_SE.UTF-8`, `sv-FI` are Swedish; anything else (`C`, `en_GB.UTF-8`) English.
    pub fn from_locale(locale: &str) -> Lang {
        let language = locale
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or_default();
        if language.eq_ignore_ascii_case("sv") {
            Lang::Sv
        } else {
            Lang::En
        }
    }

    /// `english` as people read it in this language, from the message catalogue
    /// ([`catalogue`]); a text the catalogue lacks stays English (the catalogue's tests fail on
    /// it).
    pub fn t(self, english: &'static str) -> &'static str {
        match self {
            Lang::En => english,
            Lang::Sv => swedish().get(english).copied().unwrap_or(english),
        }
    }

    /// [`Lang::t`] for a word whose Swedish depends on what it names (`accepted` of one finding's
    /// state is "accepterad", of a count "accepterade"): the catalogue's entry in `context`.
    pub fn t_in(self, context: &'static str, english: &'static str) -> &'static str {
        match self {
            Lang::En => english,
            Lang::Sv => swedish_in()
                .get(&(context, english))
                .copied()
                .unwrap_or(english),
        }
    }

    /// A severity as people read it.
    pub fn severity(self, severity: Severity) -> &'static str {
        match severity {
            Severity::Critical => self.t_in("severity", "critical"),
            Severity::High => self.t_in("severity", "high"),
            Severity::Medium => self.t_in("severity", "medium"),
            Severity::Low => self.t_in("severity", "low"),
            Severity::Info => self.t_in("severity", "info"),
        }
    }

    /// A follow-up state as people read it.
    pub fn state(self, state: State) -> &'static str {
        match state {
            State::New => self.t_in("state", "new"),
            State::Open => self.t_in("state", "open"),
            State::Reopened => self.t_in("state", "reopened"),
            State::Overdue => self.t_in("state", "overdue"),
            State::Accepted => self.t_in("state", "accepted"),
            State::Resolved => self.t_in("state", "resolved"),
        }
    }
}

/// Marks `english` as a text of the catalogue that is handed on and translated later with
/// [`Lang::t`] (gettext's `N_`): the catalogue's tests find it by this mark.
pub const fn msg(english: &'static str) -> &'static str {
    english
}

/// The catalogue's Swedish by English, built on first use.
fn swedish() -> &'static HashMap<&'static str, &'static str> {
    static SWEDISH: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    SWEDISH.get_or_init(|| catalogue::SWEDISH.iter().copied().collect())
}

/// The catalogue's Swedish by context and English, built on first use.
fn swedish_in() -> &'static HashMap<(&'static str, &'static str), &'static str> {
    static SWEDISH_IN: OnceLock<HashMap<(&'static str, &'static str), &'static str>> =
        OnceLock::new();
    SWEDISH_IN.get_or_init(|| {
        catalogue::SWEDISH_IN
            .iter()
            .map(|(context, english, swedish)| ((*context, *english), *swedish))
            .collect()
    })
}

/// Puts the findings' title, message and remediation in `lang`, for a human format. Rules without
/// a translation keep their English. Run it after the findings are sorted and followed up: order,
/// fingerprints and the ledger stay those of the English text.
pub fn localize(outcome: &mut Outcome, lang: Lang) {
    if lang == Lang::En {
        return;
    }
    // Looked up once per rule, not once per finding: a large register has many findings.
    let words: std::collections::HashMap<&str, (Option<&str>, Option<&str>)> = outcome
        .rules
        .iter()
        .map(|rule| {
            (
                rule.id.as_str(),
                (rule.title_sv.as_deref(), rule.remediation_sv.as_deref()),
            )
        })
        .collect();
    for finding in &mut outcome.findings {
        if let Some((title, remediation)) = words.get(finding.rule.as_str()) {
            if let Some(title) = title {
                finding.title = title.to_string();
            }
            if let Some(remediation) = remediation {
                finding.remediation = remediation.to_string();
            }
        }
        if let Some(message) = finding.localized_message.take() {
            finding.message = message;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_locales_are_swedish_and_others_english() {
        for locale in ["sv", "sv_SE", "sv_SE.UTF-8", "sv-FI", "SV_se.utf8"] {
            assert_eq!(Lang::from_locale(locale), Lang::Sv, "{locale}");
        }
        for locale in [
            "",
            "C",
            "POSIX",
            "C.UTF-8",
            "en_GB.UTF-8",
            "svenska",
            "se_NO",
        ] {
            assert_eq!(Lang::from_locale(locale), Lang::En, "{locale}");
        }
    }

    #[test]
    fn lc_all_then_lc_messages_then_lang_and_empty_ones_do_not_count() {
        let environment = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.to_string())
            }
        };
        assert_eq!(
            Lang::from_locale_variables(environment(&[("LANG", "sv_SE.UTF-8")])),
            Lang::Sv
        );
        assert_eq!(
            Lang::from_locale_variables(environment(&[
                ("LANG", "sv_SE.UTF-8"),
                ("LC_MESSAGES", "en_US.UTF-8")
            ])),
            Lang::En
        );
        assert_eq!(
            Lang::from_locale_variables(environment(&[
                ("LC_ALL", "sv_SE.UTF-8"),
                ("LC_MESSAGES", "en_US.UTF-8")
            ])),
            Lang::Sv
        );
        assert_eq!(
            Lang::from_locale_variables(environment(&[("LC_ALL", ""), ("LANG", "sv_SE")])),
            Lang::Sv
        );
        assert_eq!(Lang::from_locale_variables(environment(&[])), Lang::En);
    }
}
