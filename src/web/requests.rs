//! Requests over HTTP: filing (one staff member or many at once), the request
//! page with its checklist and timeline, and one action from that page. The
//! rules and the writes live in `service::requests`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{NaiveDateTime, TimeZone};
use serde::Deserialize;

use super::admin::parse_id;
use super::errors::AppError;
use super::forms::{Form, FormErrors, checked, query};
use super::page::{Page, render, render_status, see_other};
use super::session::{FlashKind, TypedSession, random_token};
use crate::app::AppState;
use crate::db::requests::{CREATED, HistoryRow, Request};
use crate::domain::hold::format_remaining;
use crate::domain::money::{Money, Rate};
use crate::domain::payer::{Payer, payer_for};
use crate::domain::request::{DocsWay, Reason};
use crate::domain::tckn::mask;
use crate::domain::time::{format_local, local_day};
use crate::domain::workflow::{Action, State};
use crate::service::requests::{
    self as requests, ActionInput, Candidate, FileInput, Filed, RequestPage,
};
use crate::service::{Actor, Outcome, STALE};

/// The fields of the request page's action forms (and the queue's bulk
/// form); an action reads the ones it needs.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    action: String,
    version: String,
    note: String,
    reason: String,
    kvkk: Option<String>,
    docs_way: String,
    docs_ref: String,
    docs_date: String,
    sms_at: String,
    serial: String,
}

impl ActionForm {
    /// The typed input; `None` for an unknown action. `batch` (the queue's
    /// "forward as a batch" button) is forwarding.
    pub fn input(self) -> Option<ActionInput> {
        let action = match self.action.as_str() {
            "batch" => Action::Forward,
            code => Action::from_code(code)?,
        };
        Some(ActionInput {
            note: self.note,
            reason: Reason::from_code(&self.reason),
            kvkk: checked(&self.kvkk),
            docs_way: DocsWay::from_code(&self.docs_way),
            docs_ref: self.docs_ref,
            docs_date: self.docs_date,
            sms_at: self.sms_at,
            serial: self.serial,
            ..ActionInput::new(action, self.version.trim().parse().unwrap_or(-1))
        })
    }
}

/// `POST /talep/{id}/islem`: one action from the request page.
pub async fn act(
    state: web::Data<AppState>,
    session: TypedSession,
    actor: Actor,
    path: web::Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let back = crate::paths::request(id);
    let Some(input) = form.input() else {
        session.flash(FlashKind::Error, "Bilinmeyen işlem.");
        return Ok(see_other_status(&back, StatusCode::FORBIDDEN));
    };
    let now = state.clock.now_naive();
    let step = input.action.label();
    let outcome = state
        .call(move |conn| requests::act(conn, &actor, id, &input, now))
        .await?;
    let (kind, message, status) = match outcome {
        Outcome::Done(to) => {
            let text = format!("Kaydedildi: {step}. Talebin durumu: {}.", to.label());
            session.flash(FlashKind::Success, text);
            return Ok(see_other(&back));
        }
        Outcome::NotFound => return Err(AppError::NotFound),
        Outcome::Forbidden(msg) => (FlashKind::Error, msg, StatusCode::FORBIDDEN),
        Outcome::Refused(msg) => (FlashKind::Error, msg, StatusCode::CONFLICT),
        Outcome::Stale => (FlashKind::Error, STALE.to_owned(), StatusCode::CONFLICT),
    };
    session.flash(kind, message);
    Ok(see_other_status(&back, status))
}

/// A refusal answers with its status and a link back; browsers show the
/// page, tests see the status. The flash is shown on the request page.
fn see_other_status(location: &str, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Refresh", format!("0; url={location}")))
        .body(format!(
            "<!doctype html><html lang=\"tr\"><head><meta charset=\"utf-8\"><title>İşlem yapılamadı</title></head>\
             <body><p>İşlem yapılamadı. <a href=\"{location}\">Talebe dön</a></p></body></html>"
        ))
}

// ---------------------------------------------------------------- the page

pub struct Step {
    pub label: &'static str,
    pub done: Option<String>,
}

pub struct HistoryView {
    pub at: String,
    pub actor: String,
    pub what: String,
    pub from: String,
    pub to: String,
    pub note: String,
}

impl From<HistoryRow> for HistoryView {
    fn from(h: HistoryRow) -> Self {
        let what = match Action::from_code(&h.action) {
            Some(a) => a.label(),
            None if h.action == CREATED => "Talep oluşturuldu",
            None => "—",
        };
        Self {
            at: format_local(h.at),
            actor: h.actor.unwrap_or_else(|| "Sistem".into()),
            what: what.to_owned(),
            from: h.from_state.label().to_owned(),
            to: h.to_state.label().to_owned(),
            note: h.note,
        }
    }
}

#[derive(Template)]
#[template(path = "requests/show.html")]
struct ShowPage {
    page: Page,
    r: Request,
    state: State,
    staff_name: String,
    tckn_masked: String,
    staff_email: String,
    unit: String,
    phone: String,
    operator: String,
    line_type: String,
    reason: String,
    hold_notice: Option<String>,
    steps: Vec<Step>,
    history: Vec<HistoryView>,
    actions: Vec<Action>,
    awaited: Option<&'static str>,
    reasons: [Reason; 5],
    docs_ways: [DocsWay; 3],
    now_local: String,
    open_other: Option<i32>,
    payment: Option<String>,
    /// The next certificate would be personal unless an exception is granted.
    personal_pending: bool,
    /// "İstek bildir" threads about the request: (id, subject, state).
    threads: Vec<(i32, String, &'static str)>,
    can_ask: bool,
}

impl ShowPage {
    fn can(&self, code: &str) -> bool {
        self.actions.iter().any(|a| a.code() == code)
    }

    fn docs_line(&self) -> String {
        match (&self.r.docs_way, &self.r.docs_ref, self.r.docs_sent_at) {
            // A date typed as a date: shown without a time of day.
            (Some(w), Some(r), Some(at)) => format!("{w} · {r} · {}", day(at)),
            _ => String::new(),
        }
    }

    fn not_mine_at(&self) -> String {
        self.r.not_mine_at.map(format_local).unwrap_or_default()
    }

    fn valid_until(&self) -> String {
        self.r.valid_until.map(format_local).unwrap_or_default()
    }
}

/// The local day of `utc` as dd.mm.yyyy.
fn day(utc: NaiveDateTime) -> String {
    local_day(utc).format("%d.%m.%Y").to_string()
}

fn hold_notice(p: &RequestPage, now: NaiveDateTime) -> Option<String> {
    let (State::SmsHold, Some(sms)) = (p.request.state, p.request.sms_at) else {
        return None;
    };
    let earliest = format_local(p.hold.earliest_production(sms));
    Some(match p.hold.remaining(sms, now) {
        Some(rem) => format!(
            "SMS beklemesinde — üretim en erken {earliest} ({} kaldı)",
            format_remaining(rem)
        ),
        None => format!("SMS beklemesi bitti — üretim {earliest} itibarıyla yapılabilir"),
    })
}

fn steps(r: &Request) -> Vec<Step> {
    let at = |t: Option<NaiveDateTime>| t.map(format_local);
    let step = |label, done| Step { label, done };
    vec![
        step("Talep gönderildi", at(r.submitted_at)),
        step(
            "Kamu SM'ye iletildi",
            r.batch_id.map(|b| format!("Parti no {b}")),
        ),
        step(
            "Başvuru formu Kamu SM'ce e-postalandı",
            at(r.form_emailed_at),
        ),
        step("Başvuru formu e-İmza ile imzalandı", at(r.form_signed_at)),
        step("Operatör evrakı gönderildi", r.docs_sent_at.map(day)),
        step("Operatör evrakı Şeflikçe alındı", at(r.docs_received_at)),
        step("NES SMS'i gönderildi", at(r.sms_at)),
        step("Sertifika üretildi", at(r.produced_at)),
        step("Mobil imza etkinleştirildi", at(r.activated_at)),
    ]
}

/// Who pays: the accrued fee once produced, the expected payer before.
fn payment(p: &RequestPage, now: NaiveDateTime) -> Option<String> {
    if let Some(f) = &p.fee {
        return Some(format!(
            "Sertifika ücreti {} + KDV {} {} = {} · {}{}",
            Money::from_kurus(f.net_kurus),
            Rate(f.kdv_bp).label(),
            Money::from_kurus(f.kdv_kurus),
            Money::from_kurus(f.gross_kurus),
            f.payer,
            f.exception_reason
                .as_ref()
                .map(|e| format!(" (istisna: {e})"))
                .unwrap_or_default()
        ));
    }
    if !p.request.state.is_open() {
        return None;
    }
    Some(match (payer_for(&p.paid, local_day(now), false), &p.request.payer_exception) {
        (Payer::Personal, None) => "Kişisel ödeme: bu personelin son 3 yıl içinde kurumca ödenmiş bir sertifikası var. \
             Kurum ödemesi için e-İmza Şefliği gerekçeli istisna verebilir."
            .to_owned(),
        (Payer::Personal, Some(reason)) => format!("Kurum ödemesi (istisna: {reason})"),
        (Payer::Institution, _) => "Kurum ödemesi".to_owned(),
    })
}

impl ShowPage {
    fn new(page: Page, p: RequestPage, now: NaiveDateTime) -> Self {
        let personal_pending = p.fee.is_none()
            && p.request.payer_exception.is_none()
            && payer_for(&p.paid, local_day(now), false) == Payer::Personal;
        let now_local = chrono_tz::Europe::Istanbul
            .from_utc_datetime(&now)
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        Self {
            page,
            state: p.request.state,
            staff_name: p.staff.full_name(),
            tckn_masked: mask(&p.staff.tckn),
            staff_email: p.staff.email.clone(),
            unit: p.unit.clone(),
            phone: crate::domain::phone::display(&p.request.phone),
            operator: p.request.operator.label().to_owned(),
            line_type: p.request.line_type.label().to_owned(),
            reason: p.request.reason.label().to_owned(),
            hold_notice: hold_notice(&p, now),
            steps: steps(&p.request),
            payment: payment(&p, now),
            history: p.history.into_iter().map(HistoryView::from).collect(),
            actions: p.actions,
            awaited: p.awaited,
            reasons: Reason::ALL,
            docs_ways: DocsWay::ALL,
            now_local,
            open_other: p.open_other,
            personal_pending,
            threads: p
                .threads
                .into_iter()
                .map(|t| (t.id, t.subject, t.state.label()))
                .collect(),
            can_ask: p.can_ask,
            r: p.request,
        }
    }
}

pub async fn show(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let now = state.clock.now_naive();
    let data = state
        .call(move |conn| requests::page(conn, &actor, id, now))
        .await?
        .ok_or(AppError::NotFound)?;
    render(&ShowPage::new(page, data, now))
}

// ---------------------------------------------------------------- filing

#[derive(Template)]
#[template(path = "requests/new.html")]
struct NewPage {
    page: Page,
    staff: Vec<Candidate>,
    blocked: Vec<(String, i32)>,
    reasons: [Reason; 5],
    reason: String,
    note: String,
    kvkk: bool,
    token: String,
    errors: FormErrors,
}

/// The filing form (and the staff list's "new request" link, as a query).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FileForm {
    /// The selected staff ids.
    personel: Vec<String>,
    /// The reason preset by a link (renewal, new line).
    gerekce: String,
    reason: String,
    note: String,
    kvkk: Option<String>,
    /// "1": submit at once; otherwise keep a draft.
    gonder: String,
    token: String,
}

impl FileForm {
    fn staff_ids(&self) -> Vec<i32> {
        let mut ids: Vec<i32> = self
            .personel
            .iter()
            .filter_map(|v| v.parse().ok())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// What was typed, to show again.
    fn typed(&self) -> (String, String, bool) {
        (self.reason.clone(), self.note.clone(), checked(&self.kvkk))
    }
}

/// The filing form for `ids`, with what was typed and what went wrong.
async fn form_page(
    state: &AppState,
    page: Page,
    actor: Actor,
    ids: Vec<i32>,
    typed: (String, String, bool),
    errors: FormErrors,
) -> Result<NewPage, AppError> {
    let (staff, blocked) = state
        .call(move |conn| requests::selection(conn, &actor, &ids))
        .await?
        .ok_or(AppError::NotFound)?;
    let (reason, note, kvkk) = typed;
    Ok(NewPage {
        page,
        staff,
        blocked,
        reasons: Reason::ALL,
        reason,
        note,
        kvkk,
        token: random_token(),
        errors,
    })
}

pub async fn new_form(
    state: web::Data<AppState>,
    page: Page,
    actor: Actor,
    req: HttpRequest,
    session: TypedSession,
) -> Result<HttpResponse, AppError> {
    let form: FileForm = query(&req);
    let ids = form.staff_ids();
    if ids.is_empty() {
        // The same answer as the queue's bulk actions with nothing selected.
        session.flash(
            FlashKind::Error,
            "Talep açmak için en az bir personel seçin.",
        );
        return Ok(see_other(crate::paths::STAFF_LIST));
    }
    let reason = Reason::from_code(&form.gerekce).unwrap_or(Reason::FirstApplication);
    let typed = (reason.code().to_owned(), String::new(), false);
    render(&form_page(&state, page, actor, ids, typed, FormErrors::default()).await?)
}

/// The filing form as typed, or the errors to show next to its fields.
fn file_input(f: &FileForm) -> Result<FileInput, FormErrors> {
    let mut errors = FormErrors::default();
    let staff_ids = f.staff_ids();
    let submit = f.gonder == "1";
    let kvkk = checked(&f.kvkk);
    let token: String = f
        .token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(64)
        .collect();
    if staff_ids.is_empty() {
        errors.add("personel", "En az bir personel seçin.");
    }
    let reason = Reason::from_code(&f.reason);
    if reason.is_none() {
        errors.add("reason", "Talep gerekçesini seçin.");
    }
    if let Err(m) = crate::domain::request::parse_note(&f.note) {
        errors.add("note", m);
    }
    if submit && !kvkk {
        errors.add(
            "kvkk",
            "Personelin KVKK aydınlatma metnini okuduğunu onaylayın.",
        );
    }
    if token.len() < 16 {
        errors.add(
            "personel",
            "Form süresi doldu; sayfayı yenileyip yeniden deneyin.",
        );
    }
    match reason {
        Some(reason) if errors.is_empty() => Ok(FileInput {
            staff_ids,
            reason,
            note: f.note.clone(),
            kvkk,
            submit,
            token,
        }),
        _ => Err(errors),
    }
}

pub async fn create(
    state: web::Data<AppState>,
    page: Page,
    session: TypedSession,
    actor: Actor,
    Form(f): Form<FileForm>,
) -> Result<HttpResponse, AppError> {
    let ids = f.staff_ids();
    let input = match file_input(&f) {
        Ok(input) => input,
        Err(errors) => {
            let mut form = form_page(&state, page, actor, ids, f.typed(), errors).await?;
            form.token = f.token;
            return render_status(&form, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let now = state.clock.now_naive();
    let (a, i) = (actor.clone(), input.clone());
    let outcome = state
        .call(move |conn| requests::file(conn, &a, &i, now))
        .await?;
    let (message, status, blocked) = match outcome {
        Outcome::Done(Filed::Created(created)) => {
            return Ok(filed(&session, &created, input.submit));
        }
        Outcome::Done(Filed::Blocked(blocked)) => (
            "Seçilen personelden bazılarının açık talebi var; önce o talepleri sonuçlandırın."
                .to_owned(),
            StatusCode::CONFLICT,
            Some(blocked),
        ),
        Outcome::Refused(m) | Outcome::Forbidden(m) => (m, StatusCode::UNPROCESSABLE_ENTITY, None),
        Outcome::NotFound | Outcome::Stale => return Err(AppError::NotFound),
    };
    let field = if blocked.is_some() {
        "personel"
    } else {
        "reason"
    };
    let mut errors = FormErrors::default();
    errors.add(field, message);
    let typed = (input.reason.code().to_owned(), input.note, input.kvkk);
    let mut form = form_page(&state, page, actor, ids, typed, errors).await?;
    if let Some(blocked) = blocked {
        form.blocked = blocked;
    }
    render_status(&form, status)
}

fn filed(session: &TypedSession, created: &[i32], submit: bool) -> HttpResponse {
    let done = if submit {
        "gönderildi"
    } else {
        "taslak olarak kaydedildi"
    };
    if let [id] = created {
        session.flash(FlashKind::Success, format!("Talep {done}."));
        return see_other(&crate::paths::request(*id));
    }
    session.flash(
        FlashKind::Success,
        format!("{} talep {done}.", created.len()),
    );
    see_other(crate::paths::REQUESTS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_form_reads_into_the_typed_input() {
        let form = ActionForm {
            action: "docs_sent".into(),
            version: " 4 ".into(),
            docs_way: "kep".into(),
            docs_ref: "KEP-1".into(),
            kvkk: Some("on".into()),
            ..Default::default()
        };
        let input = form.input().expect("known action");
        assert_eq!(input.action, Action::RecordDocsSent);
        assert_eq!(input.version, 4);
        assert_eq!(input.docs_way, Some(DocsWay::Kep));
        assert!(input.kvkk);
        let batch = ActionForm {
            action: "batch".into(),
            ..Default::default()
        };
        let input = batch.input().expect("batch");
        assert_eq!(input.action, Action::Forward);
        // A missing version never matches a stored one.
        assert_eq!(input.version, -1);
        let unknown = ActionForm {
            action: "drop_table".into(),
            ..Default::default()
        };
        assert!(unknown.input().is_none());
    }
}
