//! Operator bill reconciliation for finance: upload an operator's monthly
//! bill detail (CSV or XLSX: number, amount, period), see what differs from
//! the month's billing lines on that operator (billed but not active here,
//! active here but not billed, other amounts) with totals, see any earlier
//! result again and export it. Uploads are bounded as the staff import's.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use futures_util::StreamExt;

use super::admin::parse_id;
use super::errors::AppError;
use super::export::{Cell, Format, Row, stream};
use super::forms::FormErrors;
use super::page::{Page, render, render_status, see_other};
use super::staff_import::MAX_UPLOAD_BYTES;
use crate::app::AppState;
use crate::db::bill_reconciliations::{StoredLine, Summary};
use crate::domain::bill::{self, BillError};
use crate::domain::billing::BillingMonth;
use crate::domain::money::Money;
use crate::domain::phone;
use crate::domain::staff::Operator;
use crate::domain::staff_import;
use crate::domain::time::format_local;
use crate::service::bill_reconciliation as service;
use crate::service::{Actor, Outcome};

/// Earlier reconciliations listed under the form.
const RECENT: i64 = 50;
/// Differing numbers shown on the page; the export has them all.
const SCREEN_LINES: i64 = 1_000;

fn money(kurus: i64) -> String {
    Money::from_kurus(kurus).to_string()
}

/// `+4,00 TL` / `-4,00 TL` / `0,00 TL`.
fn signed(kurus: i64) -> String {
    if kurus > 0 {
        format!("+{}", money(kurus))
    } else {
        money(kurus)
    }
}

fn month_label(key: &str) -> String {
    BillingMonth::parse(key).map_or_else(|_| key.to_owned(), |m| m.label())
}

/// A stored reconciliation as the pages show it.
pub struct SummaryView {
    pub id: i32,
    pub operator: &'static str,
    pub month: String,
    pub month_key: String,
    pub file_name: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
    pub bill: String,
    pub portal: String,
    pub extra: String,
    pub missing: String,
    pub amount: String,
    pub delta: String,
    pub counts: (i64, i64, i64, i64, i64, i64),
}

impl From<&Summary> for SummaryView {
    fn from(s: &Summary) -> Self {
        let t = s.totals();
        SummaryView {
            id: s.id,
            operator: s.operator.label(),
            month: month_label(&s.month),
            month_key: s.month.clone(),
            file_name: s.file_name.clone(),
            uploaded_by: s.uploaded_by.clone(),
            uploaded_at: format_local(s.uploaded_at),
            bill: money(t.bill_kurus),
            portal: money(t.portal_kurus),
            extra: money(t.extra_kurus),
            missing: money(t.missing_kurus),
            amount: signed(t.difference_kurus),
            delta: signed(t.bill_kurus - t.portal_kurus),
            counts: (
                t.bill_numbers,
                t.portal_numbers,
                t.matched,
                t.extra,
                t.missing,
                t.differing,
            ),
        }
    }
}

#[derive(Template)]
#[template(path = "finance/bill_reconciliations.html")]
struct ListPage {
    page: Page,
    errors: FormErrors,
    /// Rows of the file that could not be read.
    problems: Vec<String>,
    /// The operator chosen (kept after an error).
    operator: String,
    operators: [Operator; 3],
    recent: Vec<SummaryView>,
}

pub async fn list(state: web::Data<AppState>, page: Page) -> Result<HttpResponse, AppError> {
    render_list(
        &state,
        page,
        FormErrors::default(),
        Vec::new(),
        String::new(),
    )
    .await
}

async fn render_list(
    state: &AppState,
    page: Page,
    errors: FormErrors,
    problems: Vec<String>,
    operator: String,
) -> Result<HttpResponse, AppError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let recent = state.call(|conn| service::recent(conn, RECENT)).await?;
    render_status(
        &ListPage {
            page,
            errors,
            problems,
            operator,
            operators: Operator::ALL,
            recent: recent.iter().map(SummaryView::from).collect(),
        },
        status,
    )
}

/// What the upload form sent.
#[derive(Default)]
struct Upload {
    operator: String,
    file: Option<(String, Vec<u8>)>,
}

/// Fields of the upload form read; anything more is refused.
const MAX_FIELDS: usize = 8;
/// Bytes of the operator field.
const MAX_CHOICE_BYTES: usize = 64;

/// Reads the multipart form: `operator` (a code) and `dosya` (at most
/// [`MAX_UPLOAD_BYTES`], as in the staff import). A Turkish message when
/// it is over a bound or unreadable.
async fn read_upload(mut payload: Multipart) -> Result<Upload, String> {
    let unreadable = |e: actix_multipart::MultipartError| format!("Yükleme okunamadı: {e}");
    let mut upload = Upload::default();
    let mut fields = 0;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(unreadable)?;
        fields += 1;
        if fields > MAX_FIELDS {
            return Err("Yükleme okunamadı: formda beklenenden çok alan var.".into());
        }
        let is_file = field.name() == Some("dosya");
        let (limit, too_big) = match field.name() {
            Some("dosya") => (MAX_UPLOAD_BYTES, "Dosya en fazla 8 MB olabilir."),
            Some("operator") => (MAX_CHOICE_BYTES, "Operatör seçimi okunamadı."),
            _ => continue,
        };
        let name = bill::file_name(
            field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .unwrap_or_default(),
        );
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(unreadable)?;
            if bytes.len() + chunk.len() > limit {
                return Err(too_big.into());
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_file {
            upload.file = Some((name, bytes));
        } else {
            upload.operator = String::from_utf8_lossy(&bytes).trim().to_owned();
        }
    }
    Ok(upload)
}

/// Reads the bill from the upload: the operator and the bill, or the field
/// errors (and the unreadable rows) to show.
async fn read_bill(
    upload: Upload,
) -> Result<(Operator, String, bill::Bill), (FormErrors, Vec<String>)> {
    let mut errors = FormErrors::default();
    let operator = Operator::from_code(&upload.operator);
    if operator.is_none() {
        errors.add("operator", "Faturanın operatörünü seçin.");
    }
    let file = match upload.file {
        Some((name, bytes)) if !bytes.is_empty() => Some((name, bytes)),
        _ => {
            errors.add("dosya", "Bir dosya seçin.");
            None
        }
    };
    let (Some(operator), Some((name, bytes))) = (operator, file) else {
        return Err((errors, Vec::new()));
    };
    let Some(kind) = staff_import::detect(&name, &bytes) else {
        errors.add("dosya", "Dosya CSV ya da XLSX (Excel) biçiminde olmalı.");
        return Err((errors, Vec::new()));
    };
    match web::block(move || bill::parse(kind, &bytes)).await {
        Ok(Ok(parsed)) => Ok((operator, name, parsed)),
        Ok(Err(e)) => {
            let problems = e.problems().to_vec();
            errors.add("dosya", e.to_string());
            Err((errors, problems))
        }
        Err(_) => {
            errors.add(
                "dosya",
                BillError::Unreadable("okuma yarıda kaldı".into()).to_string(),
            );
            Err((errors, Vec::new()))
        }
    }
}

/// `POST /mali/fatura-mutabakati` (multipart; the CSRF token in the
/// query): reads and compares the bill, stores the result and shows it; a
/// bad form or file is answered 422 with the reason and nothing stored.
pub async fn upload(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let upload = match read_upload(payload).await {
        Ok(u) => u,
        Err(msg) => {
            let mut errors = FormErrors::default();
            errors.add("dosya", msg);
            return render_list(&state, page, errors, Vec::new(), String::new()).await;
        }
    };
    let chosen = upload.operator.clone();
    let (operator, file_name, parsed) = match read_bill(upload).await {
        Ok(read) => read,
        Err((errors, problems)) => {
            return render_list(&state, page, errors, problems, chosen).await;
        }
    };
    let now = state.clock.now_naive();
    let outcome = state
        .call(move |conn| service::reconcile(conn, &actor, operator, &file_name, &parsed, now))
        .await?;
    match outcome {
        Outcome::Done(id) => Ok(see_other(&crate::paths::bill_reconciliation(id))),
        Outcome::Refused(msg) | Outcome::Forbidden(msg) => {
            let mut errors = FormErrors::default();
            errors.add("dosya", msg);
            render_list(&state, page, errors, Vec::new(), chosen).await
        }
        Outcome::Stale | Outcome::NotFound => Err(AppError::NotFound),
    }
}

/// A differing number as the page and the export show it.
pub struct LineView {
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub phone: String,
    pub request_id: Option<i32>,
    pub person: String,
    pub unit: String,
    pub bill: String,
    pub portal: String,
    pub delta: String,
    pub note: String,
}

impl From<&StoredLine> for LineView {
    fn from(l: &StoredLine) -> Self {
        let d = &l.difference;
        let (person, unit) = l.person.clone().unwrap_or_default();
        LineView {
            kind: d.kind.code(),
            kind_label: d.kind.label(),
            phone: phone::display(&d.phone),
            request_id: d.request_id,
            person,
            unit,
            bill: d.bill_kurus.map(money).unwrap_or_default(),
            portal: d.portal_kurus.map(money).unwrap_or_default(),
            delta: signed(d.delta()),
            note: l.note.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "finance/bill_reconciliation.html")]
struct ShowPage {
    page: Page,
    s: SummaryView,
    lines: Vec<LineView>,
    /// More differing numbers than shown.
    more: bool,
}

/// `GET /mali/fatura-mutabakati/{id}`.
pub async fn show(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let (summary, lines) = state
        .call(move |conn| service::show(conn, id, SCREEN_LINES + 1))
        .await?
        .ok_or(AppError::NotFound)?;
    let more = lines.len() as i64 > SCREEN_LINES;
    render(&ShowPage {
        page,
        s: SummaryView::from(&summary),
        lines: lines
            .iter()
            .take(SCREEN_LINES as usize)
            .map(LineView::from)
            .collect(),
        more,
    })
}

const HEADERS: [&str; 9] = [
    "Tür",
    "Numara",
    "Talep No",
    "Personel",
    "Birim",
    "Faturadaki Tutar (TL)",
    "Portaldaki Tutar (TL)",
    "Fark (TL)",
    "Not",
];

fn row(l: &StoredLine) -> Row<'_> {
    let d = &l.difference;
    let (person, unit) = l.person.clone().unwrap_or_default();
    let amount = |k: Option<i64>| k.map_or(Cell::EMPTY, Cell::Money);
    vec![
        Cell::text(d.kind.label()),
        Cell::text(phone::display(&d.phone)),
        d.request_id
            .map_or(Cell::EMPTY, |r| Cell::Number(i64::from(r))),
        Cell::text(person),
        Cell::text(unit),
        amount(d.bill_kurus),
        amount(d.portal_kurus),
        Cell::Money(d.delta()),
        Cell::text(&l.note),
    ]
}

/// The totals under the lines: the bill's, the portal's and the difference.
fn totals_rows(s: &Summary) -> Vec<Row<'static>> {
    let t = s.totals();
    let line = |label: String, col: usize, kurus: i64| {
        let mut r: Row = vec![Cell::EMPTY; HEADERS.len()];
        r[0] = Cell::text(label);
        r[col] = Cell::Money(kurus);
        r
    };
    vec![
        line(
            format!("FATURA TOPLAMI ({} numara)", t.bill_numbers),
            5,
            t.bill_kurus,
        ),
        line(
            format!("PORTAL TOPLAMI ({} imza)", t.portal_numbers),
            6,
            t.portal_kurus,
        ),
        line(
            "FARK (fatura − portal)".to_owned(),
            7,
            t.bill_kurus - t.portal_kurus,
        ),
    ]
}

/// `GET /mali/fatura-mutabakati/{id}/liste.{csv|xlsx}`: every differing
/// number and the totals; audited.
pub async fn export(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, ext) = path.into_inner();
    let id = parse_id(&id)?;
    let format = Format::from_ext(&ext)?;
    let now = state.clock.now_naive();
    let (summary, lines) = state
        .call(move |conn| service::export(conn, &actor, id, &ext, now))
        .await?
        .ok_or(AppError::NotFound)?;
    let stem = format!(
        "fatura-mutabakati-{}-{}-{id}",
        summary.operator.code(),
        summary.month
    );
    Ok(stream(
        format,
        &stem,
        "Fatura mutabakatı",
        &HEADERS,
        move |sink| {
            for l in &lines {
                sink(row(l))?;
            }
            for r in totals_rows(&summary) {
                sink(r)?;
            }
            Ok(())
        },
    ))
}
