//! Login, lock-out, session renewal, logout, password change, timeouts.

use chrono::Duration;
use mobilimza::domain::role::Role;

use crate::helpers::{Browser, PASSWORD, spawn_app};

const BAD_LOGIN: &str = "E-posta adresi veya parola hatalı.";
const THROTTLED: &str = "Çok fazla başarısız giriş denemesi";

#[tokio::test]
async fn login_succeeds_and_shows_the_users_name_and_roles() {
    let app = spawn_app().await;
    app.add_user("ayse@kurum.gov.tr", "Ayşe Yılmaz", &[Role::Reviewer], &[]);
    let b = app.browser();
    let r = b.login("  Ayse@Kurum.gov.tr ", PASSWORD).await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location.as_deref(), Some("/"));
    let home = b.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Ayşe Yılmaz"), "{}", home.body);
    assert!(home.body.contains("e-İmza Şefliği"));
    assert_eq!(app.count("audit_log WHERE action = 'login.success'"), 1);
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_message() {
    let app = spawn_app().await;
    app.add_user("ayse@kurum.gov.tr", "Ayşe Yılmaz", &[Role::Staff], &[]);
    let b = app.browser();
    let wrong = b.login("ayse@kurum.gov.tr", "yanlis-parola-123").await;
    let unknown = b.login("kimse@kurum.gov.tr", "yanlis-parola-123").await;
    for r in [&wrong, &unknown] {
        assert_eq!(r.status, 401);
        assert!(r.body.contains(BAD_LOGIN), "{}", r.body);
    }
    // The typed address is kept, the password is not.
    assert!(wrong.body.contains("value=\"ayse@kurum.gov.tr\""));
    assert!(!wrong.body.contains("yanlis-parola-123"));
    assert_eq!(b.get("/").await.status, 303, "still anonymous");
    assert_eq!(app.count("audit_log WHERE action = 'login.failed'"), 2);
}

#[tokio::test]
async fn five_failures_lock_the_account_for_fifteen_minutes() {
    let app = spawn_app().await;
    app.add_user("ayse@kurum.gov.tr", "Ayşe Yılmaz", &[Role::Staff], &[]);
    let b = app.browser();
    for _ in 0..5 {
        assert_eq!(
            b.login("ayse@kurum.gov.tr", "yanlis-parola-123")
                .await
                .status,
            401
        );
    }
    // Even the right password is refused now, with the lock-out message.
    let r = b.login("ayse@kurum.gov.tr", PASSWORD).await;
    assert_eq!(r.status, 429);
    assert!(r.body.contains(THROTTLED), "{}", r.body);
    // An unknown address locks the same way, so the message reveals nothing.
    for _ in 0..5 {
        b.login("kimse@kurum.gov.tr", "x").await;
    }
    assert_eq!(b.login("kimse@kurum.gov.tr", "x").await.status, 429);

    app.clock.advance(Duration::minutes(14));
    assert_eq!(b.login("ayse@kurum.gov.tr", PASSWORD).await.status, 429);
    app.clock.advance(Duration::minutes(2));
    assert_eq!(b.login("ayse@kurum.gov.tr", PASSWORD).await.status, 303);
}

/// 200 simultaneous wrong passwords for one account: the attempt is counted
/// before its password is checked, so exactly five are checked (401) and the
/// rest are refused unchecked (429); the right password is refused after.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_two_hundred_attempts_checks_only_five_passwords() {
    let app = spawn_app().await;
    app.add_user("ayse@kurum.gov.tr", "Ayşe Yılmaz", &[Role::Staff], &[]);
    let b = app.browser();
    let token = b.token().await;
    let mut burst = tokio::task::JoinSet::new();
    for i in 0..200 {
        let (b, token) = (b.clone(), token.clone());
        burst.spawn(async move {
            let wrong = format!("yanlis-parola-{i}");
            let fields = [
                ("csrf_token", token.as_str()),
                ("email", "ayse@kurum.gov.tr"),
                ("password", wrong.as_str()),
            ];
            b.post_raw("/giris", &fields).await.status
        });
    }
    let mut statuses = std::collections::BTreeMap::new();
    while let Some(status) = burst.join_next().await {
        *statuses.entry(status.expect("task")).or_insert(0) += 1;
    }
    assert_eq!(
        statuses,
        std::collections::BTreeMap::from([(401, 5), (429, 195)]),
        "five passwords checked, the rest refused unchecked"
    );
    assert_eq!(app.count("audit_log WHERE action = 'login.failed'"), 5);
    assert_eq!(app.count("audit_log WHERE action = 'login.throttled'"), 195);
    let r = b.login("ayse@kurum.gov.tr", PASSWORD).await;
    assert_eq!(
        r.status, 429,
        "the right password after the burst is refused"
    );
    assert_eq!(app.count("sessions"), 0);
    assert_eq!(b.get("/healthz").await.status, 200);
}

#[tokio::test]
async fn many_failures_from_one_ip_throttle_that_ip() {
    let app = spawn_app().await;
    app.add_user("ayse@kurum.gov.tr", "Ayşe Yılmaz", &[Role::Staff], &[]);
    let b = app.browser();
    for i in 0..20 {
        b.login(&format!("deneme{i}@kurum.gov.tr"), "x").await;
    }
    let r = b.login("ayse@kurum.gov.tr", PASSWORD).await;
    assert_eq!(r.status, 429);
    assert!(r.body.contains(THROTTLED));
}

#[tokio::test]
async fn the_cookie_from_before_login_does_not_carry_the_login() {
    let app = spawn_app().await;
    app.add_user("admin@kurum.gov.tr", "Yönetici", &[Role::Admin], &[]);
    let b = app.browser();
    b.get("/giris").await;
    let before = b.cookie_header();
    assert!(
        before.contains("mobilimza_oturum="),
        "a session cookie is issued before login"
    );
    assert_eq!(b.login("admin@kurum.gov.tr", PASSWORD).await.status, 303);
    let after = b.cookie_header();
    assert_ne!(before, after, "the session is renewed at login");
    assert_eq!(
        Browser::get_with_cookie(&app.base, "/yonetim/kullanicilar", &after)
            .await
            .status,
        200
    );
    let replay = Browser::get_with_cookie(&app.base, "/yonetim/kullanicilar", &before).await;
    assert_eq!(replay.status, 303);
    assert!(replay.location.unwrap_or_default().starts_with("/giris"));
}

#[tokio::test]
async fn logout_ends_the_session_even_for_a_copied_cookie() {
    let app = spawn_app().await;
    app.add_user("admin@kurum.gov.tr", "Yönetici", &[Role::Admin], &[]);
    let b = app.logged_in("admin@kurum.gov.tr").await;
    let copied = b.cookie_header();
    let r = b.post("/cikis", &[]).await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location.as_deref(), Some("/giris"));
    assert!(b.get("/giris").await.body.contains("Çıkış yaptınız."));
    assert_eq!(b.get("/yonetim/kullanicilar").await.status, 303);
    assert_eq!(
        Browser::get_with_cookie(&app.base, "/yonetim/kullanicilar", &copied)
            .await
            .status,
        303
    );
    assert_eq!(app.count("sessions"), 0);
}

#[tokio::test]
async fn password_change_ends_the_other_sessions_only() {
    let app = spawn_app().await;
    app.add_user("ayse@kurum.gov.tr", "Ayşe Yılmaz", &[Role::Staff], &[]);
    let laptop = app.logged_in("ayse@kurum.gov.tr").await;
    let phone = app.logged_in("ayse@kurum.gov.tr").await;
    let r = laptop
        .post(
            "/hesap/parola",
            &[
                ("current", PASSWORD),
                ("new", "Yeni-Parola-2026"),
                ("confirm", "Yeni-Parola-2026"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let home = laptop.get("/").await;
    assert_eq!(home.status, 200, "the changing session stays");
    assert!(
        home.body
            .contains("Parolanız değiştirildi. Diğer 1 oturumunuz kapatıldı."),
        "{}",
        home.body
    );
    assert_eq!(
        phone.get("/").await.status,
        303,
        "the other session is gone"
    );
    let fresh = app.browser();
    assert_eq!(fresh.login("ayse@kurum.gov.tr", PASSWORD).await.status, 401);
    assert_eq!(
        fresh
            .login("ayse@kurum.gov.tr", "Yeni-Parola-2026")
            .await
            .status,
        303
    );
}

/// Passwords long enough but easy to guess were accepted; now each is
/// refused with Turkish advice, and the old password still works.
#[tokio::test]
async fn guessable_new_passwords_are_refused_with_advice() {
    let app = spawn_app().await;
    app.add_user(
        "ayse.yilmaz@kurum.gov.tr",
        "Ayşe Yılmaz",
        &[Role::Staff],
        &[],
    );
    let b = app.logged_in("ayse.yilmaz@kurum.gov.tr").await;
    for weak in [
        "1234567890",
        "password12",
        "qwertyuiop",
        "ayse.yilmaz",
        "Ankara2026",
    ] {
        let r = b
            .post(
                "/hesap/parola",
                &[("current", PASSWORD), ("new", weak), ("confirm", weak)],
            )
            .await;
        assert_eq!(r.status, 422, "{weak}");
        assert!(
            r.body.contains("Birbiriyle ilgisiz üç dört kelimeyi"),
            "{weak}: {}",
            r.body
        );
    }
    let strong = "Kırmızı-Defter-Yağmur";
    let r = b
        .post(
            "/hesap/parola",
            &[("current", PASSWORD), ("new", strong), ("confirm", strong)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        app.browser()
            .login("ayse.yilmaz@kurum.gov.tr", strong)
            .await
            .status,
        303
    );
}

#[tokio::test]
async fn password_change_with_bad_input_changes_nothing() {
    let app = spawn_app().await;
    app.add_user("ayse@kurum.gov.tr", "Ayşe Yılmaz", &[Role::Staff], &[]);
    let b = app.logged_in("ayse@kurum.gov.tr").await;
    let r = b
        .post(
            "/hesap/parola",
            &[("current", "yanlis"), ("new", "kisa"), ("confirm", "baska")],
        )
        .await;
    assert_eq!(r.status, 422);
    for msg in [
        "Mevcut parola hatalı.",
        "Parola en az 10 karakter olmalı.",
        "Parolalar eşleşmiyor.",
    ] {
        assert!(r.body.contains(msg), "{msg}: {}", r.body);
    }
    assert!(r.body.contains("Formda düzeltilmesi gereken alanlar var"));
    assert_eq!(
        app.browser()
            .login("ayse@kurum.gov.tr", PASSWORD)
            .await
            .status,
        303
    );
}

#[tokio::test]
async fn idle_and_absolute_timeouts_end_the_session() {
    let app = spawn_app().await;
    app.add_user("ayse@kurum.gov.tr", "Ayşe Yılmaz", &[Role::Staff], &[]);
    let b = app.logged_in("ayse@kurum.gov.tr").await;
    app.clock.advance(Duration::minutes(29));
    assert_eq!(b.get("/").await.status, 200);
    app.clock.advance(Duration::minutes(30));
    let r = b.get("/").await;
    assert_eq!(r.status, 303, "idle for 30 minutes");
    assert!(
        b.get("/giris")
            .await
            .body
            .contains("Oturumunuzun süresi doldu")
    );

    let b = app.logged_in("ayse@kurum.gov.tr").await;
    for _ in 0..24 {
        app.clock.advance(Duration::minutes(29));
        assert_eq!(b.get("/").await.status, 200);
    }
    app.clock.advance(Duration::minutes(29));
    assert_eq!(
        b.get("/").await.status,
        303,
        "12 hours after login, however active"
    );
}

#[tokio::test]
async fn after_login_the_user_returns_to_the_page_asked_for_and_never_off_site() {
    let app = spawn_app().await;
    app.add_user("admin@kurum.gov.tr", "Yönetici", &[Role::Admin], &[]);
    let b = app.browser();
    let r = b.get("/yonetim/birimler").await;
    assert_eq!(
        r.location.as_deref(),
        Some("/giris?next=%2Fyonetim%2Fbirimler")
    );
    let r = b
        .post(
            "/giris",
            &[
                ("email", "admin@kurum.gov.tr"),
                ("password", PASSWORD),
                ("next", "/yonetim/birimler"),
            ],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/yonetim/birimler"));
    // Another host, also as browsers read it once they drop a tab; a newline
    // would break the header.
    for next in [
        "//evil.example",
        "/\t/evil.example",
        "/x\r\nLocation: //evil.example",
    ] {
        let b = app.browser();
        let r = b
            .post(
                "/giris",
                &[
                    ("email", "admin@kurum.gov.tr"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{next:?}");
        assert_eq!(r.location.as_deref(), Some("/"), "{next:?}");
    }
}

#[tokio::test]
async fn a_deactivated_account_cannot_log_in() {
    let app = spawn_app().await;
    let id = app.add_user("ayse@kurum.gov.tr", "Ayşe Yılmaz", &[Role::Staff], &[]);
    let mut conn = app.conn();
    use diesel::prelude::*;
    use mobilimza::db::schema::users;
    diesel::update(users::table.find(id))
        .set(users::active.eq(false))
        .execute(&mut conn)
        .expect("deactivate");
    let r = app.browser().login("ayse@kurum.gov.tr", PASSWORD).await;
    assert_eq!(r.status, 401);
    assert!(r.body.contains(BAD_LOGIN));
}

/// An empty login form says what is missing (and counts nothing); a form
/// sent back with errors is titled "Hata:" and takes the focus to its error
/// summary, whose KVKK message leads to the checkbox.
#[tokio::test]
async fn failed_forms_say_what_is_missing_and_focus_the_errors() {
    let app = crate::helpers::spawn_org().await;
    let b = app.browser();
    for (email, password, message) in [
        ("", "", "E-posta adresinizi ve parolanızı girin."),
        ("  ", "x", "E-posta adresinizi girin."),
        ("ayse@kurum.gov.tr", "", "Parolanızı girin."),
    ] {
        let r = b.login(email, password).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains(message), "{message}: {}", r.body);
        assert!(r.body.contains("<title>Hata: Giriş"));
        assert!(r.body.contains("tabindex=\"-1\" autofocus"));
    }
    assert_eq!(app.count("login_attempts"), 0, "nothing counted");

    let officer = app.login_officer_a().await;
    let staff = app.add_staff_record().to_string();
    let r = officer
        .post(
            "/talepler/yeni",
            &[
                ("personel", staff.as_str()),
                ("token", "kvkk-eksik-0000000001"),
                ("reason", "ilk_basvuru"),
                ("gonder", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("<title>Hata: Yeni mobil imza talebi"));
    assert!(
        r.body
            .contains("class=\"error-summary\" role=\"alert\" tabindex=\"-1\" autofocus")
    );
    assert!(r.body.contains("<a href=\"#kvkk\">"), "{}", r.body);
    assert!(
        r.body
            .contains("aria-invalid=\"true\" aria-describedby=\"kvkk-error\"")
    );
}
