//! Times are stored in UTC and shown in Europe/Istanbul as `dd.MM.yyyy HH:mm`.

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Europe::Istanbul;

pub fn format_local(utc: NaiveDateTime) -> String {
    utc.and_utc()
        .with_timezone(&Istanbul)
        .format("%d.%m.%Y %H:%M")
        .to_string()
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
    }
}
