//! Request lists: the reviewer queue (tabs with counts, filters, keyset
//! pagination, bulk actions), the officer's list of their units' requests,
//! Kamu SM batches and their export.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Europe::Istanbul;
use serde::Deserialize;

use super::admin::{Actor as AuditActor, parse_id};
use super::errors::AppError;
use super::export::{csv_bytes, download, xlsx_bytes};
use super::forms::FormData;
use super::identity::CurrentUser;
use super::page::{Page, render, see_other};
use super::session::{FlashKind, TypedSession};
use crate::app::AppState;
use crate::db::{
    self, audit::AuditEntry, requests::Filter, requests::Line, requests::Order, units::Province,
    units::UnitRow,
};
use crate::domain::auth::safe_next;
use crate::domain::request::Reason;
use crate::domain::role::Role;
use crate::domain::staff::Operator;
use crate::domain::tckn::mask;
use crate::domain::time::format_local;
use crate::domain::workflow::{Action, State};
use crate::service::requests::{self as requests, ActionInput};

pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    sekme: Option<String>,
    il: Option<String>,
    birim: Option<String>,
    operator: Option<String>,
    gerekce: Option<String>,
    baslangic: Option<String>,
    bitis: Option<String>,
    q: Option<String>,
    sira: Option<String>,
    sonra: Option<String>,
}

impl ListQuery {
    fn get(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }

    /// The query string without the page cursor (for tabs and "next page").
    fn without_cursor(&self, tab: Option<&str>) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("sekme", tab.or(Self::get(&self.sekme))),
            ("il", Self::get(&self.il)),
            ("birim", Self::get(&self.birim)),
            ("operator", Self::get(&self.operator)),
            ("gerekce", Self::get(&self.gerekce)),
            ("baslangic", Self::get(&self.baslangic)),
            ("bitis", Self::get(&self.bitis)),
            ("q", Self::get(&self.q)),
            ("sira", Self::get(&self.sira)),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

fn local_day_start(raw: Option<&str>, plus_days: i64) -> Option<chrono::NaiveDateTime> {
    let d = NaiveDate::parse_from_str(raw?, "%Y-%m-%d").ok()? + chrono::Duration::days(plus_days);
    Istanbul
        .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|t| t.naive_utc())
}

pub struct Tab {
    pub code: &'static str,
    pub label: &'static str,
    pub count: i64,
    pub active: bool,
    pub href: String,
}

pub struct LineView {
    pub id: i32,
    pub version: i32,
    pub name: String,
    pub tckn: String,
    pub unit: String,
    pub state: String,
    pub reason: String,
    pub operator: String,
    pub date: String,
    pub flagged: bool,
}

impl From<Line> for LineView {
    fn from(l: Line) -> Self {
        LineView {
            id: l.id,
            version: l.version,
            name: format!("{} {}", l.first_name, l.last_name),
            tckn: mask(&l.tckn),
            unit: l.unit,
            state: l.state.label().to_owned(),
            reason: l.reason.label().to_owned(),
            operator: l.operator.label().to_owned(),
            date: format_local(l.submitted_at.unwrap_or(l.created_at)),
            flagged: l.flagged,
        }
    }
}

#[derive(Template)]
#[template(path = "requests/list.html")]
struct ListPage {
    page: Page,
    title: &'static str,
    base: &'static str,
    reviewer: bool,
    tabs: Vec<Tab>,
    tab: String,
    lines: Vec<LineView>,
    next: Option<String>,
    q: ListQuery,
    provinces: Vec<Province>,
    units: Vec<UnitRow>,
    operators: [Operator; 3],
    reasons: [Reason; 5],
    back: String,
    waiting: Vec<String>,
}

impl ListPage {
    fn sel(&self, v: &Option<String>, want: &str) -> bool {
        v.as_deref() == Some(want)
    }

    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

const REVIEWER_TABS: &[(&str, &str)] = &[
    ("submitted", "İnceleme bekleyen"),
    ("returned", "Düzeltmede"),
    ("approved", "Onaylanan"),
    ("forwarded", "Kamu SM'de"),
    ("sms_hold", "SMS beklemesinde"),
    ("produced", "Üretilen"),
    ("active", "Aktif"),
    ("flagged", "Bildirilen"),
    ("all", "Tümü"),
];

const OFFICER_TABS: &[(&str, &str)] = &[
    ("all", "Tümü"),
    ("draft", "Taslak"),
    ("returned", "Düzeltmede"),
    ("submitted", "İncelemede"),
    ("approved", "Onaylanan"),
    ("forwarded", "Kamu SM'de"),
    ("sms_hold", "SMS beklemesinde"),
    ("active", "Aktif"),
];

async fn list(
    state: web::Data<AppState>,
    page: Page,
    user: CurrentUser,
    req: &HttpRequest,
    q: ListQuery,
    reviewer: bool,
) -> Result<HttpResponse, AppError> {
    let tabs_def = if reviewer {
        REVIEWER_TABS
    } else {
        OFFICER_TABS
    };
    let tab = ListQuery::get(&q.sekme)
        .filter(|t| tabs_def.iter().any(|(c, _)| c == t))
        .unwrap_or(tabs_def[0].0)
        .to_owned();
    let scope: Option<Vec<i32>> = if reviewer {
        None
    } else {
        Some(user.unit_ids.clone())
    };
    let mut filter = Filter {
        unit_ids: scope.clone(),
        province_id: ListQuery::get(&q.il).and_then(|v| v.parse().ok()),
        unit_id: ListQuery::get(&q.birim).and_then(|v| v.parse().ok()),
        operator: ListQuery::get(&q.operator).and_then(Operator::from_code),
        reason: ListQuery::get(&q.gerekce).and_then(Reason::from_code),
        from: local_day_start(ListQuery::get(&q.baslangic), 0),
        to: local_day_start(ListQuery::get(&q.bitis), 1),
        search: ListQuery::get(&q.q).map(str::to_owned),
        ..Default::default()
    };
    match tab.as_str() {
        "all" => {}
        "flagged" => filter.flagged_only = true,
        s => filter.states = State::from_code(s).into_iter().collect(),
    }
    let order = if ListQuery::get(&q.sira) == Some("eski") {
        Order::OldestFirst
    } else {
        Order::NewestFirst
    };
    let after = ListQuery::get(&q.sonra).and_then(|v| v.parse().ok());
    let units_scope = scope.clone();
    let now = state.clock.now_naive();
    let closed_cached: Option<Vec<(State, i64)>> = state
        .closed_counts
        .lock()
        .ok()
        .and_then(|c| c.clone())
        .filter(|(at, _)| now - *at < chrono::Duration::seconds(60))
        .map(|(_, counts)| counts);
    let refresh_closed = scope.is_none() && closed_cached.is_none();
    let (lines, counts, flagged, provinces, units, waiting) = state
        .db(move |conn| {
            let lines = db::requests::page(conn, &filter, order, after, PAGE_SIZE + 1)?;
            let counts = match (&units_scope, closed_cached) {
                // One officer's units: small, counted live.
                (Some(ids), _) => db::requests::counts_by_state(conn, Some(ids), None)?,
                (None, Some(closed)) => {
                    let mut c = db::requests::counts_by_state(conn, None, Some(true))?;
                    c.extend(closed);
                    c
                }
                (None, None) => db::requests::counts_by_state(conn, None, None)?,
            };
            let flagged = if units_scope.is_none() {
                db::requests::count_flagged(conn)?
            } else {
                0
            };
            let provinces = db::units::provinces(conn)?;
            let mut units = db::units::list(conn)?;
            if let Some(ids) = &units_scope {
                units.retain(|u| ids.contains(&u.unit.id));
            }
            let waiting = match &units_scope {
                Some(ids) => {
                    let docs = db::requests::count_docs_to_send(conn, ids)?;
                    if docs > 0 {
                        vec![format!(
                            "{docs} talep için operatör evrakı gönderilmeyi bekliyor."
                        )]
                    } else {
                        vec![]
                    }
                }
                None => {
                    let hold = db::settings::hold_rule(conn)?;
                    let ending = db::requests::holds_ending(
                        conn,
                        now - chrono::Duration::hours(hold.hours - 1),
                    )?;
                    if ending > 0 {
                        vec![format!(
                            "{ending} talebin SMS beklemesi bir saat içinde bitiyor ya da bitti."
                        )]
                    } else {
                        vec![]
                    }
                }
            };
            Ok((lines, counts, flagged, provinces, units, waiting))
        })
        .await?;
    if refresh_closed && let Ok(mut cache) = state.closed_counts.lock() {
        let closed = counts
            .iter()
            .filter(|(s, _)| !s.is_open())
            .cloned()
            .collect();
        *cache = Some((now, closed));
    }
    let has_more = lines.len() as i64 > PAGE_SIZE;
    let lines: Vec<LineView> = lines
        .into_iter()
        .take(PAGE_SIZE as usize)
        .map(LineView::from)
        .collect();
    let base: &'static str = if reviewer {
        crate::paths::REVIEW_QUEUE
    } else {
        crate::paths::REQUESTS
    };
    let next = if has_more {
        lines.last().map(|l| {
            let rest = q.without_cursor(None);
            if rest.is_empty() {
                format!("{base}?sonra={}", l.id)
            } else {
                format!("{base}?{rest}&sonra={}", l.id)
            }
        })
    } else {
        None
    };
    let count_of = |code: &str| match code {
        "all" => counts.iter().map(|(_, n)| n).sum(),
        "flagged" => flagged,
        c => counts
            .iter()
            .find(|(s, _)| s.code() == c)
            .map_or(0, |(_, n)| *n),
    };
    let tabs = tabs_def
        .iter()
        .map(|(code, label)| Tab {
            code,
            label,
            count: count_of(code),
            active: *code == tab,
            href: format!("{base}?{}", q.without_cursor(Some(code))),
        })
        .collect();
    let back = format!("{}?{}", req.path(), req.query_string());
    render(&ListPage {
        page,
        title: if reviewer {
            "İnceleme kuyruğu"
        } else {
            "Taleplerim"
        },
        base,
        reviewer,
        tabs,
        tab,
        lines,
        next,
        q,
        provinces,
        units,
        operators: Operator::ALL,
        reasons: Reason::ALL,
        back,
        waiting,
    })
}

pub async fn queue(
    state: web::Data<AppState>,
    page: Page,
    user: CurrentUser,
    req: HttpRequest,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    list(state, page, user, &req, q.into_inner(), true).await
}

pub async fn officer_list(
    state: web::Data<AppState>,
    page: Page,
    user: CurrentUser,
    req: HttpRequest,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    list(state, page, user, &req, q.into_inner(), false).await
}

/// `POST /inceleme/toplu`: one action on every selected row (`id:version`).
/// Each row runs on its own; the flash says what happened to each.
pub async fn bulk(
    state: web::Data<AppState>,
    session: TypedSession,
    actor: crate::service::Actor,
    f: FormData,
) -> Result<HttpResponse, AppError> {
    let back = safe_next(Some(f.get("geri"))).to_owned();
    let selected: Vec<(i32, i32)> = f
        .all("sec")
        .iter()
        .filter_map(|v| v.split_once(':'))
        .filter_map(|(i, v)| Some((i.parse().ok()?, v.parse().ok()?)))
        .collect();
    if selected.is_empty() {
        session.flash(FlashKind::Error, "İşlem için en az bir talep seçin.");
        return Ok(see_other(&back));
    }
    let mut form = f;
    if form.get("action") == "batch" {
        form.set("action", Action::Forward.code());
    }
    let Some(template) = ActionInput::from_form(&form) else {
        session.flash(FlashKind::Error, "Bilinmeyen işlem.");
        return Ok(see_other(&back));
    };
    let now = state.clock.now_naive();
    let requests::Bulk {
        done,
        failed,
        batch_id,
    } = state
        .call(move |conn| requests::bulk(conn, &actor, &selected, &template, now))
        .await?;
    if done > 0 {
        let text = match batch_id {
            Some(b) => format!("Parti no {b} oluşturuldu: {done} talep Kamu SM'ye iletildi."),
            None => format!("{done} talep işlendi."),
        };
        session.flash(FlashKind::Success, text);
    }
    if !failed.is_empty() {
        session.flash(
            FlashKind::Error,
            format!("{} talep işlenemedi: {}", failed.len(), failed.join(" ")),
        );
    }
    Ok(see_other(&match batch_id {
        Some(b) => crate::paths::batch(b),
        None => back,
    }))
}

// ---------------------------------------------------------------- batches

pub struct BatchLine {
    pub request_id: i32,
    pub name: String,
    pub tckn: String,
    pub sicil_no: String,
    pub email: String,
    pub phone: String,
    pub operator: String,
    pub unit: String,
    pub state: String,
}

#[derive(Template)]
#[template(path = "requests/batch.html")]
struct BatchPage {
    page: Page,
    id: i32,
    created: String,
    by: String,
    lines: Vec<BatchLine>,
    reviewer: bool,
}

pub async fn batch(
    state: web::Data<AppState>,
    page: Page,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let (b, by, lines) = state
        .db(move |conn| {
            let (b, by) = db::batches::find(conn, id)?.ok_or(AppError::NotFound)?;
            Ok((b, by, db::batches::lines(conn, id)?))
        })
        .await?;
    // Reviewers and finance see every line; officers only their units'
    // lines, and a batch with none of theirs does not exist for them.
    let reviewer = user.has(Role::Reviewer);
    let lines: Vec<BatchLine> = lines
        .into_iter()
        .filter(|l| user.can_see_unit(l.unit_id))
        .map(|l| BatchLine {
            request_id: l.request_id,
            name: format!("{} {}", l.first_name, l.last_name),
            tckn: mask(&l.tckn),
            sicil_no: l.sicil_no,
            email: l.email,
            phone: crate::domain::phone::display(&l.phone),
            operator: l.operator.label().to_owned(),
            unit: l.unit,
            state: l.state.label().to_owned(),
        })
        .collect();
    if lines.is_empty() {
        return Err(AppError::NotFound);
    }
    render(&BatchPage {
        page,
        id,
        created: format_local(b.created_at),
        by,
        lines,
        reviewer,
    })
}

#[derive(Template)]
#[template(path = "requests/batches.html")]
struct BatchesPage {
    page: Page,
    batches: Vec<(i32, String, String, i64)>,
}

pub async fn batches(state: web::Data<AppState>, page: Page) -> Result<HttpResponse, AppError> {
    let batches = state
        .db(|conn| Ok(db::batches::list(conn, 200)?))
        .await?
        .into_iter()
        .map(|(b, by, n)| (b.id, format_local(b.created_at), by, n))
        .collect();
    render(&BatchesPage { page, batches })
}

const FORWARD_HEADERS: [&str; 7] = [
    "T.C. Kimlik No",
    "Ad",
    "Soyad",
    "Sicil No",
    "Kurumsal E-posta",
    "Cep Telefonu",
    "Operatör",
];

/// The list Kamu SM needs, with full T.C. numbers: reviewer only, audited.
pub async fn batch_export(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, format) = path.into_inner();
    let id = parse_id(&id)?;
    let xlsx = match format.as_str() {
        "csv" => false,
        "xlsx" => true,
        _ => return Err(AppError::NotFound),
    };
    let ip = AuditActor::of(&user, &req).ip;
    let now = state.clock.now_naive();
    let lines = state
        .db(move |conn| {
            db::batches::find(conn, id)?.ok_or(AppError::NotFound)?;
            let lines = db::batches::lines(conn, id)?;
            db::audit::record(
                conn,
                &AuditEntry {
                    at: now,
                    actor_id: Some(user.id),
                    action: "batch.export",
                    target: &format!("batch:{id}"),
                    detail: &format!(
                        "{} satır, {}, tam T.C. kimlik no",
                        lines.len(),
                        if xlsx { "XLSX" } else { "CSV" }
                    ),
                    ip: &ip,
                },
            )?;
            Ok(lines)
        })
        .await?;
    let rows: Vec<Vec<String>> = lines
        .into_iter()
        .map(|l| {
            vec![
                l.tckn,
                l.first_name,
                l.last_name,
                l.sicil_no,
                l.email,
                crate::domain::phone::display(&l.phone),
                l.operator.label().to_owned(),
            ]
        })
        .collect();
    let name = format!("kamusm-parti-{id}");
    if xlsx {
        Ok(download(
            xlsx_bytes("Kamu SM", &FORWARD_HEADERS, &rows)?,
            &format!("{name}.xlsx"),
        ))
    } else {
        Ok(download(
            csv_bytes(&FORWARD_HEADERS, &rows)?,
            &format!("{name}.csv"),
        ))
    }
}
