//! E-mail out of the portal: a [`Letter`] rendered to plain text and HTML
//! (askama templates under `templates/mail/`), and the transport that sends
//! it (lettre): SMTP from the `SMTP_*` settings, or `.eml` files in a folder
//! beside the database when SMTP is not configured, or (tests) memory.
//! Logs name the outbox id, never an address.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use askama::Template;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Config, ConfigError, DatabaseUrl, SmtpSecurity};
use crate::db::outbox::Mail;
use crate::domain::mail::Letter;

#[derive(Template)]
#[template(path = "mail/letter.txt")]
struct TextBody<'a> {
    letter: &'a Letter,
}

#[derive(Template)]
#[template(path = "mail/letter.html")]
struct HtmlBody<'a> {
    letter: &'a Letter,
}

/// `(plain text, HTML)` of a letter.
pub fn render(letter: &Letter) -> anyhow::Result<(String, String)> {
    Ok((TextBody { letter }.render()?, HtmlBody { letter }.render()?))
}

/// A sent message as the memory transport keeps it.
#[derive(Debug, Clone)]
pub struct Sent {
    pub outbox_id: i32,
    pub to: String,
    pub subject: String,
    pub text: String,
}

/// Why a message was not sent. `permanent` ones are not retried.
#[derive(Debug, Clone)]
pub struct SendError {
    pub permanent: bool,
    pub message: String,
}

impl SendError {
    fn permanent(message: impl Into<String>) -> Self {
        Self {
            permanent: true,
            message: message.into(),
        }
    }

    fn transient(message: impl Into<String>) -> Self {
        Self {
            permanent: false,
            message: message.into(),
        }
    }
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
    Memory {
        sent: Mutex<Vec<Sent>>,
        down: AtomicBool,
    },
}

/// The portal's way out for mail.
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
    /// Where `.eml` files go when there is no SMTP server.
    pub folder: Option<PathBuf>,
}

/// The `.eml` folder: beside the SQLite file (`mobilimza.db` →
/// `mobilimza-eposta/`), or `mobilimza-eposta/` in the working directory.
pub fn eml_folder(db: &DatabaseUrl) -> PathBuf {
    match db.sqlite_path() {
        Some(p) => {
            let stem = p
                .file_stem()
                .map_or_else(|| "mobilimza".into(), |s| s.to_string_lossy().into_owned());
            p.with_file_name(format!("{stem}-eposta"))
        }
        None => PathBuf::from("mobilimza-eposta"),
    }
}

fn default_from() -> Mailbox {
    let address =
        lettre::Address::new("mobilimza", "localhost").expect("a fixed ASCII address is valid");
    Mailbox::new(Some("Mobil İmza Talep Portalı".into()), address)
}

impl Mailer {
    /// SMTP when configured; else `.eml` files (refused with an https
    /// `BASE_URL`: a public portal must really send its mail).
    pub fn from_config(config: &Config) -> Result<Self, ConfigError> {
        let Some(smtp) = &config.smtp else {
            if config.base_url.starts_with("https://") {
                return Err(ConfigError::new(
                    "SMTP_HOST",
                    "BASE_URL https ile başladığında e-posta gerçekten gönderilmelidir: \
                     SMTP_HOST ve SMTP_FROM verin (SMTP yoksa iletiler yalnızca yerel .eml \
                     dosyalarına yazılır, bu yalnızca http ile deneme kurulumlarında olur)"
                        .into(),
                ));
            }
            let folder = eml_folder(&config.database);
            std::fs::create_dir_all(&folder).map_err(|e| {
                ConfigError::new(
                    "DATABASE_URL",
                    format!("e-posta klasörü {} açılamadı: {e}", folder.display()),
                )
            })?;
            return Ok(Self {
                from: default_from(),
                transport: Transport::Files(AsyncFileTransport::new(&folder)),
                folder: Some(folder),
            });
        };
        let err = |e: lettre::transport::smtp::Error| {
            ConfigError::new("SMTP_HOST", format!("SMTP ayarlanamadı: {e}"))
        };
        let mut builder = match smtp.security {
            SmtpSecurity::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host).map_err(err)?
            }
            SmtpSecurity::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host).map_err(err)?
            }
            SmtpSecurity::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
            }
        }
        .port(smtp.port)
        .timeout(Some(Duration::from_secs(20)));
        if let (Some(user), Some(pass)) = (&smtp.username, &smtp.password) {
            builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        Ok(Self {
            from: smtp.from.clone(),
            transport: Transport::Smtp(builder.build()),
            folder: None,
        })
    }

    /// A mailer that keeps what it sends in memory (tests).
    pub fn memory() -> Self {
        Self {
            from: default_from(),
            transport: Transport::Memory {
                sent: Mutex::new(Vec::new()),
                down: AtomicBool::new(false),
            },
            folder: None,
        }
    }

    /// What the memory transport has sent.
    pub fn sent(&self) -> Vec<Sent> {
        match &self.transport {
            Transport::Memory { sent, .. } => {
                sent.lock().unwrap_or_else(|e| e.into_inner()).clone()
            }
            _ => Vec::new(),
        }
    }

    /// Makes the memory transport fail (an outage) or work again.
    pub fn set_down(&self, is_down: bool) {
        if let Transport::Memory { down, .. } = &self.transport {
            down.store(is_down, Ordering::SeqCst);
        }
    }

    /// A short description for the start-up log (no credentials).
    pub fn describe(&self) -> String {
        match (&self.transport, &self.folder) {
            (Transport::Smtp(_), _) => "SMTP".into(),
            (Transport::Files(_), Some(f)) => format!(".eml dosyaları: {}", f.display()),
            (Transport::Files(_), None) => ".eml dosyaları".into(),
            (Transport::Memory { .. }, _) => "bellek (test)".into(),
        }
    }

    fn message(&self, mail: &Mail) -> Result<Message, SendError> {
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|_| SendError::permanent("alıcı adresi geçersiz"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(mail.message_id.clone()))
            .multipart(MultiPart::alternative_plain_html(
                mail.body_text.clone(),
                mail.body_html.clone(),
            ))
            .map_err(|e| SendError::permanent(format!("ileti oluşturulamadı: {e}")))
    }

    /// Sends one outbox row.
    pub async fn send(&self, mail: &Mail) -> Result<(), SendError> {
        let message = self.message(mail)?;
        let result = match &self.transport {
            Transport::Smtp(t) => t.send(message).await.map(drop).map_err(|e| {
                let permanent = e.is_permanent();
                SendError {
                    permanent,
                    message: e.to_string(),
                }
            }),
            Transport::Files(t) => t
                .send(message)
                .await
                .map(drop)
                .map_err(|e| SendError::transient(e.to_string())),
            Transport::Memory { sent, down } => {
                if down.load(Ordering::SeqCst) {
                    Err(SendError::transient("bağlantı kurulamadı (test kesintisi)"))
                } else {
                    sent.lock().unwrap_or_else(|e| e.into_inner()).push(Sent {
                        outbox_id: mail.id,
                        to: mail.recipient.clone(),
                        subject: mail.subject.clone(),
                        text: mail.body_text.clone(),
                    });
                    Ok(())
                }
            }
        };
        match &result {
            Ok(()) => tracing::info!(outbox_id = mail.id, "e-posta gönderildi"),
            Err(e) => tracing::warn!(
                outbox_id = mail.id,
                attempt = mail.attempts + 1,
                permanent = e.permanent,
                "e-posta gönderilemedi"
            ),
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_render_to_text_and_escaped_html() {
        let letter = Letter {
            subject: "Talep #7 iade edildi".into(),
            paragraphs: vec!["Not: <b>İmza</b> eksik & şu".into()],
            items: vec!["Çağrı".into()],
            link: Some(("Talebi aç".into(), "http://x/talep/7".into())),
        };
        let (text, html) = render(&letter).expect("render");
        assert!(text.contains("Not: <b>İmza</b> eksik & şu"), "{text}");
        assert!(text.contains("- Çağrı") && text.contains("Talebi aç: http://x/talep/7"));
        assert!(!html.contains("<b>"), "{html}");
        assert!(
            html.contains("&#60;b&#62;İmza&#60;/b&#62; eksik &#38; şu"),
            "{html}"
        );
        assert!(html.contains("<li>Çağrı</li>"));
    }

    #[test]
    fn the_eml_folder_sits_beside_the_sqlite_file() {
        let db = DatabaseUrl::Sqlite("/var/lib/m/portal.db".into());
        assert_eq!(eml_folder(&db), PathBuf::from("/var/lib/m/portal-eposta"));
    }
}
