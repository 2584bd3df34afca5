//! What each user finds on arrival: what is waiting for them in each of
//! their roles and their latest notices; and the staff member's own page,
//! their record and requests with the state of any SMS hold.

use chrono::{Duration, NaiveDateTime};

use super::{Actor, ServiceResult};
use crate::db::{self, AnyConnection, requests::Line, staff::Staff};
use crate::domain::role::Role;
use crate::domain::workflow::State;

/// A line of "what is waiting for me": the text and where it leads.
pub type Waiting = (String, String);

pub struct Dashboard {
    pub waiting: Vec<Waiting>,
    /// The latest notices addressed to the actor: (when, text, link).
    pub notices: Vec<(NaiveDateTime, String, String)>,
}

/// What is waiting for the actor and their ten latest notices.
pub fn dashboard(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: NaiveDateTime,
) -> ServiceResult<Dashboard> {
    let waiting = waiting_for(conn, actor, now)?;
    let notices = match actor.id {
        Some(id) => db::contact::recent_notices(conn, id, 10)?,
        None => Vec::new(),
    };
    Ok(Dashboard { waiting, notices })
}

/// What is waiting for the actor, role by role.
pub fn waiting_for(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: NaiveDateTime,
) -> ServiceResult<Vec<Waiting>> {
    let mut out = Vec::new();
    if actor.has(Role::Officer) {
        officer_waiting(conn, actor, &mut out)?;
    }
    if actor.has(Role::Reviewer) {
        reviewer_waiting(conn, now, &mut out)?;
    }
    if actor.has(Role::Staff) {
        staff_waiting(conn, actor, &mut out)?;
    }
    if actor.has(Role::Finance) {
        finance_waiting(conn, now, &mut out)?;
    }
    out.extend(super::threads::waiting(conn, actor)?);
    Ok(out)
}

/// Last month's active signatures that no tariff applies to.
fn finance_waiting(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    out: &mut Vec<Waiting>,
) -> ServiceResult<()> {
    let month = super::billing::previous_month(now);
    let groups = super::billing::unbilled_counts(conn, month)?;
    if let Some(line) = crate::domain::billing::unbilled_summary(month, &groups) {
        out.push((line, crate::paths::billing_month(&month.key())));
    }
    Ok(())
}

fn count(counts: &[(State, i64)], s: State) -> i64 {
    counts.iter().find(|(c, _)| *c == s).map_or(0, |(_, n)| *n)
}

fn officer_waiting(
    conn: &mut AnyConnection,
    actor: &Actor,
    out: &mut Vec<Waiting>,
) -> ServiceResult<()> {
    let counts = db::requests::counts_by_state(conn, Some(&actor.unit_ids), Some(true))?.0;
    let returned = count(&counts, State::Returned);
    if returned > 0 {
        out.push((
            format!("{returned} talep düzeltme için size geri gönderildi."),
            crate::paths::requests_tab("returned"),
        ));
    }
    let docs = db::requests::count_docs_to_send(conn, &actor.unit_ids)?;
    if docs > 0 {
        out.push((
            format!("{docs} talep için operatör evrakını göndermeniz bekleniyor."),
            crate::paths::requests_tab("forwarded"),
        ));
    }
    Ok(())
}

fn reviewer_waiting(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    out: &mut Vec<Waiting>,
) -> ServiceResult<()> {
    let counts = db::requests::counts_by_state(conn, None, Some(true))?.0;
    let submitted = count(&counts, State::Submitted);
    if submitted > 0 {
        out.push((
            format!("{submitted} talep incelemenizi bekliyor."),
            crate::paths::review_tab(State::Submitted.code()),
        ));
    }
    let hold = db::settings::hold_rule(conn)?;
    let ending = db::requests::holds_ending(conn, now - Duration::hours(hold.hours - 1))?;
    if ending > 0 {
        out.push((
            format!("{ending} talebin SMS beklemesi bir saat içinde bitiyor ya da bitti."),
            crate::paths::review_tab(State::SmsHold.code()),
        ));
    }
    let flagged = db::requests::count_flagged(conn, None)?;
    if flagged > 0 {
        out.push((
            format!("{flagged} talep personel tarafından \"bilgim dışında\" olarak bildirildi."),
            crate::paths::review_tab("flagged"),
        ));
    }
    Ok(())
}

fn staff_waiting(
    conn: &mut AnyConnection,
    actor: &Actor,
    out: &mut Vec<Waiting>,
) -> ServiceResult<()> {
    let Some(s) = db::staff::find_by_email(conn, &actor.email)? else {
        return Ok(());
    };
    if let Some(l) = own_requests(conn, s.id, 1)?.into_iter().next() {
        out.push((
            format!("Mobil imza başvurunuzun durumu: {}.", l.state),
            crate::paths::request(l.id),
        ));
    }
    Ok(())
}

/// A staff member's latest `limit` requests, newest first.
fn own_requests(conn: &mut AnyConnection, staff_id: i32, limit: i64) -> ServiceResult<Vec<Line>> {
    let filter = db::requests::Filter {
        staff_id: Some(staff_id),
        ..Default::default()
    };
    Ok(db::requests::page(
        conn,
        &filter,
        db::requests::Order::NewestFirst,
        db::requests::Cursor::First,
        limit,
    )?)
}

/// Whether the database answers (`/healthz`).
pub fn ping(conn: &mut AnyConnection) -> ServiceResult<()> {
    Ok(db::ping(conn)?)
}

/// Where a request in the SMS hold stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// Production may start at `earliest`, `remaining` from now.
    Waiting {
        earliest: NaiveDateTime,
        remaining: Duration,
    },
    /// The hold is over.
    Over,
}

pub struct MyRequest {
    pub line: Line,
    /// Set for a request in the SMS hold whose SMS time is known.
    pub hold: Option<Hold>,
}

/// The staff member's own page.
pub struct MyPage {
    pub staff: Staff,
    pub unit: String,
    /// The latest 50 requests, newest first.
    pub requests: Vec<MyRequest>,
}

/// The record matching the actor's e-mail address and its requests; `None`
/// when no staff record matches.
pub fn my_page(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: NaiveDateTime,
) -> ServiceResult<Option<MyPage>> {
    let Some(staff) = db::staff::find_by_email(conn, &actor.email)? else {
        return Ok(None);
    };
    let unit = db::units::find(conn, staff.unit_id)?
        .map(|u| u.name)
        .unwrap_or_default();
    let rule = db::settings::hold_rule(conn)?;
    let requests = own_requests(conn, staff.id, 50)?
        .into_iter()
        .map(|line| {
            let sms = line.sms_at.filter(|_| line.state == State::SmsHold);
            let hold = sms.map(|sms| match rule.remaining(sms, now) {
                Some(remaining) => Hold::Waiting {
                    earliest: rule.earliest_production(sms),
                    remaining,
                },
                None => Hold::Over,
            });
            MyRequest { line, hold }
        })
        .collect();
    Ok(Some(MyPage {
        staff,
        unit,
        requests,
    }))
}
