//! Requests: filing (single or many staff at once), the request page with its
//! checklist and timeline, and [`run_action`], the one path every state change
//! takes (request page, bulk actions, batches).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{Months, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Istanbul;

use super::admin::{Actor as AuditActor, parse_id};
use super::errors::AppError;
use super::forms::{FormData, FormErrors};
use super::identity::CurrentUser;
use super::page::{Page, render, render_status, see_other};
use super::session::{FlashKind, TypedSession, random_token};
use crate::app::AppState;
use crate::db::{
    self, AnyConnection, audit::AuditEntry, requests::HistoryEntry, requests::Request,
    requests::RequestUpdate,
};
use crate::domain::fees::certificate_fee;
use crate::domain::hold::{HoldRule, format_remaining};
use crate::domain::money::{Money, Rate};
use crate::domain::payer::{Payer, payer_for};
use crate::domain::request::{DocsWay, Reason, docs_way_label, parse_note, reason_label};
use crate::domain::role::Role;
use crate::domain::staff::{line_type_label, operator_label};
use crate::domain::tckn::mask;
use crate::domain::time::format_local;
use crate::domain::workflow::{
    Action, Actor, Decision, Facts, Refusal, State, decide, state_label,
};

/// The roles `user` can act as on a request of `unit_id` for `staff_email`.
pub fn actors_for(user: &CurrentUser, unit_id: i32, staff_email: &str) -> Vec<Actor> {
    let mut out = Vec::new();
    if user.has(Role::Officer) && user.unit_ids.contains(&unit_id) {
        out.push(Actor::Officer);
    }
    if user.has(Role::Reviewer) {
        out.push(Actor::Reviewer);
    }
    if user.has(Role::Staff) && user.email == staff_email {
        out.push(Actor::Staff);
    }
    out
}

/// Whether `user` may see the request at all (others get 404).
pub fn can_view(user: &CurrentUser, unit_id: i32, staff_email: &str) -> bool {
    user.can_see_unit(unit_id) || (user.has(Role::Staff) && user.email == staff_email)
}

pub fn hold_rule(conn: &mut AnyConnection) -> Result<HoldRule, AppError> {
    use super::admin::settings::{HOLD_HOURS, HOLD_START};
    let hours = db::settings::get(conn, HOLD_HOURS)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(HoldRule::DEFAULT_HOURS);
    let start = db::settings::get(conn, HOLD_START)?
        .and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())
        .unwrap_or_else(HoldRule::default_start);
    Ok(HoldRule::new(hours, start))
}

/// What an action form sends; fields an action does not use are ignored.
#[derive(Debug, Clone, Default)]
pub struct ActionInput {
    pub action: String,
    pub version: i32,
    pub note: String,
    pub reason: String,
    pub kvkk: bool,
    pub docs_way: String,
    pub docs_ref: String,
    pub docs_date: String,
    pub sms_at: String,
    pub serial: String,
    pub batch_id: Option<i32>,
}

impl ActionInput {
    pub fn from_form(f: &FormData) -> Self {
        Self {
            action: f.get("action").to_owned(),
            version: f.get("version").parse().unwrap_or(-1),
            note: f.get("note").to_owned(),
            reason: f.get("reason").to_owned(),
            kvkk: f.checked("kvkk"),
            docs_way: f.get("docs_way").to_owned(),
            docs_ref: f.get("docs_ref").to_owned(),
            docs_date: f.get("docs_date").to_owned(),
            sms_at: f.get("sms_at").to_owned(),
            serial: f.get("serial").to_owned(),
            batch_id: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done(State),
    /// Not allowed for this user at all (403).
    Forbidden(String),
    /// Allowed in principle, refused now (409), with the reason.
    Refused(String),
    Stale,
    NotFound,
}

pub const STALE: &str = "Bu talep sizden önce değiştirildi; sayfayı yenileyip güncel durumu görün.";

/// `2026-11-23T14:05` typed in Istanbul time → UTC.
fn parse_local_datetime(raw: &str) -> Option<NaiveDateTime> {
    let local = NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M").ok()?;
    Istanbul
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.naive_utc())
}

fn parse_local_date(raw: &str) -> Option<NaiveDateTime> {
    let d = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()?;
    Istanbul
        .from_local_datetime(&d.and_hms_opt(12, 0, 0)?)
        .earliest()
        .map(|t| t.naive_utc())
}

/// Runs one action on one request in its own transaction: visibility, the
/// state machine, the version the user saw, then state + facts + history +
/// audit together.
pub fn run_action(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    ip: &str,
    id: i32,
    input: &ActionInput,
    now: NaiveDateTime,
) -> Result<Outcome, AppError> {
    let Some(action) = Action::from_code(&input.action) else {
        return Ok(Outcome::Forbidden("Bilinmeyen işlem.".into()));
    };
    let hold = hold_rule(conn)?;
    db::transaction(conn, |conn| {
        let Some(req) = db::requests::find(conn, id)? else {
            return Ok(Outcome::NotFound);
        };
        let staff = db::staff::find(conn, req.staff_id)?.ok_or(AppError::NotFound)?;
        if !can_view(user, req.unit_id, &staff.email) {
            return Ok(Outcome::NotFound);
        }
        let state = State::from_code(&req.state)
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("bad state {}", req.state)))?;
        let actors = actors_for(user, req.unit_id, &staff.email);

        // Parse what the action needs from the form.
        let note = match parse_note(&input.note) {
            Ok(n) => n,
            Err(m) => return Ok(Outcome::Refused(m.into())),
        };
        let mut update = RequestUpdate {
            updated_at: Some(now),
            ..Default::default()
        };
        let mut facts = Facts {
            kvkk_ack: req.kvkk_ack,
            note_given: !note.is_empty(),
            serial_given: req.certificate_serial.is_some(),
            form_emailed: req.form_emailed_at.is_some(),
            form_signed: req.form_signed_at.is_some(),
            docs_sent: req.docs_sent_at.is_some(),
            docs_received: req.docs_received_at.is_some(),
            sms_at: req.sms_at,
            produced_at: req.produced_at,
        };
        let mut history_note = note.clone();
        match action {
            Action::Submit => {
                let Some(reason) = Reason::from_code(&input.reason) else {
                    return Ok(Outcome::Refused("Talep gerekçesini seçin.".into()));
                };
                facts.kvkk_ack = input.kvkk;
                update.reason = Some(reason.code().into());
                update.note = Some(note.clone());
                update.kvkk_ack = Some(input.kvkk);
                update.submitted_at = Some(now);
            }
            Action::RecordDocsSent => {
                let way = DocsWay::from_code(&input.docs_way);
                let reference = input.docs_ref.trim();
                let date = if input.docs_date.trim().is_empty() {
                    Some(now)
                } else {
                    parse_local_date(&input.docs_date)
                };
                match (
                    way,
                    reference.is_empty() || reference.chars().count() > 100,
                    date,
                ) {
                    (Some(way), false, Some(date)) if date <= now + chrono::Duration::hours(12) => {
                        update.docs_way = Some(way.code().into());
                        update.docs_ref = Some(reference.into());
                        update.docs_sent_at = Some(date);
                        history_note = format!("{}, sayı/referans: {reference}", way.label());
                    }
                    _ => {
                        return Ok(Outcome::Refused(
                            "Gönderim yolunu (KEP, üst yazı/posta, elden), evrak sayısını/referans numarasını ve \
                             geçmiş ya da bugünkü bir tarihi girin."
                                .into(),
                        ));
                    }
                }
            }
            Action::RecordSms => {
                let at = if input.sms_at.trim().is_empty() {
                    Some(now)
                } else {
                    parse_local_datetime(&input.sms_at)
                };
                match at {
                    Some(at) if at <= now => {
                        update.sms_at = Some(at);
                        history_note = format!("SMS zamanı: {}", format_local(at));
                    }
                    Some(_) => {
                        return Ok(Outcome::Refused(
                            "SMS zamanı ileri bir tarih olamaz.".into(),
                        ));
                    }
                    None => {
                        return Ok(Outcome::Refused(
                            "SMS zamanını gg.aa.yyyy ss:dd biçiminde girin.".into(),
                        ));
                    }
                }
            }
            Action::Produce => {
                let serial = input.serial.trim();
                facts.serial_given = !serial.is_empty() && serial.chars().count() <= 64;
                update.certificate_serial = Some(serial.into());
                update.produced_at = Some(now);
                update.valid_until = now.checked_add_months(Months::new(36));
                history_note = format!("Seri no: {serial}");
            }
            Action::Activate => update.activated_at = Some(now),
            // Leaving `active` ends billing from the month after.
            Action::Revoke | Action::Invalidate | Action::Expire => update.ended_at = Some(now),
            Action::RecordFormEmailed => update.form_emailed_at = Some(now),
            Action::RecordFormSigned => update.form_signed_at = Some(now),
            Action::RecordDocsReceived => update.docs_received_at = Some(now),
            Action::ReportNotMine => {
                update.not_mine_at = Some(now);
                update.flagged = Some(true);
            }
            Action::GrantPayerException => update.payer_exception = Some(note.clone()),
            _ => {}
        }

        // Role first (403); then a form older than the row means someone
        // acted first, which is said as such rather than judging the action
        // against a state the user never saw; then state and preconditions.
        let decision = decide(state, action, &actors, &facts, &hold, now);
        if decision == Err(Refusal::NotYourAction) {
            return Ok(Outcome::Forbidden(Refusal::NotYourAction.message()));
        }
        if input.version != req.version {
            return Ok(Outcome::Stale);
        }
        let Decision { to, .. } = match decision {
            Ok(d) => d,
            Err(r) => return Ok(Outcome::Refused(r.message())),
        };
        // The certificate fee accrues at production, at the rates in force
        // that day; without a defined fee production is refused, not guessed.
        let accrual = if action == Action::Produce {
            let day = now.and_utc().with_timezone(&Istanbul).date_naive();
            let fees = db::fees::fee_periods(conn, &req.operator)?;
            let kdv = db::fees::kdv_periods(conn)?;
            let paid = db::fees::institution_paid_days(conn, req.staff_id)?;
            match certificate_fee(&fees, &kdv, &paid, req.payer_exception.is_some(), day) {
                Ok(a) => {
                    history_note = format!(
                        "{history_note} · ücret {} ({})",
                        a.vat.gross,
                        a.payer.label()
                    );
                    Some(a)
                }
                Err(e) => return Ok(Outcome::Refused(e.message())),
            }
        } else {
            None
        };
        if action == Action::Forward {
            let batch = match input.batch_id {
                Some(b) => b,
                None => db::batches::create(conn, user.id, now)?,
            };
            update.batch_id = Some(batch);
            history_note = format!("Parti no {batch}");
        }
        update.state = Some(to.code().into());
        let entry = HistoryEntry {
            at: now,
            actor_id: Some(user.id),
            action: action.code(),
            from_state: state.code(),
            to_state: to.code(),
            note: &history_note,
        };
        if !db::requests::apply(conn, id, req.version, &update, &entry)? {
            return Ok(Outcome::Stale);
        }
        if action == Action::Activate {
            db::staff::set_has_signature(conn, req.staff_id, true, now)?;
        }
        if let Some(accrual) = &accrual {
            db::fees::insert(
                conn,
                &db::fees::NewAccrual {
                    request_id: id,
                    staff_id: req.staff_id,
                    unit_id: req.unit_id,
                    operator: &req.operator,
                    accrual,
                    exception_reason: req.payer_exception.as_deref(),
                    now,
                },
            )?;
        }
        db::audit::record(
            conn,
            &AuditEntry {
                at: now,
                actor_id: Some(user.id),
                action: &format!("request.{}", action.code()),
                target: &format!("request:{id}"),
                detail: &history_note,
                ip,
            },
        )?;
        Ok(Outcome::Done(to))
    })
}

/// `POST /talep/{id}/islem`: one action from the request page.
pub async fn act(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: TypedSession,
    user: CurrentUser,
    path: web::Path<String>,
    form: FormData,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let input = ActionInput::from_form(&form);
    let ip = AuditActor::of(&user, &req).ip;
    let now = state.clock.now_naive();
    let outcome = state
        .db(move |conn| run_action(conn, &user, &ip, id, &input, now))
        .await?;
    let back = super::paths::request(id);
    match outcome {
        Outcome::Done(to) => {
            session.flash(
                FlashKind::Success,
                format!("İşlem kaydedildi. Talebin durumu: {}.", to.label()),
            );
            Ok(see_other(&back))
        }
        Outcome::NotFound => Err(AppError::NotFound),
        Outcome::Forbidden(msg) => {
            session.flash(FlashKind::Error, msg);
            Ok(see_other_status(&back, StatusCode::FORBIDDEN))
        }
        Outcome::Refused(msg) => {
            session.flash(FlashKind::Error, msg);
            Ok(see_other_status(&back, StatusCode::CONFLICT))
        }
        Outcome::Stale => {
            session.flash(FlashKind::Error, STALE);
            Ok(see_other_status(&back, StatusCode::CONFLICT))
        }
    }
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
    reasons: [Reason; 5],
    docs_ways: [DocsWay; 3],
    now_local: String,
    open_other: Option<i32>,
    payment: Option<String>,
    /// The next certificate would be personal unless an exception is granted.
    personal_pending: bool,
}

impl ShowPage {
    fn can(&self, code: &str) -> bool {
        self.actions.iter().any(|a| a.code() == code)
    }

    fn docs_line(&self) -> String {
        match (&self.r.docs_way, &self.r.docs_ref, self.r.docs_sent_at) {
            (Some(w), Some(r), Some(at)) => {
                format!("{} · {} · {}", docs_way_label(w), r, format_local(at))
            }
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

fn opt_time(t: Option<NaiveDateTime>) -> Option<String> {
    t.map(format_local)
}

pub async fn show(
    state: web::Data<AppState>,
    page: Page,
    user: CurrentUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let now = state.clock.now_naive();
    let u = user.clone();
    let data = state
        .db(move |conn| {
            let Some(r) = db::requests::find(conn, id)? else {
                return Ok(None);
            };
            let staff = db::staff::find(conn, r.staff_id)?.ok_or(AppError::NotFound)?;
            if !can_view(&u, r.unit_id, &staff.email) {
                return Ok(None);
            }
            let unit = db::units::find(conn, r.unit_id)?
                .map(|x| x.name)
                .unwrap_or_default();
            let history = db::requests::history(conn, id)?;
            let hold = hold_rule(conn)?;
            let open_other = db::requests::open_for_staff(conn, r.staff_id)?.filter(|o| *o != id);
            let fee = db::fees::for_request(conn, id)?;
            let paid = db::fees::institution_paid_days(conn, r.staff_id)?;
            Ok(Some((r, staff, unit, history, hold, open_other, fee, paid)))
        })
        .await?;
    let Some((r, staff, unit, history, hold, open_other, fee, paid)) = data else {
        return Err(AppError::NotFound);
    };
    let state_now = State::from_code(&r.state).ok_or(AppError::NotFound)?;
    let actors = actors_for(&user, r.unit_id, &staff.email);
    // Offer the actions the table allows this user in this state; their
    // preconditions are checked (and explained) when submitted.
    let actions: Vec<Action> = Action::ALL
        .into_iter()
        .filter(|a| {
            !matches!(
                decide(state_now, *a, &actors, &Facts::default(), &hold, now),
                Err(Refusal::NotYourAction | Refusal::WrongState(_))
            )
        })
        .filter(|a| *a != Action::Forward)
        .collect();
    let hold_notice = match (state_now, r.sms_at) {
        (State::SmsHold, Some(sms)) => {
            let earliest = format_local(hold.earliest_production(sms));
            Some(match hold.remaining(sms, now) {
                Some(rem) => format!(
                    "SMS beklemesinde — üretim en erken {earliest} ({} kaldı)",
                    format_remaining(rem)
                ),
                None => format!("SMS beklemesi bitti — üretim {earliest} itibarıyla yapılabilir"),
            })
        }
        _ => None,
    };
    let steps = vec![
        Step {
            label: "Talep gönderildi",
            done: opt_time(r.submitted_at),
        },
        Step {
            label: "Kamu SM'ye iletildi",
            done: r.batch_id.map(|b| format!("Parti no {b}")),
        },
        Step {
            label: "Başvuru formu Kamu SM'ce e-postalandı",
            done: opt_time(r.form_emailed_at),
        },
        Step {
            label: "Başvuru formu e-İmza ile imzalandı",
            done: opt_time(r.form_signed_at),
        },
        Step {
            label: "Operatör evrakı gönderildi",
            done: opt_time(r.docs_sent_at),
        },
        Step {
            label: "Operatör evrakı Şeflikçe alındı",
            done: opt_time(r.docs_received_at),
        },
        Step {
            label: "NES SMS'i gönderildi",
            done: opt_time(r.sms_at),
        },
        Step {
            label: "Sertifika üretildi",
            done: opt_time(r.produced_at),
        },
        Step {
            label: "Mobil imza etkinleştirildi",
            done: opt_time(r.activated_at),
        },
    ];
    let history = history
        .into_iter()
        .map(|h| HistoryView {
            at: format_local(h.at),
            actor: h.actor.unwrap_or_else(|| "Sistem".into()),
            what: Action::from_code(&h.action)
                .map_or("Talep oluşturuldu", Action::label)
                .to_owned(),
            from: state_label(&h.from_state).to_owned(),
            to: state_label(&h.to_state).to_owned(),
            note: h.note,
        })
        .collect();
    let now_local = now
        .and_utc()
        .with_timezone(&Istanbul)
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    // Who pays: the accrued fee once produced, the expected payer before.
    let today = now.and_utc().with_timezone(&Istanbul).date_naive();
    let personal_pending = fee.is_none()
        && r.payer_exception.is_none()
        && payer_for(&paid, today, false) == Payer::Personal;
    let payment = match fee {
        Some(f) => Some(format!(
            "Sertifika ücreti {} + KDV {} {} = {} · {}{}",
            Money::from_kurus(f.net_kurus),
            Rate(f.kdv_bp).label(),
            Money::from_kurus(f.kdv_kurus),
            Money::from_kurus(f.gross_kurus),
            Payer::from_code(&f.payer).map_or("—", Payer::label),
            f.exception_reason.map(|e| format!(" (istisna: {e})")).unwrap_or_default()
        )),
        None if state_now.is_open() => {
            Some(match (payer_for(&paid, today, false), &r.payer_exception) {
                (Payer::Personal, None) => "Kişisel ödeme: bu personelin son 3 yıl içinde kurumca ödenmiş bir sertifikası var. \
                     Kurum ödemesi için e-İmza Şefliği gerekçeli istisna verebilir."
                    .to_owned(),
                (Payer::Personal, Some(reason)) => format!("Kurum ödemesi (istisna: {reason})"),
                (Payer::Institution, _) => "Kurum ödemesi".to_owned(),
            })
        }
        None => None,
    };
    render(&ShowPage {
        page,
        state: state_now,
        staff_name: staff.full_name(),
        tckn_masked: mask(&staff.tckn),
        staff_email: staff.email.clone(),
        unit,
        phone: crate::domain::phone::display(&r.phone),
        operator: operator_label(&r.operator).to_owned(),
        line_type: line_type_label(&r.line_type).to_owned(),
        reason: reason_label(&r.reason).to_owned(),
        hold_notice,
        steps,
        history,
        actions,
        reasons: Reason::ALL,
        docs_ways: DocsWay::ALL,
        now_local,
        open_other,
        payment,
        personal_pending,
        r,
    })
}

// ---------------------------------------------------------------- filing

#[derive(Template)]
#[template(path = "requests/new.html")]
struct NewPage {
    page: Page,
    staff: Vec<(i32, String, String)>,
    blocked: Vec<(String, i32)>,
    reasons: [Reason; 5],
    reason: String,
    note: String,
    kvkk: bool,
    token: String,
    errors: FormErrors,
}

/// Staff of the officer's units among `ids`, split into those that can get a
/// request and those with an open one (name, open request id).
type Selection = (Vec<(i32, String, String)>, Vec<(String, i32)>);

fn selection(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    ids: &[i32],
) -> Result<Selection, AppError> {
    let staff = db::staff::by_ids(conn, ids)?;
    if staff.len() != ids.len() || staff.iter().any(|s| !user.unit_ids.contains(&s.unit_id)) {
        return Err(AppError::NotFound);
    }
    let mut ok = Vec::new();
    let mut blocked = Vec::new();
    for s in staff {
        match db::requests::open_for_staff(conn, s.id)? {
            Some(open) => blocked.push((s.full_name(), open)),
            None => ok.push((s.id, s.full_name(), mask(&s.tckn))),
        }
    }
    ok.sort_by_cached_key(|(_, n, _)| crate::domain::text::sort_key(n));
    Ok((ok, blocked))
}

fn selected_ids(f: &FormData) -> Vec<i32> {
    let mut ids: Vec<i32> = f
        .all("personel")
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

pub async fn new_form(
    state: web::Data<AppState>,
    page: Page,
    user: CurrentUser,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let form = FormData::new(pairs);
    let ids = selected_ids(&form);
    let reason = Reason::from_code(form.get("gerekce")).unwrap_or(Reason::FirstApplication);
    if ids.is_empty() {
        return Ok(see_other(super::paths::STAFF_LIST));
    }
    let (staff, blocked) = state.db(move |conn| selection(conn, &user, &ids)).await?;
    render(&NewPage {
        page,
        staff,
        blocked,
        reasons: Reason::ALL,
        reason: reason.code().into(),
        note: String::new(),
        kvkk: false,
        token: random_token(),
        errors: FormErrors::default(),
    })
}

enum Filed {
    Created(Vec<i32>),
    Blocked(Vec<(String, i32)>),
    Refused(String),
}

/// Renewal ("Yenileme") may be filed when 3 months or less remain of an
/// active signature (Kamu SM's kurumsal ek başvuru).
fn renewal_allowed(
    conn: &mut AnyConnection,
    staff_id: i32,
    now: NaiveDateTime,
) -> Result<Result<(), String>, AppError> {
    let active = db::contact::live_requests(conn, staff_id)?
        .into_iter()
        .find(|r| r.state == State::Active.code());
    let Some(until) = active.and_then(|r| r.valid_until) else {
        return Ok(Err(
            "Yenilenecek aktif bir mobil imza yok; ilk başvuru olarak açın.".into(),
        ));
    };
    let opens = until.checked_sub_months(Months::new(3)).unwrap_or(until);
    if now < opens {
        return Ok(Err(format!(
            "Yenileme, geçerlilik bitimine 3 ay kala ({}) başlatılabilir; bitiş {}.",
            format_local(opens),
            format_local(until)
        )));
    }
    Ok(Ok(()))
}

pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    page: Page,
    session: TypedSession,
    user: CurrentUser,
    f: FormData,
) -> Result<HttpResponse, AppError> {
    let ids = selected_ids(&f);
    let send = f.get("gonder") == "1";
    let reason = Reason::from_code(f.get("reason"));
    let note = parse_note(f.get("note"));
    let kvkk = f.checked("kvkk");
    let token: String = f
        .get("token")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(64)
        .collect();
    let mut errors = FormErrors::default();
    if ids.is_empty() {
        errors.add("personel", "En az bir personel seçin.");
    }
    if reason.is_none() {
        errors.add("reason", "Talep gerekçesini seçin.");
    }
    if let Err(m) = &note {
        errors.add("note", *m);
    }
    if send && !kvkk {
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
    let (u, ids2) = (user.clone(), ids.clone());
    if !errors.is_empty() {
        let (staff, blocked) = state.db(move |conn| selection(conn, &u, &ids2)).await?;
        let page = NewPage {
            page,
            staff,
            blocked,
            reasons: Reason::ALL,
            reason: f.get("reason").into(),
            note: f.get("note").into(),
            kvkk,
            token,
            errors,
        };
        return render_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (reason, note) = (reason.unwrap_or(Reason::Other), note.unwrap_or_default());
    let now = state.clock.now_naive();
    let ip = AuditActor::of(&user, &req).ip;
    let (tok, note2) = (token.clone(), note.clone());
    let filed = state
        .db(move |conn| {
            db::transaction(conn, |conn| {
                // A repeated submission of the same form (double click, retry)
                // finds what the first one created; checked under the write
                // lock so the second never sees the first's request as "open".
                let existing = db::requests::find_by_form_token(conn, &format!("{tok}:"))?;
                if !existing.is_empty() {
                    return Ok(Filed::Created(existing));
                }
                let (ok, blocked) = selection(conn, &u, &ids2)?;
                if reason == Reason::Renewal {
                    for (staff_id, name, _) in &ok {
                        if let Err(msg) = renewal_allowed(conn, *staff_id, now)? {
                            return Ok(Filed::Refused(format!("{name}: {msg}")));
                        }
                    }
                }
                if !blocked.is_empty() {
                    // On PostgreSQL a twin submission may have committed
                    // between the token check and here: what blocks us may
                    // be our own form's request.
                    let existing = db::requests::find_by_form_token(conn, &format!("{tok}:"))?;
                    if !existing.is_empty() {
                        return Ok(Filed::Created(existing));
                    }
                    return Ok(Filed::Blocked(blocked));
                }
                let mut created = Vec::new();
                for (staff_id, _, _) in ok {
                    let s = db::staff::find(conn, staff_id)?.ok_or(AppError::NotFound)?;
                    let form_token = format!("{tok}:{staff_id}");
                    let state_code = if send {
                        State::Submitted.code()
                    } else {
                        State::Draft.code()
                    };
                    let id = db::requests::insert(
                        conn,
                        &db::requests::NewRequest {
                            staff_id,
                            unit_id: s.unit_id,
                            state: state_code,
                            reason: reason.code(),
                            note: &note2,
                            kvkk_ack: kvkk,
                            phone: &s.phone,
                            operator: &s.operator,
                            line_type: &s.line_type,
                            created_by: u.id,
                            created_at: now,
                            updated_at: now,
                            submitted_at: send.then_some(now),
                            form_token: Some(&form_token),
                        },
                    )?;
                    let h = HistoryEntry {
                        at: now,
                        actor_id: Some(u.id),
                        action: "create",
                        from_state: "draft",
                        to_state: "draft",
                        note: "",
                    };
                    db::requests::add_history(conn, id, &h)?;
                    if send {
                        let h = HistoryEntry {
                            action: Action::Submit.code(),
                            to_state: state_code,
                            ..h
                        };
                        db::requests::add_history(conn, id, &h)?;
                    }
                    db::audit::record(
                        conn,
                        &AuditEntry {
                            at: now,
                            actor_id: Some(u.id),
                            action: "request.create",
                            target: &format!("request:{id}"),
                            detail: state_code,
                            ip: &ip,
                        },
                    )?;
                    created.push(id);
                }
                Ok::<_, AppError>(Filed::Created(created))
            })
        })
        .await;
    let filed = match filed {
        // Two identical submissions racing: the unique form token stops the
        // second; show what the first created.
        Err(AppError::Internal(e)) if is_unique_violation(&e) => {
            let tok = token.clone();
            Filed::Created(
                state
                    .db(move |conn| Ok(db::requests::find_by_form_token(conn, &format!("{tok}:"))?))
                    .await?,
            )
        }
        other => other?,
    };
    match filed {
        Filed::Created(ids) if ids.len() == 1 => {
            session.flash(
                FlashKind::Success,
                if send {
                    "Talep gönderildi."
                } else {
                    "Talep taslak olarak kaydedildi."
                },
            );
            Ok(see_other(&super::paths::request(ids[0])))
        }
        Filed::Created(ids) => {
            session.flash(
                FlashKind::Success,
                format!(
                    "{} talep {}.",
                    ids.len(),
                    if send {
                        "gönderildi"
                    } else {
                        "taslak olarak kaydedildi"
                    }
                ),
            );
            Ok(see_other(super::paths::REQUESTS))
        }
        Filed::Refused(msg) => {
            let (staff, blocked) = state.db(move |conn| selection(conn, &user, &ids)).await?;
            let mut errors = FormErrors::default();
            errors.add("reason", msg);
            let page = NewPage {
                page,
                staff,
                blocked,
                reasons: Reason::ALL,
                reason: reason.code().into(),
                note,
                kvkk,
                token: random_token(),
                errors,
            };
            render_status(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Filed::Blocked(blocked) => {
            let (staff, _) = state.db(move |conn| selection(conn, &user, &ids)).await?;
            let mut errors = FormErrors::default();
            errors.add(
                "personel",
                "Seçilen personelden bazılarının açık talebi var; önce o talepleri sonuçlandırın.",
            );
            let page = NewPage {
                page,
                staff,
                blocked,
                reasons: Reason::ALL,
                reason: reason.code().into(),
                note,
                kvkk,
                token: random_token(),
                errors,
            };
            render_status(&page, StatusCode::CONFLICT)
        }
    }
}

fn is_unique_violation(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<diesel::result::Error>(),
        Some(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _
        ))
    )
}

/// A transition made by the system on behalf of `actor_id` (a contact change,
/// a scheduled job): the same table, history, version and audit as a user's
/// action. Call inside a transaction. Returns the new state, or None if the
/// table does not allow it in the request's state.
pub fn system_transition(
    conn: &mut AnyConnection,
    req: &Request,
    action: Action,
    note: &str,
    actor_id: Option<i32>,
    ip: &str,
    now: NaiveDateTime,
) -> Result<Option<State>, AppError> {
    let state = State::from_code(&req.state)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("bad state {}", req.state)))?;
    let hold = hold_rule(conn)?;
    let facts = Facts {
        note_given: !note.is_empty(),
        ..Default::default()
    };
    let Ok(Decision { to, .. }) = decide(state, action, &[Actor::System], &facts, &hold, now)
    else {
        return Ok(None);
    };
    let mut update = RequestUpdate {
        state: Some(to.code().into()),
        updated_at: Some(now),
        ..Default::default()
    };
    if action == Action::Invalidate || action == Action::Expire {
        update.ended_at = Some(now);
    }
    let entry = HistoryEntry {
        at: now,
        actor_id,
        action: action.code(),
        from_state: state.code(),
        to_state: to.code(),
        note,
    };
    if !db::requests::apply(conn, req.id, req.version, &update, &entry)? {
        return Err(AppError::Busy);
    }
    db::audit::record(
        conn,
        &AuditEntry {
            at: now,
            actor_id,
            action: &format!("request.{}", action.code()),
            target: &format!("request:{}", req.id),
            detail: note,
            ip,
        },
    )?;
    Ok(Some(to))
}
