//! BTK's NES SMS hold: a certificate may be produced only `hours` after the
//! SMS sent to the applicant, for SMS sent on or after the rule's start date
//! (05.05.2025 Europe/Istanbul). Both are settings: the rule is young.

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Istanbul;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoldRule {
    pub hours: i64,
    /// UTC instant the rule took effect.
    pub starts_utc: NaiveDateTime,
}

impl HoldRule {
    pub const DEFAULT_HOURS: i64 = 6;

    /// The rule starting at local midnight of `start` (Europe/Istanbul).
    pub fn new(hours: i64, start: NaiveDate) -> HoldRule {
        let local = start.and_hms_opt(0, 0, 0).unwrap_or_default();
        let starts_utc = Istanbul
            .from_local_datetime(&local)
            .earliest()
            .map_or(local, |t| t.naive_utc());
        HoldRule { hours, starts_utc }
    }

    pub fn default_start() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 5, 5).unwrap_or_default()
    }

    /// When production becomes allowed for an SMS sent at `sms_at` (UTC).
    pub fn earliest_production(&self, sms_at: NaiveDateTime) -> NaiveDateTime {
        if sms_at >= self.starts_utc {
            sms_at + Duration::hours(self.hours)
        } else {
            sms_at
        }
    }

    /// Time still to wait at `now`, if any.
    pub fn remaining(&self, sms_at: NaiveDateTime, now: NaiveDateTime) -> Option<Duration> {
        let end = self.earliest_production(sms_at);
        (now < end).then(|| end - now)
    }
}

impl Default for HoldRule {
    fn default() -> Self {
        HoldRule::new(HoldRule::DEFAULT_HOURS, HoldRule::default_start())
    }
}

/// "5 saat 12 dakika" (rounded up to the minute: never promise too early).
pub fn format_remaining(d: Duration) -> String {
    let minutes = (d.num_seconds() + 59) / 60;
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => format!("{m} dakika"),
        (h, 0) => format!("{h} saat"),
        (h, m) => format!("{h} saat {m} dakika"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|x| x.and_hms_opt(h, mi, 0))
            .expect("time")
    }

    #[test]
    fn six_hours_after_the_sms() {
        let rule = HoldRule::default();
        let sms = utc(2026, 11, 23, 7, 0);
        assert_eq!(rule.earliest_production(sms), utc(2026, 11, 23, 13, 0));
        assert_eq!(
            rule.remaining(sms, utc(2026, 11, 23, 12, 59)),
            Some(Duration::minutes(1))
        );
        assert_eq!(rule.remaining(sms, utc(2026, 11, 23, 13, 0)), None);
    }

    #[test]
    fn the_rule_starts_at_midnight_istanbul_on_5_may_2025() {
        let rule = HoldRule::default();
        assert_eq!(rule.starts_utc, utc(2025, 5, 4, 21, 0));
        // 4 May 23:59 Istanbul: before the rule, no hold.
        assert_eq!(
            rule.remaining(utc(2025, 5, 4, 20, 59), utc(2025, 5, 4, 21, 0)),
            None
        );
        // 5 May 00:00 Istanbul: the hold applies.
        assert!(
            rule.remaining(utc(2025, 5, 4, 21, 0), utc(2025, 5, 4, 21, 1))
                .is_some()
        );
    }

    #[test]
    fn remaining_time_in_turkish() {
        assert_eq!(format_remaining(Duration::minutes(312)), "5 saat 12 dakika");
        assert_eq!(format_remaining(Duration::seconds(61)), "2 dakika");
        assert_eq!(format_remaining(Duration::hours(6)), "6 saat");
    }
}
