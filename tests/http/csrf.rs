//! Every state-changing request needs the session's CSRF token.

use mobilimza::domain::role::Role;
use mobilimza::web::inventory::{Method, ROUTES};

use crate::helpers::{PASSWORD, STAFF_EMAIL, TestApp, spawn_app, spawn_org, spawn_org_with};
use crate::matrix::{Expect, Matrix, expected, form_of, path_of};

const CSRF_MESSAGE: &str = "Güvenlik doğrulaması başarısız";

#[tokio::test]
async fn admin_post_without_or_with_a_wrong_token_is_refused_and_changes_nothing() {
    let app = spawn_org().await;
    let b = app.login_admin().await;
    let units_before = app.count("units");
    let fields = [
        ("province_id", "6"),
        ("name", "Keçiören Kaymakamlığı"),
        ("kind", "kaymakamlik"),
        ("active", "on"),
    ];

    let r = b.post_raw("/yonetim/birimler/yeni", &fields).await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains(CSRF_MESSAGE), "{}", r.body);

    let mut wrong = vec![("csrf_token", "bunu-bir-saldirgan-uydurdu")];
    wrong.extend_from_slice(&fields);
    let r = b.post_raw("/yonetim/birimler/yeni", &wrong).await;
    assert_eq!(r.status, 403);
    assert_eq!(app.count("units"), units_before);

    // The same form with the right token goes through.
    assert_eq!(b.post("/yonetim/birimler/yeni", &fields).await.status, 303);
    assert_eq!(app.count("units"), units_before + 1);
}

#[tokio::test]
async fn login_password_change_and_logout_need_the_token_too() {
    let app = spawn_org().await;
    let anon = app.browser();
    let r = anon
        .post_raw("/giris", &[("email", STAFF_EMAIL), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(app.count("sessions"), 0);

    let b = app.login_staff().await;
    let r = b
        .post_raw(
            "/hesap/parola",
            &[
                ("current", PASSWORD),
                ("new", "Yeni-Parola-2026"),
                ("confirm", "Yeni-Parola-2026"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        app.browser().login(STAFF_EMAIL, PASSWORD).await.status,
        303,
        "password unchanged"
    );

    assert_eq!(b.post_raw("/cikis", &[]).await.status, 403);
    assert_eq!(b.get("/").await.status, 200, "still logged in");
}

#[tokio::test]
async fn a_token_from_another_session_is_refused() {
    let app = spawn_app().await;
    app.add_user("admin@kurum.gov.tr", "Yönetici", &[Role::Admin], &[]);
    let victim = app.logged_in("admin@kurum.gov.tr").await;
    let attacker = app.browser();
    let attacker_token = attacker.token().await;
    let r = victim
        .post_raw(
            "/yonetim/birimler/yeni",
            &[
                ("csrf_token", &attacker_token),
                ("province_id", "6"),
                ("name", "Sahte Birim"),
                ("kind", "birim"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(app.count("units"), 0);
}

/// Every table a request could write to.
const TABLES: &[&str] = &[
    "units",
    "users",
    "user_roles",
    "user_units",
    "sessions",
    "login_attempts",
    "audit_log",
    "settings",
    "staff",
    "batches",
    "requests",
    "request_history",
    "imports",
    "kdv_rates",
    "certificate_fees",
    "monthly_tariffs",
    "fee_accruals",
    "billing_months",
    "billing_lines",
    "contact_changes",
    "notices",
];

fn counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    TABLES.iter().map(|t| (*t, app.count(t))).collect()
}

const EVIL: &str = "https://evil.example";

/// Every POST route of the inventory, sent by an account allowed to use it:
/// without the token (and anonymously without it), and with a valid token
/// from a foreign origin (`Origin`, or only a `Referer`, or the opaque
/// `Origin: null`). All are refused with the CSRF page; nothing is written,
/// and the accounts are still logged in afterwards.
#[tokio::test]
async fn every_post_route_refuses_a_missing_token_and_a_foreign_origin() {
    let m = Matrix::spawn().await;
    let before = counts(&m.org);
    let (anon, mut asked, mut wrong) = (&m.people[0], 0, Vec::new());
    for route in ROUTES.iter().filter(|r| r.method == Method::Post) {
        let target = m.targets(route.record)[0];
        let path = path_of(route, target);
        let who = m
            .people
            .iter()
            .find(|w| w.email.is_some() && expected(route, w, target) == Expect::Allowed);
        let who = who.expect("the inventory allows someone");
        let form = form_of(route, who);
        let tokenless = &form[1..];
        let b = &who.browser;
        let referer = format!("{EVIL}/form");
        let cases = [
            ("no token", b.post_raw(&path, tokenless).await),
            (
                "anonymous, no token",
                anon.browser.post_raw(&path, tokenless).await,
            ),
            (
                "foreign Origin",
                b.post_raw_with(&path, &form, &[("origin", EVIL)]).await,
            ),
            (
                "Origin null",
                b.post_raw_with(&path, &form, &[("origin", "null")]).await,
            ),
            (
                "foreign Referer",
                b.post_raw_with(&path, &form, &[("referer", &referer)])
                    .await,
            ),
        ];
        for (case, page) in cases {
            asked += 1;
            if page.status != 403 || !page.body.contains(CSRF_MESSAGE) {
                wrong.push(format!(
                    "POST {path} as {}, {case}: {}",
                    who.name, page.status
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "not refused:\n{}", wrong.join("\n"));
    assert!(asked >= 5 * 20, "{asked}");
    assert_eq!(counts(&m.org), before, "nothing written");
    for who in &m.people[1..] {
        assert_eq!(
            who.browser.get("/").await.status,
            200,
            "{} logged in",
            who.name
        );
    }
}

/// The same token from the portal's own pages goes through: an `Origin` of
/// the configured BASE_URL or of the address the request was sent to, a
/// same-site `Referer` without an `Origin`, or neither header.
#[tokio::test]
async fn a_post_from_the_portals_own_origin_goes_through() {
    let app = spawn_org_with(&[("BASE_URL", "http://portal.example.gov.tr/")]).await;
    let b = app.login_admin().await;
    let token = b.token().await;
    let referer = format!("{}/yonetim/birimler/yeni", app.base);
    let headers: [&[(&str, &str)]; 5] = [
        &[("origin", "http://portal.example.gov.tr")],
        &[("origin", "HTTP://Portal.Example.gov.tr:80")],
        &[("origin", &app.base)],
        &[("referer", &referer)],
        &[],
    ];
    for (i, h) in headers.iter().enumerate() {
        let name = format!("Birim {i}");
        let fields = [
            ("csrf_token", token.as_str()),
            ("province_id", "6"),
            ("name", name.as_str()),
            ("kind", "birim"),
            ("active", "on"),
        ];
        let r = b.post_raw_with("/yonetim/birimler/yeni", &fields, h).await;
        assert_eq!(r.status, 303, "{h:?}: {}", r.body);
    }
    assert_eq!(app.count("units"), 2 + 5);
    let r = b
        .post_raw_with(
            "/yonetim/birimler/yeni",
            &[("csrf_token", &token), ("name", "Sahte")],
            &[("origin", "https://portal.example.gov.tr")],
        )
        .await;
    assert_eq!(r.status, 403, "another scheme is another origin");
    assert_eq!(app.count("units"), 2 + 5);
}
