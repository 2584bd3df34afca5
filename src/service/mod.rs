//! Use cases, one module per area. Each public function takes a connection,
//! a plain [`Actor`], a typed input and `now`; it opens one transaction for a
//! change and returns a domain outcome or a [`ServiceError`]. Nothing here
//! knows HTTP: the web layer, the jobs and the CLI are all just callers.
//!
//! Which error goes where: a refusal a user should read is an
//! [`Outcome::Refused`] (or `Forbidden`, `NotFound`, `Stale`); a
//! [`ServiceError`] is a fault (database busy, a broken invariant) that the
//! caller reports without details.

pub mod accounts;
pub mod audit_log;
pub mod audit_trail;
pub mod batches;
pub mod bill_reconciliation;
pub mod billing;
pub mod contact;
pub mod cover_letters;
pub mod expiry;
pub mod fees;
pub mod followup;
#[cfg(feature = "bench")]
pub mod fortunes;
pub mod guide;
pub mod home;
pub mod kvkk;
pub mod mail;
pub mod maintenance;
pub mod metrics;
pub mod page_cache;
pub mod queue;
pub mod rates;
pub mod reports;
pub mod requests;
pub mod sessions;
pub mod settings;
pub mod staff;
pub mod staff_import;
pub mod threads;
pub mod units;

use chrono::NaiveDateTime;

use crate::db::AnyConnection;
use crate::domain::audit::AuditAction;
use crate::domain::role::{Role, sees_unit};
use crate::domain::workflow;

/// Who is acting: a signed-in user as their roles and units, or the system
/// (scheduler, CLI). `origin` is the client address, or what started the
/// work (`"cli"`, `"zamanlayıcı"`); it goes to the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Option<i32>,
    pub email: String,
    pub roles: Vec<Role>,
    pub unit_ids: Vec<i32>,
    pub origin: String,
}

impl Actor {
    pub fn user(id: i32, email: &str, roles: &[Role], unit_ids: &[i32], origin: &str) -> Self {
        Self {
            id: Some(id),
            email: email.to_owned(),
            roles: roles.to_vec(),
            unit_ids: unit_ids.to_vec(),
            origin: origin.to_owned(),
        }
    }

    /// The portal itself: no user, no roles; it acts through the table's
    /// `System` rows only ([`requests::system_transition`]).
    pub fn system(origin: &str) -> Self {
        Self {
            id: None,
            email: String::new(),
            roles: Vec::new(),
            unit_ids: Vec::new(),
            origin: origin.to_owned(),
        }
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn can_see_unit(&self, unit_id: i32) -> bool {
        sees_unit(&self.roles, &self.unit_ids, unit_id)
    }

    /// Whether the actor may see a request at all (others get "not found").
    pub fn can_view_request(&self, unit_id: i32, staff_email: &str) -> bool {
        self.can_see_unit(unit_id) || self.is_staff_member(staff_email)
    }

    /// The roles of the transition table this actor acts as on a request of
    /// `unit_id` for the staff member `staff_email`.
    pub fn workflow_actors(&self, unit_id: i32, staff_email: &str) -> Vec<workflow::Actor> {
        let mut out = Vec::new();
        if self.has(Role::Officer) && self.unit_ids.contains(&unit_id) {
            out.push(workflow::Actor::Officer);
        }
        if self.has(Role::Reviewer) {
            out.push(workflow::Actor::Reviewer);
        }
        if self.is_staff_member(staff_email) {
            out.push(workflow::Actor::Staff);
        }
        out
    }

    fn is_staff_member(&self, staff_email: &str) -> bool {
        self.has(Role::Staff) && !self.email.is_empty() && self.email == staff_email
    }
}

/// What a use case answers when it did not fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T = ()> {
    Done(T),
    /// Not allowed for this actor at all.
    Forbidden(String),
    /// Allowed in principle, refused now, with the reason in Turkish.
    Refused(String),
    /// Someone changed the record after the actor saw it.
    Stale,
    NotFound,
}

/// The message for [`Outcome::Stale`].
pub const STALE: &str = "Bu talep sizden önce değiştirildi; sayfayı yenileyip güncel durumu görün.";

/// A fault: nothing the user typed caused it, and nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The database stayed locked past its busy timeout: retryable.
    #[error("database busy")]
    Busy,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ServiceError {
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        ServiceError::Internal(e.into())
    }
}

impl From<diesel::result::Error> for ServiceError {
    fn from(e: diesel::result::Error) -> Self {
        // SQLite past its busy timeout: a retryable condition, not a crash.
        if let diesel::result::Error::DatabaseError(_, info) = &e {
            let msg = info.message();
            if msg.contains("database is locked") || msg.contains("database is busy") {
                return ServiceError::Busy;
            }
        }
        ServiceError::Internal(e.into())
    }
}

impl From<diesel::r2d2::PoolError> for ServiceError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        tracing::warn!(error = %e, "database pool exhausted");
        ServiceError::Busy
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// The audit row of a change, written in the change's transaction and
/// sealed into the chain (see [`audit_trail`]).
/// `detail` is plain Turkish (old → new values where something changed).
pub fn audit(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: AuditAction,
    target: &str,
    detail: &str,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    audit_trail::append(
        conn,
        &audit_trail::Entry {
            at: now,
            actor_id: actor.id,
            action: &action.code(),
            target,
            detail,
            ip: &actor.origin,
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workflow::Actor as As;

    fn user(roles: &[Role], units: &[i32]) -> Actor {
        Actor::user(7, "ayse@kurum.gov.tr", roles, units, "127.0.0.1")
    }

    #[test]
    fn officers_act_on_their_units_reviewers_on_all_staff_on_their_own() {
        let officer = user(&[Role::Officer], &[3]);
        assert_eq!(officer.workflow_actors(3, "x@k"), vec![As::Officer]);
        assert!(officer.workflow_actors(4, "x@k").is_empty());
        assert!(officer.can_view_request(3, "x@k"));
        assert!(!officer.can_view_request(4, "x@k"));

        let reviewer = user(&[Role::Reviewer], &[]);
        assert_eq!(reviewer.workflow_actors(4, "x@k"), vec![As::Reviewer]);
        assert!(reviewer.can_view_request(4, "x@k"));

        let staff = user(&[Role::Staff], &[]);
        assert_eq!(
            staff.workflow_actors(4, "ayse@kurum.gov.tr"),
            vec![As::Staff]
        );
        assert!(staff.can_view_request(4, "ayse@kurum.gov.tr"));
        assert!(!staff.can_view_request(4, "x@k"));

        // Finance sees every unit but acts on no request.
        let finance = user(&[Role::Finance], &[]);
        assert!(finance.can_view_request(4, "x@k"));
        assert!(finance.workflow_actors(4, "x@k").is_empty());
    }

    #[test]
    fn the_system_sees_nothing_and_is_no_staff_member() {
        let system = Actor::system("zamanlayıcı");
        assert_eq!(system.id, None);
        assert!(!system.can_see_unit(1));
        // An empty e-mail never matches a staff record without one.
        assert!(!system.can_view_request(1, ""));
        assert!(system.workflow_actors(1, "").is_empty());
    }
}
