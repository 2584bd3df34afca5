//! Billing months: `2026-10` and its bounds. A signature is billed for a month
//! if it was active on any day of it (Europe/Istanbul days).

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Istanbul;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct BillingMonth {
    first: NaiveDate,
}

impl BillingMonth {
    pub fn parse(raw: &str) -> Result<BillingMonth, &'static str> {
        let first = NaiveDate::parse_from_str(&format!("{}-01", raw.trim()), "%Y-%m-%d")
            .map_err(|_| "Ayı yyyy-aa biçiminde girin (örn. 2026-10).")?;
        Ok(BillingMonth { first })
    }

    pub fn of(day: NaiveDate) -> BillingMonth {
        BillingMonth {
            first: day.with_day(1).unwrap_or(day),
        }
    }

    pub fn previous(self) -> BillingMonth {
        BillingMonth {
            first: self
                .first
                .checked_sub_months(Months::new(1))
                .unwrap_or(self.first),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        self.first
    }

    pub fn next_first_day(self) -> NaiveDate {
        self.first
            .checked_add_months(Months::new(1))
            .unwrap_or(self.first)
    }

    /// `2026-10`, the key stored with the lines.
    pub fn key(self) -> String {
        self.first.format("%Y-%m").to_string()
    }

    /// `Ekim 2026`
    pub fn label(self) -> String {
        const NAMES: [&str; 12] = [
            "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül",
            "Ekim", "Kasım", "Aralık",
        ];
        format!(
            "{} {}",
            NAMES[self.first.month0() as usize],
            self.first.year()
        )
    }

    /// UTC instants of the month's start and the next month's start.
    pub fn utc_bounds(self) -> (NaiveDateTime, NaiveDateTime) {
        let utc = |d: NaiveDate| {
            let local = d.and_hms_opt(0, 0, 0).unwrap_or_default();
            Istanbul
                .from_local_datetime(&local)
                .earliest()
                .map_or(local, |t| t.naive_utc())
        };
        (utc(self.first), utc(self.next_first_day()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_their_bounds() {
        let m = BillingMonth::parse("2026-10").expect("month");
        assert_eq!(m.key(), "2026-10");
        assert_eq!(m.label(), "Ekim 2026");
        let (start, end) = m.utc_bounds();
        assert_eq!(start.to_string(), "2026-09-30 21:00:00");
        assert_eq!(end.to_string(), "2026-10-31 21:00:00");
        assert_eq!(
            BillingMonth::parse("2026-01").map(|m| m.previous().key()),
            Ok("2025-12".into())
        );
        assert!(BillingMonth::parse("2026-13").is_err());
        assert!(BillingMonth::parse("ekim").is_err());
    }

    #[test]
    fn the_month_of_a_day() {
        let day = NaiveDate::from_ymd_opt(2024, 2, 29).expect("date");
        let m = BillingMonth::of(day);
        assert_eq!(m.key(), "2024-02");
        assert_eq!(m.label(), "Şubat 2024");
        assert_eq!(m.first_day().to_string(), "2024-02-01");
        assert_eq!(m.next_first_day().to_string(), "2024-03-01");
        assert_eq!(m.previous().first_day().to_string(), "2024-01-01");
    }
}
