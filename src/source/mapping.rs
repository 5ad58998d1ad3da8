//! How a register that is not in tillsyn's own shape maps onto a kind's fields: which row holds
//! the header (title rows above it are skipped), which column holds which field, which words of
//! the register stand for which values, and what separates the cells of a CSV. Given per file in
//! `tillsyn.toml`'s `[[sources]]`. Nothing here knows a kind: the schema's cell types still decide
//! how a cell is typed.

use std::collections::BTreeMap;

use super::node::Value;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mapping {
    /// The row (1-based, as a spreadsheet numbers them) that names the columns; rows above it
    /// are titles. `None`: the first non-empty row.
    pub header_row: Option<usize>,
    /// The byte between a CSV's cells; `None`: the one of `,` `;` tab that the header row uses
    /// most (Swedish Excel writes `;`).
    pub delimiter: Option<u8>,
    /// Header text → field path (`"Systemnamn" = "name"`, dotted paths nest). A header not named
    /// here is its own field path.
    pub columns: BTreeMap<String, String>,
    /// Field path → the register's words and the values they stand for (`"I drift" =
    /// "operating"`, `"Ja" = true`, `"Hög" = 3`).
    pub values: BTreeMap<String, BTreeMap<String, toml::Value>>,
    /// Which written forms of a date a date field takes.
    pub dates: DateForms,
    /// For an OSCAL file: the security impact words and tillsyn's levels for them (the param
    /// `oscal_impact_levels`); empty means FIPS 199's, as [`crate::source::oscal`] knows them.
    pub impact_levels: BTreeMap<String, i64>,
}

/// The forms of a date that a register's date cells are read in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DateForms {
    /// `2026-03-01` only (and an Excel date cell): anything else is reported, not guessed.
    #[default]
    Iso,
    /// Also the forms Swedish registers write (`dates = "swedish"`): `20260301`, `1/3 2026`,
    /// `1.3.2026`, `1 mars 2026`, `1 mar. 2026`, and a date with a time (`2026-03-01 08:00`).
    Swedish,
}

/// The date a text in one of the Swedish forms stands for, if it is one and a real day.
/// Day-first forms only: a Swedish `1/3` is the first of March.
pub fn swedish_date(text: &str) -> Option<jiff::civil::Date> {
    let text = text.trim();
    let date = |year: &str, month: &str, day: &str| -> Option<jiff::civil::Date> {
        let year: i16 = year
            .parse()
            .ok()
            .filter(|year| (1000..=9999).contains(year))?;
        let month: i8 = month.parse().ok()?;
        let day: i8 = day.parse().ok()?;
        jiff::civil::Date::new(year, month, day).ok()
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    // `2026-03-01`, with a time after it.
    if let Some(day) = text.get(..10)
        && let Ok(parsed) = day.parse::<jiff::civil::Date>()
        && text
            .get(10..)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', 'T']))
    {
        return Some(parsed);
    }
    // `20260301`
    if text.len() == 8 && digits(text) {
        return date(text.get(..4)?, text.get(4..6)?, text.get(6..)?);
    }
    // `1/3 2026`, `1/3-2026`, `1.3.2026`, `1/3/2026`
    let parts: Vec<&str> = text
        .split(['/', '.', ' ', '-'])
        .filter(|part| !part.is_empty())
        .collect();
    if let [day, month, year] = parts.as_slice()
        && digits(day)
        && digits(month)
        && digits(year)
        && year.len() == 4
        && day.len() <= 2
        && month.len() <= 2
    {
        return date(year, month, day);
    }
    // `1 mars 2026`, `1 mar. 2026`
    if let [day, month, year] = parts.as_slice()
        && digits(day)
        && let Some(number) = swedish_month(month)
    {
        return date(year, &number.to_string(), day);
    }
    None
}

fn swedish_month(name: &str) -> Option<u8> {
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let name = name.trim_end_matches('.').to_lowercase();
    if name.chars().count() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|month| month.starts_with(&name))
        .and_then(|index| u8::try_from(index + 1).ok())
}

impl Mapping {
    /// The field path a header names.
    pub fn field<'a>(&'a self, header: &'a str) -> &'a str {
        self.columns.get(header).map_or(header, String::as_str)
    }

    /// The value a cell's text stands for in a field, when the mapping names the text (compared
    /// after trimming, ignoring case).
    pub fn value(&self, field: &str, text: &str) -> Option<Value> {
        let words = self.values.get(field)?;
        let text = text.trim();
        let (_, value) = words
            .iter()
            .find(|(word, _)| word.trim().to_lowercase() == text.to_lowercase())?;
        Some(match value {
            toml::Value::Boolean(flag) => Value::Bool(*flag),
            toml::Value::Integer(number) => Value::Integer(*number),
            toml::Value::Float(number) => Value::Float(*number),
            toml::Value::String(text) => Value::String(text.as_str().into()),
            other => Value::String(other.to_string().into()),
        })
    }

    /// The CSV delimiter: the one set, else the one of `,` `;` tab that `header` (the header
    /// line) holds most often outside quotes; `,` when none.
    pub fn delimiter_of(&self, header: &str) -> u8 {
        if let Some(delimiter) = self.delimiter {
            return delimiter;
        }
        let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
        let mut quoted = false;
        for byte in header.bytes() {
            if byte == b'"' {
                quoted = !quoted;
            } else if !quoted && let Some(count) = counts.iter_mut().find(|(d, _)| *d == byte) {
                count.1 += 1;
            }
        }
        // On a tie the earlier candidate (`,` first) wins.
        counts
            .iter()
            .fold((b',', 0), |best, candidate| {
                if candidate.1 > best.1 {
                    *candidate
                } else {
                    best
                }
            })
            .0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_the_one_the_header_uses_most_outside_quotes() {
        let mapping = Mapping::default();
        assert_eq!(mapping.delimiter_of("id;name;\"a,b,c\";unit"), b';');
        assert_eq!(mapping.delimiter_of("id,name"), b',');
        assert_eq!(mapping.delimiter_of("id\tname\tunit"), b'\t');
        assert_eq!(mapping.delimiter_of("id"), b',');
        let set = Mapping {
            delimiter: Some(b';'),
            ..Mapping::default()
        };
        assert_eq!(set.delimiter_of("a,b,c"), b';');
    }

    #[test]
    fn words_map_to_values_ignoring_case_and_space() {
        let mut words = BTreeMap::new();
        words.insert(
            "I drift".to_string(),
            toml::Value::String("operating".into()),
        );
        words.insert("Ja".to_string(), toml::Value::Boolean(true));
        let mut values = BTreeMap::new();
        values.insert("lifecycle".to_string(), words.clone());
        values.insert("is_cloud".to_string(), words);
        let mapping = Mapping {
            values,
            ..Mapping::default()
        };
        assert_eq!(
            mapping.value("lifecycle", " i drift "),
            Some(Value::String("operating".into()))
        );
        assert_eq!(mapping.value("is_cloud", "JA"), Some(Value::Bool(true)));
        assert_eq!(mapping.value("lifecycle", "Avvecklad"), None);
        assert_eq!(mapping.value("name", "Ja"), None);
    }

    #[test]
    fn swedish_dates_are_day_first_and_real_days() {
        let day = |text: &str| swedish_date(text).map(|date| date.to_string());
        for text in [
            "2026-03-01",
            "2026-03-01 08:00",
            "2026-03-01T08:00:00",
            "20260301",
            "1/3 2026",
            "1/3-2026",
            "01.03.2026",
            "1 mars 2026",
            "1 Mar. 2026",
            " 1 mar 2026 ",
        ] {
            assert_eq!(day(text).as_deref(), Some("2026-03-01"), "{text}");
        }
        assert_eq!(day("24 dec 2026").as_deref(), Some("2026-12-24"));
        assert_eq!(day("5 maj 2026").as_deref(), Some("2026-05-05"));
        for text in [
            "31/2 2026",
            "1/3",
            "1 ma 2026",
            "March 1, 2026",
            "2026-3-1x",
            "1/3 26",
            "0",
        ] {
            assert_eq!(day(text), None, "{text}");
        }
    }
}
