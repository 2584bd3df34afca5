//! The staff registry: forms, Turkish search, unit scope, bulk import.

use mobilimza::clock::Clock as _;
use mobilimza::domain::workflow::State;

use crate::helpers::{Browser, Org, spawn_org, tckn};

/// The organisation, its two units and a browser for unit A's officer.
async fn setup() -> (Org, i32, i32, Browser) {
    let app = spawn_org().await;
    let b = app.login_officer_a().await;
    let (mine, theirs) = (app.unit_a, app.unit_b);
    (app, mine, theirs, b)
}

#[tokio::test]
async fn an_officer_adds_and_edits_staff_with_clear_messages_for_bad_input() {
    let (app, mine, theirs, b) = setup().await;
    let good_tc = tckn(7);
    let r = b
        .post(
            "/personel/yeni",
            &[
                ("tckn", "17291716050"),
                ("first_name", "Ayşe"),
                ("last_name", "Yılmaz"),
                ("sicil_no", "123"),
                ("title", "Şef"),
                ("email", "ayse@kurum.gov.tr"),
                ("phone", "0312 123 45 67"),
                ("operator", "turkcell"),
                ("line_type", "faturali"),
                ("unit_id", &theirs.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    for msg in [
        "kontrol haneleri tutmuyor",
        "5 ile başlayan 10 hane",
        "Sorumlu olduğunuz birimlerden birini seçin.",
    ] {
        assert!(r.body.contains(msg), "{msg}");
    }
    assert!(r.body.contains("value=\"Ayşe\""), "typed input is kept");
    assert_eq!(app.count("staff"), 0);

    let fields = [
        ("tckn", good_tc.as_str()),
        ("first_name", "Ayşe"),
        ("last_name", "Yılmaz"),
        ("sicil_no", "123"),
        ("title", "Şef"),
        ("email", "Ayse@Kurum.gov.tr"),
        ("phone", "+90 (532) 123 45 67"),
        ("operator", "vodafone"),
        ("line_type", "faturasiz"),
        ("unit_id", &mine.to_string()),
    ];
    let r = b.post("/personel/yeni", &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = b.get(r.location.as_deref().expect("location")).await;
    assert!(
        page.body
            .contains("<strong>Hat:</strong> 0532 123 45 67 · Vodafone · Faturasız")
            && page.body.contains("value=\"ayse@kurum.gov.tr\""),
        "{}",
        page.body
    );
    let r = b.post("/personel/yeni", &fields).await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("Bu T.C. kimlik numarasıyla kayıtlı bir personel zaten var.")
    );
    assert_eq!(app.count("staff"), 1);
    assert_eq!(app.count("audit_log WHERE action = 'staff.created'"), 1);
}

#[tokio::test]
async fn search_folds_turkish_case_and_sorts_in_turkish_order() {
    let (app, mine, theirs, b) = setup().await;
    app.add_staff(mine, 1, "Zeynep", "İSTANBULLU", "z@kurum.gov.tr");
    app.add_staff(mine, 2, "Çağrı", "IĞDIRLI", "c@kurum.gov.tr");
    app.add_staff(mine, 3, "Cem", "Öz", "cem@kurum.gov.tr");
    app.add_staff(theirs, 4, "İsmail", "İstanbullu", "i@kurum.gov.tr");
    let r = b.get("/personel?q=istanbul").await;
    assert!(r.body.contains("Zeynep İSTANBULLU"));
    assert!(
        !r.body.contains("İsmail"),
        "another unit's staff never shows"
    );
    let r = b.get("/personel?q=%C4%B1%C4%9Fd%C4%B1r").await; // ığdır
    assert!(r.body.contains("Çağrı IĞDIRLI"));
    let r = b.get(&format!("/personel?q={}", tckn(3))).await;
    assert!(r.body.contains("Cem Öz") && !r.body.contains("Zeynep"));
    let all = b.get("/personel").await.body;
    let (cem, cagri, zeynep) = (
        all.find("Cem Öz"),
        all.find("Çağrı IĞDIRLI"),
        all.find("Zeynep"),
    );
    assert!(cem < cagri && cagri < zeynep, "Cem, Çağrı, Zeynep");
}

fn csv(rows: &[&str]) -> Vec<u8> {
    let mut s = String::from(
        "\u{feff}T.C. Kimlik No;Ad;Soyad;Sicil No;Unvan;Birim;Kurumsal E-posta;Cep Telefonu;Operatör;Hat Tipi;Mobil İmza\n",
    );
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.into_bytes()
}

#[tokio::test]
async fn import_previews_every_row_and_writes_exactly_the_good_ones() {
    let (app, mine, theirs, b) = setup().await;
    let existing = app.add_staff(mine, 50, "Eski", "Kayıt", "eski@kurum.gov.tr");
    app.add_staff(theirs, 60, "Başka", "Birim", "baska@kurum.gov.tr");
    let file = csv(&[
        &format!(
            "{};Ayşe;Yılmaz;1;Şef;Çankaya Kaymakamlığı;ayse@kurum.gov.tr;0532 111 22 33;Turkcell;Faturalı;Yok",
            tckn(1)
        ),
        &format!(
            "{};Güncel;Kayıt;2;Memur;Çankaya Kaymakamlığı;eski@kurum.gov.tr;05321112234;Vodafone;Faturasız;Var",
            tckn(50)
        ),
        "17291716050;Kötü;TC;3;Memur;Çankaya Kaymakamlığı;kotu@kurum.gov.tr;0532 111 22 35;Turkcell;Faturalı;Yok",
        &format!(
            "{};Kötü;Telefon;4;Memur;Çankaya Kaymakamlığı;tel@kurum.gov.tr;0312 111 22 36;Turkcell;Faturalı;Yok",
            tckn(2)
        ),
        &format!(
            "{};Bilinmeyen;Birim;5;Memur;Olmayan Müdürlük;bb@kurum.gov.tr;0532 111 22 37;Turkcell;Faturalı;Yok",
            tckn(3)
        ),
        &format!(
            "{};Çift;Satır;6;Memur;Çankaya Kaymakamlığı;cift@kurum.gov.tr;0532 111 22 38;Turkcell;Faturalı;Yok",
            tckn(1)
        ),
        &format!(
            "{};Yabancı;Birim;7;Memur;Kadıköy Kaymakamlığı;yb@kurum.gov.tr;0532 111 22 39;Turkcell;Faturalı;Yok",
            tckn(4)
        ),
        &format!(
            "{};Başka;Birimde;8;Memur;Çankaya Kaymakamlığı;bb2@kurum.gov.tr;0532 111 22 40;Turkcell;Faturalı;Yok",
            tckn(60)
        ),
    ]);
    let r = b.upload("/personel/ice-aktar", "liste.csv", file).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let preview_path = r.location.expect("preview");
    let preview = b.get(&preview_path).await;
    assert_eq!(app.count("staff"), 2, "nothing is written by the preview");
    assert!(preview.body.contains("<strong>1</strong> yeni, <strong>1</strong> güncelleme, <strong>6</strong> hatalı satır"), "{}", preview.body);
    for msg in [
        "kontrol haneleri tutmuyor",
        "5 ile başlayan 10 hane",
        "“Olmayan Müdürlük” adlı bir birim bulunamadı.",
        "Bu T.C. kimlik numarası dosyada birden fazla kez geçiyor.",
        "“Kadıköy Kaymakamlığı” birimi sizin sorumluluğunuzda değil.",
        "Bu personel sizin sorumluluğunuzda olmayan bir birime kayıtlı.",
    ] {
        assert!(preview.body.contains(msg), "{msg}");
    }
    let r = b.post(&preview_path, &[]).await;
    assert_eq!(r.status, 303);
    assert!(
        b.get("/personel")
            .await
            .body
            .contains("1 personel eklendi, 1 personel güncellendi")
    );
    assert_eq!(app.count("staff"), 3);
    assert_eq!(app.count("staff WHERE email = 'ayse@kurum.gov.tr'"), 1);
    let updated = mobilimza::db::staff::find(&mut app.conn(), existing)
        .expect("q")
        .expect("staff");
    assert_eq!(
        (
            updated.first_name.as_str(),
            updated.operator.code(),
            updated.has_signature
        ),
        ("Güncel", "vodafone", true)
    );
    // A second confirm writes nothing more.
    b.post(&preview_path, &[]).await;
    assert_eq!(app.count("staff"), 3);
}

#[tokio::test]
async fn a_file_of_only_bad_rows_writes_nothing_and_bad_files_are_explained() {
    let (app, _, _, b) = setup().await;
    let r = b.upload("/personel/ice-aktar", "liste.csv", csv(&["17291716050;A;B;1;M;Çankaya Kaymakamlığı;a@b.c;0532 111 22 33;Turkcell;Faturalı;Yok"])).await;
    let preview = b.get(r.location.as_deref().expect("preview")).await;
    assert!(
        preview
            .body
            .contains("Dosyada kaydedilebilecek geçerli satır yok.")
    );
    b.post(r.location.as_deref().expect("preview"), &[]).await;
    assert_eq!(app.count("staff"), 0);

    let r = b
        .upload(
            "/personel/ice-aktar",
            "liste.csv",
            b"Ad;Soyad\nA;B\n".to_vec(),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Başlık satırında şu sütunlar eksik"),
        "{}",
        r.body
    );
    let r = b
        .upload(
            "/personel/ice-aktar",
            "resim.png",
            vec![0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(
        app.count("imports"),
        1,
        "only the first, readable file was kept for preview"
    );
}

#[tokio::test]
async fn an_xlsx_template_round_trips_through_the_import() {
    let (app, _, _, b) = setup().await;
    let template = b.get("/personel/ice-aktar/sablon.xlsx").await;
    assert_eq!(template.status, 200);
    let bytes = mobilimza::domain::staff_import::template_xlsx().expect("template");
    let r = b.upload("/personel/ice-aktar", "sablon.xlsx", bytes).await;
    let preview = b.get(r.location.as_deref().expect("preview")).await;
    assert!(
        preview.body.contains("<strong>1</strong> yeni"),
        "{}",
        preview.body
    );
    b.post(r.location.as_deref().expect("preview"), &[]).await;
    assert_eq!(app.count("staff"), 1);
}

#[tokio::test]
async fn officers_get_404_for_other_units_records_requests_batches_and_imports() {
    let (app, mine, theirs, b) = setup().await;
    let other = app.login_officer_b().await;
    let reviewer_id = app.reviewer;
    let their_staff = app.add_staff(theirs, 9, "Kadıköylü", "Personel", "k@kurum.gov.tr");
    let their_request = app.add_request(their_staff, State::Submitted, reviewer_id);
    let batch = mobilimza::db::batches::create(&mut app.conn(), reviewer_id, app.clock.now_naive())
        .expect("batch");
    app.set_request(
        their_request,
        &mobilimza::db::requests::RequestUpdate {
            batch_id: Some(batch),
            ..Default::default()
        },
    );
    let r = other
        .upload("/personel/ice-aktar", "liste.csv", csv(&[]))
        .await;
    assert_eq!(r.status, 422, "header only");
    let r = other
        .upload("/personel/ice-aktar", "l.csv", csv(&[&format!("{};A;B;1;M;Kadıköy Kaymakamlığı;ab@kurum.gov.tr;0532 111 22 33;Turkcell;Faturalı;Yok", tckn(11))]))
        .await;
    let their_import = r.location.expect("import");

    assert_eq!(b.get(&format!("/personel/{their_staff}")).await.status, 404);
    assert_eq!(
        b.post(&format!("/personel/{their_staff}"), &[("first_name", "X")])
            .await
            .status,
        404
    );
    assert_eq!(b.get(&format!("/talep/{their_request}")).await.status, 404);
    assert_eq!(
        b.post(
            &format!("/talep/{their_request}/islem"),
            &[("action", "cancel"), ("version", "0")]
        )
        .await
        .status,
        404
    );
    assert_eq!(b.get(&format!("/parti/{batch}")).await.status, 404);
    assert_eq!(b.get(&their_import).await.status, 404);
    assert_eq!(b.post(&their_import, &[]).await.status, 404);
    assert_eq!(
        b.get(&format!("/talepler/yeni?personel={their_staff}"))
            .await
            .status,
        404
    );
    assert_eq!(b.get("/inceleme/partiler/1/liste.csv").await.status, 403);
    // The other unit's officer sees all of it.
    assert_eq!(
        other.get(&format!("/talep/{their_request}")).await.status,
        200
    );
    assert_eq!(other.get(&format!("/parti/{batch}")).await.status, 200);
    assert_eq!(app.count("staff"), 1);
    let _ = mine;
}

#[tokio::test]
async fn staff_see_only_their_own_requests() {
    let (app, mine, _, _) = setup().await;
    let officer = app.officer_a;
    let own = app.add_staff_record();
    let other = app.add_staff(mine, 2, "Başka", "Kişi", "baska@kurum.gov.tr");
    let own_req = app.add_request(own, State::Submitted, officer);
    let other_req = app.add_request(other, State::Submitted, officer);
    let me = app.login_staff().await;
    assert_eq!(me.get(&format!("/talep/{own_req}")).await.status, 200);
    assert_eq!(me.get(&format!("/talep/{other_req}")).await.status, 404);
    assert_eq!(
        me.post(
            &format!("/talep/{other_req}/islem"),
            &[("action", "not_mine"), ("version", "0")]
        )
        .await
        .status,
        404
    );
    assert_eq!(me.get("/personel").await.status, 403);
}

#[tokio::test]
async fn the_batch_list_for_kamu_sm_has_full_tc_and_is_audited() {
    let (app, mine, _, officer) = setup().await;
    let reviewer_id = app.reviewer;
    let reviewer = app.login_reviewer().await;
    let s = app.add_staff(
        mine,
        21,
        "=HYPERLINK(\"http://x\")",
        "Yılmaz",
        "h@kurum.gov.tr",
    );
    let id = app.add_request(s, State::Approved, reviewer_id);
    let r = reviewer
        .post(
            "/inceleme/toplu",
            &[
                ("action", "batch"),
                ("sec", &format!("{id}:0")),
                ("geri", "/inceleme"),
            ],
        )
        .await;
    let batch = r
        .location
        .expect("batch")
        .trim_start_matches("/parti/")
        .to_owned();
    let csv_page = reviewer
        .get(&format!("/inceleme/partiler/{batch}/liste.csv"))
        .await;
    assert_eq!(csv_page.status, 200);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(csv_page.body.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], tckn(21).as_str(), "full T.C. for Kamu SM");
    assert_eq!(
        &rows[0][1], "'=HYPERLINK(\"http://x\")",
        "formula neutralised"
    );
    assert_eq!(&rows[0][5], "0532 123 45 67");
    let xlsx = reviewer
        .get(&format!("/inceleme/partiler/{batch}/liste.xlsx"))
        .await;
    assert_eq!(xlsx.status, 200);
    assert_eq!(app.count("audit_log WHERE action = 'batch.export'"), 2);
    // On screen the number is masked, and the officer sees the batch.
    let page = officer.get(&format!("/parti/{batch}")).await;
    assert!(
        page.body
            .contains(&mobilimza::domain::tckn::mask(&tckn(21)))
    );
    assert!(!page.body.contains(&tckn(21)));
}

#[tokio::test]
async fn the_queue_counts_filters_and_pages_by_keyset() {
    let (app, mine, theirs, _) = setup().await;
    let reviewer_id = app.reviewer;
    let reviewer = app.login_reviewer().await;
    for n in 0..120u32 {
        let unit = if n % 2 == 0 { mine } else { theirs };
        let s = app.add_staff(
            unit,
            1000 + n,
            &format!("Kişi{n}"),
            "Deneme",
            &format!("k{n}@kurum.gov.tr"),
        );
        app.add_request(
            s,
            if n < 110 {
                State::Submitted
            } else {
                State::Approved
            },
            reviewer_id,
        );
    }
    let page = reviewer.get("/inceleme").await;
    assert!(
        page.body
            .contains("İnceleme bekleyen <span class=\"count\">110</span>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("Onaylanan <span class=\"count\">10</span>")
    );
    assert_eq!(page.body.matches("name=\"sec\"").count(), 50);
    let next = {
        let marker = "class=\"button\" href=\"";
        let s = page.body.rfind(marker).expect("next link") + marker.len();
        page.body[s..s + page.body[s..].find('"').expect("end")]
            .replace("&#38;", "&")
            .replace("&amp;", "&")
    };
    let page2 = reviewer.get(&next).await;
    assert_eq!(page2.body.matches("name=\"sec\"").count(), 50);
    let ids = |body: &str| -> Vec<String> {
        body.split("name=\"sec\" value=\"")
            .skip(1)
            .map(|rest| rest.split(':').next().unwrap_or("").to_owned())
            .collect()
    };
    let (first, second) = (ids(&page.body), ids(&page2.body));
    assert!(
        first.iter().all(|id| !second.contains(id)),
        "no overlap: {next}\n{first:?}\n{second:?}"
    );
    let filtered = reviewer
        .get("/inceleme?sekme=submitted&il=34&q=ki%C5%9Fi1")
        .await;
    assert!(filtered.body.contains("Kişi1 Deneme") && !filtered.body.contains("Kişi2 Deneme"));
}

/// NUL, ESC and the right-to-left override (which makes "exe.pdf" read
/// "fdp.exe") are refused in every form and in every imported cell, with a
/// Turkish message naming the character; nothing is written.
#[tokio::test]
async fn control_and_direction_characters_are_refused_in_forms_and_imports() {
    let (app, mine, _, b) = setup().await;
    for (bad, code) in [
        ("Ayşe\u{202E}fdp.exe", "U+202E"),
        ("Ayşe\u{0}", "U+0000"),
        ("Ayşe\u{1b}[2J", "U+001B"),
    ] {
        let unit = mine.to_string();
        let fields = [
            ("tckn", tckn(9)),
            ("first_name", bad.to_owned()),
            ("last_name", "Yılmaz".to_owned()),
            ("sicil_no", "9".to_owned()),
            ("title", "Şef".to_owned()),
            ("email", "ayse@kurum.gov.tr".to_owned()),
            ("phone", "0532 123 45 67".to_owned()),
            ("operator", "turkcell".to_owned()),
            ("line_type", "faturali".to_owned()),
            ("unit_id", unit),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = b.post("/personel/yeni", &fields).await;
        assert_eq!(r.status, 422, "{bad:?}");
        assert!(
            r.body.contains("Formda izin verilmeyen karakter var"),
            "{}",
            r.body
        );
        assert!(r.body.contains(code), "{code}: {}", r.body);
    }
    assert_eq!(app.count("staff"), 0);

    let file = csv(&[&format!(
        "{};Ali\u{202E}cba;Veli;1;Şef;Çankaya Kaymakamlığı;ali@kurum.gov.tr;0532 111 22 33;Turkcell;Faturalı;Yok",
        tckn(1)
    )]);
    let r = b.upload("/personel/ice-aktar", "liste.csv", file).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let preview = b.get(&r.location.expect("preview")).await;
    assert!(
        preview
            .body
            .contains("Ad görünmez bir denetim ya da yazı yönü karakteri içeriyor (U+202E)"),
        "{}",
        preview.body
    );
    assert_eq!(app.count("staff"), 0);

    let admin = app.login_admin().await;
    let r = admin
        .post(
            "/yonetim/birimler/yeni",
            &[
                ("province_id", "6"),
                ("name", "Birim\u{2066}"),
                ("kind", "birim"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("U+2066"));
}

/// The names of the staff records listed on a page, in order.
fn listed_names(body: &str) -> Vec<String> {
    body.split("<a href=\"/personel/")
        .skip(1)
        .filter_map(|rest| {
            let (id, after) = rest.split_once("\">")?;
            id.parse::<i32>().ok()?;
            Some(after.split_once("</a>")?.0.to_owned())
        })
        .collect()
}

fn pager_link(body: &str, rel: &str) -> Option<String> {
    let at = body.find(&format!("rel=\"{rel}\""))?;
    let start = body[..at].rfind("href=\"")? + 6;
    let end = start + body[start..].find('"')?;
    Some(body[start..end].replace("&amp;", "&"))
}

/// The list pages by 50 in Turkish alphabetical order over all of the
/// officer's units (each unit read in its index order by the stored sort
/// code, then merged), forward and back; a search pages the same way.
#[tokio::test]
async fn the_staff_list_pages_in_turkish_order_across_units() {
    use diesel::RunQueryDsl;
    let (app, mine, theirs, b) = setup().await;
    diesel::sql_query(format!(
        "INSERT INTO user_units (user_id, unit_id) VALUES ({}, {theirs})",
        app.officer_a
    ))
    .execute(&mut app.conn())
    .expect("a second unit for the officer");
    let firsts = ["Çetin", "Cem", "Şule", "Sibel", "İlker", "Ilgaz"];
    let mut expected = Vec::new();
    for n in 0..66u32 {
        let (first, last) = (firsts[n as usize % 6], format!("Kaya{:02}", n / 6));
        let unit = if n % 2 == 0 { mine } else { theirs };
        app.add_staff(unit, 500 + n, first, &last, &format!("k{n}@kurum.gov.tr"));
        expected.push(format!("{first} {last}"));
    }
    expected.sort_by_key(|n| mobilimza::domain::text::sort_key(n));

    let first = b.get("/personel").await;
    let page1 = listed_names(&first.body);
    assert_eq!(page1, expected[..50].to_vec());
    assert!(page1[0].starts_with("Cem") && page1[10].starts_with("Cem"));
    assert!(page1[11].starts_with("Çetin"), "Ç after C: {page1:?}");
    assert!(pager_link(&first.body, "prev").is_none());
    let next = pager_link(&first.body, "next").expect("a next page");
    let second = b.get(&next).await;
    assert_eq!(listed_names(&second.body), expected[50..].to_vec());
    assert!(pager_link(&second.body, "next").is_none());
    let back = pager_link(&second.body, "prev").expect("a previous page");
    assert_eq!(listed_names(&b.get(&back).await.body), page1);

    // "ilgaz" and "ılgaz" are different names in Turkish: a search for
    // "ılgaz" finds the 11 Ilgaz, on one page.
    let found = b.get("/personel?q=%C4%B1lgaz").await;
    let names = listed_names(&found.body);
    assert_eq!(names.len(), 11, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("Ilgaz")));
    assert!(pager_link(&found.body, "next").is_none());
    // One unit alone.
    let one = b.get(&format!("/personel?birim={mine}")).await;
    assert_eq!(listed_names(&one.body).len(), 33);
}
