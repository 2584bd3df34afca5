//! CSRF protection for every state-changing request: it must come from the
//! portal's own pages (an `Origin`, or without one a `Referer`, naming another
//! site is refused), and the token from the session must come back in the
//! `X-CSRF-Token` header, the `csrf_token` form field (URL-encoded bodies) or,
//! for multipart uploads, the query string.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, Uri, header};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use super::errors::{AppError, refuse};
use super::session::TypedSession;
use crate::app::AppState;

pub const FIELD: &str = crate::paths::CSRF_FIELD;
pub const HEADER: &str = "x-csrf-token";

pub async fn protect(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    if !from_own_site(&req) {
        tracing::warn!(path = %req.path(), "CSRF check failed: foreign origin");
        return Err(AppError::Csrf.into());
    }
    let expected = TypedSession::of(req.request()).stored_csrf_token();
    let mut provided = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| field_of(req.query_string().as_bytes()));
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if provided.is_none() && is_form {
        // Read the (size-limited) body, look for the field, and put it back
        // for the handler's own extractor.
        let body = match req.extract::<web::Bytes>().await {
            Ok(body) => body,
            Err(e) => return Ok(refuse(req, e)),
        };
        provided = field_of(&body);
        req.set_payload(bytes_payload(body));
    }
    match (expected, provided) {
        (Some(e), Some(p)) if constant_time_eq(e.as_bytes(), p.as_bytes()) => {
            Ok(next.call(req).await?.map_into_boxed_body())
        }
        _ => {
            tracing::warn!(path = %req.path(), "CSRF check failed");
            Ok(refuse(req, AppError::Csrf))
        }
    }
}

/// Whether the request comes from the portal's own pages: the origin its
/// browser names (`Origin`, else the origin of `Referer`) is the configured
/// `BASE_URL`'s or the one the request was sent to (`Host`: the same portal
/// reached as `localhost` or through another name). A browser names the
/// origin of every cross-site POST, so a foreign or opaque (`null`) one is
/// refused; with neither header (an old client, a privacy proxy) the token
/// alone decides.
fn from_own_site(req: &ServiceRequest) -> bool {
    let named = [header::ORIGIN, header::REFERER]
        .iter()
        .find_map(|h| req.headers().get(h));
    let Some(named) = named else {
        return true;
    };
    let Some(origin) = named.to_str().ok().and_then(origin_of) else {
        return false;
    };
    let base = req
        .app_data::<web::Data<AppState>>()
        .and_then(|s| origin_of(&s.config.base_url));
    let own = {
        let info = req.connection_info();
        origin_of(&format!("{}://{}", info.scheme(), info.host()))
    };
    base.as_ref() == Some(&origin) || own.as_ref() == Some(&origin)
}

/// `(scheme, host, port)` of an http(s) URL, lower-cased, with the default
/// port filled in; `None` for anything else (`null`, a relative path).
fn origin_of(url: &str) -> Option<(String, String, u16)> {
    let uri: Uri = url.parse().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let authority = uri.authority()?;
    let host = authority.host().to_ascii_lowercase();
    Some((scheme, host, authority.port_u16().unwrap_or(default_port)))
}

fn field_of(urlencoded: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(urlencoded)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v)
}

fn bytes_payload(body: web::Bytes) -> Payload {
    let (_, mut payload) = actix_http::h1::Payload::create(true);
    payload.unread_data(body);
    Payload::from(payload)
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_field_and_compares_exactly() {
        assert_eq!(
            field_of(b"a=1&csrf_token=abc%2B&b=2").as_deref(),
            Some("abc+")
        );
        assert_eq!(field_of(b"a=1"), None);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn origins_are_scheme_host_and_port() {
        let o = |s: &str, h: &str, p: u16| Some((s.to_owned(), h.to_owned(), p));
        assert_eq!(
            origin_of("https://Portal.gov.tr"),
            o("https", "portal.gov.tr", 443)
        );
        assert_eq!(
            origin_of("HTTPS://portal.gov.tr:443/a?b#c"),
            o("https", "portal.gov.tr", 443)
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080"),
            o("http", "127.0.0.1", 8080)
        );
        assert_eq!(origin_of("http://[::1]:8080/x"), o("http", "[::1]", 8080));
        assert_ne!(
            origin_of("http://portal.gov.tr"),
            origin_of("https://portal.gov.tr")
        );
        assert_ne!(
            origin_of("https://portal.gov.tr.evil.example"),
            origin_of("https://portal.gov.tr")
        );
        for not_one in [
            "null",
            "",
            "/giris",
            "portal.gov.tr",
            "ftp://portal.gov.tr",
            "data:x",
        ] {
            assert_eq!(origin_of(not_one), None, "{not_one}");
        }
    }
}
