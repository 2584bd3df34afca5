//! The audit trail's vocabulary: every action the portal records, with its
//! stable code (stored in `audit_log.action`) and its Turkish label, and how
//! a stored target (`staff:5`) reads ("Personel #5"). Codes are written only
//! through [`AuditAction`], so an action without a label does not compile.

use crate::domain::billing::BillingMonth;
use crate::domain::staff::{LineType, Operator};
use crate::domain::workflow::Action;

/// What an audit row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    LoginSuccess,
    LoginFailed,
    LoginThrottled,
    Logout,
    PasswordChanged,
    UserCreated,
    UserUpdated,
    UnitCreated,
    UnitUpdated,
    StaffCreated,
    StaffUpdated,
    ImportUploaded,
    ImportCommitted,
    ContactChanged,
    RequestCreated,
    /// A step of the request state machine (`request.approve`, …).
    Request(Action),
    BatchExport,
    BillingRun,
    BillingClose,
    BillingExport,
    FeeInvoice,
    FeesExport,
    ExpiringExport,
    SettingsUpdated,
    RatesAdded,
    DemoSeeded,
    /// The first row of the hash chain, sealing the rows written before it.
    ChainSealed,
    AuditExport,
    /// An officer revealed a staff member's full T.C. number ("Göster").
    TcknShown,
    /// `mobilimza anonymise` ran (KVKK retention).
    KvkkAnonymised,
    PasswordResetRequested,
    PasswordResetUnknown,
    PasswordResetThrottled,
    PasswordReset,
    MailDigestSetting,
    MailResend,
    /// "İstek bildir": a thread opened, a message written, a reviewer took
    /// it, it was closed.
    ThreadOpened,
    ThreadReplied,
    ThreadAssigned,
    ThreadClosed,
    /// An officer's cover letter (üst yazı) for several requests.
    CoverLetterCreated,
    CoverLetterPdf,
    /// An operator's bill compared with a month's billing lines and stored.
    BillReconciled,
    BillReconciliationExport,
}

/// The actions with a fixed code (all but [`AuditAction::Request`]).
const FIXED: [(AuditAction, &str, &str); 43] = [
    (
        AuditAction::PasswordResetRequested,
        "password.reset_requested",
        "Parola sıfırlama bağlantısı istendi",
    ),
    (
        AuditAction::PasswordResetUnknown,
        "password.reset_unknown",
        "Parola sıfırlama: kayıtlı olmayan adres",
    ),
    (
        AuditAction::PasswordResetThrottled,
        "password.reset_throttled",
        "Parola sıfırlama engellendi (çok fazla istek)",
    ),
    (
        AuditAction::PasswordReset,
        "password.reset",
        "Parola sıfırlandı",
    ),
    (
        AuditAction::MailDigestSetting,
        "mail.digest",
        "E-posta özeti tercihi değişti",
    ),
    (
        AuditAction::MailResend,
        "mail.resend",
        "E-posta yeniden gönderime alındı",
    ),
    (
        AuditAction::ThreadOpened,
        "thread.opened",
        "Bildirim açıldı",
    ),
    (
        AuditAction::ThreadReplied,
        "thread.replied",
        "Bildirime mesaj yazıldı",
    ),
    (
        AuditAction::ThreadAssigned,
        "thread.assigned",
        "Bildirim üstlenildi",
    ),
    (
        AuditAction::ThreadClosed,
        "thread.closed",
        "Bildirim kapatıldı",
    ),
    (
        AuditAction::TcknShown,
        "staff.tckn_shown",
        "Tam T.C. kimlik no gösterildi",
    ),
    (
        AuditAction::KvkkAnonymised,
        "kvkk.anonymised",
        "KVKK: kayıtlar anonimleştirildi",
    ),
    (AuditAction::LoginSuccess, "login.success", "Oturum açıldı"),
    (
        AuditAction::LoginFailed,
        "login.failed",
        "Başarısız giriş denemesi",
    ),
    (
        AuditAction::LoginThrottled,
        "login.throttled",
        "Giriş engellendi (çok fazla deneme)",
    ),
    (AuditAction::Logout, "logout", "Oturum kapatıldı"),
    (
        AuditAction::PasswordChanged,
        "password.changed",
        "Parola değiştirildi",
    ),
    (
        AuditAction::UserCreated,
        "user.created",
        "Kullanıcı oluşturuldu",
    ),
    (
        AuditAction::UserUpdated,
        "user.updated",
        "Kullanıcı güncellendi",
    ),
    (
        AuditAction::UnitCreated,
        "unit.created",
        "Birim oluşturuldu",
    ),
    (
        AuditAction::UnitUpdated,
        "unit.updated",
        "Birim güncellendi",
    ),
    (
        AuditAction::StaffCreated,
        "staff.created",
        "Personel kaydı oluşturuldu",
    ),
    (
        AuditAction::StaffUpdated,
        "staff.updated",
        "Personel kaydı güncellendi",
    ),
    (
        AuditAction::ImportUploaded,
        "import.uploaded",
        "Personel listesi yüklendi",
    ),
    (
        AuditAction::ImportCommitted,
        "import.committed",
        "Personel listesi içe aktarıldı",
    ),
    (
        AuditAction::ContactChanged,
        "contact.changed",
        "Hat/iletişim bilgisi değişti",
    ),
    (
        AuditAction::RequestCreated,
        "request.create",
        "Talep oluşturuldu",
    ),
    (
        AuditAction::BatchExport,
        "batch.export",
        "Kamu SM listesi indirildi",
    ),
    (
        AuditAction::BillingRun,
        "billing.run",
        "Aylık ücretler hesaplandı",
    ),
    (AuditAction::BillingClose, "billing.close", "Ay kapatıldı"),
    (
        AuditAction::BillingExport,
        "export.billing",
        "Aylık ücretler dışa aktarıldı",
    ),
    (
        AuditAction::FeeInvoice,
        "fee.invoice",
        "Fatura/ödeme bilgisi işlendi",
    ),
    (
        AuditAction::FeesExport,
        "export.fees",
        "Sertifika ücretleri dışa aktarıldı",
    ),
    (
        AuditAction::ExpiringExport,
        "export.expiring",
        "Süresi dolacaklar listesi dışa aktarıldı",
    ),
    (
        AuditAction::SettingsUpdated,
        "settings.updated",
        "Ayarlar değiştirildi",
    ),
    (
        AuditAction::RatesAdded,
        "rates.added",
        "Ücret tablosuna dönem eklendi",
    ),
    (
        AuditAction::DemoSeeded,
        "demo.seeded",
        "Demo verisi yüklendi",
    ),
    (
        AuditAction::ChainSealed,
        "audit.sealed",
        "Denetim zinciri başlatıldı",
    ),
    (
        AuditAction::AuditExport,
        "export.audit",
        "Denetim kaydı dışa aktarıldı",
    ),
    (
        AuditAction::CoverLetterCreated,
        "cover_letter.created",
        "Üst yazı oluşturuldu",
    ),
    (
        AuditAction::CoverLetterPdf,
        "cover_letter.pdf",
        "Üst yazı PDF olarak indirildi",
    ),
    (
        AuditAction::BillReconciled,
        "bill.reconciled",
        "Operatör faturası karşılaştırıldı",
    ),
    (
        AuditAction::BillReconciliationExport,
        "export.bill_reconciliation",
        "Operatör faturası mutabakatı dışa aktarıldı",
    ),
];

const REQUEST_PREFIX: &str = "request.";

impl AuditAction {
    /// Every action, in the order the viewer's filter lists them.
    pub fn all() -> Vec<AuditAction> {
        let mut out: Vec<AuditAction> = FIXED.iter().map(|(a, _, _)| *a).collect();
        out.extend(Action::ALL.into_iter().map(AuditAction::Request));
        out
    }

    /// The code stored in `audit_log.action`.
    pub fn code(self) -> String {
        match self {
            AuditAction::Request(a) => format!("{REQUEST_PREFIX}{}", a.code()),
            fixed => FIXED
                .iter()
                .find(|(a, _, _)| *a == fixed)
                .map_or_else(String::new, |(_, code, _)| (*code).to_owned()),
        }
    }

    /// What the action was, in Turkish.
    pub fn label(self) -> String {
        match self {
            AuditAction::Request(a) => format!("Talep: {}", a.label()),
            fixed => FIXED
                .iter()
                .find(|(a, _, _)| *a == fixed)
                .map_or_else(String::new, |(_, _, label)| (*label).to_owned()),
        }
    }

    pub fn from_code(code: &str) -> Option<AuditAction> {
        if let Some((a, _, _)) = FIXED.iter().find(|(_, c, _)| *c == code) {
            return Some(*a);
        }
        code.strip_prefix(REQUEST_PREFIX)
            .and_then(Action::from_code)
            .map(AuditAction::Request)
    }
}

/// The Turkish label of a stored action code; a code this version does not
/// know (none should exist) is shown as stored.
pub fn action_label(code: &str) -> String {
    AuditAction::from_code(code).map_or_else(|| code.to_owned(), AuditAction::label)
}

/// What an audit row is about, parsed from its stored `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Request(i32),
    Staff(i32),
    User(i32),
    Unit(i32),
    Batch(i32),
    Import(i32),
    /// An "İstek bildir" thread.
    Thread(i32),
    CoverLetter(i32),
    /// Certificate-fee lines (an invoice recorded on several).
    Fees(Vec<i32>),
    /// A billing month.
    Month(BillingMonth),
    /// A stored operator bill reconciliation.
    Bill(i32),
    /// Anything else: an e-mail address (logins), a file type, a setting.
    Text(String),
}

/// The target string of a record: `request:5`.
pub fn target(kind: &str, id: i32) -> String {
    format!("{kind}:{id}")
}

/// The target string of several fee lines: `fees:1,2,3`.
pub fn fees_target(ids: &[i32]) -> String {
    let ids: Vec<String> = ids.iter().map(i32::to_string).collect();
    format!("fees:{}", ids.join(","))
}

impl Target {
    pub fn parse(raw: &str) -> Target {
        let id = |s: &str| s.parse::<i32>().ok();
        let record = raw.split_once(':').and_then(|(kind, rest)| {
            Some(match kind {
                "request" => Target::Request(id(rest)?),
                "staff" => Target::Staff(id(rest)?),
                "user" => Target::User(id(rest)?),
                "unit" => Target::Unit(id(rest)?),
                "batch" => Target::Batch(id(rest)?),
                "import" => Target::Import(id(rest)?),
                "thread" => Target::Thread(id(rest)?),
                "cover_letter" => Target::CoverLetter(id(rest)?),
                "bill" => Target::Bill(id(rest)?),
                // Rows written before the targets were tidied: `fees:[1, 2]`.
                "fees" => Target::Fees(
                    rest.trim_matches(['[', ']'])
                        .split(',')
                        .map(|s| id(s.trim()))
                        .collect::<Option<Vec<_>>>()?,
                ),
                _ => return None,
            })
        });
        if let Some(t) = record {
            return t;
        }
        let is_month = raw.len() == 7 && raw.as_bytes().get(4) == Some(&b'-');
        match BillingMonth::parse(raw) {
            Ok(m) if is_month => Target::Month(m),
            _ => Target::Text(raw.to_owned()),
        }
    }

    /// How the viewer names the target: "Personel #5".
    pub fn label(&self) -> String {
        let ids = |ids: &[i32]| {
            ids.iter()
                .map(|i| format!("#{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Target::Request(i) => format!("Talep #{i}"),
            Target::Staff(i) => format!("Personel #{i}"),
            Target::User(i) => format!("Kullanıcı #{i}"),
            Target::Unit(i) => format!("Birim #{i}"),
            Target::Batch(i) => format!("Kamu SM partisi #{i}"),
            Target::Import(i) => format!("Personel listesi yüklemesi #{i}"),
            Target::Thread(i) => format!("Bildirim #{i}"),
            Target::CoverLetter(i) => format!("Üst yazı #{i}"),
            Target::Fees(list) if list.len() == 1 => format!("Ücret satırı {}", ids(list)),
            Target::Fees(list) => format!("Ücret satırları {}", ids(list)),
            Target::Month(m) => format!("Aylık ücretler, {}", m.label()),
            Target::Bill(i) => format!("Operatör faturası mutabakatı #{i}"),
            Target::Text(t) => text_label(t),
        }
    }
}

/// Fixed targets that are codes: settings, rate tables, the database.
fn text_label(raw: &str) -> String {
    let operator = |c: &str| Operator::from_code(c).map(Operator::label);
    let parts: Vec<&str> = raw.split(':').collect();
    let named = match parts.as_slice() {
        ["nes_hold"] => Some("NES SMS beklemesi".to_owned()),
        ["database"] => Some("Veritabanı".to_owned()),
        ["audit_log"] => Some("Denetim kaydı".to_owned()),
        ["kdv"] => Some("KDV genel oranı".to_owned()),
        ["sertifika", o] => operator(o).map(|o| format!("Sertifika ücreti — {o}")),
        ["aylik", o, l] => operator(o)
            .zip(LineType::from_code(l).map(LineType::label))
            .map(|(o, l)| format!("Aylık ücret — {o} {l}")),
        ["csv" | "xlsx"] => Some(format!("{} dosyası", raw.to_uppercase())),
        _ => None,
    };
    named.unwrap_or_else(|| raw.to_owned())
}

/// `yok` for an empty list, else the items joined with commas.
pub fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "yok".to_owned()
    } else {
        items.join(", ")
    }
}

/// `Ad: eski → yeni` when the value changed, else `None`.
pub fn change(name: &str, old: &str, new: &str) -> Option<String> {
    (old != new).then(|| format!("{name}: {old} → {new}"))
}

/// `Roller: eski → yeni`, or `Roller: aynı (değişmedi)`: for the values a
/// change must always show.
pub fn change_or_same(name: &str, old: &str, new: &str) -> String {
    change(name, old, new).unwrap_or_else(|| format!("{name}: {new} (değişmedi)"))
}

/// `etkin` / `pasif`.
pub fn active_label(active: bool) -> &'static str {
    if active { "etkin" } else { "pasif" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_action_has_a_unique_code_and_a_turkish_label() {
        let all = AuditAction::all();
        assert_eq!(all.len(), FIXED.len() + Action::ALL.len());
        let mut codes = HashSet::new();
        let mut labels = HashSet::new();
        for a in all {
            let code = a.code();
            assert!(!code.is_empty(), "{a:?}");
            assert!(codes.insert(code.clone()), "duplicate code {code}");
            assert_eq!(AuditAction::from_code(&code), Some(a), "{code}");
            let label = a.label();
            assert!(!label.is_empty() && label != code, "{a:?}");
            assert!(labels.insert(label.clone()), "duplicate label {label}");
        }
    }

    #[test]
    fn stored_codes_read_as_turkish() {
        assert_eq!(action_label("login.success"), "Oturum açıldı");
        assert_eq!(
            action_label("request.invalidate"),
            "Talep: Geçersiz kılındı"
        );
        assert_eq!(action_label("request.create"), "Talep oluşturuldu");
        assert_eq!(action_label("bilinmeyen.kod"), "bilinmeyen.kod");
    }

    #[test]
    fn targets_read_as_turkish() {
        let cases = [
            ("staff:5", "Personel #5"),
            ("request:12", "Talep #12"),
            ("user:3", "Kullanıcı #3"),
            ("unit:7", "Birim #7"),
            ("batch:2", "Kamu SM partisi #2"),
            ("import:4", "Personel listesi yüklemesi #4"),
            ("thread:6", "Bildirim #6"),
            ("cover_letter:2", "Üst yazı #2"),
            ("bill:3", "Operatör faturası mutabakatı #3"),
            ("fees:1,2", "Ücret satırları #1, #2"),
            ("fees:[1, 2]", "Ücret satırları #1, #2"),
            ("fees:9", "Ücret satırı #9"),
            ("2026-10", "Aylık ücretler, Ekim 2026"),
            ("nes_hold", "NES SMS beklemesi"),
            ("audit_log", "Denetim kaydı"),
            ("kdv", "KDV genel oranı"),
            ("sertifika:turkcell", "Sertifika ücreti — Turkcell"),
            ("csv", "CSV dosyası"),
            ("ayse@kurum.gov.tr", "ayse@kurum.gov.tr"),
            ("staff:x", "staff:x"),
        ];
        for (raw, want) in cases {
            assert_eq!(Target::parse(raw).label(), want, "{raw}");
        }
        assert_eq!(fees_target(&[1, 2, 3]), "fees:1,2,3");
        assert_eq!(Target::parse(&target("staff", 5)), Target::Staff(5));
    }

    #[test]
    fn changes_name_old_and_new() {
        assert_eq!(change("Ad", "A", "B").as_deref(), Some("Ad: A → B"));
        assert_eq!(change("Ad", "A", "A"), None);
        assert_eq!(
            change_or_same("Roller", "Yönetici", "Yönetici"),
            "Roller: Yönetici (değişmedi)"
        );
        assert_eq!(list_or_none(&[]), "yok");
    }
}
