//! KVKK (Kişisel Verilerin Korunması Kanunu): how long closed records keep
//! the person, and what an anonymised staff record holds instead.
//!
//! A staff member is anonymised when they have requests and every one of
//! them is closed (rejected, cancelled, invalidated, expired, revoked) and
//! ended before the cut-off: `now` minus the retention period. Names and
//! numbers go; states, dates, operators, line types, units and fees stay,
//! so statistics and fee reports do not change.

use chrono::{Duration, Months, NaiveDateTime};

use super::workflow::State;

/// The shortest retention period the command accepts (or one month):
/// closed records are kept at least this long (the ministry keeps them; a typo such as `5d`
/// for `5y` must not erase last week's records).
pub const MIN_DAYS: u32 = 30;
/// The longest: beyond it a cut-off date means nothing.
pub const MAX_YEARS: u32 = 100;

/// How long closed records are kept: `5y`, `36m` or `400d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    Years(u32),
    Months(u32),
    Days(u32),
}

const SYNTAX: &str = "bir sayı ve birim yazın: 5y (yıl), 36m (ay) ya da 400d (gün)";

impl Retention {
    /// Parses `5y`, `36m`, `400d` (spaces and upper case allowed). Refuses
    /// periods under [`MIN_DAYS`] days and over [`MAX_YEARS`] years.
    pub fn parse(raw: &str) -> Result<Retention, String> {
        let s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if s.is_empty() {
            return Err(format!("Saklama süresi boş; {SYNTAX}."));
        }
        let (digits, unit) = s.split_at(s.len() - s.chars().last().map_or(0, char::len_utf8));
        let n = match digits.parse::<u32>() {
            Ok(n) if !digits.starts_with('+') => n,
            _ => return Err(format!("'{}' anlaşılmadı; {SYNTAX}.", raw.trim())),
        };
        let r = match unit {
            "y" => Retention::Years(n),
            "m" => Retention::Months(n),
            "d" => Retention::Days(n),
            _ => return Err(format!("'{}' anlaşılmadı; {SYNTAX}.", raw.trim())),
        };
        // A month counts as 30 days here: `1m` is the shortest in months.
        let (days, too_long) = match r {
            Retention::Years(n) => (u64::from(n) * 365, n > MAX_YEARS),
            Retention::Months(n) => (u64::from(n) * 30, n > MAX_YEARS * 12),
            Retention::Days(n) => (u64::from(n), n > MAX_YEARS * 366),
        };
        if days < u64::from(MIN_DAYS) {
            return Err(format!(
                "Saklama süresi en az {MIN_DAYS} gün (1 ay) olmalı (verilen: {}); \
                 kapanmış kayıtlar bundan kısa sürede anonimleştirilmez.",
                r.label()
            ));
        }
        if too_long {
            return Err(format!(
                "Saklama süresi en çok {MAX_YEARS} yıl olabilir (verilen: {}).",
                r.label()
            ));
        }
        Ok(r)
    }

    /// `5 yıl`, `36 ay`, `400 gün`.
    pub fn label(self) -> String {
        match self {
            Retention::Years(n) => format!("{n} yıl"),
            Retention::Months(n) => format!("{n} ay"),
            Retention::Days(n) => format!("{n} gün"),
        }
    }

    /// The cut-off: records that ended before it are past retention.
    /// Calendar years and months (29 February minus a year is 28 February).
    pub fn cutoff(self, now: NaiveDateTime) -> Option<NaiveDateTime> {
        match self {
            Retention::Years(n) => now.checked_sub_months(Months::new(n.checked_mul(12)?)),
            Retention::Months(n) => now.checked_sub_months(Months::new(n)),
            Retention::Days(n) => now.checked_sub_signed(Duration::days(i64::from(n))),
        }
    }
}

/// When a request ended: `ended_at`, or (for requests closed by an action
/// that does not record it) its last change.
pub fn ended(ended_at: Option<NaiveDateTime>, updated_at: NaiveDateTime) -> NaiveDateTime {
    ended_at.unwrap_or(updated_at)
}

/// Whether a staff member with these requests (state, end) is past
/// retention: at least one request, every one closed and ended before
/// `cutoff` (an open or active request keeps the person).
pub fn due(requests: &[(State, NaiveDateTime)], cutoff: NaiveDateTime) -> bool {
    !requests.is_empty()
        && requests
            .iter()
            .all(|(state, end)| state.is_closed() && *end < cutoff)
}

/// What every anonymised record's T.C. column starts with.
pub const TCKN_PREFIX: &str = "ANON";

/// The T.C. column of an anonymised record: not a number (no check digits,
/// letters), unique per record, 11 characters for ids under ten million.
pub fn placeholder_tckn(staff_id: i32) -> String {
    format!("{TCKN_PREFIX}{staff_id:07}")
}

/// Whether a stored T.C. column is an anonymised record's placeholder.
pub fn is_anonymised(stored_tckn: &str) -> bool {
    stored_tckn.starts_with(TCKN_PREFIX)
}

pub const FIRST_NAME: &str = "Anonim";

pub fn last_name(staff_id: i32) -> String {
    format!("Kişi #{staff_id}")
}

/// Unique (the column is), and never deliverable (`.invalid`, RFC 2606).
pub fn placeholder_email(staff_id: i32) -> String {
    format!("anonim-{staff_id}@anonim.invalid")
}

/// What a notice about an anonymised request says instead of the name.
pub const NOTICE_TEXT: &str =
    "Bu bildirimdeki kişi bilgileri KVKK saklama süresi dolduğu için anonimleştirildi.";

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("date")
    }

    #[test]
    fn periods_in_years_months_and_days() {
        assert_eq!(Retention::parse("5y"), Ok(Retention::Years(5)));
        assert_eq!(Retention::parse(" 36M "), Ok(Retention::Months(36)));
        assert_eq!(Retention::parse("400d"), Ok(Retention::Days(400)));
        assert_eq!(Retention::parse("30d"), Ok(Retention::Days(30)));
        assert_eq!(Retention::parse("1m"), Ok(Retention::Months(1)));
        assert_eq!(Retention::parse("1y"), Ok(Retention::Years(1)));
        assert_eq!(Retention::parse("100y"), Ok(Retention::Years(100)));
    }

    #[test]
    fn bad_syntax_is_refused_with_an_example() {
        for raw in [
            "", "5", "y", "5w", "5 yıl", "-5y", "+5y", "5.5y", "5yy", "y5", "ö",
        ] {
            let e = Retention::parse(raw).expect_err(raw);
            assert!(e.contains("5y (yıl)"), "{raw}: {e}");
        }
    }

    #[test]
    fn periods_under_thirty_days_or_over_a_century_are_refused() {
        for raw in ["0d", "29d", "0m", "0y", "10d"] {
            let e = Retention::parse(raw).expect_err(raw);
            assert!(e.contains("en az 30 gün"), "{raw}: {e}");
        }
        assert_eq!(
            Retention::parse("29d"),
            Err(
                "Saklama süresi en az 30 gün (1 ay) olmalı (verilen: 29 gün); \
                 kapanmış kayıtlar bundan kısa sürede anonimleştirilmez."
                    .into()
            )
        );
        for raw in ["101y", "1201m", "36601d", "99999999999y"] {
            assert!(Retention::parse(raw).is_err(), "{raw}");
        }
        assert!(Retention::parse("1200m").is_ok());
        assert!(Retention::parse("36600d").is_ok());
    }

    #[test]
    fn the_cutoff_counts_calendar_years_and_months() {
        let now = at(2026, 11, 23);
        assert_eq!(Retention::Years(5).cutoff(now), Some(at(2021, 11, 23)));
        assert_eq!(Retention::Months(36).cutoff(now), Some(at(2023, 11, 23)));
        assert_eq!(Retention::Days(400).cutoff(now), Some(at(2025, 10, 19)));
        assert_eq!(
            Retention::Years(1).cutoff(at(2028, 2, 29)),
            Some(at(2027, 2, 28))
        );
    }

    #[test]
    fn labels() {
        assert_eq!(Retention::Years(5).label(), "5 yıl");
        assert_eq!(Retention::Months(36).label(), "36 ay");
        assert_eq!(Retention::Days(400).label(), "400 gün");
    }

    #[test]
    fn a_request_ends_when_it_ended_or_else_at_its_last_change() {
        assert_eq!(ended(Some(at(2020, 1, 1)), at(2021, 1, 1)), at(2020, 1, 1));
        assert_eq!(ended(None, at(2021, 1, 1)), at(2021, 1, 1));
    }

    #[test]
    fn a_person_is_due_when_every_request_closed_before_the_cutoff() {
        let cutoff = at(2021, 11, 23);
        let old = at(2020, 1, 1);
        assert!(due(&[(State::Rejected, old)], cutoff));
        assert!(due(
            &[(State::Expired, old), (State::Cancelled, at(2021, 11, 22))],
            cutoff
        ));
        // Nothing to go by, one too recent (or exactly at the cut-off), one
        // still open or active: kept.
        assert!(!due(&[], cutoff));
        assert!(!due(
            &[(State::Revoked, old), (State::Invalidated, cutoff)],
            cutoff
        ));
        assert!(!due(&[(State::Revoked, old), (State::Active, old)], cutoff));
        assert!(!due(&[(State::Revoked, old), (State::Draft, old)], cutoff));
        for s in State::CLOSED {
            assert!(due(&[(s, old)], cutoff), "{s:?}");
        }
    }

    #[test]
    fn placeholders_are_unique_and_not_numbers() {
        assert_eq!(placeholder_tckn(42), "ANON0000042");
        assert_eq!(placeholder_tckn(42).len(), 11);
        assert_ne!(placeholder_tckn(42), placeholder_tckn(420));
        assert!(super::super::tckn::Tckn::parse(&placeholder_tckn(42)).is_err());
        assert!(is_anonymised(&placeholder_tckn(12_345_678)));
        assert!(!is_anonymised("10000000146"));
        assert_eq!(last_name(42), "Kişi #42");
        assert_eq!(placeholder_email(42), "anonim-42@anonim.invalid");
    }
}
