//! Times are stored in UTC and shown in Europe/Istanbul as `dd.MM.yyyy HH:mm`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Istanbul;

pub fn format_local(utc: NaiveDateTime) -> String {
    utc.and_utc()
        .with_timezone(&Istanbul)
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

/// `2026-11-23T14:05` as typed in Istanbul time (an HTML datetime-local
/// field) → UTC.
pub fn parse_local_datetime(raw: &str) -> Option<NaiveDateTime> {
    let local = NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M").ok()?;
    Istanbul
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.naive_utc())
}

/// `2026-11-23` (an HTML date field) → noon that day in Istanbul, in UTC.
pub fn parse_local_date(raw: &str) -> Option<NaiveDateTime> {
    let d = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()?;
    Istanbul
        .from_local_datetime(&d.and_hms_opt(12, 0, 0)?)
        .earliest()
        .map(|t| t.naive_utc())
}

/// The calendar day of `utc` in Istanbul.
pub fn local_day(utc: NaiveDateTime) -> NaiveDate {
    utc.and_utc().with_timezone(&Istanbul).date_naive()
}

pub fn to_naive(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn shows_istanbul_time() {
        let utc = NaiveDate::from_ymd_opt(2025, 5, 5)
            .and_then(|d| d.and_hms_opt(21, 30, 0))
            .expect("date");
        assert_eq!(format_local(utc), "06.05.2025 00:30");
        assert_eq!(to_naive(utc.and_utc()), utc);
        assert_eq!(
            local_day(utc),
            NaiveDate::from_ymd_opt(2025, 5, 6).expect("day")
        );
    }

    #[test]
    fn typed_local_times_are_read_as_istanbul_time() {
        let at = |h, m| {
            NaiveDate::from_ymd_opt(2026, 11, 23)
                .and_then(|d| d.and_hms_opt(h, m, 0))
                .expect("time")
        };
        assert_eq!(parse_local_datetime("2026-11-23T14:05"), Some(at(11, 5)));
        assert_eq!(parse_local_datetime(" 2026-11-23T14:05 "), Some(at(11, 5)));
        assert_eq!(parse_local_datetime("23.11.2026 14:05"), None);
        assert_eq!(parse_local_date("2026-11-23"), Some(at(9, 0)));
        assert_eq!(parse_local_date("2026-02-30"), None);
    }
}
