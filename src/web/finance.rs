//! Finance: the certificate-fee report (filters, totals grouped by province,
//! unit or operator), invoice and payment recording, and exports that stream
//! (CSV for Turkish Excel, XLSX with numeric TL cells) so memory stays flat.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::admin::Actor as AuditActor;
use super::errors::AppError;
use super::export::{Cell, Format, Row, stream};
use super::forms::FormData;
use super::identity::CurrentUser;
use super::page::{Page, render_status, see_other};
use super::session::{FlashKind, TypedSession};
use crate::app::AppState;
use crate::db::{
    self, audit::AuditEntry, fee_report::FeeFilter, fee_report::FeeLine, fee_report::InvoiceStatus,
};
use crate::domain::money::{Money, Rate};
use crate::domain::payer::Payer;
use crate::domain::staff::Operator;
use crate::domain::tckn::mask;
use crate::domain::text::sort_key;

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

/// Count and sums in kuruş.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub count: i64,
    pub net: i64,
    pub kdv: i64,
    pub gross: i64,
}

impl Totals {
    fn add(&mut self, net: i64, kdv: i64, gross: i64) {
        self.count += 1;
        self.net += net;
        self.kdv += kdv;
        self.gross += gross;
    }

    pub fn net_s(&self) -> String {
        Money::from_kurus(self.net).to_string()
    }
    pub fn kdv_s(&self) -> String {
        Money::from_kurus(self.kdv).to_string()
    }
    pub fn gross_s(&self) -> String {
        Money::from_kurus(self.gross).to_string()
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
    provinces: Vec<db::units::Province>,
    units: Vec<db::units::UnitRow>,
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
    let group = opt(&q.grup).unwrap_or("il").to_owned();
    let (figures, lines, provinces, units) = state
        .db(move |conn| {
            Ok((
                db::fee_report::figures(conn, &filter)?,
                db::fee_report::lines(conn, &filter, 0, SCREEN_LINES + 1)?,
                db::units::provinces(conn)?,
                db::units::list(conn)?,
            ))
        })
        .await?;
    let mut total = Totals::default();
    let mut groups: Vec<(String, Totals)> = Vec::new();
    let province_name = |id: i32| {
        provinces
            .iter()
            .find(|p| p.id == id)
            .map_or(String::new(), |p| p.name.clone())
    };
    for (province, unit, operator, net, kdv, gross) in figures {
        total.add(net, kdv, gross);
        let key = match group.as_str() {
            "birim" => unit,
            "operator" => operator.label().to_owned(),
            _ => province_name(province),
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, t)) => t.add(net, kdv, gross),
            None => {
                let mut t = Totals::default();
                t.add(net, kdv, gross);
                groups.push((key, t));
            }
        }
    }
    groups.sort_by_cached_key(|(k, _)| sort_key(k));
    let more = lines.len() as i64 > SCREEN_LINES;
    let lines = lines
        .into_iter()
        .take(SCREEN_LINES as usize)
        .map(LineView::from)
        .collect();
    let group_label = match group.as_str() {
        "birim" => "Birim",
        "operator" => "Operatör",
        _ => "İl",
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
            lines,
            more,
            provinces,
            units,
            operators: Operator::ALL,
            statuses: InvoiceStatus::ALL,
        },
        StatusCode::OK,
    )
}

/// `POST /mali/fatura`: invoice number/date and/or payment date for the
/// selected fees, in one transaction.
pub async fn record_invoice(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: TypedSession,
    user: CurrentUser,
    f: FormData,
) -> Result<HttpResponse, AppError> {
    let back = crate::domain::auth::safe_next(Some(f.get("geri"))).to_owned();
    let ids: Vec<i32> = f.all("sec").iter().filter_map(|v| v.parse().ok()).collect();
    let invoice_no = f.get("invoice_no").trim().to_owned();
    let parse = |k: &str| -> Result<Option<NaiveDate>, ()> {
        let v = f.get(k).trim();
        if v.is_empty() {
            Ok(None)
        } else {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| ())
        }
    };
    let today = state
        .clock
        .now()
        .with_timezone(&chrono_tz::Europe::Istanbul)
        .date_naive();
    let (invoice_date, paid_on) = match (parse("invoice_date"), parse("paid_on")) {
        (Ok(a), Ok(b)) => (a, b),
        _ => {
            session.flash(
                FlashKind::Error,
                "Tarihleri gg.aa.yyyy olarak seçin; hiçbir kayıt değişmedi.",
            );
            return Ok(see_other(&back));
        }
    };
    let problem = if ids.is_empty() {
        Some("En az bir ücret satırı seçin.")
    } else if invoice_no.is_empty() && invoice_date.is_none() && paid_on.is_none() {
        Some("Fatura numarası, fatura tarihi ya da ödeme tarihinden en az birini girin.")
    } else if invoice_no.chars().count() > 50 {
        Some("Fatura numarası en fazla 50 karakter olabilir.")
    } else if invoice_date.is_some_and(|d| d > today) || paid_on.is_some_and(|d| d > today) {
        Some("Fatura ve ödeme tarihi ileri bir tarih olamaz.")
    } else {
        None
    };
    if let Some(msg) = problem {
        session.flash(FlashKind::Error, format!("{msg} Hiçbir kayıt değişmedi."));
        return Ok(see_other(&back));
    }
    let actor = AuditActor::of(&user, &req);
    let now = state.clock.now_naive();
    let n = state
        .db(move |conn| {
            db::transaction(conn, |conn| {
                let no = (!invoice_no.is_empty()).then_some(invoice_no.as_str());
                let n = db::fee_report::record_invoice(conn, &ids, no, invoice_date, paid_on)?;
                db::audit::record(
                    conn,
                    &AuditEntry {
                        at: now,
                        actor_id: Some(actor.id),
                        action: "fee.invoice",
                        target: &format!("fees:{ids:?}"),
                        detail: &format!(
                            "fatura={invoice_no} fatura_tarihi={invoice_date:?} ödeme={paid_on:?}"
                        ),
                        ip: &actor.ip,
                    },
                )?;
                Ok::<_, AppError>(n)
            })
        })
        .await?;
    session.flash(FlashKind::Success, format!("{n} ücret satırı güncellendi."));
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

fn row(l: &FeeLine) -> Row {
    vec![
        Cell::Number(i64::from(l.request_id)),
        Cell::Text(l.accrued_on.format("%d.%m.%Y").to_string()),
        Cell::Text(mask(&l.tckn)),
        Cell::Text(l.first_name.clone()),
        Cell::Text(l.last_name.clone()),
        Cell::Text(l.unit.clone()),
        Cell::Text(format!("{:02}", l.province_id)),
        Cell::Text(l.operator.label().to_owned()),
        Cell::Text(l.payer.label().to_owned()),
        Cell::Money(l.net_kurus),
        Cell::Text(Rate(l.kdv_bp).label()),
        Cell::Money(l.kdv_kurus),
        Cell::Money(l.gross_kurus),
        Cell::Text(l.invoice_no.clone().unwrap_or_default()),
        Cell::Text(d(l.invoice_date)),
        Cell::Text(d(l.paid_on)),
    ]
}

fn totals_row(t: &Totals) -> Row {
    let mut r: Row = vec![Cell::Text(String::new()); 16];
    r[0] = Cell::Text("TOPLAM".into());
    r[1] = Cell::Text(format!("{} satır", t.count));
    r[9] = Cell::Money(t.net);
    r[11] = Cell::Money(t.kdv);
    r[12] = Cell::Money(t.gross);
    r
}

pub const CHUNK: i64 = 5_000;

/// `GET /mali/ucretler.{csv|xlsx}`: audited, then streamed chunk by chunk.
pub async fn fees_export(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<String>,
    q: web::Query<FeeQuery>,
) -> Result<HttpResponse, AppError> {
    let xlsx = match path.as_str() {
        "csv" => false,
        "xlsx" => true,
        _ => return Err(AppError::NotFound),
    };
    let q = q.into_inner();
    let filter = q.filter();
    let actor = AuditActor::of(&user, &req);
    let now = state.clock.now_naive();
    let describe = q.query_string();
    let f2 = filter.clone();
    state
        .db(move |conn| {
            let rows = db::fee_report::count(conn, &f2)?;
            db::audit::record(
                conn,
                &AuditEntry {
                    at: now,
                    actor_id: Some(actor.id),
                    action: "export.fees",
                    target: if xlsx { "xlsx" } else { "csv" },
                    detail: &format!("{rows} satır; filtre: {describe}"),
                    ip: &actor.ip,
                },
            )?;
            Ok(())
        })
        .await?;
    let pool = state.pool.clone();
    let format = if xlsx { Format::Xlsx } else { Format::Csv };
    Ok(stream(
        format,
        "sertifika-ucretleri",
        "Ücretler",
        &HEADERS,
        move |sink| {
            let totals = for_each_line(&pool, &filter, |l| sink(row(l)))?;
            sink(totals_row(&totals))
        },
    ))
}

/// Calls `each` for every filtered line, in keyset chunks.
fn for_each_line(
    pool: &db::DbPool,
    f: &FeeFilter,
    mut each: impl FnMut(&FeeLine) -> anyhow::Result<()>,
) -> anyhow::Result<Totals> {
    let mut conn = pool.get()?;
    let mut after = 0;
    let mut totals = Totals::default();
    loop {
        let lines = db::fee_report::lines(&mut conn, f, after, CHUNK)?;
        let Some(last) = lines.last() else { break };
        after = last.id;
        for l in &lines {
            totals.add(l.net_kurus, l.kdv_kurus, l.gross_kurus);
            each(l)?;
        }
    }
    Ok(totals)
}
