//! Figures for finance's charts: certificate fees per month, signatures
//! active in each month, and active signatures by operator (last 12 months).

use chrono::{Months, NaiveDate};

use super::ServiceResult;
use crate::db::{self, AnyConnection};
use crate::domain::billing::BillingMonth;
use crate::domain::money::Money;

/// A chart's bars: label, value (whole units) and the value as shown.
pub type Series = Vec<(String, i64, String)>;

fn months_back(today: NaiveDate, n: u32) -> Vec<BillingMonth> {
    let this = BillingMonth::of(today);
    (0..n)
        .rev()
        .map(|i| {
            BillingMonth::of(
                this.first_day()
                    .checked_sub_months(Months::new(i))
                    .unwrap_or(today),
            )
        })
        .collect()
}

/// Gross fees per month (TL), signatures active per month, active by operator.
pub fn monthly_figures(conn: &mut AnyConnection, today: NaiveDate) -> ServiceResult<[Series; 3]> {
    let months = months_back(today, 12);
    let start = months.first().map_or(today, |m| m.first_day());
    let fees = db::fees::gross_by_day_since(conn, start)?;
    let mut fee_bars = Vec::new();
    let mut active_bars = Vec::new();
    for m in &months {
        let gross: i64 = fees
            .iter()
            .filter(|(d, _)| BillingMonth::of(*d) == *m)
            .map(|(_, g)| g)
            .sum();
        let label = m.first_day().format("%m.%Y").to_string();
        fee_bars.push((
            label.clone(),
            gross / 100,
            Money::from_kurus(gross).to_string(),
        ));
        let (from, to) = m.utc_bounds();
        let active = db::requests::count_active_between(conn, from, to)?;
        active_bars.push((label, active, active.to_string()));
    }
    let operator_bars = db::requests::count_active_by_operator(conn)?
        .into_iter()
        .map(|(op, n)| (op.label().to_owned(), n, n.to_string()))
        .collect();
    Ok([fee_bars, active_bars, operator_bars])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_months_back_end_with_this_month() {
        let today = NaiveDate::from_ymd_opt(2026, 2, 14).expect("date");
        let months = months_back(today, 12);
        assert_eq!(months.len(), 12);
        assert_eq!(months[0].key(), "2025-03");
        assert_eq!(months[11].key(), "2026-02");
    }
}
