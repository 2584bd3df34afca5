//! The staff registry: records an officer keeps for their units. A record's
//! line (number, operator, line type, "mobil imza") changes only through a
//! contact change, which applies its consequences (`service::contact`).

use std::sync::Arc;

use chrono::NaiveDateTime;

use super::{
    Actor, ServiceResult, audit,
    page_cache::{DataVersion, PageCache},
};
use crate::db::{
    self, AnyConnection,
    contact::HistoryRow,
    staff::{Keyset, Staff},
    units::UnitRow,
};
use crate::domain::audit::{AuditAction, target};
use crate::domain::kvkk;
use crate::domain::staff::ValidStaff;

/// What saving a record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Done(i32),
    /// Another record has this T.C. number and/or e-mail; nothing written.
    Taken {
        tckn: bool,
        email: bool,
    },
    /// The record was anonymised (KVKK retention) and is kept as it is.
    Anonymised,
}

/// Creates a record (`editing: None`) or updates one in `unit`, in one
/// transaction with its audit row. The caller has checked that `unit` and
/// the record being edited are the actor's.
pub fn save(
    conn: &mut AnyConnection,
    actor: &Actor,
    editing: Option<i32>,
    valid: &ValidStaff,
    unit: i32,
    now: NaiveDateTime,
) -> ServiceResult<Saved> {
    db::transaction(conn, |conn| {
        if let Some(id) = editing
            && db::staff::find(conn, id)?.is_some_and(|s| kvkk::is_anonymised(&s.tckn))
        {
            return Ok(Saved::Anonymised);
        }
        let (tckn, email) =
            db::staff::conflicts(conn, valid.tckn.as_str(), valid.email.as_str(), editing)?;
        if tckn || email {
            return Ok(Saved::Taken { tckn, email });
        }
        let search = valid.search_name();
        let values = db::staff::values(valid, unit, &search, now);
        let (id, action) = match editing {
            Some(id) => {
                db::staff::update(conn, id, &values)?;
                (id, AuditAction::StaffUpdated)
            }
            None => (
                db::staff::insert(conn, &values, now)?,
                AuditAction::StaffCreated,
            ),
        };
        let unit_name = db::units::find(conn, unit)?.map_or_else(|| format!("#{unit}"), |u| u.name);
        audit(
            conn,
            actor,
            action,
            &target("staff", id),
            &format!("Birim: {unit_name}"),
            now,
        )?;
        Ok(Saved::Done(id))
    })
}

/// A record with its open request and its contact history.
pub type Record = (Staff, Option<i32>, Vec<HistoryRow>);

/// The actor's active units, for the unit fields of the forms.
pub fn units_of(conn: &mut AnyConnection, actor: &Actor) -> ServiceResult<Vec<UnitRow>> {
    let mut units = db::units::list_of(conn, &actor.unit_ids)?;
    units.retain(|u| u.unit.active);
    Ok(units)
}

/// Where a page of the staff list starts: at the top, after or (going
/// back) before record `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Start {
    First,
    After(i32),
    Before(i32),
}

/// One page of the staff list.
pub struct StaffPage {
    /// Staff with their unit's name, in Turkish alphabetical order.
    pub rows: Vec<(Staff, String)>,
    pub has_prev: bool,
    pub has_next: bool,
    /// The actor's units, (id, name) in Turkish order, for the filter.
    pub units: Vec<(i32, String)>,
}

/// What a staff page shows: the actor's units or one of them (`unit`),
/// records matching `text` (name fragment or T.C. prefix), `limit` of them
/// from `from`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StaffQuery {
    pub unit: Option<i32>,
    pub text: String,
    pub from: Start,
    pub limit: i64,
}

/// A kept staff page: the actor's units and the query.
pub type StaffKey = (Vec<i32>, StaffQuery);

/// The page if it is kept at `version` (no database needed).
pub fn kept_page<V>(
    kept: &PageCache<StaffKey, V>,
    actor: &Actor,
    q: &StaffQuery,
    version: DataVersion,
) -> Option<Arc<V>> {
    kept.get(&(actor.unit_ids.clone(), q.clone()), version)
}

/// The page as `shape` makes it (the caller's view of it), kept in `kept`
/// until the lists' data changes. `version`: read before this call.
pub fn page<V>(
    conn: &mut AnyConnection,
    kept: &PageCache<StaffKey, V>,
    actor: &Actor,
    q: StaffQuery,
    version: DataVersion,
    shape: impl FnOnce(StaffPage) -> ServiceResult<V>,
) -> ServiceResult<Arc<V>> {
    let key = (actor.unit_ids.clone(), q.clone());
    kept.get_or_load(conn, key, version, |conn| shape(read_page(conn, actor, q)?))
}

/// A page of the actor's units; a record outside those units as the
/// starting point means the first page.
fn read_page(conn: &mut AnyConnection, actor: &Actor, q: StaffQuery) -> ServiceResult<StaffPage> {
    let StaffQuery {
        unit,
        text,
        from,
        limit,
    } = q;
    let scope = match unit {
        Some(u) if actor.unit_ids.contains(&u) => vec![u],
        _ => actor.unit_ids.clone(),
    };
    let at = |conn: &mut AnyConnection, id| db::staff::sort_position(conn, &scope, id);
    let keyset = match from {
        Start::First => Keyset::First,
        Start::After(id) => at(conn, id)?.map_or(Keyset::First, |code| Keyset::After(code, id)),
        Start::Before(id) => at(conn, id)?.map_or(Keyset::First, |code| Keyset::Before(code, id)),
    };
    let mut rows = db::staff::page(conn, &scope, &text, &keyset, limit + 1)?;
    let more = rows.len() as i64 > limit;
    if more {
        // The extra record is the far end: the last one, or going back the first.
        match keyset {
            Keyset::Before(..) => drop(rows.remove(0)),
            _ => rows.truncate(limit as usize),
        }
    }
    let (has_prev, has_next) = match keyset {
        Keyset::First => (false, more),
        Keyset::After(..) => (true, more),
        Keyset::Before(..) => (more, true),
    };
    Ok(StaffPage {
        rows,
        has_prev,
        has_next,
        units: db::units::choices(conn, None, Some(&actor.unit_ids))?,
    })
}

/// A record of the actor's units, or `None` (another unit's record does not
/// exist for them).
pub fn find(conn: &mut AnyConnection, actor: &Actor, id: i32) -> ServiceResult<Option<Staff>> {
    Ok(db::staff::find(conn, id)?.filter(|s| actor.unit_ids.contains(&s.unit_id)))
}

/// The record page: the record, its open request and its contact history.
pub fn record(conn: &mut AnyConnection, actor: &Actor, id: i32) -> ServiceResult<Option<Record>> {
    let Some(s) = find(conn, actor, id)? else {
        return Ok(None);
    };
    let open = db::requests::open_for_staff(conn, id)?;
    Ok(Some((s, open, db::contact::history(conn, id)?)))
}

/// A record of the actor's units with its full T.C. number, the view
/// written to the audit log (lists and forms show the number masked).
/// `None` if the record is not the actor's (nothing is written).
pub fn reveal_tckn(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i32,
    now: NaiveDateTime,
) -> ServiceResult<Option<Staff>> {
    db::transaction(conn, |conn| {
        let Some(s) = find(conn, actor, id)? else {
            return Ok(None);
        };
        let target = format!("staff:{id}");
        audit(
            conn,
            actor,
            AuditAction::TcknShown,
            &target,
            "tam T.C. kimlik no gösterildi",
            now,
        )?;
        Ok(Some(s))
    })
}
