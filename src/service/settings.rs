//! Settings admins change: the NES SMS hold (length and the date the BTK rule
//! took effect).

use chrono::{NaiveDate, NaiveDateTime};

use super::{Actor, ServiceResult, audit};
use crate::db::{
    self, AnyConnection, settings::DATE_FORMAT, settings::HOLD_HOURS, settings::HOLD_START,
};
use crate::domain::audit::{AuditAction, change_or_same};
use crate::domain::hold::HoldRule;

/// The hold as set: hours and the rule's start date (defaults where unset).
pub fn hold(conn: &mut AnyConnection) -> ServiceResult<(i64, NaiveDate)> {
    let rule = db::settings::hold_rule(conn)?;
    let start = db::settings::get(conn, HOLD_START)?
        .and_then(|v| NaiveDate::parse_from_str(&v, DATE_FORMAT).ok())
        .unwrap_or_else(HoldRule::default_start);
    Ok((rule.hours, start))
}

pub fn set_hold(
    conn: &mut AnyConnection,
    actor: &Actor,
    hours: i64,
    start: NaiveDate,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    db::transaction(conn, |conn| {
        let (old_hours, old_start) = hold(conn)?;
        db::settings::set(conn, HOLD_HOURS, &hours.to_string())?;
        db::settings::set(conn, HOLD_START, &start.format(DATE_FORMAT).to_string())?;
        let day = |d: NaiveDate| d.format("%d.%m.%Y").to_string();
        let detail = [
            change_or_same(
                "Bekleme süresi",
                &format!("{old_hours} saat"),
                &format!("{hours} saat"),
            ),
            change_or_same("Yürürlük", &day(old_start), &day(start)),
        ]
        .join("; ");
        audit(
            conn,
            actor,
            AuditAction::SettingsUpdated,
            "nes_hold",
            &detail,
            now,
        )
    })
}
