//! Calendar dates as registers write them (`YYYY-MM-DD`), read once per record by several
//! stages (validity, follow-up due dates, the rules' date functions).

use jiff::civil::Date;

/// The date a text names, exactly as `text.parse::<Date>()` reads it. The form registers use,
/// ten bytes `YYYY-MM-DD`, is read here directly: jiff's parser is general (it reads ISO 8601
/// and RFC 3339 forms), and checking the validity of every record of a million-record tree
/// with it cost more than the check itself. Anything else, a date that does not exist
/// included, goes to jiff, so its errors are jiff's.
pub fn parse(text: &str) -> Result<Date, jiff::Error> {
    if let &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = text.as_bytes() {
        let digits = [y0, y1, y2, y3, m0, m1, d0, d1];
        if digits.iter().all(u8::is_ascii_digit) {
            let value = |pair: &[u8]| {
                pair.iter()
                    .fold(0i16, |sum, digit| sum * 10 + i16::from(digit - b'0'))
            };
            let (year, month, day) = (
                value(&digits[..4]),
                value(&digits[4..6]),
                value(&digits[6..]),
            );
            // Month and day are two digits, so they fit an i8.
            if let (Ok(month), Ok(day)) = (i8::try_from(month), i8::try_from(day))
                && let Ok(date) = Date::new(year, month, day)
            {
                return Ok(date);
            }
        }
    }
    text.parse::<Date>()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    fn jiff(text: &str) -> Option<jiff::civil::Date> {
        text.parse::<jiff::civil::Date>().ok()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        /// Dates near and past the edges of months and years read as jiff reads them.
        #[test]
        fn ten_digit_dates_read_as_jiff_reads_them(year in 0u32..10000, month in 0u32..14, day in 0u32..33) {
            let text = format!("{year:04}-{month:02}-{day:02}");
            prop_assert_eq!(super::parse(&text).ok(), jiff(&text), "{}", text);
        }

        /// Anything else too, including near misses of the form.
        #[test]
        fn other_texts_read_as_jiff_reads_them(text in "[0-9 T:+Z-]{8,12}|[0-9]{4}-[0-9]{2}-[0-9]{2}.{0,4}") {
            prop_assert_eq!(super::parse(&text).ok(), jiff(&text), "{}", text);
        }
    }

    #[test]
    fn a_date_that_does_not_exist_is_refused_with_jiffs_words() {
        let error = super::parse("2026-02-30").unwrap_err().to_string();
        assert_eq!(
            error,
            "2026-02-30"
                .parse::<jiff::civil::Date>()
                .unwrap_err()
                .to_string()
        );
    }
}
