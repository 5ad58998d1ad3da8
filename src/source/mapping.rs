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
}
