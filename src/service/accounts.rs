//! Accounts: login (the database side: throttling counts, the attempt log,
//! the session row), logout, password change, and users with their roles and
//! units. Password hashing stays with the caller, off the request threads;
//! these functions take hashes, never passwords.

use chrono::NaiveDateTime;

use super::{Actor, ServiceResult, audit};
use crate::db::{self, AnyConnection, units::UnitRow, users::NewUser, users::UserAccess};
use crate::db::{auth::Session, users::UserChanges};
use crate::domain::audit::{
    AuditAction, active_label, change, change_or_same, list_or_none, target,
};
use crate::domain::auth::{is_throttled, throttle_window};
use crate::domain::email::Email;
use crate::domain::role::Role;

/// The first half of a login, before the password is checked. Throttling is
/// keyed on the address as typed, known or not, so the lock-out tells nothing
/// about which accounts exist.
#[derive(Debug, Clone)]
pub struct LoginStart {
    pub throttled: bool,
    /// The attempt, already recorded as a failure: it counts towards the
    /// lock-out before any password is checked, and becomes a success only
    /// when the password verifies.
    pub attempt_id: i64,
    /// The active account of that address: its id and password hash (not
    /// looked up for a throttled attempt).
    pub account: Option<(i32, String)>,
}

/// Counts recent failures for `email` (lower-cased, trimmed) and `ip` and
/// records this attempt as a failure, as one serialised step: of any number
/// of simultaneous attempts for one address, at most
/// [`crate::domain::auth::MAX_FAILURES_PER_ACCOUNT`] get a password check.
/// A throttled attempt is audited here; the others in [`finish_login`].
pub fn begin_login(
    conn: &mut AnyConnection,
    email: &str,
    ip: &str,
    now: NaiveDateTime,
) -> ServiceResult<LoginStart> {
    db::transaction(conn, |conn| {
        db::auth::lock_login_attempts(conn)?;
        let failures = db::auth::recent_failures(conn, email, ip, now - throttle_window())?;
        let attempt_id = db::auth::record_attempt(conn, email, ip, now, false)?;
        let throttled = is_throttled(failures);
        if throttled {
            audit(
                conn,
                &Actor::system(ip),
                LoginOutcome::Throttled.action(),
                email,
                "",
                now,
            )?;
        }
        let account = if throttled {
            None
        } else {
            db::users::find_by_email(conn, email)?
                .filter(|u| u.active)
                .map(|u| (u.id, u.password_hash))
        };
        Ok(LoginStart {
            throttled,
            attempt_id,
            account,
        })
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginOutcome {
    Throttled,
    Failed,
    LoggedIn,
}

impl LoginOutcome {
    /// A login succeeds only unthrottled, with a verified password of an
    /// active account.
    pub fn of(throttled: bool, verified: bool, has_account: bool) -> Self {
        match (throttled, verified, has_account) {
            (true, _, _) => LoginOutcome::Throttled,
            (false, true, true) => LoginOutcome::LoggedIn,
            _ => LoginOutcome::Failed,
        }
    }

    fn action(self) -> AuditAction {
        match self {
            LoginOutcome::Throttled => AuditAction::LoginThrottled,
            LoginOutcome::Failed => AuditAction::LoginFailed,
            LoginOutcome::LoggedIn => AuditAction::LoginSuccess,
        }
    }
}

/// A checked (unthrottled) login attempt as decided by the caller.
#[derive(Debug, Clone)]
pub struct LoginAttempt {
    pub attempt_id: i64,
    /// The address as typed, trimmed and lower-cased.
    pub email: String,
    pub ip: String,
    pub user_agent: String,
    /// The new session's id (hash of the cookie token), used on success.
    pub session_id: String,
    pub user_id: Option<i32>,
    pub outcome: LoginOutcome,
}

/// After the password check: on success the attempt becomes a success and
/// the session is created; the audit row either way, in one transaction.
pub fn finish_login(
    conn: &mut AnyConnection,
    attempt: LoginAttempt,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    let success = attempt.outcome == LoginOutcome::LoggedIn;
    let user_id = attempt.user_id.filter(|_| success);
    let mut actor = Actor::system(&attempt.ip);
    actor.id = user_id;
    db::transaction(conn, |conn| {
        if let Some(uid) = user_id {
            db::auth::mark_attempt_succeeded(conn, attempt.attempt_id)?;
            let session = Session {
                id: attempt.session_id.clone(),
                user_id: uid,
                created_at: now,
                last_seen_at: now,
                ip: attempt.ip.clone(),
                user_agent: attempt.user_agent.clone(),
            };
            db::auth::create_session(conn, &session)?;
        }
        audit(
            conn,
            &actor,
            attempt.outcome.action(),
            &attempt.email,
            "",
            now,
        )
    })
}

/// Ends the session `session_id` of the actor.
pub fn logout(
    conn: &mut AnyConnection,
    actor: &Actor,
    session_id: &str,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    db::transaction(conn, |conn| {
        db::auth::delete_session(conn, session_id)?;
        audit(conn, actor, AuditAction::Logout, &actor.email, "", now)
    })
}

/// The stored password hash of a user, if the user exists.
pub fn password_hash(conn: &mut AnyConnection, user_id: i32) -> ServiceResult<Option<String>> {
    Ok(db::users::find(conn, user_id)?.map(|u| u.password_hash))
}

/// Sets the actor's own password (already hashed) and ends their other
/// sessions (all but `keep_session`); returns how many were ended.
pub fn change_password(
    conn: &mut AnyConnection,
    actor: &Actor,
    hash: &str,
    keep_session: &str,
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    let id = actor
        .id
        .ok_or_else(|| anyhow::anyhow!("password change without a user"))?;
    db::transaction(conn, |conn| {
        db::users::set_password(conn, id, hash, now)?;
        let ended = db::auth::delete_user_sessions(conn, id, Some(keep_session))?;
        let detail = format!("diğer {ended} oturum kapatıldı");
        audit(
            conn,
            actor,
            AuditAction::PasswordChanged,
            &actor.email,
            &detail,
            now,
        )?;
        Ok(ended)
    })
}

/// Every user with roles and units, and the units (for their names).
pub fn users_with_units(
    conn: &mut AnyConnection,
) -> ServiceResult<(Vec<UserAccess>, Vec<UnitRow>)> {
    Ok((db::users::list_with_access(conn)?, db::units::list(conn)?))
}

/// One user with roles and units.
pub fn user_access(conn: &mut AnyConnection, id: i32) -> ServiceResult<Option<UserAccess>> {
    match db::users::find(conn, id)? {
        Some(u) => Ok(Some(db::users::access(conn, u)?)),
        None => Ok(None),
    }
}

/// A user as an admin saves them, validated.
#[derive(Debug, Clone)]
pub struct UserInput {
    pub name: String,
    pub email: Email,
    pub roles: Vec<Role>,
    pub units: Vec<i32>,
    pub active: bool,
}

impl UserInput {
    fn roles_text(&self) -> String {
        roles_text(&self.roles)
    }
}

fn roles_text(roles: &[Role]) -> String {
    let mut roles = roles.to_vec();
    roles.sort();
    roles.dedup();
    let labels: Vec<String> = roles.iter().map(|r| r.label().to_owned()).collect();
    list_or_none(&labels)
}

/// The units' names, as the audit detail shows them.
fn units_text(conn: &mut AnyConnection, ids: &[i32]) -> ServiceResult<String> {
    let names: Vec<String> = db::units::names(conn, ids)?
        .into_iter()
        .map(|(_, name)| name)
        .collect();
    Ok(list_or_none(&names))
}

fn password_text(set: bool) -> &'static str {
    if set { "ayarlandı" } else { "değişmedi" }
}

/// The audit detail of a new user, in Turkish.
fn created_detail(conn: &mut AnyConnection, input: &UserInput) -> ServiceResult<String> {
    Ok(format!(
        "E-posta: {}; roller: {}; birimler: {}; durum: {}",
        input.email,
        input.roles_text(),
        units_text(conn, &input.units)?,
        active_label(input.active)
    ))
}

/// The audit detail of a user update: old → new roles and units (always),
/// and whatever else changed.
fn updated_detail(
    conn: &mut AnyConnection,
    old: &UserAccess,
    input: &UserInput,
    password_set: bool,
) -> ServiceResult<String> {
    let mut parts = vec![
        change_or_same("Roller", &roles_text(&old.roles), &input.roles_text()),
        change_or_same(
            "Birimler",
            &units_text(conn, &old.unit_ids)?,
            &units_text(conn, &input.units)?,
        ),
    ];
    parts.extend(change("Ad", &old.user.name, &input.name));
    parts.extend(change("E-posta", &old.user.email, input.email.as_str()));
    parts.extend(change(
        "Durum",
        active_label(old.user.active),
        active_label(input.active),
    ));
    parts.push(format!("Parola: {}", password_text(password_set)));
    Ok(parts.join("; "))
}

/// What saving a user did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserSaved {
    Done(i32),
    NotFound,
    /// Another user has this e-mail address; nothing written.
    EmailTaken,
    /// One of the units does not exist or is inactive; nothing written.
    UnknownUnit,
}

/// Why the user cannot be saved as given, if anything does.
fn refusal(
    conn: &mut AnyConnection,
    input: &UserInput,
    editing: Option<i32>,
) -> ServiceResult<Option<UserSaved>> {
    if db::users::email_taken(conn, input.email.as_str(), editing)? {
        return Ok(Some(UserSaved::EmailTaken));
    }
    if db::units::active_ids(conn, &input.units)?.len() != input.units.len() {
        return Ok(Some(UserSaved::UnknownUnit));
    }
    Ok(None)
}

/// Creates an active user with the password `hash`.
pub fn create_user(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: &UserInput,
    hash: &str,
    demo: bool,
    now: NaiveDateTime,
) -> ServiceResult<UserSaved> {
    db::transaction(conn, |conn| {
        if let Some(refused) = refusal(conn, input, None)? {
            return Ok(refused);
        }
        let new = NewUser {
            email: input.email.as_str(),
            name: &input.name,
            password_hash: hash,
            active: true,
            is_demo: demo,
            created_at: now,
            updated_at: now,
        };
        let id = db::users::create(conn, &new, &input.roles, &input.units)?;
        let detail = created_detail(conn, input)?;
        audit(
            conn,
            actor,
            AuditAction::UserCreated,
            &target("user", id),
            &detail,
            now,
        )?;
        Ok(UserSaved::Done(id))
    })
}

/// Updates user `id`, and their password when `hash` is given. Deactivation
/// or a password reset ends the user's sessions.
pub fn update_user(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i32,
    input: &UserInput,
    hash: Option<&str>,
    now: NaiveDateTime,
) -> ServiceResult<UserSaved> {
    db::transaction(conn, |conn| {
        let Some(old) = db::users::find(conn, id)? else {
            return Ok(UserSaved::NotFound);
        };
        let old = db::users::access(conn, old)?;
        if let Some(refused) = refusal(conn, input, Some(id))? {
            return Ok(refused);
        }
        let changes = UserChanges {
            email: input.email.as_str(),
            name: &input.name,
            active: input.active,
            updated_at: now,
        };
        db::users::update(conn, id, &changes, &input.roles, &input.units)?;
        if let Some(hash) = hash {
            db::users::set_password(conn, id, hash, now)?;
        }
        if !input.active || hash.is_some() {
            db::auth::delete_user_sessions(conn, id, None)?;
        }
        let detail = updated_detail(conn, &old, input, hash.is_some())?;
        audit(
            conn,
            actor,
            AuditAction::UserUpdated,
            &target("user", id),
            &detail,
            now,
        )?;
        Ok(UserSaved::Done(id))
    })
}

// ------------------------------------------------------------ password reset

/// SHA-256 (hex) of a reset token: only the hash is stored.
fn token_hash(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// "Parolamı unuttum" for `email` (trimmed, lower-cased) from `ip`: if the
/// address belongs to an active account and neither the address nor the IP
/// asked too often in the last hour, a reset link with `token` (valid for
/// 30 minutes, once) is queued by mail. The caller answers the same either
/// way; only the audit log says what happened.
pub fn request_reset(
    conn: &mut AnyConnection,
    email: &str,
    ip: &str,
    token: &str,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    use crate::domain::mail::{
        RESET_MINUTES, RESET_WINDOW_MINUTES, RESETS_PER_ADDRESS, RESETS_PER_IP,
    };
    let since = now - chrono::Duration::minutes(RESET_WINDOW_MINUTES);
    db::transaction(conn, |conn| {
        db::auth::lock_login_attempts(conn)?;
        let (by_email, by_ip) = db::outbox::recent_reset_attempts(conn, email, ip, since)?;
        db::outbox::record_reset_attempt(conn, email, ip, now)?;
        let system = Actor::system(ip);
        if by_email >= RESETS_PER_ADDRESS || by_ip >= RESETS_PER_IP {
            return audit(
                conn,
                &system,
                AuditAction::PasswordResetThrottled,
                email,
                "",
                now,
            );
        }
        let Some(user) = db::users::find_by_email(conn, email)?.filter(|u| u.active) else {
            return audit(
                conn,
                &system,
                AuditAction::PasswordResetUnknown,
                email,
                "",
                now,
            );
        };
        let expires = now + chrono::Duration::minutes(RESET_MINUTES);
        db::outbox::create_reset(conn, user.id, &token_hash(token), now, expires)?;
        let link = super::mail::absolute(conn, &crate::paths::password_reset(token))?;
        let letter = crate::domain::mail::Letter {
            subject: "Parola sıfırlama bağlantınız".into(),
            paragraphs: vec![
                format!(
                    "Sayın {}, Mobil İmza Talep Portalı'ndaki hesabınız için parola sıfırlama istendi.",
                    user.name
                ),
                format!(
                    "Aşağıdaki bağlantı {RESET_MINUTES} dakika geçerlidir ve yalnızca bir kez kullanılabilir. Yeni parolanızı belirlediğinizde açık bütün oturumlarınız kapatılır."
                ),
                "Bu isteği siz yapmadıysanız iletiyi yok sayın; parolanız değişmez.".into(),
            ],
            items: Vec::new(),
            link: Some(("Yeni parola belirleyin".into(), link)),
        };
        let q = super::mail::Queued {
            to: &user.email,
            kind: "password_reset",
            request_id: None,
            dedupe_key: None,
            due: None,
        };
        super::mail::queue(conn, &q, &letter, now)?;
        let mut actor = system;
        actor.id = Some(user.id);
        audit(
            conn,
            &actor,
            AuditAction::PasswordResetRequested,
            email,
            "",
            now,
        )
    })
}

/// The account a reset token opens (id, name, e-mail), if the token is
/// unused and unexpired.
pub fn reset_account(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> ServiceResult<Option<(i32, String, String)>> {
    let Some(id) = db::outbox::valid_reset(conn, &token_hash(token), now)? else {
        return Ok(None);
    };
    Ok(db::users::find(conn, id)?
        .filter(|u| u.active)
        .map(|u| (u.id, u.name, u.email)))
}

/// Sets the password (already hashed) of the token's account, uses up its
/// tokens and ends all its sessions. `false`: the token is no longer valid.
pub fn reset_password(
    conn: &mut AnyConnection,
    token: &str,
    hash: &str,
    ip: &str,
    now: NaiveDateTime,
) -> ServiceResult<bool> {
    db::transaction(conn, |conn| {
        let Some(id) = db::outbox::valid_reset(conn, &token_hash(token), now)? else {
            return Ok(false);
        };
        let Some(user) = db::users::find(conn, id)?.filter(|u| u.active) else {
            return Ok(false);
        };
        db::users::set_password(conn, id, hash, now)?;
        db::outbox::use_resets(conn, id, now)?;
        let ended = db::auth::delete_user_sessions(conn, id, None)?;
        let mut actor = Actor::system(ip);
        actor.id = Some(id);
        let detail = format!("{ended} oturum kapatıldı");
        audit(
            conn,
            &actor,
            AuditAction::PasswordReset,
            &user.email,
            &detail,
            now,
        )?;
        Ok(true)
    })
}
