//! Finance charts: fees per month, active signatures per month, active
//! signatures by operator. Server-rendered SVG bars (geometry computed here,
//! markup in the template) with the same numbers as a table.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Months, NaiveDate};
use chrono_tz::Europe::Istanbul;
use diesel::prelude::*;

use super::errors::AppError;
use super::page::{Page, render};
use crate::app::AppState;
use crate::db::AnyConnection;
use crate::db::schema::{fee_accruals, requests};
use crate::domain::billing::BillingMonth;
use crate::domain::money::Money;
use crate::domain::staff::operator_label;

/// One bar: its label, the value shown, and its geometry in a 600×220 box.
pub struct Bar {
    pub label: String,
    pub value: String,
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    pub label_x: u32,
    /// Where the value is written, just above the bar.
    pub value_y: u32,
}

pub struct Chart {
    pub id: &'static str,
    pub title: &'static str,
    pub unit: &'static str,
    pub bars: Vec<Bar>,
}

const WIDTH: u32 = 600;
const PLOT_HEIGHT: u32 = 180;
const TOP: u32 = 16;

/// Bars scaled to the largest value (values are non-negative integers).
pub fn chart(
    id: &'static str,
    title: &'static str,
    unit: &'static str,
    data: Vec<(String, i64, String)>,
) -> Chart {
    let max = data.iter().map(|(_, v, _)| *v).max().unwrap_or(0).max(1);
    let n = data.len().max(1) as u32;
    let slot = WIDTH / n;
    let width = (slot * 7 / 10).clamp(4, 80);
    let bars = data
        .into_iter()
        .enumerate()
        .map(|(i, (label, v, value))| {
            let height = ((v.max(0) as u128 * u128::from(PLOT_HEIGHT)) / max as u128) as u32;
            let x = i as u32 * slot + (slot - width) / 2;
            let y = TOP + PLOT_HEIGHT - height;
            Bar {
                label,
                value,
                x,
                y,
                width,
                height,
                label_x: x + width / 2,
                value_y: y.saturating_sub(4).max(9),
            }
        })
        .collect();
    Chart {
        id,
        title,
        unit,
        bars,
    }
}

#[derive(Template)]
#[template(path = "finance/charts.html")]
struct ChartsPage {
    page: Page,
    charts: Vec<Chart>,
}

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

fn figures(conn: &mut AnyConnection, today: NaiveDate) -> QueryResult<Vec<Chart>> {
    let months = months_back(today, 12);
    let start = months.first().map_or(today, |m| m.first_day());
    let fees: Vec<(NaiveDate, i64)> = fee_accruals::table
        .filter(fee_accruals::accrued_on.ge(start))
        .select((fee_accruals::accrued_on, fee_accruals::gross_kurus))
        .load(conn)?;
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
        let active: i64 = requests::table
            .filter(requests::activated_at.lt(to))
            .filter(requests::ended_at.is_null().or(requests::ended_at.ge(from)))
            .count()
            .get_result(conn)?;
        active_bars.push((label, active, active.to_string()));
    }
    let by_operator: Vec<(String, i64)> = requests::table
        .filter(requests::state.eq("active"))
        .group_by(requests::operator)
        .select((requests::operator, diesel::dsl::count_star()))
        .load(conn)?;
    let operator_bars = by_operator
        .into_iter()
        .map(|(op, n)| (operator_label(&op).to_owned(), n, n.to_string()))
        .collect();
    Ok(vec![
        chart("ucret", "Aylık sertifika ücreti (brüt)", "TL", fee_bars),
        chart(
            "aktif",
            "Ay içinde etkin mobil imza sayısı",
            "adet",
            active_bars,
        ),
        chart(
            "operator",
            "Etkin mobil imzalar, operatöre göre",
            "adet",
            operator_bars,
        ),
    ])
}

pub async fn page(state: web::Data<AppState>, page: Page) -> Result<HttpResponse, AppError> {
    let today = state.clock.now().with_timezone(&Istanbul).date_naive();
    let charts = state.db(move |conn| Ok(figures(conn, today)?)).await?;
    render(&ChartsPage { page, charts })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value() {
        let c = chart(
            "t",
            "T",
            "adet",
            vec![
                ("a".into(), 50, "50".into()),
                ("b".into(), 100, "100".into()),
                ("c".into(), 0, "0".into()),
            ],
        );
        let heights: Vec<u32> = c.bars.iter().map(|b| b.height).collect();
        assert_eq!(heights, vec![90, 180, 0]);
        assert!(c.bars.iter().all(|b| b.y + b.height == TOP + PLOT_HEIGHT));
        assert!(c.bars[2].x > c.bars[1].x);
    }
}
