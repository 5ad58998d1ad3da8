//! The language of human output (`--lang sv|en`, else the locale of the environment): table
//! headers, report labels and the rules' titles, messages and remediation. Machine formats (JSON,
//! SARIF, JUnit, GitHub, CSV, OSCAL, the ledger) are always English, whatever the language, so
//! that what programs read and what fingerprints hash never depends on who ran tillsyn.

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

    /// A severity as people read it.
    pub fn severity(self, severity: Severity) -> &'static str {
        match self {
            Lang::En => severity.as_str(),
            Lang::Sv => match severity {
                Severity::Critical => "kritisk",
                Severity::High => "hög",
                Severity::Medium => "medel",
                Severity::Low => "låg",
                Severity::Info => "info",
            },
        }
    }

    /// A follow-up state as people read it.
    pub fn state(self, state: State) -> &'static str {
        match self {
            Lang::En => state.as_str(),
            Lang::Sv => match state {
                State::New => "ny",
                State::Open => "öppen",
                State::Reopened => "återöppnad",
                State::Overdue => "försenad",
                State::Accepted => "accepterad",
                State::Resolved => "åtgärdad",
            },
        }
    }
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
