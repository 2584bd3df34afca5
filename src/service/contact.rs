//! Contact changes: a staff member (or their officer) changes the number,
//! operator, line type or "mobil imza" field. A change that makes the line's
//! signature unusable invalidates the active signature and returns or
//! cancels open requests, all in one transaction with the contact history,
//! notices and the audit row.

use chrono::NaiveDateTime;

use super::requests::system_transition;
use super::{Actor, ServiceResult, audit};
use crate::db::{self, AnyConnection, requests::Request, staff::Staff};
use crate::domain::audit::{AuditAction, target};
use crate::domain::contact::{ChangeKind, Contact, invalidates, open_request_action};
use crate::domain::phone::display as phone_display;
use crate::domain::workflow::{Action, State};

/// Whose record: the user's own (staff) or one of the officer's units'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Me,
    Staff(i32),
}

/// The staff record `actor` may change, if any.
pub fn load(
    conn: &mut AnyConnection,
    actor: &Actor,
    subject: Subject,
) -> ServiceResult<Option<Staff>> {
    Ok(match subject {
        Subject::Me => db::staff::find_by_email(conn, &actor.email)?,
        Subject::Staff(id) => {
            db::staff::find(conn, id)?.filter(|s| actor.unit_ids.contains(&s.unit_id))
        }
    })
}

/// What a change will do to a live request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consequence {
    pub request_id: i32,
    pub action: Action,
}

/// The action a line change takes on a live request, if any.
fn consequence_for(r: &Request) -> Option<Action> {
    if r.state == State::Active {
        Some(Action::Invalidate)
    } else {
        open_request_action(r.state)
    }
}

/// What changing `staff`'s line to `new` would do, before it is confirmed.
pub fn consequences(
    conn: &mut AnyConnection,
    staff: &Staff,
    new: &Contact,
    kinds: &[ChangeKind],
) -> ServiceResult<Vec<Consequence>> {
    if !invalidates(&staff.contact(), new, kinds) {
        return Ok(Vec::new());
    }
    Ok(db::contact::live_requests(conn, staff.id)?
        .iter()
        .filter_map(|r| {
            consequence_for(r).map(|action| Consequence {
                request_id: r.id,
                action,
            })
        })
        .collect())
}

/// Applies a change in one transaction. Returns the invalidated signature's
/// request id, if any.
pub fn apply(
    conn: &mut AnyConnection,
    actor: &Actor,
    staff: &Staff,
    mut new: Contact,
    kinds: &[ChangeKind],
    now: NaiveDateTime,
) -> ServiceResult<Option<i32>> {
    let old = staff.contact();
    let kinds_text = kinds
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(", ");
    db::transaction(conn, |conn| {
        let mut invalidated = None;
        let mut changed: Vec<(i32, State)> = Vec::new();
        if invalidates(&old, &new, kinds) {
            let note = if kinds_text.is_empty() {
                "Numara/operatör değişikliği"
            } else {
                &kinds_text
            };
            for r in db::contact::live_requests(conn, staff.id)? {
                let Some(action) = consequence_for(&r) else {
                    continue;
                };
                if let Some(to) = system_transition(conn, actor, &r, action, note, now)? {
                    if action == Action::Invalidate {
                        invalidated = Some(r.id);
                    }
                    changed.push((r.id, to));
                }
            }
        }
        // An unusable signature is not a signature: the field says "yok".
        if invalidated.is_some() {
            new.has_signature = false;
        }
        db::contact::set_contact(conn, staff.id, &new, now)?;
        db::contact::record(
            conn,
            &db::contact::NewChange {
                staff_id: staff.id,
                at: now,
                actor_id: actor.id.unwrap_or_default(),
                old: &old,
                new: &new,
                kinds: &kinds_text,
                invalidated_request_id: invalidated,
            },
        )?;
        notify_consequences(conn, staff, &changed, now)?;
        let mut detail = format!(
            "{} {} → {} {}",
            phone_display(&old.phone),
            old.operator,
            phone_display(&new.phone),
            new.operator
        );
        if !kinds_text.is_empty() {
            detail.push_str(&format!("; {kinds_text}"));
        }
        if let Some(id) = invalidated {
            detail.push_str(&format!("; geçersiz sayılan talep #{id}"));
        }
        audit(
            conn,
            actor,
            AuditAction::ContactChanged,
            &target("staff", staff.id),
            &detail,
            now,
        )?;
        Ok(invalidated)
    })
}

/// The staff member and the unit's officers hear of every consequence.
fn notify_consequences(
    conn: &mut AnyConnection,
    staff: &Staff,
    changed: &[(i32, State)],
    now: NaiveDateTime,
) -> ServiceResult<()> {
    if changed.is_empty() {
        return Ok(());
    }
    let recipients = db::contact::recipients(conn, &staff.email, staff.unit_id)?;
    for (id, to) in changed {
        let what = match to {
            State::Invalidated => "aktif mobil imza geçersiz sayıldı".to_owned(),
            other => format!("talep “{}” durumuna geçti", other.label()),
        };
        let text = format!(
            "{}: hat/SIM/numara/operatör değişikliği nedeniyle {what} (talep #{id}).",
            staff.full_name()
        );
        for user in &recipients {
            db::contact::notify(conn, *user, now, &text, &crate::paths::request(*id))?;
        }
    }
    Ok(())
}
