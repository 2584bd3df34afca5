//! Request lists: the reviewer queue (tabs with counts, filters, keyset
//! pagination, bulk actions), the officer's list of their units' requests,
//! Kamu SM batches and their export.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Europe::Istanbul;
use serde::Deserialize;

use super::admin::parse_id;
use super::errors::AppError;
use super::export::{csv_bytes, download, xlsx_bytes};
use super::forms::FormData;
use super::identity::CurrentUser;
use super::page::{Page, keyset_links, render, see_other};
use super::requests::ActionForm;
use super::session::{FlashKind, TypedSession};
use crate::app::AppState;
use crate::db::{
    requests::Cursor, requests::Filter, requests::Line, requests::Order, units::Province,
};
use crate::domain::auth::safe_next;
use crate::domain::request::Reason;
use crate::domain::role::Role;
use crate::domain::staff::Operator;
use crate::domain::tckn::mask;
use crate::domain::time::format_local;
use crate::domain::workflow::State;
use crate::service::page_cache::DataVersion;
use crate::service::queue::{self, Queue, QueueRequest};
use crate::service::requests;
use crate::service::{Actor, batches};
use crate::service::{ServiceError, ServiceResult};

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
    once: Option<String>,
    /// The tab the filter form was sent from: kept for filters, left for
    /// "Tümü" when a search term is given.
    onceki: Option<String>,
}

impl ListQuery {
    fn get(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }

    /// The query string for `tab`, without the page cursor (for tabs and
    /// the pager).
    fn without_cursor(&self, tab: &str) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("sekme", Some(tab)),
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
    pub state: &'static str,
    pub reason: &'static str,
    pub operator: &'static str,
    pub date: String,
    pub flagged: bool,
}

impl From<&Line> for LineView {
    fn from(l: &Line) -> Self {
        LineView {
            id: l.id,
            version: l.version,
            name: format!("{} {}", l.first_name, l.last_name),
            tckn: mask(&l.tckn),
            unit: l.unit.clone(),
            state: l.state.label(),
            reason: l.reason.label(),
            operator: l.operator.label(),
            date: format_local(l.submitted_at.unwrap_or(l.created_at)),
            flagged: l.flagged,
        }
    }
}

#[derive(Template)]
#[template(path = "requests/list.html")]
struct ListPage<'a> {
    page: Page,
    title: &'static str,
    base: &'static str,
    reviewer: bool,
    /// Rows have checkboxes (see [`selectable`]).
    selectable: bool,
    tabs: Vec<Tab>,
    tab: String,
    /// No request in this view.
    empty: bool,
    /// Requests on this page.
    shown: usize,
    /// The rows, rendered with the kept page.
    rows: &'a str,
    prev: Option<String>,
    next: Option<String>,
    /// Requests in the selected tab (for this filter).
    total: i64,
    q: ListQuery,
    provinces: &'static [Province],
    units: &'a [(i32, String)],
    operators: [Operator; 3],
    reasons: [Reason; 5],
    back: String,
    waiting: &'a [String],
}

impl ListPage<'_> {
    fn sel(&self, v: &Option<String>, want: &str) -> bool {
        v.as_deref() == Some(want)
    }

    /// Whether the chosen value is the id `want` (no string per option).
    fn sel_id(&self, v: &Option<String>, want: &i32) -> bool {
        v.as_deref().and_then(|v| v.trim().parse::<i32>().ok()) == Some(*want)
    }

    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

/// What a tab of a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TabKind {
    In(State),
    Flagged,
    All,
}

impl TabKind {
    /// The tab's code in the URL (`?sekme=…`).
    fn code(self) -> &'static str {
        match self {
            TabKind::In(s) => s.code(),
            TabKind::Flagged => "flagged",
            TabKind::All => "all",
        }
    }
}

use TabKind::{All, Flagged, In};

const REVIEWER_TABS: &[(TabKind, &str)] = &[
    (In(State::Submitted), "İnceleme bekleyen"),
    (In(State::Returned), "Düzeltmede"),
    (In(State::Approved), "Onaylanan"),
    (In(State::Forwarded), "Kamu SM'de"),
    (In(State::SmsHold), "SMS beklemesinde"),
    (In(State::Produced), "Üretilen"),
    (In(State::Active), "Aktif"),
    (Flagged, "Bildirilen"),
    (All, "Tümü"),
];

const OFFICER_TABS: &[(TabKind, &str)] = &[
    (All, "Tümü"),
    (In(State::Draft), "Taslak"),
    (In(State::Returned), "Düzeltmede"),
    (In(State::Submitted), "İncelemede"),
    (In(State::Approved), "Onaylanan"),
    (In(State::Forwarded), "Kamu SM'de"),
    (In(State::SmsHold), "SMS beklemesinde"),
    (In(State::Active), "Aktif"),
];

/// The tabs of one kind of list.
fn tabs_of(reviewer: bool) -> &'static [(TabKind, &'static str)] {
    if reviewer {
        REVIEWER_TABS
    } else {
        OFFICER_TABS
    }
}

impl ListQuery {
    /// The selected tab; without one, "Tümü" for a search (it looks in
    /// every state, the tabs then filter the result) or the list's first.
    fn tab(&self, reviewer: bool) -> TabKind {
        let tabs = tabs_of(reviewer);
        let from_form = Self::get(&self.onceki).filter(|_| Self::get(&self.q).is_none());
        match Self::get(&self.sekme).or(from_form) {
            None if Self::get(&self.q).is_some() => All,
            chosen => {
                chosen
                    .and_then(|t| tabs.iter().find(|(k, _)| k.code() == t))
                    .unwrap_or(&tabs[0])
                    .0
            }
        }
    }

    fn cursor(&self) -> Cursor {
        let id = |v: &Option<String>| Self::get(v).and_then(|v| v.parse().ok());
        match (id(&self.sonra), id(&self.once)) {
            (Some(a), _) => Cursor::After(a),
            (None, Some(b)) => Cursor::Before(b),
            (None, None) => Cursor::First,
        }
    }

    fn filter(&self, tab: TabKind) -> Filter {
        let mut filter = Filter {
            province_id: Self::get(&self.il).and_then(|v| v.parse().ok()),
            unit_id: Self::get(&self.birim).and_then(|v| v.parse().ok()),
            operator: Self::get(&self.operator).and_then(Operator::from_code),
            reason: Self::get(&self.gerekce).and_then(Reason::from_code),
            from: local_day_start(Self::get(&self.baslangic), 0),
            to: local_day_start(Self::get(&self.bitis), 1),
            // "#123" is request 123.
            search: Self::get(&self.q).map(|s| s.trim_start_matches('#').to_owned()),
            ..Default::default()
        };
        match tab {
            All => {}
            Flagged => filter.flagged_only = true,
            In(state) => filter.states = vec![state],
        }
        filter
    }

    fn order(&self) -> Order {
        if Self::get(&self.sira) == Some("eski") {
            Order::OldestFirst
        } else {
            Order::NewestFirst
        }
    }
}

fn tab_views(q: &ListQuery, reviewer: bool, tab: TabKind, found: &Queue) -> Vec<Tab> {
    let count_of = |kind: TabKind| match kind {
        All => found.counts.iter().map(|(_, n)| n).sum(),
        Flagged => found.flagged,
        In(state) => found
            .counts
            .iter()
            .find(|(s, _)| *s == state)
            .map_or(0, |(_, n)| *n),
    };
    let base = list_base(reviewer);
    tabs_of(reviewer)
        .iter()
        .map(|&(kind, label)| Tab {
            code: kind.code(),
            label,
            count: count_of(kind),
            active: kind == tab,
            href: format!("{base}?{}", q.without_cursor(kind.code())),
        })
        .collect()
}

/// "← Önceki sayfa" and "Sonraki sayfa →", keyed on the page's first and
/// last ids.
fn page_links(
    q: &ListQuery,
    tab: TabKind,
    base: &str,
    found: &Queue,
) -> (Option<String>, Option<String>) {
    let shown = found.lines.first().zip(found.lines.last());
    keyset_links(
        base,
        &q.without_cursor(tab.code()),
        shown.map(|(first, last)| (first.id, last.id)),
        found.has_prev,
        found.has_next,
    )
}

fn list_base(reviewer: bool) -> &'static str {
    if reviewer {
        crate::paths::REVIEW_QUEUE
    } else {
        crate::paths::REQUESTS
    }
}

/// A queue page as it is kept: the service's page and its rows rendered
/// once (the rows depend only on the page and on whether they have
/// checkboxes, which the page's key fixes: the reader's scope and the tab).
pub struct QueueView {
    queue: Queue,
    rows: String,
}

#[derive(Template)]
#[template(path = "requests/rows.html")]
struct Rows<'a> {
    lines: &'a [LineView],
    selectable: bool,
}

/// Rows have a checkbox: for the reviewers' bulk actions, and on the
/// officer's "Kamu SM'de" tab for a cover letter.
fn selectable(reviewer: bool, tab: TabKind) -> bool {
    reviewer || tab == In(State::Forwarded)
}

fn queue_view(queue: Queue, selectable: bool) -> ServiceResult<QueueView> {
    let lines: Vec<LineView> = queue.lines.iter().map(LineView::from).collect();
    let rows = Rows {
        lines: &lines,
        selectable,
    }
    .render()
    .map_err(ServiceError::internal)?;
    Ok(QueueView { queue, rows })
}

/// The page kept at `version`, else read (and kept).
async fn kept_or_read(
    state: &web::Data<AppState>,
    request: QueueRequest,
    selectable: bool,
    version: DataVersion,
) -> Result<Arc<QueueView>, AppError> {
    let now = state.clock.now_naive();
    if let Some(kept) = queue::kept_page(&state.pages.queue, &request, now, version) {
        return Ok(kept);
    }
    let pages = state.pages.clone();
    state
        .call(move |conn| {
            queue::page(conn, &pages.queue, request, now, version, |q| {
                queue_view(q, selectable)
            })
        })
        .await
}

async fn list(
    state: web::Data<AppState>,
    page: Page,
    (user, version): (CurrentUser, DataVersion),
    req: &HttpRequest,
    q: ListQuery,
    reviewer: bool,
) -> Result<HttpResponse, AppError> {
    let tab = q.tab(reviewer);
    let request = QueueRequest {
        scope: (!reviewer).then(|| user.unit_ids.clone()),
        filter: q.filter(tab),
        order: q.order(),
        cursor: q.cursor(),
        limit: PAGE_SIZE,
    };
    let view = kept_or_read(&state, request, selectable(reviewer, tab), version).await?;
    let found = &view.queue;
    let base = list_base(reviewer);
    let (prev, next) = page_links(&q, tab, base, found);
    let tabs = tab_views(&q, reviewer, tab, found);
    let total = tabs.iter().find(|t| t.active).map_or(0, |t| t.count);
    render(&ListPage {
        page,
        title: if reviewer {
            "İnceleme kuyruğu"
        } else {
            "Taleplerim"
        },
        base,
        reviewer,
        selectable: selectable(reviewer, tab),
        tabs,
        tab: tab.code().to_owned(),
        empty: found.lines.is_empty(),
        shown: found.lines.len(),
        rows: &view.rows,
        prev,
        next,
        total,
        q,
        provinces: found.provinces,
        units: &found.units,
        operators: Operator::ALL,
        reasons: Reason::ALL,
        back: format!("{}?{}", req.path(), req.query_string()),
        waiting: &found.waiting,
    })
}

pub async fn queue(
    state: web::Data<AppState>,
    page: Page,
    user: CurrentUser,
    version: DataVersion,
    req: HttpRequest,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    list(state, page, (user, version), &req, q.into_inner(), true).await
}

pub async fn officer_list(
    state: web::Data<AppState>,
    page: Page,
    user: CurrentUser,
    version: DataVersion,
    req: HttpRequest,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    list(state, page, (user, version), &req, q.into_inner(), false).await
}

/// The rows a bulk action applies to, and where to go back to; the action's
/// own fields are an [`ActionForm`].
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BulkForm {
    /// `id:version` of each selected row.
    sec: Vec<String>,
    geri: String,
}

impl BulkForm {
    fn selected(&self) -> Vec<(i32, i32)> {
        self.sec
            .iter()
            .filter_map(|v| v.split_once(':'))
            .filter_map(|(i, v)| Some((i.parse().ok()?, v.parse().ok()?)))
            .collect()
    }
}

/// Most rows one bulk action takes: more than a queue page holds, few enough
/// for one transaction and one message.
const BULK_MAX: usize = 200;

/// The first failures by number and reason, then how many more.
fn failures(failed: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut text = format!("{} talep işlenemedi: ", failed.len());
    text.push_str(&failed[..failed.len().min(SHOWN)].join(" "));
    if failed.len() > SHOWN {
        text.push_str(&format!(" … ve {} talep daha.", failed.len() - SHOWN));
    }
    text
}

/// `POST /inceleme/toplu`: one action on every selected row (`id:version`).
/// Each row runs on its own; the flash says what happened to each.
pub async fn bulk(
    state: web::Data<AppState>,
    session: TypedSession,
    actor: Actor,
    f: FormData,
) -> Result<HttpResponse, AppError> {
    let rows: BulkForm = f.parse()?;
    let back = safe_next(Some(&rows.geri)).to_owned();
    let selected = rows.selected();
    if selected.is_empty() || selected.len() > BULK_MAX {
        let text = if selected.is_empty() {
            "İşlem için en az bir talep seçin.".to_owned()
        } else {
            format!("Bir seferde en fazla {BULK_MAX} talep seçilebilir; hiçbir talep işlenmedi.")
        };
        session.flash(FlashKind::Error, text);
        return Ok(see_other(&back));
    }
    let Some(template) = f.parse::<ActionForm>()?.input() else {
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
        session.flash(FlashKind::Error, failures(&failed));
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
    actor: Actor,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let reviewer = actor.has(Role::Reviewer);
    let (b, by, lines) = state
        .call(move |conn| batches::view(conn, &actor, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let lines = lines
        .into_iter()
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
        .call(|conn| batches::list(conn, 200))
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
    actor: Actor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, format) = path.into_inner();
    let id = parse_id(&id)?;
    let xlsx = match format.as_str() {
        "csv" => false,
        "xlsx" => true,
        _ => return Err(AppError::NotFound),
    };
    let now = state.clock.now_naive();
    let label = if xlsx { "XLSX" } else { "CSV" };
    let lines = state
        .call(move |conn| batches::export(conn, &actor, id, label, now))
        .await?
        .ok_or(AppError::NotFound)?;
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
