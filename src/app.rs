//! Builds the actix `App` (routes + middleware) and the server around it. The
//! same code serves `mobilimza serve` and the integration tests.

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_session::storage::CookieSessionStore;
use actix_web::body::MessageBody;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use base64::Engine;

use crate::clock::Clock;
use crate::config::{Config, ConfigError, DatabaseUrl};
use crate::db::{self, AnyConnection, DbPool};
use crate::domain::audit_chain::AuditKey;
use crate::password::{PasswordGate, PasswordHasher};
use crate::service::ServiceResult;
use crate::web::{self as portal, errors::AppError};

pub const SESSION_COOKIE: &str = "mobilimza_oturum";

/// Shared by every worker: pool, configuration, clock, password hashing, demo flag.
pub struct AppState {
    pub pool: DbPool,
    pub config: Config,
    pub clock: Arc<dyn Clock>,
    pub passwords: PasswordGate,
    /// Whether the database holds demo data (banner on every page).
    pub demo: AtomicBool,
    /// Request counts and latencies for `/metrics`.
    pub metrics: portal::metrics::Metrics,
    /// List pages kept between changes (`PAGE_CACHE` pages per list).
    pub pages: Arc<portal::kept::KeptPages>,
    /// One login attempt's bookkeeping at a time: [`AppState::call_in_turn`].
    login_turn: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// Also installs the audit key and seals audit rows from before the
    /// chain (the first start after the upgrade).
    pub fn new(config: Config, pool: DbPool, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        install_audit_key(&config)?;
        let passwords = PasswordGate::per_core(PasswordHasher::new(config.argon2)?);
        let mut conn = pool.get()?;
        if crate::service::audit_trail::seal_pending(&mut conn, clock.now_naive())? {
            tracing::info!("zincir öncesi denetim kayıtları mühürlendi");
        }
        let demo = db::settings::is_demo(&mut conn)?;
        crate::service::mail::remember_base_url(&mut conn, &config.base_url)?;
        drop(conn);
        let pages = Arc::new(portal::kept::KeptPages::new(config.page_cache));
        Ok(Self {
            pool,
            config,
            clock,
            passwords,
            demo: AtomicBool::new(demo),
            metrics: Default::default(),
            pages,
            login_turn: Arc::new(tokio::sync::Semaphore::new(1)),
        })
    }

    /// Runs a service call off the request threads, on a pooled connection.
    pub async fn call<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> ServiceResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            Ok(f(&mut conn)?)
        })
        .await?
    }

    /// [`AppState::call`] for login bookkeeping, one attempt at a time in this
    /// process. The database serialises that work anyway
    /// (`db::auth::lock_login_attempts`), so taking turns here costs no
    /// throughput; it keeps a storm of attempts waiting as idle futures
    /// instead of each holding a pooled connection and a blocking thread
    /// while it queues for the lock, which starved every other page. Without
    /// a turn within [`crate::password::PasswordGate::WAIT`] the answer is
    /// the Turkish "busy" page and nothing is recorded.
    pub async fn call_in_turn<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> ServiceResult<T> + Send + 'static,
    {
        let turn = tokio::time::timeout(
            crate::password::PasswordGate::WAIT,
            self.login_turn.clone().acquire_owned(),
        )
        .await
        .map_err(|_| AppError::Busy)?
        .map_err(|_| AppError::Busy)?;
        // Released when the work is done, not when the request is: a client
        // that hangs up does not free the turn while its step still runs.
        self.call(move |conn| {
            let out = f(conn);
            drop(turn);
            out
        })
        .await
    }
}

/// The session cookie key: `SESSION_KEY`, else (embedded default) a key kept
/// in a file beside the SQLite database, created on first start.
pub fn resolve_session_key(config: &Config) -> anyhow::Result<Key> {
    if let Some(bytes) = &config.session_key {
        return Key::try_from(bytes.as_slice()).map_err(|e| anyhow::anyhow!("SESSION_KEY: {e}"));
    }
    match &config.database {
        DatabaseUrl::Sqlite(path) => load_or_create_key_file(&path.with_extension("session-key")),
        DatabaseUrl::Postgres(_) => {
            tracing::warn!(
                "SESSION_KEY verilmedi: geçici bir anahtar üretildi; yeniden başlatmada oturumlar kapanır. \
                 Birden çok örnek için SESSION_KEY ayarlayın."
            );
            Ok(Key::generate())
        }
    }
}

/// The key that seals the audit log, in this order: `AUDIT_KEY`; a key
/// derived from `SESSION_KEY`; on SQLite, one derived from the session key
/// file beside the database (created on first start, like the session key);
/// otherwise (PostgreSQL over plain http without either variable) a fixed,
/// publicly known development key, with a warning. A derived key changes
/// with its session key: set `AUDIT_KEY` before rotating `SESSION_KEY`, or
/// rows sealed before no longer verify.
pub fn resolve_audit_key(config: &Config) -> anyhow::Result<AuditKey> {
    if let Some(key) = &config.audit_key {
        return Ok(key.clone());
    }
    if let Some(bytes) = &config.session_key {
        return Ok(AuditKey::derive(bytes));
    }
    match &config.database {
        DatabaseUrl::Sqlite(_) => Ok(AuditKey::derive(resolve_session_key(config)?.master())),
        DatabaseUrl::Postgres(_) => {
            tracing::warn!(
                "AUDIT_KEY ve SESSION_KEY verilmedi: denetim kaydı herkesçe bilinen bir geliştirme \
                 anahtarıyla mühürleniyor; sahte kayıtlara karşı koruma yok. AUDIT_KEY ayarlayın."
            );
            Ok(AuditKey::development())
        }
    }
}

/// Resolves the audit key and installs it for this process (see
/// `service::audit_trail`): every command that writes audit rows calls this
/// before its first write.
pub fn install_audit_key(config: &Config) -> anyhow::Result<()> {
    crate::service::audit_trail::install_key(resolve_audit_key(config)?)?;
    Ok(())
}

fn load_or_create_key_file(path: &Path) -> anyhow::Result<Key> {
    if path.exists() {
        let raw = std::fs::read_to_string(path)?;
        let bytes = crate::config::parse_session_key(&raw)
            .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message))?;
        return Key::try_from(bytes.as_slice())
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()));
    }
    let key = Key::generate();
    let encoded = base64::engine::general_purpose::STANDARD.encode(key.master());
    write_private(path, &encoded)?;
    tracing::info!(path = %path.display(), "oturum anahtarı üretildi");
    Ok(key)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

/// The whole portal as one actix `App`.
pub fn app(
    state: web::Data<AppState>,
    key: Key,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let secure = state.config.secure_cookies();
    let mut headers = DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ))
        .add(("Cache-Control", "no-store"));
    if secure {
        headers = headers.add(("Strict-Transport-Security", "max-age=31536000"));
    }
    let sessions = SessionMiddleware::builder(CookieSessionStore::default(), key)
        .cookie_name(SESSION_COOKIE.to_owned())
        .cookie_secure(secure)
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_content_security(CookieContentSecurity::Private)
        .session_lifecycle(BrowserSession::default())
        .build();

    let app = App::new()
        .app_data(state)
        .app_data(
            web::FormConfig::default()
                .limit(64 * 1024)
                .error_handler(|err, _| {
                    tracing::info!(error = %err, "unreadable form");
                    AppError::BadRequest.into()
                }),
        )
        .app_data(web::PayloadConfig::new(256 * 1024))
        .configure(portal::routes);
    // Test builds only (`--features test-clock`): the browser tests' clock.
    #[cfg(feature = "test-clock")]
    let app = app.configure(portal::test_clock::routes);
    app.default_service(web::to(portal::errors::not_found))
        // Middleware runs bottom-up: logging, headers, error pages, session,
        // identity, CSRF.
        .wrap(from_fn(portal::csrf::protect))
        .wrap(from_fn(portal::identity::load_identity))
        .wrap(sessions)
        .wrap(from_fn(portal::errors::pages))
        .wrap(headers)
        .wrap(from_fn(portal::metrics::record))
        .wrap(tracing_actix_web::TracingLogger::default())
}

/// Starts serving on `listener` (port 0 in tests).
pub fn run(
    state: web::Data<AppState>,
    key: Key,
    listener: TcpListener,
    workers: usize,
) -> std::io::Result<Server> {
    let server = HttpServer::new(move || app(state.clone(), key.clone()))
        .workers(workers)
        .listen(listener)?
        .run();
    Ok(server)
}

/// On SQLite one instance serves a database file: an exclusive lock on
/// `<file>.lock`, held while serving (released by the OS even after a crash).
/// A second `serve` on the same file refuses to start. PostgreSQL serves any
/// number of instances.
fn single_instance(config: &Config) -> anyhow::Result<Option<std::fs::File>> {
    let Some(db) = config.database.sqlite_path() else {
        return Ok(None);
    };
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(std::path::PathBuf::from(name))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(ConfigError::new(
            "DATABASE_URL",
            format!(
                "{} başka bir mobilimza serve tarafından kullanılıyor; SQLite ile tek bir \
                 sunucu çalışır (birden çok sunucu için PostgreSQL kullanın)",
                db.display()
            ),
        )
        .into()),
        Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

/// The clock `serve` runs on: the system's, or in a test build
/// (`--features test-clock`) the browser tests' movable one.
fn server_clock() -> Arc<dyn Clock> {
    #[cfg(feature = "test-clock")]
    let clock: Arc<dyn Clock> = Arc::new(crate::clock::offset::OffsetClock);
    #[cfg(not(feature = "test-clock"))]
    let clock: Arc<dyn Clock> = Arc::new(crate::clock::SystemClock);
    #[cfg(feature = "test-clock")]
    eprintln!(
        "!! TEST SAATİ: bu sürüm --features test-clock ile derlendi; POST /test/saat \
         sunucunun saatini ileri alır. Yalnızca tarayıcı testleri için."
    );
    clock
}

/// `mobilimza serve`: open (and migrate) the database, then serve.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let _instance = single_instance(&config)?;
    let mailer = Arc::new(crate::mailer::Mailer::from_config(&config)?);
    let pool = db::open(&config.database)?;
    let key = resolve_session_key(&config)?;
    let listener = TcpListener::bind(&config.bind).map_err(|e| {
        ConfigError::new("BIND", format!("{} adresi dinlenemiyor: {e}", config.bind))
    })?;
    let url = config.base_url.clone();
    let state = web::Data::new(AppState::new(config, pool, server_clock())?);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    crate::jobs::billing::spawn(state.pool.clone(), state.clock.clone());
    crate::jobs::expiry::spawn(state.pool.clone(), state.clock.clone());
    tracing::info!(yol = %mailer.describe(), "e-posta");
    if let Some(folder) = &mailer.folder {
        println!(
            "SMTP ayarlı değil: e-postalar {} klasörüne .eml dosyası olarak yazılıyor.",
            folder.display()
        );
    }
    crate::jobs::mail::spawn(
        state.pool.clone(),
        state.clock.clone(),
        mailer,
        std::time::Duration::from_secs(5),
    );
    println!("Mobil İmza Talep Portalı çalışıyor: {url}");
    run(state, key, listener, workers)?.await?;
    Ok(())
}
