//! The request lifecycle: one transition table (from, action, to, who may,
//! precondition). Handlers ask [`decide`]; nobody compares states elsewhere.
//!
//! `draft → submitted → approved → forwarded → sms_hold → produced → active`,
//! with `returned`, `rejected`, `cancelled`, and after `active`:
//! `invalidated`, `expired`, `revoked` (docs/product.md, "A request's life").

use chrono::{Duration, NaiveDateTime};

use super::hold::{HoldRule, format_remaining};
use super::time::format_local;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    Draft,
    Submitted,
    Returned,
    Approved,
    Forwarded,
    SmsHold,
    Produced,
    Active,
    Rejected,
    Cancelled,
    Invalidated,
    Expired,
    Revoked,
}

impl State {
    pub const ALL: [State; 13] = [
        State::Draft,
        State::Submitted,
        State::Returned,
        State::Approved,
        State::Forwarded,
        State::SmsHold,
        State::Produced,
        State::Active,
        State::Rejected,
        State::Cancelled,
        State::Invalidated,
        State::Expired,
        State::Revoked,
    ];

    pub fn code(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::Approved => "approved",
            State::Forwarded => "forwarded",
            State::SmsHold => "sms_hold",
            State::Produced => "produced",
            State::Active => "active",
            State::Rejected => "rejected",
            State::Cancelled => "cancelled",
            State::Invalidated => "invalidated",
            State::Expired => "expired",
            State::Revoked => "revoked",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Draft => "Taslak",
            State::Submitted => "İnceleme bekliyor",
            State::Returned => "Düzeltmeye gönderildi",
            State::Approved => "Onaylandı",
            State::Forwarded => "Kamu SM'de",
            State::SmsHold => "SMS beklemesinde",
            State::Produced => "Üretildi",
            State::Active => "Aktif",
            State::Rejected => "Reddedildi",
            State::Cancelled => "İptal edildi",
            State::Invalidated => "Geçersiz (hat/operatör değişikliği)",
            State::Expired => "Süresi doldu",
            State::Revoked => "İptal edildi (sertifika)",
        }
    }

    pub fn from_code(code: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Open requests block a new one for the same staff member (the database
    /// enforces the same list with a partial unique index).
    pub const OPEN: [State; 7] = [
        State::Draft,
        State::Submitted,
        State::Returned,
        State::Approved,
        State::Forwarded,
        State::SmsHold,
        State::Produced,
    ];

    pub fn is_open(self) -> bool {
        State::OPEN.contains(&self)
    }

    /// Closed for good: neither open nor an active signature. Closed
    /// requests past the retention period may be anonymised (`domain::kvkk`).
    pub const CLOSED: [State; 5] = [
        State::Rejected,
        State::Cancelled,
        State::Invalidated,
        State::Expired,
        State::Revoked,
    ];

    pub fn is_closed(self) -> bool {
        State::CLOSED.contains(&self)
    }
}

/// Who acts. A user acts as each of their roles that the table allows;
/// `System` is the scheduler (expiry) and contact-change rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    Officer,
    Reviewer,
    Staff,
    System,
}

impl Actor {
    pub const ALL: [Actor; 4] = [Actor::Officer, Actor::Reviewer, Actor::Staff, Actor::System];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Submit,
    Approve,
    Return,
    Reject,
    Forward,
    RecordFormEmailed,
    RecordFormSigned,
    RecordDocsSent,
    RecordDocsReceived,
    RecordSms,
    Produce,
    Activate,
    Revoke,
    Cancel,
    ReportNotMine,
    Invalidate,
    Expire,
    GrantPayerException,
}

impl Action {
    pub const ALL: [Action; 18] = [
        Action::Submit,
        Action::Approve,
        Action::Return,
        Action::Reject,
        Action::Forward,
        Action::RecordFormEmailed,
        Action::RecordFormSigned,
        Action::RecordDocsSent,
        Action::RecordDocsReceived,
        Action::RecordSms,
        Action::Produce,
        Action::Activate,
        Action::Revoke,
        Action::Cancel,
        Action::ReportNotMine,
        Action::Invalidate,
        Action::Expire,
        Action::GrantPayerException,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Approve => "approve",
            Action::Return => "return",
            Action::Reject => "reject",
            Action::Forward => "forward",
            Action::RecordFormEmailed => "form_emailed",
            Action::RecordFormSigned => "form_signed",
            Action::RecordDocsSent => "docs_sent",
            Action::RecordDocsReceived => "docs_received",
            Action::RecordSms => "sms",
            Action::Produce => "produce",
            Action::Activate => "activate",
            Action::Revoke => "revoke",
            Action::Cancel => "cancel",
            Action::ReportNotMine => "not_mine",
            Action::Invalidate => "invalidate",
            Action::Expire => "expire",
            Action::GrantPayerException => "payer_exception",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::Submit => "Gönderildi",
            Action::Approve => "Onaylandı",
            Action::Return => "Düzeltmeye gönderildi",
            Action::Reject => "Reddedildi",
            Action::Forward => "Kamu SM'ye iletildi",
            Action::RecordFormEmailed => "Başvuru formu Kamu SM tarafından e-postalandı",
            Action::RecordFormSigned => "Başvuru formu e-İmza ile imzalandı",
            Action::RecordDocsSent => "Operatör evrakı gönderildi",
            Action::RecordDocsReceived => "Operatör evrakı Şeflikçe alındı",
            Action::RecordSms => "NES SMS'i gönderildi",
            Action::Produce => "Sertifika üretildi",
            Action::Activate => "Mobil imza etkinleştirildi",
            Action::Revoke => "Sertifika iptal edildi",
            Action::Cancel => "Talep iptal edildi",
            Action::ReportNotMine => "Personel: \"Bu başvuru bilgim dışında yapıldı\"",
            Action::Invalidate => "Geçersiz kılındı",
            Action::Expire => "Süresi doldu",
            Action::GrantPayerException => "Kurum ödemesi istisnası verildi",
        }
    }

    pub fn from_code(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// What must hold besides state and role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pre {
    None,
    KvkkAcknowledged,
    NoteGiven,
    FormEmailedNotYet,
    FormSignedNotYet,
    DocsSentNotYet,
    DocsReceivable,
    ChecklistDone,
    HoldOver,
    SerialGiven,
}

pub struct Transition {
    pub from: &'static [State],
    pub action: Action,
    /// `None`: a checklist fact; the state stays.
    pub to: Option<State>,
    pub actors: &'static [Actor],
    pub pre: Pre,
}

use Actor::{Officer, Reviewer, Staff, System};
use State::*;

/// The lifecycle. Cancel has two rows: officers before forwarding, reviewers
/// any time before production.
pub const TRANSITIONS: &[Transition] = &[
    Transition {
        from: &[Draft, Returned],
        action: Action::Submit,
        to: Some(Submitted),
        actors: &[Officer],
        pre: Pre::KvkkAcknowledged,
    },
    Transition {
        from: &[Submitted],
        action: Action::Approve,
        to: Some(Approved),
        actors: &[Reviewer],
        pre: Pre::None,
    },
    Transition {
        from: &[Submitted],
        action: Action::Return,
        to: Some(Returned),
        actors: &[Reviewer],
        pre: Pre::NoteGiven,
    },
    Transition {
        from: &[Submitted],
        action: Action::Reject,
        to: Some(Rejected),
        actors: &[Reviewer],
        pre: Pre::NoteGiven,
    },
    Transition {
        from: &[Approved],
        action: Action::Forward,
        to: Some(Forwarded),
        actors: &[Reviewer],
        pre: Pre::None,
    },
    Transition {
        from: &[Forwarded],
        action: Action::RecordFormEmailed,
        to: None,
        actors: &[Reviewer],
        pre: Pre::FormEmailedNotYet,
    },
    Transition {
        from: &[Forwarded],
        action: Action::RecordFormSigned,
        to: None,
        actors: &[Reviewer, Officer],
        pre: Pre::FormSignedNotYet,
    },
    Transition {
        from: &[Forwarded],
        action: Action::RecordDocsSent,
        to: None,
        actors: &[Officer],
        pre: Pre::DocsSentNotYet,
    },
    Transition {
        from: &[Forwarded],
        action: Action::RecordDocsReceived,
        to: None,
        actors: &[Reviewer],
        pre: Pre::DocsReceivable,
    },
    Transition {
        from: &[Forwarded],
        action: Action::RecordSms,
        to: Some(SmsHold),
        actors: &[Reviewer],
        pre: Pre::ChecklistDone,
    },
    Transition {
        from: &[SmsHold],
        action: Action::Produce,
        to: Some(Produced),
        actors: &[Reviewer],
        pre: Pre::HoldOver,
    },
    Transition {
        from: &[Produced],
        action: Action::Activate,
        to: Some(Active),
        actors: &[Reviewer],
        pre: Pre::SerialGiven,
    },
    Transition {
        from: &[Active],
        action: Action::Revoke,
        to: Some(Revoked),
        actors: &[Reviewer],
        pre: Pre::NoteGiven,
    },
    Transition {
        from: &[Draft, Submitted, Returned, Approved],
        action: Action::Cancel,
        to: Some(Cancelled),
        actors: &[Officer],
        pre: Pre::None,
    },
    Transition {
        from: &[Submitted, Returned, Approved, Forwarded, SmsHold],
        action: Action::Cancel,
        to: Some(Cancelled),
        actors: &[Reviewer],
        pre: Pre::None,
    },
    Transition {
        from: &[SmsHold],
        action: Action::ReportNotMine,
        to: Some(Cancelled),
        actors: &[Staff],
        pre: Pre::None,
    },
    Transition {
        from: &[Active],
        action: Action::Invalidate,
        to: Some(Invalidated),
        actors: &[System],
        pre: Pre::None,
    },
    Transition {
        from: &[Active],
        action: Action::Expire,
        to: Some(Expired),
        actors: &[System],
        pre: Pre::None,
    },
    // A line change returns what is not yet forwarded and cancels the rest.
    Transition {
        from: &[Submitted, Approved],
        action: Action::Return,
        to: Some(Returned),
        actors: &[System],
        pre: Pre::None,
    },
    Transition {
        from: &[Forwarded, SmsHold, Produced],
        action: Action::Cancel,
        to: Some(Cancelled),
        actors: &[System],
        pre: Pre::None,
    },
    Transition {
        from: &[Submitted, Approved],
        action: Action::GrantPayerException,
        to: None,
        actors: &[Reviewer],
        pre: Pre::NoteGiven,
    },
];

/// The facts a precondition may look at.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub kvkk_ack: bool,
    pub note_given: bool,
    pub serial_given: bool,
    pub form_emailed: bool,
    pub form_signed: bool,
    pub docs_sent: bool,
    pub docs_received: bool,
    pub sms_at: Option<NaiveDateTime>,
    pub produced_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// None of the actor's roles may ever do this.
    NotYourAction,
    /// The action exists for this actor, but not in this state.
    WrongState(State),
    KvkkMissing,
    NoteMissing,
    AlreadyRecorded,
    DocsNotSent,
    ChecklistIncomplete,
    HoldActive {
        remaining: Duration,
        earliest: NaiveDateTime,
    },
    SerialMissing,
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Refusal::NotYourAction => "Bu işlemi yapma yetkiniz yok.".into(),
            Refusal::WrongState(s) => format!("Bu işlem talebin şu anki durumunda ({}) yapılamaz.", s.label()),
            Refusal::KvkkMissing => "Personelin KVKK aydınlatma metnini okuduğu onaylanmadan talep gönderilemez.".into(),
            Refusal::NoteMissing => "Bu işlem için bir açıklama yazmanız gerekir.".into(),
            Refusal::AlreadyRecorded => "Bu adım zaten kaydedilmiş.".into(),
            Refusal::DocsNotSent => "Operatör evrakı henüz gönderilmiş olarak kaydedilmedi.".into(),
            Refusal::ChecklistIncomplete => {
                "SMS kaydı için önce başvuru formunun e-İmza ile imzalandığı ve operatör evrakının alındığı kaydedilmeli."
                    .into()
            }
            Refusal::HoldActive { remaining, earliest } => format!(
                "NES SMS beklemesi sürüyor: üretim en erken {} ({} kaldı).",
                format_local(*earliest),
                format_remaining(*remaining)
            ),
            Refusal::SerialMissing => "Etkinleştirme için sertifika seri numarası kayıtlı olmalı.".into(),
        }
    }
}

/// Whether an action can be offered now: refused only for what the form
/// will supply (a note, the KVKK tick, a serial number) or not at all. A step
/// already recorded, one whose turn has not come (the SMS before the form is
/// signed and the documents received) and production during the hold are not
/// offered.
pub fn offered(
    state: State,
    action: Action,
    actors: &[Actor],
    facts: &Facts,
    hold: &HoldRule,
    now: NaiveDateTime,
) -> bool {
    let typed = Facts {
        kvkk_ack: true,
        note_given: true,
        serial_given: true,
        ..facts.clone()
    };
    decide(state, action, actors, &typed, hold, now).is_ok()
}

/// What the request waits for now, and from whom, in the words of the
/// request page (`None` once it is closed or active).
pub fn awaited(
    state: State,
    f: &Facts,
    hold: &HoldRule,
    now: NaiveDateTime,
) -> Option<&'static str> {
    Some(match state {
        State::Draft => "Proje sorumlusunun talebi göndermesi bekleniyor.",
        State::Submitted => "e-İmza Şefliğinin talebi incelemesi bekleniyor.",
        State::Returned => "Proje sorumlusunun talebi düzeltip yeniden göndermesi bekleniyor.",
        State::Approved => "e-İmza Şefliğinin talebi bir partiyle Kamu SM'ye iletmesi bekleniyor.",
        State::Forwarded if !f.form_emailed => {
            "Kamu SM'nin başvuru formunu personelin e-posta adresine göndermesi bekleniyor (e-İmza Şefliği kaydeder)."
        }
        State::Forwarded if !f.form_signed => {
            "Personelin başvuru formunu e-İmza ile imzalaması bekleniyor (e-İmza Şefliği kaydeder)."
        }
        State::Forwarded if !f.docs_sent => {
            "Proje sorumlusunun operatör evrakını KEP ya da üst yazı ile göndermesi bekleniyor."
        }
        State::Forwarded if !f.docs_received => {
            "e-İmza Şefliğinin operatör evrakını teslim aldığını kaydetmesi bekleniyor."
        }
        State::Forwarded => {
            "Operatörün NES SMS'ini göndermesi bekleniyor (e-İmza Şefliği zamanını kaydeder)."
        }
        State::SmsHold
            if f.sms_at
                .is_some_and(|sms| hold.remaining(sms, now).is_some()) =>
        {
            "SMS beklemesinin bitmesi bekleniyor; sonra e-İmza Şefliği üretimi kaydeder."
        }
        State::SmsHold => "e-İmza Şefliğinin sertifikanın üretildiğini kaydetmesi bekleniyor.",
        State::Produced => {
            "e-İmza Şefliğinin mobil imzanın etkinleştirildiğini kaydetmesi bekleniyor."
        }
        _ => return None,
    })
}

/// The outcome of an allowed action: the state afterwards and who acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub to: State,
    pub actor: Actor,
}

/// May any of `actors` do `action` on a request in `state`, given `facts`?
pub fn decide(
    state: State,
    action: Action,
    actors: &[Actor],
    facts: &Facts,
    hold: &HoldRule,
    now: NaiveDateTime,
) -> Result<Decision, Refusal> {
    let for_actor: Vec<(&Transition, Actor)> = TRANSITIONS
        .iter()
        .filter(|t| t.action == action)
        .flat_map(|t| {
            actors
                .iter()
                .filter(|a| t.actors.contains(a))
                .map(move |a| (t, *a))
        })
        .collect();
    if for_actor.is_empty() {
        return Err(Refusal::NotYourAction);
    }
    let (t, actor) = for_actor
        .into_iter()
        .find(|(t, _)| t.from.contains(&state))
        .ok_or(Refusal::WrongState(state))?;
    check(t.pre, facts, hold, now)?;
    Ok(Decision {
        to: t.to.unwrap_or(state),
        actor,
    })
}

fn check(pre: Pre, f: &Facts, hold: &HoldRule, now: NaiveDateTime) -> Result<(), Refusal> {
    let ok = |cond: bool, r: Refusal| if cond { Ok(()) } else { Err(r) };
    match pre {
        Pre::None => Ok(()),
        Pre::KvkkAcknowledged => ok(f.kvkk_ack, Refusal::KvkkMissing),
        Pre::NoteGiven => ok(f.note_given, Refusal::NoteMissing),
        Pre::FormEmailedNotYet => ok(!f.form_emailed, Refusal::AlreadyRecorded),
        Pre::FormSignedNotYet => ok(!f.form_signed, Refusal::AlreadyRecorded),
        Pre::DocsSentNotYet => ok(!f.docs_sent, Refusal::AlreadyRecorded),
        Pre::DocsReceivable => {
            ok(f.docs_sent, Refusal::DocsNotSent)?;
            ok(!f.docs_received, Refusal::AlreadyRecorded)
        }
        Pre::ChecklistDone => ok(
            f.form_signed && f.docs_received,
            Refusal::ChecklistIncomplete,
        ),
        Pre::HoldOver => match f.sms_at {
            None => Err(Refusal::ChecklistIncomplete),
            Some(sms) => match hold.remaining(sms, now) {
                Some(remaining) => Err(Refusal::HoldActive {
                    remaining,
                    earliest: hold.earliest_production(sms),
                }),
                None => ok(f.serial_given, Refusal::SerialMissing),
            },
        },
        Pre::SerialGiven => ok(f.serial_given, Refusal::SerialMissing),
    }
}

/// Every (from, action, actor) the table allows, for tests and documentation.
pub fn allowed_triples() -> Vec<(State, Action, Actor)> {
    TRANSITIONS
        .iter()
        .flat_map(|t| {
            t.from
                .iter()
                .flat_map(move |s| t.actors.iter().map(move |a| (*s, t.action, *a)))
        })
        .collect()
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .expect("time")
    }

    fn all_facts() -> Facts {
        Facts {
            kvkk_ack: true,
            note_given: true,
            serial_given: true,
            form_emailed: false,
            form_signed: true,
            docs_sent: true,
            docs_received: false,
            sms_at: Some(now() - Duration::hours(7)),
            produced_at: None,
        }
    }

    #[test]
    fn codes_round_trip() {
        for s in State::ALL {
            assert_eq!(State::from_code(s.code()), Some(s));
        }
        for a in Action::ALL {
            assert_eq!(Action::from_code(a.code()), Some(a));
        }
    }

    #[test]
    fn the_happy_path() {
        let hold = HoldRule::default();
        let mut f = all_facts();
        let steps = [
            (Draft, Action::Submit, Officer, Submitted),
            (Submitted, Action::Approve, Reviewer, Approved),
            (Approved, Action::Forward, Reviewer, Forwarded),
            (Forwarded, Action::RecordFormEmailed, Reviewer, Forwarded),
        ];
        for (from, action, actor, to) in steps {
            assert_eq!(
                decide(from, action, &[actor], &f, &hold, now()).map(|d| d.to),
                Ok(to),
                "{action:?}"
            );
        }
        f.docs_received = true;
        assert_eq!(
            decide(Forwarded, Action::RecordSms, &[Reviewer], &f, &hold, now()).map(|d| d.to),
            Ok(SmsHold)
        );
        assert_eq!(
            decide(SmsHold, Action::Produce, &[Reviewer], &f, &hold, now()).map(|d| d.to),
            Ok(Produced)
        );
        assert_eq!(
            decide(Produced, Action::Activate, &[Reviewer], &f, &hold, now()).map(|d| d.to),
            Ok(Active)
        );
    }

    #[test]
    fn every_triple_outside_the_table_is_refused() {
        let hold = HoldRule::default();
        let allowed = allowed_triples();
        let mut f = all_facts();
        f.docs_received = true;
        for s in State::ALL {
            for a in Action::ALL {
                for actor in Actor::ALL {
                    let r = decide(s, a, &[actor], &f, &hold, now());
                    let expected = allowed.contains(&(s, a, actor));
                    // Allowed triples may still fail a precondition (e.g. docs
                    // already received); never with a state or role refusal.
                    let role_or_state =
                        matches!(r, Err(Refusal::NotYourAction | Refusal::WrongState(_)));
                    assert_eq!(!role_or_state, expected, "{s:?} {a:?} {actor:?}: {r:?}");
                }
            }
        }
    }

    #[test]
    fn cancel_officer_before_forwarding_reviewer_before_production() {
        let (hold, f) = (HoldRule::default(), all_facts());
        assert!(decide(Approved, Action::Cancel, &[Officer], &f, &hold, now()).is_ok());
        assert_eq!(
            decide(Forwarded, Action::Cancel, &[Officer], &f, &hold, now()),
            Err(Refusal::WrongState(Forwarded))
        );
        assert!(decide(SmsHold, Action::Cancel, &[Reviewer], &f, &hold, now()).is_ok());
        assert_eq!(
            decide(Produced, Action::Cancel, &[Reviewer], &f, &hold, now()),
            Err(Refusal::WrongState(Produced))
        );
        assert_eq!(
            decide(Produced, Action::Cancel, &[Staff], &f, &hold, now()),
            Err(Refusal::NotYourAction)
        );
    }

    #[test]
    fn produce_waits_six_hours_after_the_sms() {
        let hold = HoldRule::default();
        let mut f = all_facts();
        f.sms_at = Some(now() - Duration::hours(5) - Duration::minutes(48));
        let r = decide(SmsHold, Action::Produce, &[Reviewer], &f, &hold, now());
        let Err(refusal) = r else {
            panic!("must be refused: {r:?}")
        };
        assert_eq!(
            refusal.message(),
            "NES SMS beklemesi sürüyor: üretim en erken 23.11.2026 15:12 (12 dakika kaldı)."
        );
        f.sms_at = Some(now() - Duration::hours(6));
        assert!(decide(SmsHold, Action::Produce, &[Reviewer], &f, &hold, now()).is_ok());
    }

    #[test]
    fn preconditions_have_messages() {
        let hold = HoldRule::default();
        let f = Facts::default();
        assert_eq!(
            decide(Draft, Action::Submit, &[Officer], &f, &hold, now()),
            Err(Refusal::KvkkMissing)
        );
        assert_eq!(
            decide(Submitted, Action::Return, &[Reviewer], &f, &hold, now()),
            Err(Refusal::NoteMissing)
        );
        assert_eq!(
            decide(Forwarded, Action::RecordSms, &[Reviewer], &f, &hold, now()),
            Err(Refusal::ChecklistIncomplete)
        );
        assert_eq!(
            decide(
                Forwarded,
                Action::RecordDocsReceived,
                &[Reviewer],
                &f,
                &hold,
                now()
            ),
            Err(Refusal::DocsNotSent)
        );
    }

    #[test]
    fn sms_needs_both_checklist_facts() {
        let hold = HoldRule::default();
        let sms = |form_signed: bool, docs_received: bool| {
            let f = Facts {
                form_signed,
                docs_received,
                ..all_facts()
            };
            decide(Forwarded, Action::RecordSms, &[Reviewer], &f, &hold, now())
        };
        assert_eq!(sms(true, false), Err(Refusal::ChecklistIncomplete));
        assert_eq!(sms(false, true), Err(Refusal::ChecklistIncomplete));
        assert_eq!(sms(true, true).map(|d| d.to), Ok(SmsHold));
    }

    #[test]
    fn checklist_facts_are_recorded_once() {
        let hold = HoldRule::default();
        let rec = |action: Action, actor: Actor, f: &Facts| {
            decide(Forwarded, action, &[actor], f, &hold, now())
        };
        let done = Facts {
            form_emailed: true,
            form_signed: true,
            docs_sent: true,
            docs_received: true,
            ..all_facts()
        };
        let fresh = Facts {
            form_emailed: false,
            form_signed: false,
            docs_sent: false,
            docs_received: false,
            ..all_facts()
        };
        for (action, actor) in [
            (Action::RecordFormEmailed, Reviewer),
            (Action::RecordFormSigned, Officer),
            (Action::RecordDocsSent, Officer),
            (Action::RecordDocsReceived, Reviewer),
        ] {
            assert_eq!(
                rec(action, actor, &done),
                Err(Refusal::AlreadyRecorded),
                "{action:?}"
            );
        }
        for (action, actor) in [
            (Action::RecordFormEmailed, Reviewer),
            (Action::RecordFormSigned, Officer),
            (Action::RecordDocsSent, Officer),
        ] {
            assert_eq!(
                rec(action, actor, &fresh).map(|d| d.to),
                Ok(Forwarded),
                "{action:?}"
            );
        }
        let sent = Facts {
            docs_sent: true,
            ..fresh
        };
        assert_eq!(
            rec(Action::RecordDocsReceived, Reviewer, &sent).map(|d| d.to),
            Ok(Forwarded)
        );
    }

    #[test]
    fn produce_needs_the_sms_time_and_a_serial() {
        let hold = HoldRule::default();
        let no_sms = Facts {
            sms_at: None,
            ..all_facts()
        };
        assert_eq!(
            decide(SmsHold, Action::Produce, &[Reviewer], &no_sms, &hold, now()),
            Err(Refusal::ChecklistIncomplete)
        );
        let no_serial = Facts {
            serial_given: false,
            ..all_facts()
        };
        assert_eq!(
            decide(
                SmsHold,
                Action::Produce,
                &[Reviewer],
                &no_serial,
                &hold,
                now()
            ),
            Err(Refusal::SerialMissing)
        );
        assert_eq!(
            decide(
                Produced,
                Action::Activate,
                &[Reviewer],
                &no_serial,
                &hold,
                now()
            ),
            Err(Refusal::SerialMissing)
        );
    }

    #[test]
    fn open_states_block_a_new_request() {
        let open: Vec<State> = State::ALL.into_iter().filter(|s| s.is_open()).collect();
        assert_eq!(
            open,
            vec![
                Draft, Submitted, Returned, Approved, Forwarded, SmsHold, Produced
            ]
        );
    }

    #[test]
    fn every_state_is_open_active_or_closed_and_only_one() {
        for s in State::ALL {
            let kinds = [s.is_open(), s == Active, s.is_closed()];
            assert_eq!(kinds.iter().filter(|k| **k).count(), 1, "{s:?}");
        }
        assert_eq!(
            State::CLOSED.to_vec(),
            vec![Rejected, Cancelled, Invalidated, Expired, Revoked]
        );
    }

    #[test]
    fn labels_in_turkish() {
        assert_eq!(Forwarded.label(), "Kamu SM'de");
        assert_eq!(SmsHold.to_string(), "SMS beklemesinde");
        assert_eq!(State::from_code("eski"), None);
        assert_eq!(Action::Produce.label(), "Sertifika üretildi");
        assert_eq!(
            Refusal::WrongState(Active).message(),
            "Bu işlem talebin şu anki durumunda (Aktif) yapılamaz."
        );
    }

    #[test]
    fn a_user_with_two_roles_acts_as_the_one_that_fits() {
        let (hold, f) = (HoldRule::default(), all_facts());
        let d = decide(
            Submitted,
            Action::Approve,
            &[Officer, Reviewer],
            &f,
            &hold,
            now(),
        )
        .expect("allowed");
        assert_eq!(d.actor, Reviewer);
    }
}
