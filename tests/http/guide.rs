//! The information pages ("Bilgilendirme"): open to everyone, one per
//! reader, quoting the figures of the day and the e-İmza Şefliği's contact
//! details, which admins keep current.

use mobilimza::domain::workflow::State;

use crate::helpers::{spawn_org, spawn_world};

#[tokio::test]
async fn the_information_pages_state_the_notes_facts_with_the_days_figures() {
    let org = spawn_org().await;
    let anonymous = org.browser();
    let index = anonymous.get("/bilgilendirme").await;
    assert_eq!(index.status, 200);
    for slug in [
        "personel",
        "proje-sorumlusu",
        "e-imza-sefligi",
        "mali-isler",
    ] {
        assert!(
            index.body.contains(&format!("/bilgilendirme/{slug}")),
            "{slug}"
        );
        let page = anonymous.get(&format!("/bilgilendirme/{slug}")).await;
        assert_eq!(page.status, 200, "{slug}");
        let text = page.text();
        for fact in [
            // The process, in order.
            "Proje sorumlusu personelin talebini portalda açar",
            "onaylanan talepleri Kamu SM'ye iletir",
            "formu e-İmzası ile imzalar",
            "KEP ya da üst yazı ile gönderir",
            "NES SMS'i gönderir",
            "SMS'ten sonra 6 saat beklenir",
            // Validity, one operator, line changes, fees.
            "3 yıl geçerlidir",
            "yalnızca bir operatörde mobil imza sahibi olabilir; ücretleri kurum öder",
            "başka operatöre taşıma mobil imzayı kullanılamaz hale getirir",
            "Turkcell: 65,00 TL + %20 KDV = 78,00 TL",
            "Turkcell faturalı hatlarda mobil imza için aylık ücret: liste fiyatı 8,00 TL; kuruma faturalanan 4,00 TL",
        ] {
            assert!(text.contains(fact), "{slug}: {fact:?} missing in {text}");
        }
    }
    assert_eq!(anonymous.get("/bilgilendirme/yonetici").await.status, 404);

    // The hold quoted is the one in force: an admin lengthens it.
    let admin = org.login_admin().await;
    let r = admin
        .post(
            "/yonetim/ayarlar",
            &[("hours", "8"), ("start", "2025-01-01")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = anonymous.get("/bilgilendirme/e-imza-sefligi").await;
    assert!(page.text().contains("SMS'ten sonra 8 saat beklenir"));

    // Each role's menu leads to the pages; a signed-in reader's own comes first.
    let officer = org.login_officer_a().await;
    let index = officer.get("/bilgilendirme").await;
    let first = index.body.find("/bilgilendirme/").expect("a link");
    assert!(index.body[first..].starts_with("/bilgilendirme/proje-sorumlusu"));
    assert!(index.text().contains("Sizin için"));
    assert!(
        officer
            .get("/")
            .await
            .body
            .contains("href=\"/bilgilendirme\"")
    );
}

#[tokio::test]
async fn admins_keep_the_office_contact_current_and_everyone_reads_it() {
    let org = spawn_org().await;
    let anonymous = org.browser();
    let page = anonymous.get("/bilgilendirme/personel").await;
    assert!(page.text().contains("İletişim bilgileri henüz girilmedi."));

    let admin = org.login_admin().await;
    let contact = [
        ("name", "e-İmza Şefliği"),
        ("phone", "+90 312 555 01 01 dahili 2345"),
        ("email", "E-Imza@Kurum.gov.tr"),
        ("kep", "kurum@hs01.kep.tr"),
        ("address", "Atatürk Bulvarı No: 1, Çankaya/Ankara"),
        ("hours", "Hafta içi 08.30–17.30"),
    ];
    let r = admin.post("/yonetim/ayarlar/iletisim", &contact).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let text = anonymous.get("/bilgilendirme/personel").await.text();
    for shown in [
        "+90 312 555 01 01 dahili 2345",
        "e-imza@kurum.gov.tr",
        "kurum@hs01.kep.tr",
        "Atatürk Bulvarı No: 1, Çankaya/Ankara",
        "Hafta içi 08.30–17.30",
    ] {
        assert!(text.contains(shown), "{shown}");
    }
    assert_eq!(
        org.count("audit_log WHERE action = 'settings.updated' AND target = 'office_contact'"),
        1
    );

    // A wrong address is named at its field; nothing changes.
    let mut bad = contact;
    bad[2] = ("email", "e-imza");
    bad[1] = ("phone", "0312 555 01 02");
    let r = admin.post("/yonetim/ayarlar/iletisim", &bad).await;
    assert_eq!(r.status, 422);
    assert!(r.text().contains("Geçerli bir e-posta adresi girin"));
    assert!(r.body.contains("<title>Hata: "));
    let text = anonymous.get("/bilgilendirme/personel").await.text();
    assert!(text.contains("+90 312 555 01 01 dahili 2345"), "unchanged");
    assert_eq!(org.count("audit_log WHERE target = 'office_contact'"), 1);

    // Only admins change it.
    let officer = org.login_officer_a().await;
    let r = officer.post("/yonetim/ayarlar/iletisim", &contact).await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn the_staff_home_and_the_staff_members_mail_link_to_their_page() {
    let w = spawn_world().await;
    let home = w.person.get("/bilgilerim").await;
    assert!(home.body.contains("href=\"/bilgilendirme/personel\""));

    // Forwarding writes the staff member a mail that links to the page.
    let id = w.app.add_request(w.staff, State::Approved, w.app.officer_a);
    let version = w.reviewer.get(&format!("/talep/{id}")).await.version();
    let r = w
        .reviewer
        .post(
            "/inceleme/toplu",
            &[
                ("action", "batch"),
                ("sec", &format!("{id}:{version}")),
                ("geri", "/inceleme"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        w.app.count(
            "outbox WHERE kind = 'forwarded' \
             AND body_text LIKE '%http%/bilgilendirme/personel%'"
        ),
        1
    );
}
