//! Rate tables with effective dates: KDV, the certificate fee per operator,
//! and the monthly tariff per operator and line type. A new period closes the
//! open one the day before; overlaps and gaps are refused. Accruals and
//! billing lines copy the values they used, so a change never alters them.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use super::Actor;
use crate::app::AppState;
use crate::db::{self, audit::AuditEntry, fees::StoredPeriod, fees::Table};
use crate::domain::money::{Money, Rate};
use crate::domain::rates::{Period, validate};
use crate::domain::staff::{LineType, Operator};
use crate::web::errors::AppError;
use crate::web::forms::FormData;
use crate::web::identity::CurrentUser;
use crate::web::page::{Page, render, see_other};
use crate::web::session::{FlashKind, TypedSession};

pub struct PeriodView {
    pub from: String,
    pub to: String,
    pub value: String,
    pub note: String,
}

pub struct TableView {
    pub code: String,
    pub title: String,
    pub periods: Vec<PeriodView>,
}

#[derive(Template)]
#[template(path = "admin/rates.html")]
struct RatesPage {
    page: Page,
    tables: Vec<TableView>,
}

fn tables() -> Vec<(String, String, Table)> {
    let mut out = vec![("kdv".to_owned(), "KDV genel oranı".to_owned(), Table::Kdv)];
    for o in Operator::ALL {
        out.push((
            format!("sertifika:{}", o.code()),
            format!("Sertifika ücreti (3 yıl, net) — {}", o.label()),
            Table::CertificateFee {
                operator: o.code().into(),
            },
        ));
    }
    for o in Operator::ALL {
        for l in LineType::ALL {
            out.push((
                format!("aylik:{}:{}", o.code(), l.code()),
                format!(
                    "Aylık ücret (liste / kullanıcıya yansıtılan) — {} {}",
                    o.label(),
                    l.label()
                ),
                Table::MonthlyTariff {
                    operator: o.code().into(),
                    line_type: l.code().into(),
                },
            ));
        }
    }
    out
}

fn show(t: &Table, p: &StoredPeriod) -> PeriodView {
    let d = |x: NaiveDate| x.format("%d.%m.%Y").to_string();
    PeriodView {
        from: d(p.from),
        to: p.to.map_or_else(|| "—".to_owned(), d),
        value: match t {
            Table::Kdv => Rate(p.values.0 as i32).label(),
            Table::CertificateFee { .. } => Money::from_kurus(p.values.0).to_string(),
            Table::MonthlyTariff { .. } => {
                format!(
                    "{} / {}",
                    Money::from_kurus(p.values.0),
                    Money::from_kurus(p.values.1)
                )
            }
        },
        note: p.note.clone(),
    }
}

pub async fn list(state: web::Data<AppState>, page: Page) -> Result<HttpResponse, AppError> {
    let tables = state
        .db(|conn| {
            tables()
                .into_iter()
                .map(|(code, title, t)| {
                    let periods = db::fees::periods(conn, &t)?
                        .iter()
                        .map(|p| show(&t, p))
                        .collect();
                    Ok(TableView {
                        code,
                        title,
                        periods,
                    })
                })
                .collect::<Result<Vec<_>, AppError>>()
        })
        .await?;
    render(&RatesPage { page, tables })
}

fn parse_date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

/// The new period's values from the form, or a Turkish message.
fn values_of(t: &Table, f: &FormData) -> Result<(i64, i64), String> {
    match t {
        Table::Kdv => {
            let bp = Money::parse(f.get("deger"))
                .map_err(|e| format!("Oran: {e}"))?
                .kurus();
            if bp > 10_000 {
                return Err("Oran %100'ü geçemez.".into());
            }
            if f.get("dayanak").trim().is_empty() {
                return Err(
                    "KDV oranı için yasal dayanağı (karar, Resmî Gazete tarihi ve sayısı) yazın."
                        .into(),
                );
            }
            Ok((bp, 0))
        }
        Table::CertificateFee { .. } => Ok((
            Money::parse(f.get("deger"))
                .map_err(|e| format!("Net ücret: {e}"))?
                .kurus(),
            0,
        )),
        Table::MonthlyTariff { .. } => {
            let list = Money::parse(f.get("deger"))
                .map_err(|e| format!("Liste fiyatı: {e}"))?
                .kurus();
            let billed = Money::parse(f.get("deger2"))
                .map_err(|e| format!("Yansıtılan tutar: {e}"))?
                .kurus();
            if billed > list {
                return Err("Kullanıcıya yansıtılan tutar liste fiyatını geçemez.".into());
            }
            Ok((list, billed))
        }
    }
}

pub async fn add(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: TypedSession,
    user: CurrentUser,
    f: FormData,
) -> Result<HttpResponse, AppError> {
    let Some((code, title, table)) = tables().into_iter().find(|(c, _, _)| c == f.get("tablo"))
    else {
        session.flash(
            FlashKind::Error,
            "Bir ücret tablosu seçin; hiçbir değişiklik yapılmadı.",
        );
        return Ok(see_other(crate::paths::RATES));
    };
    let from = parse_date(f.get("baslangic"));
    let to = match f.get("bitis").trim() {
        "" => Ok(None),
        raw => parse_date(raw).map(Some).ok_or(()),
    };
    let (from, to, values) = match (from, to, values_of(&table, &f)) {
        (Some(from), Ok(to), Ok(values)) => (from, to, values),
        (_, _, Err(msg)) => {
            session.flash(
                FlashKind::Error,
                format!("{msg} Hiçbir değişiklik yapılmadı."),
            );
            return Ok(see_other(crate::paths::RATES));
        }
        _ => {
            session.flash(
                FlashKind::Error,
                "Başlangıç (ve varsa bitiş) tarihini seçin; hiçbir değişiklik yapılmadı.",
            );
            return Ok(see_other(crate::paths::RATES));
        }
    };
    let note = f.get("dayanak").trim().to_owned();
    let actor = Actor::of(&user, &req);
    let now = state.clock.now_naive();
    let outcome = state
        .db(move |conn| {
            db::transaction(conn, |conn| {
                let existing = db::fees::periods(conn, &table)?;
                // The open period that the new one follows ends the day before.
                let close = existing
                    .iter()
                    .find(|p| p.to.is_none() && p.from < from)
                    .and_then(|p| from.pred_opt().map(|end| (p.id, end)));
                let mut proposed: Vec<Period<()>> = existing
                    .iter()
                    .map(|p| Period {
                        from: p.from,
                        to: match close {
                            Some((id, end)) if id == p.id => Some(end),
                            _ => p.to,
                        },
                        value: (),
                    })
                    .collect();
                proposed.push(Period {
                    from,
                    to,
                    value: (),
                });
                if let Err(e) = validate(&proposed) {
                    return Ok(Err(e.message()));
                }
                if let Some((id, end)) = close {
                    db::fees::set_end(conn, &table, id, Some(end))?;
                }
                db::fees::add_period(conn, &table, from, to, values, &note)?;
                db::audit::record(
                    conn,
                    &AuditEntry {
                        at: now,
                        actor_id: Some(actor.id),
                        action: "rates.added",
                        target: &code,
                        detail: &format!("{from} – {to:?}: {values:?} {note}"),
                        ip: &actor.ip,
                    },
                )?;
                Ok::<_, AppError>(Ok(()))
            })
        })
        .await?;
    match outcome {
        Ok(()) => session.flash(FlashKind::Success, format!("{title}: yeni dönem eklendi.")),
        Err(msg) => session.flash(
            FlashKind::Error,
            format!("{title}: {msg} Hiçbir değişiklik yapılmadı."),
        ),
    }
    Ok(see_other(crate::paths::RATES))
}
