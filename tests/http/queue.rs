//! The reviewers' queue: search across every state with the tabs filtering
//! the result, requests found by number, and paging both ways with a total.

use mobilimza::clock::Clock as _;
use mobilimza::domain::workflow::State;

use crate::helpers::spawn_world;

/// After forwarding, a name typed on the default tab ("İnceleme bekleyen")
/// once found nothing. A search now looks in every state; the tabs count the
/// result.
#[tokio::test]
async fn a_search_finds_a_request_in_any_state_and_by_its_number() {
    let w = spawn_world().await;
    let id = w
        .app
        .add_request(w.staff, State::Forwarded, w.app.officer_a);
    let other = w
        .app
        .add_staff(w.app.unit_a, 77, "Cem", "Ak", "cem@kurum.gov.tr");
    w.app.add_request(other, State::Submitted, w.app.officer_a);
    let name = crate::helpers::STAFF_LAST;

    let page = w
        .reviewer
        .get(&format!("/inceleme?onceki=submitted&q={name}"))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("#{id}</a>")), "{}", page.body);
    assert!(page.body.contains("1 talep."), "total of the search");
    assert!(
        page.body
            .contains("Kamu SM&#39;de <span class=\"count\">1</span>")
            && page
                .body
                .contains("İnceleme bekleyen <span class=\"count\">0</span>"),
        "the tabs count the result: {}",
        page.body
    );
    for q in [format!("{id}"), format!("%23{id}")] {
        let page = w.reviewer.get(&format!("/inceleme?q={q}")).await;
        assert!(page.body.contains(&format!("#{id}</a>")), "{q}");
        assert!(page.body.contains("1 talep."), "{q}: only that request");
    }
    // Filters without a search stay in the tab they were sent from.
    let page = w
        .reviewer
        .get("/inceleme?onceki=submitted&operator=turkcell")
        .await;
    assert!(!page.body.contains(&format!("#{id}</a>")));
}

#[tokio::test]
async fn the_queue_pages_forward_and_back_and_says_how_many() {
    let w = spawn_world().await;
    let mut ids = Vec::new();
    for n in 0..55 {
        let s = w.app.add_staff(
            w.app.unit_a,
            100 + n,
            "Kişi",
            &format!("Soyad{n}"),
            &format!("k{n}@kurum.gov.tr"),
        );
        ids.push(w.app.add_request(s, State::Submitted, w.app.officer_a));
    }
    let first = w.reviewer.get("/inceleme").await;
    assert!(
        first.body.contains("55 talep; bu sayfada 50."),
        "{}",
        first.body
    );
    assert!(!first.body.contains("Önceki sayfa"));
    let newest = ids[54];
    assert!(first.body.contains(&format!("#{newest}</a>")));
    let next = link(&first.body, "next");
    let second = w.reviewer.get(&next).await;
    assert!(second.body.contains("55 talep; bu sayfada 5."));
    assert!(second.body.contains(&format!("#{}</a>", ids[0])));
    assert!(!second.body.contains("Sonraki sayfa"));
    let back = w.reviewer.get(&link(&second.body, "prev")).await;
    assert!(
        back.body.contains(&format!("#{newest}</a>")),
        "back on the first page"
    );
    assert!(back.body.contains(&format!("#{}</a>", ids[5])));
    assert!(!back.body.contains(&format!("#{}</a>", ids[4])));
    assert!(
        !back.body.contains("Önceki sayfa"),
        "nothing before the first page"
    );
}

/// The href of the pager link with `rel`.
fn link(body: &str, rel: &str) -> String {
    let at = body.find(&format!("rel=\"{rel}\"")).expect(rel);
    let start = body[..at].rfind("href=\"").expect("href") + 6;
    body[start..]
        .split('"')
        .next()
        .expect("end")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// The request page offers only what can be done now, says what is awaited
/// and from whom, and names the step that was recorded.
#[tokio::test]
async fn the_request_page_offers_only_the_steps_that_can_be_taken_now() {
    use mobilimza::db::requests::RequestUpdate;
    let w = spawn_world().await;
    let id = w
        .app
        .add_request(w.staff, State::Forwarded, w.app.officer_a);
    let path = format!("/talep/{id}");
    let page = w.reviewer.get(&path).await;
    assert!(
        page.body
            .contains("Form Kamu SM&#39;ce e-postalandı</button>")
    );
    assert!(
        !page.body.contains("SMS'i kaydet (6 saatlik"),
        "not before the checklist"
    );
    assert!(
        page.body
            .contains("Sırada:</strong> Kamu SM&#39;nin başvuru formunu")
    );

    let version = w.app.request(id).version.to_string();
    let r = w
        .reviewer
        .post(
            &format!("/talep/{id}/islem"),
            &[("action", "form_emailed"), ("version", &version)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = w.reviewer.get(&path).await;
    assert!(
        page.body.contains(
            "Kaydedildi: Başvuru formu Kamu SM tarafından e-postalandı. Talebin durumu: Kamu SM&#39;de."
        ),
        "{}",
        page.body
    );
    assert!(
        !page
            .body
            .contains("Form Kamu SM&#39;ce e-postalandı</button>"),
        "recorded"
    );
    assert!(
        page.body
            .contains("Sırada:</strong> Personelin başvuru formunu e-İmza ile")
    );

    let now = w.app.clock.now_naive();
    w.app.set_request(
        id,
        &RequestUpdate {
            form_signed_at: Some(now),
            docs_sent_at: Some(now),
            docs_received_at: Some(now),
            ..Default::default()
        },
    );
    let page = w.reviewer.get(&path).await;
    assert!(page.body.contains("SMS'i kaydet (6 saatlik"));
    assert!(
        page.body
            .contains("Operatörün NES SMS&#39;ini göndermesi bekleniyor")
    );

    let held = w.app.add_request(
        w.app
            .add_staff(w.app.unit_a, 88, "Ece", "Su", "ece@kurum.gov.tr"),
        State::SmsHold,
        w.app.officer_a,
    );
    w.app.set_request(
        held,
        &RequestUpdate {
            sms_at: Some(now),
            ..Default::default()
        },
    );
    let page = w.reviewer.get(&format!("/talep/{held}")).await;
    assert!(
        !page.body.contains("Üretildi olarak işaretle"),
        "not during the hold"
    );
    assert!(page.body.contains("SMS beklemesinin bitmesi bekleniyor"));
    w.app.clock.advance(chrono::Duration::hours(7));
    let reviewer = w.app.login_reviewer().await; // the session idled out
    let page = reviewer.get(&format!("/talep/{held}")).await;
    assert!(
        page.body.contains("Üretildi olarak işaretle"),
        "{}",
        page.body
    );
}

/// The tab counts are read from `request_counts`, which triggers keep in
/// step with `requests`: after inserts, HTTP transitions and a move to
/// another unit, the kept counts equal a live count, per unit and in all.
#[tokio::test]
async fn the_kept_counts_stay_in_step_with_every_change() {
    let w = spawn_world().await;
    let id = w
        .app
        .add_request(w.staff, State::Submitted, w.app.officer_a);
    for n in 0..3 {
        let s = w.app.add_staff(
            w.app.unit_b,
            200 + n,
            "Ece",
            "Tan",
            &format!("ece{n}@kurum.gov.tr"),
        );
        w.app.add_request(s, State::Approved, w.app.officer_a);
    }
    let r = w.reviewer.act(id, &[("action", "approve")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mismatches = |app: &crate::helpers::Org| {
        let per_unit = app.count(
            "(SELECT unit_id, state, COUNT(*) AS c, \
              SUM(CASE WHEN flagged THEN 1 ELSE 0 END) AS f FROM requests GROUP BY unit_id, state) live \
             LEFT JOIN request_counts rc ON rc.unit_id = live.unit_id AND rc.state = live.state \
             WHERE rc.n IS NULL OR rc.n <> live.c OR rc.flagged <> live.f",
        );
        let in_all = app.count(
            "(SELECT state, COUNT(*) AS c, \
              SUM(CASE WHEN flagged THEN 1 ELSE 0 END) AS f FROM requests GROUP BY state) live \
             LEFT JOIN request_counts rc ON rc.unit_id = 0 AND rc.state = live.state \
             WHERE rc.n IS NULL OR rc.n <> live.c OR rc.flagged <> live.f",
        );
        let stale = app.count(
            "request_counts rc WHERE rc.n <> 0 AND NOT EXISTS (SELECT 1 FROM requests r \
             WHERE r.state = rc.state AND (rc.unit_id = 0 OR r.unit_id = rc.unit_id))",
        );
        per_unit + in_all + stale
    };
    assert_eq!(mismatches(&w.app), 0);
    let page = w.reviewer.get("/inceleme?sekme=approved").await;
    assert!(
        page.body
            .contains("Onaylanan <span class=\"count\">4</span>"),
        "{}",
        page.body
    );
    // A request moved to another unit (as a correction would) moves its
    // count, and its flag (reported "not mine") with it.
    {
        use diesel::RunQueryDsl;
        diesel::sql_query(format!(
            "UPDATE requests SET unit_id = {}, flagged = TRUE WHERE id = {id}",
            w.app.unit_b
        ))
        .execute(&mut w.app.conn())
        .expect("move");
    }
    assert_eq!(mismatches(&w.app), 0);
    assert_eq!(
        w.app.count(&format!(
            "request_counts WHERE unit_id = {} AND state = 'approved' AND n = 4 AND flagged = 1",
            w.app.unit_b
        )),
        1
    );
    let page = w.reviewer.get("/inceleme?sekme=approved").await;
    assert!(
        page.body
            .contains("Bildirilen <span class=\"count\">1</span>"),
        "{}",
        page.body
    );
}

/// The name search reads an index of the folded names (SQLite: FTS5
/// trigrams kept by triggers; PostgreSQL: pg_trgm on the column). After the
/// officer renames a staff member through the form, the queue finds their
/// request by the new name and no longer by the old one; the tabs count it.
#[tokio::test]
async fn a_renamed_staff_member_is_found_by_the_new_name_only() {
    let w = spawn_world().await;
    let staff = w
        .app
        .add_staff(w.app.unit_a, 61, "Gül", "Yılmazer", "gul@kurum.gov.tr");
    let id = w.app.add_request(staff, State::Submitted, w.app.officer_a);
    let found = |body: &str| body.contains(&format!("#{id}</a>"));

    let page = w.reviewer.get("/inceleme?q=YILMAZ").await;
    assert!(
        found(&page.body),
        "found by a folded fragment: {}",
        page.body
    );
    assert!(
        page.body
            .contains("İnceleme bekleyen <span class=\"count\">1</span>"),
        "{}",
        page.body
    );

    let tc = crate::helpers::tckn(61);
    let unit = w.app.unit_a.to_string();
    let r = w
        .officer
        .post(
            &format!("/personel/{staff}"),
            &[
                ("tckn", tc.as_str()),
                ("first_name", "Gül"),
                ("last_name", "Şahinoğlu"),
                ("sicil_no", "61"),
                ("title", "Uzman"),
                ("email", "gul@kurum.gov.tr"),
                ("phone", "0532 000 00 61"),
                ("operator", "turkcell"),
                ("line_type", "faturali"),
                ("unit_id", unit.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);

    let old = w.reviewer.get("/inceleme?q=y%C4%B1lmaz").await;
    assert!(!found(&old.body), "the old name no longer finds it");
    assert!(old.body.contains("Bu görünümde talep yok."), "{}", old.body);
    let new = w.reviewer.get("/inceleme?q=%C5%9Fahino%C4%9Flu").await;
    assert!(found(&new.body), "the new name finds it: {}", new.body);
    assert!(new.body.contains("1 talep."), "{}", new.body);
    // Wildcards typed into the box are not wildcards: "%" alone finds nobody.
    let wild = w.reviewer.get("/inceleme?q=%25").await;
    assert!(!found(&wild.body));
    assert!(
        wild.body.contains("Bu görünümde talep yok."),
        "{}",
        wild.body
    );
}

/// The queue and the staff list are kept in memory between changes
/// (`PAGE_CACHE`). A change made outside this server — a job, the CLI, a
/// second server; here a statement on another connection — shows on the
/// next view: a renamed staff member in both lists, a request that moved on
/// leaves its tab, a renamed unit.
#[tokio::test]
async fn a_kept_list_page_shows_a_change_made_outside_the_server() {
    use diesel::RunQueryDsl;
    let w = spawn_world().await;
    let outside = |sql: String| {
        diesel::sql_query(sql)
            .execute(&mut w.app.conn())
            .expect("outside change");
    };
    let staff = w
        .app
        .add_staff(w.app.unit_a, 62, "Nur", "Aksoy", "nur@kurum.gov.tr");
    let id = w.app.add_request(staff, State::Submitted, w.app.officer_a);
    let row = format!("#{id}</a>");
    for _ in 0..2 {
        let queue = w.reviewer.get("/inceleme").await;
        assert!(queue.body.contains(&row), "{}", queue.body);
        assert!(queue.body.contains("Nur Aksoy"), "{}", queue.body);
        let list = w.officer.get("/personel").await;
        assert!(list.body.contains("Nur Aksoy"), "{}", list.body);
    }

    outside(format!(
        "UPDATE staff SET last_name = 'Karaca' WHERE id = {staff}"
    ));
    let queue = w.reviewer.get("/inceleme").await;
    assert!(
        queue.body.contains("Nur Karaca") && !queue.body.contains("Nur Aksoy"),
        "{}",
        queue.body
    );
    let list = w.officer.get("/personel").await;
    assert!(
        list.body.contains("Nur Karaca") && !list.body.contains("Nur Aksoy"),
        "{}",
        list.body
    );

    outside(format!(
        "UPDATE requests SET state = 'approved' WHERE id = {id}"
    ));
    let queue = w.reviewer.get("/inceleme").await;
    assert!(!queue.body.contains(&row), "{}", queue.body);
    let approved = w.reviewer.get("/inceleme?sekme=approved").await;
    assert!(approved.body.contains(&row), "{}", approved.body);

    outside(format!(
        "UPDATE units SET name = 'Çağrı Şubesi' WHERE id = {}",
        w.app.unit_a
    ));
    let list = w.officer.get("/personel").await;
    assert!(list.body.contains("Çağrı Şubesi"), "{}", list.body);
}
