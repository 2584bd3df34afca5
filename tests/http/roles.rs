//! Each role reaches its own area and nothing else.

use mobilimza::domain::role::Role;

use crate::helpers::{spawn_app, spawn_org};

const AREAS: &[(Role, &str, &str)] = &[
    (Role::Officer, "/talepler", "Taleplerim"),
    (Role::Reviewer, "/inceleme", "İnceleme kuyruğu"),
    (Role::Finance, "/mali", "Ücretler ve raporlar"),
    (Role::Staff, "/bilgilerim", "Bilgilerim"),
    (Role::Admin, "/yonetim/kullanicilar", "Kullanıcılar"),
];

const ADMIN_ONLY: &[&str] = &[
    "/yonetim/birimler",
    "/yonetim/birimler/yeni",
    "/yonetim/kullanicilar/yeni",
    "/yonetim/denetim",
    "/yonetim/kullanicilar/1",
];

#[tokio::test]
async fn each_role_reaches_only_its_own_pages() {
    let app = spawn_org().await;
    for (role, own, label) in AREAS {
        let b = app.login(*role).await;
        let home = b.get("/").await;
        assert_eq!(home.status, 200);
        assert!(
            home.body.contains(&format!("href=\"{own}\"")),
            "{role:?} sees its own menu entry"
        );
        for (other, path, other_label) in AREAS {
            let r = b.get(path).await;
            if other == role {
                assert_eq!(r.status, 200, "{role:?} → {path}");
                assert!(r.body.contains(label));
            } else {
                assert_eq!(r.status, 403, "{role:?} → {path}");
                assert!(r.body.contains("Yetkiniz yok"));
                assert!(
                    !home.body.contains(&format!(">{other_label}</a>")),
                    "{role:?} has no menu entry for {path}"
                );
            }
        }
        if *role != Role::Admin {
            for path in ADMIN_ONLY {
                assert_eq!(b.get(path).await.status, 403, "{role:?} → {path}");
            }
            let r = b
                .post(
                    "/yonetim/birimler/yeni",
                    &[
                        ("province_id", "6"),
                        ("name", "X Birimi"),
                        ("kind", "birim"),
                    ],
                )
                .await;
            assert_eq!(r.status, 403, "{role:?} cannot create units");
        }
    }
    assert_eq!(app.count("units"), 2, "the fixture's two units, no more");
}

#[tokio::test]
async fn an_account_with_two_roles_sees_both_areas() {
    let app = spawn_app().await;
    app.add_user(
        "iki@kurum.gov.tr",
        "İki Rollü",
        &[Role::Reviewer, Role::Finance],
        &[],
    );
    let b = app.logged_in("iki@kurum.gov.tr").await;
    assert_eq!(b.get("/inceleme").await.status, 200);
    assert_eq!(b.get("/mali").await.status, 200);
    assert_eq!(b.get("/talepler").await.status, 403);
}

#[tokio::test]
async fn officers_see_their_own_units() {
    let app = spawn_org().await;
    let b = app.login_officer_a().await;
    let r = b.get("/talepler").await;
    assert!(
        r.body.contains(">Çankaya Kaymakamlığı</option>"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("Kadıköy"));
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_login() {
    let app = spawn_app().await;
    for (_, path, _) in AREAS {
        let r = app.browser().get(path).await;
        assert_eq!(r.status, 303, "{path}");
        assert!(r.location.unwrap_or_default().starts_with("/giris?next="));
    }
    assert_eq!(
        app.browser().get("/").await.location.as_deref(),
        Some("/giris")
    );
}

/// Admins manage accounts, units and settings; by that role alone they read
/// no request and no batch (README "Roles"). With the reviewer role too they
/// read both.
#[tokio::test]
async fn admins_read_requests_and_batches_only_with_a_reading_role() {
    use mobilimza::db::requests::RequestUpdate;
    use mobilimza::domain::workflow::State;

    let app = spawn_org().await;
    let staff = app.add_staff_record();
    let id = app.add_request(staff, State::Submitted, app.officer_a);
    let now = mobilimza::clock::Clock::now_naive(app.clock.as_ref());
    let batch = mobilimza::db::batches::create(&mut app.conn(), app.reviewer, now).expect("batch");
    app.set_request(
        id,
        &RequestUpdate {
            batch_id: Some(batch),
            ..Default::default()
        },
    );
    app.add_user(
        "yonetici-sef@kurum.gov.tr",
        "Yönetici Şef",
        &[Role::Admin, Role::Reviewer],
        &[],
    );
    let admin = app.login_admin().await;
    let both = app.logged_in("yonetici-sef@kurum.gov.tr").await;
    for path in [format!("/talep/{id}"), format!("/parti/{batch}")] {
        assert_eq!(admin.get(&path).await.status, 404, "admin → {path}");
        assert_eq!(both.get(&path).await.status, 200, "admin+reviewer → {path}");
    }
    assert_eq!(admin.get("/mutabakat").await.status, 403);
}
