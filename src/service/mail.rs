//! E-mail through a lossless outbox: messages are rows written in the
//! transaction of the change that causes them ([`on_transition`], the
//! expiry reminders, a password reset), so a change and its mail commit or
//! roll back together. The worker in `serve` (`jobs::mail`) claims due rows
//! ([`claim_due`]), sends them and records the result ([`record_result`]).

use chrono::{Duration, NaiveDateTime};

use super::{Actor, AuditAction, ServiceResult, audit};
use crate::db::{self, AnyConnection, outbox::Mail, outbox::MailRow, requests::Request};
use crate::domain::hold::HoldRule;
use crate::domain::mail::{LEASE_MINUTES, Letter, after_failure, digest_key, hour_of};
use crate::domain::role::Role;
use crate::domain::staff::{LineType, Operator};
use crate::domain::time::format_local;
use crate::domain::workflow::{Action, State};

/// The settings key of the public URL that links in mail start with.
const BASE_URL_KEY: &str = "base_url";
const FALLBACK_BASE_URL: &str = "http://127.0.0.1:8080";

/// Keeps `BASE_URL` in the database, so every writer of mail (web, jobs,
/// CLI) builds the same links.
pub fn remember_base_url(conn: &mut AnyConnection, url: &str) -> ServiceResult<()> {
    if db::settings::get(conn, BASE_URL_KEY)?.as_deref() != Some(url) {
        db::settings::set(conn, BASE_URL_KEY, url)?;
    }
    Ok(())
}

fn base_url(conn: &mut AnyConnection) -> ServiceResult<String> {
    Ok(db::settings::get(conn, BASE_URL_KEY)?.unwrap_or_else(|| FALLBACK_BASE_URL.into()))
}

/// A `Message-ID` on the portal's host, fixed when the row is written (a
/// retry sends the same id).
fn message_id(base: &str) -> String {
    let host = base
        .split_once("://")
        .map_or(base, |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .filter(|h| !h.is_empty())
        .unwrap_or("localhost");
    format!("<{:032x}@{host}>", rand::random::<u128>())
}

/// What a queued message is and where it goes.
pub struct Queued<'a> {
    pub to: &'a str,
    pub kind: &'a str,
    pub request_id: Option<i32>,
    pub dedupe_key: Option<&'a str>,
    /// When to send; `None` is now.
    pub due: Option<NaiveDateTime>,
}

/// Writes one message into the outbox (call inside the change's
/// transaction). A message with a key already queued is not queued again;
/// returns the new row's id.
pub fn queue(
    conn: &mut AnyConnection,
    q: &Queued<'_>,
    letter: &Letter,
    now: NaiveDateTime,
) -> ServiceResult<Option<i32>> {
    if q.to.trim().is_empty() {
        return Ok(None);
    }
    if let Some(key) = q.dedupe_key
        && db::outbox::by_key(conn, key)?.is_some()
    {
        return Ok(None);
    }
    let (text, html) = crate::mailer::render(letter)?;
    let mid = message_id(&base_url(conn)?);
    let id = db::outbox::insert(
        conn,
        &db::outbox::NewMail {
            created_at: now,
            recipient: q.to.trim(),
            subject: &letter.subject,
            body_text: &text,
            body_html: &html,
            kind: q.kind,
            request_id: q.request_id,
            dedupe_key: q.dedupe_key,
            next_attempt_at: q.due.unwrap_or(now),
            message_id: &mid,
        },
    )?;
    Ok(Some(id))
}

/// `path` on the portal's public URL.
pub fn absolute(conn: &mut AnyConnection, path: &str) -> ServiceResult<String> {
    Ok(format!("{}{path}", base_url(conn)?))
}

/// "Talep #id sayfasını açın" with the request's absolute URL.
pub fn link_to_request(conn: &mut AnyConnection, id: i32) -> ServiceResult<(String, String)> {
    Ok(request_link(&base_url(conn)?, id))
}

fn request_link(base: &str, id: i32) -> (String, String) {
    (
        format!("Talep #{id} sayfasını açın"),
        format!("{base}{}", crate::paths::request(id)),
    )
}

/// The messages a state change causes, written in its transaction: the
/// unit's officers hear of approval, return and rejection; the staff member
/// of every step of their own signature; reviewers get a digest of new
/// requests (at most one per hour each). `req` is the request as it is now.
pub fn on_transition(
    conn: &mut AnyConnection,
    req: &Request,
    action: Action,
    note: &str,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    if req.state == State::Submitted {
        return queue_digest(conn, now);
    }
    let Some(staff) = db::staff::find(conn, req.staff_id)? else {
        return Ok(());
    };
    let name = staff.full_name();
    let base = base_url(conn)?;
    let id = req.id;
    let link = Some(request_link(&base, id));
    let to_officers = |subject: String, paragraphs: Vec<String>| Letter {
        subject,
        paragraphs,
        items: Vec::new(),
        link: link.clone(),
    };
    let officers = match action {
        Action::Approve => Some((
            "approved",
            to_officers(
                format!("Talep #{id} onaylandı: {name}"),
                vec![format!(
                    "{name} için açtığınız #{id} numaralı mobil imza talebi e-İmza Şefliği tarafından \
                 onaylandı. Talep, Kamu SM'ye iletilecek bir sonraki partiye alınacak."
                )],
            ),
        )),
        Action::Return => Some((
            "returned",
            to_officers(
                format!("Talep #{id} düzeltme için iade edildi: {name}"),
                vec![
                    format!("{name} için açtığınız #{id} numaralı talep size iade edildi."),
                    format!("İade notu: {note}"),
                    "Talebi düzeltip yeniden gönderebilirsiniz.".into(),
                ],
            ),
        )),
        Action::Reject => Some((
            "rejected",
            to_officers(
                format!("Talep #{id} reddedildi: {name}"),
                vec![
                    format!("{name} için açtığınız #{id} numaralı talep reddedildi."),
                    format!("Ret gerekçesi: {note}"),
                ],
            ),
        )),
        _ => None,
    };
    if let Some((kind, letter)) = officers {
        for (_, email) in db::outbox::users_with_role(conn, Role::Officer, Some(req.unit_id))? {
            let q = Queued {
                to: &email,
                kind,
                request_id: Some(id),
                dedupe_key: None,
                due: None,
            };
            queue(conn, &q, &letter, now)?;
        }
        return Ok(());
    }
    let hold = db::settings::hold_rule(conn)?;
    let Some((kind, mut letter)) = staff_letter(req, action, &name, &hold, link) else {
        return Ok(());
    };
    let guide = crate::paths::guide(crate::domain::guide::Audience::Staff.slug());
    letter.paragraphs.push(format!(
        "Mobil imza hakkında bilmeniz gerekenler (süreç, geçerlilik, hat değişikliği, ücretler, e-İmza Şefliği iletişim bilgileri): {base}{guide}"
    ));
    let q = Queued {
        to: &staff.email,
        kind,
        request_id: Some(id),
        dedupe_key: None,
        due: None,
    };
    queue(conn, &q, &letter, now)?;
    Ok(())
}

/// What the staff member hears of a step of their own request.
fn staff_letter(
    req: &Request,
    action: Action,
    name: &str,
    hold: &HoldRule,
    link: Option<(String, String)>,
) -> Option<(&'static str, Letter)> {
    let id = req.id;
    let letter = |subject: String, paragraphs: Vec<String>, items: Vec<String>| Letter {
        subject,
        paragraphs,
        items,
        link: link.clone(),
    };
    let until = req.valid_until.map(format_local).unwrap_or_default();
    Some(match action {
        Action::Forward => ("forwarded", letter(
            format!("Mobil imza başvurunuz Kamu SM'ye iletildi (talep #{id})"),
            vec![
                format!("Sayın {name}, #{id} numaralı mobil imza başvurunuz Kamu SM'ye iletildi. Bundan sonra şunlar olacak:"),
            ],
            forwarded_steps(req),
        )),
        Action::RecordSms => {
            let sms = req.sms_at?;
            let earliest = format_local(hold.earliest_production(sms));
            ("sms_hold", letter(
                format!("NES SMS beklemesi başladı (talep #{id})"),
                vec![
                    format!("Sayın {name}, operatörünüz mobil imza başvurunuz için telefonunuza {} tarihinde NES SMS'i gönderdi.", format_local(sms)),
                    format!("BTK kuralı gereği sertifikanız en erken {earliest} tarihinde (Türkiye saati) üretilebilir."),
                    "Bu başvuruyu siz yapmadıysanız portaldaki talep sayfasında \"Bu başvuru bilgim dışında yapıldı\" düğmesine basın; başvuru iptal edilir.".into(),
                ],
                Vec::new(),
            ))
        }
        Action::Produce => ("produced", letter(
            format!("Mobil imza sertifikanız üretildi (talep #{id})"),
            vec![format!("Sayın {name}, mobil imza sertifikanız üretildi. Geçerlilik sonu: {until}. Etkinleştirildiğinde ayrıca bilgi verilecek.")],
            Vec::new(),
        )),
        Action::Activate => ("activated", letter(
            format!("Mobil imzanız etkinleştirildi (talep #{id})"),
            vec![
                format!("Sayın {name}, mobil imzanız etkinleştirildi ve kullanıma hazır. Geçerlilik sonu: {until}."),
                "Hattınızda, SIM kartınızda ya da numaranızda bir değişiklik veya başka operatöre taşıma mobil imzanızı kullanılamaz hale getirir; önce portalda bildirin.".into(),
            ],
            Vec::new(),
        )),
        Action::Invalidate => ("invalidated", letter(
            format!("Mobil imzanız geçersiz kılındı (talep #{id})"),
            vec![
                format!("Sayın {name}, hat, SIM, numara ya da operatör değişikliği nedeniyle mobil imzanız geçersiz kılındı ve artık kullanılamaz."),
                "Yeniden mobil imza için proje sorumlunuz yeni bir başvuru açabilir.".into(),
            ],
            Vec::new(),
        )),
        Action::Expire => ("expired", letter(
            format!("Mobil imzanızın süresi doldu (talep #{id})"),
            vec![format!("Sayın {name}, mobil imzanızın 3 yıllık geçerlilik süresi doldu. Yeniden mobil imza için proje sorumlunuz yenileme başvurusu açabilir.")],
            Vec::new(),
        )),
        _ => return None,
    })
}

fn forwarded_steps(req: &Request) -> Vec<String> {
    let mut steps = vec![
        "Kamu SM, başvuru formunu kurumsal e-posta adresinize gönderecek.".to_owned(),
        "Formu e-İmzanızla imzalayın, operatörün formlarını doldurun ve hepsini proje sorumlunuza teslim edin.".into(),
        "Belgeler operatöre ulaşınca telefonunuza NES SMS'i gelir; BTK kuralı gereği sertifika bu SMS'ten en az 6 saat sonra üretilebilir.".into(),
        "Bir kişi yalnızca bir operatörde mobil imza sahibi olabilir.".into(),
        "Hat, SIM kart veya numara değişikliği ya da başka operatöre taşıma imzanızı kullanılamaz hale getirir.".into(),
    ];
    let turkcell_faturali =
        req.operator == Operator::Turkcell && req.line_type == LineType::Faturali;
    steps.push(if turkcell_faturali {
        "Hattınız Turkcell faturalı: mobil imza için faturanıza ayda 4 TL yansır.".into()
    } else {
        "Turkcell faturalı hatlarda mobil imza için ayda 4 TL ödenir.".into()
    });
    steps
}

/// The reviewers' digest of this hour, one row per reviewer (who has not
/// turned it off), sent when the hour ends and rewritten with the requests
/// waiting at each new submission until then.
fn queue_digest(conn: &mut AnyConnection, now: NaiveDateTime) -> ServiceResult<()> {
    let waiting = db::outbox::waiting_requests(conn, 20)?;
    let total = db::outbox::count_waiting(conn)?;
    let base = base_url(conn)?;
    let mut items: Vec<String> = waiting
        .iter()
        .map(|(id, name, unit)| format!("#{id} {name} ({unit})"))
        .collect();
    if total > i64::try_from(items.len()).unwrap_or(i64::MAX) {
        items.push(format!("… ve {} talep daha", total - items.len() as i64));
    }
    let letter = Letter {
        subject: format!("İnceleme bekleyen talepler: {total}"),
        paragraphs: vec![format!(
            "İnceleme kuyruğunda {total} talep bekliyor. Bu özet saatte en çok bir kez gönderilir; \
             hesabınızdaki e-posta ayarlarından kapatabilirsiniz."
        )],
        items,
        link: Some((
            "İnceleme kuyruğunu açın".into(),
            format!("{base}{}", crate::paths::review_tab("submitted")),
        )),
    };
    let (text, html) = crate::mailer::render(&letter)?;
    let due = hour_of(now).1;
    for (user, email) in db::outbox::users_with_role(conn, Role::Reviewer, None)? {
        if !db::outbox::wants_digest(conn, user)? {
            continue;
        }
        let key = digest_key(user, now);
        match db::outbox::by_key(conn, &key)? {
            Some((id, false)) => db::outbox::rewrite(conn, id, &letter.subject, &text, &html)?,
            Some((_, true)) => {}
            None => {
                let q = Queued {
                    to: &email,
                    kind: "digest",
                    request_id: None,
                    dedupe_key: Some(&key),
                    due: Some(due),
                };
                queue(conn, &q, &letter, now)?;
            }
        }
    }
    Ok(())
}

// ------------------------------------------------------------ delivery

/// Claims up to `limit` due rows for this worker, leased for
/// [`LEASE_MINUTES`].
pub fn claim_due(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    limit: i64,
) -> ServiceResult<Vec<Mail>> {
    let lease = now + Duration::minutes(LEASE_MINUTES);
    db::transaction(conn, |conn| Ok(db::outbox::claim(conn, now, lease, limit)?))
}

/// Records how sending a claimed row went: sent, retried later (backoff),
/// or failed for good.
pub fn record_result(
    conn: &mut AnyConnection,
    mail: &Mail,
    result: Result<(), crate::mailer::SendError>,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    db::transaction(conn, |conn| {
        match result {
            Ok(()) => {
                db::outbox::mark_sent(conn, mail.id, now)?;
            }
            Err(e) => {
                let attempts = mail.attempts + 1;
                let next = if e.permanent {
                    None
                } else {
                    after_failure(attempts, now)
                };
                let error: String = e.message.chars().take(500).collect();
                let failed = next.is_none().then_some(now);
                db::outbox::mark_attempt_failed(
                    conn,
                    mail.id,
                    &error,
                    next.unwrap_or(now),
                    failed,
                )?;
            }
        }
        Ok(())
    })
}

/// What the admin page shows.
pub struct Overview {
    pub pending: i64,
    pub failed: i64,
    pub pending_rows: Vec<MailRow>,
    pub failed_rows: Vec<MailRow>,
}

pub fn overview(conn: &mut AnyConnection) -> ServiceResult<Overview> {
    Ok(Overview {
        pending: db::outbox::count_unsent(conn, false)?,
        failed: db::outbox::count_unsent(conn, true)?,
        pending_rows: db::outbox::unsent(conn, false, 100)?,
        failed_rows: db::outbox::unsent(conn, true, 100)?,
    })
}

/// Puts a failed message back in the queue ("Yeniden gönder"), audited.
pub fn resend(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i32,
    now: NaiveDateTime,
) -> ServiceResult<bool> {
    db::transaction(conn, |conn| {
        if !db::outbox::retry(conn, id, now)? {
            return Ok(false);
        }
        audit(
            conn,
            actor,
            AuditAction::MailResend,
            &format!("outbox:{id}"),
            "",
            now,
        )?;
        Ok(true)
    })
}

// ------------------------------------------------------------ preferences

/// The messages a user receives, in Turkish, with whether the reviewers'
/// digest is on (`None`: not a reviewer).
pub struct MyMail {
    pub lines: Vec<&'static str>,
    pub digest: Option<bool>,
}

pub fn my_mail(conn: &mut AnyConnection, actor: &Actor) -> ServiceResult<MyMail> {
    let mut lines = Vec::new();
    if actor.has(Role::Officer) {
        lines.push("Biriminizin talepleri onaylandığında, iade edildiğinde (notuyla) ve reddedildiğinde (gerekçesiyle).");
    }
    let mut digest = None;
    if actor.has(Role::Reviewer) {
        lines.push("İnceleme bekleyen yeni talepler: saatte en çok bir özet (kapatılabilir).");
        if let Some(id) = actor.id {
            digest = Some(db::outbox::wants_digest(conn, id)?);
        }
    }
    if actor.has(Role::Staff) {
        lines.push("Kendi mobil imzanızla ilgili her adım: Kamu SM'ye iletilme, NES SMS beklemesi, üretim, etkinleştirme, geçersiz kılma, süre dolumu ve 90/30/7 gün kala hatırlatmalar (kapatılamaz).");
    } else if actor.has(Role::Officer) {
        lines.push(
            "Biriminizdeki mobil imzaların süre dolumuna 90, 30 ve 7 gün kala hatırlatmalar.",
        );
    }
    lines.push("Parola sıfırlama bağlantısı: yalnızca siz istediğinizde.");
    Ok(MyMail { lines, digest })
}

/// Turns the actor's reviewer digest on or off, audited.
pub fn set_digest(
    conn: &mut AnyConnection,
    actor: &Actor,
    on: bool,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    let Some(id) = actor.id else {
        return Ok(());
    };
    db::transaction(conn, |conn| {
        db::outbox::set_digest(conn, id, on)?;
        let detail = if on { "açık" } else { "kapalı" };
        audit(
            conn,
            actor,
            AuditAction::MailDigestSetting,
            &actor.email,
            detail,
            now,
        )
    })
}
