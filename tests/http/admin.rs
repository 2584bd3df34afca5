//! Admin pages: users with roles and units, units, audit log.

use mobilimza::domain::role::Role;

use crate::helpers::{PASSWORD, spawn_app, spawn_org};

#[tokio::test]
async fn an_admin_creates_an_officer_who_then_logs_in_and_sees_their_unit() {
    let app = spawn_org().await;
    let unit = app.add_unit(76, "Iğdır Valiliği").to_string();
    let admin = app.login_admin().await;
    let r = admin
        .post(
            "/yonetim/kullanicilar/yeni",
            &[
                ("name", "  Çağrı   Işık "),
                ("email", "Cagri.Isik@Kurum.gov.tr"),
                ("password", "Ilk-Parola-2026"),
                ("roles", "officer"),
                ("units", &unit),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let list = admin.get("/yonetim/kullanicilar").await;
    assert!(list.body.contains("Kullanıcı oluşturuldu."));
    assert!(list.body.contains("Çağrı Işık") && list.body.contains("cagri.isik@kurum.gov.tr"));
    assert_eq!(app.count("audit_log WHERE action = 'user.created'"), 1);

    let officer = app.browser();
    assert_eq!(
        officer
            .login("cagri.isik@kurum.gov.tr", "Ilk-Parola-2026")
            .await
            .status,
        303
    );
    let home = officer.get("/").await;
    assert!(home.body.contains("Çağrı Işık") && home.body.contains("Proje Sorumlusu"));
    assert!(
        officer
            .get("/talepler")
            .await
            .body
            .contains("Iğdır Valiliği")
    );
    assert_eq!(officer.get("/yonetim/kullanicilar").await.status, 403);
}

#[tokio::test]
async fn bad_user_input_is_explained_in_turkish_and_nothing_is_written() {
    let app = spawn_org().await;
    let admin = app.login_admin().await;
    let before = app.count("users");
    let r = admin
        .post(
            "/yonetim/kullanicilar/yeni",
            &[
                ("name", "Ali Veli"),
                ("email", "ali@"),
                ("password", "kisa"),
                ("roles", "officer"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    for msg in [
        "Geçerli bir e-posta adresi girin",
        "Parola en az 10 karakter olmalı.",
        "Proje Sorumlusu için en az bir birim seçin.",
    ] {
        assert!(r.body.contains(msg), "{msg}");
    }
    assert!(r.body.contains("value=\"Ali Veli\""), "typed input is kept");
    let r = admin
        .post(
            "/yonetim/kullanicilar/yeni",
            &[
                ("name", "Ali Veli"),
                ("email", "admin@kurum.gov.tr"),
                ("password", "Ilk-Parola-2026"),
                ("roles", "staff"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("Bu e-posta adresiyle kayıtlı bir kullanıcı zaten var.")
    );
    let r = admin
        .post(
            "/yonetim/kullanicilar/yeni",
            &[
                ("name", "Ali Veli"),
                ("email", "ali@kurum.gov.tr"),
                ("password", "Ilk-Parola-2026"),
            ],
        )
        .await;
    assert!(r.body.contains("En az bir rol seçin."));
    assert_eq!(app.count("users"), before);
}

#[tokio::test]
async fn deactivating_a_user_ends_their_sessions_and_blocks_login() {
    let app = spawn_org().await;
    let id = app.finance;
    let finance = app.login_finance().await;
    let admin = app.login_admin().await;
    let form = admin.get(&format!("/yonetim/kullanicilar/{id}")).await;
    assert!(form.body.contains("value=\"Hüseyin Şahin\""));
    let r = admin
        .post(
            &format!("/yonetim/kullanicilar/{id}"),
            &[
                ("name", "Hüseyin Şahin"),
                ("email", "mali@kurum.gov.tr"),
                ("roles", "finance"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(finance.get("/mali").await.status, 303, "session ended");
    assert_eq!(
        app.browser()
            .login("mali@kurum.gov.tr", PASSWORD)
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out() {
    let app = spawn_org().await;
    let id = app.admin;
    let admin = app.login_admin().await;
    let r = admin
        .post(
            &format!("/yonetim/kullanicilar/{id}"),
            &[
                ("name", "Yönetici"),
                ("email", "admin@kurum.gov.tr"),
                ("roles", "staff"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Kendi yönetici rolünüzü kaldıramaz"));
    assert_eq!(admin.get("/yonetim/kullanicilar").await.status, 200);
}

#[tokio::test]
async fn units_are_created_edited_and_validated() {
    let app = spawn_app().await;
    app.add_user("admin@kurum.gov.tr", "Yönetici", &[Role::Admin], &[]);
    let admin = app.logged_in("admin@kurum.gov.tr").await;
    let form = admin.get("/yonetim/birimler/yeni").await;
    assert!(
        form.body.contains(">34 İstanbul</option>") && form.body.contains(">76 Iğdır</option>")
    );
    assert!(form.body.contains(">81 Düzce</option>"));

    let r = admin
        .post(
            "/yonetim/birimler/yeni",
            &[
                ("province_id", "6"),
                ("name", "Çankaya  Kaymakamlığı"),
                ("kind", "kaymakamlik"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let list = admin.get("/yonetim/birimler").await;
    assert!(
        list.body.contains("Çankaya Kaymakamlığı")
            && list.body.contains("06 Ankara")
            && list.body.contains("Kaymakamlık")
    );

    let r = admin
        .post(
            "/yonetim/birimler/yeni",
            &[
                ("province_id", "6"),
                ("name", "Çankaya Kaymakamlığı"),
                ("kind", "kaymakamlik"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Bu ilde aynı adla bir birim zaten var."));
    let r = admin
        .post(
            "/yonetim/birimler/yeni",
            &[("province_id", "99"), ("name", ""), ("kind", "x")],
        )
        .await;
    assert_eq!(r.status, 422);
    for msg in [
        "Bir il seçin.",
        "Birim adı boş bırakılamaz.",
        "Birim türünü seçin.",
    ] {
        assert!(r.body.contains(msg), "{msg}");
    }
    assert_eq!(app.count("units"), 1);

    let id: i32 = {
        use diesel::prelude::*;
        use mobilimza::db::schema::units;
        units::table
            .select(units::id)
            .first(&mut app.conn())
            .expect("unit id")
    };
    let r = admin
        .post(
            &format!("/yonetim/birimler/{id}"),
            &[
                ("province_id", "6"),
                ("name", "Çankaya Kaymakamlığı"),
                ("kind", "kaymakamlik"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(admin.get("/yonetim/birimler").await.body.contains("Pasif"));
    assert_eq!(admin.get("/yonetim/birimler/999").await.status, 404);
    assert_eq!(admin.get("/yonetim/birimler/abc").await.status, 404);
    let audit = admin.get("/yonetim/denetim").await;
    let table = audit.body.split("<tbody>").nth(1).unwrap_or_default();
    assert!(
        table.contains("Birim oluşturuldu") && table.contains("Birim güncellendi"),
        "{table}"
    );
    assert!(table.contains("Durum: etkin → pasif"), "{table}");
}
