//! Values that change on a date (KDV rates, certificate fees, monthly
//! tariffs): a list of periods `[from, to]` (inclusive days, `to` open for the
//! current one) that must neither overlap nor leave gaps. A change never alters
//! what was already accrued: accruals copy the value they used.

use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period<T> {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub value: T,
}

impl<T> Period<T> {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|to| day <= to)
    }
}

/// The value in force on `day`, if any.
pub fn in_force<T>(periods: &[Period<T>], day: NaiveDate) -> Option<&T> {
    periods.iter().find(|p| p.contains(day)).map(|p| &p.value)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodError {
    EndsBeforeStart(NaiveDate),
    Overlap(NaiveDate, NaiveDate),
    Gap(NaiveDate, NaiveDate),
    OpenEndedNotLast(NaiveDate),
}

impl PeriodError {
    pub fn message(&self) -> String {
        let d = |x: &NaiveDate| x.format("%d.%m.%Y").to_string();
        match self {
            PeriodError::EndsBeforeStart(f) => format!(
                "{} tarihinde başlayan dönemin bitişi başlangıcından önce.",
                d(f)
            ),
            PeriodError::Overlap(a, b) => format!(
                "{} ve {} tarihlerinde başlayan dönemler çakışıyor.",
                d(a),
                d(b)
            ),
            PeriodError::Gap(end, next) => {
                format!(
                    "{} ile {} arasında boşluk var; dönemler art arda gelmeli.",
                    d(end),
                    d(next)
                )
            }
            PeriodError::OpenEndedNotLast(f) => {
                format!(
                    "{} tarihinde başlayan dönemin bitişi yok ama ondan sonra başka dönem var.",
                    d(f)
                )
            }
        }
    }
}

/// Checks that `periods` (any order) follow each other day by day.
pub fn validate<T>(periods: &[Period<T>]) -> Result<(), PeriodError> {
    let mut sorted: Vec<&Period<T>> = periods.iter().collect();
    sorted.sort_by_key(|p| p.from);
    for p in &sorted {
        if let Some(to) = p.to
            && to < p.from
        {
            return Err(PeriodError::EndsBeforeStart(p.from));
        }
    }
    for pair in sorted.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let Some(a_to) = a.to else {
            return Err(PeriodError::OpenEndedNotLast(a.from));
        };
        if b.from <= a_to {
            return Err(PeriodError::Overlap(a.from, b.from));
        }
        if a_to.succ_opt() != Some(b.from) {
            return Err(PeriodError::Gap(a_to, b.from));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn kdv() -> Vec<Period<i32>> {
        vec![
            Period {
                from: d(2000, 1, 1),
                to: Some(d(2023, 7, 9)),
                value: 1800,
            },
            Period {
                from: d(2023, 7, 10),
                to: None,
                value: 2000,
            },
        ]
    }

    #[test]
    fn the_rate_in_force_on_a_day() {
        let p = kdv();
        assert_eq!(in_force(&p, d(2023, 7, 9)), Some(&1800));
        assert_eq!(in_force(&p, d(2023, 7, 10)), Some(&2000));
        assert_eq!(in_force(&p, d(1999, 12, 31)), None);
        assert!(validate(&p).is_ok());
    }

    #[test]
    fn a_period_of_a_single_day_is_valid() {
        let p = vec![
            Period {
                from: d(2024, 1, 1),
                to: Some(d(2024, 1, 1)),
                value: 1,
            },
            Period {
                from: d(2024, 1, 2),
                to: None,
                value: 2,
            },
        ];
        assert_eq!(validate(&p), Ok(()));
        assert_eq!(in_force(&p, d(2024, 1, 1)), Some(&1));
        assert_eq!(in_force(&p, d(2024, 1, 2)), Some(&2));
    }

    #[test]
    fn the_turkcell_postpaid_monthly_fee_is_8_listed_and_4_billed() {
        use crate::domain::money::Money;
        let tariff = vec![Period {
            from: d(2000, 1, 1),
            to: None,
            value: (800_i64, 400_i64),
        }];
        let (list, billed) = *in_force(&tariff, d(2026, 10, 1)).expect("tariff");
        assert_eq!(Money::from_kurus(list).to_string(), "8,00 TL");
        assert_eq!(Money::from_kurus(billed).to_string(), "4,00 TL");
        assert_eq!(Money::from_kurus(list - billed).to_string(), "4,00 TL");
    }

    #[test]
    fn overlaps_and_gaps_are_refused_with_a_message() {
        let mut p = kdv();
        p[1].from = d(2023, 7, 9);
        assert_eq!(
            validate(&p),
            Err(PeriodError::Overlap(d(2000, 1, 1), d(2023, 7, 9)))
        );
        let mut p = kdv();
        p[1].from = d(2023, 7, 12);
        let e = validate(&p).expect_err("gap");
        assert_eq!(
            e.message(),
            "09.07.2023 ile 12.07.2023 arasında boşluk var; dönemler art arda gelmeli."
        );
        let mut p = kdv();
        p[0].to = None;
        assert_eq!(
            validate(&p),
            Err(PeriodError::OpenEndedNotLast(d(2000, 1, 1)))
        );
        let p = vec![Period {
            from: d(2024, 1, 2),
            to: Some(d(2024, 1, 1)),
            value: 1,
        }];
        assert_eq!(
            validate(&p),
            Err(PeriodError::EndsBeforeStart(d(2024, 1, 2)))
        );
    }
}
