//! "İstek bildir" over HTTP: the asker's list and new-thread form
//! (officers, staff), the reviewers' inbox, a thread's page with its
//! messages, the reply form and the reviewers' actions. The rules and the
//! writes live in `service::threads`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::admin::parse_id;
use super::errors::AppError;
use super::forms::{Form, FormErrors, checked, query};
use super::page::{Page, keyset_links, render, render_status, see_other};
use super::session::{FlashKind, TypedSession, random_token};
use crate::app::AppState;
use crate::db::requests::Cursor;
use crate::db::threads::ThreadLine;
use crate::domain::thread::{self, Category, ThreadAction, ThreadState};
use crate::domain::time::format_local;
use crate::service::threads::{self as threads, Ask, AskForm, ListRequest, ThreadList, ThreadPage};
use crate::service::{Actor, Outcome};

pub const PAGE_SIZE: i64 = 50;

// ---------------------------------------------------------------- lists

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    durum: String,
    kategori: String,
    bana: Option<String>,
    q: String,
    sonra: String,
    once: String,
}

impl ListQuery {
    /// The selected state tab: a state code or "all"; the inbox starts on
    /// the open threads, the asker's list (and any search) on all.
    fn tab(&self, inbox: bool) -> &str {
        match self.durum.trim() {
            "all" => "all",
            code if ThreadState::from_code(code).is_some() => code,
            _ if inbox && thread::search_text(&self.q).is_none() => ThreadState::Open.code(),
            _ => "all",
        }
    }

    fn cursor(&self) -> Cursor {
        match (self.sonra.trim().parse(), self.once.trim().parse()) {
            (Ok(a), _) => Cursor::After(a),
            (_, Ok(b)) => Cursor::Before(b),
            _ => Cursor::First,
        }
    }

    /// The query of `tab` with these filters, without the page cursor.
    fn without_cursor(&self, tab: &str) -> String {
        let category = Category::from_code(&self.kategori).map(Category::code);
        let search = thread::search_text(&self.q);
        let pairs: Vec<(&str, &str)> = [
            ("durum", Some(tab)),
            ("kategori", category),
            ("bana", checked(&self.bana).then_some("1")),
            ("q", search.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

pub struct LineView {
    pub id: i32,
    pub subject: String,
    pub category: &'static str,
    pub asker: String,
    pub unit: String,
    pub state: &'static str,
    pub state_code: &'static str,
    pub assignee: String,
    pub messages: i32,
    pub updated: String,
}

fn line_view(l: ThreadLine, assignees: &[(i32, String)]) -> LineView {
    let assignee = l
        .assignee_id
        .and_then(|a| assignees.iter().find(|(id, _)| *id == a))
        .map_or_else(|| "—".to_owned(), |(_, n)| n.clone());
    LineView {
        id: l.id,
        subject: l.subject,
        category: l.category.label(),
        asker: l.asker,
        unit: l.unit.unwrap_or_else(|| "—".to_owned()),
        state: l.state.label(),
        state_code: l.state.code(),
        assignee,
        messages: l.message_count,
        updated: format_local(l.updated_at),
    }
}

pub struct Tab {
    pub label: &'static str,
    pub count: i64,
    pub active: bool,
    pub href: String,
}

#[derive(Template)]
#[template(path = "threads/list.html")]
struct ListPage {
    page: Page,
    inbox: bool,
    base: &'static str,
    tabs: Vec<Tab>,
    tab: String,
    lines: Vec<LineView>,
    total: i64,
    prev: Option<String>,
    next: Option<String>,
    categories: [Category; 3],
    category: String,
    mine: bool,
    q: String,
}

fn tabs(q: &ListQuery, base: &str, tab: &str, counts: &[(ThreadState, i64)]) -> Vec<Tab> {
    let all: i64 = counts.iter().map(|(_, n)| n).sum();
    let mut out = vec![("all", "Tümü", all)];
    out.extend(ThreadState::ALL.into_iter().map(|s| {
        let n = counts.iter().find(|(c, _)| *c == s).map_or(0, |(_, n)| *n);
        (s.code(), s.label(), n)
    }));
    out.into_iter()
        .map(|(code, label, count)| Tab {
            label,
            count,
            active: code == tab,
            href: format!("{base}?{}", q.without_cursor(code)),
        })
        .collect()
}

fn page_links(
    q: &ListQuery,
    base: &str,
    tab: &str,
    found: &ThreadList,
) -> (Option<String>, Option<String>) {
    let shown = found.lines.first().zip(found.lines.last());
    keyset_links(
        base,
        &q.without_cursor(tab),
        shown.map(|(first, last)| (first.id, last.id)),
        found.has_prev,
        found.has_next,
    )
}

async fn list_page(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
    q: ListQuery,
    inbox: bool,
) -> Result<HttpResponse, AppError> {
    if !inbox && !threads::may_ask(&actor) {
        return Err(AppError::Forbidden);
    }
    let tab = q.tab(inbox).to_owned();
    let request = ListRequest {
        inbox,
        states: ThreadState::from_code(&tab).into_iter().collect(),
        category: Category::from_code(&q.kategori),
        mine: inbox && checked(&q.bana),
        search: thread::search_text(&q.q),
        cursor: q.cursor(),
        limit: PAGE_SIZE,
    };
    let found = state
        .call(move |conn| threads::list(conn, &actor, request))
        .await?;
    let base = if inbox {
        crate::paths::INBOX
    } else {
        crate::paths::THREADS
    };
    let (prev, next) = page_links(&q, base, &tab, &found);
    let tabs = tabs(&q, base, &tab, &found.counts);
    let total = tabs.iter().find(|t| t.active).map_or(0, |t| t.count);
    let assignees = found.assignees;
    render(&ListPage {
        page,
        inbox,
        base,
        lines: found
            .lines
            .into_iter()
            .map(|l| line_view(l, &assignees))
            .collect(),
        tabs,
        tab,
        total,
        prev,
        next,
        categories: Category::ALL,
        category: Category::from_code(&q.kategori)
            .map_or("", Category::code)
            .to_owned(),
        mine: checked(&q.bana),
        q: thread::search_text(&q.q).unwrap_or_default(),
    })
}

/// `GET /bildirim`: the asker's threads (officers: their units').
pub async fn list(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    list_page(state, page, actor, query(&req), false).await
}

/// `GET /inceleme/bildirimler`: the reviewers' inbox.
pub async fn inbox(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    list_page(state, page, actor, query(&req), true).await
}

// ---------------------------------------------------------------- asking

/// The new-thread form (and, as a query, its preselection).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct AskFields {
    kategori: String,
    konu: String,
    mesaj: String,
    talep: String,
    personel: String,
    birim: String,
    token: String,
}

fn id_of(raw: &str) -> Option<i32> {
    raw.trim().parse().ok().filter(|id| *id > 0)
}

#[derive(Template)]
#[template(path = "threads/new.html")]
struct NewPage {
    page: Page,
    form: AskFields,
    about: Option<String>,
    units: Vec<(i32, String)>,
    categories: [Category; 3],
    errors: FormErrors,
}

/// The form for `f`'s preselection, with what was typed and what went wrong.
async fn ask_page(
    state: &AppState,
    page: Page,
    actor: Actor,
    mut form: AskFields,
    errors: FormErrors,
) -> Result<NewPage, AppError> {
    if !threads::may_ask(&actor) {
        return Err(AppError::Forbidden);
    }
    let (request, staff) = (id_of(&form.talep), id_of(&form.personel));
    let AskForm { about, units } = state
        .call(move |conn| threads::ask_form(conn, &actor, request, staff))
        .await?
        .ok_or(AppError::NotFound)?;
    if token_of(&form.token).is_none() {
        form.token = random_token();
    }
    Ok(NewPage {
        page,
        form,
        about: about.label,
        units,
        categories: Category::ALL,
        errors,
    })
}

/// `GET /bildirim/yeni` (`?talep=` or `?personel=` preselects).
pub async fn new_form(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let form: AskFields = query(&req);
    let form = AskFields {
        talep: form.talep,
        personel: form.personel,
        kategori: form.kategori,
        ..AskFields::default()
    };
    render(&ask_page(&state, page, actor, form, FormErrors::default()).await?)
}

/// The form's one-time token, if it is one (16 to 64 URL-safe characters).
fn token_of(raw: &str) -> Option<String> {
    let ok = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    (16..=64)
        .contains(&raw.len())
        .then(|| raw.to_owned())
        .filter(|t| t.chars().all(ok))
}

/// The form as typed, or the errors to show next to its fields.
fn ask_input(f: &AskFields, choose_unit: bool) -> Result<Ask, FormErrors> {
    let mut errors = FormErrors::default();
    let category = Category::from_code(&f.kategori);
    if category.is_none() {
        errors.add("kategori", "Bildirim türünü seçin.");
    }
    let subject = thread::parse_subject(&f.konu)
        .map_err(|m| errors.add("konu", m))
        .ok();
    let body = thread::parse_body(&f.mesaj)
        .map_err(|m| errors.add("mesaj", m))
        .ok();
    let unit_id = id_of(&f.birim);
    if choose_unit && unit_id.is_none() {
        errors.add("birim", "Bildirimin hangi biriminiz için olduğunu seçin.");
    }
    let token = token_of(&f.token);
    if token.is_none() {
        errors.add(
            "konu",
            "Form süresi doldu; sayfayı yenileyip yeniden deneyin.",
        );
    }
    match (category, subject, body, token) {
        (Some(category), Some(subject), Some(body), Some(token)) if errors.is_empty() => Ok(Ask {
            category,
            subject,
            body,
            request_id: id_of(&f.talep),
            staff_id: id_of(&f.personel),
            unit_id,
            token,
        }),
        _ => Err(errors),
    }
}

/// `POST /bildirim/yeni`.
pub async fn create(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    Form(f): Form<AskFields>,
) -> Result<HttpResponse, AppError> {
    // The form as shown (its units, what it is about) decides what is asked;
    // a missing token is replaced on the page shown again, not in `f`.
    let typed_token = f.token.clone();
    let shown = ask_page(&state, page, actor.clone(), f, FormErrors::default()).await?;
    let choose_unit = !shown.units.is_empty();
    let typed = AskFields {
        token: typed_token,
        ..shown.form.clone()
    };
    let ask = match ask_input(&typed, choose_unit) {
        Ok(ask) => ask,
        Err(errors) => {
            return render_status(
                &NewPage { errors, ..shown },
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let now = state.clock.now_naive();
    let outcome = state
        .call(move |conn| threads::open(conn, &actor, &ask, now))
        .await?;
    let message = match outcome {
        Outcome::Done(id) => {
            session.flash(
                FlashKind::Success,
                "Bildiriminiz e-İmza Şefliğine iletildi.",
            );
            return Ok(see_other(&crate::paths::thread(id)));
        }
        Outcome::NotFound => return Err(AppError::NotFound),
        Outcome::Forbidden(_) => return Err(AppError::Forbidden),
        Outcome::Refused(m) => m,
        Outcome::Stale => crate::service::threads::STALE_THREAD.to_owned(),
    };
    let mut errors = FormErrors::default();
    errors.add(if choose_unit { "birim" } else { "konu" }, message);
    render_status(&NewPage { errors, ..shown }, StatusCode::CONFLICT)
}

// ---------------------------------------------------------------- a thread

pub struct MessageView {
    pub author: String,
    pub from_reviewer: bool,
    pub at: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "threads/show.html")]
struct ShowPage {
    page: Page,
    t: ThreadPage,
    category: &'static str,
    state: &'static str,
    created: String,
    messages: Vec<MessageView>,
    reply: String,
    errors: FormErrors,
}

impl ShowPage {
    fn new(page: Page, t: ThreadPage, reply: String, errors: FormErrors) -> Self {
        let messages = t
            .messages
            .iter()
            .map(|m| MessageView {
                author: m.author.clone(),
                from_reviewer: m.from_reviewer,
                at: format_local(m.created_at),
                body: m.body.clone(),
            })
            .collect();
        Self {
            page,
            category: t.thread.category.label(),
            state: t.thread.state.label(),
            created: format_local(t.thread.created_at),
            messages,
            reply,
            errors,
            t,
        }
    }

    fn can(&self, code: &str) -> bool {
        self.t.actions.iter().any(|a| a.code() == code)
    }
}

async fn thread_page(state: &AppState, actor: Actor, id: i32) -> Result<ThreadPage, AppError> {
    state
        .call(move |conn| threads::page(conn, &actor, id))
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /bildirim/{id}`.
pub async fn show(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let t = thread_page(&state, actor, id).await?;
    render(&ShowPage::new(
        page,
        t,
        String::new(),
        FormErrors::default(),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReplyFields {
    mesaj: String,
}

/// `POST /bildirim/{id}/yanit`: a message on the thread.
pub async fn reply(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    path: web::Path<String>,
    Form(f): Form<ReplyFields>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let now = state.clock.now_naive();
    let (error, status) = match thread::parse_body(&f.mesaj) {
        Err(m) => (m, StatusCode::UNPROCESSABLE_ENTITY),
        Ok(body) => {
            let a = actor.clone();
            let outcome = state
                .call(move |conn| threads::reply(conn, &a, id, &body, now))
                .await?;
            match outcome {
                Outcome::Done(to) => {
                    let text = format!("Mesajınız kaydedildi. Bildirimin durumu: {}.", to.label());
                    session.flash(FlashKind::Success, text);
                    return Ok(see_other(&crate::paths::thread(id)));
                }
                Outcome::NotFound => return Err(AppError::NotFound),
                Outcome::Forbidden(_) => return Err(AppError::Forbidden),
                Outcome::Refused(m) => (m, StatusCode::CONFLICT),
                Outcome::Stale => (threads::STALE_THREAD.to_owned(), StatusCode::CONFLICT),
            }
        }
    };
    // Shown again with the text kept and the reason at the field; a thread
    // the actor does not see is "not found" whatever was typed.
    let t = thread_page(&state, actor, id).await?;
    let mut errors = FormErrors::default();
    errors.add("mesaj", error);
    let typed: String = f.mesaj.chars().take(thread::BODY_MAX + 1).collect();
    render_status(&ShowPage::new(page, t, typed, errors), status)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActFields {
    action: String,
    version: String,
}

/// `POST /bildirim/{id}/islem`: a reviewer takes or closes the thread.
pub async fn act(
    state: web::Data<AppState>,
    session: TypedSession,
    actor: Actor,
    path: web::Path<String>,
    Form(f): Form<ActFields>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let back = crate::paths::thread(id);
    let action = ThreadAction::from_code(&f.action);
    let version = f.version.trim().parse().unwrap_or(-1);
    let now = state.clock.now_naive();
    let outcome = state
        .call(move |conn| threads::act(conn, &actor, id, action, version, now))
        .await?;
    let message = match outcome {
        Outcome::Done(to) => {
            let done = match action {
                Some(ThreadAction::Assign) => "Bildirim size atandı.".to_owned(),
                _ => format!("Bildirimin durumu: {}.", to.label()),
            };
            session.flash(FlashKind::Success, done);
            return Ok(see_other(&back));
        }
        Outcome::NotFound => return Err(AppError::NotFound),
        Outcome::Forbidden(_) => return Err(AppError::Forbidden),
        Outcome::Refused(m) => m,
        Outcome::Stale => threads::STALE_THREAD.to_owned(),
    };
    session.flash(FlashKind::Error, message);
    Ok(refused(&back))
}

/// A refused action answers 409 with a link back (browsers follow the
/// Refresh header to the thread, where the flash says why).
fn refused(location: &str) -> HttpResponse {
    HttpResponse::build(StatusCode::CONFLICT)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Refresh", format!("0; url={location}")))
        .body(format!(
            "<!doctype html><html lang=\"tr\"><head><meta charset=\"utf-8\"><title>İşlem yapılamadı</title></head>\
             <body><p>İşlem yapılamadı. <a href=\"{location}\">Bildirime dön</a></p></body></html>"
        ))
}
