//! Mail rules without I/O: what a message says (a [`Letter`], rendered to
//! plain text and HTML by `crate::mailer`), the retry schedule and the keys
//! that keep a digest to one per reviewer and hour.

use chrono::{Duration, NaiveDateTime, Timelike};

/// One message: subject, paragraphs, an optional list and a link.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub paragraphs: Vec<String>,
    pub items: Vec<String>,
    /// `(label, absolute URL)`.
    pub link: Option<(String, String)>,
}

/// Attempts before a message is marked failed.
pub const MAX_ATTEMPTS: i32 = 8;
/// The longest wait between two attempts.
pub const MAX_BACKOFF_MINUTES: i64 = 60;
/// How long a worker's claim on a row lasts; a crashed worker's rows are due
/// again after it.
pub const LEASE_MINUTES: i64 = 5;

/// The wait after the `attempts`-th failed attempt: 1, 2, 4, … minutes,
/// at most [`MAX_BACKOFF_MINUTES`].
pub fn backoff(attempts: i32) -> Duration {
    let exp = u32::try_from(attempts.clamp(1, 16) - 1).unwrap_or(0);
    Duration::minutes((1i64 << exp).min(MAX_BACKOFF_MINUTES))
}

/// What happens after a failed attempt (`attempts` counts it): `None` is
/// "give up", `Some(t)` the next try.
pub fn after_failure(attempts: i32, now: NaiveDateTime) -> Option<NaiveDateTime> {
    (attempts < MAX_ATTEMPTS).then(|| now + backoff(attempts))
}

/// The hour `now` (UTC) falls in and the start of the next one.
pub fn hour_of(now: NaiveDateTime) -> (NaiveDateTime, NaiveDateTime) {
    let start = now
        .with_minute(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(now);
    (start, start + Duration::hours(1))
}

/// The digest key of a reviewer for the hour of `now`.
pub fn digest_key(user_id: i32, now: NaiveDateTime) -> String {
    format!("digest:{user_id}:{}", hour_of(now).0.format("%Y-%m-%dT%H"))
}

/// How long a password-reset link works.
pub const RESET_MINUTES: i64 = 30;
/// Reset requests allowed per address and per IP within [`RESET_WINDOW_MINUTES`].
pub const RESETS_PER_ADDRESS: i64 = 3;
pub const RESETS_PER_IP: i64 = 20;
pub const RESET_WINDOW_MINUTES: i64 = 60;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|d| d.and_hms_opt(h, m, 7))
            .expect("time")
    }

    #[test]
    fn backoff_doubles_up_to_an_hour_and_gives_up_after_eight_attempts() {
        let waits: Vec<i64> = (1..=8).map(|n| backoff(n).num_minutes()).collect();
        assert_eq!(waits, vec![1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(after_failure(1, at(9, 0)), Some(at(9, 1)));
        assert_eq!(after_failure(7, at(9, 0)), Some(at(10, 0)));
        assert_eq!(after_failure(MAX_ATTEMPTS, at(9, 0)), None);
    }

    #[test]
    fn digest_keys_are_per_user_and_hour() {
        assert_eq!(digest_key(4, at(9, 59)), "digest:4:2026-11-23T09");
        assert_eq!(digest_key(4, at(9, 0)), digest_key(4, at(9, 30)));
        assert_ne!(digest_key(4, at(9, 0)), digest_key(4, at(10, 0)));
        assert_eq!(hour_of(at(9, 42)).1, at(10, 0) - Duration::seconds(7));
    }
}
