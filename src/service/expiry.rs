//! Signatures past production + 3 years expire; holders and their unit's
//! officers are reminded 90, 30 and 7 days before. Each reminder is given
//! once (a unique key per request, threshold and user), however often this
//! runs and however many instances run it.

use chrono::{Duration, NaiveDateTime};

use super::requests::system_transition;
use super::{Actor, ServiceResult};
use crate::db::{self, AnyConnection, requests::Request, staff::Staff};
use crate::domain::time::format_local;
use crate::domain::workflow::Action;

pub const REMINDER_DAYS: [i64; 3] = [90, 30, 7];

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ExpiryRun {
    pub expired: usize,
    pub reminders: usize,
}

pub fn run(conn: &mut AnyConnection, now: NaiveDateTime) -> ServiceResult<ExpiryRun> {
    let actor = Actor::system("zamanlayıcı");
    let mut out = ExpiryRun::default();
    let horizon = now + Duration::days(REMINDER_DAYS[0]);
    for req in db::requests::active_valid_until(conn, horizon)? {
        let Some(until) = req.valid_until else {
            continue;
        };
        let Some(staff) = db::staff::find(conn, req.staff_id)? else {
            continue;
        };
        let recipients = db::contact::recipients(conn, &staff.email, staff.unit_id)?;
        if until <= now {
            if expire(conn, &actor, &req, &staff, &recipients, now)? {
                out.expired += 1;
            }
        } else {
            out.reminders += db::transaction(conn, |conn| {
                remind(conn, &req, &staff, &recipients, until, now)
            })?;
        }
    }
    Ok(out)
}

fn expire(
    conn: &mut AnyConnection,
    actor: &Actor,
    req: &Request,
    staff: &Staff,
    recipients: &[i32],
    now: NaiveDateTime,
) -> ServiceResult<bool> {
    let until = req.valid_until.unwrap_or(now);
    db::transaction(conn, |conn| {
        let note = "3 yıllık geçerlilik süresi doldu";
        if system_transition(conn, actor, req, Action::Expire, note, now)?.is_none() {
            return Ok(false);
        }
        db::staff::set_has_signature(conn, req.staff_id, false, now)?;
        let text = format!(
            "{}: mobil imzanın süresi doldu ({}).",
            staff.full_name(),
            format_local(until)
        );
        for user in recipients {
            db::contact::notify(conn, *user, now, &text, &crate::paths::request(req.id))?;
        }
        Ok(true)
    })
}

/// Gives each crossed threshold's reminder once; returns how many were new.
fn remind(
    conn: &mut AnyConnection,
    req: &Request,
    staff: &Staff,
    recipients: &[i32],
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    let mut given = 0;
    for days in REMINDER_DAYS {
        if until - now > Duration::days(days) {
            continue;
        }
        let text = format!(
            "{}: mobil imzanın süresi {} tarihinde doluyor ({days} gün kala hatırlatma). Yenileme başvurusu açılabilir.",
            staff.full_name(),
            format_local(until)
        );
        for user in recipients {
            let key = format!("expiry:{}:{days}:{user}", req.id);
            let link = crate::paths::request(req.id);
            if db::contact::notify_once(conn, *user, now, &text, &link, &key)? {
                given += 1;
                remind_by_mail(conn, *user, req.id, &text, &key, now)?;
            }
        }
    }
    Ok(given)
}

/// The reminder also by e-mail, once (the same key as the notice).
fn remind_by_mail(
    conn: &mut AnyConnection,
    user: i32,
    request_id: i32,
    text: &str,
    key: &str,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    let Some(u) = db::users::find(conn, user)?.filter(|u| u.active) else {
        return Ok(());
    };
    let letter = crate::domain::mail::Letter {
        subject: format!("Mobil imza süre hatırlatması (talep #{request_id})"),
        paragraphs: vec![text.to_owned()],
        items: Vec::new(),
        link: Some(super::mail::link_to_request(conn, request_id)?),
    };
    let q = super::mail::Queued {
        to: &u.email,
        kind: "expiry_reminder",
        request_id: Some(request_id),
        dedupe_key: Some(key),
        due: None,
    };
    super::mail::queue(conn, &q, &letter, now)?;
    Ok(())
}
