//! Staff records, always read through a unit scope.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{staff, units};
use super::sql::in_list;
use crate::domain::contact::Contact;
use crate::domain::staff::{LineType, Operator, ValidStaff};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = staff)]
pub struct Staff {
    pub id: i32,
    pub tckn: String,
    pub first_name: String,
    pub last_name: String,
    pub sicil_no: String,
    pub title: String,
    pub unit_id: i32,
    pub email: String,
    pub phone: String,
    pub operator: Operator,
    pub line_type: LineType,
    pub has_signature: bool,
    pub search_name: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Staff {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// The line on file.
    pub fn contact(&self) -> Contact {
        Contact {
            phone: self.phone.clone(),
            operator: self.operator,
            line_type: self.line_type,
            has_signature: self.has_signature,
        }
    }
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = staff)]
pub struct StaffValues<'a> {
    pub tckn: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub sicil_no: &'a str,
    pub title: &'a str,
    pub unit_id: i32,
    pub email: &'a str,
    pub phone: &'a str,
    pub operator: Operator,
    pub line_type: LineType,
    pub has_signature: bool,
    pub search_name: &'a str,
    /// [`sort_name`] of the first and last name.
    pub sort_name: String,
    pub updated_at: NaiveDateTime,
}

/// What a record stores to be listed in Turkish order: the sort code of
/// "first last", as the list shows the name.
pub fn sort_name(first: &str, last: &str) -> String {
    crate::domain::text::sort_code(&format!("{first} {last}"))
}

pub fn values<'a>(
    v: &'a ValidStaff,
    unit_id: i32,
    search_name: &'a str,
    now: NaiveDateTime,
) -> StaffValues<'a> {
    StaffValues {
        tckn: v.tckn.as_str(),
        first_name: &v.first_name,
        last_name: &v.last_name,
        sicil_no: &v.sicil_no,
        title: &v.title,
        unit_id,
        email: v.email.as_str(),
        phone: v.phone.as_str(),
        operator: v.operator,
        line_type: v.line_type,
        has_signature: v.has_signature,
        search_name,
        sort_name: sort_name(&v.first_name, &v.last_name),
        updated_at: now,
    }
}

pub fn insert(
    conn: &mut AnyConnection,
    v: &StaffValues<'_>,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(staff::table)
        .values((v, staff::created_at.eq(now)))
        .returning(staff::id)
        .get_result(conn)
}

pub fn update(conn: &mut AnyConnection, id: i32, v: &StaffValues<'_>) -> QueryResult<()> {
    diesel::update(staff::table.find(id))
        .set(v)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut AnyConnection, id: i32) -> QueryResult<Option<Staff>> {
    staff::table
        .find(id)
        .select(Staff::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_tckn(conn: &mut AnyConnection, tckn: &str) -> QueryResult<Option<Staff>> {
    staff::table
        .filter(staff::tckn.eq(tckn))
        .select(Staff::as_select())
        .first(conn)
        .optional()
}

/// Every staff member with their unit's name, optionally only in some units.
pub fn with_unit_names(
    conn: &mut AnyConnection,
    unit_ids: Option<&[i32]>,
) -> QueryResult<Vec<(Staff, String)>> {
    let mut q = staff::table
        .inner_join(units::table)
        .select((Staff::as_select(), units::name))
        .into_boxed();
    if let Some(ids) = unit_ids {
        q = q.filter(staff::unit_id.eq_any(ids.to_vec()));
    }
    q.load(conn)
}

/// Staff with one of these T.C. numbers or e-mails, in chunks (SQLite
/// limits the number of bound parameters).
pub fn matching(
    conn: &mut AnyConnection,
    tcs: &[String],
    emails: &[String],
) -> QueryResult<Vec<Staff>> {
    let mut out: Vec<Staff> = Vec::new();
    for chunk in tcs.chunks(5000) {
        out.extend(
            staff::table
                .filter(staff::tckn.eq_any(chunk))
                .select(Staff::as_select())
                .load(conn)?,
        );
    }
    for chunk in emails.chunks(5000) {
        out.extend(
            staff::table
                .filter(staff::email.eq_any(chunk))
                .select(Staff::as_select())
                .load(conn)?,
        );
    }
    out.sort_by_key(|s| s.id);
    out.dedup_by_key(|s| s.id);
    Ok(out)
}

pub fn find_by_email(conn: &mut AnyConnection, email: &str) -> QueryResult<Option<Staff>> {
    staff::table
        .filter(staff::email.eq(email))
        .select(Staff::as_select())
        .first(conn)
        .optional()
}

/// Whose TC or e-mail is already taken by another record (for friendly messages).
pub fn conflicts(
    conn: &mut AnyConnection,
    tckn: &str,
    email: &str,
    except: Option<i32>,
) -> QueryResult<(bool, bool)> {
    let mut q = staff::table.filter(staff::tckn.eq(tckn)).into_boxed();
    let mut e = staff::table.filter(staff::email.eq(email)).into_boxed();
    if let Some(id) = except {
        q = q.filter(staff::id.ne(id));
        e = e.filter(staff::id.ne(id));
    }
    Ok((
        q.count().get_result::<i64>(conn)? > 0,
        e.count().get_result::<i64>(conn)? > 0,
    ))
}

/// Where a page of the staff list starts: at the top, after a record or
/// (going back) before one, by (sort code, id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keyset {
    First,
    After(String, i32),
    Before(String, i32),
}

/// The sort code of record `id` if it is in `unit_ids`: where a page starts.
pub fn sort_position(
    conn: &mut AnyConnection,
    unit_ids: &[i32],
    id: i32,
) -> QueryResult<Option<String>> {
    staff::table
        .filter(staff::id.eq(id))
        .filter(in_list(staff::unit_id, unit_ids))
        .select(staff::sort_name)
        .first(conn)
        .optional()
}

/// A page of the staff of `unit_ids` whose name contains `q` (folded) or
/// whose T.C. starts with it, in Turkish order, with their unit names: at
/// most `limit` from `from`, in reading order. The page's ids come from the
/// (unit, sort code, id, folded name) index alone (for one unit in its order;
/// for several, the units' index entries sorted); then only those rows are
/// read.
pub fn page(
    conn: &mut AnyConnection,
    unit_ids: &[i32],
    q: &str,
    from: &Keyset,
    limit: i64,
) -> QueryResult<Vec<(Staff, String)>> {
    let folded = crate::domain::staff::search_key(q);
    let backwards = matches!(from, Keyset::Before(..));
    let mut ids = staff::table
        .filter(in_list(staff::unit_id, unit_ids))
        .select(staff::id)
        .into_boxed();
    if !folded.is_empty() {
        ids = if folded.chars().all(|c| c.is_ascii_digit()) {
            ids.filter(staff::tckn.like(format!("{folded}%")))
        } else {
            ids.filter(
                staff::search_name
                    .like(format!("%{}%", escape_like(&folded)))
                    .escape('\\'),
            )
        };
    }
    ids = match from {
        Keyset::First => ids,
        Keyset::After(code, id) => ids.filter(
            staff::sort_name
                .gt(code.clone())
                .or(staff::sort_name.eq(code.clone()).and(staff::id.gt(id))),
        ),
        Keyset::Before(code, id) => ids.filter(
            staff::sort_name
                .lt(code.clone())
                .or(staff::sort_name.eq(code.clone()).and(staff::id.lt(id))),
        ),
    };
    ids = if backwards {
        ids.order((staff::sort_name.desc(), staff::id.desc()))
    } else {
        ids.order((staff::sort_name.asc(), staff::id.asc()))
    };
    let mut ids: Vec<i32> = ids.limit(limit).load(conn)?;
    if backwards {
        ids.reverse();
    }
    let mut rows: Vec<(Staff, String)> = staff::table
        .inner_join(units::table)
        .filter(in_list(staff::id, &ids))
        .select((Staff::as_select(), units::name))
        .load(conn)?;
    rows.sort_by_key(|(s, _)| ids.iter().position(|id| *id == s.id));
    Ok(rows)
}

/// Records whose sort code is not stored yet (written before the column
/// existed, or bulk-loaded by the scale demo): fills it, 1 000 records per
/// transaction. Returns how many.
pub fn fill_sort_names(conn: &mut AnyConnection) -> QueryResult<usize> {
    let mut filled = 0;
    loop {
        let batch: Vec<(i32, String, String)> = staff::table
            .filter(staff::sort_name.eq(""))
            .select((staff::id, staff::first_name, staff::last_name))
            .limit(1000)
            .load(conn)?;
        if batch.is_empty() {
            return Ok(filled);
        }
        filled += batch.len();
        super::transaction(conn, |conn| {
            for (id, first, last) in &batch {
                diesel::update(staff::table.find(id))
                    .set(staff::sort_name.eq(sort_name(first, last)))
                    .execute(conn)?;
            }
            QueryResult::Ok(())
        })?;
    }
}

/// A name search's fragment for `LIKE '%…%'`: the folded text without `%`
/// and `_` (no name holds them), so no ESCAPE clause is needed, which
/// SQLite's trigram index would not serve.
pub fn name_fragment(folded: &str) -> String {
    folded.chars().filter(|c| !matches!(c, '%' | '_')).collect()
}

pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

pub fn by_ids(conn: &mut AnyConnection, ids: &[i32]) -> QueryResult<Vec<Staff>> {
    staff::table
        .filter(staff::id.eq_any(ids))
        .select(Staff::as_select())
        .load(conn)
}

pub fn set_has_signature(
    conn: &mut AnyConnection,
    id: i32,
    value: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(staff::table.find(id))
        .set((staff::has_signature.eq(value), staff::updated_at.eq(now)))
        .execute(conn)
        .map(drop)
}

/// What an anonymised record holds in the columns that name or reach the
/// person (unit, operator and line type stay).
#[derive(Debug, AsChangeset)]
#[diesel(table_name = staff)]
pub struct Anonymous<'a> {
    pub tckn: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub sicil_no: &'a str,
    pub title: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub has_signature: bool,
    pub search_name: &'a str,
    pub sort_name: String,
    pub updated_at: NaiveDateTime,
}

pub fn anonymise(conn: &mut AnyConnection, id: i32, v: &Anonymous<'_>) -> QueryResult<usize> {
    diesel::update(staff::table.find(id)).set(v).execute(conn)
}
