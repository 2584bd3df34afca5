//! The typed cookie session: the session token (the server-side row is the
//! truth), the CSRF token and flash messages. Nothing else goes in the cookie.

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use base64::Engine;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::future::{Ready, ready};

const SID: &str = "sid";
const CSRF: &str = "csrf";
const FLASH: &str = "flash";
/// Longest flash message kept, in bytes of UTF-8.
pub const FLASH_MAX_BYTES: usize = 300;
/// Flash messages kept until the next page.
pub const FLASH_MAX_COUNT: usize = 3;

/// `text` cut at a character boundary to at most [`FLASH_MAX_BYTES`], with
/// "…" where it was cut.
fn bounded(mut text: String) -> String {
    if text.len() <= FLASH_MAX_BYTES {
        return text;
    }
    let mut end = FLASH_MAX_BYTES - '…'.len_utf8();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push('…');
    text
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum FlashKind {
    Success,
    Info,
    Error,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    pub text: String,
}

impl Flash {
    pub fn css(&self) -> &'static str {
        match self.kind {
            FlashKind::Success => "flash flash-success",
            FlashKind::Info => "flash flash-info",
            FlashKind::Error => "flash flash-error",
        }
    }
}

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub struct TypedSession(Session);

impl TypedSession {
    pub fn of(req: &HttpRequest) -> Self {
        Self(req.get_session())
    }

    pub fn from_session(s: Session) -> Self {
        Self(s)
    }

    pub fn token(&self) -> Option<String> {
        self.0.get(SID).ok().flatten()
    }

    /// Starts a logged-in session: a fresh cookie (renewed, so whatever was
    /// issued before login is worthless), a new token and a new CSRF token.
    pub fn start(&self, token: &str) -> anyhow::Result<()> {
        self.0.renew();
        self.0.insert(SID, token)?;
        self.0.insert(CSRF, random_token())?;
        Ok(())
    }

    /// Ends the login in this browser: empty session, fresh cookie.
    pub fn end(&self) {
        self.0.clear();
        self.0.renew();
    }

    pub fn forget_token(&self) {
        self.0.remove(SID);
    }

    /// The CSRF token for forms, created on first use.
    pub fn csrf_token(&self) -> String {
        match self.0.get::<String>(CSRF).ok().flatten() {
            Some(t) => t,
            None => {
                let t = random_token();
                // A failure here only means the next POST is refused, safely.
                let _ = self.0.insert(CSRF, &t);
                t
            }
        }
    }

    pub fn stored_csrf_token(&self) -> Option<String> {
        self.0.get(CSRF).ok().flatten()
    }

    /// Queues a message for the next page. The session lives in a cookie
    /// (4 KB at most), so a message is cut at [`FLASH_MAX_BYTES`] and only the
    /// newest [`FLASH_MAX_COUNT`] are kept: no input can overflow the cookie.
    pub fn flash(&self, kind: FlashKind, text: impl Into<String>) {
        let mut list: Vec<Flash> = self.0.get(FLASH).ok().flatten().unwrap_or_default();
        list.push(Flash {
            kind,
            text: bounded(text.into()),
        });
        let excess = list.len().saturating_sub(FLASH_MAX_COUNT);
        list.drain(..excess);
        let _ = self.0.insert(FLASH, list);
    }

    /// The messages to show, once. A session without any is left unchanged
    /// (removing an absent key would still re-seal and re-send the cookie).
    pub fn take_flashes(&self) -> Vec<Flash> {
        if !self.0.contains_key(FLASH) {
            return Vec::new();
        }
        self.0
            .remove_as::<Vec<Flash>>(FLASH)
            .and_then(Result::ok)
            .unwrap_or_default()
    }
}

impl FromRequest for TypedSession {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self::of(req)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut_at_a_character_boundary() {
        assert_eq!(bounded("kısa".to_owned()), "kısa");
        let long = "ğ".repeat(400);
        let cut = bounded(long);
        assert!(cut.len() <= FLASH_MAX_BYTES, "{}", cut.len());
        assert!(cut.ends_with("ğ…"), "{cut}");
    }
}
