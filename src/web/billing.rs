//! Monthly billing for finance: run a month (idempotent), close it, and read
//! its lines with totals by unit and operator and the signatures that started
//! or stopped that month.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono_tz::Europe::Istanbul;
use serde::Deserialize;

use super::errors::AppError;
use super::export::{Cell, Format, Row, stream};
use super::forms::Form;
use super::page::{Page, render, see_other};
use super::session::{FlashKind, TypedSession};
use crate::app::AppState;
use crate::db::{self, billing::Line};
use crate::domain::billing::{BillingMonth, Unbilled, UnbilledGroup};
use crate::domain::time::format_local;
use crate::service::Actor;
use crate::service::billing::{self as service, MonthReport};

pub use crate::service::billing::Sums;

#[derive(Debug, Default, Deserialize)]
pub struct MonthQuery {
    ay: Option<String>,
}

#[derive(Template)]
#[template(path = "finance/billing.html")]
struct BillingPage {
    page: Page,
    month: String,
    label: String,
    run: Option<String>,
    closed: Option<String>,
    total: Sums,
    by_unit: Vec<(String, Sums)>,
    by_operator: Vec<(String, Sums)>,
    started: Vec<String>,
    stopped: Vec<String>,
    /// Months billed so far: key, label, closed.
    months: Vec<(String, String, bool)>,
    /// The month picker: the last 36 months and this one, newest first, as
    /// (key, "Ekim 2026").
    choices: Vec<(String, String)>,
    /// Active signatures left out because no tariff applies.
    unbilled: Vec<UnbilledGroup>,
}

/// This month and the 36 before it.
fn month_choices(today: chrono::NaiveDate) -> Vec<(String, String)> {
    std::iter::successors(Some(BillingMonth::of(today)), |m| Some(m.previous()))
        .take(37)
        .map(|m| (m.key(), m.label()))
        .collect()
}

pub async fn page(
    state: web::Data<AppState>,
    page: Page,
    q: web::Query<MonthQuery>,
) -> Result<HttpResponse, AppError> {
    let today = state.clock.now().with_timezone(&Istanbul).date_naive();
    let month = match q.ay.as_deref().filter(|s| !s.is_empty()) {
        Some(raw) => {
            BillingMonth::parse(raw).unwrap_or_else(|_| BillingMonth::of(today).previous())
        }
        None => BillingMonth::of(today).previous(),
    };
    let report = state
        .call(move |conn| service::month_report(conn, month))
        .await?;
    let MonthReport {
        month: m,
        total,
        by_unit,
        by_operator,
        started,
        stopped,
        months,
        unbilled,
    } = report;
    render(&BillingPage {
        page,
        month: month.key(),
        label: month.label(),
        run: m.as_ref().map(|m| format_local(m.run_at)),
        closed: m.as_ref().and_then(|m| m.closed_at).map(format_local),
        total,
        by_unit,
        by_operator,
        started,
        stopped,
        months: months
            .into_iter()
            .map(|(key, closed)| {
                let label = BillingMonth::parse(&key).map_or_else(|_| key.clone(), |m| m.label());
                (key, label, closed)
            })
            .collect(),
        choices: month_choices(today),
        unbilled,
    })
}

/// Run or close a month.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MonthForm {
    /// `yyyy-mm`.
    ay: String,
    /// "kapat" closes the month; anything else runs it.
    islem: String,
}

pub async fn act(
    state: web::Data<AppState>,
    session: TypedSession,
    actor: Actor,
    Form(f): Form<MonthForm>,
) -> Result<HttpResponse, AppError> {
    let Ok(month) = BillingMonth::parse(&f.ay) else {
        session.flash(
            FlashKind::Error,
            "Ayı yyyy-aa biçiminde girin (örn. 2026-10).",
        );
        return Ok(see_other(crate::paths::BILLING));
    };
    let now = state.clock.now_naive();
    let (kind, text) = if f.islem == "kapat" {
        let closed = state
            .call(move |conn| service::close_month(conn, &actor, month, now))
            .await?;
        closed_message(month, closed)
    } else {
        let ran = state
            .call(move |conn| service::run_month(conn, &actor, month, now))
            .await?;
        run_message(month, ran)
    };
    session.flash(kind, text);
    Ok(see_other(&crate::paths::billing_month(&month.key())))
}

fn closed_message(month: BillingMonth, closed: bool) -> (FlashKind, String) {
    if closed {
        (
            FlashKind::Success,
            format!(
                "{} kapatıldı; artık yeniden çalıştırılamaz ve değiştirilemez.",
                month.label()
            ),
        )
    } else {
        (
            FlashKind::Error,
            format!(
                "{} kapatılamadı: önce çalıştırılmalı ya da zaten kapalı.",
                month.label()
            ),
        )
    }
}

fn run_message(
    month: BillingMonth,
    ran: Result<usize, db::billing::RunError>,
) -> (FlashKind, String) {
    match ran {
        Ok(n) => (
            FlashKind::Success,
            format!(
                "{} faturalandırması çalıştırıldı: {n} satır.",
                month.label()
            ),
        ),
        Err(db::billing::RunError::Closed) => (
            FlashKind::Error,
            format!("{} kapatılmış; yeniden çalıştırılamaz.", month.label()),
        ),
    }
}

const HEADERS: [&str; 10] = [
    "Talep No",
    "Ad",
    "Soyad",
    "Birim",
    "Operatör",
    "Hat Tipi",
    "Liste Fiyatı (TL)",
    "Yansıtılan (TL)",
    "Fark (TL)",
    "Bu Ay",
];

/// `GET /mali/aylik/{ay}.{csv|xlsx}`: the month's lines and a totals row,
/// streamed; audited.
pub async fn export(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (month, ext) = path.into_inner();
    let format = Format::from_ext(&ext)?;
    let month = BillingMonth::parse(&month).map_err(|_| AppError::NotFound)?;
    let now = state.clock.now_naive();
    state
        .call(move |conn| service::export_month(conn, &actor, month, &ext, now))
        .await?
        .ok_or(AppError::NotFound)?;
    let pool = state.pool.clone();
    let key = month.key();
    Ok(stream(
        format,
        &format!("aylik-ucretler-{key}"),
        "Aylık ücretler",
        &HEADERS,
        move |sink| {
            let mut conn = pool.get()?;
            let total = service::for_each_line(&mut conn, &key, |l| sink(row(l)))?;
            sink(totals_row(&total))?;
            // Active signatures no tariff applies to, after the totals.
            let unbilled = service::unbilled_rows(&mut conn, month)?;
            if !unbilled.is_empty() {
                let mut title: Row = vec![Cell::EMPTY; 10];
                title[0] = Cell::text("ÜCRETLENDİRİLMEYEN (tarife yok)");
                title[1] = Cell::text(format!("{} imza", unbilled.len()));
                sink(title)?;
            }
            for u in unbilled {
                sink(unbilled_row(u))?;
            }
            Ok(())
        },
    ))
}

fn row(l: Line) -> Row<'static> {
    let change = match (l.started, l.stopped) {
        (true, true) => "başladı ve bitti",
        (true, false) => "başladı",
        (false, true) => "bitti",
        (false, false) => "",
    };
    vec![
        Cell::Number(i64::from(l.request_id)),
        Cell::text(l.first_name),
        Cell::text(l.last_name),
        Cell::text(l.unit),
        Cell::text(l.operator.label()),
        Cell::text(l.line_type.label()),
        Cell::Money(l.list_kurus),
        Cell::Money(l.billed_kurus),
        Cell::Money(l.list_kurus - l.billed_kurus),
        Cell::text(change),
    ]
}

fn unbilled_row(u: Unbilled) -> Row<'static> {
    vec![
        Cell::Number(i64::from(u.request_id)),
        Cell::text(u.first_name),
        Cell::text(u.last_name),
        Cell::text(u.unit),
        Cell::text(u.operator.label()),
        Cell::text(u.line_type.label()),
        Cell::EMPTY,
        Cell::EMPTY,
        Cell::EMPTY,
        Cell::text("tarife yok"),
    ]
}

fn totals_row(total: &Sums) -> Row<'static> {
    let mut totals: Row = vec![Cell::EMPTY; 10];
    totals[0] = Cell::text("TOPLAM");
    totals[1] = Cell::text(format!("{} imza", total.count));
    totals[6] = Cell::Money(total.list);
    totals[7] = Cell::Money(total.billed);
    totals[8] = Cell::Money(total.list - total.billed);
    totals
}
