//! Signatures past production + 3 years expire; holders and their unit's
//! officers are reminded 90, 30 and 7 days before. Each reminder is given once
//! (a unique key per request and threshold), however often the job runs.

use std::time::Duration;

use actix_web::web;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::app::AppState;
use crate::db::{self, AnyConnection, schema::notices, schema::requests};
use crate::domain::time::format_local;
use crate::domain::workflow::Action;
use crate::web::errors::AppError;

pub const REMINDER_DAYS: [i64; 3] = [90, 30, 7];

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub expired: usize,
    pub reminders: usize,
}

pub fn run(conn: &mut AnyConnection, now: NaiveDateTime) -> Result<Outcome, AppError> {
    let mut out = Outcome::default();
    let horizon = now + chrono::Duration::days(REMINDER_DAYS[0]);
    let due: Vec<db::requests::Request> = requests::table
        .filter(requests::state.eq("active"))
        .filter(requests::valid_until.le(horizon))
        .select(db::requests::Request::as_select())
        .load(conn)?;
    for req in due {
        let Some(until) = req.valid_until else {
            continue;
        };
        let Some(staff) = db::staff::find(conn, req.staff_id)? else {
            continue;
        };
        let recipients = db::contact::recipients(conn, &staff.email, staff.unit_id)?;
        let link = crate::web::paths::request(req.id);
        if until <= now {
            db::transaction(conn, |conn| {
                let done = crate::web::requests::system_transition(
                    conn,
                    &req,
                    Action::Expire,
                    "3 yıllık geçerlilik süresi doldu",
                    None,
                    "zamanlayıcı",
                    now,
                )?;
                if done.is_some() {
                    db::staff::set_has_signature(conn, req.staff_id, false, now)?;
                    let text = format!(
                        "{}: mobil imzanın süresi doldu ({}).",
                        staff.full_name(),
                        format_local(until)
                    );
                    for user in &recipients {
                        db::contact::notify(conn, *user, now, &text, &link)?;
                    }
                    out.expired += 1;
                }
                Ok::<_, AppError>(())
            })?;
            continue;
        }
        for days in REMINDER_DAYS {
            if until - now > chrono::Duration::days(days) {
                continue;
            }
            let text = format!(
                "{}: mobil imzanın süresi {} tarihinde doluyor ({days} gün kala hatırlatma). Yenileme başvurusu açılabilir.",
                staff.full_name(),
                format_local(until)
            );
            for user in &recipients {
                let key = format!("expiry:{}:{days}:{user}", req.id);
                let exists: i64 = notices::table
                    .filter(notices::dedupe_key.eq(&key))
                    .count()
                    .get_result(conn)?;
                if exists > 0 {
                    continue;
                }
                // The unique key also holds if two instances race.
                let inserted = diesel::insert_into(notices::table)
                    .values((
                        notices::user_id.eq(user),
                        notices::at.eq(now),
                        notices::text.eq(&text),
                        notices::link.eq(&link),
                        notices::dedupe_key.eq(&key),
                    ))
                    .execute(conn);
                match inserted {
                    Ok(_) => out.reminders += 1,
                    Err(diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::UniqueViolation,
                        _,
                    )) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }
    Ok(out)
}

pub fn spawn(state: web::Data<AppState>) {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let now = state.clock.now_naive();
            match state.db(move |conn| run(conn, now)).await {
                Ok(o) if o != Outcome::default() => {
                    tracing::info!(expired = o.expired, reminders = o.reminders, "expiry job")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = ?e, "expiry job failed; retrying in an hour"),
            }
        }
    });
}
