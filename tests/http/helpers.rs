//! `spawn_app()`: the real portal on a random port with its own fresh database
//! (a SQLite file, or a PostgreSQL database cloned from a migrated template
//! when `TEST_DATABASE_URL` is set), an injected clock and cheap Argon2.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex, OnceLock};

use actix_web::web;
use base64::Engine;
use chrono::{TimeZone, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use mobilimza::app::{AppState, resolve_session_key, run};
use mobilimza::clock::ManualClock;
use mobilimza::config::{Config, DatabaseUrl};
use mobilimza::db::{self, users::NewUser};
use mobilimza::domain::request::Reason;
use mobilimza::domain::role::Role;
use mobilimza::domain::staff::{LineType, Operator};
use mobilimza::domain::workflow::State;
use reqwest::cookie::{CookieStore, Jar};

pub const PASSWORD: &str = "Dogru-Parola-2026";
/// A signed-in page that carries the CSRF token.
pub const PASSWORD_PAGE: &str = "/hesap/parola";

pub struct TestApp {
    pub base: String,
    pub clock: Arc<ManualClock>,
    pub state: web::Data<AppState>,
    _dir: tempfile::TempDir,
    pg_db: Option<(String, String)>,
}

/// Which backend this run uses; printed once so the log says it plainly.
pub fn backend() -> Option<String> {
    static ANNOUNCED: OnceLock<()> = OnceLock::new();
    let url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .map(without_tls);
    ANNOUNCED.get_or_init(|| match &url {
        Some(_) => eprintln!("integration tests: PostgreSQL backend (TEST_DATABASE_URL)"),
        None => eprintln!("integration tests: SQLite backend"),
    });
    url
}

fn pg_with_db(admin_url: &str, db: &str) -> String {
    // Replace the path (database name) of the admin URL.
    let (head, tail) = admin_url
        .rsplit_once('/')
        .expect("TEST_DATABASE_URL has a database path");
    let query = tail
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    format!("{head}/{db}{query}")
}

/// No TLS to the test server unless the URL asks for it: the test process
/// exits with pooled connections still open on other threads, and OpenSSL's
/// exit-time cleanup racing them aborted a run ("double free or corruption").
fn without_tls(url: String) -> String {
    if url.contains("sslmode=") {
        url
    } else if url.contains('?') {
        format!("{url}&sslmode=disable")
    } else {
        format!("{url}?sslmode=disable")
    }
}

fn random_suffix() -> String {
    use rand::Rng;
    format!("{:016x}", rand::thread_rng().r#gen::<u64>())
}

/// Creates the migrated template database once per test process.
fn pg_template(admin_url: &str) -> String {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            let name = format!("mobilimza_tpl_{}", random_suffix());
            let mut admin =
                PgConnection::establish(admin_url).expect("connect to TEST_DATABASE_URL");
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create template");
            let url = mobilimza::config::DatabaseUrl::Postgres(pg_with_db(admin_url, &name));
            let mut conn = db::connect(&url).expect("connect template");
            db::run_migrations(&mut conn).expect("migrate template");
            name
        })
        .clone()
}

/// An empty PostgreSQL database (no migrations), dropped by `scripts/test`'s
/// clean-up with the others: its URL.
pub fn pg_empty_database(admin_url: &str) -> String {
    let name = format!("mobilimza_t_empty_{}", random_suffix());
    let mut admin = PgConnection::establish(admin_url).expect("connect to TEST_DATABASE_URL");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create empty database");
    pg_with_db(admin_url, &name)
}

fn pg_fresh_database(admin_url: &str) -> (String, String) {
    static CREATE: Mutex<()> = Mutex::new(());
    let template = pg_template(admin_url);
    let name = format!("mobilimza_test_{}", random_suffix());
    let _guard = CREATE.lock().unwrap_or_else(|e| e.into_inner());
    let mut admin = PgConnection::establish(admin_url).expect("connect to TEST_DATABASE_URL");
    admin
        .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
        .expect("create test database");
    (pg_with_db(admin_url, &name), name)
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let (Some((_, name)), Some(admin_url)) = (&self.pg_db, backend())
            && let Ok(mut admin) = PgConnection::establish(&admin_url)
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

pub fn test_vars(database_url: &str) -> HashMap<String, String> {
    let key = base64::engine::general_purpose::STANDARD.encode([42u8; 64]);
    HashMap::from([
        ("DATABASE_URL".to_owned(), database_url.to_owned()),
        ("ARGON2_PARAMS".to_owned(), "m=64,t=1,p=1".to_owned()),
        ("SESSION_KEY".to_owned(), key),
    ])
}

pub async fn spawn_app() -> TestApp {
    spawn(false, &[]).await
}

/// An app with extra configuration, e.g. a long idle timeout for tests
/// whose clock jumps hours ahead.
pub async fn spawn_app_with(vars: &[(&str, &str)]) -> TestApp {
    spawn(false, vars).await
}

/// An app whose database was filled by `seed-demo`.
pub async fn spawn_demo_app() -> TestApp {
    spawn(true, &[]).await
}

async fn spawn(demo: bool, extra: &[(&str, &str)]) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, pg_db) = match backend() {
        Some(admin) => {
            let (url, name) = pg_fresh_database(&admin);
            (url.clone(), Some((url, name)))
        }
        None => (
            format!("sqlite://{}", dir.path().join("test.db").display()),
            None,
        ),
    };
    let mut vars = test_vars(&url);
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let config = Config::from_vars(|k| vars.get(k).cloned()).expect("test config");
    // Before the demo seed below writes its audit row (AppState::new does it too).
    mobilimza::app::install_audit_key(&config).expect("audit key");
    let pool = db::open(&config.database).expect("open database");
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
            .single()
            .expect("time"),
    ));
    if demo {
        let hasher = mobilimza::password::PasswordHasher::new(config.argon2).expect("hasher");
        let mut conn = pool.get().expect("conn");
        mobilimza::demo::seed(&mut conn, &hasher, clock.now_naive(), false).expect("seed demo");
    }
    let key = resolve_session_key(&config).expect("key");
    let state = web::Data::new(AppState::new(config, pool, clock.clone()).expect("state"));
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = run(state.clone(), key, listener, 1).expect("server");
    tokio::spawn(server);
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        clock,
        state,
        _dir: dir,
        pg_db,
    }
}

use mobilimza::clock::Clock as _;

impl TestApp {
    /// The database URL as configured (with any password), for running the
    /// binary against this app's database.
    pub fn database_url(&self) -> String {
        match &self.state.config.database {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => url.clone(),
        }
    }

    /// Runs the `mobilimza` binary against this app's database with the
    /// test configuration: (exit code, stdout, stderr).
    pub fn cli(&self, args: &[&str]) -> (i32, String, String) {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_mobilimza"));
        cmd.args(args).env_remove("BASE_URL");
        for (k, v) in test_vars(&self.database_url()) {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run mobilimza");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    pub fn conn(&self) -> db::DbConn {
        self.state.pool.get().expect("pooled connection")
    }

    pub fn add_unit(&self, province: i32, name: &str) -> i32 {
        let now = self.clock.now_naive();
        db::units::create(
            &mut self.conn(),
            &db::units::NewUnit {
                province_id: province,
                name,
                kind: "birim",
                active: true,
                created_at: now,
            },
        )
        .expect("unit")
    }

    /// A user with `roles` (and officer `units`) whose password is [`PASSWORD`].
    pub fn add_user(&self, email: &str, name: &str, roles: &[Role], units: &[i32]) -> i32 {
        let hash = self
            .state
            .passwords
            .unbounded()
            .hash(PASSWORD)
            .expect("hash");
        let now = self.clock.now_naive();
        let new = NewUser {
            email,
            name,
            password_hash: &hash,
            active: true,
            is_demo: false,
            created_at: now,
            updated_at: now,
        };
        db::users::create(&mut self.conn(), &new, roles, units).expect("user")
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// A browser already logged in as `email`.
    pub async fn logged_in(&self, email: &str) -> Browser {
        let b = self.browser();
        let r = b.login(email, PASSWORD).await;
        assert_eq!(r.status, 303, "login of {email} failed: {}", r.body);
        b
    }

    pub fn count(&self, table_sql: &str) -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table_sql}"))
            .get_result::<N>(&mut self.conn())
            .expect("count")
            .n
    }
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Page {
    pub fn csrf(&self) -> Option<String> {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self.body.find(marker)? + marker.len();
        let end = self.body[start..].find('"')?;
        Some(self.body[start..start + end].to_owned())
    }

    /// The page's text as a reader sees it: tags dropped, entities decoded,
    /// white space collapsed (so a sentence split over markup still reads
    /// as one).
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(self.body.len());
        let mut in_tag = false;
        for c in self.body.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => {
                    in_tag = false;
                    out.push(' ');
                }
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        let decoded = out
            .replace("&#x27;", "'")
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&#34;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        let words: Vec<&str> = decoded.split_whitespace().collect();
        // Markup between a word and its punctuation leaves a space before it.
        words
            .join(" ")
            .replace(" .", ".")
            .replace(" ,", ",")
            .replace(" ;", ";")
            .replace(" :", ":")
    }
}

/// Every page any test reads: its `<title>` is plain text (screen readers
/// read it aloud; markup there once leaked a whole table into it).
fn assert_plain_title(body: &str) {
    if let Some(start) = body.find("<title>") {
        let rest = &body[start + "<title>".len()..];
        let title = &rest[..rest.find("</title>").expect("closed <title>")];
        assert!(
            !title.contains('<') && !title.contains('>') && !title.contains('\n'),
            "markup in <title>: {title}"
        );
    }
}

/// A browser: its own cookie jar, redirects not followed (so tests see them).
/// A clone is another tab of the same browser (the same cookies).
#[derive(Clone)]
pub struct Browser {
    base: String,
    pub jar: Arc<Jar>,
    client: reqwest::Client,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            // Drop an idle connection before the server's keep-alive (5 s)
            // does: reusing one the server is closing fails the request
            // ("IncompleteMessage") when a test pauses, e.g. to build a
            // large upload on a busy machine.
            .pool_idle_timeout(std::time::Duration::from_secs(2))
            .build()
            .expect("client");
        Self {
            base: base.to_owned(),
            jar,
            client,
        }
    }

    /// The same browser (cookies and all) talking to another server: a
    /// second instance behind the same proxy.
    pub fn at(&self, base: &str) -> Browser {
        Browser {
            base: base.to_owned(),
            jar: self.jar.clone(),
            client: self.client.clone(),
        }
    }

    /// The raw `Cookie` header this browser would send.
    pub fn cookie_header(&self) -> String {
        let url = self.base.parse().expect("url");
        self.jar
            .cookies(&url)
            .map(|v| v.to_str().expect("ascii").to_owned())
            .unwrap_or_default()
    }

    async fn read(resp: reqwest::Response) -> Page {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let location = headers
            .get("location")
            .map(|v| v.to_str().expect("ascii").to_owned());
        let body = resp.text().await.expect("body");
        assert_plain_title(&body);
        Page {
            status,
            location,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        Self::read(
            self.client
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .expect("GET"),
        )
        .await
    }

    /// GET with a given cookie header and no jar: a replayed (stolen) cookie.
    pub async fn get_with_cookie(base: &str, path: &str, cookie: &str) -> Page {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self::read(
            client
                .get(format!("{base}{path}"))
                .header("cookie", cookie)
                .send()
                .await
                .expect("GET"),
        )
        .await
    }

    /// POST a form with this session's token, as [`Browser::post`], but a
    /// connection that fails (a server killed mid-load) is `None`, not a
    /// panic: the status only when the answer arrived.
    pub async fn try_post(&self, path: &str, fields: &[(&str, &str)]) -> Option<u16> {
        let url = format!("{}{}", self.base, crate::helpers::PASSWORD_PAGE);
        let body = self.client.get(url).send().await.ok()?.text().await.ok()?;
        let page = Page {
            status: 200,
            location: None,
            body,
            headers: Default::default(),
        };
        let token = page.csrf()?;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .form(&all)
            .send()
            .await
            .ok()?;
        Some(resp.status().as_u16())
    }

    /// POST a form exactly as given (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        Self::read(
            self.client
                .post(format!("{}{path}", self.base))
                .form(fields)
                .send()
                .await
                .expect("POST"),
        )
        .await
    }

    /// POST a form exactly as given (no token added) with extra headers,
    /// e.g. the `Origin` a browser on another site would send.
    pub async fn post_raw_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut req = self
            .client
            .post(format!("{}{path}", self.base))
            .form(fields);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        Self::read(req.send().await.expect("POST")).await
    }

    /// The CSRF token of this browser's session, read from a page.
    pub async fn token(&self) -> String {
        let page = self.get("/giris").await;
        if let Some(t) = page.csrf() {
            return t;
        }
        self.get("/hesap/parola")
            .await
            .csrf()
            .expect("a page with a CSRF token")
    }

    /// POST a form with this session's CSRF token, as a browser would.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.token().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Page {
        self.post(
            "/giris",
            &[("email", email), ("password", password), ("next", "/")],
        )
        .await
    }
}

/// A valid T.C. kimlik no built from `n` (check digits computed).
pub fn tckn(n: u32) -> String {
    let base = format!("{:09}", 100_000_000 + n % 800_000_000);
    let d: Vec<i32> = base.bytes().map(|b| i32::from(b - b'0')).collect();
    let d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])).rem_euclid(10);
    let d11 = (d.iter().sum::<i32>() + d10) % 10;
    format!("{base}{d10}{d11}")
}

impl TestApp {
    /// A staff record in `unit` with a valid T.C. built from `n`.
    pub fn add_staff(&self, unit: i32, n: u32, first: &str, last: &str, email: &str) -> i32 {
        let now = self.clock.now_naive();
        let tc = tckn(n);
        let search = mobilimza::domain::staff::search_key(&format!("{first} {last}"));
        let v = db::staff::StaffValues {
            tckn: &tc,
            first_name: first,
            last_name: last,
            sicil_no: "1234",
            title: "Memur",
            unit_id: unit,
            email,
            phone: "+905321234567",
            operator: Operator::Turkcell,
            line_type: LineType::Faturali,
            has_signature: false,
            search_name: &search,
            sort_name: db::staff::sort_name(first, last),
            updated_at: now,
        };
        db::staff::insert(&mut self.conn(), &v, now).expect("staff")
    }

    /// A request row in `state` with the given facts, written directly (for
    /// tests that start mid-lifecycle).
    pub fn add_request(&self, staff_id: i32, state: State, by: i32) -> i32 {
        let now = self.clock.now_naive();
        let s = db::staff::find(&mut self.conn(), staff_id)
            .expect("q")
            .expect("staff");
        db::requests::insert(
            &mut self.conn(),
            &db::requests::NewRequest {
                staff_id,
                unit_id: s.unit_id,
                state,
                reason: Reason::FirstApplication,
                note: "",
                kvkk_ack: true,
                phone: &s.phone,
                operator: s.operator,
                line_type: s.line_type,
                created_by: by,
                created_at: now,
                updated_at: now,
                submitted_at: Some(now),
                form_token: None,
            },
        )
        .expect("request")
    }

    pub fn request(&self, id: i32) -> db::requests::Request {
        db::requests::find(&mut self.conn(), id)
            .expect("q")
            .expect("request")
    }

    pub fn set_request(&self, id: i32, update: &db::requests::RequestUpdate) {
        match db::requests::set_facts(&mut self.conn(), id, update) {
            Ok(_) | Err(diesel::result::Error::QueryBuilderError(_)) => {} // nothing to set
            Err(e) => panic!("update request: {e}"),
        }
    }
}

impl Page {
    /// The `version` hidden field of the first action form.
    pub fn version(&self) -> String {
        let marker = "name=\"version\" value=\"";
        let Some(start) = self.body.find(marker) else {
            panic!("no version field (status {}): {}", self.status, self.body);
        };
        let start = start + marker.len();
        let end = self.body[start..].find('"').expect("end");
        self.body[start..start + end].to_owned()
    }
}

impl Browser {
    /// One action on a request, with the version shown on its page.
    pub async fn act(&self, id: i32, fields: &[(&str, &str)]) -> Page {
        let version = self.get(&format!("/talep/{id}")).await.version();
        let mut all = vec![("version", version.as_str())];
        all.extend_from_slice(fields);
        self.post(&format!("/talep/{id}/islem"), &all).await
    }

    pub async fn upload(&self, path: &str, file_name: &str, bytes: Vec<u8>) -> Page {
        let token = self.token().await;
        let part = reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned());
        let form = reqwest::multipart::Form::new().part("dosya", part);
        Self::read(
            self.client
                .post(format!("{}{path}?csrf_token={token}", self.base))
                .multipart(form)
                .send()
                .await
                .expect("upload"),
        )
        .await
    }
}

impl Browser {
    /// GET as the raw response (status, headers, body as bytes).
    pub async fn get_response(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET")
    }

    /// GET a binary download.
    pub async fn get_bytes(&self, path: &str) -> Vec<u8> {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET");
        assert_eq!(r.status().as_u16(), 200, "{path}");
        r.bytes().await.expect("bytes").to_vec()
    }
}

/// The e-mails and names of the standard organisation built by [`spawn_org`].
pub const UNIT_A_NAME: &str = "Çankaya Kaymakamlığı";
pub const UNIT_A_PROVINCE: i32 = 6;
pub const UNIT_B_NAME: &str = "Kadıköy Kaymakamlığı";
pub const UNIT_B_PROVINCE: i32 = 34;
pub const OFFICER_A_EMAIL: &str = "sorumlu@kurum.gov.tr";
pub const OFFICER_A_NAME: &str = "Mehmet Öztürk";
pub const OFFICER_B_EMAIL: &str = "diger@kurum.gov.tr";
pub const OFFICER_B_NAME: &str = "Diğer Sorumlu";
pub const REVIEWER_EMAIL: &str = "sef@kurum.gov.tr";
pub const REVIEWER_NAME: &str = "Ayşe Çelik";
pub const FINANCE_EMAIL: &str = "mali@kurum.gov.tr";
pub const FINANCE_NAME: &str = "Hüseyin Şahin";
pub const STAFF_EMAIL: &str = "ilknur@kurum.gov.tr";
pub const STAFF_FIRST: &str = "İlknur";
pub const STAFF_LAST: &str = "Yıldız";
pub const STAFF_NAME: &str = "İlknur Yıldız";
/// The number [`tckn`] builds the staff member's T.C. kimlik no from.
pub const STAFF_TCKN_N: u32 = 1;
pub const ADMIN_EMAIL: &str = "admin@kurum.gov.tr";
pub const ADMIN_NAME: &str = "Yönetici";

/// A small organisation on a fresh app: unit A (Ankara) and unit B
/// (İstanbul), an officer for each, a reviewer, a finance user, a user with
/// the Staff role and an admin, all with [`PASSWORD`]. Nobody is logged in
/// and no staff record exists until a test asks ([`Org::add_staff_record`]),
/// so tests that count staff or sessions start from zero.
pub struct Org {
    pub app: TestApp,
    pub unit_a: i32,
    pub unit_b: i32,
    pub officer_a: i32,
    #[allow(dead_code)] // no test needs the id yet
    pub officer_b: i32,
    pub reviewer: i32,
    pub finance: i32,
    /// The user with the Staff role; [`Org::add_staff_record`] gives them a
    /// staff record in unit A with the same e-mail.
    #[allow(dead_code)] // no test needs the id yet
    pub staff: i32,
    pub admin: i32,
}

pub async fn spawn_org() -> Org {
    Org::on(spawn_app().await)
}

/// [`spawn_org`] with extra configuration (see [`spawn_app_with`]).
pub async fn spawn_org_with(vars: &[(&str, &str)]) -> Org {
    Org::on(spawn_app_with(vars).await)
}

impl Org {
    fn on(app: TestApp) -> Self {
        let unit_a = app.add_unit(UNIT_A_PROVINCE, UNIT_A_NAME);
        let unit_b = app.add_unit(UNIT_B_PROVINCE, UNIT_B_NAME);
        let officer_a = app.add_user(OFFICER_A_EMAIL, OFFICER_A_NAME, &[Role::Officer], &[unit_a]);
        let officer_b = app.add_user(OFFICER_B_EMAIL, OFFICER_B_NAME, &[Role::Officer], &[unit_b]);
        let reviewer = app.add_user(REVIEWER_EMAIL, REVIEWER_NAME, &[Role::Reviewer], &[]);
        let finance = app.add_user(FINANCE_EMAIL, FINANCE_NAME, &[Role::Finance], &[]);
        let staff = app.add_user(STAFF_EMAIL, STAFF_NAME, &[Role::Staff], &[]);
        let admin = app.add_user(ADMIN_EMAIL, ADMIN_NAME, &[Role::Admin], &[]);
        Self {
            app,
            unit_a,
            unit_b,
            officer_a,
            officer_b,
            reviewer,
            finance,
            staff,
            admin,
        }
    }

    /// The staff user's staff record: İlknur Yıldız in unit A, T.C. from
    /// [`STAFF_TCKN_N`], line 0532 123 45 67 Turkcell faturalı.
    pub fn add_staff_record(&self) -> i32 {
        self.app.add_staff(
            self.unit_a,
            STAFF_TCKN_N,
            STAFF_FIRST,
            STAFF_LAST,
            STAFF_EMAIL,
        )
    }

    /// The e-mail of the fixture's user with `role`.
    pub fn email(role: Role) -> &'static str {
        match role {
            Role::Officer => OFFICER_A_EMAIL,
            Role::Reviewer => REVIEWER_EMAIL,
            Role::Finance => FINANCE_EMAIL,
            Role::Staff => STAFF_EMAIL,
            Role::Admin => ADMIN_EMAIL,
        }
    }

    /// A browser logged in as the fixture's user with `role` (unit A's
    /// officer for [`Role::Officer`]).
    pub async fn login(&self, role: Role) -> Browser {
        self.app.logged_in(Self::email(role)).await
    }

    pub async fn login_officer_a(&self) -> Browser {
        self.app.logged_in(OFFICER_A_EMAIL).await
    }

    pub async fn login_officer_b(&self) -> Browser {
        self.app.logged_in(OFFICER_B_EMAIL).await
    }

    pub async fn login_reviewer(&self) -> Browser {
        self.app.logged_in(REVIEWER_EMAIL).await
    }

    pub async fn login_finance(&self) -> Browser {
        self.app.logged_in(FINANCE_EMAIL).await
    }

    pub async fn login_staff(&self) -> Browser {
        self.app.logged_in(STAFF_EMAIL).await
    }

    pub async fn login_admin(&self) -> Browser {
        self.app.logged_in(ADMIN_EMAIL).await
    }
}

impl std::ops::Deref for Org {
    type Target = TestApp;

    fn deref(&self) -> &TestApp {
        &self.app
    }
}

/// The organisation with the staff member's record and browsers logged in
/// as unit A's officer, the reviewer and the staff member: the cast of the
/// request tests.
pub struct World {
    /// The organisation (it dereferences to its [`TestApp`]).
    pub app: Org,
    /// The staff member's record (see [`Org::add_staff_record`]).
    pub staff: i32,
    pub officer: Browser,
    pub reviewer: Browser,
    pub person: Browser,
}

pub async fn spawn_world() -> World {
    World::on(spawn_org().await).await
}

/// [`spawn_world`] with extra configuration (see [`spawn_app_with`]).
pub async fn spawn_world_with(vars: &[(&str, &str)]) -> World {
    World::on(spawn_org_with(vars).await).await
}

impl World {
    pub async fn on(org: Org) -> Self {
        let staff = org.add_staff_record();
        let officer = org.login_officer_a().await;
        let reviewer = org.login_reviewer().await;
        let person = org.login_staff().await;
        Self {
            app: org,
            staff,
            officer,
            reviewer,
            person,
        }
    }
}

impl Browser {
    /// A multipart upload of `bytes` as the `dosya` field with other text
    /// `fields` before it, the CSRF token in the query.
    pub async fn upload_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Page {
        let token = self.token().await;
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        let part = reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned());
        form = form.part("dosya", part);
        Self::read(
            self.client
                .post(format!("{}{path}?csrf_token={token}", self.base))
                .multipart(form)
                .send()
                .await
                .expect("upload"),
        )
        .await
    }
}
