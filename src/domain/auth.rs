//! Pure rules of signing in: password policy, login throttling, session
//! lifetimes. The database counts; these functions decide.

use chrono::{Duration, NaiveDateTime};

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Least zxcvbn score (0–4) a new password must reach: 3 means more than
/// 10^8 guesses, too many for an online attack and costly offline against
/// Argon2id.
pub const PASSWORD_MIN_SCORE: u8 = 3;

/// Words an attacker on this portal tries first: the institution, the
/// product, common Turkish password words. zxcvbn's own lists are English.
const LOCAL_WORDS: &[&str] = &[
    "parola",
    "şifre",
    "sifre",
    "mobilimza",
    "mobil",
    "imza",
    "eimza",
    "e-imza",
    "kamusm",
    "bakanlık",
    "bakanlik",
    "valilik",
    "kurum",
    "türkiye",
    "turkiye",
    "ankara",
    "istanbul",
    "izmir",
    "galatasaray",
    "fenerbahçe",
    "fenerbahce",
    "beşiktaş",
    "besiktas",
    "trabzonspor",
    "qwerty",
    "asdfgh",
    "sevgilim",
    "canım",
    "canim",
];

/// A new password: 10–128 characters and hard to guess (zxcvbn score ≥ 3),
/// counting the person's own name and address and the local words above as
/// known to an attacker. The error says in Turkish what is wrong and how to
/// choose better.
pub fn check_new_password(pw: &str, personal: &[&str]) -> Result<(), String> {
    let n = pw.chars().count();
    if n < PASSWORD_MIN_CHARS {
        return Err("Parola en az 10 karakter olmalı.".to_owned());
    }
    if n > PASSWORD_MAX_CHARS {
        return Err("Parola en fazla 128 karakter olabilir.".to_owned());
    }
    let mut known: Vec<&str> = LOCAL_WORDS.to_vec();
    for p in personal {
        known.push(p);
        known.extend(p.split('@').next());
        known.extend(
            p.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 3),
        );
    }
    let estimate = zxcvbn::zxcvbn(pw, &known);
    if u8::from(estimate.score()) >= PASSWORD_MIN_SCORE {
        return Ok(());
    }
    let why = estimate
        .feedback()
        .and_then(|f| f.warning())
        .map_or("Bu parola kolayca tahmin edilebilir.", warning_text);
    Err(format!(
        "{why} Birbiriyle ilgisiz üç dört kelimeyi birleştirin ya da araya rakam ve \
         işaretler katın (örneğin: Mavi-Kalem-Sabah-47); adınızı, e-posta adresinizi, \
         kurum adını ve klavye dizilerini kullanmayın."
    ))
}

fn warning_text(w: zxcvbn::feedback::Warning) -> &'static str {
    use zxcvbn::feedback::Warning as W;
    match w {
        W::StraightRowsOfKeysAreEasyToGuess | W::ShortKeyboardPatternsAreEasyToGuess => {
            "Klavye dizileri (qwerty, 12345 gibi) kolay tahmin edilir."
        }
        W::RepeatsLikeAaaAreEasyToGuess | W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            "Tekrarlar (aaa, abcabc gibi) kolay tahmin edilir."
        }
        W::ThisIsATop10Password | W::ThisIsATop100Password | W::ThisIsACommonPassword => {
            "Bu, en sık kullanılan parolalardan biri."
        }
        W::ThisIsSimilarToACommonlyUsedPassword => {
            "Bu parola sık kullanılan bir parolaya çok benziyor."
        }
        W::SequencesLikeAbcAreEasyToGuess => {
            "Sıralı karakterler (abc, 6543 gibi) kolay tahmin edilir."
        }
        W::RecentYearsAreEasyToGuess | W::DatesAreOftenEasyToGuess => {
            "Yıllar ve tarihler kolay tahmin edilir."
        }
        W::AWordByItselfIsEasyToGuess => "Tek başına bir kelime kolay tahmin edilir.",
        W::NamesAndSurnamesByThemselvesAreEasyToGuess | W::CommonNamesAndSurnamesAreEasyToGuess => {
            "Ad ve soyadlar kolay tahmin edilir."
        }
    }
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
    /// Failures for this e-mail inside the window and after its last success
    /// (counted up to [`MAX_FAILURES_PER_ACCOUNT`]; not counted, 0, when the
    /// address alone is over its limit).
    pub account: i64,
    /// Failures from this address inside the window (counted up to
    /// [`MAX_FAILURES_PER_IP`]).
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
        assert!(check_new_password("kısa", &[]).is_err());
        assert!(check_new_password("aaaaaaaaaaaa", &[]).is_err());
        assert!(check_new_password(&"ab".repeat(65), &[]).is_err());
        assert!(check_new_password("Dogru-Parola-2026", &[]).is_ok());
        assert!(check_new_password("Kırmızı-Defter-Yağmur", &[]).is_ok());
        assert!(check_new_password("Mavi-Kalem-Sabah-47", &[]).is_ok());
    }

    /// Passwords that passed the length rule alone and were accepted.
    #[test]
    fn guessable_passwords_are_refused_with_turkish_advice() {
        for pw in [
            "1234567890",
            "password12",
            "qwertyuiop",
            "abcdefghij",
            "Parola1234",
            "sifre12345",
            "Ankara2026",
            "Galatasaray1905",
        ] {
            let err = check_new_password(pw, &[]).expect_err(pw);
            assert!(err.contains("Birbiriyle ilgisiz"), "{pw}: {err}");
        }
        let err = check_new_password("1234567890", &[]).expect_err("digits");
        assert!(
            err.starts_with("Sıralı karakterler") || err.starts_with("Bu, en sık"),
            "{err}"
        );
    }

    #[test]
    fn the_persons_own_name_and_address_count_as_known() {
        let me = ["Hatice Karaköse", "hatice.karakose@kurum.gov.tr"];
        assert!(check_new_password("hatice.karakose", &[]).is_ok());
        assert!(check_new_password("hatice.karakose", &me).is_err());
    }

    #[test]
    fn length_bounds_count_characters_not_bytes() {
        assert!(
            check_new_password("çğış-Kâğ9", &[]).is_err(),
            "9 characters"
        );
        let strong = "Mavi-Kalem-Sabah-47";
        let at_most = format!("{strong}{}", "ş".repeat(128 - 19));
        assert!(check_new_password(&at_most, &[]).is_ok());
        assert!(check_new_password(&format!("{at_most}ş"), &[]).is_err());
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
