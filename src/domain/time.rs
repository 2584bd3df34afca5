//! Times are stored in UTC and shown in Europe/Istanbul as `dd.MM.yyyy HH:mm`.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Europe::Istanbul;

pub fn format_local(utc: NaiveDateTime) -> String {
    // Written field by field: a list page shows fifty of these, and chrono's
    // `format` parses its pattern again for each.
    let t = utc.and_utc().with_timezone(&Istanbul);
    format!(
        "{:02}.{:02}.{:04} {:02}:{:02}",
        t.day(),
        t.month(),
        t.year(),
        t.hour(),
        t.minute()
    )
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

/// `dd.MM.yyyy HH:mm:ss` in Istanbul: for records where seconds matter.
pub fn format_local_seconds(utc: NaiveDateTime) -> String {
    utc.and_utc()
        .with_timezone(&Istanbul)
        .format("%d.%m.%Y %H:%M:%S")
        .to_string()
}

/// A day as typed: `2026-11-23` (an HTML date field) or `23.11.2026`.
pub fn parse_day(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%d.%m.%Y"))
        .ok()
}

/// The first moment (UTC) of `day` in Istanbul.
pub fn day_start_utc(day: NaiveDate) -> NaiveDateTime {
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    Istanbul
        .from_local_datetime(&midnight)
        .earliest()
        .map_or(midnight, |t| t.naive_utc())
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
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).expect("day");
        assert_eq!(parse_day("2026-11-23"), Some(day));
        assert_eq!(parse_day(" 23.11.2026 "), Some(day));
        assert_eq!(parse_day("23/11/2026"), None);
        // Istanbul is UTC+3: the day starts at 21:00 UTC the day before.
        assert_eq!(
            day_start_utc(day),
            NaiveDate::from_ymd_opt(2026, 11, 22)
                .and_then(|d| d.and_hms_opt(21, 0, 0))
                .expect("time")
        );
        assert_eq!(format_local_seconds(at(11, 5)), "23.11.2026 14:05:00");
    }
}
