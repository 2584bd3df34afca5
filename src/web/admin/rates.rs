//! Rate tables with effective dates: KDV, the certificate fee per operator,
//! and the monthly tariff per operator and line type. A new period closes the
//! open one the day before; overlaps and gaps are refused. Accruals and
//! billing lines copy the values they used, so a change never alters them.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use crate::app::AppState;
use crate::db::{fees::StoredPeriod, fees::Table};
use crate::domain::money::Money;
use crate::domain::staff::{LineType, Operator};
use crate::service::Actor;
use crate::service::rates::{self, Added, NewPeriod};
use crate::web::errors::AppError;
use crate::web::forms::Form;
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
        value: rates::value_label(t, p.values),
        note: p.note.clone(),
    }
}

pub async fn list(state: web::Data<AppState>, page: Page) -> Result<HttpResponse, AppError> {
    let (named, tables): (Vec<_>, Vec<_>) = tables()
        .into_iter()
        .map(|(code, title, t)| ((code, title), t))
        .unzip();
    let periods = {
        let tables = tables.clone();
        state
            .call(move |conn| rates::periods(conn, &tables))
            .await?
    };
    let tables = named
        .into_iter()
        .zip(tables.iter().zip(periods))
        .map(|((code, title), (t, periods))| TableView {
            code,
            title,
            periods: periods.iter().map(|p| show(t, p)).collect(),
        })
        .collect();
    render(&RatesPage { page, tables })
}

fn parse_date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

/// A new period for one rate table.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RateForm {
    /// Which table: `kdv`, a certificate fee or a monthly tariff.
    tablo: String,
    baslangic: String,
    bitis: String,
    /// The rate (KDV), the net fee, or the list price.
    deger: String,
    /// The amount billed to the user (monthly tariffs).
    deger2: String,
    /// The legal basis or a note.
    dayanak: String,
}

/// The new period's values from the form, or a Turkish message.
fn values_of(t: &Table, f: &RateForm) -> Result<(i64, i64), String> {
    match t {
        Table::Kdv => {
            let bp = Money::parse(&f.deger)
                .map_err(|e| format!("Oran: {e}"))?
                .kurus();
            if bp > 10_000 {
                return Err("Oran %100'ü geçemez.".into());
            }
            if f.dayanak.trim().is_empty() {
                return Err(
                    "KDV oranı için yasal dayanağı (karar, Resmî Gazete tarihi ve sayısı) yazın."
                        .into(),
                );
            }
            Ok((bp, 0))
        }
        Table::CertificateFee { .. } => Ok((
            Money::parse(&f.deger)
                .map_err(|e| format!("Net ücret: {e}"))?
                .kurus(),
            0,
        )),
        Table::MonthlyTariff { .. } => {
            let list = Money::parse(&f.deger)
                .map_err(|e| format!("Liste fiyatı: {e}"))?
                .kurus();
            let billed = Money::parse(&f.deger2)
                .map_err(|e| format!("Yansıtılan tutar: {e}"))?
                .kurus();
            if billed > list {
                return Err("Kullanıcıya yansıtılan tutar liste fiyatını geçemez.".into());
            }
            Ok((list, billed))
        }
    }
}

/// The table the form names (its code and title) and the new period, or
/// the message to flash when the form is incomplete.
fn parse_form(f: &RateForm) -> Result<(String, String, Table, NewPeriod), String> {
    let Some((code, title, table)) = tables().into_iter().find(|(c, _, _)| *c == f.tablo) else {
        return Err("Bir ücret tablosu seçin; hiçbir değişiklik yapılmadı.".into());
    };
    let from = parse_date(&f.baslangic);
    let to = match f.bitis.trim() {
        "" => Ok(None),
        raw => parse_date(raw).map(Some).ok_or(()),
    };
    match (from, to, values_of(&table, f)) {
        (Some(from), Ok(to), Ok(values)) => {
            let note = f.dayanak.trim().to_owned();
            let new = NewPeriod {
                from,
                to,
                values,
                note,
            };
            Ok((code, title, table, new))
        }
        (_, _, Err(msg)) => Err(format!("{msg} Hiçbir değişiklik yapılmadı.")),
        _ => Err("Başlangıç (ve varsa bitiş) tarihini seçin; hiçbir değişiklik yapılmadı.".into()),
    }
}

pub async fn add(
    state: web::Data<AppState>,
    session: TypedSession,
    actor: Actor,
    Form(f): Form<RateForm>,
) -> Result<HttpResponse, AppError> {
    let (code, title, table, new) = match parse_form(&f) {
        Ok(parsed) => parsed,
        Err(msg) => {
            session.flash(FlashKind::Error, msg);
            return Ok(see_other(crate::paths::RATES));
        }
    };
    let now = state.clock.now_naive();
    let outcome = state
        .call(move |conn| rates::add_period(conn, &actor, &code, &table, &new, now))
        .await?;
    match outcome {
        Added::Done => session.flash(FlashKind::Success, format!("{title}: yeni dönem eklendi.")),
        Added::Refused(msg) => session.flash(
            FlashKind::Error,
            format!("{title}: {msg} Hiçbir değişiklik yapılmadı."),
        ),
    }
    Ok(see_other(crate::paths::RATES))
}
