//! A staff member's line: number, operator, line type and the "mobil imza"
//! field. A SIM change, line change, number change or porting makes the
//! mobile signature unusable (the key lives on the SIM), so does a new
//! number or operator on file; a line type or "mobil imza" field change alone
//! does not.

use super::staff::{LineType, Operator};
use super::workflow::{Action, State};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Sim,
    Line,
    Number,
    Porting,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 4] = [
        ChangeKind::Sim,
        ChangeKind::Line,
        ChangeKind::Number,
        ChangeKind::Porting,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ChangeKind::Sim => "sim",
            ChangeKind::Line => "hat",
            ChangeKind::Number => "numara",
            ChangeKind::Porting => "tasima",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Sim => "SIM kart değişikliği",
            ChangeKind::Line => "Hat değişikliği",
            ChangeKind::Number => "Numara değişikliği",
            ChangeKind::Porting => "Numara taşıma (operatör değişikliği)",
        }
    }

    pub fn from_code(code: &str) -> Option<ChangeKind> {
        ChangeKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub phone: String,
    pub operator: Operator,
    pub line_type: LineType,
    pub has_signature: bool,
}

/// Whether the change makes the line's signature unusable.
pub fn invalidates(old: &Contact, new: &Contact, kinds: &[ChangeKind]) -> bool {
    !kinds.is_empty() || old.phone != new.phone || old.operator != new.operator
}

/// What happens to an open request for the old line: returned to the officer
/// before forwarding, cancelled after; drafts and returned requests are
/// already with the officer and take the new line when resubmitted.
pub fn open_request_action(state: State) -> Option<Action> {
    match state {
        State::Submitted | State::Approved => Some(Action::Return),
        State::Forwarded | State::SmsHold | State::Produced => Some(Action::Cancel),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line() -> Contact {
        Contact {
            phone: "+905321234567".into(),
            operator: Operator::Turkcell,
            line_type: LineType::Faturali,
            has_signature: true,
        }
    }

    #[test]
    fn what_invalidates() {
        let old = line();
        assert!(
            invalidates(&old, &old, &[ChangeKind::Sim]),
            "a SIM change on the same number"
        );
        assert!(invalidates(
            &old,
            &Contact {
                phone: "+905329999999".into(),
                ..line()
            },
            &[]
        ));
        assert!(invalidates(
            &old,
            &Contact {
                operator: Operator::Vodafone,
                ..line()
            },
            &[]
        ));
        assert!(!invalidates(
            &old,
            &Contact {
                line_type: LineType::Faturasiz,
                ..line()
            },
            &[]
        ));
        assert!(!invalidates(
            &old,
            &Contact {
                has_signature: false,
                ..line()
            },
            &[]
        ));
    }

    #[test]
    fn change_kinds_round_trip() {
        for k in ChangeKind::ALL {
            assert_eq!(ChangeKind::from_code(k.code()), Some(k));
        }
        assert_eq!(ChangeKind::from_code("xyz"), None);
        assert_eq!(ChangeKind::Sim.code(), "sim");
        assert_eq!(ChangeKind::Porting.code(), "tasima");
        assert_eq!(
            ChangeKind::Porting.label(),
            "Numara taşıma (operatör değişikliği)"
        );
        assert_eq!(ChangeKind::Sim.label(), "SIM kart değişikliği");
    }

    #[test]
    fn open_requests_are_returned_before_forwarding_and_cancelled_after() {
        assert_eq!(open_request_action(State::Submitted), Some(Action::Return));
        assert_eq!(open_request_action(State::Approved), Some(Action::Return));
        assert_eq!(open_request_action(State::SmsHold), Some(Action::Cancel));
        assert_eq!(open_request_action(State::Produced), Some(Action::Cancel));
        assert_eq!(open_request_action(State::Draft), None);
    }
}
