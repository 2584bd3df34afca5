//! Who pays a certificate: the institution pays one single-operator
//! certificate per staff member per 3-year window; a further one inside the
//! window is "kişisel ödeme" unless a reviewer grants an exception (with a
//! written reason, audited).

use chrono::{Months, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payer {
    Institution,
    Personal,
}

impl Payer {
    pub fn code(self) -> &'static str {
        match self {
            Payer::Institution => "kurum",
            Payer::Personal => "kisisel",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Payer::Institution => "Kurum ödemesi",
            Payer::Personal => "Kişisel ödeme",
        }
    }

    pub fn from_code(code: &str) -> Option<Payer> {
        [Payer::Institution, Payer::Personal]
            .into_iter()
            .find(|p| p.code() == code)
    }
}

pub const WINDOW_MONTHS: u32 = 36;

/// `institution_paid`: accrual days of this person's earlier institution-paid
/// certificates.
pub fn payer_for(institution_paid: &[NaiveDate], day: NaiveDate, exception: bool) -> Payer {
    let window_start = day
        .checked_sub_months(Months::new(WINDOW_MONTHS))
        .unwrap_or(NaiveDate::MIN);
    let inside = institution_paid
        .iter()
        .any(|d| *d > window_start && *d <= day);
    if inside && !exception {
        Payer::Personal
    } else {
        Payer::Institution
    }
}

impl std::fmt::Display for Payer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn one_institution_paid_certificate_per_three_years() {
        assert_eq!(payer_for(&[], d(2026, 11, 23), false), Payer::Institution);
        // Operator change a year later: the second is personal…
        assert_eq!(
            payer_for(&[d(2025, 11, 23)], d(2026, 11, 23), false),
            Payer::Personal
        );
        // …unless an exception is granted.
        assert_eq!(
            payer_for(&[d(2025, 11, 23)], d(2026, 11, 23), true),
            Payer::Institution
        );
        // Exactly three years later the window has passed: renewal is paid.
        assert_eq!(
            payer_for(&[d(2023, 11, 23)], d(2026, 11, 23), false),
            Payer::Institution
        );
        assert_eq!(
            payer_for(&[d(2023, 11, 24)], d(2026, 11, 23), false),
            Payer::Personal
        );
    }

    #[test]
    fn codes_and_labels() {
        assert_eq!(Payer::Institution.code(), "kurum");
        assert_eq!(Payer::Personal.code(), "kisisel");
        assert_eq!(Payer::Institution.label(), "Kurum ödemesi");
        assert_eq!(Payer::Personal.label(), "Kişisel ödeme");
        for p in [Payer::Institution, Payer::Personal] {
            assert_eq!(Payer::from_code(p.code()), Some(p));
        }
        assert_eq!(Payer::from_code("xyz"), None);
    }
}
