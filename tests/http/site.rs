//! Site-wide behaviour: health check, error pages, headers, cookies, demo data.

use mobilimza::domain::role::Role;

use crate::helpers::{spawn_app, spawn_demo_app};

#[tokio::test]
async fn healthz_reports_the_database() {
    let app = spawn_app().await;
    let r = app.browser().get("/healthz").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, r#"{"database":"ok","status":"ok"}"#);
}

#[tokio::test]
async fn unknown_pages_get_a_turkish_404() {
    let app = spawn_app().await;
    let r = app.browser().get("/boyle-bir-sayfa-yok").await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("Sayfa bulunamadı"));
}

#[tokio::test]
async fn security_headers_and_cookie_flags() {
    let app = spawn_app().await;
    let r = app.browser().get("/giris").await;
    let h = |name: &str| {
        r.headers
            .get(name)
            .map(|v| v.to_str().expect("ascii").to_owned())
            .unwrap_or_default()
    };
    assert!(h("content-security-policy").contains("frame-ancestors 'none'"));
    assert!(!h("content-security-policy").contains("unsafe-inline"));
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert_eq!(h("referrer-policy"), "same-origin");
    let cookie = h("set-cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http in tests");
    assert!(r.body.contains("<html lang=\"tr\">"));
    let css = app.browser().get("/static/app.css").await;
    assert_eq!(css.status, 200);
    assert!(css.body.contains(":focus-visible"));
}

/// The headers every page carries, whatever its status.
fn assert_secure_headers(r: &crate::helpers::Page, what: &str) {
    let h = |name: &str| {
        r.headers
            .get(name)
            .map(|v| v.to_str().expect("ascii").to_owned())
            .unwrap_or_default()
    };
    assert!(
        h("content-security-policy").contains("frame-ancestors 'none'"),
        "{what}: CSP missing"
    );
    assert_eq!(h("x-frame-options"), "DENY", "{what}");
    assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(h("cache-control"), "no-store", "{what}");
    assert!(h("content-type").starts_with("text/html"), "{what}");
    assert!(r.body.contains("<html lang=\"tr\">"), "{what}: {}", r.body);
}

#[tokio::test]
async fn oversized_forms_are_refused_with_a_turkish_413() {
    let app = spawn_app().await;
    app.add_user("admin@kurum.gov.tr", "Yönetici", &[Role::Admin], &[]);
    let b = app.logged_in("admin@kurum.gov.tr").await;
    let big = "a".repeat(300 * 1024);
    let r = b
        .post(
            "/yonetim/birimler/yeni",
            &[("province_id", "6"), ("name", &big), ("kind", "birim")],
        )
        .await;
    assert_eq!(r.status, 413);
    assert!(r.body.contains("Gönderilen veri çok büyük"), "{}", r.body);
    assert!(!r.body.contains("payload"), "no English: {}", r.body);
    assert_secure_headers(&r, "413");
    assert_eq!(app.count("units"), 0);
}

/// Refusals by the role guard and the CSRF check, and a 404, carry the same
/// headers and Turkish page as any other answer.
#[tokio::test]
async fn every_error_status_gets_the_turkish_page_and_the_security_headers() {
    let app = spawn_app().await;
    app.add_user("personel@kurum.gov.tr", "Personel", &[Role::Staff], &[]);
    let b = app.logged_in("personel@kurum.gov.tr").await;
    let forbidden = b.get("/inceleme").await;
    assert_eq!(forbidden.status, 403);
    assert!(forbidden.body.contains("Yetkiniz yok"));
    assert_secure_headers(&forbidden, "role guard 403");
    let csrf = b.post_raw("/cikis", &[]).await;
    assert_eq!(csrf.status, 403);
    assert!(csrf.body.contains("Güvenlik doğrulaması başarısız"));
    assert_secure_headers(&csrf, "CSRF 403");
    let missing = b.get("/talep/abc").await;
    assert_eq!(missing.status, 404);
    assert_secure_headers(&missing, "404");
    // Every error page names its request, as the logs do.
    for page in [&forbidden, &csrf, &missing] {
        let at = page
            .body
            .find("Başvuru numarası: <code>")
            .expect("a request id");
        let id = &page.body[at + "Başvuru numarası: <code>".len()..];
        let id = &id[..id.find('<').expect("end")];
        assert_eq!(id.len(), 36, "a UUID: {id}");
    }
}

#[tokio::test]
async fn a_demo_database_shows_the_banner_and_each_demo_role_logs_in() {
    let app = spawn_demo_app().await;
    let r = app.browser().get("/giris").await;
    assert!(r.body.contains("Demo verisi"));
    assert_eq!(app.count("users WHERE is_demo = FALSE"), 0);
    assert_eq!(app.count("users"), 5);
    assert!(app.count("units") >= 3);
}

#[tokio::test]
async fn seed_demo_refuses_a_database_with_real_users() {
    let app = spawn_app().await;
    app.add_user("gercek@kurum.gov.tr", "Gerçek Kişi", &[Role::Admin], &[]);
    let hasher = mobilimza::password::PasswordHasher::new(app.state.config.argon2).expect("hasher");
    let err = mobilimza::demo::seed(&mut app.conn(), &hasher, app.clock.now_naive(), false)
        .err()
        .expect("must refuse");
    assert!(
        err.to_string()
            .contains("gerçek (demo olmayan) kullanıcılar var"),
        "{err}"
    );
    assert_eq!(app.count("users"), 1);
    assert_eq!(app.count("units"), 0);
    assert!(
        !app.browser()
            .get("/giris")
            .await
            .body
            .contains("Demo verisi")
    );
}

use mobilimza::clock::Clock as _;

/// The request page, a batch and the fee report print cleanly: a "Yazdır"
/// button (shown by the one script), a print header with the date, and a
/// print stylesheet without menus or forms and with page numbers.
#[tokio::test]
async fn print_views_have_a_button_a_header_and_a_print_stylesheet() {
    use mobilimza::domain::workflow::State;
    let w = crate::helpers::spawn_world().await;
    let id = w
        .app
        .add_request(w.staff, State::Submitted, w.app.officer_a);
    let page = w.reviewer.get(&format!("/talep/{id}")).await;
    assert!(page.body.contains("data-print hidden>Yazdır</button>"));
    assert!(
        page.body
            .contains("<script src=\"/static/app.js\" defer></script>")
    );
    assert!(
        page.body
            .contains("class=\"print-only print-header\">Mobil İmza Talep Portalı · Yazdırma: ")
    );
    let finance = w.app.login_finance().await;
    assert!(
        finance
            .get("/mali")
            .await
            .body
            .contains("data-print hidden>Yazdır</button>")
    );
    let js = w.app.browser().get("/static/app.js").await;
    assert_eq!(js.status, 200);
    assert!(
        js.headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/javascript")
    );
    assert!(js.body.contains("window.print()"));
    let css = w.app.browser().get("/static/app.css").await.body;
    assert!(css.contains("@media print") && css.contains("counter(pages)"));
}

/// `/metrics` exists only with `METRICS_TOKEN` and answers only that token:
/// request counts by route pattern, latency histograms, the outbox, holds
/// ending, the pool.
#[tokio::test]
async fn metrics_answer_only_the_token_in_prometheus_text() {
    let token = "olcum-anahtari-0123456789abcdef";
    let off = spawn_app().await;
    assert_eq!(
        off.browser().get("/metrics").await.status,
        404,
        "no token configured"
    );
    let app = crate::helpers::spawn_app_with(&[("METRICS_TOKEN", token)]).await;
    let b = app.browser();
    b.get("/giris").await;
    b.get("/talep/12345").await;
    assert_eq!(b.get("/metrics").await.status, 404, "no token sent");
    let client = reqwest::Client::new();
    let wrong = client
        .get(format!("{}/metrics", app.base))
        .bearer_auth("yanlis-anahtar-0123456789abcdef")
        .send()
        .await
        .expect("GET");
    assert_eq!(wrong.status().as_u16(), 404);
    let r = client
        .get(format!("{}/metrics", app.base))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET");
    assert_eq!(r.status().as_u16(), 200);
    let body = r.text().await.expect("body");
    for line in [
        "mobilimza_http_requests_total{method=\"GET\",route=\"/giris\",status=\"200\"} 1",
        "mobilimza_http_request_duration_seconds_count{method=\"GET\",route=\"/giris\"} 1",
        "# TYPE mobilimza_outbox_pending gauge",
        "mobilimza_outbox_failed 0",
        "mobilimza_holds_ending 0",
        "mobilimza_db_pool_connections ",
    ] {
        assert!(body.contains(line), "{line}:\n{body}");
    }
    assert!(
        body.contains("route=\"/talep/{id}\""),
        "patterns, not paths: {body}"
    );
    assert!(!body.contains("12345"));
}

/// A page view that changes nothing in the session sends no cookie (the
/// sealed cookie is re-sent only when its content changes): after login the
/// queue and a second view carry no `Set-Cookie`; a message set by an action
/// is shown once, and the view that takes it re-seals the cookie.
#[tokio::test]
async fn a_page_view_that_changes_nothing_sends_no_cookie() {
    let app = spawn_app().await;
    app.add_user("ayse@kurum.gov.tr", "Ayşe Yılmaz", &[Role::Staff], &[]);
    let ayse = app.logged_in("ayse@kurum.gov.tr").await;
    let sets_cookie = |r: &crate::helpers::Page| r.headers.contains_key("set-cookie");
    for _ in 0..2 {
        let home = ayse.get("/").await;
        assert_eq!(home.status, 200);
        assert!(!sets_cookie(&home), "{:?}", home.headers);
    }
    let r = ayse
        .post(
            "/hesap/parola",
            &[
                ("current", crate::helpers::PASSWORD),
                ("new", "Yeni-Parola-2026"),
                ("confirm", "Yeni-Parola-2026"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let shown = ayse.get("/").await;
    assert!(
        shown.body.contains("Parolanız değiştirildi."),
        "{}",
        shown.body
    );
    assert!(
        sets_cookie(&shown),
        "the message is taken out of the cookie"
    );
    let again = ayse.get("/").await;
    assert!(!again.body.contains("Parolanız değiştirildi."));
    assert!(!sets_cookie(&again), "{:?}", again.headers);
}
