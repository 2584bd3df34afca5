//! Every URL the portal links to, redirects to or posts to, in one place:
//! templates call these (`{{ crate::paths::request(r.id) }}`), handlers
//! use them for redirects and links, nobody writes "/talep/…" by hand.
//!
//! The route table in web/mod.rs must agree with this module: a path here is
//! only useful if a route there serves it. The test beside that table asks it
//! which pattern each path hits, so a route renamed on one side only fails
//! `cargo test`. This module knows nothing of the web layer: services use it
//! for the links they write.
//!
//! Fixed paths are consts; paths with a record id, a file format or a query
//! are functions returning `String`. Record ids are taken as [`Id`] because
//! askama passes call arguments by reference (`request(&(r.id))`).

use std::fmt::Display;

/// A record id, as a value or (in templates) behind references.
pub trait Id: Copy {
    fn id(self) -> i32;
}

impl Id for i32 {
    fn id(self) -> i32 {
        self
    }
}

impl<T: Id> Id for &T {
    fn id(self) -> i32 {
        (*self).id()
    }
}

/// `path?query`, or just `path` when there is no query.
fn with_query(path: impl Display, query: &str) -> String {
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

// ------------------------------------------------------------- public

pub const HOME: &str = "/";
pub const HEALTHZ: &str = "/healthz";
/// Everything under here is served without a session.
pub const STATIC_PREFIX: &str = "/static/";
pub const STYLESHEET: &str = "/static/app.css";
pub const SCRIPT: &str = "/static/app.js";
pub const METRICS: &str = "/metrics";

pub const LOGIN: &str = "/giris";
pub const LOGOUT: &str = "/cikis";

/// The login page that returns to `next` (a path, with its query) afterwards.
pub fn login_then(next: &str) -> String {
    with_query(
        LOGIN,
        &serde_urlencoded::to_string([("next", next)]).unwrap_or_default(),
    )
}

pub const PASSWORD: &str = "/hesap/parola";
/// The account's mail preference (the reviewers' digest), posted from the
/// password page.
pub const MY_MAIL: &str = "/hesap/eposta";

/// "Parolamı unuttum": the request form.
pub const PASSWORD_RESET: &str = "/parola-sifirla";

/// The new-password form a reset link opens.
pub fn password_reset(token: &str) -> String {
    format!("{PASSWORD_RESET}/{token}")
}

// ------------------------------------------------------------- officers

/// The officer's request list.
pub const REQUESTS: &str = "/talepler";

/// One tab (a state code, e.g. "returned") of the officer's request list.
pub fn requests_tab(tab: &str) -> String {
    format!("{REQUESTS}?sekme={tab}")
}

pub const NEW_REQUEST: &str = "/talepler/yeni";

/// The new-request form for one staff member.
pub fn new_request_for(staff: impl Id) -> String {
    format!("{NEW_REQUEST}?personel={}", staff.id())
}

/// The new-request form for a staff member whose line change invalidated
/// their signature.
pub fn new_request_after_line_change(staff: impl Id) -> String {
    format!(
        "{NEW_REQUEST}?personel={}&gerekce=hat_operator_degisikligi",
        staff.id()
    )
}

pub const STAFF_LIST: &str = "/personel";
pub const NEW_STAFF: &str = "/personel/yeni";
pub const STAFF_IMPORT: &str = "/personel/ice-aktar";

/// The name of the CSRF token field in forms, and in the query of a
/// multipart upload (whose body the CSRF check does not read).
pub const CSRF_FIELD: &str = "csrf_token";

/// The upload form posts multipart, so the CSRF token rides in the query.
pub fn staff_import_upload(csrf_token: &str) -> String {
    with_query(
        STAFF_IMPORT,
        &serde_urlencoded::to_string([(CSRF_FIELD, csrf_token)]).unwrap_or_default(),
    )
}

/// The import template, `format` "xlsx" or "csv".
pub fn staff_import_template(format: &str) -> String {
    format!("{STAFF_IMPORT}/sablon.{format}")
}

/// An uploaded import's preview (GET) and confirmation (POST).
pub fn staff_import_preview(id: impl Id) -> String {
    format!("{STAFF_IMPORT}/{}", id.id())
}

pub fn staff(id: impl Id) -> String {
    format!("{STAFF_LIST}/{}", id.id())
}

pub fn staff_contact(id: impl Id) -> String {
    format!("{STAFF_LIST}/{}/iletisim", id.id())
}

/// Shows a record's full T.C. number (POST: the view is audited).
pub fn staff_tckn(id: impl Id) -> String {
    format!("{STAFF_LIST}/{}/tc", id.id())
}

/// The officer's cover letters (üst yazı) for operator documents.
pub const COVER_LETTERS: &str = "/talepler/ust-yazi";
/// The new-letter form (GET, `?sec=` ticks requests) and where it posts.
pub const NEW_COVER_LETTER: &str = "/talepler/ust-yazi/yeni";

/// The new-letter form with one request ticked.
pub fn new_cover_letter_with(request: impl Id) -> String {
    format!("{NEW_COVER_LETTER}?sec={}", request.id())
}

/// The new-letter form for another of the officer's units.
pub fn new_cover_letter_in(unit: impl Id) -> String {
    format!("{NEW_COVER_LETTER}?birim={}", unit.id())
}

pub fn cover_letter(id: impl Id) -> String {
    format!("{COVER_LETTERS}/{}", id.id())
}

pub fn cover_letter_pdf(id: impl Id) -> String {
    format!("{COVER_LETTERS}/{}/pdf", id.id())
}

// ------------------------------------------------------------- reviewers

/// The reviewers' queue.
pub const REVIEW_QUEUE: &str = "/inceleme";

/// One tab (a state code or "flagged") of the reviewers' queue.
pub fn review_tab(tab: &str) -> String {
    format!("{REVIEW_QUEUE}?sekme={tab}")
}

pub const BULK_ACTION: &str = "/inceleme/toplu";
pub const EXPIRING: &str = "/inceleme/suresi-dolacak";

/// The expiring-signatures list as a file, `format` "xlsx" or "csv".
pub fn expiring_export(format: &str) -> String {
    format!("{EXPIRING}.{format}")
}

pub const BATCHES: &str = "/inceleme/partiler";

/// A Kamu SM batch's list as a file, `format` "xlsx" or "csv".
pub fn batch_export(id: impl Id, format: &str) -> String {
    format!("{BATCHES}/{}/liste.{format}", id.id())
}

// ------------------------------------------------------------- shared records

/// The scopes of the request and batch pages, which have no page of their own.
const REQUEST_SCOPE: &str = "/talep";
const BATCH_SCOPE: &str = "/parti";

pub fn request(id: impl Id) -> String {
    format!("{REQUEST_SCOPE}/{}", id.id())
}

/// Where every action form of a request posts.
pub fn request_action(id: impl Id) -> String {
    format!("{REQUEST_SCOPE}/{}/islem", id.id())
}

pub const RECONCILIATION: &str = "/mutabakat";

pub fn batch(id: impl Id) -> String {
    format!("{BATCH_SCOPE}/{}", id.id())
}

// ------------------------------------------------------------- "İstek bildir"

/// The asker's threads (officers: their units'; staff: their own).
pub const THREADS: &str = "/bildirim";

/// The asker's thread list with a filter query (already URL-encoded).
pub fn threads_filtered(query: &str) -> String {
    with_query(THREADS, query)
}

pub const NEW_THREAD: &str = "/bildirim/yeni";

/// The new-thread form about one request ("Soru sor / bildir").
pub fn new_thread_about_request(request: impl Id) -> String {
    format!("{NEW_THREAD}?talep={}", request.id())
}

/// The new-thread form about one staff member.
pub fn new_thread_about_staff(staff: impl Id) -> String {
    format!("{NEW_THREAD}?personel={}", staff.id())
}

pub fn thread(id: impl Id) -> String {
    format!("{THREADS}/{}", id.id())
}

/// Where a thread's reply form posts.
pub fn thread_reply(id: impl Id) -> String {
    format!("{THREADS}/{}/yanit", id.id())
}

/// Where a reviewer's actions on a thread (assign, close) post.
pub fn thread_action(id: impl Id) -> String {
    format!("{THREADS}/{}/islem", id.id())
}

/// The reviewers' inbox of threads.
pub const INBOX: &str = "/inceleme/bildirimler";

/// The inbox with a filter query (already URL-encoded).
pub fn inbox_filtered(query: &str) -> String {
    with_query(INBOX, query)
}

// ------------------------------------------------------------- finance

/// Certificate fees.
pub const FEES: &str = "/mali";

/// The fee list with a filter query (already URL-encoded).
pub fn fees_filtered(query: &str) -> String {
    with_query(FEES, query)
}

/// The fee list as a file, `format` "xlsx" or "csv", with its filter query.
pub fn fees_export(format: &str, query: &str) -> String {
    with_query(format_args!("{FEES}/ucretler.{format}"), query)
}

pub const RECORD_INVOICE: &str = "/mali/fatura";
pub const CHARTS: &str = "/mali/grafikler";
pub const BILLING: &str = "/mali/aylik";

/// One month (yyyy-mm) of monthly billing.
pub fn billing_month(month: &str) -> String {
    format!("{BILLING}?ay={month}")
}

/// A billing month as a file, `format` "xlsx" or "csv".
pub fn billing_export(month: &str, format: &str) -> String {
    format!("{BILLING}/{month}.{format}")
}

// ------------------------------------------------------------- staff

pub const ME: &str = "/bilgilerim";

// Information pages, open to everyone
pub const GUIDE: &str = "/bilgilendirme";

/// One reader's information page ([`crate::domain::guide::Audience::slug`]).
pub fn guide(slug: &str) -> String {
    format!("{GUIDE}/{slug}")
}
pub const MY_CONTACT: &str = "/bilgilerim/iletisim";

// ------------------------------------------------------------- admin

pub const ADMIN: &str = "/yonetim";
pub const USERS: &str = "/yonetim/kullanicilar";
pub const NEW_USER: &str = "/yonetim/kullanicilar/yeni";

pub fn user(id: impl Id) -> String {
    format!("{USERS}/{}", id.id())
}

pub const UNITS: &str = "/yonetim/birimler";
pub const NEW_UNIT: &str = "/yonetim/birimler/yeni";

pub fn unit(id: impl Id) -> String {
    format!("{UNITS}/{}", id.id())
}

pub const AUDIT: &str = "/yonetim/denetim";

/// The audit log with a filter query (already URL-encoded).
pub fn audit_filtered(query: &str) -> String {
    with_query(AUDIT, query)
}

/// The filtered audit log as CSV.
pub fn audit_export(query: &str) -> String {
    with_query(format_args!("{AUDIT}.csv"), query)
}
pub const SETTINGS: &str = "/yonetim/ayarlar";
/// The e-İmza Şefliği's contact details (a form on the settings page).
pub const SETTINGS_CONTACT: &str = "/yonetim/ayarlar/iletisim";
pub const RATES: &str = "/yonetim/ucretler";
pub const MAIL_QUEUE: &str = "/yonetim/eposta";

// ------------------------------------------------------------- finance: operator bills

/// Operator bill reconciliations: the list and the upload form.
pub const BILL_RECONCILIATIONS: &str = "/mali/fatura-mutabakati";

/// The bill upload posts multipart, so the CSRF token rides in the query.
pub fn bill_reconciliation_upload(csrf_token: &str) -> String {
    with_query(
        BILL_RECONCILIATIONS,
        &serde_urlencoded::to_string([(CSRF_FIELD, csrf_token)]).unwrap_or_default(),
    )
}

/// One stored reconciliation.
pub fn bill_reconciliation(id: impl Id) -> String {
    format!("{BILL_RECONCILIATIONS}/{}", id.id())
}

/// A reconciliation's differences as a file, `format` "xlsx" or "csv".
pub fn bill_reconciliation_export(id: impl Id, format: &str) -> String {
    format!("{BILL_RECONCILIATIONS}/{}/liste.{format}", id.id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_encoded_and_ids_taken_by_reference() {
        assert_eq!(
            login_then("/talep/7?a=b"),
            "/giris?next=%2Ftalep%2F7%3Fa%3Db"
        );
        assert_eq!(
            staff_import_upload("a+b"),
            "/personel/ice-aktar?csrf_token=a%2Bb"
        );
        assert_eq!(fees_export("csv", ""), "/mali/ucretler.csv");
        // What a template call with a `let` binding of a field passes.
        let id = &7;
        let by_ref = &id;
        assert_eq!(request(by_ref), "/talep/7");
    }
}
