//! "İstek bildir" threads and their messages: the asker's list and the
//! reviewers' inbox (keyset pages on the id, per-state counts, a search over
//! subject, asker and messages), one thread with its messages, and the
//! writes: a new thread, a message, an assignment, a close.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::requests::Cursor;
use super::schema::{thread_messages, threads, units, users};
use super::staff::escape_like;
use crate::domain::staff::search_key;
use crate::domain::thread::{Category, MESSAGES_MAX, ThreadState};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = threads)]
pub struct Thread {
    pub id: i32,
    pub asker_id: i32,
    pub unit_id: Option<i32>,
    pub category: Category,
    pub subject: String,
    pub request_id: Option<i32>,
    pub staff_id: Option<i32>,
    pub state: ThreadState,
    pub assignee_id: Option<i32>,
    pub message_count: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = threads)]
pub struct NewThread<'a> {
    pub asker_id: i32,
    pub unit_id: Option<i32>,
    pub category: Category,
    pub subject: &'a str,
    pub request_id: Option<i32>,
    pub staff_id: Option<i32>,
    pub state: ThreadState,
    pub search_key: &'a str,
    pub message_count: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub form_token: Option<&'a str>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = thread_messages)]
pub struct NewMessage<'a> {
    pub thread_id: i32,
    pub author_id: i32,
    pub from_reviewer: bool,
    pub body: &'a str,
    pub search_key: &'a str,
    pub created_at: NaiveDateTime,
}

/// A message as shown: who wrote it and for which side.
#[derive(Debug, Clone, Queryable)]
pub struct MessageRow {
    pub id: i32,
    pub author_id: i32,
    pub author: String,
    pub from_reviewer: bool,
    pub body: String,
    pub created_at: NaiveDateTime,
}

/// A list line: the thread with the asker's name and the unit's.
#[derive(Debug, Clone, Queryable)]
pub struct ThreadLine {
    pub id: i32,
    pub state: ThreadState,
    pub category: Category,
    pub subject: String,
    pub request_id: Option<i32>,
    pub assignee_id: Option<i32>,
    pub message_count: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub asker: String,
    pub unit: Option<String>,
}

/// Whose threads a reader reaches when not every thread: those of some
/// units, and (staff) those they asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    pub unit_ids: Vec<i32>,
    pub asker_id: Option<i32>,
}

/// List filters; every field optional. `reach: None` is every thread.
#[derive(Debug, Clone, Default)]
pub struct ThreadFilter {
    pub reach: Option<Reach>,
    pub states: Vec<ThreadState>,
    pub category: Option<Category>,
    pub assignee_id: Option<i32>,
    pub asked_by: Option<i32>,
    pub request_id: Option<i32>,
    /// Words of the subject, the asker's name or a message (Turkish-folded),
    /// or a thread number (`#12`).
    pub search: Option<String>,
}

/// Applies every field of a [`ThreadFilter`] but the states to a boxed
/// query over `threads`: one definition for the page and its counts.
macro_rules! narrowed {
    ($query:expr, $filter:expr) => {{
        let f: &ThreadFilter = $filter;
        let mut q = $query;
        if let Some(reach) = &f.reach {
            let units = reach.unit_ids.clone();
            q = match reach.asker_id {
                Some(a) => q.filter(
                    threads::unit_id
                        .assume_not_null()
                        .eq_any(units)
                        .or(threads::asker_id.eq(a)),
                ),
                None => q.filter(threads::unit_id.assume_not_null().eq_any(units)),
            };
        }
        if let Some(c) = f.category {
            q = q.filter(threads::category.eq(c));
        }
        if let Some(a) = f.assignee_id {
            q = q.filter(threads::assignee_id.eq(a));
        }
        if let Some(a) = f.asked_by {
            q = q.filter(threads::asker_id.eq(a));
        }
        if let Some(r) = f.request_id {
            q = q.filter(threads::request_id.eq(r));
        }
        if let Some(s) = f.search.as_deref() {
            let number = s.trim_start_matches('#');
            if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) {
                q = q.filter(threads::id.eq(number.parse::<i32>().unwrap_or(0)));
            } else {
                let pattern = format!("%{}%", escape_like(&search_key(s)));
                let in_messages = diesel::dsl::exists(
                    thread_messages::table
                        .filter(thread_messages::thread_id.eq(threads::id))
                        .filter(
                            thread_messages::search_key
                                .like(pattern.clone())
                                .escape('\\'),
                        ),
                );
                q = q.filter(
                    threads::search_key
                        .like(pattern)
                        .escape('\\')
                        .or(in_messages),
                );
            }
        }
        q
    }};
}

/// One page of lines by keyset on the id, newest first, from `cursor` (a
/// page before a cursor is read backwards and turned round).
pub fn page(
    conn: &mut AnyConnection,
    f: &ThreadFilter,
    cursor: Cursor,
    limit: i64,
) -> QueryResult<Vec<ThreadLine>> {
    let base = threads::table
        .inner_join(users::table.on(users::id.eq(threads::asker_id)))
        .left_join(units::table)
        .select((
            threads::id,
            threads::state,
            threads::category,
            threads::subject,
            threads::request_id,
            threads::assignee_id,
            threads::message_count,
            threads::created_at,
            threads::updated_at,
            users::name,
            units::name.nullable(),
        ))
        .into_boxed();
    let mut q = narrowed!(base, f);
    if !f.states.is_empty() {
        q = q.filter(threads::state.eq_any(f.states.clone()));
    }
    let backwards = matches!(cursor, Cursor::Before(_));
    q = match cursor {
        Cursor::First => q,
        Cursor::After(a) => q.filter(threads::id.lt(a)),
        Cursor::Before(b) => q.filter(threads::id.gt(b)),
    };
    q = if backwards {
        q.order(threads::id.asc())
    } else {
        q.order(threads::id.desc())
    };
    let mut lines: Vec<ThreadLine> = q.limit(limit).load(conn)?;
    if backwards {
        lines.reverse();
    }
    Ok(lines)
}

/// How many threads of `f` (its states aside) are in each state.
pub fn counts(conn: &mut AnyConnection, f: &ThreadFilter) -> QueryResult<Vec<(ThreadState, i64)>> {
    let base = threads::table
        .group_by(threads::state)
        .select((threads::state, diesel::dsl::count_star()))
        .into_boxed();
    narrowed!(base, f).load(conn)
}

/// How many threads of `f`, in its states if it names any.
pub fn count(conn: &mut AnyConnection, f: &ThreadFilter) -> QueryResult<i64> {
    let base = threads::table.count().into_boxed();
    let mut q = narrowed!(base, f);
    if !f.states.is_empty() {
        q = q.filter(threads::state.eq_any(f.states.clone()));
    }
    q.get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: i32) -> QueryResult<Option<Thread>> {
    threads::table
        .find(id)
        .select(Thread::as_select())
        .first(conn)
        .optional()
}

/// [`find`], locking the row for the rest of the transaction on PostgreSQL
/// (SQLite's `BEGIN IMMEDIATE` already serialises writers), so two messages
/// or actions on one thread take turns.
pub fn find_locked(conn: &mut AnyConnection, id: i32) -> QueryResult<Option<Thread>> {
    let q = threads::table.find(id);
    match conn {
        AnyConnection::Postgresql(c) => q
            .select(Thread::as_select())
            .for_update()
            .first(c)
            .optional(),
        AnyConnection::Sqlite(c) => q.select(Thread::as_select()).first(c).optional(),
    }
}

/// Locks the asker's account row for the rest of the transaction on
/// PostgreSQL, so one account's new threads are counted and written in turn.
pub fn lock_asker(conn: &mut AnyConnection, user_id: i32) -> QueryResult<()> {
    let q = users::table.find(user_id).select(users::id);
    match conn {
        AnyConnection::Postgresql(c) => q.for_update().first::<i32>(c).optional().map(drop),
        AnyConnection::Sqlite(_) => Ok(()),
    }
}

pub fn find_by_form_token(conn: &mut AnyConnection, token: &str) -> QueryResult<Option<i32>> {
    threads::table
        .filter(threads::form_token.eq(token))
        .select(threads::id)
        .first(conn)
        .optional()
}

/// Threads `asker_id` asked that are not closed.
pub fn count_not_closed_by(conn: &mut AnyConnection, asker_id: i32) -> QueryResult<i64> {
    threads::table
        .filter(threads::asker_id.eq(asker_id))
        .filter(threads::state.ne(ThreadState::Closed))
        .count()
        .get_result(conn)
}

pub fn insert(conn: &mut AnyConnection, new: &NewThread<'_>) -> QueryResult<i32> {
    diesel::insert_into(threads::table)
        .values(new)
        .returning(threads::id)
        .get_result(conn)
}

/// Adds a message and moves the thread to `state` (count, version and
/// time with it); refused by the database past [`MESSAGES_MAX`] (returns
/// `false`, nothing written).
pub fn add_message(
    conn: &mut AnyConnection,
    m: &NewMessage<'_>,
    state: ThreadState,
) -> QueryResult<bool> {
    let bumped = diesel::update(
        threads::table
            .find(m.thread_id)
            .filter(threads::message_count.lt(MESSAGES_MAX)),
    )
    .set((
        threads::message_count.eq(threads::message_count + 1),
        threads::state.eq(state),
        threads::version.eq(threads::version + 1),
        threads::updated_at.eq(m.created_at),
    ))
    .execute(conn)?;
    if bumped == 0 {
        return Ok(false);
    }
    diesel::insert_into(thread_messages::table)
        .values(m)
        .execute(conn)?;
    Ok(true)
}

/// The last message of a thread: (author, body).
pub fn last_message(
    conn: &mut AnyConnection,
    thread_id: i32,
) -> QueryResult<Option<(i32, String)>> {
    thread_messages::table
        .filter(thread_messages::thread_id.eq(thread_id))
        .order(thread_messages::id.desc())
        .select((thread_messages::author_id, thread_messages::body))
        .first(conn)
        .optional()
}

/// Sets state and assignee if the thread is still at `version`; whether it was.
pub fn set_state(
    conn: &mut AnyConnection,
    id: i32,
    version: i32,
    state: ThreadState,
    assignee_id: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(threads::table.find(id).filter(threads::version.eq(version)))
        .set((
            threads::state.eq(state),
            threads::assignee_id.eq(assignee_id),
            threads::version.eq(threads::version + 1),
            threads::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// A thread's messages, oldest first.
pub fn messages(conn: &mut AnyConnection, thread_id: i32) -> QueryResult<Vec<MessageRow>> {
    thread_messages::table
        .inner_join(users::table)
        .filter(thread_messages::thread_id.eq(thread_id))
        .order(thread_messages::id)
        .select((
            thread_messages::id,
            thread_messages::author_id,
            users::name,
            thread_messages::from_reviewer,
            thread_messages::body,
            thread_messages::created_at,
        ))
        .load(conn)
}

/// (id, name, e-mail) of the accounts `ids`.
pub fn people(conn: &mut AnyConnection, ids: &[i32]) -> QueryResult<Vec<(i32, String, String)>> {
    users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::name, users::email))
        .load(conn)
}
