//! Accounts with their roles and (for officers) units.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{user_roles, user_units, users};
use crate::domain::role::Role;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub active: bool,
    pub is_demo: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub active: bool,
    pub is_demo: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub active: bool,
    pub updated_at: NaiveDateTime,
}

/// A user with what they may do: roles and officer units.
#[derive(Debug, Clone)]
pub struct UserAccess {
    pub user: User,
    pub roles: Vec<Role>,
    pub unit_ids: Vec<i32>,
}

pub fn find(conn: &mut AnyConnection, id: i32) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_email(conn: &mut AnyConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn email_taken(
    conn: &mut AnyConnection,
    email: &str,
    except: Option<i32>,
) -> QueryResult<bool> {
    let mut q = users::table.filter(users::email.eq(email)).into_boxed();
    if let Some(id) = except {
        q = q.filter(users::id.ne(id));
    }
    Ok(q.count().get_result::<i64>(conn)? > 0)
}

pub fn roles_of(conn: &mut AnyConnection, user_id: i32) -> QueryResult<Vec<Role>> {
    let codes: Vec<String> = user_roles::table
        .filter(user_roles::user_id.eq(user_id))
        .select(user_roles::role)
        .load(conn)?;
    let mut roles: Vec<Role> = codes.iter().filter_map(|c| Role::from_code(c)).collect();
    roles.sort();
    Ok(roles)
}

pub fn units_of(conn: &mut AnyConnection, user_id: i32) -> QueryResult<Vec<i32>> {
    user_units::table
        .filter(user_units::user_id.eq(user_id))
        .select(user_units::unit_id)
        .order(user_units::unit_id)
        .load(conn)
}

pub fn access(conn: &mut AnyConnection, user: User) -> QueryResult<UserAccess> {
    let roles = roles_of(conn, user.id)?;
    let unit_ids = units_of(conn, user.id)?;
    Ok(UserAccess {
        user,
        roles,
        unit_ids,
    })
}

pub fn create(
    conn: &mut AnyConnection,
    new: &NewUser<'_>,
    roles: &[Role],
    unit_ids: &[i32],
) -> QueryResult<i32> {
    let id = diesel::insert_into(users::table)
        .values(new)
        .returning(users::id)
        .get_result(conn)?;
    set_access(conn, id, roles, unit_ids)?;
    Ok(id)
}

pub fn update(
    conn: &mut AnyConnection,
    id: i32,
    changes: &UserChanges<'_>,
    roles: &[Role],
    unit_ids: &[i32],
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(changes)
        .execute(conn)?;
    set_access(conn, id, roles, unit_ids)
}

fn set_access(
    conn: &mut AnyConnection,
    id: i32,
    roles: &[Role],
    unit_ids: &[i32],
) -> QueryResult<()> {
    diesel::delete(user_roles::table.filter(user_roles::user_id.eq(id))).execute(conn)?;
    diesel::delete(user_units::table.filter(user_units::user_id.eq(id))).execute(conn)?;
    for role in roles {
        diesel::insert_into(user_roles::table)
            .values((user_roles::user_id.eq(id), user_roles::role.eq(role.code())))
            .execute(conn)?;
    }
    for unit in unit_ids {
        diesel::insert_into(user_units::table)
            .values((user_units::user_id.eq(id), user_units::unit_id.eq(unit)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn set_password(
    conn: &mut AnyConnection,
    id: i32,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
        .execute(conn)
        .map(drop)
}

/// Every user with roles and units, for the admin list (three queries, not N+1).
pub fn list_with_access(conn: &mut AnyConnection) -> QueryResult<Vec<UserAccess>> {
    let all: Vec<User> = users::table.select(User::as_select()).load(conn)?;
    let roles: Vec<(i32, String)> = user_roles::table
        .select((user_roles::user_id, user_roles::role))
        .load(conn)?;
    let units: Vec<(i32, i32)> = user_units::table
        .select((user_units::user_id, user_units::unit_id))
        .load(conn)?;
    let mut out: Vec<UserAccess> = all
        .into_iter()
        .map(|user| {
            let mut r: Vec<Role> = roles
                .iter()
                .filter(|(u, _)| *u == user.id)
                .filter_map(|(_, c)| Role::from_code(c))
                .collect();
            r.sort();
            let u = units
                .iter()
                .filter(|(u, _)| *u == user.id)
                .map(|(_, unit)| *unit)
                .collect();
            UserAccess {
                user,
                roles: r,
                unit_ids: u,
            }
        })
        .collect();
    out.sort_by_cached_key(|a| crate::domain::text::sort_key(&a.user.name));
    Ok(out)
}

pub fn count_real(conn: &mut AnyConnection) -> QueryResult<i64> {
    users::table
        .filter(users::is_demo.eq(false))
        .count()
        .get_result(conn)
}

pub fn count_all(conn: &mut AnyConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

pub fn demo_users(conn: &mut AnyConnection) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::is_demo.eq(true))
        .order(users::id)
        .select(User::as_select())
        .load(conn)
}
