//! Requests: filing (one staff member or many at once), every state change
//! through the one transition table, and what the request page shows. Each
//! change is one transaction: state, facts, version, history, audit (and the
//! certificate fee at production).

use chrono::{Months, NaiveDateTime};

use super::{Actor, Outcome, ServiceError, ServiceResult, audit};
use crate::db::{
    self, AnyConnection, fees::FeeAccrual, requests::CREATED, requests::HistoryEntry,
    requests::HistoryRow, requests::Request, requests::RequestUpdate, staff::Staff,
};
use crate::domain::audit::{AuditAction, target};
use crate::domain::fees::{Accrual, certificate_fee};
use crate::domain::hold::HoldRule;
use crate::domain::request::{DocsWay, Reason};
use crate::domain::tckn::mask;
use crate::domain::text::sort_key;
use crate::domain::time::{format_local, local_day, parse_local_date, parse_local_datetime};
use crate::domain::workflow::{self, Action, Decision, Facts, Refusal, State, decide};

/// What an action form says; fields an action does not use are ignored.
#[derive(Debug, Clone)]
pub struct ActionInput {
    pub action: Action,
    /// The version of the request the user saw.
    pub version: i32,
    /// The note as typed (trimmed and bounded here).
    pub note: String,
    pub reason: Option<Reason>,
    pub kvkk: bool,
    pub docs_way: Option<DocsWay>,
    pub docs_ref: String,
    /// `yyyy-mm-dd`, or empty for today.
    pub docs_date: String,
    /// `yyyy-mm-ddTHH:MM` Istanbul time, or empty for now.
    pub sms_at: String,
    pub serial: String,
    /// Forward into this batch (bulk forwarding); `None` opens a new one.
    pub batch_id: Option<i32>,
}

impl ActionInput {
    pub fn new(action: Action, version: i32) -> Self {
        Self {
            action,
            version,
            note: String::new(),
            reason: None,
            kvkk: false,
            docs_way: None,
            docs_ref: String::new(),
            docs_date: String::new(),
            sms_at: String::new(),
            serial: String::new(),
            batch_id: None,
        }
    }
}

/// The request with its staff member, if `actor` may see it.
fn visible(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i32,
) -> ServiceResult<Option<(Request, Staff)>> {
    let Some(req) = db::requests::find(conn, id)? else {
        return Ok(None);
    };
    let staff = db::staff::find(conn, req.staff_id)?
        .ok_or_else(|| ServiceError::internal(anyhow::anyhow!("request {id} without staff")))?;
    Ok(actor
        .can_view_request(req.unit_id, &staff.email)
        .then_some((req, staff)))
}

/// Runs one action on one request in its own transaction: visibility, the
/// transition table, the version the user saw, then everything it writes.
pub fn act(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i32,
    input: &ActionInput,
    now: NaiveDateTime,
) -> ServiceResult<Outcome<State>> {
    db::transaction(conn, |conn| {
        let Some((req, staff)) = visible(conn, actor, id)? else {
            return Ok(Outcome::NotFound);
        };
        let actors = actor.workflow_actors(req.unit_id, &staff.email);
        transition(conn, actor, &actors, &req, input, now)
    })
}

/// [`act`] inside the caller's transaction: a cover letter records the
/// documents step on each of its requests, all in the letter's one
/// transaction (`service::cover_letters`).
pub(super) fn act_within(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i32,
    input: &ActionInput,
    now: NaiveDateTime,
) -> ServiceResult<Outcome<State>> {
    let Some((req, staff)) = visible(conn, actor, id)? else {
        return Ok(Outcome::NotFound);
    };
    let actors = actor.workflow_actors(req.unit_id, &staff.email);
    transition(conn, actor, &actors, &req, input, now)
}

fn facts_of(req: &Request, note: &str) -> Facts {
    Facts {
        kvkk_ack: req.kvkk_ack,
        note_given: !note.is_empty(),
        serial_given: req.certificate_serial.is_some(),
        form_emailed: req.form_emailed_at.is_some(),
        form_signed: req.form_signed_at.is_some(),
        docs_sent: req.docs_sent_at.is_some(),
        docs_received: req.docs_received_at.is_some(),
        sms_at: req.sms_at,
        produced_at: req.produced_at,
    }
}

/// What an action writes besides the state, and its line in the history.
struct Change {
    update: RequestUpdate,
    facts: Facts,
    note: String,
}

/// Reads the action's own fields from the input. `Err` is a Turkish message.
fn prepare(req: &Request, input: &ActionInput, now: NaiveDateTime) -> Result<Change, String> {
    let note = crate::domain::request::parse_note(&input.note).map_err(str::to_owned)?;
    let mut c = Change {
        update: RequestUpdate {
            updated_at: Some(now),
            ..Default::default()
        },
        facts: facts_of(req, &note),
        note: note.clone(),
    };
    match input.action {
        Action::Submit => {
            let reason = input.reason.ok_or("Talep gerekçesini seçin.")?;
            c.facts.kvkk_ack = input.kvkk;
            c.update.reason = Some(reason);
            c.update.note = Some(note);
            c.update.kvkk_ack = Some(input.kvkk);
            c.update.submitted_at = Some(now);
        }
        Action::RecordDocsSent => {
            let (way, reference, date) = docs_sent(input, now)?;
            c.update.docs_way = Some(way);
            c.update.docs_ref = Some(reference.clone());
            c.update.docs_sent_at = Some(date);
            c.note = format!("{}, sayı/referans: {reference}", way.label());
        }
        Action::RecordSms => {
            let at = sms_time(input, now)?;
            c.update.sms_at = Some(at);
            c.note = format!("SMS zamanı: {}", format_local(at));
        }
        Action::Produce => {
            let serial = input.serial.trim();
            c.facts.serial_given = !serial.is_empty() && serial.chars().count() <= 64;
            c.update.certificate_serial = Some(serial.into());
            c.update.produced_at = Some(now);
            c.update.valid_until = now.checked_add_months(Months::new(36));
            c.note = format!("Seri no: {serial}");
        }
        Action::Activate => c.update.activated_at = Some(now),
        // Leaving `active` ends billing from the month after.
        Action::Revoke | Action::Invalidate | Action::Expire => c.update.ended_at = Some(now),
        Action::RecordFormEmailed => c.update.form_emailed_at = Some(now),
        Action::RecordFormSigned => c.update.form_signed_at = Some(now),
        Action::RecordDocsReceived => c.update.docs_received_at = Some(now),
        Action::ReportNotMine => {
            c.update.not_mine_at = Some(now);
            c.update.flagged = Some(true);
        }
        Action::GrantPayerException => c.update.payer_exception = Some(note),
        _ => {}
    }
    Ok(c)
}

fn docs_sent(
    input: &ActionInput,
    now: NaiveDateTime,
) -> Result<(DocsWay, String, NaiveDateTime), String> {
    let reference = input.docs_ref.trim();
    let date = if input.docs_date.trim().is_empty() {
        Some(now)
    } else {
        parse_local_date(&input.docs_date)
    };
    match (input.docs_way, date) {
        (Some(way), Some(date))
            if !reference.is_empty()
                && reference.chars().count() <= 100
                && date <= now + chrono::Duration::hours(12) =>
        {
            Ok((way, reference.to_owned(), date))
        }
        _ => Err(
            "Gönderim yolunu (KEP, üst yazı/posta, elden), evrak sayısını/referans numarasını ve \
             geçmiş ya da bugünkü bir tarihi girin."
                .into(),
        ),
    }
}

fn sms_time(input: &ActionInput, now: NaiveDateTime) -> Result<NaiveDateTime, String> {
    let at = if input.sms_at.trim().is_empty() {
        Some(now)
    } else {
        parse_local_datetime(&input.sms_at)
    };
    match at {
        Some(at) if at <= now => Ok(at),
        Some(_) => Err("SMS zamanı ileri bir tarih olamaz.".into()),
        None => Err("SMS zamanını gg.aa.yyyy ss:dd biçiminde girin.".into()),
    }
}

/// The certificate fee at production, at the rates in force that day;
/// without a defined fee production is refused, not guessed.
fn accrue(
    conn: &mut AnyConnection,
    req: &Request,
    now: NaiveDateTime,
) -> ServiceResult<Result<Accrual, String>> {
    let fees = db::fees::fee_periods(conn, req.operator)?;
    let kdv = db::fees::kdv_periods(conn)?;
    let paid = db::fees::institution_paid_days(conn, req.staff_id)?;
    Ok(certificate_fee(
        &fees,
        &kdv,
        &paid,
        req.payer_exception.is_some(),
        local_day(now),
    )
    .map_err(|e| e.message()))
}

/// The one path of every user action: role first (403), then the version
/// the user saw (a form older than the row is said as such rather than
/// judged against a state the user never saw), then state and preconditions.
/// Call inside a transaction.
fn transition(
    conn: &mut AnyConnection,
    actor: &Actor,
    actors: &[workflow::Actor],
    req: &Request,
    input: &ActionInput,
    now: NaiveDateTime,
) -> ServiceResult<Outcome<State>> {
    let action = input.action;
    let mut change = match prepare(req, input, now) {
        Ok(c) => c,
        Err(m) => return Ok(Outcome::Refused(m)),
    };
    let hold = db::settings::hold_rule(conn)?;
    let decision = decide(req.state, action, actors, &change.facts, &hold, now);
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
    let accrual = if action == Action::Produce {
        match accrue(conn, req, now)? {
            Ok(a) => {
                change.note = format!(
                    "{} · ücret {} ({})",
                    change.note,
                    a.vat.gross,
                    a.payer.label()
                );
                Some(a)
            }
            Err(m) => return Ok(Outcome::Refused(m)),
        }
    } else {
        None
    };
    if action == Action::Forward {
        let batch = match input.batch_id {
            Some(b) => b,
            None => db::batches::create(conn, actor.id.unwrap_or_default(), now)?,
        };
        change.update.batch_id = Some(batch);
        change.note = format!("Parti no {batch}");
    }
    change.update.state = Some(to);
    if !write(
        conn,
        actor,
        req,
        action,
        to,
        &change.update,
        &change.note,
        now,
    )? {
        return Ok(Outcome::Stale);
    }
    if action == Action::Activate {
        db::staff::set_has_signature(conn, req.staff_id, true, now)?;
    }
    mail_after(conn, req.id, action, &change.note, now)?;
    if let Some(accrual) = &accrual {
        db::fees::insert(
            conn,
            &db::fees::NewAccrual {
                request_id: req.id,
                staff_id: req.staff_id,
                unit_id: req.unit_id,
                operator: req.operator,
                accrual,
                exception_reason: req.payer_exception.as_deref(),
                now,
            },
        )?;
    }
    Ok(Outcome::Done(to))
}

/// Queues the mail a change causes, from the request as it now is.
fn mail_after(
    conn: &mut AnyConnection,
    id: i32,
    action: Action,
    note: &str,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    if let Some(now_req) = db::requests::find(conn, id)? {
        super::mail::on_transition(conn, &now_req, action, note, now)?;
    }
    Ok(())
}

/// State and facts (if the row still has the version read), history, audit.
#[allow(clippy::too_many_arguments)]
fn write(
    conn: &mut AnyConnection,
    actor: &Actor,
    req: &Request,
    action: Action,
    to: State,
    update: &RequestUpdate,
    note: &str,
    now: NaiveDateTime,
) -> ServiceResult<bool> {
    let entry = HistoryEntry {
        at: now,
        actor_id: actor.id,
        action: action.code(),
        from_state: req.state,
        to_state: to,
        note,
    };
    if !db::requests::apply(conn, req.id, req.version, update, &entry)? {
        return Ok(false);
    }
    let target = target("request", req.id);
    audit(
        conn,
        actor,
        AuditAction::Request(action),
        &target,
        note,
        now,
    )?;
    Ok(true)
}

/// A transition made by the system on behalf of `actor` (a contact change,
/// a scheduled job): the table's `System` rows, with the same history,
/// version and audit as a user's action. Call inside a transaction. Returns
/// the new state, or `None` if the table does not allow it in this state.
pub fn system_transition(
    conn: &mut AnyConnection,
    actor: &Actor,
    req: &Request,
    action: Action,
    note: &str,
    now: NaiveDateTime,
) -> ServiceResult<Option<State>> {
    let hold = db::settings::hold_rule(conn)?;
    let facts = Facts {
        note_given: !note.is_empty(),
        ..Default::default()
    };
    let system = [workflow::Actor::System];
    let Ok(Decision { to, .. }) = decide(req.state, action, &system, &facts, &hold, now) else {
        return Ok(None);
    };
    let mut update = RequestUpdate {
        state: Some(to),
        updated_at: Some(now),
        ..Default::default()
    };
    if action == Action::Invalidate || action == Action::Expire {
        update.ended_at = Some(now);
    }
    if !write(conn, actor, req, action, to, &update, note, now)? {
        return Err(ServiceError::Busy);
    }
    mail_after(conn, req.id, action, note, now)?;
    Ok(Some(to))
}

// ---------------------------------------------------------------- filing

/// A staff member a request can be filed for: id, name, masked T.C.
pub type Candidate = (i32, String, String);

/// Who among the selected staff can get a request, and who has an open one
/// already (name, open request id).
pub type Selection = (Vec<Candidate>, Vec<(String, i32)>);

/// Staff of the officer's units among `ids`: those who can get a request,
/// and those who have an open one (name, open request id). `None` if any id
/// is unknown or outside the actor's units.
pub fn selection(
    conn: &mut AnyConnection,
    actor: &Actor,
    ids: &[i32],
) -> ServiceResult<Option<Selection>> {
    let staff = db::staff::by_ids(conn, ids)?;
    // Anonymised records (KVKK retention) get no new request: they are
    // as unknown here as another unit's.
    let reachable = |s: &db::staff::Staff| {
        actor.unit_ids.contains(&s.unit_id) && !crate::domain::kvkk::is_anonymised(&s.tckn)
    };
    if staff.len() != ids.len() || !staff.iter().all(reachable) {
        return Ok(None);
    }
    let mut ok = Vec::new();
    let mut blocked = Vec::new();
    for s in staff {
        match db::requests::open_for_staff(conn, s.id)? {
            Some(open) => blocked.push((s.full_name(), open)),
            None => ok.push((s.id, s.full_name(), mask(&s.tckn))),
        }
    }
    ok.sort_by_cached_key(|(_, n, _)| sort_key(n));
    Ok(Some((ok, blocked)))
}

/// What a filing form says.
#[derive(Debug, Clone)]
pub struct FileInput {
    pub staff_ids: Vec<i32>,
    pub reason: Reason,
    pub note: String,
    pub kvkk: bool,
    /// Submit at once (`Draft → Submitted`) rather than keep a draft.
    pub submit: bool,
    /// The form's one-time token: a repeated submission finds what the
    /// first one created instead of filing twice.
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filed {
    Created(Vec<i32>),
    /// Some of the staff have an open request (name, request id).
    Blocked(Vec<(String, i32)>),
}

/// Files one request per selected staff member in one transaction: each is
/// created as a draft and, if asked, submitted through the transition table
/// (whose precondition is the KVKK acknowledgement). All or nothing.
pub fn file(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: &FileInput,
    now: NaiveDateTime,
) -> ServiceResult<Outcome<Filed>> {
    let prefix = format!("{}:", input.token);
    let result = db::transaction(conn, |conn| file_all(conn, actor, input, &prefix, now));
    match result {
        Ok(outcome) => Ok(outcome),
        Err(Abort::Refused(m)) => Ok(Outcome::Refused(m)),
        // Two identical submissions racing: the unique form token stops the
        // second; show what the first created.
        Err(Abort::Fault(ServiceError::Internal(e))) if is_unique_violation(&e) => {
            Ok(Outcome::Done(Filed::Created(
                db::requests::find_by_form_token(conn, &prefix)?,
            )))
        }
        Err(Abort::Fault(e)) => Err(e),
    }
}

/// Why a filing transaction rolled back.
enum Abort {
    Refused(String),
    Fault(ServiceError),
}

impl<E: Into<ServiceError>> From<E> for Abort {
    fn from(e: E) -> Self {
        Abort::Fault(e.into())
    }
}

fn file_all(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: &FileInput,
    prefix: &str,
    now: NaiveDateTime,
) -> Result<Outcome<Filed>, Abort> {
    // Checked under the write lock, so a second submission never sees the
    // first one's request as "open".
    let existing = db::requests::find_by_form_token(conn, prefix)?;
    if !existing.is_empty() {
        return Ok(Outcome::Done(Filed::Created(existing)));
    }
    let Some((ok, blocked)) = selection(conn, actor, &input.staff_ids)? else {
        return Ok(Outcome::NotFound);
    };
    if input.reason == Reason::Renewal {
        for (staff_id, name, _) in &ok {
            if let Err(msg) = renewal_allowed(conn, *staff_id, now)? {
                return Err(Abort::Refused(format!("{name}: {msg}")));
            }
        }
    }
    if !blocked.is_empty() {
        // On PostgreSQL a twin submission may have committed between the
        // token check and here: what blocks us may be our own form's request.
        let existing = db::requests::find_by_form_token(conn, prefix)?;
        if !existing.is_empty() {
            return Ok(Outcome::Done(Filed::Created(existing)));
        }
        return Ok(Outcome::Done(Filed::Blocked(blocked)));
    }
    let mut created = Vec::new();
    for (staff_id, _, _) in ok {
        created.push(file_one(conn, actor, input, staff_id, now)?);
    }
    Ok(Outcome::Done(Filed::Created(created)))
}

fn file_one(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: &FileInput,
    staff_id: i32,
    now: NaiveDateTime,
) -> Result<i32, Abort> {
    let s = db::staff::find(conn, staff_id)?
        .ok_or_else(|| ServiceError::internal(anyhow::anyhow!("staff {staff_id} vanished")))?;
    let note =
        crate::domain::request::parse_note(&input.note).map_err(|m| Abort::Refused(m.into()))?;
    let form_token = format!("{}:{staff_id}", input.token);
    let id = db::requests::insert(
        conn,
        &db::requests::NewRequest {
            staff_id,
            unit_id: s.unit_id,
            state: State::Draft,
            reason: input.reason,
            note: &note,
            kvkk_ack: input.kvkk,
            phone: &s.phone,
            operator: s.operator,
            line_type: s.line_type,
            created_by: actor.id.unwrap_or_default(),
            created_at: now,
            updated_at: now,
            submitted_at: None,
            form_token: Some(&form_token),
        },
    )?;
    let created = HistoryEntry {
        at: now,
        actor_id: actor.id,
        action: CREATED,
        from_state: State::Draft,
        to_state: State::Draft,
        note: "",
    };
    db::requests::add_history(conn, id, &created)?;
    let target = target("request", id);
    audit(
        conn,
        actor,
        AuditAction::RequestCreated,
        &target,
        State::Draft.label(),
        now,
    )?;
    if input.submit {
        let req = db::requests::find(conn, id)?
            .ok_or_else(|| ServiceError::internal(anyhow::anyhow!("request {id} vanished")))?;
        let submit = ActionInput {
            reason: Some(input.reason),
            note: note.clone(),
            kvkk: input.kvkk,
            ..ActionInput::new(Action::Submit, req.version)
        };
        let actors = actor.workflow_actors(req.unit_id, &s.email);
        match transition(conn, actor, &actors, &req, &submit, now)? {
            Outcome::Done(_) => {}
            Outcome::Refused(m) | Outcome::Forbidden(m) => return Err(Abort::Refused(m)),
            Outcome::Stale | Outcome::NotFound => return Err(ServiceError::Busy.into()),
        }
    }
    Ok(id)
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

/// Renewal ("Yenileme") may be filed when 3 months or less remain of an
/// active signature (Kamu SM's kurumsal ek başvuru).
fn renewal_allowed(
    conn: &mut AnyConnection,
    staff_id: i32,
    now: NaiveDateTime,
) -> ServiceResult<Result<(), String>> {
    let active = db::contact::live_requests(conn, staff_id)?
        .into_iter()
        .find(|r| r.state == State::Active);
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

// ---------------------------------------------------------------- the page

/// Everything the request page shows.
pub struct RequestPage {
    pub request: Request,
    pub staff: Staff,
    pub unit: String,
    pub history: Vec<HistoryRow>,
    pub hold: HoldRule,
    /// Another open request of the same staff member.
    pub open_other: Option<i32>,
    pub fee: Option<FeeAccrual>,
    /// Days of the staff member's institution-paid certificates.
    pub paid: Vec<chrono::NaiveDate>,
    /// The actions this actor can take now (what the form supplies is
    /// checked, and explained, when submitted).
    pub actions: Vec<Action>,
    /// What the request waits for, and from whom.
    pub awaited: Option<&'static str>,
    /// "İstek bildir" threads about this request that the actor sees.
    pub threads: Vec<crate::db::threads::ThreadLine>,
    /// Whether the actor may ask about it ("Soru sor / bildir").
    pub can_ask: bool,
}

pub fn page(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i32,
    now: NaiveDateTime,
) -> ServiceResult<Option<RequestPage>> {
    let Some((request, staff)) = visible(conn, actor, id)? else {
        return Ok(None);
    };
    let unit = db::units::find(conn, request.unit_id)?
        .map(|x| x.name)
        .unwrap_or_default();
    let hold = db::settings::hold_rule(conn)?;
    let actors = actor.workflow_actors(request.unit_id, &staff.email);
    let facts = facts_of(&request, "");
    let actions = Action::ALL
        .into_iter()
        .filter(|a| workflow::offered(request.state, *a, &actors, &facts, &hold, now))
        // Forwarding happens in batches, from the queue.
        .filter(|a| *a != Action::Forward)
        .collect();
    let awaited = workflow::awaited(request.state, &facts, &hold, now);
    Ok(Some(RequestPage {
        threads: super::threads::about_request(conn, actor, id)?,
        can_ask: super::threads::may_ask_about(conn, actor, id)?,
        history: db::requests::history(conn, id)?,
        open_other: db::requests::open_for_staff(conn, request.staff_id)?.filter(|o| *o != id),
        fee: db::fees::for_request(conn, id)?,
        paid: db::fees::institution_paid_days(conn, request.staff_id)?,
        request,
        staff,
        unit,
        awaited,
        hold,
        actions,
    }))
}

// ---------------------------------------------------------------- bulk

/// What a bulk action did: how many requests changed, a Turkish line per
/// request that did not, and the batch a forward opened.
#[derive(Debug, Default)]
pub struct Bulk {
    pub done: usize,
    pub failed: Vec<String>,
    pub batch_id: Option<i32>,
}

/// One action on each selected request (`(id, version)`), each on its own.
/// A forward puts them all into one new batch: the batch and its requests
/// land together, or not at all.
pub fn bulk(
    conn: &mut AnyConnection,
    actor: &Actor,
    selected: &[(i32, i32)],
    template: &ActionInput,
    now: NaiveDateTime,
) -> ServiceResult<Bulk> {
    if template.action != Action::Forward {
        return each(conn, actor, selected, template, now);
    }
    let forwarded = db::transaction(conn, |conn| {
        let batch_id = db::batches::create(conn, actor.id.unwrap_or_default(), now)?;
        let input = ActionInput {
            batch_id: Some(batch_id),
            ..template.clone()
        };
        let run = each(conn, actor, selected, &input, now)?;
        if run.done == 0 {
            return Err(Abort::Refused(String::new()));
        }
        Ok(Bulk {
            batch_id: Some(batch_id),
            ..run
        })
    });
    match forwarded {
        Ok(run) => Ok(run),
        Err(Abort::Refused(_)) => Ok(Bulk {
            failed: vec!["Seçilen taleplerin hiçbiri iletilemedi.".into()],
            ..Bulk::default()
        }),
        Err(Abort::Fault(e)) => Err(e),
    }
}

fn each(
    conn: &mut AnyConnection,
    actor: &Actor,
    selected: &[(i32, i32)],
    template: &ActionInput,
    now: NaiveDateTime,
) -> ServiceResult<Bulk> {
    let mut out = Bulk::default();
    for (id, version) in selected {
        let input = ActionInput {
            version: *version,
            ..template.clone()
        };
        match act(conn, actor, *id, &input, now)? {
            Outcome::Done(_) => out.done += 1,
            Outcome::Stale => out.failed.push(format!("#{id}: {}", super::STALE)),
            Outcome::NotFound => out.failed.push(format!("#{id}: talep bulunamadı.")),
            Outcome::Forbidden(m) | Outcome::Refused(m) => out.failed.push(format!("#{id}: {m}")),
        }
    }
    Ok(out)
}
