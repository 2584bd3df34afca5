//! Requests, their history, and the reviewer queue. Every state change goes
//! through [`apply`]: state, facts, version bump and history row together,
//! guarded by the version the user saw.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{request_history, requests, staff, staff_names, units, users};
use super::sql::{in_list, sum_big};
use crate::domain::request::{DocsWay, Reason};
use crate::domain::staff::{LineType, Operator};
use crate::domain::workflow::State;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = requests)]
pub struct Request {
    pub id: i32,
    pub staff_id: i32,
    pub unit_id: i32,
    pub state: State,
    pub reason: Reason,
    pub note: String,
    pub kvkk_ack: bool,
    pub phone: String,
    pub operator: Operator,
    pub line_type: LineType,
    pub created_by: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub version: i32,
    pub batch_id: Option<i32>,
    pub form_emailed_at: Option<NaiveDateTime>,
    pub form_signed_at: Option<NaiveDateTime>,
    pub docs_way: Option<DocsWay>,
    pub docs_ref: Option<String>,
    pub docs_sent_at: Option<NaiveDateTime>,
    pub docs_received_at: Option<NaiveDateTime>,
    pub sms_at: Option<NaiveDateTime>,
    pub produced_at: Option<NaiveDateTime>,
    pub certificate_serial: Option<String>,
    pub activated_at: Option<NaiveDateTime>,
    pub valid_until: Option<NaiveDateTime>,
    pub not_mine_at: Option<NaiveDateTime>,
    pub flagged: bool,
    pub form_token: Option<String>,
    pub payer_exception: Option<String>,
    pub ended_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = requests)]
pub struct NewRequest<'a> {
    pub staff_id: i32,
    pub unit_id: i32,
    pub state: State,
    pub reason: Reason,
    pub note: &'a str,
    pub kvkk_ack: bool,
    pub phone: &'a str,
    pub operator: Operator,
    pub line_type: LineType,
    pub created_by: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub form_token: Option<&'a str>,
}

/// The facts an action sets; `None` leaves a column as it is.
#[derive(Debug, Default, Clone, AsChangeset)]
#[diesel(table_name = requests)]
pub struct RequestUpdate {
    pub state: Option<State>,
    pub updated_at: Option<NaiveDateTime>,
    pub reason: Option<Reason>,
    pub note: Option<String>,
    pub kvkk_ack: Option<bool>,
    pub submitted_at: Option<NaiveDateTime>,
    pub batch_id: Option<i32>,
    pub form_emailed_at: Option<NaiveDateTime>,
    pub form_signed_at: Option<NaiveDateTime>,
    pub docs_way: Option<DocsWay>,
    pub docs_ref: Option<String>,
    pub docs_sent_at: Option<NaiveDateTime>,
    pub docs_received_at: Option<NaiveDateTime>,
    pub sms_at: Option<NaiveDateTime>,
    pub produced_at: Option<NaiveDateTime>,
    pub certificate_serial: Option<String>,
    pub activated_at: Option<NaiveDateTime>,
    pub valid_until: Option<NaiveDateTime>,
    pub not_mine_at: Option<NaiveDateTime>,
    pub flagged: Option<bool>,
    pub payer_exception: Option<String>,
    pub ended_at: Option<NaiveDateTime>,
}

/// One line of a request's timeline. `action` is an [`crate::domain::workflow::Action`]
/// code, or [`CREATED`] for the row that records the request's creation.
pub struct HistoryEntry<'a> {
    pub at: NaiveDateTime,
    pub actor_id: Option<i32>,
    pub action: &'a str,
    pub from_state: State,
    pub to_state: State,
    pub note: &'a str,
}

/// The history action of a request's first row.
pub const CREATED: &str = "create";

pub fn insert(conn: &mut AnyConnection, new: &NewRequest<'_>) -> QueryResult<i32> {
    diesel::insert_into(requests::table)
        .values(new)
        .returning(requests::id)
        .get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: i32) -> QueryResult<Option<Request>> {
    requests::table
        .find(id)
        .select(Request::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_form_token(conn: &mut AnyConnection, token: &str) -> QueryResult<Vec<i32>> {
    requests::table
        .filter(
            requests::form_token
                .like(format!("{}%", super::staff::escape_like(token)))
                .escape('\\'),
        )
        .select(requests::id)
        .load(conn)
}

/// The open request of a staff member, if any.
pub fn open_for_staff(conn: &mut AnyConnection, staff_id: i32) -> QueryResult<Option<i32>> {
    requests::table
        .filter(requests::staff_id.eq(staff_id))
        .filter(requests::state.eq_any(State::OPEN))
        .select(requests::id)
        .first(conn)
        .optional()
}

/// Writes an action: the update only lands if the row still has `version`.
/// Returns false when someone else changed the request first.
pub fn apply(
    conn: &mut AnyConnection,
    id: i32,
    version: i32,
    update: &RequestUpdate,
    history: &HistoryEntry<'_>,
) -> QueryResult<bool> {
    let n = diesel::update(
        requests::table
            .filter(requests::id.eq(id))
            .filter(requests::version.eq(version)),
    )
    .set((update, requests::version.eq(requests::version + 1)))
    .execute(conn)?;
    if n == 0 {
        return Ok(false);
    }
    add_history(conn, id, history)?;
    Ok(true)
}

/// Sets facts without a transition (demo data, tests).
pub fn set_facts(conn: &mut AnyConnection, id: i32, update: &RequestUpdate) -> QueryResult<()> {
    diesel::update(requests::table.find(id))
        .set(update)
        .execute(conn)
        .map(drop)
}

pub fn add_history(
    conn: &mut AnyConnection,
    request_id: i32,
    h: &HistoryEntry<'_>,
) -> QueryResult<()> {
    diesel::insert_into(request_history::table)
        .values((
            request_history::request_id.eq(request_id),
            request_history::at.eq(h.at),
            request_history::actor_id.eq(h.actor_id),
            request_history::action.eq(h.action),
            request_history::from_state.eq(h.from_state),
            request_history::to_state.eq(h.to_state),
            request_history::note.eq(h.note),
        ))
        .execute(conn)
        .map(drop)
}

#[derive(Debug, Clone, Queryable)]
pub struct HistoryRow {
    pub at: NaiveDateTime,
    pub actor: Option<String>,
    pub action: String,
    pub from_state: State,
    pub to_state: State,
    pub note: String,
}

pub fn history(conn: &mut AnyConnection, request_id: i32) -> QueryResult<Vec<HistoryRow>> {
    request_history::table
        .left_join(users::table)
        .filter(request_history::request_id.eq(request_id))
        .order(request_history::id)
        .select((
            request_history::at,
            users::name.nullable(),
            request_history::action,
            request_history::from_state,
            request_history::to_state,
            request_history::note,
        ))
        .load(conn)
}

/// A queue or list line: the request with the staff member's name and unit.
#[derive(Debug, Clone, Queryable)]
pub struct Line {
    pub id: i32,
    pub version: i32,
    pub state: State,
    pub reason: Reason,
    pub operator: Operator,
    pub created_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub sms_at: Option<NaiveDateTime>,
    pub flagged: bool,
    pub tckn: String,
    pub first_name: String,
    pub last_name: String,
    pub unit: String,
    pub province_id: i32,
}

/// Queue filters; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    pub states: Vec<State>,
    pub unit_ids: Option<Vec<i32>>,
    pub province_id: Option<i32>,
    pub unit_id: Option<i32>,
    pub operator: Option<Operator>,
    pub reason: Option<Reason>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// Name fragment (Turkish-folded), or digits: a request number or the
    /// start of a T.C. kimlik no.
    pub search: Option<String>,
    pub staff_id: Option<i32>,
    pub flagged_only: bool,
}

impl Filter {
    /// Whether anything beyond the states and the reader's units narrows
    /// the list (then the tab counts are counted for this filter).
    pub fn is_narrowed(&self) -> bool {
        self.province_id.is_some()
            || self.unit_id.is_some()
            || self.operator.is_some()
            || self.reason.is_some()
            || self.from.is_some()
            || self.to.is_some()
            || self.search.is_some()
            || self.staff_id.is_some()
            || self.flagged_only
    }

    /// Whether only units narrow it (a province, a unit): then its tab
    /// counts are sums of the kept per-unit counts.
    pub fn narrows_only_units(&self) -> bool {
        let units_only = Filter {
            province_id: None,
            unit_id: None,
            ..self.clone()
        };
        !units_only.is_narrowed()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Order {
    NewestFirst,
    OldestFirst,
}

/// Where a page starts: at the top, after the last id of the previous page,
/// or (going back) before the first id of the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cursor {
    First,
    After(i32),
    Before(i32),
}

// FTS5's full-text match (SQLite's `staff_names`).
diesel::infix_operator!(Matches, " MATCH ");

/// Applies every field of a [`Filter`] but the states to a boxed query over
/// `requests ⋈ staff ⋈ units`: one definition for the page and its counts.
macro_rules! narrowed {
    ($query:expr, $filter:expr, $sqlite:expr) => {{
        let f: &Filter = $filter;
        let mut q = $query;
        if let Some(ids) = &f.unit_ids {
            q = q.filter(in_list(requests::unit_id, ids));
        }
        if let Some(p) = f.province_id {
            let of_province = units::table
                .filter(units::province_id.eq(p))
                .select(units::id);
            q = q.filter(requests::unit_id.eq_any(of_province));
        }
        if let Some(u) = f.unit_id {
            q = q.filter(requests::unit_id.eq(u));
        }
        if let Some(o) = &f.operator {
            q = q.filter(requests::operator.eq(*o));
        }
        if let Some(r) = &f.reason {
            q = q.filter(requests::reason.eq(*r));
        }
        if let Some(from) = f.from {
            q = q.filter(requests::created_at.ge(from));
        }
        if let Some(to) = f.to {
            q = q.filter(requests::created_at.lt(to));
        }
        if let Some(s) = f.staff_id {
            q = q.filter(requests::staff_id.eq(s));
        }
        if f.flagged_only {
            q = q.filter(requests::flagged.eq(true));
        }
        match f
            .search
            .as_deref()
            .map(crate::domain::staff::search_key)
            .filter(|s| !s.is_empty())
        {
            None => {}
            Some(s) if s.chars().all(|c| c.is_ascii_digit()) => {
                // Up to 5 digits: a request number; 6 to 10: a request
                // number or the start of a T.C. (which has 11).
                let tckn = requests::staff_id.eq_any(
                    staff::table
                        .filter(staff::tckn.like(format!("{s}%")))
                        .select(staff::id),
                );
                q = match s.parse::<i32>() {
                    Ok(id) if s.len() < 6 => q.filter(requests::id.eq(id)),
                    Ok(id) if s.len() < 11 => q.filter(requests::id.eq(id).or(tckn)),
                    _ => q.filter(tckn),
                };
            }
            // Only wildcards typed: no name to look for.
            Some(s) if super::staff::name_fragment(&s).trim().is_empty() => {
                q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>("1 = 0"));
            }
            Some(s) => {
                let fragment = super::staff::name_fragment(&s);
                q = if $sqlite && fragment.chars().count() >= 3 {
                    // From three characters on, the trigram index answers
                    // a quoted phrase alone (LIKE would read every
                    // candidate's text back to check it).
                    let phrase = format!("\"{}\"", fragment.replace('"', "\"\""));
                    q.filter(
                        requests::staff_id.eq_any(
                            staff_names::table
                                .filter(Matches::new(
                                    staff_names::search_name,
                                    phrase.into_sql::<diesel::sql_types::Text>(),
                                ))
                                .select(staff_names::rowid),
                        ),
                    )
                } else if $sqlite {
                    q.filter(
                        requests::staff_id.eq_any(
                            staff_names::table
                                .filter(staff_names::search_name.like(format!("%{fragment}%")))
                                .select(staff_names::rowid),
                        ),
                    )
                } else {
                    q.filter(
                        requests::staff_id.eq_any(
                            staff::table
                                .filter(staff::search_name.like(format!("%{fragment}%")))
                                .select(staff::id),
                        ),
                    )
                };
            }
        }
        q
    }};
}

fn is_sqlite(conn: &AnyConnection) -> bool {
    matches!(conn, AnyConnection::Sqlite(_))
}

/// One page of lines by keyset on the id, from `cursor`, in `order` (a page
/// before a cursor is read backwards and turned round). Uses the (state, id)
/// and (unit_id, state, id) indexes, so the cost does not grow with the page
/// number.
pub fn page(
    conn: &mut AnyConnection,
    f: &Filter,
    order: Order,
    cursor: Cursor,
    limit: i64,
) -> QueryResult<Vec<Line>> {
    let mut q = narrowed!(
        requests::table.select(requests::id).into_boxed(),
        f,
        is_sqlite(conn)
    );
    q = match f.states.as_slice() {
        [] => q,
        // One state (a tab) as `=`, which diesel keeps prepared; an IN list
        // is parsed and planned again on every view.
        [one] => q.filter(requests::state.eq(*one)),
        many => q.filter(requests::state.eq_any(many.to_vec())),
    };
    let newest = order == Order::NewestFirst;
    let backwards = matches!(cursor, Cursor::Before(_));
    q = match cursor {
        Cursor::First => q,
        Cursor::After(a) if newest => q.filter(requests::id.lt(a)),
        Cursor::After(a) => q.filter(requests::id.gt(a)),
        Cursor::Before(b) if newest => q.filter(requests::id.gt(b)),
        Cursor::Before(b) => q.filter(requests::id.lt(b)),
    };
    let descending = newest != backwards;
    q = if descending {
        q.order(requests::id.desc())
    } else {
        q.order(requests::id.asc())
    };
    // The page's ids first, from the indexes alone where the filter allows;
    // then only those rows with their staff and unit.
    let ids: Vec<i32> = q.limit(limit).load(conn)?;
    let mut lines: Vec<Line> = requests::table
        .inner_join(staff::table)
        .inner_join(units::table)
        .filter(in_list(requests::id, &ids))
        .select((
            requests::id,
            requests::version,
            requests::state,
            requests::reason,
            requests::operator,
            requests::created_at,
            requests::submitted_at,
            requests::sms_at,
            requests::flagged,
            staff::tckn,
            staff::first_name,
            staff::last_name,
            units::name,
            units::province_id,
        ))
        .load(conn)?;
    // In the order of the ids, read the way the user goes.
    lines.sort_by_key(|l| ids.iter().position(|id| *id == l.id));
    if backwards {
        lines.reverse();
    }
    Ok(lines)
}

/// How many requests of `f` (its states aside) are in each state, and how
/// many of them are flagged: the tab counts of a narrowed list.
pub fn counts_for(conn: &mut AnyConnection, f: &Filter) -> QueryResult<(Vec<(State, i64)>, i64)> {
    use diesel::dsl::count_star;
    // One pass: per state, how many and how many of them flagged.
    let base = requests::table
        .group_by(requests::state)
        .select((requests::state, count_star(), sum_big(requests::flagged)))
        .into_boxed();
    let rows: Vec<(State, i64, i64)> = narrowed!(base, f, is_sqlite(conn)).load(conn)?;
    let flagged = rows.iter().map(|(_, _, flagged)| flagged).sum();
    Ok((rows.into_iter().map(|(s, n, _)| (s, n)).collect(), flagged))
}

/// How many requests are in each state (for the queue tabs), and how many of
/// them are flagged, optionally only for some units and only in (or outside)
/// the open states. Read from
/// `request_counts`, which triggers keep in step with every change (unit 0:
/// every unit), so this costs the same at any number of requests.
pub fn counts_by_state(
    conn: &mut AnyConnection,
    unit_ids: Option<&[i32]>,
    open: Option<bool>,
) -> QueryResult<(Vec<(State, i64)>, i64)> {
    use super::schema::request_counts as rc;
    // Summed per state by the database: a province's ~100 units would
    // otherwise send ~1 300 rows to be added up here.
    let mut q = rc::table
        .group_by(rc::state)
        .select((rc::state, sum_big(rc::n), sum_big(rc::flagged)))
        .filter(rc::n.ne(0))
        .into_boxed();
    q = match unit_ids {
        Some(ids) => q.filter(in_list(rc::unit_id, ids)),
        None => q.filter(rc::unit_id.eq(0)),
    };
    match open {
        Some(true) => q = q.filter(rc::state.eq_any(State::OPEN)),
        Some(false) => q = q.filter(rc::state.ne_all(State::OPEN)),
        None => {}
    }
    let mut counts: Vec<(State, i64)> = Vec::new();
    let mut flagged = 0;
    for (state, n, f) in q.load::<(State, i64, i64)>(conn)? {
        flagged += f;
        match counts.iter_mut().find(|(s, _)| *s == state) {
            Some((_, total)) => *total += n,
            None => counts.push((state, n)),
        }
    }
    Ok((counts, flagged))
}

/// Requests reported as "not mine", in `unit_ids` or in every unit: read
/// from the counts kept per unit and state (`request_counts.flagged`).
pub fn count_flagged(conn: &mut AnyConnection, unit_ids: Option<&[i32]>) -> QueryResult<i64> {
    use super::schema::request_counts as rc;
    let mut q = rc::table.select(sum_big(rc::flagged)).into_boxed();
    q = match unit_ids {
        Some(ids) => q.filter(in_list(rc::unit_id, ids)),
        None => q.filter(rc::unit_id.eq(0)),
    };
    q.get_result(conn)
}

/// Requests in `unit_ids` that wait for the officer to send operator documents.
pub fn count_docs_to_send(conn: &mut AnyConnection, unit_ids: &[i32]) -> QueryResult<i64> {
    requests::table
        .filter(requests::unit_id.eq_any(unit_ids))
        .filter(requests::state.eq(State::Forwarded))
        .filter(requests::docs_sent_at.is_null())
        .count()
        .get_result(conn)
}

/// Holds whose SMS was sent before `sms_before` (they end soon or have ended).
pub fn holds_ending(conn: &mut AnyConnection, sms_before: NaiveDateTime) -> QueryResult<i64> {
    use super::schema::request_counts as rc;
    // Every hold (the kept count) less those still running: the running
    // ones are the last hours' few, the ended ones can be many.
    let holds: i64 = rc::table
        .filter(rc::unit_id.eq(0))
        .filter(rc::state.eq(State::SmsHold))
        .select(rc::n)
        .first(conn)
        .optional()?
        .unwrap_or(0);
    let running: i64 = requests::table
        .filter(requests::state.eq(State::SmsHold))
        .filter(
            requests::sms_at
                .ge(sms_before)
                .or(requests::sms_at.is_null()),
        )
        .count()
        .get_result(conn)?;
    Ok(holds - running)
}

/// Active signatures valid until `until` or earlier (expiry and reminders).
pub fn active_valid_until(
    conn: &mut AnyConnection,
    until: NaiveDateTime,
) -> QueryResult<Vec<Request>> {
    requests::table
        .filter(requests::state.eq(State::Active))
        .filter(requests::valid_until.le(until))
        .select(Request::as_select())
        .load(conn)
}

/// Signatures active at some time in `[from, to)`.
pub fn count_active_between(
    conn: &mut AnyConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<i64> {
    requests::table
        .filter(requests::activated_at.lt(to))
        .filter(requests::ended_at.is_null().or(requests::ended_at.ge(from)))
        .count()
        .get_result(conn)
}

pub fn count_active_by_operator(conn: &mut AnyConnection) -> QueryResult<Vec<(Operator, i64)>> {
    requests::table
        .filter(requests::state.eq(State::Active))
        .group_by(requests::operator)
        .select((requests::operator, diesel::dsl::count_star()))
        .load(conn)
}

/// (request, staff, first name, last name, unit, valid until, phone,
/// operator) of active signatures ending by `until`, soonest first.
pub type Expiring = (
    i32,
    i32,
    String,
    String,
    String,
    NaiveDateTime,
    String,
    Operator,
);

pub fn expiring(conn: &mut AnyConnection, until: NaiveDateTime) -> QueryResult<Vec<Expiring>> {
    requests::table
        .inner_join(staff::table)
        .inner_join(units::table)
        .filter(requests::state.eq(State::Active))
        .filter(requests::valid_until.le(until))
        .order(requests::valid_until)
        .select((
            requests::id,
            staff::id,
            staff::first_name,
            staff::last_name,
            units::name,
            requests::valid_until.assume_not_null(),
            requests::phone,
            requests::operator,
        ))
        .load(conn)
}

/// (staff, phone, operator) of every active signature, optionally only in
/// some units.
pub fn active_lines(
    conn: &mut AnyConnection,
    unit_ids: Option<&[i32]>,
) -> QueryResult<Vec<(i32, String, Operator)>> {
    let mut q = requests::table
        .filter(requests::state.eq(State::Active))
        .select((requests::staff_id, requests::phone, requests::operator))
        .into_boxed();
    if let Some(ids) = unit_ids {
        q = q.filter(requests::unit_id.eq_any(ids.to_vec()));
    }
    q.load(conn)
}

pub fn by_ids(conn: &mut AnyConnection, ids: &[i32]) -> QueryResult<Vec<Request>> {
    requests::table
        .filter(requests::id.eq_any(ids))
        .select(Request::as_select())
        .load(conn)
}

/// How many ids one `IN (…)` list binds (SQLite limits bound parameters).
pub const ID_CHUNK: usize = 1000;

/// `(staff id, request id, state, ended_at, updated_at)` of every request
/// whose staff record's T.C. column does not start with `skip_prefix` (the
/// anonymised records' placeholder), by staff and request.
pub type RequestEnd = (i32, i32, State, Option<NaiveDateTime>, NaiveDateTime);

pub fn ends_by_staff(conn: &mut AnyConnection, skip_prefix: &str) -> QueryResult<Vec<RequestEnd>> {
    requests::table
        .inner_join(staff::table)
        .filter(
            staff::tckn
                .not_like(format!("{}%", super::staff::escape_like(skip_prefix)))
                .escape('\\'),
        )
        .order((requests::staff_id, requests::id))
        .select((
            requests::staff_id,
            requests::id,
            requests::state,
            requests::ended_at,
            requests::updated_at,
        ))
        .load(conn)
}

/// Clears what names or reaches the person on requests `ids`: the number,
/// the note, the operator documents' reference, the certificate serial and
/// the form token. States, dates, operator, line type, unit and fees stay
/// (`updated_at` too: it is a request's end when `ended_at` is missing).
/// Returns how many requests were written.
pub fn anonymise(conn: &mut AnyConnection, ids: &[i32]) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in ids.chunks(ID_CHUNK) {
        n += diesel::update(requests::table.filter(requests::id.eq_any(chunk)))
            .set((
                requests::phone.eq(""),
                requests::note.eq(""),
                requests::docs_ref.eq(None::<String>),
                requests::certificate_serial.eq(None::<String>),
                requests::form_token.eq(None::<String>),
            ))
            .execute(conn)?;
    }
    Ok(n)
}

/// Empties the notes of the timelines of requests `ids` (typed reasons may
/// name people); returns how many notes were cleared.
pub fn clear_history_notes(conn: &mut AnyConnection, ids: &[i32]) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in ids.chunks(ID_CHUNK) {
        n += diesel::update(
            request_history::table
                .filter(request_history::request_id.eq_any(chunk))
                .filter(request_history::note.ne("")),
        )
        .set(request_history::note.eq(""))
        .execute(conn)?;
    }
    Ok(n)
}
