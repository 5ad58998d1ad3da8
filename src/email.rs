//! E-mail addresses as registers hold them (a person's `email`, a dataset's contact point): the
//! schemas' `format: email`. The syntax is the `email_address` crate's (RFC 5321 and 5322); on top
//! of it, what that syntax allows and no mail to a Swedish office would reach: a domain without a
//! top-level domain (`registrator@kommun`), a top-level domain written twice (`kommun.se.se`, a
//! slip of catalogue templates), a `mailto:` left in front, a display name (`Registrator
//! <registrator@kommun.se>`) where only the address belongs.
//!
//! Each problem has words of its own, so that a coordinator reads what to mend, not that a
//! value fails a format.

use email_address::{EmailAddress, Error, Options};

/// What is wrong with a text that should be an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Nothing at all.
    Empty,
    /// `mailto:` and nothing after it: a catalogue's contact point with its address left out.
    MailtoWithoutAddress,
    /// `mailto:registrator@kommun.se`: a link, where the address alone belongs.
    Mailto,
    /// `Registrator <registrator@kommun.se>`: a name with the address.
    DisplayName,
    /// No `@`.
    NoSeparator,
    /// Nothing before the `@`.
    NoLocalPart,
    /// Nothing after the `@`.
    NoDomain,
    /// `registrator@kommun`: no top-level domain.
    NoTopLevelDomain,
    /// `registrator@kommun.se.se`: the top-level domain twice.
    DoubledTopLevelDomain { ending: String },
    /// White space inside the address.
    WhiteSpace,
    /// Any other break of the syntax (a doubled dot, a character an address cannot hold).
    Syntax,
}

/// Whether `text` is an address mail can be sent to (the schemas' `format: email`).
pub fn is_address(text: &str) -> bool {
    problem(text).is_none()
}

/// What is wrong with `text` as an e-mail address, if anything.
pub fn problem(text: &str) -> Option<Problem> {
    if text.trim().is_empty() {
        return Some(Problem::Empty);
    }
    if let Some(rest) = strip_prefix_ignore_case(text, "mailto:") {
        return Some(if rest.trim().is_empty() {
            Problem::MailtoWithoutAddress
        } else {
            Problem::Mailto
        });
    }
    if text.trim() != text || text.chars().any(char::is_whitespace) {
        // `Registrator <registrator@kommun.se>` has white space too: the name is the better
        // word for it.
        if text.contains('<') && text.trim_end().ends_with('>') {
            return Some(Problem::DisplayName);
        }
        return Some(Problem::WhiteSpace);
    }
    let options = Options::default()
        .with_required_tld()
        .without_domain_literal()
        .without_display_text();
    match EmailAddress::parse_with_options(text, options) {
        Ok(address) => doubled_top_level_domain(address.domain())
            .map(|ending| Problem::DoubledTopLevelDomain { ending }),
        Err(error) => Some(match error {
            Error::MissingSeparator => Problem::NoSeparator,
            Error::LocalPartEmpty => Problem::NoLocalPart,
            Error::DomainEmpty => Problem::NoDomain,
            Error::DomainTooFew => Problem::NoTopLevelDomain,
            Error::UnsupportedDisplayName
            | Error::MissingDisplayName
            | Error::MissingEndBracket => Problem::DisplayName,
            _ => Problem::Syntax,
        }),
    }
}

/// `.se.se` of `kommun.se.se`: the last label written twice, where it is a top-level domain
/// (letters only: `a.b.b` of a real host name such as `mail.test.test` is rarer than the slip).
fn doubled_top_level_domain(domain: &str) -> Option<String> {
    let mut labels = domain.rsplit('.');
    let last = labels.next()?;
    let before = labels.next()?;
    // A domain of two labels (`se.se`) has nothing left of the doubling to be a name.
    labels.next()?;
    (last.eq_ignore_ascii_case(before) && last.chars().all(|c| c.is_ascii_alphabetic()))
        .then(|| format!(".{before}.{last}"))
}

fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

impl Problem {
    /// What is wrong and what to write instead, in English and Swedish.
    pub fn words(&self) -> (String, String) {
        const EXAMPLE: &str = "such as registrator@kommun.se";
        const EXAMPLE_SV: &str = "som registrator@kommun.se";
        match self {
            Problem::Empty => (
                format!("empty: write the mailbox, {EXAMPLE}, or leave the field out"),
                format!("tom: skriv brevlådans adress, {EXAMPLE_SV}, eller utelämna fältet"),
            ),
            Problem::MailtoWithoutAddress => (
                format!("`mailto:` with no address after it: write the mailbox, {EXAMPLE}"),
                format!("`mailto:` utan adress efter: skriv brevlådans adress, {EXAMPLE_SV}"),
            ),
            Problem::Mailto => (
                "a `mailto:` link: write the address alone, without `mailto:`".to_string(),
                "en `mailto:`-länk: skriv bara adressen, utan `mailto:`".to_string(),
            ),
            Problem::DisplayName => (
                format!("a name with the address: write the address alone, {EXAMPLE}"),
                format!("ett namn med adressen: skriv bara adressen, {EXAMPLE_SV}"),
            ),
            Problem::NoSeparator => (
                format!("no `@`: an e-mail address is a mailbox and a domain, {EXAMPLE}"),
                format!("inget `@`: en e-postadress är en brevlåda och en domän, {EXAMPLE_SV}"),
            ),
            Problem::NoLocalPart => (
                format!("nothing before the `@`: name the mailbox, {EXAMPLE}"),
                format!("inget före `@`: ange brevlådan, {EXAMPLE_SV}"),
            ),
            Problem::NoDomain => (
                format!("nothing after the `@`: write the domain, {EXAMPLE}"),
                format!("inget efter `@`: skriv domänen, {EXAMPLE_SV}"),
            ),
            Problem::NoTopLevelDomain => (
                format!("the domain has no top-level domain: write it whole, {EXAMPLE}"),
                format!("domänen saknar toppdomän: skriv den hel, {EXAMPLE_SV}"),
            ),
            Problem::DoubledTopLevelDomain { ending } => (
                format!("the domain ends in `{ending}`, its top-level domain written twice"),
                format!("domänen slutar på `{ending}`, toppdomänen skriven två gånger"),
            ),
            Problem::WhiteSpace => (
                format!("white space in the address: write it without spaces, {EXAMPLE}"),
                format!("blanksteg i adressen: skriv den utan mellanslag, {EXAMPLE_SV}"),
            ),
            Problem::Syntax => (
                format!("not an e-mail address: expected one {EXAMPLE}"),
                format!("ingen e-postadress: förväntade en {EXAMPLE_SV}"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_slip_is_named_for_what_it_is() {
        let cases = [
            ("registrator@kommun.se", None),
            ("Registrator.Kommun@stad.goteborg.se", None),
            ("", Some(Problem::Empty)),
            ("mailto:", Some(Problem::MailtoWithoutAddress)),
            ("MAILTO: ", Some(Problem::MailtoWithoutAddress)),
            ("mailto:info@digg.se", Some(Problem::Mailto)),
            (
                "Registrator <registrator@kommun.se>",
                Some(Problem::DisplayName),
            ),
            ("registrator.kommun.se", Some(Problem::NoSeparator)),
            ("@kommun.se", Some(Problem::NoLocalPart)),
            ("registrator@", Some(Problem::NoDomain)),
            ("registrator@kommun", Some(Problem::NoTopLevelDomain)),
            (
                "info@digg.se.se",
                Some(Problem::DoubledTopLevelDomain {
                    ending: ".se.se".into(),
                }),
            ),
            (" info@digg.se", Some(Problem::WhiteSpace)),
            ("info@dig g.se", Some(Problem::WhiteSpace)),
            ("info..x@digg.se", Some(Problem::Syntax)),
            ("info@[127.0.0.1]", Some(Problem::Syntax)),
        ];
        for (text, expected) in cases {
            assert_eq!(problem(text), expected, "{text:?}");
        }
    }

    #[test]
    fn a_doubled_label_that_is_a_name_is_not_a_doubled_top_level_domain() {
        // `se.se` is all there is; `x1.x1` is not a top-level domain.
        assert_eq!(problem("a@se.se"), None);
        assert_eq!(problem("a@host.x1.x1"), None);
        assert_eq!(
            problem("a@kommun.SE.se"),
            Some(Problem::DoubledTopLevelDomain {
                ending: ".SE.se".into()
            })
        );
    }

    #[test]
    fn no_text_panics() {
        for text in [
            "", "@", "mailto", "é@å.se", "a@b.", "a@.se", "ü", "<>", "a@b.c.c",
        ] {
            let _ = problem(text);
        }
    }
}
