//! "İstek bildir": staff and officers ask the e-İmza Şefliği, reviewers
//! answer from their inbox (the asker is mailed), take and close threads;
//! unit scope, the request page's links, the inbox's filters and pages,
//! bounds and a hostile burst.

use mobilimza::db;
use mobilimza::domain::role::Role;
use mobilimza::domain::thread::{Category, ThreadState};
use mobilimza::domain::workflow::State;
use mobilimza::jobs::mail::deliver_due;
use mobilimza::mailer::Mailer;

use crate::helpers::{
    Browser, OFFICER_B_EMAIL, Page, REVIEWER_NAME, STAFF_EMAIL, STAFF_NAME, TestApp, World,
    spawn_world,
};

impl TestApp {
    /// The id of the account with `email`.
    pub fn user_id(&self, email: &str) -> i32 {
        db::users::find_by_email(&mut self.conn(), email)
            .expect("query")
            .expect("user")
            .id
    }

    /// An open thread ("Soru") asked by `asker` for `unit`, with one message,
    /// written directly.
    pub fn add_thread(&self, asker: i32, unit: Option<i32>, subject: &str) -> i32 {
        self.add_thread_with(asker, unit, Category::Question, subject, "İlk mesaj")
    }

    pub fn add_thread_with(
        &self,
        asker: i32,
        unit: Option<i32>,
        category: Category,
        subject: &str,
        body: &str,
    ) -> i32 {
        use mobilimza::clock::Clock as _;
        use mobilimza::domain::staff::search_key;
        let now = self.clock.now_naive();
        let mut conn = self.conn();
        let name = db::users::find(&mut conn, asker)
            .expect("query")
            .expect("asker")
            .name;
        let key = search_key(&format!("{subject} {name}"));
        let new = db::threads::NewThread {
            asker_id: asker,
            unit_id: unit,
            category,
            subject,
            request_id: None,
            staff_id: None,
            state: ThreadState::Open,
            search_key: &key,
            message_count: 0,
            created_at: now,
            updated_at: now,
            form_token: None,
        };
        let id = db::threads::insert(&mut conn, &new).expect("thread");
        let body_key = search_key(body);
        let m = db::threads::NewMessage {
            thread_id: id,
            author_id: asker,
            from_reviewer: false,
            body,
            search_key: &body_key,
            created_at: now,
        };
        assert!(db::threads::add_message(&mut conn, &m, ThreadState::Open).expect("message"));
        id
    }
}

fn form_token(body: &str) -> String {
    let marker = "name=\"token\" value=\"";
    let s = body.find(marker).expect("token") + marker.len();
    body[s..s + body[s..].find('"').expect("end")].to_owned()
}

fn thread_id(r: &Page) -> i32 {
    assert_eq!(r.status, 303, "{}", r.body);
    r.location
        .as_deref()
        .and_then(|l| l.strip_prefix("/bildirim/"))
        .and_then(|s| s.parse().ok())
        .expect("redirect to /bildirim/ID")
}

/// Asks through the form (`query`: its preselection), as `who`.
async fn ask(who: &Browser, query: &str, fields: &[(&str, &str)]) -> Page {
    let form = who.get(&format!("/bildirim/yeni{query}")).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let token = form_token(&form.body);
    let mut all = vec![("token", token.as_str())];
    all.extend_from_slice(fields);
    who.post("/bildirim/yeni", &all).await
}

const SUBJECT: &str = "Mobil imza PIN'imi unuttum";

/// The staff member asks a question; the thread's id.
async fn staff_asks(w: &World) -> i32 {
    let r = ask(
        &w.person,
        "",
        &[
            ("kategori", "soru"),
            ("konu", SUBJECT),
            ("mesaj", "Şifremi nasıl sıfırlarım?\nTelefonum yanımda."),
        ],
    )
    .await;
    thread_id(&r)
}

async fn reply(who: &Browser, id: i32, text: &str) -> Page {
    who.post(&format!("/bildirim/{id}/yanit"), &[("mesaj", text)])
        .await
}

async fn act(who: &Browser, id: i32, action: &str) -> Page {
    let page = who.get(&format!("/bildirim/{id}")).await;
    let version = page.version();
    who.post(
        &format!("/bildirim/{id}/islem"),
        &[("action", action), ("version", &version)],
    )
    .await
}

async fn deliver(w: &World, mailer: &Mailer) -> usize {
    deliver_due(&w.app.state.pool, w.app.clock.as_ref(), mailer)
        .await
        .expect("deliver")
}

#[tokio::test]
async fn staff_asks_the_reviewer_answers_and_the_staff_member_is_mailed() {
    let w = spawn_world().await;
    let home = w.person.get("/").await;
    assert!(home.body.contains("İstek bildir"), "nav link for staff");
    let id = staff_asks(&w).await;
    let page = w.person.get(&format!("/bildirim/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains(SUBJECT), "{}", page.body);
    assert!(page.text().contains("Açık"));
    assert!(
        page.body
            .contains("Şifremi nasıl sıfırlarım?\nTelefonum yanımda.")
    );

    // Another unit's officer: not found, for reading and for writing.
    let officer_b = w.app.login_officer_b().await;
    assert_eq!(officer_b.get(&format!("/bildirim/{id}")).await.status, 404);
    assert_eq!(reply(&officer_b, id, "Merhaba").await.status, 404);
    assert!(!officer_b.get("/bildirim").await.text().contains(SUBJECT));
    // The staff member's own unit's officer sees it.
    assert_eq!(w.officer.get(&format!("/bildirim/{id}")).await.status, 200);

    // The reviewer's home page and inbox.
    let home = w.reviewer.get("/").await;
    assert!(
        home.text().contains("1 bildirim yanıt bekliyor"),
        "{}",
        home.body
    );
    assert!(home.body.contains("Gelen kutusu"));
    let inbox = w.reviewer.get("/inceleme/bildirimler").await;
    assert_eq!(inbox.status, 200);
    assert!(inbox.text().contains(SUBJECT) && inbox.text().contains(STAFF_NAME));

    let r = reply(
        &w.reviewer,
        id,
        "PIN'inizi operatörünüzün mağazası sıfırlar.",
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = w.person.get(&format!("/bildirim/{id}")).await;
    assert!(page.text().contains("Yanıtlandı"));
    assert!(page.text().contains("e-İmza Şefliği"));
    assert!(page.text().contains(REVIEWER_NAME));
    let home = w.person.get("/").await;
    assert!(
        home.text()
            .contains("1 bildiriminiz e-İmza Şefliğince yanıtlandı.")
    );

    // The answer is in the outbox for the staff member, and sent from there.
    assert_eq!(w.app.count("outbox WHERE kind = 'thread_answered'"), 1);
    let mailer = Mailer::memory();
    assert_eq!(deliver(&w, &mailer).await, 1);
    let sent = mailer.sent();
    assert_eq!(sent[0].to, STAFF_EMAIL);
    assert_eq!(
        sent[0].subject,
        format!("Bildiriminiz yanıtlandı (#{id}): {SUBJECT}")
    );
    for line in [
        "PIN'inizi operatörünüzün mağazası sıfırlar.",
        &format!("http://127.0.0.1:8080/bildirim/{id}"),
    ] {
        assert!(sent[0].text.contains(line), "{line}: {}", sent[0].text);
    }
    assert_eq!(w.app.count("audit_log WHERE action = 'thread.opened'"), 1);
    assert_eq!(w.app.count("audit_log WHERE action = 'thread.replied'"), 1);
}

#[tokio::test]
async fn the_asker_replies_back_and_the_reviewer_takes_and_closes_the_thread() {
    let w = spawn_world().await;
    let id = staff_asks(&w).await;
    assert_eq!(reply(&w.reviewer, id, "Hangi operatör?").await.status, 303);
    let r = reply(&w.person, id, "Turkcell, faturalı hat.").await;
    assert_eq!(r.status, 303);
    let page = w.reviewer.get(&format!("/bildirim/{id}")).await;
    assert!(page.text().contains("Açık"), "the reply opens it again");
    assert!(page.text().contains("Mesajlar (3)"));

    // Taking it: it shows the reviewer and lists under "bana atanan".
    assert_eq!(act(&w.reviewer, id, "assign").await.status, 303);
    let page = w.reviewer.get(&format!("/bildirim/{id}")).await;
    assert!(
        page.text().contains(&format!("Atanan {REVIEWER_NAME}")),
        "{}",
        page.text()
    );
    let mine = w
        .reviewer
        .get("/inceleme/bildirimler?durum=open&bana=1")
        .await;
    assert!(mine.text().contains(SUBJECT));
    let home = w.reviewer.get("/").await;
    assert!(
        home.text()
            .contains("Size atanmış 1 bildirim yanıt bekliyor.")
    );

    // The asker may not take or close it; a stale form is refused.
    let by_asker = w
        .person
        .post(
            &format!("/bildirim/{id}/islem"),
            &[("action", "close"), ("version", "1")],
        )
        .await;
    assert_eq!(by_asker.status, 403);
    let stale = w
        .reviewer
        .post(
            &format!("/bildirim/{id}/islem"),
            &[("action", "close"), ("version", "1")],
        )
        .await;
    assert_eq!(stale.status, 409);
    assert_eq!(act(&w.reviewer, id, "close").await.status, 303);
    let page = w.person.get(&format!("/bildirim/{id}")).await;
    assert!(page.text().contains("Kapandı"));
    assert!(page.text().contains("Bu bildirim kapandı."));
    let r = reply(&w.person, id, "Bir sorum daha var.").await;
    assert_eq!(r.status, 409);
    assert!(
        r.text().contains("Kapanan bildirime yanıt yazılamaz"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Bir sorum daha var."), "the text is kept");
    assert_eq!(w.app.count("thread_messages"), 3);
    assert_eq!(w.app.count("audit_log WHERE action = 'thread.assigned'"), 1);
    assert_eq!(w.app.count("audit_log WHERE action = 'thread.closed'"), 1);
    assert_eq!(w.app.count("audit_log WHERE action = 'thread.replied'"), 2);
    // Only the reviewer's answer was mailed.
    assert_eq!(w.app.count("outbox WHERE kind = 'thread_answered'"), 1);
}

#[tokio::test]
async fn the_request_page_links_its_threads_and_offers_to_ask_about_it() {
    let w = spawn_world().await;
    let req = w
        .app
        .add_request(w.staff, State::Submitted, w.app.officer_a);
    let page = w.officer.get(&format!("/talep/{req}")).await;
    let ask_link = format!("/bildirim/yeni?talep={req}");
    assert!(page.body.contains(&ask_link), "{}", page.body);
    assert!(page.text().contains("Soru sor / bildir"));
    let form = w.officer.get(&ask_link).await;
    assert!(
        form.text()
            .contains(&format!("Talep #{req} — {STAFF_NAME}"))
    );
    let r = ask(
        &w.officer,
        &format!("?talep={req}"),
        &[
            ("talep", &req.to_string()),
            ("kategori", "bilgi_degisikligi"),
            ("konu", "Unvan değişti"),
            ("mesaj", "Personelin unvanı Şef oldu."),
        ],
    )
    .await;
    let id = thread_id(&r);
    let link = format!("/bildirim/{id}");
    for who in [&w.officer, &w.reviewer] {
        let page = who.get(&format!("/talep/{req}")).await;
        assert!(page.body.contains(&link), "{}", page.body);
        assert!(page.text().contains("Unvan değişti"));
    }
    // The staff member sees the threads they asked, not the officer's.
    let own = w.person.get(&format!("/talep/{req}")).await;
    assert!(!own.body.contains(&link));
    assert!(
        own.body.contains(&ask_link),
        "they may ask about their request"
    );
    let reviewer_view = w.reviewer.get(&format!("/talep/{req}")).await;
    assert!(
        !reviewer_view.body.contains(&ask_link),
        "reviewers answer, not ask"
    );
    let thread = w.reviewer.get(&link).await;
    assert!(thread.body.contains(&format!("href=\"/talep/{req}\"")));
    assert!(thread.text().contains("Bilgi değişikliği"));
    // Another unit's officer cannot ask about it.
    let officer_b = w.app.login_officer_b().await;
    assert_eq!(officer_b.get(&ask_link).await.status, 404);
}

#[tokio::test]
async fn the_inbox_filters_by_state_category_assignee_and_text_and_pages() {
    let w = spawn_world().await;
    let (a, b) = (w.app.unit_a, w.app.unit_b);
    let staff = w.app.staff;
    let officer_b = w.app.user_id(OFFICER_B_EMAIL);
    for i in 0..52 {
        w.app.add_thread(staff, Some(a), &format!("Genel soru {i}"));
    }
    let printer = w.app.add_thread_with(
        officer_b,
        Some(b),
        Category::Problem,
        "Yazıcı çıktısı",
        "İmzalı PDF yazdırılamıyor",
    );
    let percent = w.app.add_thread(staff, Some(a), "Yüzde 100% tamam");

    // 54 open: a page of 50, then the rest, and back.
    let inbox = w.reviewer.get("/inceleme/bildirimler").await;
    assert!(
        inbox.text().contains("54 bildirim; bu sayfada 50."),
        "{}",
        inbox.text()
    );
    let href = inbox
        .body
        .split("href=\"")
        .find(|s| s.contains("sonra="))
        .and_then(|s| s.split('"').next())
        .expect("next page link")
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let second = w.reviewer.get(&href).await;
    assert_eq!(second.status, 200);
    assert!(
        second.text().contains("Genel soru 0"),
        "{href}: {}",
        second.text()
    );
    assert!(second.text().contains("← Önceki sayfa"));
    assert!(!second.text().contains("Sonraki sayfa"));

    // Category, then text over subject, message and asker (Turkish case).
    let problems = w.reviewer.get("/inceleme/bildirimler?kategori=sorun").await;
    assert!(problems.text().contains("Yazıcı çıktısı"));
    assert!(
        problems.text().contains("1 bildirim."),
        "{}",
        problems.text()
    );
    for q in [
        "yazıcı",
        "YAZICI",
        "imzalı pdf",
        "diğer sorumlu",
        &format!("#{printer}"),
    ] {
        let url = format!("/inceleme/bildirimler?q={}", urlencode(q));
        let found = w.reviewer.get(&url).await;
        assert!(
            found.text().contains("Yazıcı çıktısı"),
            "{q}: {}",
            found.text()
        );
        assert!(found.text().contains("1 bildirim."), "{q}");
    }
    // A wildcard is a character, quotes are text; a huge query is cut.
    let found = w.reviewer.get("/inceleme/bildirimler?q=%25").await;
    assert!(found.text().contains(&format!("#{percent}")) && found.text().contains("1 bildirim."));
    let hostile = w
        .reviewer
        .get("/inceleme/bildirimler?q=%27%20OR%201%3D1%20--")
        .await;
    assert_eq!(hostile.status, 200);
    assert!(hostile.text().contains("Bu görünümde bildirim yok."));
    let huge = format!("/inceleme/bildirimler?q={}", "ş".repeat(1_000));
    assert_eq!(w.reviewer.get(&huge).await.status, 200);

    // States and "bana atanan".
    assert_eq!(act(&w.reviewer, printer, "assign").await.status, 303);
    assert_eq!(
        reply(&w.reviewer, printer, "Sürücüyü güncelleyin.")
            .await
            .status,
        303
    );
    let answered = w.reviewer.get("/inceleme/bildirimler?durum=answered").await;
    assert!(answered.text().contains("Yazıcı çıktısı") && answered.text().contains("1 bildirim."));
    let open = w
        .reviewer
        .get("/inceleme/bildirimler?durum=open&q=yaz%C4%B1c%C4%B1")
        .await;
    assert!(open.text().contains("Bu görünümde bildirim yok."));
    let mine = w
        .reviewer
        .get("/inceleme/bildirimler?durum=all&bana=1")
        .await;
    assert!(mine.text().contains("Yazıcı çıktısı") && mine.text().contains("1 bildirim."));

    // The officer's own list: their unit's threads only.
    let officer_b_view = w.app.login_officer_b().await.get("/bildirim").await;
    assert!(officer_b_view.text().contains("Yazıcı çıktısı"));
    assert!(!officer_b_view.text().contains("Genel soru"));
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .expect("encode")
        .trim_start_matches('=')
        .to_owned()
}

#[tokio::test]
async fn who_may_ask_and_read_admins_only_as_reviewers() {
    let w = spawn_world().await;
    let id = staff_asks(&w).await;
    let admin = w.app.login_admin().await;
    assert_eq!(admin.get("/bildirim").await.status, 403);
    assert_eq!(admin.get("/inceleme/bildirimler").await.status, 403);
    assert_eq!(admin.get(&format!("/bildirim/{id}")).await.status, 404);
    assert_eq!(w.reviewer.get("/bildirim/yeni").await.status, 403);
    let finance = w.app.login_finance().await;
    assert_eq!(finance.get(&format!("/bildirim/{id}")).await.status, 404);
    w.app.add_user(
        "yonetici.sef@kurum.gov.tr",
        "Yönetici Şef",
        &[Role::Admin, Role::Reviewer],
        &[],
    );
    let both = w.app.logged_in("yonetici.sef@kurum.gov.tr").await;
    assert!(
        both.get("/inceleme/bildirimler")
            .await
            .text()
            .contains(SUBJECT)
    );
    // Another staff member does not see it.
    w.app
        .add_user("baska@kurum.gov.tr", "Başka Personel", &[Role::Staff], &[]);
    let other = w.app.logged_in("baska@kurum.gov.tr").await;
    assert_eq!(other.get(&format!("/bildirim/{id}")).await.status, 404);
    assert!(
        other
            .get("/bildirim")
            .await
            .text()
            .contains("Bu görünümde bildirim yok.")
    );
}

#[tokio::test]
async fn bad_input_is_refused_at_its_field_and_nothing_is_written() {
    let w = spawn_world().await;
    let long_subject = "ş".repeat(201);
    let long_body = "ğ".repeat(5_001);
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[("konu", "Konu"), ("mesaj", "Metin")],
            "Bildirim türünü seçin.",
        ),
        (
            &[
                ("kategori", "soru"),
                ("konu", &long_subject),
                ("mesaj", "Metin"),
            ],
            "Konu en fazla 200 karakter olabilir.",
        ),
        (
            &[
                ("kategori", "soru"),
                ("konu", "Konu"),
                ("mesaj", &long_body),
            ],
            "Mesaj en fazla 5.000 karakter olabilir.",
        ),
        (
            &[("kategori", "soru"), ("konu", "Konu"), ("mesaj", "   ")],
            "Mesaj boş bırakılamaz.",
        ),
    ];
    for (fields, message) in cases {
        let r = ask(&w.person, "", fields).await;
        assert_eq!(r.status, 422, "{message}");
        assert!(r.body.contains("<title>Hata: "), "{message}");
        assert!(r.text().contains(message), "{message}: {}", r.text());
    }
    let id = staff_asks(&w).await;
    let r = reply(&w.reviewer, id, &long_body).await;
    assert_eq!(r.status, 422);
    assert!(r.text().contains("Mesaj en fazla 5.000 karakter olabilir."));
    let bidi = reply(&w.reviewer, id, "a\u{202E}b").await;
    assert_eq!(bidi.status, 422);
    assert_eq!(w.app.count("threads"), 1);
    assert_eq!(w.app.count("thread_messages"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hostile_burst_opens_one_thread_writes_one_message_and_limits_hold() {
    let w = spawn_world().await;
    let form = w.person.get("/bildirim/yeni").await;
    let token = form_token(&form.body);
    let csrf = w.person.token().await;
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..200 {
        let (b, token, csrf) = (w.person.clone(), token.clone(), csrf.clone());
        burst.spawn(async move {
            let fields = [
                ("csrf_token", csrf.as_str()),
                ("token", token.as_str()),
                ("kategori", "sorun"),
                ("konu", "Aynı form"),
                ("mesaj", "İki yüz kez gönderildi"),
            ];
            let r = b.post_raw("/bildirim/yeni", &fields).await;
            (r.status, r.location)
        });
    }
    let mut answers = std::collections::BTreeSet::new();
    while let Some(answer) = burst.join_next().await {
        answers.insert(answer.expect("task"));
    }
    assert_eq!(answers.len(), 1, "every answer the same: {answers:?}");
    assert_eq!(w.app.count("threads"), 1);
    let (status, location) = answers.into_iter().next().expect("an answer");
    let id = thread_id(&Page {
        status,
        location,
        body: String::new(),
        headers: Default::default(),
    });

    // 200 identical replies: one message.
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..200 {
        let (b, csrf) = (w.person.clone(), csrf.clone());
        burst.spawn(async move {
            let fields = [("csrf_token", csrf.as_str()), ("mesaj", "Acil!")];
            b.post_raw(&format!("/bildirim/{id}/yanit"), &fields)
                .await
                .status
        });
    }
    while let Some(status) = burst.join_next().await {
        assert_eq!(status.expect("task"), 303);
    }
    assert_eq!(w.app.count("thread_messages"), 2);
    assert_eq!(w.app.count("audit_log WHERE action = 'thread.replied'"), 1);

    // At most 200 messages a thread.
    {
        use mobilimza::clock::Clock as _;
        let mut conn = w.app.conn();
        let now = w.app.clock.now_naive();
        for i in 2..200 {
            let body = format!("Mesaj {i}");
            let m = db::threads::NewMessage {
                thread_id: id,
                author_id: w.app.staff,
                from_reviewer: false,
                body: &body,
                search_key: &body,
                created_at: now,
            };
            assert!(db::threads::add_message(&mut conn, &m, ThreadState::Open).expect("add"));
        }
    }
    let r = reply(&w.reviewer, id, "Yanıt").await;
    assert_eq!(r.status, 409);
    assert!(r.text().contains("en fazla 200 mesaj"), "{}", r.text());
    assert_eq!(w.app.count("thread_messages"), 200);

    // At most 20 threads not closed per account.
    for i in 1..20 {
        w.app
            .add_thread(w.app.staff, Some(w.app.unit_a), &format!("Soru {i}"));
    }
    let r = ask(
        &w.person,
        "",
        &[
            ("kategori", "soru"),
            ("konu", "Yirmi birinci"),
            ("mesaj", "Metin"),
        ],
    )
    .await;
    assert_eq!(r.status, 409);
    assert!(
        r.text().contains("en fazla 20 açık bildiriminiz"),
        "{}",
        r.text()
    );
    assert_eq!(w.app.count("threads"), 20);
    assert_eq!(w.person.get("/healthz").await.status, 200);
}

#[tokio::test]
async fn an_officer_of_two_units_chooses_one_and_a_staff_member_without_a_record_may_ask() {
    let w = spawn_world().await;
    let (a, b) = (w.app.unit_a, w.app.unit_b);
    w.app.add_user(
        "iki.birim@kurum.gov.tr",
        "İki Birim",
        &[Role::Officer],
        &[a, b],
    );
    let both = w.app.logged_in("iki.birim@kurum.gov.tr").await;
    let form = both.get("/bildirim/yeni").await;
    assert!(form.text().contains("Biriminiz"), "{}", form.text());
    let fields = [
        ("kategori", "soru"),
        ("konu", "Hangi birim?"),
        ("mesaj", "Metin"),
    ];
    let r = ask(&both, "", &fields).await;
    assert_eq!(r.status, 422);
    assert!(
        r.text()
            .contains("Bildirimin hangi biriminiz için olduğunu seçin.")
    );
    let unit_b = b.to_string();
    let mut chosen = fields.to_vec();
    chosen.push(("birim", &unit_b));
    let id = thread_id(&ask(&both, "", &chosen).await);
    let officer_b = w.app.login_officer_b().await;
    assert_eq!(officer_b.get(&format!("/bildirim/{id}")).await.status, 200);
    assert_eq!(w.officer.get(&format!("/bildirim/{id}")).await.status, 404);

    // A staff account without a staff record: only they and reviewers see it.
    w.app.add_user(
        "kayitsiz@kurum.gov.tr",
        "Kayıtsız Personel",
        &[Role::Staff],
        &[],
    );
    let orphan = w.app.logged_in("kayitsiz@kurum.gov.tr").await;
    let r = ask(
        &orphan,
        "",
        &[
            ("kategori", "bilgi_degisikligi"),
            ("konu", "Kaydım yok"),
            ("mesaj", "Personel kaydım bulunamadı."),
        ],
    )
    .await;
    let id = thread_id(&r);
    assert_eq!(orphan.get(&format!("/bildirim/{id}")).await.status, 200);
    assert_eq!(w.reviewer.get(&format!("/bildirim/{id}")).await.status, 200);
    assert_eq!(w.officer.get(&format!("/bildirim/{id}")).await.status, 404);
}
