//! Cover letters (üst yazı) through HTTP: three requests on one letter, its
//! page and its PDF (Turkish letters intact in the extracted text), the
//! documents step recorded on each request; another unit's officer; a
//! request not at the step; bad input; the unit's letter settings.

use mobilimza::domain::request::DocsWay;
use mobilimza::domain::workflow::State;

use crate::helpers::{Browser, Org, Page, UNIT_A_NAME, spawn_org};

/// Three staff members of unit A whose names hold every Turkish letter.
const NAMES: [(&str, &str); 3] = [
    ("Gülçin", "Ağaoğlu"),
    ("Ayşe", "Köseoğlu"),
    ("İlknur", "Yıldız"),
];

/// Requests of unit A at the operator-documents step (forwarded, nothing
/// sent yet), one per name.
fn forwarded(org: &Org) -> Vec<i32> {
    NAMES
        .iter()
        .zip(11..)
        .map(|((first, last), n)| {
            let email = format!("personel{n}@kurum.gov.tr");
            let staff = org.add_staff(org.unit_a, n, first, last, &email);
            org.add_request(staff, State::Forwarded, org.officer_a)
        })
        .collect()
}

/// The `value` of the input named `name` on `page`.
fn input_value(page: &Page, name: &str) -> String {
    let marker = format!("name=\"{name}\"");
    let at = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name}: {}", page.body));
    let rest = &page.body[at..];
    let start = rest.find("value=\"").expect("value") + "value=\"".len();
    rest[start..start + rest[start..].find('"').expect("end")].to_owned()
}

/// The checkbox value (`id:version`) the form offers for request `id`.
fn choice(page: &Page, id: i32) -> String {
    let marker = format!("value=\"{id}:");
    let start = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("request {id} is not offered: {}", page.body))
        + "value=\"".len();
    page.body[start..start + page.body[start..].find('"').expect("end")].to_owned()
}

/// Posts the new-letter form as the page suggests it, with `chosen`
/// (`id:version` values) ticked and `extra` fields replacing the suggested ones.
async fn post_letter(b: &Browser, form: &Page, chosen: &[String], extra: &[(&str, &str)]) -> Page {
    let mut fields: Vec<(String, String)> = ["birim", "sayi", "tarih", "konu", "evrak"]
        .iter()
        .map(|f| (f.to_string(), input_value(form, f)))
        .collect();
    for (k, v) in extra {
        fields.retain(|(f, _)| f != k);
        fields.push((k.to_string(), v.to_string()));
    }
    fields.extend(chosen.iter().map(|c| ("sec".to_owned(), c.clone())));
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.post("/talepler/ust-yazi/yeni", &borrowed).await
}

fn letter_id(location: Option<&str>) -> i32 {
    location
        .and_then(|l| l.strip_prefix("/talepler/ust-yazi/"))
        .and_then(|s| s.parse().ok())
        .expect("redirect to the letter")
}

async fn pdf_of(b: &Browser, id: i32) -> reqwest::Response {
    b.get_response(&format!("/talepler/ust-yazi/{id}/pdf"))
        .await
}

/// Creates a letter for `ids` as unit A's officer through the form.
async fn letter_for(officer: &Browser, ids: &[i32]) -> (i32, String) {
    let query: Vec<String> = ids.iter().map(|i| format!("sec={i}")).collect();
    let form = officer
        .get(&format!("/talepler/ust-yazi/yeni?{}", query.join("&")))
        .await;
    assert_eq!(form.status, 200, "{}", form.body);
    let chosen: Vec<String> = ids.iter().map(|i| choice(&form, *i)).collect();
    let number = input_value(&form, "sayi");
    let r = post_letter(officer, &form, &chosen, &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    (letter_id(r.location.as_deref()), number)
}

#[tokio::test]
async fn a_cover_letter_for_three_requests_records_the_step_and_downloads_as_pdf() {
    let org = spawn_org().await;
    let ids = forwarded(&org);
    let officer = org.login_officer_a().await;

    // The officer ticks them on the "Kamu SM'de" tab of their list…
    let list = officer.get("/talepler?sekme=forwarded").await;
    assert!(list.body.contains("Üst yazı hazırla"), "{}", list.body);
    assert!(list.body.contains(&format!("value=\"{}:", ids[0])));
    // …and gets the form with them ticked and the sayı, date and subject
    // filled in.
    let query: Vec<String> = ids.iter().map(|i| format!("sec={i}")).collect();
    let form = officer
        .get(&format!("/talepler/ust-yazi/yeni?{}", query.join("&")))
        .await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("<title>Üst yazı hazırla"));
    let number = input_value(&form, "sayi");
    assert_eq!(number, format!("MİTP-{}-1", org.unit_a));
    assert_eq!(input_value(&form, "tarih"), "2026-11-23");
    assert_eq!(input_value(&form, "konu"), "Mobil İmza operatör evrakı");
    assert_eq!(form.body.matches(" checked>").count(), 3);
    let chosen: Vec<String> = ids.iter().map(|i| choice(&form, *i)).collect();

    let r = post_letter(&officer, &form, &chosen, &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let id = letter_id(r.location.as_deref());

    // The letter page: the layout of official correspondence.
    let page = officer.get(&format!("/talepler/ust-yazi/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Üst yazı oluşturuldu"), "{}", page.body);
    for text in [
        "T.C.",
        "ANKARA VALİLİĞİ",
        UNIT_A_NAME,
        &format!("Sayı</span> : {number}"),
        "23.11.2026",
        "Mobil İmza operatör evrakı",
        "e-İmza Şefliğine",
        "Gülçin Ağaoğlu",
        "Ayşe Köseoğlu",
        "İlknur Yıldız",
        "Birim Amiri",
        "Ek:",
        "İmzalı operatör başvuru evrakı (3 kişi)",
        "data-print",
    ] {
        assert!(page.body.contains(text), "{text:?} missing:\n{}", page.body);
    }
    // T.C. numbers masked as everywhere else.
    let tc = crate::helpers::tckn(13);
    assert!(
        page.body
            .contains(&format!("{}******{}", &tc[..3], &tc[9..]))
    );
    assert!(!page.body.contains(&tc));

    // The PDF: downloads, opens, and its text keeps the Turkish letters.
    let resp = pdf_of(&officer, id).await;
    assert_eq!(resp.status().as_u16(), 200);
    let kind = resp.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(kind, "application/pdf");
    let bytes = resp.bytes().await.expect("bytes").to_vec();
    assert!(bytes.starts_with(b"%PDF-"));
    if let Ok(path) = std::env::var("SAVE_COVER_LETTER_PDF") {
        std::fs::write(path, &bytes).expect("save the PDF");
    }
    let doc = lopdf::Document::load_mem(&bytes).expect("the PDF opens");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    assert_eq!(pages.len(), 1);
    let text = doc.extract_text(&pages).expect("text");
    for want in [
        "Gülçin Ağaoğlu",
        "Ayşe Köseoğlu",
        "İlknur Yıldız",
        "e-İmza Şefliğine",
        number.as_str(),
        "ANKARA VALİLİĞİ",
        "Mobil İmza operatör evrakı",
        "23.11.2026",
    ] {
        assert!(
            text.contains(want),
            "{want:?} not in the PDF's text:\n{text}"
        );
    }

    // Each request now shows the letter's sayı as its document reference
    // and the step recorded as "Üst yazı/posta".
    for rid in &ids {
        let req = org.request(*rid);
        assert_eq!(req.docs_way, Some(DocsWay::CoverLetter));
        assert_eq!(req.docs_ref.as_deref(), Some(number.as_str()));
        let shown = officer.get(&format!("/talep/{rid}")).await;
        assert!(
            shown
                .body
                .contains(&format!("Evrak: Üst yazı/posta · {number} · 23.11.2026")),
            "{}",
            shown.body
        );
        assert!(shown.body.contains("Üst yazı/posta, sayı/referans:"));
    }
    assert_eq!(
        org.count("audit_log WHERE action = 'cover_letter.created'"),
        1
    );
    assert_eq!(org.count("audit_log WHERE action = 'cover_letter.pdf'"), 1);
    assert_eq!(org.count("audit_log WHERE action = 'request.docs_sent'"), 3);

    // Nothing waits any more; the letters list has it; the next one is 2.
    let again = officer.get("/talepler/ust-yazi/yeni").await;
    assert!(again.body.contains("bekleyen talep yok"), "{}", again.body);
    let letters = officer.get("/talepler/ust-yazi").await;
    assert!(letters.body.contains(&number) && letters.body.contains(">3<"));
    let more = forwarded_again(&org);
    let next = officer
        .get(&format!("/talepler/ust-yazi/yeni?sec={more}"))
        .await;
    assert_eq!(input_value(&next, "sayi"), format!("MİTP-{}-2", org.unit_a));
}

/// One more forwarded request in unit A.
fn forwarded_again(org: &Org) -> i32 {
    let staff = org.add_staff(org.unit_a, 20, "Ömer", "Çelik", "omer@kurum.gov.tr");
    org.add_request(staff, State::Forwarded, org.officer_a)
}

#[tokio::test]
async fn another_units_officer_gets_404_and_cannot_include_another_units_request() {
    let org = spawn_org().await;
    let ids = forwarded(&org);
    let officer_a = org.login_officer_a().await;
    let (id, _) = letter_for(&officer_a, &ids[..1]).await;

    let officer_b = org.login_officer_b().await;
    assert_eq!(
        officer_b
            .get(&format!("/talepler/ust-yazi/{id}"))
            .await
            .status,
        404
    );
    assert_eq!(pdf_of(&officer_b, id).await.status().as_u16(), 404);
    assert!(
        !officer_b
            .get("/talepler/ust-yazi")
            .await
            .body
            .contains("MİTP-")
    );
    // Other roles are refused by the area's guard.
    let reviewer = org.login_reviewer().await;
    assert_eq!(
        reviewer
            .get(&format!("/talepler/ust-yazi/{id}"))
            .await
            .status,
        403
    );

    // Unit A's request on unit B's letter, or on unit A's: not found.
    let before = org.request(ids[1]);
    let a_request = format!("{}:{}", ids[1], before.version);
    for unit in [org.unit_b, org.unit_a] {
        let unit = unit.to_string();
        let r = officer_b
            .post(
                "/talepler/ust-yazi/yeni",
                &[
                    ("birim", &unit),
                    ("sec", &a_request),
                    ("sayi", "B-1"),
                    ("tarih", "2026-11-23"),
                    ("konu", "Mobil İmza operatör evrakı"),
                    ("evrak", "Evrak"),
                ],
            )
            .await;
        assert_eq!(r.status, 404, "{}", r.body);
    }
    assert_eq!(org.count("cover_letters"), 1);
    let after = org.request(ids[1]);
    assert_eq!(after.version, before.version);
    assert!(after.docs_sent_at.is_none());
}

#[tokio::test]
async fn a_request_not_at_the_documents_step_is_refused_and_nothing_changes() {
    let org = spawn_org().await;
    let ids = forwarded(&org);
    let officer = org.login_officer_a().await;
    let form = officer
        .get(&format!("/talepler/ust-yazi/yeni?sec={}", ids[0]))
        .await;
    let ready = choice(&form, ids[0]);
    // An approved request (not yet forwarded) and one whose documents went
    // by KEP are not at this step.
    let staff = org.add_staff(org.unit_a, 30, "Şule", "Güneş", "sule@kurum.gov.tr");
    let approved = org.add_request(staff, State::Approved, org.officer_a);
    org.set_request(
        ids[1],
        &mobilimza::db::requests::RequestUpdate {
            docs_way: Some(DocsWay::Kep),
            docs_ref: Some("KEP-7".into()),
            docs_sent_at: Some(org.request(ids[1]).created_at),
            ..Default::default()
        },
    );
    let audits = org.count("audit_log");
    let cases = [
        (approved, "durumu: Onaylandı"),
        (ids[1], "operatör evrakı zaten gönderilmiş"),
    ];
    for (other, why) in cases {
        let version = org.request(other).version;
        let chosen = [ready.clone(), format!("{other}:{version}")];
        let r = post_letter(&officer, &form, &chosen, &[]).await;
        assert_eq!(r.status, 409, "{}", r.body);
        assert!(r.body.contains("<title>Hata: Üst yazı hazırla"));
        assert!(
            r.body.contains(&format!("Talep #{other}"))
                && r.body.contains("operatör evrakı aşamasında değil"),
            "{}",
            r.body
        );
        assert!(r.body.contains(why), "{why}: {}", r.body);
    }
    assert_eq!(org.count("cover_letters"), 0);
    assert_eq!(org.count("cover_letter_requests"), 0);
    assert_eq!(org.count("audit_log"), audits);
    let first = org.request(ids[0]);
    assert!(first.docs_sent_at.is_none() && first.docs_ref.is_none());
    assert_eq!(org.request(approved).state, State::Approved);

    // A request changed since the form was read is not recorded either.
    org.set_request(
        ids[0],
        &mobilimza::db::requests::RequestUpdate {
            note: Some("değişti".into()),
            ..Default::default()
        },
    );
    bump_version(&org, ids[0]);
    let r = post_letter(&officer, &form, &[ready], &[]).await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("sizden önce değiştirildi"), "{}", r.body);
    assert_eq!(org.count("cover_letters"), 0);
}

/// Moves a request's version on, as another user's change would.
fn bump_version(org: &Org, id: i32) {
    use diesel::prelude::*;
    use mobilimza::db::schema::requests;
    diesel::update(requests::table.find(id))
        .set(requests::version.eq(requests::version + 1))
        .execute(&mut org.conn())
        .expect("bump");
}

#[tokio::test]
async fn bad_input_is_refused_at_its_field_and_nothing_is_written() {
    let org = spawn_org().await;
    let ids = forwarded(&org);
    let officer = org.login_officer_a().await;
    let form = officer
        .get(&format!("/talepler/ust-yazi/yeni?sec={}", ids[0]))
        .await;
    let chosen = [choice(&form, ids[0])];
    let long = "ş".repeat(201);
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[("tarih", "2026-11-24")],
            "Yazının tarihi ileri bir gün olamaz.",
        ),
        (&[("tarih", "2026-10-01")], "en fazla 30 gün öncesi"),
        (&[("konu", " ")], "Konu boş bırakılamaz."),
        (
            &[("konu", long.as_str())],
            "Konu en fazla 200 karakter olabilir.",
        ),
    ];
    for (extra, message) in cases {
        let r = post_letter(&officer, &form, &chosen, extra).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("<title>Hata: Üst yazı hazırla"));
        assert!(r.body.contains(message), "{message}: {}", r.body);
        assert!(r.body.contains("aria-invalid=\"true\""));
    }
    // No request, and more than a letter may carry.
    let none = post_letter(&officer, &form, &[], &[]).await;
    assert_eq!(none.status, 422);
    assert!(none.body.contains("en az bir talep seçin"));
    let many: Vec<String> = (1..=101).map(|i| format!("{i}:1")).collect();
    let r = post_letter(&officer, &form, &many, &[]).await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("en fazla 100 talep olabilir; 101 seçildi"),
        "{}",
        r.body
    );
    assert_eq!(org.count("cover_letters"), 0);
    assert!(org.request(ids[0]).docs_sent_at.is_none());
}

#[tokio::test]
async fn the_units_letter_settings_print_and_a_sayi_is_used_once_a_year() {
    let org = spawn_org().await;
    let ids = forwarded(&org);
    let admin = org.login_admin().await;
    let unit = org.unit_a.to_string();
    let r = admin
        .post(
            &format!("/yonetim/birimler/{unit}"),
            &[
                ("province_id", "6"),
                ("name", UNIT_A_NAME),
                ("kind", "kaymakamlik"),
                ("active", "on"),
                (
                    "letter_heading",
                    "T.C.\r\nÇANKAYA KAYMAKAMLIĞI\r\nİlçe Yazı İşleri Müdürlüğü",
                ),
                ("signer_name", "Şükrü Işık"),
                ("signer_title", "Kaymakam V."),
                ("number_prefix", "E-12345678-010.06"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(org.count("unit_letter_settings"), 1);
    let edit = admin.get(&format!("/yonetim/birimler/{unit}")).await;
    assert!(edit.body.contains("Şükrü Işık") && edit.body.contains("İlçe Yazı İşleri Müdürlüğü"));
    let bad = admin
        .post(
            &format!("/yonetim/birimler/{unit}"),
            &[
                ("province_id", "6"),
                ("name", UNIT_A_NAME),
                ("kind", "kaymakamlik"),
                ("letter_heading", "1\n2\n3\n4\n5\n6"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Başlık en fazla 5 satır olabilir."));

    let officer = org.login_officer_a().await;
    let (first, number) = letter_for(&officer, &ids[..1]).await;
    assert_eq!(number, "E-12345678-010.06-1");
    let page = officer.get(&format!("/talepler/ust-yazi/{first}")).await;
    for text in [
        "ÇANKAYA KAYMAKAMLIĞI",
        "İlçe Yazı İşleri Müdürlüğü",
        "Şükrü Işık",
        "Kaymakam V.",
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    let pdf = pdf_of(&officer, first).await.bytes().await.expect("bytes");
    let doc = lopdf::Document::load_mem(&pdf).expect("opens");
    let text = doc.extract_text(&[1]).expect("text");
    assert!(
        text.contains("Şükrü Işık") && text.contains("İlçe Yazı İşleri Müdürlüğü"),
        "{text}"
    );

    // The same sayı again in the same year: refused at the field.
    let form = officer
        .get(&format!("/talepler/ust-yazi/yeni?sec={}", ids[1]))
        .await;
    assert_eq!(input_value(&form, "sayi"), "E-12345678-010.06-2");
    let chosen = [choice(&form, ids[1])];
    let r = post_letter(&officer, &form, &chosen, &[("sayi", &number)]).await;
    assert_eq!(r.status, 409);
    assert!(
        r.body
            .contains("Bu sayı bu birimin bu yılki başka bir üst yazısında kullanıldı")
    );
    assert!(org.request(ids[1]).docs_sent_at.is_none());
    assert_eq!(org.count("cover_letters"), 1);
}
