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

#[tokio::test]
async fn oversized_forms_are_refused() {
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
    assert!(
        r.status == 413 || r.status == 400 || r.status == 403,
        "status {}",
        r.status
    );
    assert_eq!(app.count("units"), 0);
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
