//! Configuration from environment variables. Every problem stops start-up with
//! a Turkish message that names the variable; nothing is guessed silently.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;

use crate::domain::audit_chain::AuditKey;

/// Where the data lives: the embedded SQLite file (default) or PostgreSQL.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    pub const DEFAULT: &'static str = "sqlite://mobilimza.db";

    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        let raw = raw.trim();
        let err = |msg: String| ConfigError::new("DATABASE_URL", msg);
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_owned()));
        }
        if let Some(rest) = raw.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(err(
                    "SQLite dosya yolu boş; örnek: sqlite://mobilimza.db".into()
                ));
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        // Only the scheme is echoed: the rest may hold a password.
        let shown = match raw.split_once(':') {
            Some((scheme, _)) if !scheme.is_empty() => format!("'{scheme}' şeması desteklenmiyor"),
            _ => "şema yok".to_owned(),
        };
        Err(err(format!(
            "{shown}. Kabul edilenler: sqlite://DOSYA (örn. sqlite://mobilimza.db) \
             veya postgres://KULLANICI@SUNUCU:5432/VERITABANI (postgresql:// da olur)"
        )))
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self, Self::Sqlite(_))
    }

    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Self::Sqlite(p) => Some(p),
            Self::Postgres(_) => None,
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    // Never print a PostgreSQL password into logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(p) => write!(f, "sqlite://{}", p.display()),
            Self::Postgres(_) => write!(f, "postgres://…"),
        }
    }
}

/// Argon2id cost. The default is OWASP's (m=19 MiB, t=2, p=1); tests use less.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Params {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

impl Default for Argon2Params {
    fn default() -> Self {
        Self {
            m_kib: 19_456,
            t: 2,
            p: 1,
        }
    }
}

impl Argon2Params {
    /// Parses `m=19456,t=2,p=1`.
    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        let err = || {
            ConfigError::new(
                "ARGON2_PARAMS",
                "biçim m=KiB,t=TEKRAR,p=PARALELLİK olmalı (örn. m=19456,t=2,p=1)".into(),
            )
        };
        let mut out = Self::default();
        for part in raw.split(',') {
            let (k, v) = part.trim().split_once('=').ok_or_else(err)?;
            let v: u32 = v.trim().parse().map_err(|_| err())?;
            match k.trim() {
                "m" => out.m_kib = v,
                "t" => out.t = v,
                "p" => out.p = v,
                _ => return Err(err()),
            }
        }
        argon2::Params::new(out.m_kib, out.t, out.p, None).map_err(|e| {
            ConfigError::new(
                "ARGON2_PARAMS",
                format!("geçersiz Argon2 parametreleri: {e}"),
            )
        })?;
        Ok(out)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    StartTls,
    Tls,
    None,
}

#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from: lettre::message::Mailbox,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
pub struct Config {
    pub database: DatabaseUrl,
    pub bind: String,
    pub base_url: String,
    /// 64 bytes when given; `None` means "derive the embedded default" (see
    /// `app::resolve_session_key`).
    pub session_key: Option<Vec<u8>>,
    /// The key that seals the audit log (`AUDIT_KEY`); `None` means "derive
    /// it from the session key" (see `app::resolve_audit_key`).
    pub audit_key: Option<AuditKey>,
    pub smtp: Option<SmtpConfig>,
    pub argon2: Argon2Params,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// Take the client IP from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy_headers: bool,
    /// `METRICS_TOKEN`: the bearer token `/metrics` asks for; without it the
    /// endpoint does not exist (404).
    pub metrics_token: Option<String>,
    /// `PAGE_CACHE`: list pages kept in memory per list between changes
    /// (0: none; every view reads the database).
    pub page_cache: usize,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database", &self.database)
            .field("bind", &self.bind)
            .field("base_url", &self.base_url)
            .field("session_key", &self.session_key.as_ref().map(|_| "…"))
            .field("audit_key", &self.audit_key.as_ref().map(|_| "…"))
            .field("smtp", &self.smtp)
            .field("argon2", &self.argon2)
            .field("session_idle", &self.session_idle)
            .field("session_absolute", &self.session_absolute)
            .field("trust_proxy_headers", &self.trust_proxy_headers)
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "…"))
            .field("page_cache", &self.page_cache)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

impl ConfigError {
    pub fn new(var: &'static str, message: String) -> Self {
        Self { var, message }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Yapılandırma hatası: {}: {}", self.var, self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(|k| std::env::var(k).ok())
    }

    /// Reads the configuration through `get`, so tests can pass a map.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());

        let database = DatabaseUrl::parse(
            &get("DATABASE_URL").unwrap_or_else(|| DatabaseUrl::DEFAULT.into()),
        )?;

        let bind = get("BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        if bind.parse::<std::net::SocketAddr>().is_err() {
            return Err(ConfigError::new(
                "BIND",
                format!("'{bind}' bir HOST:PORT adresi değil (örn. 127.0.0.1:8080)"),
            ));
        }

        let base_url = get("BASE_URL")
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(ConfigError::new(
                "BASE_URL",
                "http:// veya https:// ile başlamalı (örn. https://mobilimza.example.gov.tr)"
                    .into(),
            ));
        }

        let session_key = match get("SESSION_KEY") {
            Some(raw) => Some(parse_session_key(&raw)?),
            None if base_url.starts_with("https://") => {
                return Err(ConfigError::new(
                    "SESSION_KEY",
                    "BASE_URL https ile başladığında zorunludur (en az 64 baytlık base64 anahtar; \
                     üretmek için: openssl rand -base64 64)"
                        .into(),
                ));
            }
            None => None,
        };

        let audit_key = get("AUDIT_KEY")
            .map(|raw| AuditKey::parse(&raw).map_err(|m| ConfigError::new("AUDIT_KEY", m)))
            .transpose()?;

        let smtp = parse_smtp(&get)?;

        let argon2 = match get("ARGON2_PARAMS") {
            Some(raw) => Argon2Params::parse(&raw)?,
            None => Argon2Params::default(),
        };

        let session_idle =
            Duration::from_secs(60 * parse_positive(&get, "SESSION_IDLE_MINUTES", 30)?);
        let session_absolute =
            Duration::from_secs(3600 * parse_positive(&get, "SESSION_MAX_HOURS", 12)?);

        let trust_proxy_headers = match get("TRUST_PROXY_HEADERS").as_deref().map(str::trim) {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(ConfigError::new(
                    "TRUST_PROXY_HEADERS",
                    format!("true ya da false olmalı, '{other}' değil"),
                ));
            }
        };

        let metrics_token = match get("METRICS_TOKEN").map(|t| t.trim().to_owned()) {
            None => None,
            Some(t) if t.len() >= 24 && t.chars().all(|c| c.is_ascii_graphic()) => Some(t),
            Some(_) => {
                return Err(ConfigError::new(
                    "METRICS_TOKEN",
                    "en az 24 karakter, boşluksuz olmalı (örn. openssl rand -hex 16)".to_owned(),
                ));
            }
        };

        let page_cache = match get("PAGE_CACHE").as_deref().map(str::trim) {
            None => 256,
            Some(raw) => match raw.parse::<usize>() {
                Ok(n) if n <= 100_000 => n,
                _ => {
                    return Err(ConfigError::new(
                        "PAGE_CACHE",
                        format!("0 ile 100000 arasında bir sayı olmalı, '{raw}' değil"),
                    ));
                }
            },
        };

        Ok(Self {
            database,
            bind,
            base_url,
            session_key,
            audit_key,
            smtp,
            argon2,
            session_idle,
            session_absolute,
            trust_proxy_headers,
            metrics_token,
            page_cache,
        })
    }

    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

fn parse_positive(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: u64,
) -> Result<u64, ConfigError> {
    match get(var) {
        None => Ok(default),
        Some(raw) => match raw.trim().parse::<u64>() {
            Ok(v) if v > 0 => Ok(v),
            _ => Err(ConfigError::new(
                var,
                format!("pozitif bir tam sayı olmalı, '{raw}' değil"),
            )),
        },
    }
}

pub fn parse_session_key(raw: &str) -> Result<Vec<u8>, ConfigError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(raw.trim())
        .map_err(|_| ConfigError::new("SESSION_KEY", "base64 olarak çözülemedi".into()))?;
    if bytes.len() < 64 {
        return Err(ConfigError::new(
            "SESSION_KEY",
            format!(
                "en az 64 bayt olmalı, {} bayt verildi (openssl rand -base64 64)",
                bytes.len()
            ),
        ));
    }
    Ok(bytes)
}

fn parse_smtp(get: &impl Fn(&str) -> Option<String>) -> Result<Option<SmtpConfig>, ConfigError> {
    let Some(host) = get("SMTP_HOST") else {
        return Ok(None);
    };
    let security = match get("SMTP_SECURITY").as_deref().map(str::trim) {
        None | Some("starttls") => SmtpSecurity::StartTls,
        Some("tls") => SmtpSecurity::Tls,
        Some("none") => SmtpSecurity::None,
        Some(other) => {
            return Err(ConfigError::new(
                "SMTP_SECURITY",
                format!("'{other}' bilinmiyor; starttls, tls veya none olmalı"),
            ));
        }
    };
    let default_port = match security {
        SmtpSecurity::StartTls => 587,
        SmtpSecurity::Tls => 465,
        SmtpSecurity::None => 25,
    };
    let port = match get("SMTP_PORT") {
        None => default_port,
        Some(raw) => raw.trim().parse::<u16>().map_err(|_| {
            ConfigError::new(
                "SMTP_PORT",
                format!("'{raw}' geçerli bir port numarası değil"),
            )
        })?,
    };
    let from = get("SMTP_FROM")
        .ok_or_else(|| ConfigError::new("SMTP_FROM", "SMTP_HOST verildiğinde zorunludur".into()))?;
    let from = from.parse().map_err(|_| {
        ConfigError::new(
            "SMTP_FROM",
            format!(
                "'{from}' geçerli bir adres değil (örn. Mobil İmza <mobilimza@example.gov.tr>)"
            ),
        )
    })?;
    Ok(Some(SmtpConfig {
        host,
        port,
        security,
        username: get("SMTP_USERNAME"),
        password: get("SMTP_PASSWORD"),
        from,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_vars(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_are_the_embedded_sqlite_file_on_localhost() {
        let c = cfg(&[]).expect("defaults");
        assert_eq!(c.database, DatabaseUrl::Sqlite("mobilimza.db".into()));
        assert_eq!(c.bind, "127.0.0.1:8080");
        assert_eq!(c.base_url, "http://127.0.0.1:8080");
        assert_eq!(c.page_cache, 256);
        assert_eq!(cfg(&[("PAGE_CACHE", "0")]).expect("off").page_cache, 0);
        assert!(c.session_key.is_none());
        assert_eq!(
            c.argon2,
            Argon2Params {
                m_kib: 19_456,
                t: 2,
                p: 1
            }
        );
    }

    #[test]
    fn database_url_schemes() {
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/m.db").ok(),
            Some(DatabaseUrl::Sqlite("/var/lib/m.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:data.db").ok(),
            Some(DatabaseUrl::Sqlite("data.db".into()))
        );
        assert!(matches!(
            DatabaseUrl::parse("postgresql://u@h/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
    }

    #[test]
    fn unknown_scheme_names_the_variable_and_what_is_accepted_without_leaking_secrets() {
        let e = cfg(&[("DATABASE_URL", "mysql://root:secret@h/db")]).expect_err("must fail");
        assert_eq!(e.var, "DATABASE_URL");
        let text = e.to_string();
        assert!(text.contains("'mysql' şeması desteklenmiyor"), "{text}");
        assert!(
            text.contains("sqlite://") && text.contains("postgres://"),
            "{text}"
        );
        assert!(!text.contains("secret"), "{text}");
        let e = cfg(&[("DATABASE_URL", "mobilimza.db")]).expect_err("a bare path is refused");
        assert!(e.to_string().contains("şema yok"), "{e}");
    }

    #[test]
    fn https_requires_a_session_key_of_64_bytes() {
        let e = cfg(&[("BASE_URL", "https://portal.example")]).expect_err("key required");
        assert_eq!(e.var, "SESSION_KEY");
        let short = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let e = cfg(&[("SESSION_KEY", &short)]).expect_err("too short");
        assert!(e.to_string().contains("32 bayt"), "{e}");
        let good = base64::engine::general_purpose::STANDARD.encode([7u8; 64]);
        let c = cfg(&[
            ("BASE_URL", "https://portal.example/"),
            ("SESSION_KEY", &good),
        ])
        .expect("valid");
        assert!(c.secure_cookies());
        assert_eq!(c.base_url, "https://portal.example");
    }

    #[test]
    fn bad_values_name_their_variable() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("BIND", "localhost")], "BIND"),
            (&[("BASE_URL", "portal.example")], "BASE_URL"),
            (&[("ARGON2_PARAMS", "m=1")], "ARGON2_PARAMS"),
            (&[("ARGON2_PARAMS", "x=3")], "ARGON2_PARAMS"),
            (&[("SESSION_IDLE_MINUTES", "0")], "SESSION_IDLE_MINUTES"),
            (&[("AUDIT_KEY", "kisa")], "AUDIT_KEY"),
            (&[("PAGE_CACHE", "çok")], "PAGE_CACHE"),
            (&[("PAGE_CACHE", "-1")], "PAGE_CACHE"),
            (&[("PAGE_CACHE", "100001")], "PAGE_CACHE"),
            (&[("SMTP_HOST", "smtp.example")], "SMTP_FROM"),
            (
                &[
                    ("SMTP_HOST", "m"),
                    ("SMTP_FROM", "a@b.c"),
                    ("SMTP_PORT", "x"),
                ],
                "SMTP_PORT",
            ),
            (
                &[
                    ("SMTP_HOST", "m"),
                    ("SMTP_FROM", "a@b.c"),
                    ("SMTP_SECURITY", "ssl"),
                ],
                "SMTP_SECURITY",
            ),
        ];
        for (pairs, var) in cases {
            let e = cfg(pairs).expect_err(var);
            assert_eq!(e.var, *var, "{e}");
            assert!(e.to_string().starts_with("Yapılandırma hatası: "), "{e}");
        }
    }

    #[test]
    fn smtp_is_parsed_when_given() {
        let c = cfg(&[
            ("SMTP_HOST", "smtp.example"),
            ("SMTP_FROM", "Portal <p@example.gov.tr>"),
        ])
        .expect("valid");
        let smtp = c.smtp.expect("smtp");
        assert_eq!(smtp.port, 587);
        assert_eq!(smtp.security, SmtpSecurity::StartTls);
    }
}
