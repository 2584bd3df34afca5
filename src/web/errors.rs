//! Which error belongs where: handlers return [`AppError`]. Its variants are
//! what a user may see (a Turkish page with the right status); `Internal`
//! carries the cause chain for the log and shows only a reference number.

use std::borrow::Cow;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpMessage as _, HttpResponse, ResponseError};
use askama::Template;

use crate::service::ServiceError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("bad request")]
    BadRequest,
    #[error("forbidden")]
    Forbidden,
    #[error("csrf check failed")]
    Csrf,
    #[error("database busy")]
    Busy,
    #[error("request too large")]
    TooLarge,
    /// A form field held a control or direction character.
    #[error("forbidden character U+{:04X}", u32::from(*.0))]
    BadText(char),
    /// Any other refusal by the HTTP layer (a method not allowed, a
    /// malformed query string, …), with its status.
    #[error("rejected with {0}")]
    Rejected(StatusCode),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Busy => AppError::Busy,
            ServiceError::Internal(e) => AppError::Internal(e),
        }
    }
}

impl From<crate::password::Busy> for AppError {
    fn from(_: crate::password::Busy) -> Self {
        AppError::Busy
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        ServiceError::from(e).into()
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: &'a str,
    reference: Option<String>,
}

impl AppError {
    /// The page's title and message.
    fn words(&self) -> (&'static str, Cow<'static, str>) {
        let (title, message) = match self {
            AppError::BadText(c) => {
                let text = crate::domain::text::forbidden_message("Gönderilen form", *c);
                return (
                    "Formda izin verilmeyen karakter var",
                    Cow::Owned(format!("{text} Hiçbir değişiklik yapılmadı.")),
                );
            }
            AppError::NotFound => (
                "Sayfa bulunamadı",
                "Aradığınız sayfa ya da kayıt bulunamadı.",
            ),
            AppError::BadRequest => (
                "Form okunamadı",
                "Gönderilen form okunamadı ya da çok büyüktü; hiçbir değişiklik yapılmadı. Sayfayı yenileyip yeniden deneyin.",
            ),
            AppError::Forbidden => (
                "Yetkiniz yok",
                "Bu sayfayı görme ya da bu işlemi yapma yetkiniz yok.",
            ),
            AppError::Csrf => (
                "Güvenlik doğrulaması başarısız",
                "Form güvenlik doğrulamasından geçemedi (CSRF). Sayfayı yenileyip yeniden deneyin; \
                 hiçbir değişiklik yapılmadı.",
            ),
            AppError::Busy => (
                "Sistem şu anda yoğun",
                "İşleminiz yapılamadı ve hiçbir değişiklik kaydedilmedi. Lütfen biraz sonra yeniden deneyin.",
            ),
            AppError::TooLarge => (
                "Gönderilen veri çok büyük",
                "Gönderilen form ya da dosya izin verilen boyutu aşıyor; hiçbir değişiklik yapılmadı.",
            ),
            AppError::Rejected(_) => (
                "İstek işlenemedi",
                "Bu istek işlenemedi; hiçbir değişiklik yapılmadı. Sayfayı yenileyip yeniden deneyin.",
            ),
            AppError::Internal(_) => (
                "Beklenmeyen bir hata oluştu",
                "İşleminiz tamamlanamadı. Sorun sürerse aşağıdaki başvuru numarasıyla destek birimine bildirin.",
            ),
        };
        (title, Cow::Borrowed(message))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::BadText(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Rejected(status) => *status,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(e) = self {
            // Inside the request's span: the log line carries its request_id,
            // which the page shows (see `pages`).
            tracing::error!(error = ?e, "internal error");
        }
        self.page(None)
    }
}

impl AppError {
    /// The Turkish page, with the request's id for the user to quote.
    fn page(&self, reference: Option<String>) -> HttpResponse {
        let (title, message) = self.words();
        let page = ErrorPage {
            status: self.status_code().as_u16(),
            title,
            message: &message,
            reference,
        };
        let body = page.render().unwrap_or_else(|_| message.to_string());
        let mut resp = HttpResponse::build(self.status_code());
        if matches!(self, AppError::Busy) {
            resp.insert_header(("Retry-After", "5"));
        }
        resp.content_type("text/html; charset=utf-8").body(body)
    }
}

impl AppError {
    /// The page for an error raised outside our handlers (actix's own
    /// extractors, payload limits, middleware): the same status, our words.
    fn from_status(status: StatusCode, cause: &actix_web::Error) -> Self {
        match status {
            StatusCode::NOT_FOUND => AppError::NotFound,
            StatusCode::FORBIDDEN => AppError::Forbidden,
            StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge,
            s if s.is_server_error() => AppError::Internal(anyhow::anyhow!("{cause}")),
            s => AppError::Rejected(s),
        }
    }
}

/// Every error answer passes here, inside the security headers: errors
/// from actix itself (a form over the size limit, a malformed query string)
/// would otherwise show its English text. Whatever the error, the user gets
/// the Turkish page with the same status and the request's id ("Başvuru
/// numarası"), which every log line of that request carries. Middleware answers refusals with
/// [`refuse`] (a response), never with `Err`, which would pass the headers by.
pub async fn pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    let Some(err) = res.response().error() else {
        return Ok(res);
    };
    let id = res
        .request()
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string());
    let page = match err.as_error::<AppError>() {
        Some(e) => e.page(id),
        None => AppError::from_status(res.status(), err).page(id),
    };
    Ok(res.into_response(page))
}

/// A middleware's refusal as a response (so it gets the headers and the
/// Turkish page like any other answer).
pub fn refuse(req: ServiceRequest, e: impl Into<actix_web::Error>) -> ServiceResponse<BoxBody> {
    req.error_response(e)
}

/// Default service: unknown paths get the Turkish 404 page.
pub async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}
