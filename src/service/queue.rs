//! The request lists: the reviewers' queue over every unit and an officer's
//! list over their units, with per-state counts for the tabs and what is
//! waiting for the reader.

use std::sync::Arc;

use chrono::{Duration, NaiveDateTime, Timelike};

use super::{
    ServiceResult,
    page_cache::{DataVersion, PageCache},
};
use crate::db::{
    self, AnyConnection,
    requests::{Cursor, Filter, Line, Order},
    units::Province,
};
use crate::domain::workflow::State;

/// One page of a list. `scope`: the officer's units, or `None` for every
/// unit (reviewers).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QueueRequest {
    pub scope: Option<Vec<i32>>,
    pub filter: Filter,
    pub order: Order,
    pub cursor: Cursor,
    pub limit: i64,
}

pub struct Queue {
    /// At most `limit` lines, and whether there are pages before and after.
    pub lines: Vec<Line>,
    pub has_prev: bool,
    pub has_next: bool,
    /// Per state; for a narrowed filter (search, unit, dates, …) counted for
    /// that filter, so the tabs filter the result.
    pub counts: Vec<(State, i64)>,
    /// Requests the staff member reported as "not mine" (all-units view).
    pub flagged: i64,
    pub provinces: &'static [Province],
    /// The unit filter's choices, (id, name): the officer's units; for the
    /// all-units view the chosen province's (none before one is chosen).
    pub units: Vec<(i32, String)>,
    pub waiting: Vec<String>,
}

/// A kept queue page: the request and the minute it was read in (what is
/// waiting depends on the time: holds ending within the hour).
pub type QueueKey = (QueueRequest, NaiveDateTime);

/// The page of `q` if it is kept at `version` (no database needed).
pub fn kept_page<V>(
    kept: &PageCache<QueueKey, V>,
    q: &QueueRequest,
    now: NaiveDateTime,
    version: DataVersion,
) -> Option<Arc<V>> {
    kept.get(&(q.clone(), minute_of(now)), version)
}

/// The page of `q` as `shape` makes it (the caller's view of it), kept in
/// `kept` until the lists' data changes and at most for the minute of
/// `now`. `version`: read before this call.
pub fn page<V>(
    conn: &mut AnyConnection,
    kept: &PageCache<QueueKey, V>,
    q: QueueRequest,
    now: NaiveDateTime,
    version: DataVersion,
    shape: impl FnOnce(Queue) -> ServiceResult<V>,
) -> ServiceResult<Arc<V>> {
    let key = (q.clone(), minute_of(now));
    kept.get_or_load(conn, key, version, |conn| shape(read_page(conn, q, now)?))
}

fn minute_of(now: NaiveDateTime) -> NaiveDateTime {
    now.with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(now)
}

fn read_page(
    conn: &mut AnyConnection,
    q: QueueRequest,
    now: NaiveDateTime,
) -> ServiceResult<Queue> {
    let filter = Filter {
        unit_ids: q.scope.clone(),
        ..q.filter
    };
    let mut lines = db::requests::page(conn, &filter, q.order, q.cursor, q.limit + 1)?;
    let has_more = lines.len() as i64 > q.limit;
    if has_more {
        // The extra line is the far end: the last one, or going back the first.
        match q.cursor {
            Cursor::Before(_) => drop(lines.remove(0)),
            _ => lines.truncate(q.limit as usize),
        }
    }
    let (has_prev, has_next) = match q.cursor {
        Cursor::First => (false, has_more),
        Cursor::After(_) => (true, has_more),
        Cursor::Before(_) => (has_more, true),
    };
    let units = match (&q.scope, filter.province_id, filter.unit_id) {
        (Some(ids), _, _) => db::units::choices(conn, None, Some(ids))?,
        (None, Some(p), _) => db::units::choices(conn, Some(p), None)?,
        (None, None, Some(u)) => db::units::choices(conn, None, Some(&[u]))?,
        (None, None, None) => Vec::new(),
    };
    let (counts, flagged) = tab_counts(conn, &filter)?;
    let flagged = if q.scope.is_none() { flagged } else { 0 };
    Ok(Queue {
        lines,
        has_prev,
        has_next,
        counts,
        flagged,
        provinces: db::units::provinces(conn)?,
        waiting: waiting(conn, q.scope.as_deref(), now)?,
        units,
    })
}

/// The tabs' counts per state and the count of flagged requests. Without a
/// filter, or narrowed only to units (a province, a unit), they are read
/// from the counts kept per unit, so the cost does not grow with the number
/// of requests; any other filter is counted over the matching requests.
fn tab_counts(
    conn: &mut AnyConnection,
    filter: &Filter,
) -> ServiceResult<(Vec<(State, i64)>, i64)> {
    if !filter.narrows_only_units() {
        return Ok(db::requests::counts_for(conn, filter)?);
    }
    let units = match (filter.province_id, filter.unit_id) {
        (None, None) => filter.unit_ids.clone(),
        (province, unit) => Some(db::units::ids_within(
            conn,
            province,
            unit,
            filter.unit_ids.as_deref(),
        )?),
    };
    // Only the all-units view (reviewers) has the flagged tab.
    let (counts, flagged) = db::requests::counts_by_state(conn, units.as_deref(), None)?;
    let flagged = if filter.unit_ids.is_none() {
        flagged
    } else {
        0
    };
    Ok((counts, flagged))
}

/// Officers: documents they are to send; reviewers: holds ending within the
/// hour.
fn waiting(
    conn: &mut AnyConnection,
    scope: Option<&[i32]>,
    now: NaiveDateTime,
) -> ServiceResult<Vec<String>> {
    Ok(match scope {
        Some(ids) => {
            let docs = db::requests::count_docs_to_send(conn, ids)?;
            (docs > 0)
                .then(|| format!("{docs} talep için operatör evrakı gönderilmeyi bekliyor."))
                .into_iter()
                .collect()
        }
        None => {
            let hold = db::settings::hold_rule(conn)?;
            let ending = db::requests::holds_ending(conn, now - Duration::hours(hold.hours - 1))?;
            (ending > 0)
                .then(|| {
                    format!("{ending} talebin SMS beklemesi bir saat içinde bitiyor ya da bitti.")
                })
                .into_iter()
                .collect()
        }
    })
}
