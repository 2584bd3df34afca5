//! Form helpers: repeated fields (checkbox groups) and field errors shown next
//! to the field and in the error summary at the top of the form.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

/// A URL-encoded form as its pairs, so checkbox groups keep every value.
/// Also an extractor (size limit and error page from the app's FormConfig).
#[derive(Debug, Default)]
pub struct FormData(Vec<(String, String)>);

impl FromRequest for FormData {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let form = web::Form::<Vec<(String, String)>>::from_request(req, payload);
        Box::pin(async move { Ok(FormData::new(form.await?.into_inner())) })
    }
}

impl FormData {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    pub fn get(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Replaces every value of `key` with `value`.
    pub fn set(&mut self, key: &str, value: &str) {
        self.0.retain(|(k, _)| k != key);
        self.0.push((key.to_owned(), value.to_owned()));
    }

    pub fn checked(&self, key: &str) -> bool {
        matches!(self.get(key), "on" | "1" | "true")
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

    #[test]
    fn repeated_fields_and_errors() {
        let f = FormData::new(vec![
            ("r".into(), "a".into()),
            ("r".into(), "b".into()),
            ("x".into(), "on".into()),
        ]);
        assert_eq!(f.all("r"), vec!["a", "b"]);
        assert_eq!(f.get("missing"), "");
        assert!(f.checked("x"));
        let mut e = FormErrors::default();
        assert!(e.is_empty());
        e.add("email", "Geçersiz");
        assert_eq!(e.get("email"), Some("Geçersiz"));
        assert_eq!(e.get("name"), None);
    }
}
