//! Provinces (fixed, from the migrations) and the units admins manage.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{provinces, units, user_units};
use super::sql::in_list;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = provinces)]
pub struct Province {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = units)]
pub struct Unit {
    pub id: i32,
    pub province_id: i32,
    pub name: String,
    pub kind: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = units)]
pub struct NewUnit<'a> {
    pub province_id: i32,
    pub name: &'a str,
    pub kind: &'a str,
    pub active: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = units)]
pub struct UnitChanges<'a> {
    pub province_id: i32,
    pub name: &'a str,
    pub kind: &'a str,
    pub active: bool,
}

/// A unit with its province name and how many officers it has.
#[derive(Debug, Clone)]
pub struct UnitRow {
    pub unit: Unit,
    pub province: String,
    pub officers: i64,
}

/// The 81 provinces by plate code. They are fixed (the migrations write
/// them; nothing changes them), so they are read once per process: the
/// queue's and the reports' filters list them on every view.
pub fn provinces(conn: &mut AnyConnection) -> QueryResult<&'static [Province]> {
    static PROVINCES: std::sync::OnceLock<Vec<Province>> = std::sync::OnceLock::new();
    if let Some(all) = PROVINCES.get() {
        return Ok(all);
    }
    let all = provinces::table
        .order(provinces::id)
        .select(Province::as_select())
        .load(conn)?;
    Ok(PROVINCES.get_or_init(|| all))
}

pub fn province_exists(conn: &mut AnyConnection, id: i32) -> QueryResult<bool> {
    Ok(provinces::table.find(id).count().get_result::<i64>(conn)? > 0)
}

pub fn find(conn: &mut AnyConnection, id: i32) -> QueryResult<Option<Unit>> {
    units::table
        .find(id)
        .select(Unit::as_select())
        .first(conn)
        .optional()
}

/// All units ordered by province plate code, then Turkish alphabetical name.
pub fn list(conn: &mut AnyConnection) -> QueryResult<Vec<UnitRow>> {
    rows(conn, None)
}

/// The units `ids` (a reader's own), in the order of [`list`].
pub fn list_of(conn: &mut AnyConnection, ids: &[i32]) -> QueryResult<Vec<UnitRow>> {
    rows(conn, Some(ids))
}

fn rows(conn: &mut AnyConnection, ids: Option<&[i32]>) -> QueryResult<Vec<UnitRow>> {
    let mut q = units::table
        .inner_join(provinces::table)
        .select((Unit::as_select(), provinces::name))
        .into_boxed();
    let mut counted = user_units::table
        .group_by(user_units::unit_id)
        .select((user_units::unit_id, diesel::dsl::count_star()))
        .into_boxed();
    if let Some(ids) = ids {
        q = q.filter(in_list(units::id, ids));
        counted = counted.filter(user_units::unit_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<(Unit, String)> = q.load(conn)?;
    let counts: std::collections::HashMap<i32, i64> =
        counted.load::<(i32, i64)>(conn)?.into_iter().collect();
    let mut out: Vec<UnitRow> = rows
        .into_iter()
        .map(|(unit, province)| UnitRow {
            officers: counts.get(&unit.id).copied().unwrap_or(0),
            unit,
            province,
        })
        .collect();
    out.sort_by_cached_key(|r| {
        (
            r.unit.province_id,
            crate::domain::text::sort_key(&r.unit.name),
        )
    });
    Ok(out)
}

pub fn name_taken(
    conn: &mut AnyConnection,
    province_id: i32,
    name: &str,
    except: Option<i32>,
) -> QueryResult<bool> {
    let mut q = units::table
        .filter(units::province_id.eq(province_id))
        .filter(units::name.eq(name))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(units::id.ne(id));
    }
    Ok(q.count().get_result::<i64>(conn)? > 0)
}

pub fn create(conn: &mut AnyConnection, new: &NewUnit<'_>) -> QueryResult<i32> {
    diesel::insert_into(units::table)
        .values(new)
        .returning(units::id)
        .get_result(conn)
}

pub fn update(conn: &mut AnyConnection, id: i32, changes: &UnitChanges<'_>) -> QueryResult<()> {
    diesel::update(units::table.find(id))
        .set(changes)
        .execute(conn)
        .map(drop)
}

/// Of `ids`, the ones that exist and are active.
pub fn active_ids(conn: &mut AnyConnection, ids: &[i32]) -> QueryResult<Vec<i32>> {
    units::table
        .filter(units::id.eq_any(ids))
        .filter(units::active.eq(true))
        .select(units::id)
        .load(conn)
}

/// `(id, name)` of the units among `ids`, in Turkish order of name.
pub fn names(conn: &mut AnyConnection, ids: &[i32]) -> QueryResult<Vec<(i32, String)>> {
    let mut out: Vec<(i32, String)> = units::table
        .filter(units::id.eq_any(ids))
        .select((units::id, units::name))
        .load(conn)?;
    out.sort_by_cached_key(|(_, name)| crate::domain::text::sort_key(name));
    Ok(out)
}

/// `06 Ankara`: a province as the admin pages show it.
pub fn province_label(conn: &mut AnyConnection, id: i32) -> QueryResult<String> {
    let name: Option<String> = provinces::table
        .find(id)
        .select(provinces::name)
        .first(conn)
        .optional()?;
    Ok(format!("{id:02} {}", name.unwrap_or_default()))
}

/// Units a list filter offers, as (id, name) in Turkish order: those of
/// `province` and/or those with the given ids. (The all-units queue offers
/// a province's units once a province is picked, not all ~1 000 at once.)
pub fn choices(
    conn: &mut AnyConnection,
    province: Option<i32>,
    ids: Option<&[i32]>,
) -> QueryResult<Vec<(i32, String)>> {
    let mut q = units::table.select((units::id, units::name)).into_boxed();
    if let Some(p) = province {
        q = q.filter(units::province_id.eq(p));
    }
    if let Some(ids) = ids {
        q = q.filter(in_list(units::id, ids));
    }
    let mut rows: Vec<(i32, String)> = q.load(conn)?;
    rows.sort_by_cached_key(|(_, name)| crate::domain::text::sort_key(name));
    Ok(rows)
}

/// Ids of the units in `province` (if given), equal to `unit` (if given) and
/// among `scope` (if given).
pub fn ids_within(
    conn: &mut AnyConnection,
    province: Option<i32>,
    unit: Option<i32>,
    scope: Option<&[i32]>,
) -> QueryResult<Vec<i32>> {
    let mut q = units::table.select(units::id).into_boxed();
    if let Some(p) = province {
        q = q.filter(units::province_id.eq(p));
    }
    if let Some(u) = unit {
        q = q.filter(units::id.eq(u));
    }
    if let Some(ids) = scope {
        q = q.filter(in_list(units::id, ids));
    }
    q.load(conn)
}

/// (id, province id, name) of every unit, unsorted: for naming groups.
pub fn placed(conn: &mut AnyConnection) -> QueryResult<Vec<(i32, i32, String)>> {
    units::table
        .select((units::id, units::province_id, units::name))
        .load(conn)
}
