//! The five roles of docs/product.md, "Who uses it". One account may hold several.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Officer,
    Reviewer,
    Finance,
    Staff,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Officer,
        Role::Reviewer,
        Role::Finance,
        Role::Staff,
        Role::Admin,
    ];

    /// The stable code stored in the database and used in forms and the CLI.
    pub fn code(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Reviewer => "reviewer",
            Role::Finance => "finance",
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Officer => "Proje Sorumlusu",
            Role::Reviewer => "e-İmza Şefliği",
            Role::Finance => "Mali İşler",
            Role::Staff => "Personel",
            Role::Admin => "Yönetici",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code.trim())
    }

    /// Roles whose scope is every unit's requests and batches (docs/product.md, "Who uses it");
    /// officers see their own units. Admins manage accounts, units and
    /// settings and read no requests: an admin who must read them also holds
    /// the reviewer (or finance) role.
    pub fn sees_all_units(self) -> bool {
        matches!(self, Role::Reviewer | Role::Finance)
    }
}

/// Whether someone with `roles`, responsible for `unit_ids`, may see records
/// of `unit_id`: reviewers and finance see every unit; officers only the
/// units they are responsible for; staff no unit (only their own record);
/// admins no unit (unless they hold one of those roles too).
pub fn sees_unit(roles: &[Role], unit_ids: &[i32], unit_id: i32) -> bool {
    roles.iter().any(|r| r.sees_all_units())
        || (roles.contains(&Role::Officer) && unit_ids.contains(&unit_id))
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("root"), None);
        assert_eq!(Role::Reviewer.label(), "e-İmza Şefliği");
    }

    #[test]
    fn officers_and_staff_see_only_their_own_scope() {
        let all: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.sees_all_units())
            .collect();
        assert_eq!(all, vec![Role::Reviewer, Role::Finance]);
    }

    #[test]
    fn admins_see_no_unit_unless_they_hold_a_reading_role_too() {
        assert!(!sees_unit(&[Role::Admin], &[], 1));
        assert!(!sees_unit(&[Role::Admin], &[1], 1), "admins have no units");
        assert!(sees_unit(&[Role::Admin, Role::Reviewer], &[], 1));
        assert!(sees_unit(&[Role::Admin, Role::Officer], &[1], 1));
        assert!(!sees_unit(&[Role::Admin, Role::Officer], &[1], 2));
    }

    #[test]
    fn shown_by_label() {
        assert_eq!(Role::Officer.to_string(), "Proje Sorumlusu");
        assert_eq!(Role::Finance.to_string(), "Mali İşler");
    }
}
