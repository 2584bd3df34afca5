//! Finance charts: fees per month, active signatures per month, active
//! signatures by operator. Server-rendered SVG bars (geometry computed here,
//! markup in the template) with the same numbers as a table.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono_tz::Europe::Istanbul;

use super::errors::AppError;
use super::page::{Page, render};
use crate::app::AppState;
use crate::service::reports::{self, Series};

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
pub fn chart(id: &'static str, title: &'static str, unit: &'static str, data: Series) -> Chart {
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

pub async fn page(state: web::Data<AppState>, page: Page) -> Result<HttpResponse, AppError> {
    let today = state.clock.now().with_timezone(&Istanbul).date_naive();
    let [fees, active, by_operator] = state
        .call(move |conn| reports::monthly_figures(conn, today))
        .await?;
    let charts = vec![
        chart("ucret", "Aylık sertifika ücreti (brüt)", "TL", fees),
        chart("aktif", "Ay içinde etkin mobil imza sayısı", "adet", active),
        chart(
            "operator",
            "Etkin mobil imzalar, operatöre göre",
            "adet",
            by_operator,
        ),
    ];
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
