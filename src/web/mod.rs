//! HTTP: handlers per area, the layout context, sessions, CSRF, guards and
//! error pages. Handlers stay thin: parse, ask the domain, call `db`, render.

pub mod admin;
pub mod auth;
#[cfg(feature = "bench")]
pub mod bench;
pub mod bill_reconciliation;
pub mod billing;
pub mod charts;
pub mod contact;
pub mod csrf;
pub mod errors;
pub mod export;
pub mod finance;
pub mod followup;
pub mod forms;
pub mod guide;
pub mod home;
pub mod identity;
pub mod inventory;
pub mod kept;
pub mod letter_pdf;
pub mod letters;
pub mod me;
pub mod metrics;
pub mod page;
pub mod requests;
pub mod reset;
pub mod review;
pub mod session;
pub mod staff;
pub mod staff_import;
#[cfg(feature = "test-clock")]
pub mod test_clock;
pub mod threads;

use actix_web::middleware::from_fn;
use actix_web::web;

use crate::domain::role::Role;
use identity::{require_login, role_guard};

/// Every route of the portal. Area scopes carry their role guard, so a handler
/// inside one can rely on the role; unit scope is checked per record in the
/// services (another unit's record is "not found"). Links and redirects to
/// these routes come from [`crate::paths`]; every route, with who may use
/// it, is listed in [`inventory::ROUTES`]; change all three together (their
/// tests check).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(home::healthz))
        .route("/static/app.css", web::get().to(home::stylesheet))
        .route("/static/app.js", web::get().to(home::script))
        .route("/metrics", web::get().to(metrics::endpoint))
        .route("/giris", web::get().to(auth::login_form))
        .route("/giris", web::post().to(auth::login))
        .route("/cikis", web::post().to(auth::logout))
        .route("/parola-sifirla", web::get().to(reset::request_form))
        .route("/parola-sifirla", web::post().to(reset::request))
        .route("/parola-sifirla/{token}", web::get().to(reset::reset_form))
        .route("/parola-sifirla/{token}", web::post().to(reset::reset))
        .route("/bilgilendirme", web::get().to(guide::index))
        .route("/bilgilendirme/{sayfa}", web::get().to(guide::show))
        .service(
            web::scope("/hesap")
                .wrap(from_fn(require_login))
                .route("/parola", web::get().to(auth::password_form))
                .route("/parola", web::post().to(auth::change_password))
                .route("/eposta", web::post().to(auth::mail_preferences)),
        );
    officer_routes(cfg);
    reviewer_routes(cfg);
    shared_routes(cfg);
    finance_routes(cfg);
    staff_routes(cfg);
    admin_routes(cfg);
    // The load benchmark's ceiling; not in the inventory (see web/bench.rs).
    #[cfg(feature = "bench")]
    bench::routes(cfg);
    cfg.service(
        web::resource("/")
            .wrap(from_fn(require_login))
            .route(web::get().to(home::dashboard)),
    );
}

fn officer_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/talepler")
            .wrap(from_fn(role_guard(Role::Officer)))
            .wrap(from_fn(require_login))
            .route("", web::get().to(review::officer_list))
            .route("/yeni", web::get().to(requests::new_form))
            .route("/yeni", web::post().to(requests::create))
            .route("/ust-yazi", web::get().to(letters::list))
            .route("/ust-yazi/yeni", web::get().to(letters::new_form))
            .route("/ust-yazi/yeni", web::post().to(letters::create))
            .route("/ust-yazi/{id}/pdf", web::get().to(letters::pdf))
            .route("/ust-yazi/{id}", web::get().to(letters::show)),
    )
    .service(
        web::scope("/personel")
            .wrap(from_fn(role_guard(Role::Officer)))
            .wrap(from_fn(require_login))
            .route("", web::get().to(staff::list))
            .route("/yeni", web::get().to(staff::new_form))
            .route("/yeni", web::post().to(staff::create))
            .route("/ice-aktar", web::get().to(staff_import::upload_form))
            .route("/ice-aktar", web::post().to(staff_import::upload))
            .route(
                "/ice-aktar/sablon.{format}",
                web::get().to(staff_import::template),
            )
            .route("/ice-aktar/{id}", web::get().to(staff_import::preview))
            .route("/ice-aktar/{id}", web::post().to(staff_import::confirm))
            .route("/{id}/iletisim", web::get().to(contact::staff_form))
            .route("/{id}/iletisim", web::post().to(contact::staff_change))
            .route("/{id}/tc", web::post().to(staff::reveal_tckn))
            .route("/{id}", web::get().to(staff::edit_form))
            .route("/{id}", web::post().to(staff::update)),
    );
}

fn reviewer_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/inceleme")
            .wrap(from_fn(role_guard(Role::Reviewer)))
            .wrap(from_fn(require_login))
            .route("", web::get().to(review::queue))
            .route("/toplu", web::post().to(review::bulk))
            .route("/suresi-dolacak", web::get().to(followup::expiring_page))
            .route(
                "/suresi-dolacak.{format}",
                web::get().to(followup::expiring_export),
            )
            .route("/partiler", web::get().to(review::batches))
            .route(
                "/partiler/{id}/liste.{format}",
                web::get().to(review::batch_export),
            )
            .route("/bildirimler", web::get().to(threads::inbox)),
    );
}

/// Request and batch pages serve several roles; each handler checks who may
/// see the record (404 otherwise) and the state machine who may act.
fn shared_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/talep")
            .wrap(from_fn(require_login))
            .route("/{id}", web::get().to(requests::show))
            .route("/{id}/islem", web::post().to(requests::act)),
    )
    .service(
        web::resource("/mutabakat")
            .wrap(from_fn(require_login))
            .route(web::get().to(followup::reconciliation)),
    )
    .service(
        web::scope("/parti")
            .wrap(from_fn(require_login))
            .route("/{id}", web::get().to(review::batch)),
    )
    // "İstek bildir": officers and staff ask (their list and the form check
    // the role), the thread page serves askers and reviewers alike.
    .service(
        web::scope("/bildirim")
            .wrap(from_fn(require_login))
            .route("", web::get().to(threads::list))
            .route("/yeni", web::get().to(threads::new_form))
            .route("/yeni", web::post().to(threads::create))
            .route("/{id}", web::get().to(threads::show))
            .route("/{id}/yanit", web::post().to(threads::reply))
            .route("/{id}/islem", web::post().to(threads::act)),
    );
}

fn finance_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/mali")
            .wrap(from_fn(role_guard(Role::Finance)))
            .wrap(from_fn(require_login))
            .route("", web::get().to(finance::fees))
            .route("/fatura", web::post().to(finance::record_invoice))
            .route("/grafikler", web::get().to(charts::page))
            .route("/aylik", web::get().to(billing::page))
            .route("/aylik", web::post().to(billing::act))
            .route("/aylik/{month}.{format}", web::get().to(billing::export))
            .route(
                "/fatura-mutabakati",
                web::get().to(bill_reconciliation::list),
            )
            .route(
                "/fatura-mutabakati",
                web::post().to(bill_reconciliation::upload),
            )
            .route(
                "/fatura-mutabakati/{id}",
                web::get().to(bill_reconciliation::show),
            )
            .route(
                "/fatura-mutabakati/{id}/liste.{format}",
                web::get().to(bill_reconciliation::export),
            )
            .route("/ucretler.{format}", web::get().to(finance::fees_export)),
    );
}

fn staff_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/bilgilerim")
            .wrap(from_fn(role_guard(Role::Staff)))
            .wrap(from_fn(require_login))
            .route("", web::get().to(me::home))
            .route("/iletisim", web::get().to(contact::my_form))
            .route("/iletisim", web::post().to(contact::my_change)),
    );
}

fn admin_routes(cfg: &mut web::ServiceConfig) {
    use admin::{audit, mail, rates, settings, units, users};
    cfg.service(
        web::scope("/yonetim")
            .wrap(from_fn(role_guard(Role::Admin)))
            .wrap(from_fn(require_login))
            .route("", web::get().to(users::list))
            .route("/kullanicilar", web::get().to(users::list))
            .route("/kullanicilar/yeni", web::get().to(users::new_form))
            .route("/kullanicilar/yeni", web::post().to(users::create))
            .route("/kullanicilar/{id}", web::get().to(users::edit_form))
            .route("/kullanicilar/{id}", web::post().to(users::update))
            .route("/birimler", web::get().to(units::list))
            .route("/birimler/yeni", web::get().to(units::new_form))
            .route("/birimler/yeni", web::post().to(units::create))
            .route("/birimler/{id}", web::get().to(units::edit_form))
            .route("/birimler/{id}", web::post().to(units::update))
            .route("/denetim", web::get().to(audit::list))
            .route("/denetim.csv", web::get().to(audit::export))
            .route("/ayarlar", web::get().to(settings::form))
            .route("/ayarlar", web::post().to(settings::save))
            .route("/ayarlar/iletisim", web::post().to(settings::save_contact))
            .route("/ucretler", web::get().to(rates::list))
            .route("/ucretler", web::post().to(rates::add))
            .route("/eposta", web::get().to(mail::list))
            .route("/eposta", web::post().to(mail::resend)),
    );
}

/// Every path `crate::paths` builds reaches the route meant to serve it.
#[cfg(test)]
mod tests {
    use crate::paths::*;
    use actix_web::dev::Service;
    use actix_web::test::{TestRequest, init_service, read_body};
    use actix_web::{App, HttpResponse};

    /// Each path with the route pattern (as written in web/mod.rs) that must
    /// serve it.
    fn cases() -> Vec<(String, &'static str)> {
        let mut cases = vec![
            (HOME.into(), "/"),
            (HEALTHZ.into(), "/healthz"),
            (STYLESHEET.into(), "/static/app.css"),
            (SCRIPT.into(), "/static/app.js"),
            (METRICS.into(), "/metrics"),
            (LOGIN.into(), "/giris"),
            (login_then("/talep/7?a=b"), "/giris"),
            (LOGOUT.into(), "/cikis"),
            (PASSWORD_RESET.into(), "/parola-sifirla"),
            (password_reset("abc_-9"), "/parola-sifirla/{token}"),
            (PASSWORD.into(), "/hesap/parola"),
            (MY_MAIL.into(), "/hesap/eposta"),
            (REQUESTS.into(), "/talepler"),
            (requests_tab("returned"), "/talepler"),
            (NEW_REQUEST.into(), "/talepler/yeni"),
            (new_request_for(7), "/talepler/yeni"),
            (new_request_after_line_change(7), "/talepler/yeni"),
            (STAFF_LIST.into(), "/personel"),
            (NEW_STAFF.into(), "/personel/yeni"),
            (STAFF_IMPORT.into(), "/personel/ice-aktar"),
            (staff_import_upload("a+b/c="), "/personel/ice-aktar"),
            (
                staff_import_template("xlsx"),
                "/personel/ice-aktar/sablon.{format}",
            ),
            (staff_import_preview(7), "/personel/ice-aktar/{id}"),
            (staff(7), "/personel/{id}"),
            (staff_contact(7), "/personel/{id}/iletisim"),
            (staff_tckn(7), "/personel/{id}/tc"),
            (REVIEW_QUEUE.into(), "/inceleme"),
            (review_tab("flagged"), "/inceleme"),
            (BULK_ACTION.into(), "/inceleme/toplu"),
            (EXPIRING.into(), "/inceleme/suresi-dolacak"),
            (expiring_export("csv"), "/inceleme/suresi-dolacak.{format}"),
            (BATCHES.into(), "/inceleme/partiler"),
            (
                batch_export(7, "xlsx"),
                "/inceleme/partiler/{id}/liste.{format}",
            ),
            (request(7), "/talep/{id}"),
            (request_action(7), "/talep/{id}/islem"),
            (RECONCILIATION.into(), "/mutabakat"),
            (batch(7), "/parti/{id}"),
        ];
        cases.extend(letter_and_thread_cases());
        cases.extend(finance_staff_admin_cases());
        cases
    }

    fn letter_and_thread_cases() -> Vec<(String, &'static str)> {
        vec![
            (COVER_LETTERS.into(), "/talepler/ust-yazi"),
            (NEW_COVER_LETTER.into(), "/talepler/ust-yazi/yeni"),
            (new_cover_letter_with(7), "/talepler/ust-yazi/yeni"),
            (new_cover_letter_in(7), "/talepler/ust-yazi/yeni"),
            (cover_letter(7), "/talepler/ust-yazi/{id}"),
            (cover_letter_pdf(7), "/talepler/ust-yazi/{id}/pdf"),
            (THREADS.into(), "/bildirim"),
            (threads_filtered("durum=answered"), "/bildirim"),
            (NEW_THREAD.into(), "/bildirim/yeni"),
            (new_thread_about_request(7), "/bildirim/yeni"),
            (new_thread_about_staff(7), "/bildirim/yeni"),
            (thread(7), "/bildirim/{id}"),
            (thread_reply(7), "/bildirim/{id}/yanit"),
            (thread_action(7), "/bildirim/{id}/islem"),
            (INBOX.into(), "/inceleme/bildirimler"),
            (inbox_filtered("durum=open&bana=1"), "/inceleme/bildirimler"),
        ]
    }

    fn finance_staff_admin_cases() -> Vec<(String, &'static str)> {
        vec![
            (FEES.into(), "/mali"),
            (fees_filtered("durum=paid&birim=3"), "/mali"),
            (fees_filtered(""), "/mali"),
            (RECORD_INVOICE.into(), "/mali/fatura"),
            (CHARTS.into(), "/mali/grafikler"),
            (BILLING.into(), "/mali/aylik"),
            (billing_month("2026-10"), "/mali/aylik"),
            (
                billing_export("2026-10", "csv"),
                "/mali/aylik/{month}.{format}",
            ),
            (fees_export("xlsx", "durum=paid"), "/mali/ucretler.{format}"),
            (fees_export("csv", ""), "/mali/ucretler.{format}"),
            (BILL_RECONCILIATIONS.into(), "/mali/fatura-mutabakati"),
            (
                bill_reconciliation_upload("a+b/c="),
                "/mali/fatura-mutabakati",
            ),
            (bill_reconciliation(7), "/mali/fatura-mutabakati/{id}"),
            (
                bill_reconciliation_export(7, "csv"),
                "/mali/fatura-mutabakati/{id}/liste.{format}",
            ),
            (ME.into(), "/bilgilerim"),
            (MY_CONTACT.into(), "/bilgilerim/iletisim"),
            (GUIDE.into(), "/bilgilendirme"),
            (guide("personel"), "/bilgilendirme/{sayfa}"),
            (ADMIN.into(), "/yonetim"),
            (USERS.into(), "/yonetim/kullanicilar"),
            (NEW_USER.into(), "/yonetim/kullanicilar/yeni"),
            (user(7), "/yonetim/kullanicilar/{id}"),
            (UNITS.into(), "/yonetim/birimler"),
            (NEW_UNIT.into(), "/yonetim/birimler/yeni"),
            (unit(7), "/yonetim/birimler/{id}"),
            (AUDIT.into(), "/yonetim/denetim"),
            (audit_filtered("kim=3&sayfa=2"), "/yonetim/denetim"),
            (audit_export("islem=user.updated"), "/yonetim/denetim.csv"),
            (SETTINGS.into(), "/yonetim/ayarlar"),
            (SETTINGS_CONTACT.into(), "/yonetim/ayarlar/iletisim"),
            (RATES.into(), "/yonetim/ucretler"),
            (MAIL_QUEUE.into(), "/yonetim/eposta"),
        ]
    }

    /// Builds the portal's real route table and, instead of running any
    /// guard or handler, answers each request with the pattern the router
    /// matched for its path.
    #[actix_web::test]
    async fn every_path_hits_its_route() {
        let app = init_service(App::new().configure(super::routes).wrap_fn(|req, _| {
            let pattern = req.match_pattern().unwrap_or_else(|| "(no route)".into());
            let resp = HttpResponse::Ok().body(pattern);
            std::future::ready(Ok(req.into_response(resp)))
        }))
        .await;
        let mut wrong = Vec::new();
        for (path, expected) in cases() {
            assert!(path.starts_with('/'), "{path}");
            let resp = app
                .call(TestRequest::get().uri(&path).to_request())
                .await
                .expect("routing answers");
            let got = read_body(resp).await;
            if got != expected.as_bytes() {
                wrong.push(format!(
                    "{path}: routed to {}, expected {expected}",
                    String::from_utf8_lossy(&got)
                ));
            }
        }
        assert!(
            wrong.is_empty(),
            "paths and routes disagree:\n{}",
            wrong.join("\n")
        );
    }
}
