//! CEL's timestamps and durations: reading them from text, writing them out, their arithmetic
//! and the calendar fields a rule reads (`getHours('Europe/Stockholm')`).
//!
//! A timestamp is held as the time since 1970-01-01T00:00:00Z (a [`SignedDuration`]) rather
//! than as jiff's `Timestamp`, whose range ends 26 hours before CEL's (on 9999-12-30 at 22:00,
//! leaving room for any offset): CEL's timestamps are of the years 1 to 9999, to the last
//! nanosecond. A duration is one of int64 nanoseconds (about 292 years either way), as in cel-go,
//! whose conformance tests hold `duration('320000000000s')` and the difference of the first and
//! the last timestamp out of range.

use jiff::SignedDuration;
use jiff::civil::DateTime;

use super::interpreter::ErrorKind;

/// 1970-01-01T00:00:00, the civil time timestamps count from.
const EPOCH: DateTime = DateTime::constant(1970, 1, 1, 0, 0, 0, 0);

/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z, in seconds since the epoch.
const FIRST_SECOND: i64 = -62_135_596_800;
const LAST_SECOND: i64 = 253_402_300_799;

/// Why a timestamp or duration could not be made: the kind of error, and the words.
pub type Refused = (ErrorKind, String);

/// The timestamp, if it is of the years 1 to 9999.
pub fn timestamp(since_epoch: SignedDuration) -> Result<SignedDuration, Refused> {
    let seconds = since_epoch.as_secs() - i64::from(since_epoch.subsec_nanos() < 0);
    if (FIRST_SECOND..=LAST_SECOND).contains(&seconds) {
        Ok(since_epoch)
    } else {
        Err(timestamp_out_of_range())
    }
}

fn timestamp_out_of_range() -> Refused {
    (
        ErrorKind::OutOfRange,
        "out of range: a timestamp is of the years 1 to 9999".to_string(),
    )
}

fn duration_out_of_range() -> Refused {
    (
        ErrorKind::OutOfRange,
        "out of range: a duration is of at most about 292 years (2^63 nanoseconds)".to_string(),
    )
}

/// The duration, if it is within int64 nanoseconds.
pub fn duration(value: SignedDuration) -> Result<SignedDuration, Refused> {
    if value.as_nanos().unsigned_abs() <= i64::MAX as u128 {
        Ok(value)
    } else {
        Err(duration_out_of_range())
    }
}

/// An RFC 3339 instant (`2009-02-13T23:31:30Z`, `…+01:00`), of the years 1 to 9999.
pub fn parse_timestamp(text: &str) -> Result<SignedDuration, Refused> {
    let invalid = |why: &str| {
        (
            ErrorKind::InvalidConversion,
            format!("`{text}` is not an RFC 3339 instant: {why}"),
        )
    };
    // A year of five digits reads as no instant, but is one past CEL's range.
    if text.bytes().take_while(u8::is_ascii_digit).count() > 4 {
        return Err(timestamp_out_of_range());
    }
    let pieces =
        jiff::fmt::temporal::Pieces::parse(text).map_err(|error| invalid(&error.to_string()))?;
    let time = pieces
        .time()
        .ok_or_else(|| invalid("it has no time of day"))?;
    if pieces.time_zone_annotation().is_some() {
        return Err(invalid("it names a time zone in brackets"));
    }
    let offset = match pieces.offset() {
        Some(jiff::fmt::temporal::PiecesOffset::Zulu) => 0,
        Some(jiff::fmt::temporal::PiecesOffset::Numeric(numeric)) => numeric.offset().seconds(),
        _ => return Err(invalid("it has no offset from UTC (`Z`, `+01:00`)")),
    };
    let since_epoch = pieces.date().to_datetime(time).duration_since(EPOCH)
        - SignedDuration::from_secs(i64::from(offset));
    timestamp(since_epoch)
}

/// The timestamp as CEL writes it: RFC 3339 in UTC, with as many decimals as it needs.
pub fn format_timestamp(since_epoch: SignedDuration) -> String {
    match EPOCH.checked_add(since_epoch) {
        Ok(civil) => format!("{civil}Z"),
        Err(_) => format!("{}s after 1970-01-01T00:00:00Z", since_epoch.as_secs()),
    }
}

/// A CEL duration (`1h30m`, `-1.5s`, `999999999ns`): a sign, then numbers with units `h`, `m`,
/// `s`, `ms`, `us` (or `µs`) and `ns`.
pub fn parse_duration(text: &str) -> Result<SignedDuration, Refused> {
    let invalid = || {
        (
            ErrorKind::InvalidConversion,
            format!("`{text}` is not a duration such as `1h30m`, `90s` or `1.5s`"),
        )
    };
    let (negative, mut rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest.is_empty() {
        return Err(invalid());
    }
    // Nanoseconds, in 128 bits so that no sum of parts overflows before the range is checked.
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let digits = rest
            .find(|character: char| !character.is_ascii_digit() && character != '.')
            .ok_or_else(invalid)?;
        let (number, after) = rest.split_at(digits);
        let unit_length = after
            .find(|character: char| character.is_ascii_digit() || character == '.')
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_length);
        let scale: i128 = match unit {
            "h" => 3_600_000_000_000,
            "m" => 60_000_000_000,
            "s" => 1_000_000_000,
            "ms" => 1_000_000,
            "us" | "µs" => 1_000,
            "ns" => 1,
            _ => return Err(invalid()),
        };
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() {
            return Err(invalid());
        }
        let whole: i128 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| invalid())?
        };
        let mut part = whole.checked_mul(scale).ok_or_else(invalid)?;
        // The fraction's digits, each a tenth of the one before: beyond a nanosecond they count
        // for nothing.
        let mut place = scale;
        for digit in fraction.bytes() {
            if !digit.is_ascii_digit() {
                return Err(invalid());
            }
            place /= 10;
            part += i128::from(digit - b'0') * place;
        }
        total = total.checked_add(part).ok_or_else(invalid)?;
        rest = after;
    }
    if negative {
        total = -total;
    }
    let nanos = i64::try_from(total).map_err(|_| duration_out_of_range())?;
    Ok(SignedDuration::from_nanos(nanos))
}

/// The duration as CEL writes it: seconds, with as many decimals as it needs (`1.5s`).
pub fn format_duration(value: SignedDuration) -> String {
    let sign = if value.is_negative() { "-" } else { "" };
    let seconds = value.as_secs().unsigned_abs();
    let nanos = value.subsec_nanos().unsigned_abs();
    if nanos == 0 {
        return format!("{sign}{seconds}s");
    }
    let fraction = format!("{nanos:09}");
    format!("{sign}{seconds}.{}s", fraction.trim_end_matches('0'))
}

/// The civil time of a timestamp in a time zone: `UTC`, a fixed offset (`+05:30`, `-08:00`), or
/// a name of the IANA database (`Europe/Stockholm`), the copy bundled with tillsyn.
pub fn civil(since_epoch: SignedDuration, zone: Option<&str>) -> Result<DateTime, Refused> {
    let offset = match zone {
        None | Some("UTC" | "Z") => 0,
        Some(zone) => match fixed_offset(zone) {
            Some(offset) => offset,
            None => {
                let time_zone = TIME_ZONES.get(zone).map_err(|error| {
                    (
                        ErrorKind::InvalidArgument,
                        format!(
                            "`{zone}` is no time zone (`UTC`, `+01:00`, `Europe/Stockholm`): {error}"
                        ),
                    )
                })?;
                // jiff's instants end 26 hours before CEL's: the offset of the last day is
                // the one jiff has for its last instant.
                let instant = jiff::Timestamp::from_duration(since_epoch).unwrap_or(
                    if since_epoch.is_negative() {
                        jiff::Timestamp::MIN
                    } else {
                        jiff::Timestamp::MAX
                    },
                );
                time_zone.to_offset(instant).seconds()
            }
        },
    };
    EPOCH
        .checked_add(since_epoch + SignedDuration::from_secs(i64::from(offset)))
        .map_err(|error| (ErrorKind::OutOfRange, error.to_string()))
}

/// The IANA time zone database bundled into the binary, not the system's copy: a rule gives the
/// same answer on every machine, one without a database included.
static TIME_ZONES: std::sync::LazyLock<jiff::tz::TimeZoneDatabase> =
    std::sync::LazyLock::new(jiff::tz::TimeZoneDatabase::bundled);

/// `+05:30` or `-08:00` (or `+0530`, or `02:00`, east as CEL reads it) as seconds east of UTC.
fn fixed_offset(zone: &str) -> Option<i32> {
    let (sign, rest) = match zone.as_bytes().first()? {
        b'+' => (1, zone.get(1..)?),
        b'-' => (-1, zone.get(1..)?),
        b'0'..=b'9' => (1, zone),
        _ => return None,
    };
    if !rest
        .bytes()
        .all(|byte| byte.is_ascii_digit() || byte == b':')
    {
        return None;
    }
    let (hours, minutes) = rest
        .split_once(':')
        .unwrap_or_else(|| rest.split_at(rest.len().min(2)));
    let hours: i32 = hours.parse().ok().filter(|hours| *hours <= 23)?;
    let minutes: i32 = if minutes.is_empty() {
        0
    } else {
        minutes.parse().ok().filter(|minutes| *minutes <= 59)?
    };
    Some(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_and_write_as_cel_does() {
        let read = |text: &str| parse_duration(text).map(format_duration).map_err(|e| e.0);
        assert_eq!(read("1h30m"), Ok("5400s".into()));
        assert_eq!(read("-1.5s"), Ok("-1.5s".into()));
        assert_eq!(read("999999999ns"), Ok("0.999999999s".into()));
        assert_eq!(read("1m1ms"), Ok("60.001s".into()));
        assert_eq!(read("320000000000s"), Err(ErrorKind::OutOfRange));
        assert_eq!(read("1d"), Err(ErrorKind::InvalidConversion));
        assert_eq!(read(""), Err(ErrorKind::InvalidConversion));
        assert_eq!(read("s"), Err(ErrorKind::InvalidConversion));
    }

    #[test]
    fn timestamps_reach_the_last_nanosecond_of_9999() {
        let read = |text: &str| parse_timestamp(text).map(format_timestamp).map_err(|e| e.0);
        assert_eq!(
            read("9999-12-31T23:59:59.999999999Z"),
            Ok("9999-12-31T23:59:59.999999999Z".into())
        );
        assert_eq!(
            read("2009-02-13T23:31:30+01:00"),
            Ok("2009-02-13T22:31:30Z".into())
        );
        assert_eq!(
            read("0001-01-01T00:00:00Z"),
            Ok("0001-01-01T00:00:00Z".into())
        );
        assert_eq!(read("0000-12-31T23:59:59Z"), Err(ErrorKind::OutOfRange));
        assert_eq!(read("10000-01-01T00:00:00Z"), Err(ErrorKind::OutOfRange));
        assert_eq!(read("2009-02-13"), Err(ErrorKind::InvalidConversion));
        assert_eq!(
            read("2009-02-13T23:31:30"),
            Err(ErrorKind::InvalidConversion)
        );
    }

    #[test]
    fn civil_time_in_a_fixed_offset_or_utc() {
        let instant = parse_timestamp("2009-02-13T23:31:30Z").unwrap();
        let hour = |zone| civil(instant, zone).map(|civil| civil.hour());
        assert_eq!(hour(None), Ok(23));
        assert_eq!(hour(Some("+05:30")), Ok(5));
        assert_eq!(hour(Some("-08:00")), Ok(15));
        assert_eq!(hour(Some("02:00")), Ok(1));
        assert_eq!(hour(Some("Europe/Stockholm")), Ok(0));
        assert_eq!(hour(Some("America/Los_Angeles")), Ok(15));
        assert_eq!(
            civil(instant, Some("Mars/Olympus")).map_err(|e| e.0),
            Err(ErrorKind::InvalidArgument)
        );
    }
}
