//! Every state-changing request needs the session's CSRF token.

use mobilimza::domain::role::Role;

use crate::helpers::{PASSWORD, STAFF_EMAIL, spawn_app, spawn_org};

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
