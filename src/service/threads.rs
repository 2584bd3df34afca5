//! "İstek bildir": officers and staff ask the e-İmza Şefliği (a question, a
//! problem, a change of their information), optionally about one request or
//! staff member; reviewers answer from their inbox, take a thread and close
//! it. The asker is mailed (outbox) when answered.
//!
//! Who sees a thread: reviewers every one (they are the Şefliği); officers
//! those of their units; the asker their own. Others get "not found". Every
//! change is one transaction with its audit row.

use chrono::NaiveDateTime;

use super::mail::{Queued, absolute, queue};
use super::{Actor, Outcome, ServiceError, ServiceResult, audit};
use crate::db::requests::Cursor;
use crate::db::threads::{
    MessageRow, NewMessage, NewThread, Reach, Thread, ThreadFilter, ThreadLine,
};
use crate::db::{self, AnyConnection};
use crate::domain::audit::{AuditAction, change_or_same, target};
use crate::domain::mail::Letter;
use crate::domain::role::Role;
use crate::domain::staff::search_key;
use crate::domain::thread::{
    Category, OPEN_PER_ASKER, Side, ThreadAction, ThreadState, after_message,
};

/// The message for a thread changed since the reviewer saw it.
pub const STALE_THREAD: &str =
    "Bu bildirim sizden önce değiştirildi; sayfayı yenileyip güncel durumu görün.";

/// Whether the actor may open threads at all: officers and staff.
pub fn may_ask(actor: &Actor) -> bool {
    actor.has(Role::Officer) || actor.has(Role::Staff)
}

/// Whether the actor sees `t`.
fn sees(actor: &Actor, t: &Thread) -> bool {
    actor.has(Role::Reviewer)
        || (actor.has(Role::Officer) && t.unit_id.is_some_and(|u| actor.unit_ids.contains(&u)))
        || (may_ask(actor) && actor.id == Some(t.asker_id))
}

/// Which side the actor writes for on a thread they see: the asker is the
/// asking side, a reviewer the Şefliği, an officer of the unit the asking side.
fn side_of(actor: &Actor, t: &Thread) -> Side {
    if actor.id != Some(t.asker_id) && actor.has(Role::Reviewer) {
        Side::Reviewer
    } else {
        Side::Asker
    }
}

/// Whose threads the actor's own list shows: their units' and their own.
fn reach_of(actor: &Actor) -> Reach {
    Reach {
        unit_ids: if actor.has(Role::Officer) {
            actor.unit_ids.clone()
        } else {
            Vec::new()
        },
        asker_id: actor.id,
    }
}

// ---------------------------------------------------------------- asking

/// What the new-thread form says, parsed.
#[derive(Debug, Clone)]
pub struct Ask {
    pub category: Category,
    pub subject: String,
    pub body: String,
    pub request_id: Option<i32>,
    pub staff_id: Option<i32>,
    /// The unit an officer of several units chose (nothing preselected).
    pub unit_id: Option<i32>,
    /// The form's one-time token: a repeated submission finds the first
    /// one's thread instead of opening another.
    pub token: String,
}

/// What a thread is about and whose unit it belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct About {
    pub unit_id: Option<i32>,
    pub request_id: Option<i32>,
    pub staff_id: Option<i32>,
    /// "Talep #12 — İlknur Yıldız" or "Personel: İlknur Yıldız".
    pub label: Option<String>,
}

/// What the new-thread form offers the actor: what the thread will be
/// about, and the units to choose from (an officer of several, nothing
/// preselected). `None`: the request or staff member is not theirs.
pub struct AskForm {
    pub about: About,
    pub units: Vec<(i32, String)>,
}

pub fn ask_form(
    conn: &mut AnyConnection,
    actor: &Actor,
    request_id: Option<i32>,
    staff_id: Option<i32>,
) -> ServiceResult<Option<AskForm>> {
    let Some(about) = about(conn, actor, request_id, staff_id, None)? else {
        return Ok(None);
    };
    let units = if about.unit_id.is_none() && actor.has(Role::Officer) {
        db::units::names(conn, &actor.unit_ids)?
    } else {
        Vec::new()
    };
    Ok(Some(AskForm { about, units }))
}

/// Resolves what a thread is about for this actor: a request of their
/// units (officers) or their own (staff); a staff member of their units;
/// or else the officer's chosen (or only) unit, or the staff member's own
/// record. `None` when the request or staff member is not theirs.
fn about(
    conn: &mut AnyConnection,
    actor: &Actor,
    request_id: Option<i32>,
    staff_id: Option<i32>,
    unit_id: Option<i32>,
) -> ServiceResult<Option<About>> {
    let officer_of = |unit: i32| actor.has(Role::Officer) && actor.unit_ids.contains(&unit);
    let own = |email: &str| actor.has(Role::Staff) && !email.is_empty() && email == actor.email;
    if let Some(rid) = request_id {
        let Some(req) = db::requests::find(conn, rid)? else {
            return Ok(None);
        };
        let Some(s) = db::staff::find(conn, req.staff_id)? else {
            return Ok(None);
        };
        if !officer_of(req.unit_id) && !own(&s.email) {
            return Ok(None);
        }
        return Ok(Some(About {
            unit_id: Some(req.unit_id),
            request_id: Some(rid),
            staff_id: Some(s.id),
            label: Some(format!("Talep #{rid} — {}", s.full_name())),
        }));
    }
    if let Some(sid) = staff_id {
        let Some(s) = db::staff::find(conn, sid)? else {
            return Ok(None);
        };
        if !officer_of(s.unit_id) && !own(&s.email) {
            return Ok(None);
        }
        return Ok(Some(About {
            unit_id: Some(s.unit_id),
            request_id: None,
            staff_id: Some(sid),
            label: Some(format!("Personel: {}", s.full_name())),
        }));
    }
    if actor.has(Role::Officer) {
        let chosen = match (unit_id, actor.unit_ids.as_slice()) {
            (Some(u), _) => Some(u).filter(|u| actor.unit_ids.contains(u)),
            (None, [only]) => Some(*only),
            _ => None,
        };
        return Ok(Some(About {
            unit_id: chosen,
            ..About::default()
        }));
    }
    // A staff member: their own record's unit, if they have one.
    let record = db::staff::find_by_email(conn, &actor.email)?;
    Ok(Some(About {
        unit_id: record.as_ref().map(|s| s.unit_id),
        staff_id: record.map(|s| s.id),
        ..About::default()
    }))
}

/// Opens a thread with its first message, audited: the new thread's id.
/// A second submission of the same form answers the first one's thread;
/// an account with [`OPEN_PER_ASKER`] threads not closed is refused.
pub fn open(
    conn: &mut AnyConnection,
    actor: &Actor,
    ask: &Ask,
    now: NaiveDateTime,
) -> ServiceResult<Outcome<i32>> {
    let Some(asker) = actor.id.filter(|_| may_ask(actor)) else {
        return Ok(Outcome::Forbidden(
            "Bildirimi yalnızca proje sorumluları ve personel açabilir.".into(),
        ));
    };
    db::transaction(conn, |conn| {
        // Under the asker's lock, so a twin submission sees the first thread.
        db::threads::lock_asker(conn, asker)?;
        if let Some(id) = db::threads::find_by_form_token(conn, &ask.token)? {
            return Ok(Outcome::Done(id));
        }
        let Some(about) = about(conn, actor, ask.request_id, ask.staff_id, ask.unit_id)? else {
            return Ok(Outcome::NotFound);
        };
        if actor.has(Role::Officer) && about.unit_id.is_none() {
            return Ok(Outcome::Refused(
                "Bildirimin hangi biriminiz için olduğunu seçin.".into(),
            ));
        }
        if db::threads::count_not_closed_by(conn, asker)? >= OPEN_PER_ASKER {
            return Ok(Outcome::Refused(format!(
                "Aynı anda en fazla {OPEN_PER_ASKER} açık bildiriminiz olabilir; yenisini \
                 açmak için önceki bildirimlerinizin kapatılmasını bekleyin."
            )));
        }
        let name = db::users::find(conn, asker)?
            .map(|u| u.name)
            .unwrap_or_default();
        let key = search_key(&format!("{} {name}", ask.subject));
        let id = db::threads::insert(
            conn,
            &NewThread {
                asker_id: asker,
                unit_id: about.unit_id,
                category: ask.category,
                subject: &ask.subject,
                request_id: about.request_id,
                staff_id: about.staff_id,
                state: ThreadState::Open,
                search_key: &key,
                message_count: 0,
                created_at: now,
                updated_at: now,
                form_token: Some(&ask.token),
            },
        )?;
        write_message(
            conn,
            id,
            asker,
            Side::Asker,
            &ask.body,
            ThreadState::Open,
            now,
        )?;
        let mut detail = format!("{} · Konu: {}", ask.category.label(), ask.subject);
        if let Some(label) = &about.label {
            detail.push_str(&format!(" · {label}"));
        }
        audit(
            conn,
            actor,
            AuditAction::ThreadOpened,
            &target("thread", id),
            &detail,
            now,
        )?;
        Ok(Outcome::Done(id))
    })
}

fn write_message(
    conn: &mut AnyConnection,
    thread_id: i32,
    author: i32,
    side: Side,
    body: &str,
    state: ThreadState,
    now: NaiveDateTime,
) -> ServiceResult<bool> {
    let key = search_key(body);
    let message = NewMessage {
        thread_id,
        author_id: author,
        from_reviewer: side == Side::Reviewer,
        body,
        search_key: &key,
        created_at: now,
    };
    Ok(db::threads::add_message(conn, &message, state)?)
}

// ---------------------------------------------------------------- replies

/// Writes a message on a thread the actor sees, audited: the thread's new
/// state. A reviewer's answer marks it answered and mails the asker; the
/// asking side's reply opens it again. The same text sent twice in a row by
/// the same person (a double click) is kept once.
pub fn reply(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i32,
    body: &str,
    now: NaiveDateTime,
) -> ServiceResult<Outcome<ThreadState>> {
    let Some(author) = actor.id else {
        return Ok(Outcome::NotFound);
    };
    db::transaction(conn, |conn| {
        let Some(t) = db::threads::find_locked(conn, id)?.filter(|t| sees(actor, t)) else {
            return Ok(Outcome::NotFound);
        };
        let side = side_of(actor, &t);
        let state = match after_message(t.state, t.message_count, side) {
            Ok(s) => s,
            Err(m) => return Ok(Outcome::Refused(m.into())),
        };
        if db::threads::last_message(conn, id)? == Some((author, body.to_owned())) {
            return Ok(Outcome::Done(t.state));
        }
        if !write_message(conn, id, author, side, body, state, now)? {
            return Ok(Outcome::Refused(
                "Bu bildirim daha fazla mesaj alamaz.".into(),
            ));
        }
        let who = match side {
            Side::Reviewer => "e-İmza Şefliği yanıtı",
            Side::Asker => "Soran tarafın mesajı",
        };
        let detail = format!(
            "{who} · {}",
            change_or_same("Durum", t.state.label(), state.label())
        );
        audit(
            conn,
            actor,
            AuditAction::ThreadReplied,
            &target("thread", id),
            &detail,
            now,
        )?;
        if side == Side::Reviewer {
            mail_answer(conn, &t, body, now)?;
        }
        Ok(Outcome::Done(state))
    })
}

/// The asker hears of an answer, with its text and a link (outbox).
fn mail_answer(
    conn: &mut AnyConnection,
    t: &Thread,
    body: &str,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    let Some((_, name, email)) = db::threads::people(conn, &[t.asker_id])?.into_iter().next()
    else {
        return Ok(());
    };
    let id = t.id;
    let mut short: String = t.subject.chars().take(60).collect();
    if t.subject.chars().count() > 60 {
        short.push('…');
    }
    let mut paragraphs = vec![format!(
        "Sayın {name}, e-İmza Şefliği #{id} numaralı \"{}\" konulu bildiriminizi yanıtladı:",
        t.subject
    )];
    paragraphs.extend(
        body.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned),
    );
    paragraphs
        .push("Yanıtın tamamını portalda görebilir, gerekirse oradan yanıt yazabilirsiniz.".into());
    let letter = Letter {
        subject: format!("Bildiriminiz yanıtlandı (#{id}): {short}"),
        paragraphs,
        items: Vec::new(),
        link: Some((
            format!("Bildirim #{id} sayfasını açın"),
            absolute(conn, &crate::paths::thread(id))?,
        )),
    };
    let q = Queued {
        to: &email,
        kind: "thread_answered",
        request_id: t.request_id,
        dedupe_key: None,
        due: None,
    };
    queue(conn, &q, &letter, now)?;
    Ok(())
}

// ---------------------------------------------------------------- actions

/// A reviewer's action on a thread seen at `version`, audited: "Üstlen"
/// assigns it to them, "Kapat" closes it.
pub fn act(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i32,
    action: Option<ThreadAction>,
    version: i32,
    now: NaiveDateTime,
) -> ServiceResult<Outcome<ThreadState>> {
    db::transaction(conn, |conn| {
        let Some(t) = db::threads::find_locked(conn, id)?.filter(|t| sees(actor, t)) else {
            return Ok(Outcome::NotFound);
        };
        if !actor.has(Role::Reviewer) {
            return Ok(Outcome::Forbidden(
                "Bildirimi yalnızca e-İmza Şefliği üstlenebilir ya da kapatabilir.".into(),
            ));
        }
        let Some(action) = action else {
            return Ok(Outcome::Refused("Bilinmeyen işlem.".into()));
        };
        if t.version != version {
            return Ok(Outcome::Refused(STALE_THREAD.into()));
        }
        let mine = t.assignee_id.is_some() && t.assignee_id == actor.id;
        let state = match action.apply(t.state, mine) {
            Ok(s) => s,
            Err(m) => return Ok(Outcome::Refused(m.into())),
        };
        let (assignee, what, detail) = match action {
            ThreadAction::Assign => (
                actor.id,
                AuditAction::ThreadAssigned,
                format!(
                    "Atanan: {} → {}",
                    assignee_name(conn, t.assignee_id)?,
                    assignee_name(conn, actor.id)?
                ),
            ),
            ThreadAction::Close => (
                t.assignee_id,
                AuditAction::ThreadClosed,
                change_or_same("Durum", t.state.label(), state.label()),
            ),
        };
        if !db::threads::set_state(conn, id, version, state, assignee, now)? {
            return Err(ServiceError::internal(anyhow::anyhow!(
                "thread {id} changed under its lock"
            )));
        }
        audit(conn, actor, what, &target("thread", id), &detail, now)?;
        Ok(Outcome::Done(state))
    })
}

fn assignee_name(conn: &mut AnyConnection, id: Option<i32>) -> ServiceResult<String> {
    Ok(match id {
        Some(id) => db::threads::people(conn, &[id])?
            .into_iter()
            .next()
            .map_or_else(|| format!("#{id}"), |(_, name, _)| name),
        None => "yok".into(),
    })
}

// ---------------------------------------------------------------- reading

/// One thread as its page shows it.
pub struct ThreadPage {
    pub thread: Thread,
    pub asker: String,
    pub unit: Option<String>,
    pub assignee: Option<String>,
    pub about: Option<String>,
    pub messages: Vec<MessageRow>,
    /// The actor may write a message now (the thread is not closed nor full).
    pub can_reply: bool,
    /// The actor writes for the e-İmza Şefliği.
    pub as_reviewer: bool,
    /// The actor's reviewer actions offered now.
    pub actions: Vec<ThreadAction>,
}

pub fn page(conn: &mut AnyConnection, actor: &Actor, id: i32) -> ServiceResult<Option<ThreadPage>> {
    let Some(t) = db::threads::find(conn, id)?.filter(|t| sees(actor, t)) else {
        return Ok(None);
    };
    let mut ids = vec![t.asker_id];
    ids.extend(t.assignee_id);
    let people = db::threads::people(conn, &ids)?;
    let name_of = |id: i32| {
        people
            .iter()
            .find(|(p, _, _)| *p == id)
            .map(|(_, n, _)| n.clone())
    };
    let unit = match t.unit_id {
        Some(u) => db::units::find(conn, u)?.map(|u| u.name),
        None => None,
    };
    let about = match (t.request_id, t.staff_id) {
        (Some(r), _) => Some(format!("Talep #{r}")),
        (None, Some(s)) => {
            db::staff::find(conn, s)?.map(|s| format!("Personel: {}", s.full_name()))
        }
        _ => None,
    };
    let side = side_of(actor, &t);
    let can_reply = after_message(t.state, t.message_count, side).is_ok();
    let mine = t.assignee_id.is_some() && t.assignee_id == actor.id;
    let actions = if actor.has(Role::Reviewer) {
        [ThreadAction::Assign, ThreadAction::Close]
            .into_iter()
            .filter(|a| a.apply(t.state, mine).is_ok())
            .collect()
    } else {
        Vec::new()
    };
    Ok(Some(ThreadPage {
        asker: name_of(t.asker_id).unwrap_or_default(),
        assignee: t.assignee_id.and_then(name_of),
        unit,
        about,
        messages: db::threads::messages(conn, id)?,
        can_reply,
        as_reviewer: side == Side::Reviewer,
        actions,
        thread: t,
    }))
}

/// What a list asks for: the inbox (every thread; reviewers) or the
/// actor's own list, with filters and a page cursor.
pub struct ListRequest {
    pub inbox: bool,
    pub states: Vec<ThreadState>,
    pub category: Option<Category>,
    /// Only threads assigned to the actor ("bana atanan").
    pub mine: bool,
    pub search: Option<String>,
    pub cursor: Cursor,
    pub limit: i64,
}

pub struct ThreadList {
    pub lines: Vec<ThreadLine>,
    pub has_prev: bool,
    pub has_next: bool,
    /// Per state, for the filter's threads.
    pub counts: Vec<(ThreadState, i64)>,
    /// (id, name) of the lines' assignees.
    pub assignees: Vec<(i32, String)>,
}

pub fn list(conn: &mut AnyConnection, actor: &Actor, q: ListRequest) -> ServiceResult<ThreadList> {
    let filter = ThreadFilter {
        reach: if q.inbox && actor.has(Role::Reviewer) {
            None
        } else {
            Some(reach_of(actor))
        },
        states: q.states,
        category: q.category,
        assignee_id: if q.mine { actor.id.or(Some(0)) } else { None },
        search: q.search,
        ..ThreadFilter::default()
    };
    let mut lines = db::threads::page(conn, &filter, q.cursor, q.limit + 1)?;
    let has_more = lines.len() as i64 > q.limit;
    if has_more {
        match q.cursor {
            Cursor::Before(_) => drop(lines.remove(0)),
            _ => lines.truncate(usize::try_from(q.limit).unwrap_or(0)),
        }
    }
    let (has_prev, has_next) = match q.cursor {
        Cursor::First => (false, has_more),
        Cursor::After(_) => (true, has_more),
        Cursor::Before(_) => (has_more, true),
    };
    let mut ids: Vec<i32> = lines.iter().filter_map(|l| l.assignee_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let assignees = db::threads::people(conn, &ids)?
        .into_iter()
        .map(|(id, name, _)| (id, name))
        .collect();
    Ok(ThreadList {
        lines,
        has_prev,
        has_next,
        counts: db::threads::counts(conn, &filter)?,
        assignees,
    })
}

/// The threads about a request that the actor sees (its page links them),
/// newest first, at most 20.
pub fn about_request(
    conn: &mut AnyConnection,
    actor: &Actor,
    request_id: i32,
) -> ServiceResult<Vec<ThreadLine>> {
    let filter = ThreadFilter {
        reach: (!actor.has(Role::Reviewer)).then(|| reach_of(actor)),
        request_id: Some(request_id),
        ..ThreadFilter::default()
    };
    Ok(db::threads::page(conn, &filter, Cursor::First, 20)?)
}

/// Whether the actor may ask about this request ("Soru sor / bildir").
pub fn may_ask_about(
    conn: &mut AnyConnection,
    actor: &Actor,
    request_id: i32,
) -> ServiceResult<bool> {
    Ok(may_ask(actor) && about(conn, actor, Some(request_id), None, None)?.is_some())
}

/// The home page's lines: for reviewers the open threads (and those assigned
/// to them), for askers their answered ones: (text, link).
pub fn waiting(conn: &mut AnyConnection, actor: &Actor) -> ServiceResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    if actor.has(Role::Reviewer) {
        let open = ThreadFilter {
            states: vec![ThreadState::Open],
            ..ThreadFilter::default()
        };
        let n = db::threads::count(conn, &open)?;
        if n > 0 {
            out.push((
                format!("{n} bildirim yanıt bekliyor (Gelen kutusu)."),
                crate::paths::inbox_filtered("durum=open"),
            ));
        }
        if let Some(me) = actor.id {
            let mine = ThreadFilter {
                assignee_id: Some(me),
                ..open
            };
            let m = db::threads::count(conn, &mine)?;
            if m > 0 {
                out.push((
                    format!("Size atanmış {m} bildirim yanıt bekliyor."),
                    crate::paths::inbox_filtered("durum=open&bana=1"),
                ));
            }
        }
    }
    if may_ask(actor)
        && let Some(me) = actor.id
    {
        let answered = ThreadFilter {
            states: vec![ThreadState::Answered],
            asked_by: Some(me),
            ..ThreadFilter::default()
        };
        let n = db::threads::count(conn, &answered)?;
        if n > 0 {
            out.push((
                format!("{n} bildiriminiz e-İmza Şefliğince yanıtlandı."),
                crate::paths::threads_filtered("durum=answered"),
            ));
        }
    }
    Ok(out)
}
