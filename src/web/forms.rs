//! Forms: a URL-encoded body read within the app's size limit, then into a
//! typed struct with serde (repeated fields, such as checkbox groups, into
//! `Vec`s); and field errors shown next to the field and in the error
//! summary at the top of the form.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use super::errors::AppError;
use crate::domain::text::forbidden_char;

/// A form read into `T`. Fields are read as text (`String`, `Option<String>`,
/// `Vec<String>`) and parsed into domain types by the handler, so a bad
/// value gets a Turkish message next to its field rather than a 400.
#[derive(Debug)]
pub struct Form<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Form<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let form = FormData::from_request(req, payload);
        Box::pin(async move { Ok(Form(form.await?.parse()?)) })
    }
}

/// A query string read into `T`, repeated keys into `Vec`s; unreadable
/// values are left out rather than refused.
pub fn query<T: DeserializeOwned + Default>(req: &HttpRequest) -> T {
    serde_html_form::from_str(req.query_string()).unwrap_or_default()
}

/// Whether a checkbox was ticked.
pub fn checked(value: &Option<String>) -> bool {
    matches!(value.as_deref(), Some("on" | "1" | "true"))
}

/// A URL-encoded body as its pairs (size limit and error page from the
/// app's FormConfig; a control or direction character anywhere is refused
/// with a Turkish 422), to read with [`FormData::parse`] into one or more typed
/// structs; [`Form`] does both for the usual one.
#[derive(Debug, Default)]
pub struct FormData(Vec<(String, String)>);

impl FromRequest for FormData {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let form = web::Form::<Vec<(String, String)>>::from_request(req, payload);
        Box::pin(async move {
            let pairs = form.await?.into_inner();
            // Every field of every form: no control or direction characters
            // (tab and line breaks allowed), so nothing stored can render
            // as something else. Name-like fields say so next to the field
            // (domain `Line`); this catches every other one.
            if let Some(c) = pairs
                .iter()
                .find_map(|(k, v)| forbidden_char(k).or(forbidden_char(v)))
            {
                return Err(AppError::BadText(c).into());
            }
            Ok(FormData::new(pairs))
        })
    }
}

impl FormData {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    /// The form as `T` (see [`Form`]).
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        let encoded = serde_urlencoded::to_string(&self.0).map_err(AppError::internal)?;
        serde_html_form::from_str(&encoded).map_err(|e| {
            tracing::info!(error = %e, "form fields of the wrong shape");
            AppError::BadRequest
        })
    }
}

#[derive(Debug, Default)]
pub struct FormErrors(Vec<(&'static str, String)>);

impl FormErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn items(&self) -> &[(&'static str, String)] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(default)]
    struct Sample {
        kinds: Vec<String>,
        note: String,
        kvkk: Option<String>,
    }

    #[test]
    fn a_form_reads_into_a_struct_with_repeated_fields_and_checkboxes() {
        let f = FormData::new(vec![
            ("kinds".into(), "sim".into()),
            ("kinds".into(), "numara".into()),
            ("note".into(), "Ağ & çözüm = 1".into()),
            ("kvkk".into(), "on".into()),
            ("csrf_token".into(), "x".into()),
        ]);
        let s: Sample = f.parse().expect("parse");
        assert_eq!(s.kinds, vec!["sim", "numara"]);
        assert_eq!(s.note, "Ağ & çözüm = 1");
        assert!(checked(&s.kvkk));
        let empty: Sample = FormData::default().parse().expect("parse");
        assert!(empty.kinds.is_empty() && !checked(&empty.kvkk));
    }

    #[test]
    fn field_errors_are_found_by_field() {
        let mut e = FormErrors::default();
        assert!(e.is_empty());
        e.add("email", "Geçersiz");
        assert_eq!(e.get("email"), Some("Geçersiz"));
        assert_eq!(e.get("name"), None);
    }
}
