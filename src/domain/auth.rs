//! Pure rules of signing in: password policy, login throttling, session
//! lifetimes. The database counts; these functions decide.

use chrono::{Duration, NaiveDateTime};

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// A new password must be 10–128 characters and not only one repeated character.
pub fn check_new_password(pw: &str) -> Result<(), &'static str> {
    let n = pw.chars().count();
    if n < PASSWORD_MIN_CHARS {
        return Err("Parola en az 10 karakter olmalı.");
    }
    if n > PASSWORD_MAX_CHARS {
        return Err("Parola en fazla 128 karakter olabilir.");
    }
    let first = pw.chars().next();
    if pw.chars().all(|c| Some(c) == first) {
        return Err("Parola tek bir karakterin tekrarı olamaz.");
    }
    Ok(())
}

/// Failed attempts allowed per e-mail (known or not) inside the window.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed attempts allowed per client IP inside the window.
pub const MAX_FAILURES_PER_IP: i64 = 20;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

pub fn throttle_window() -> Duration {
    Duration::minutes(THROTTLE_WINDOW_MINUTES)
}

/// Recent failures counted by the database for one login attempt.
#[derive(Debug, Clone, Copy)]
pub struct RecentFailures {
    /// Failures for this e-mail inside the window and after its last success.
    pub account: i64,
    pub ip: i64,
}

pub fn is_throttled(f: RecentFailures) -> bool {
    f.account >= MAX_FAILURES_PER_ACCOUNT || f.ip >= MAX_FAILURES_PER_IP
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Valid,
    IdleExpired,
    AbsoluteExpired,
}

pub fn session_state(
    created: NaiveDateTime,
    last_seen: NaiveDateTime,
    now: NaiveDateTime,
    idle: Duration,
    absolute: Duration,
) -> SessionState {
    if now - created >= absolute {
        SessionState::AbsoluteExpired
    } else if now - last_seen >= idle {
        SessionState::IdleExpired
    } else {
        SessionState::Valid
    }
}

/// `next=` after login: only a local path, never another host (`//evil`).
/// Browsers drop tabs and newlines from a URL (`/\t/evil` becomes
/// `//evil`), and a newline cannot go in a header, so a path with any
/// whitespace or control character is refused too, as is a long one.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && n.len() <= 2000
                && !n.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            n
        }
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .expect("time")
    }

    #[test]
    fn password_policy() {
        assert!(check_new_password("kısa").is_err());
        assert!(check_new_password("aaaaaaaaaaaa").is_err());
        assert!(check_new_password(&"ab".repeat(65)).is_err());
        assert!(check_new_password("Ankara-2026!").is_ok());
    }

    #[test]
    fn password_length_bounds_are_inclusive() {
        assert!(check_new_password("abcdefghi").is_err());
        assert!(check_new_password("abcdefghij").is_ok());
        assert!(check_new_password(&"ab".repeat(64)).is_ok());
        assert!(check_new_password(&format!("{}c", "ab".repeat(64))).is_err());
    }

    #[test]
    fn the_throttle_window_is_fifteen_minutes() {
        assert_eq!(throttle_window(), Duration::minutes(15));
    }

    #[test]
    fn throttling_thresholds() {
        assert!(!is_throttled(RecentFailures { account: 4, ip: 19 }));
        assert!(is_throttled(RecentFailures { account: 5, ip: 0 }));
        assert!(is_throttled(RecentFailures { account: 0, ip: 20 }));
    }

    #[test]
    fn session_timeouts() {
        let idle = Duration::minutes(30);
        let abs = Duration::hours(12);
        assert_eq!(
            session_state(at(8, 0), at(9, 0), at(9, 29), idle, abs),
            SessionState::Valid
        );
        assert_eq!(
            session_state(at(8, 0), at(9, 0), at(9, 30), idle, abs),
            SessionState::IdleExpired
        );
        assert_eq!(
            session_state(at(8, 0), at(19, 59), at(20, 0), idle, abs),
            SessionState::AbsoluteExpired
        );
    }

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next(Some("/yonetim")), "/yonetim");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/x\r\nSet-Cookie: a=b")), "/");
        assert_eq!(safe_next(Some("/ /evil.example")), "/");
        assert_eq!(safe_next(Some(&format!("/{}", "a".repeat(2000)))), "/");
        assert_eq!(
            safe_next(Some("/talep/7?sekme=tümü")),
            "/talep/7?sekme=tümü"
        );
        assert_eq!(safe_next(None), "/");
    }
}
