//! Cover letters (üst yazı): an officer selects requests of one unit that
//! wait for their operator documents, and one transaction creates the
//! letter (the unit's yearly running number, the letterhead as it is
//! today), records the documents step on every request ("Üst yazı/posta",
//! the letter's sayı as reference) through the transition table, and
//! audits. Only the officers of the letter's unit see it.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use super::requests::{ActionInput, act_within};
use super::{Actor, Outcome, ServiceError, ServiceResult, audit};
use crate::db::{
    self, AnyConnection,
    cover_letters::{Letter, LetterLine, NewLetter},
};
use crate::domain::audit::{AuditAction, change, target};
use crate::domain::cover_letter::{
    self as rules, LetterSettings, Letterhead, UnitFacts, format_date, letterhead,
};
use crate::domain::request::DocsWay;
use crate::domain::role::Role;
use crate::domain::text::sort_key;
use crate::domain::time::local_day;
use crate::domain::unit::UnitKind;
use crate::domain::workflow::{Action, State};

/// Most waiting requests the new-letter form lists.
const AWAITING_SHOWN: i64 = 300;

/// What the new-letter form shows for one of the officer's units.
#[derive(Debug, Clone)]
pub struct Draft {
    pub unit_id: i32,
    pub unit_name: String,
    /// The officer's units: `(id, name, requests waiting)`.
    pub units: Vec<(i32, String, i64)>,
    pub head: Letterhead,
    /// The sayı the letter gets if the officer keeps it.
    pub number: String,
    pub today: NaiveDate,
    /// Requests waiting for documents, in Turkish order of name.
    pub awaiting: Vec<LetterLine>,
}

/// The unit's letterhead: its settings with the defaults filled in. `None`
/// if there is no such unit.
fn head_of(conn: &mut AnyConnection, unit_id: i32) -> ServiceResult<Option<(String, Letterhead)>> {
    let Some((name, kind, province)) = db::cover_letters::unit_facts(conn, unit_id)? else {
        return Ok(None);
    };
    let settings = unit_settings(conn, unit_id)?;
    let facts = UnitFacts {
        id: unit_id,
        name: &name,
        kind: UnitKind::from_code(&kind),
        province: &province,
    };
    let head = letterhead(&settings, &facts);
    Ok(Some((name, head)))
}

/// The unit the form is for: the one asked for, else that of the first
/// ticked request, else the first with requests waiting, else the first.
fn chosen_unit(
    conn: &mut AnyConnection,
    actor: &Actor,
    asked: Option<i32>,
    ticked: &[i32],
    units: &[(i32, String, i64)],
) -> ServiceResult<Option<i32>> {
    if let Some(u) = asked {
        return Ok(actor.unit_ids.contains(&u).then_some(u));
    }
    let ticked_units = db::cover_letters::request_units(conn, ticked)?;
    let from_ticked = ticked.iter().find_map(|id| {
        ticked_units
            .iter()
            .find(|(r, u)| r == id && actor.unit_ids.contains(u))
            .map(|(_, u)| *u)
    });
    Ok(from_ticked
        .or_else(|| units.iter().find(|(_, _, n)| *n > 0).map(|(u, _, _)| *u))
        .or_else(|| units.first().map(|(u, _, _)| *u)))
}

/// The new-letter form for `asked` (or a unit chosen as [`chosen_unit`]
/// says). `None` if the unit is not the officer's, or they have none.
pub fn draft(
    conn: &mut AnyConnection,
    actor: &Actor,
    asked: Option<i32>,
    ticked: &[i32],
    now: NaiveDateTime,
) -> ServiceResult<Option<Draft>> {
    if !actor.has(Role::Officer) {
        return Ok(None);
    }
    let counts = db::cover_letters::awaiting_counts(conn, &actor.unit_ids)?;
    let units: Vec<(i32, String, i64)> = db::units::names(conn, &actor.unit_ids)?
        .into_iter()
        .map(|(id, name)| {
            let n = counts.iter().find(|(u, _)| *u == id).map_or(0, |(_, n)| *n);
            (id, name, n)
        })
        .collect();
    let Some(unit_id) = chosen_unit(conn, actor, asked, ticked, &units)? else {
        return Ok(None);
    };
    let Some((unit_name, head)) = head_of(conn, unit_id)? else {
        return Ok(None);
    };
    let today = local_day(now);
    let seq = db::cover_letters::next_seq(conn, unit_id, today.year())?;
    let mut awaiting = db::cover_letters::awaiting(conn, unit_id, AWAITING_SHOWN)?;
    awaiting.sort_by_cached_key(|l| {
        (
            sort_key(&format!("{} {}", l.first_name, l.last_name)),
            l.request_id,
        )
    });
    Ok(Some(Draft {
        number: rules::number(&head.number_prefix, seq),
        unit_id,
        unit_name,
        units,
        head,
        today,
        awaiting,
    }))
}

/// A letter as the officer's form says, its fields already read.
#[derive(Debug, Clone)]
pub struct LetterInput {
    pub unit_id: i32,
    /// `(request, version seen)`, in the order ticked.
    pub selected: Vec<(i32, i32)>,
    pub number: String,
    pub date: NaiveDate,
    pub subject: String,
    pub documents: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    Letter(i32),
    /// The unit already has a letter with this sayı this year.
    NumberTaken,
}

/// Why the letter's transaction rolled back.
enum Abort {
    Outcome(Outcome<Created>),
    Fault(ServiceError),
}

impl<E: Into<ServiceError>> From<E> for Abort {
    fn from(e: E) -> Self {
        Abort::Fault(e.into())
    }
}

/// Creates the letter and records the documents step on each selected
/// request, all in one transaction: any request out of reach, changed
/// meanwhile or not at this step leaves everything as it was.
pub fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: &LetterInput,
    now: NaiveDateTime,
) -> ServiceResult<Outcome<Created>> {
    match db::transaction(conn, |conn| create_in(conn, actor, input, now)) {
        Ok(outcome) | Err(Abort::Outcome(outcome)) => Ok(outcome),
        Err(Abort::Fault(ServiceError::Internal(e))) if is_unique_violation(&e) => Ok(
            Outcome::Refused(
                "Aynı anda bu birim için başka bir üst yazı oluşturuldu; sayfayı yenileyip yeniden deneyin."
                    .into(),
            ),
        ),
        Err(Abort::Fault(e)) => Err(e),
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

/// Each selected request, checked before anything is written: it exists
/// for the officer (else "not found"), belongs to the letter's unit, is at
/// the documents step and still as the officer saw it.
fn check_selection(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: &LetterInput,
) -> Result<Vec<(i32, i32)>, Abort> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for &(id, version) in &input.selected {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let Some(req) = db::requests::find(conn, id)? else {
            return Err(Abort::Outcome(Outcome::NotFound));
        };
        if !actor.unit_ids.contains(&req.unit_id) {
            return Err(Abort::Outcome(Outcome::NotFound));
        }
        let name = db::staff::find(conn, req.staff_id)?
            .map(|s| s.full_name())
            .unwrap_or_default();
        let refuse =
            |why: String| Abort::Outcome(Outcome::Refused(format!("Talep #{id} ({name}) {why}")));
        if req.unit_id != input.unit_id {
            return Err(refuse(
                "başka bir birime ait; bir üst yazıdaki talepler aynı birimden olmalı.".into(),
            ));
        }
        if req.state != State::Forwarded || req.docs_sent_at.is_some() {
            let now_at = if req.docs_sent_at.is_some() {
                "operatör evrakı zaten gönderilmiş".to_owned()
            } else {
                format!("durumu: {}", req.state.label())
            };
            return Err(refuse(format!(
                "operatör evrakı aşamasında değil ({now_at}). Üst yazıya yalnızca Kamu SM'ye \
                 iletilmiş ve evrakı henüz gönderilmemiş talepler eklenebilir."
            )));
        }
        if req.version != version {
            return Err(Abort::Outcome(Outcome::Stale));
        }
        out.push((id, version));
    }
    Ok(out)
}

fn create_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: &LetterInput,
    now: NaiveDateTime,
) -> Result<Outcome<Created>, Abort> {
    if !actor.has(Role::Officer) || !actor.unit_ids.contains(&input.unit_id) {
        return Ok(Outcome::NotFound);
    }
    let Some((_, head)) = head_of(conn, input.unit_id)? else {
        return Ok(Outcome::NotFound);
    };
    let selected = check_selection(conn, actor, input)?;
    if let Err(m) = rules::check_count(selected.len()) {
        return Ok(Outcome::Refused(m));
    }
    let year = input.date.year();
    if db::cover_letters::number_taken(conn, input.unit_id, year, &input.number)? {
        return Ok(Outcome::Done(Created::NumberTaken));
    }
    let heading = head.heading.join("\n");
    let seq = db::cover_letters::next_seq(conn, input.unit_id, year)?;
    let id = db::cover_letters::insert(
        conn,
        &NewLetter {
            unit_id: input.unit_id,
            year,
            seq,
            number: &input.number,
            letter_date: input.date,
            subject: &input.subject,
            documents: &input.documents,
            heading: &heading,
            signer_name: &head.signer_name,
            signer_title: &head.signer_title,
            created_by: actor.id.unwrap_or_default(),
            created_at: now,
        },
    )?;
    let ids: Vec<i32> = selected.iter().map(|(r, _)| *r).collect();
    db::cover_letters::add_requests(conn, id, &ids)?;
    record_steps(conn, actor, input, &selected, now)?;
    let listed: Vec<String> = ids.iter().map(|r| format!("#{r}")).collect();
    let detail = format!(
        "Sayı {}, tarih {}, {} talep ({})",
        input.number,
        format_date(input.date),
        ids.len(),
        listed.join(", ")
    );
    audit(
        conn,
        actor,
        AuditAction::CoverLetterCreated,
        &target("cover_letter", id),
        &detail,
        now,
    )?;
    Ok(Outcome::Done(Created::Letter(id)))
}

/// "Operatör evrakı gönderildi" on each request, by üst yazı with the
/// letter's sayı, through the transition table (history, version, audit).
fn record_steps(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: &LetterInput,
    selected: &[(i32, i32)],
    now: NaiveDateTime,
) -> Result<(), Abort> {
    for &(id, version) in selected {
        let step = ActionInput {
            docs_way: Some(DocsWay::CoverLetter),
            docs_ref: input.number.clone(),
            docs_date: input.date.format("%Y-%m-%d").to_string(),
            ..ActionInput::new(Action::RecordDocsSent, version)
        };
        match act_within(conn, actor, id, &step, now)? {
            Outcome::Done(_) => {}
            Outcome::Refused(m) | Outcome::Forbidden(m) => {
                return Err(Abort::Outcome(Outcome::Refused(format!(
                    "Talep #{id}: {m}"
                ))));
            }
            Outcome::Stale => return Err(Abort::Outcome(Outcome::Stale)),
            Outcome::NotFound => return Err(Abort::Outcome(Outcome::NotFound)),
        }
    }
    Ok(())
}

/// A letter with its unit's name and its requests.
#[derive(Debug, Clone)]
pub struct LetterView {
    pub letter: Letter,
    pub unit_name: String,
    pub lines: Vec<LetterLine>,
}

fn view_in(conn: &mut AnyConnection, actor: &Actor, id: i32) -> ServiceResult<Option<LetterView>> {
    let Some(letter) = db::cover_letters::find(conn, id)? else {
        return Ok(None);
    };
    if !actor.has(Role::Officer) || !actor.unit_ids.contains(&letter.unit_id) {
        return Ok(None);
    }
    let unit_name = db::cover_letters::unit_facts(conn, letter.unit_id)?
        .map(|(name, _, _)| name)
        .unwrap_or_default();
    let lines = db::cover_letters::lines(conn, id)?;
    Ok(Some(LetterView {
        letter,
        unit_name,
        lines,
    }))
}

/// The letter, for the officers of its unit; `None` for anyone else.
pub fn view(conn: &mut AnyConnection, actor: &Actor, id: i32) -> ServiceResult<Option<LetterView>> {
    view_in(conn, actor, id)
}

/// The letter for its PDF: as [`view`], and the download is audited (the
/// document leaves the portal with staff names).
pub fn download(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i32,
    now: NaiveDateTime,
) -> ServiceResult<Option<LetterView>> {
    db::transaction(conn, |conn| {
        let Some(view) = view_in(conn, actor, id)? else {
            return Ok(None);
        };
        let detail = format!(
            "Sayı {}, {} talep, PDF",
            view.letter.number,
            view.lines.len()
        );
        audit(
            conn,
            actor,
            AuditAction::CoverLetterPdf,
            &target("cover_letter", id),
            &detail,
            now,
        )?;
        Ok(Some(view))
    })
}

/// The officer's units' letters, newest first: `(letter, unit, requests)`.
pub fn list(conn: &mut AnyConnection, actor: &Actor) -> ServiceResult<Vec<(Letter, String, i64)>> {
    if !actor.has(Role::Officer) {
        return Ok(Vec::new());
    }
    Ok(db::cover_letters::list(conn, &actor.unit_ids, 200)?)
}

// ---------------------------------------------------------------- settings

/// A unit's letter settings as saved (empty values where none are).
pub fn unit_settings(conn: &mut AnyConnection, unit_id: i32) -> ServiceResult<LetterSettings> {
    Ok(db::cover_letters::settings(conn, unit_id)?
        .map(|s| {
            LetterSettings::stored(
                &s.heading,
                &s.signer_name,
                &s.signer_title,
                &s.number_prefix,
            )
        })
        .unwrap_or_default())
}

/// Saves a unit's letter settings inside the unit form's transaction;
/// returns what changed, for its audit row.
pub(super) fn save_unit_settings(
    conn: &mut AnyConnection,
    unit_id: i32,
    new: &LetterSettings,
    now: NaiveDateTime,
) -> ServiceResult<Vec<String>> {
    let old = unit_settings(conn, unit_id)?;
    let changes: Vec<String> = [
        change(
            "Yazı başlığı",
            &old.heading.join(" / "),
            &new.heading.join(" / "),
        ),
        change("İmza sahibi", &old.signer_name, &new.signer_name),
        change(
            "İmza sahibinin unvanı",
            &old.signer_title,
            &new.signer_title,
        ),
        change("Sayı öneki", &old.number_prefix, &new.number_prefix),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !changes.is_empty() {
        let heading = new.heading_text();
        let values = (
            heading.as_str(),
            new.signer_name.as_str(),
            new.signer_title.as_str(),
            new.number_prefix.as_str(),
        );
        db::cover_letters::save_settings(conn, unit_id, values, now)?;
    }
    Ok(changes)
}
