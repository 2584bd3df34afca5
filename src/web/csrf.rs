//! CSRF protection for every state-changing request: the token from the
//! session must come back in the `X-CSRF-Token` header, the `csrf_token` form
//! field (URL-encoded bodies) or, for multipart uploads, the query string.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use super::errors::{AppError, refuse};
use super::session::TypedSession;

pub const FIELD: &str = crate::paths::CSRF_FIELD;
pub const HEADER: &str = "x-csrf-token";

pub async fn protect(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(next.call(req).await?.map_into_boxed_body());
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

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
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
}
