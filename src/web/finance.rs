//! Finance: the certificate-fee report (filters, totals grouped by province,
//! unit or operator), invoice and payment recording, and exports that stream
//! (CSV for Turkish Excel, XLSX with numeric TL cells) so memory stays flat.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::errors::AppError;
use super::export::{Cell, Format, Row, stream};
use super::forms::Form;
use super::page::{Page, render_status, see_other};
use super::session::{FlashKind, TypedSession};
use crate::app::AppState;
use crate::db::{self, fee_report::FeeFilter, fee_report::FeeLine, fee_report::InvoiceStatus};
use crate::domain::money::{Money, Rate};
use crate::domain::payer::Payer;
use crate::domain::staff::Operator;
use crate::domain::tckn::mask;
use crate::service::fees::{self, FeeReport, Grouping, Invoice};
use crate::service::{Actor, Outcome};

pub use crate::service::fees::Totals;

pub const SCREEN_LINES: i64 = 200;

#[derive(Debug, Default, Deserialize, Clone)]
pub struct FeeQuery {
    baslangic: Option<String>,
    bitis: Option<String>,
    il: Option<String>,
    birim: Option<String>,
    operator: Option<String>,
    odeyen: Option<String>,
    durum: Option<String>,
    grup: Option<String>,
}

fn opt(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn date(v: &Option<String>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(opt(v)?, "%Y-%m-%d").ok()
}

impl FeeQuery {
    fn filter(&self) -> FeeFilter {
        FeeFilter {
            from: date(&self.baslangic),
            to: date(&self.bitis),
            province_id: opt(&self.il).and_then(|v| v.parse().ok()),
            unit_id: opt(&self.birim).and_then(|v| v.parse().ok()),
            operator: opt(&self.operator).and_then(Operator::from_code),
            payer: opt(&self.odeyen).and_then(Payer::from_code),
            status: opt(&self.durum).and_then(InvoiceStatus::from_code),
        }
    }

    fn query_string(&self) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("baslangic", opt(&self.baslangic)),
            ("bitis", opt(&self.bitis)),
            ("il", opt(&self.il)),
            ("birim", opt(&self.birim)),
            ("operator", opt(&self.operator)),
            ("odeyen", opt(&self.odeyen)),
            ("durum", opt(&self.durum)),
            ("grup", opt(&self.grup)),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

pub struct LineView {
    pub id: i32,
    pub request_id: i32,
    pub date: String,
    pub name: String,
    pub tckn: String,
    pub unit: String,
    pub operator: String,
    pub payer: String,
    pub net: String,
    pub rate: String,
    pub kdv: String,
    pub gross: String,
    pub invoice: String,
    pub paid: String,
}

fn d(date: Option<NaiveDate>) -> String {
    date.map(|d| d.format("%d.%m.%Y").to_string())
        .unwrap_or_default()
}

impl From<FeeLine> for LineView {
    fn from(l: FeeLine) -> Self {
        LineView {
            id: l.id,
            request_id: l.request_id,
            date: l.accrued_on.format("%d.%m.%Y").to_string(),
            name: format!("{} {}", l.first_name, l.last_name),
            tckn: mask(&l.tckn),
            unit: l.unit,
            operator: l.operator.label().to_owned(),
            payer: l.payer.label().to_owned(),
            net: Money::from_kurus(l.net_kurus).to_string(),
            rate: Rate(l.kdv_bp).label(),
            kdv: Money::from_kurus(l.kdv_kurus).to_string(),
            gross: Money::from_kurus(l.gross_kurus).to_string(),
            invoice: match (l.invoice_no, l.invoice_date) {
                (Some(no), date) => format!("{no} {}", d(date)).trim().to_owned(),
                _ => String::new(),
            },
            paid: d(l.paid_on),
        }
    }
}

#[derive(Template)]
#[template(path = "finance/fees.html")]
struct FeesPage {
    page: Page,
    q: FeeQuery,
    qs: String,
    total: Totals,
    groups: Vec<(String, Totals)>,
    group_label: &'static str,
    lines: Vec<LineView>,
    more: bool,
    provinces: &'static [db::units::Province],
    units: Vec<(i32, String)>,
    operators: [Operator; 3],
    statuses: [InvoiceStatus; 4],
}

impl FeesPage {
    fn sel(&self, v: &Option<String>, want: &str) -> bool {
        v.as_deref() == Some(want)
    }
    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

pub async fn fees(
    state: web::Data<AppState>,
    page: Page,
    q: web::Query<FeeQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let filter = q.filter();
    let code = opt(&q.grup).unwrap_or("il").to_owned();
    let grouping = Grouping::from_code(&code);
    let FeeReport {
        total,
        groups,
        lines,
        more,
        provinces,
        units,
    } = state
        .call(move |conn| fees::report(conn, &filter, grouping, SCREEN_LINES))
        .await?;
    let group_label = match grouping {
        Grouping::Unit => "Birim",
        Grouping::Operator => "Operatör",
        Grouping::Province => "İl",
    };
    let qs = q.query_string();
    render_status(
        &FeesPage {
            page,
            q,
            qs,
            total,
            groups,
            group_label,
            lines: lines.into_iter().map(LineView::from).collect(),
            more,
            provinces,
            units,
            operators: Operator::ALL,
            statuses: InvoiceStatus::ALL,
        },
        StatusCode::OK,
    )
}

/// The invoice/payment form over the selected fees.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InvoiceForm {
    /// The selected fee ids.
    sec: Vec<String>,
    invoice_no: String,
    invoice_date: String,
    paid_on: String,
    /// The report (with its filters) to go back to.
    geri: String,
}

/// A `yyyy-mm-dd` form field: `Ok(None)` when empty, `Err` when malformed.
fn form_date(v: &str) -> Result<Option<NaiveDate>, ()> {
    let v = v.trim();
    if v.is_empty() {
        Ok(None)
    } else {
        NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ())
    }
}

/// `POST /mali/fatura`: invoice number/date and/or payment date for the
/// selected fees, in one transaction.
pub async fn record_invoice(
    state: web::Data<AppState>,
    session: TypedSession,
    actor: Actor,
    Form(f): Form<InvoiceForm>,
) -> Result<HttpResponse, AppError> {
    let back = crate::domain::auth::safe_next(Some(&f.geri)).to_owned();
    let (Ok(date), Ok(paid_on)) = (form_date(&f.invoice_date), form_date(&f.paid_on)) else {
        session.flash(
            FlashKind::Error,
            "Tarihleri gg.aa.yyyy olarak seçin; hiçbir kayıt değişmedi.",
        );
        return Ok(see_other(&back));
    };
    let invoice = Invoice {
        fee_ids: f.sec.iter().filter_map(|v| v.parse().ok()).collect(),
        number: f.invoice_no.trim().to_owned(),
        date,
        paid_on,
    };
    let now = state.clock.now_naive();
    match state
        .call(move |conn| fees::record_invoice(conn, &actor, invoice, now))
        .await?
    {
        Outcome::Done(n) => {
            session.flash(FlashKind::Success, format!("{n} ücret satırı güncellendi."));
        }
        Outcome::Refused(msg) | Outcome::Forbidden(msg) => session.flash(FlashKind::Error, msg),
        Outcome::Stale | Outcome::NotFound => return Err(AppError::NotFound),
    }
    Ok(see_other(&back))
}

const HEADERS: [&str; 16] = [
    "Talep No",
    "Tahakkuk Tarihi",
    "T.C. Kimlik No",
    "Ad",
    "Soyad",
    "Birim",
    "İl Kodu",
    "Operatör",
    "Ödeyen",
    "Net (TL)",
    "KDV Oranı",
    "KDV (TL)",
    "Brüt (TL)",
    "Fatura No",
    "Fatura Tarihi",
    "Ödeme Tarihi",
];

fn row(l: &FeeLine) -> Row<'_> {
    vec![
        Cell::Number(i64::from(l.request_id)),
        Cell::Date(Some(l.accrued_on)),
        Cell::text(mask(&l.tckn)),
        Cell::text(&l.first_name),
        Cell::text(&l.last_name),
        Cell::text(&l.unit),
        Cell::text(format!("{:02}", l.province_id)),
        Cell::text(l.operator.label()),
        Cell::text(l.payer.label()),
        Cell::Money(l.net_kurus),
        Cell::text(Rate(l.kdv_bp).label()),
        Cell::Money(l.kdv_kurus),
        Cell::Money(l.gross_kurus),
        Cell::text(l.invoice_no.as_deref().unwrap_or_default()),
        Cell::Date(l.invoice_date),
        Cell::Date(l.paid_on),
    ]
}

fn totals_row(t: &Totals) -> Row<'static> {
    let mut r: Row = vec![Cell::EMPTY; 16];
    r[0] = Cell::text("TOPLAM");
    r[1] = Cell::text(format!("{} satır", t.count));
    r[9] = Cell::Money(t.net);
    r[11] = Cell::Money(t.kdv);
    r[12] = Cell::Money(t.gross);
    r
}

/// `GET /mali/ucretler.{csv|xlsx}`: audited, then streamed chunk by chunk.
pub async fn fees_export(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    q: web::Query<FeeQuery>,
) -> Result<HttpResponse, AppError> {
    let ext = path.into_inner();
    let format = Format::from_ext(&ext)?;
    let q = q.into_inner();
    let filter = q.filter();
    let describe = q.query_string();
    let now = state.clock.now_naive();
    let f2 = filter.clone();
    state
        .call(move |conn| fees::export(conn, &actor, &f2, &ext, &describe, now))
        .await?;
    let pool = state.pool.clone();
    Ok(stream(
        format,
        "sertifika-ucretleri",
        "Ücretler",
        &HEADERS,
        move |sink| {
            let mut conn = pool.get()?;
            let totals = fees::for_each_line(&mut conn, &filter, |l| sink(row(l)))?;
            sink(totals_row(&totals))
        },
    ))
}
