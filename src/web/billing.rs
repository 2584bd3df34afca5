//! Monthly billing for finance: run a month (idempotent), close it, and read
//! its lines with totals by unit and operator and the signatures that started
//! or stopped that month.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono_tz::Europe::Istanbul;
use serde::Deserialize;

use super::admin::Actor as AuditActor;
use super::errors::AppError;
use super::export::{Cell, Format, Row, stream};
use super::forms::FormData;
use super::identity::CurrentUser;
use super::page::{Page, render, see_other};
use super::session::{FlashKind, TypedSession};
use crate::app::AppState;
use crate::db::{self, AnyConnection, audit::AuditEntry};
use crate::domain::billing::BillingMonth;
use crate::domain::money::Money;
use crate::domain::text::sort_key;

#[derive(Debug, Default, Deserialize)]
pub struct MonthQuery {
    ay: Option<String>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Sums {
    pub count: i64,
    pub list: i64,
    pub billed: i64,
}

impl Sums {
    fn add(&mut self, list: i64, billed: i64) {
        self.count += 1;
        self.list += list;
        self.billed += billed;
    }
    pub fn list_s(&self) -> String {
        Money::from_kurus(self.list).to_string()
    }
    pub fn billed_s(&self) -> String {
        Money::from_kurus(self.billed).to_string()
    }
    pub fn diff_s(&self) -> String {
        Money::from_kurus(self.list - self.billed).to_string()
    }
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
    months: Vec<(String, bool)>,
}

fn group(groups: &mut Vec<(String, Sums)>, key: String, list: i64, billed: i64) {
    match groups.iter_mut().find(|(k, _)| *k == key) {
        Some((_, s)) => s.add(list, billed),
        None => {
            let mut s = Sums::default();
            s.add(list, billed);
            groups.push((key, s));
        }
    }
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
    let key = month.key();
    let (m, lines, months) = state
        .db(move |conn| {
            Ok((
                db::billing::find_month(conn, &key)?,
                db::billing::lines(conn, &key)?,
                db::billing::months(conn)?,
            ))
        })
        .await?;
    let mut total = Sums::default();
    let (mut by_unit, mut by_operator) = (Vec::new(), Vec::new());
    let (mut started, mut stopped) = (Vec::new(), Vec::new());
    for l in &lines {
        total.add(l.list_kurus, l.billed_kurus);
        group(&mut by_unit, l.unit.clone(), l.list_kurus, l.billed_kurus);
        let op = format!("{} · {}", l.operator.label(), l.line_type.label());
        group(&mut by_operator, op, l.list_kurus, l.billed_kurus);
        let who = format!("{} {} (#{})", l.first_name, l.last_name, l.request_id);
        if l.started {
            started.push(who.clone());
        }
        if l.stopped {
            stopped.push(who);
        }
    }
    by_unit.sort_by_cached_key(|(k, _)| sort_key(k));
    by_operator.sort_by_cached_key(|(k, _)| sort_key(k));
    let fmt = |t: chrono::NaiveDateTime| crate::domain::time::format_local(t);
    render(&BillingPage {
        page,
        month: month.key(),
        label: month.label(),
        run: m.as_ref().map(|m| fmt(m.run_at)),
        closed: m.as_ref().and_then(|m| m.closed_at).map(fmt),
        total,
        by_unit,
        by_operator,
        started,
        stopped,
        months: months
            .into_iter()
            .map(|m| (m.month, m.closed_at.is_some()))
            .collect(),
    })
}

/// Runs a month in one transaction and audits it; used by the button, the
/// CLI and the scheduler.
pub fn run_month(
    conn: &mut AnyConnection,
    month: BillingMonth,
    by: Option<i32>,
    ip: &str,
    now: chrono::NaiveDateTime,
) -> Result<Result<usize, db::billing::RunError>, AppError> {
    db::transaction(conn, |conn| {
        let result = db::billing::run(conn, month, by, now)?;
        if let Ok(n) = &result {
            db::audit::record(
                conn,
                &AuditEntry {
                    at: now,
                    actor_id: by,
                    action: "billing.run",
                    target: &month.key(),
                    detail: &format!("{n} satır"),
                    ip,
                },
            )?;
        }
        Ok::<_, AppError>(result)
    })
}

pub async fn act(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: TypedSession,
    user: CurrentUser,
    f: FormData,
) -> Result<HttpResponse, AppError> {
    let Ok(month) = BillingMonth::parse(f.get("ay")) else {
        session.flash(
            FlashKind::Error,
            "Ayı yyyy-aa biçiminde girin (örn. 2026-10).",
        );
        return Ok(see_other(crate::paths::BILLING));
    };
    let back = crate::paths::billing_month(&month.key());
    let actor = AuditActor::of(&user, &req);
    let now = state.clock.now_naive();
    let close = f.get("islem") == "kapat";
    let text = state
        .db(move |conn| {
            if close {
                let done = db::transaction(conn, |conn| {
                    let done = db::billing::close(conn, &month.key(), actor.id, now)?;
                    if done {
                        db::audit::record(
                            conn,
                            &AuditEntry {
                                at: now,
                                actor_id: Some(actor.id),
                                action: "billing.close",
                                target: &month.key(),
                                detail: "",
                                ip: &actor.ip,
                            },
                        )?;
                    }
                    Ok::<_, AppError>(done)
                })?;
                return Ok(if done {
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
                });
            }
            Ok(
                match run_month(conn, month, Some(actor.id), &actor.ip, now)? {
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
                },
            )
        })
        .await?;
    session.flash(text.0, text.1);
    Ok(see_other(&back))
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
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (month, ext) = path.into_inner();
    let format = Format::from_ext(&ext)?;
    let month = BillingMonth::parse(&month).map_err(|_| AppError::NotFound)?;
    let actor = AuditActor::of(&user, &req);
    let now = state.clock.now_naive();
    let key = month.key();
    state
        .db(move |conn| {
            db::billing::find_month(conn, &key)?.ok_or(AppError::NotFound)?;
            let n = db::billing::snapshot(conn, &key)?.len();
            db::audit::record(
                conn,
                &AuditEntry {
                    at: now,
                    actor_id: Some(actor.id),
                    action: "export.billing",
                    target: &key,
                    detail: &format!("{n} satır, {ext}"),
                    ip: &actor.ip,
                },
            )?;
            Ok(())
        })
        .await?;
    let pool = state.pool.clone();
    let key = month.key();
    Ok(stream(
        format,
        &format!("aylik-ucretler-{key}"),
        "Aylık ücretler",
        &HEADERS,
        move |sink| {
            let mut conn = pool.get()?;
            let (mut after, mut total) = (0, Sums::default());
            loop {
                let lines = db::billing::lines_after(&mut conn, &key, after, 5_000)?;
                let Some(last) = lines.last() else { break };
                after = last.id;
                for l in lines {
                    total.add(l.list_kurus, l.billed_kurus);
                    let change = match (l.started, l.stopped) {
                        (true, true) => "başladı ve bitti",
                        (true, false) => "başladı",
                        (false, true) => "bitti",
                        (false, false) => "",
                    };
                    sink(vec![
                        Cell::Number(i64::from(l.request_id)),
                        Cell::Text(l.first_name),
                        Cell::Text(l.last_name),
                        Cell::Text(l.unit),
                        Cell::Text(l.operator.label().to_owned()),
                        Cell::Text(l.line_type.label().to_owned()),
                        Cell::Money(l.list_kurus),
                        Cell::Money(l.billed_kurus),
                        Cell::Money(l.list_kurus - l.billed_kurus),
                        Cell::Text(change.to_owned()),
                    ])?;
                }
            }
            let mut totals: Row = vec![Cell::Text(String::new()); 10];
            totals[0] = Cell::Text("TOPLAM".into());
            totals[1] = Cell::Text(format!("{} imza", total.count));
            totals[6] = Cell::Money(total.list);
            totals[7] = Cell::Money(total.billed);
            totals[8] = Cell::Money(total.list - total.billed);
            sink(totals)
        },
    ))
}
