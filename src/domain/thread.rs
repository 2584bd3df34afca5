//! "İstek bildir": a question or notice from an officer or a staff member to
//! the e-İmza Şefliği, kept as a thread of messages. The rules here: its
//! categories, its states and what a reply, an assignment or closing does to
//! them, and the bounds on what may be typed.

use crate::domain::text::{Line, forbidden_char, forbidden_message};

/// Longest subject, in characters.
pub const SUBJECT_MAX: usize = 200;
/// Longest message, in characters.
pub const BODY_MAX: usize = 5_000;
/// Most messages one thread holds (the first included).
pub const MESSAGES_MAX: i32 = 200;
/// Most threads one account may have that are not closed.
pub const OPEN_PER_ASKER: i64 = 20;
/// Longest search text the inbox reads, in characters.
pub const SEARCH_MAX: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Question,
    Problem,
    InfoChange,
}

impl Category {
    pub const ALL: [Category; 3] = [Category::Question, Category::Problem, Category::InfoChange];

    pub fn code(self) -> &'static str {
        match self {
            Category::Question => "soru",
            Category::Problem => "sorun",
            Category::InfoChange => "bilgi_degisikligi",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Question => "Soru",
            Category::Problem => "Sorun bildirimi",
            Category::InfoChange => "Bilgi değişikliği",
        }
    }

    pub fn from_code(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code.trim())
    }
}

/// Where a thread stands: waiting for the Şefliği, answered by it, or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadState {
    Open,
    Answered,
    Closed,
}

impl ThreadState {
    pub const ALL: [ThreadState; 3] = [
        ThreadState::Open,
        ThreadState::Answered,
        ThreadState::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ThreadState::Open => "open",
            ThreadState::Answered => "answered",
            ThreadState::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ThreadState::Open => "Açık",
            ThreadState::Answered => "Yanıtlandı",
            ThreadState::Closed => "Kapandı",
        }
    }

    pub fn from_code(code: &str) -> Option<ThreadState> {
        ThreadState::ALL
            .into_iter()
            .find(|s| s.code() == code.trim())
    }
}

/// Who writes a message: the e-İmza Şefliği or the asking side (the asker,
/// or an officer of the thread's unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Reviewer,
    Asker,
}

/// The state after a message from `side` on a thread in `state`, or why
/// none may be written. An answer makes it "yanıtlandı"; the asking side's
/// reply opens it again. A closed thread takes no more messages.
pub fn after_message(
    state: ThreadState,
    count: i32,
    side: Side,
) -> Result<ThreadState, &'static str> {
    if state == ThreadState::Closed {
        return Err("Kapanan bildirime yanıt yazılamaz; gerekirse yeni bir bildirim açın.");
    }
    if count >= MESSAGES_MAX {
        return Err("Bu bildirim en fazla 200 mesaj alabilir; gerekirse yeni bir bildirim açın.");
    }
    Ok(match side {
        Side::Reviewer => ThreadState::Answered,
        Side::Asker => ThreadState::Open,
    })
}

/// What a reviewer does to a thread besides answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadAction {
    /// "Üstlen": the reviewer takes the thread.
    Assign,
    /// "Kapat".
    Close,
}

impl ThreadAction {
    pub fn code(self) -> &'static str {
        match self {
            ThreadAction::Assign => "assign",
            ThreadAction::Close => "close",
        }
    }

    pub fn from_code(code: &str) -> Option<ThreadAction> {
        [ThreadAction::Assign, ThreadAction::Close]
            .into_iter()
            .find(|a| a.code() == code.trim())
    }

    /// The state after the action, or why it cannot be taken.
    /// `mine`: the thread is already assigned to the reviewer acting.
    pub fn apply(self, state: ThreadState, mine: bool) -> Result<ThreadState, &'static str> {
        match (self, state) {
            (_, ThreadState::Closed) => Err("Bu bildirim kapanmış."),
            (ThreadAction::Assign, _) if mine => Err("Bu bildirim zaten size atanmış."),
            (ThreadAction::Assign, s) => Ok(s),
            (ThreadAction::Close, _) => Ok(ThreadState::Closed),
        }
    }
}

/// A subject as typed: one line, spaces collapsed, 1 to [`SUBJECT_MAX`]
/// characters.
pub fn parse_subject(raw: &str) -> Result<String, String> {
    Line::parse(raw, "Konu", SUBJECT_MAX).map(Line::into_string)
}

/// A message as typed: line breaks kept (as `\n`), trimmed, 1 to
/// [`BODY_MAX`] characters, no control or direction characters.
pub fn parse_body(raw: &str) -> Result<String, String> {
    if let Some(c) = forbidden_char(raw) {
        return Err(forbidden_message("Mesaj", c));
    }
    let body = raw.replace("\r\n", "\n").replace('\r', "\n");
    let body = body.trim();
    if body.is_empty() {
        return Err("Mesaj boş bırakılamaz.".to_owned());
    }
    if body.chars().count() > BODY_MAX {
        return Err("Mesaj en fazla 5.000 karakter olabilir.".to_owned());
    }
    Ok(body.to_owned())
}

/// The search text of the inbox: trimmed and cut to [`SEARCH_MAX`]
/// characters; `None` when empty.
pub fn search_text(raw: &str) -> Option<String> {
    let s: String = raw.trim().chars().take(SEARCH_MAX).collect();
    let s = s.trim().to_owned();
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_labels_are_turkish() {
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.code()), Some(c));
        }
        for s in ThreadState::ALL {
            assert_eq!(ThreadState::from_code(s.code()), Some(s));
        }
        assert_eq!(Category::from_code("x"), None);
        assert_eq!(Category::InfoChange.label(), "Bilgi değişikliği");
        assert_eq!(ThreadState::Answered.label(), "Yanıtlandı");
        assert_eq!(ThreadState::Closed.label(), "Kapandı");
    }

    #[test]
    fn an_answer_marks_answered_and_the_askers_reply_opens_again() {
        use ThreadState::*;
        assert_eq!(after_message(Open, 1, Side::Reviewer), Ok(Answered));
        assert_eq!(after_message(Answered, 2, Side::Asker), Ok(Open));
        assert_eq!(after_message(Answered, 2, Side::Reviewer), Ok(Answered));
        assert_eq!(after_message(Open, 2, Side::Asker), Ok(Open));
        assert!(after_message(Closed, 2, Side::Asker).is_err());
        assert!(after_message(Closed, 2, Side::Reviewer).is_err());
    }

    #[test]
    fn a_thread_takes_at_most_two_hundred_messages() {
        assert!(after_message(ThreadState::Open, MESSAGES_MAX - 1, Side::Asker).is_ok());
        let refused = after_message(ThreadState::Open, MESSAGES_MAX, Side::Reviewer);
        assert!(refused.is_err_and(|m| m.contains("200 mesaj")));
    }

    #[test]
    fn assigning_and_closing() {
        use ThreadAction::*;
        use ThreadState::*;
        assert_eq!(Assign.apply(Open, false), Ok(Open));
        assert_eq!(Assign.apply(Answered, false), Ok(Answered));
        assert!(Assign.apply(Open, true).is_err());
        assert_eq!(Close.apply(Answered, true), Ok(Closed));
        assert!(Close.apply(Closed, false).is_err());
        assert!(Assign.apply(Closed, false).is_err());
        assert_eq!(ThreadAction::from_code("close"), Some(Close));
        assert_eq!(ThreadAction::from_code("drop"), None);
    }

    #[test]
    fn subjects_and_messages_are_bounded() {
        assert_eq!(
            parse_subject("  Şifre   sorunu ").as_deref(),
            Ok("Şifre sorunu")
        );
        assert!(parse_subject("").is_err());
        assert!(parse_subject("a\nb").is_err());
        assert!(parse_subject(&"ş".repeat(SUBJECT_MAX)).is_ok());
        assert!(parse_subject(&"ş".repeat(SUBJECT_MAX + 1)).is_err());
        assert_eq!(
            parse_body(" Satır 1\r\nSatır 2 ").as_deref(),
            Ok("Satır 1\nSatır 2")
        );
        assert_eq!(
            parse_body("  \n "),
            Err("Mesaj boş bırakılamaz.".to_owned())
        );
        assert!(parse_body(&"ğ".repeat(BODY_MAX)).is_ok());
        let long = parse_body(&"ğ".repeat(BODY_MAX + 1));
        assert_eq!(
            long,
            Err("Mesaj en fazla 5.000 karakter olabilir.".to_owned())
        );
        assert!(parse_body("a\u{202E}b").is_err_and(|m| m.contains("U+202E")));
    }

    #[test]
    fn the_search_text_is_trimmed_and_cut() {
        assert_eq!(search_text("   "), None);
        assert_eq!(search_text(" yazıcı ").as_deref(), Some("yazıcı"));
        assert_eq!(
            search_text(&"x".repeat(500)).map(|s| s.len()),
            Some(SEARCH_MAX)
        );
    }
}
