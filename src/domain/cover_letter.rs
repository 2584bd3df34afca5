//! The cover letter ("üst yazı") with which an officer sends the e-İmza
//! Şefliği the operator documents of several requests of one unit: its
//! bounds, the unit's letter settings and their defaults, the sayı, and the
//! fixed wording of official correspondence (Resmî Yazışma Yönetmeliği:
//! heading, muhatap, body, signature block, "Ek:").

use chrono::{Duration, NaiveDate};

use super::text::{Line, upper_tr};
use super::time::parse_day;
use super::unit::UnitKind;

/// Most requests one letter carries.
pub const MAX_REQUESTS: usize = 100;
pub const DEFAULT_SUBJECT: &str = "Mobil İmza operatör evrakı";
pub const DEFAULT_DOCUMENTS: &str = "İmzalı operatör başvuru evrakı";
/// The muhatap line, centred under the subject.
pub const ADDRESSEE: &str = "e-İmza Şefliğine";
pub const CLOSING: &str = "Bilgilerinizi ve gereğini rica ederim.";
/// How many days back a letter may be dated.
pub const MAX_DAYS_BACK: i64 = 30;
const MAX_HEADING_LINES: usize = 5;
const MAX_LINE: usize = 100;
const MAX_PREFIX: usize = 40;
const MAX_NUMBER: usize = 60;
const MAX_SUBJECT: usize = 200;

/// A unit's letter settings as an admin saved them; an empty value means
/// "the default" (see [`letterhead`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LetterSettings {
    pub heading: Vec<String>,
    pub signer_name: String,
    pub signer_title: String,
    pub number_prefix: String,
}

/// A field error of the settings: (field, Turkish message).
pub type FieldError = (&'static str, String);

/// An optional one-line field: empty is allowed.
fn optional_line(raw: &str, label: &str, max: usize) -> Result<String, String> {
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    Line::parse(raw, label, max).map(Line::into_string)
}

impl LetterSettings {
    /// Reads the unit form's fields: the heading one line per row (blank
    /// rows dropped, at most 5 of 100 characters), the others one line each.
    pub fn parse(
        heading: &str,
        signer_name: &str,
        signer_title: &str,
        number_prefix: &str,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut lines = Vec::new();
        for row in heading.lines().filter(|l| !l.trim().is_empty()) {
            match Line::parse(row, "Başlığın her satırı", MAX_LINE) {
                Ok(l) => lines.push(l.into_string()),
                Err(m) => errors.push(("letter_heading", m)),
            }
        }
        if lines.len() > MAX_HEADING_LINES {
            errors.push((
                "letter_heading",
                format!("Başlık en fazla {MAX_HEADING_LINES} satır olabilir."),
            ));
        }
        let mut one = |field, raw, label, max| {
            optional_line(raw, label, max).unwrap_or_else(|m| {
                errors.push((field, m));
                String::new()
            })
        };
        let signer_name = one("signer_name", signer_name, "İmza sahibinin adı", MAX_LINE);
        let signer_title = one(
            "signer_title",
            signer_title,
            "İmza sahibinin unvanı",
            MAX_LINE,
        );
        let number_prefix = one("number_prefix", number_prefix, "Sayı öneki", MAX_PREFIX);
        if !errors.is_empty() {
            errors.truncate(4);
            return Err(errors);
        }
        Ok(Self {
            heading: lines,
            signer_name,
            signer_title,
            number_prefix,
        })
    }

    /// The heading as stored: its lines joined by line breaks.
    pub fn heading_text(&self) -> String {
        self.heading.join("\n")
    }

    /// From the stored columns.
    pub fn stored(heading: &str, signer_name: &str, signer_title: &str, prefix: &str) -> Self {
        Self {
            heading: heading
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect(),
            signer_name: signer_name.to_owned(),
            signer_title: signer_title.to_owned(),
            number_prefix: prefix.to_owned(),
        }
    }
}

/// The unit a letter is written for, as the defaults need it.
#[derive(Debug, Clone)]
pub struct UnitFacts<'a> {
    pub id: i32,
    pub name: &'a str,
    pub kind: Option<UnitKind>,
    pub province: &'a str,
}

/// What a letter prints for its unit: the settings with the defaults
/// filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letterhead {
    pub heading: Vec<String>,
    /// May stay empty: the signer then signs above the title by hand.
    pub signer_name: String,
    pub signer_title: String,
    pub number_prefix: String,
}

/// A governorship or district governorship heads its letters itself; a
/// directorate or office sits under its province's governorship.
pub fn default_heading(unit: &UnitFacts<'_>) -> Vec<String> {
    match unit.kind {
        Some(UnitKind::Valilik | UnitKind::Kaymakamlik) => {
            vec!["T.C.".into(), upper_tr(unit.name)]
        }
        _ => vec![
            "T.C.".into(),
            upper_tr(&format!("{} Valiliği", unit.province)),
            unit.name.to_owned(),
        ],
    }
}

pub fn default_signer_title(kind: Option<UnitKind>) -> &'static str {
    match kind {
        Some(UnitKind::Valilik) => "Vali a.",
        Some(UnitKind::Kaymakamlik) => "Kaymakam",
        Some(UnitKind::IlMudurlugu) => "İl Müdürü",
        Some(UnitKind::IlceMudurlugu) => "İlçe Müdürü",
        Some(UnitKind::Birim) | None => "Birim Amiri",
    }
}

/// "MİTP-3": Mobil İmza Talep Portalı, unit 3.
pub fn default_prefix(unit_id: i32) -> String {
    format!("MİTP-{unit_id}")
}

pub fn letterhead(settings: &LetterSettings, unit: &UnitFacts<'_>) -> Letterhead {
    let or = |v: &str, d: String| if v.is_empty() { d } else { v.to_owned() };
    Letterhead {
        heading: if settings.heading.is_empty() {
            default_heading(unit)
        } else {
            settings.heading.clone()
        },
        signer_name: settings.signer_name.clone(),
        signer_title: or(
            &settings.signer_title,
            default_signer_title(unit.kind).into(),
        ),
        number_prefix: or(&settings.number_prefix, default_prefix(unit.id)),
    }
}

/// The sayı: the unit's prefix and its running number of the year.
pub fn number(prefix: &str, seq: i32) -> String {
    format!("{prefix}-{seq}")
}

pub fn parse_number(raw: &str) -> Result<String, String> {
    Line::parse(raw, "Sayı", MAX_NUMBER).map(Line::into_string)
}

pub fn parse_subject(raw: &str) -> Result<String, String> {
    Line::parse(raw, "Konu", MAX_SUBJECT).map(Line::into_string)
}

pub fn parse_documents(raw: &str) -> Result<String, String> {
    Line::parse(raw, "Gönderilen evrak", MAX_SUBJECT).map(Line::into_string)
}

/// The letter's date: today or up to [`MAX_DAYS_BACK`] days before (a
/// letter signed on paper may be recorded a little later), never ahead.
pub fn parse_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let day = parse_day(raw).ok_or("Tarihi gg.aa.yyyy biçiminde girin.")?;
    if day > today {
        return Err("Yazının tarihi ileri bir gün olamaz.".into());
    }
    if day < today - Duration::days(MAX_DAYS_BACK) {
        return Err(format!(
            "Yazının tarihi en fazla {MAX_DAYS_BACK} gün öncesi olabilir."
        ));
    }
    Ok(day)
}

/// One to [`MAX_REQUESTS`] requests.
pub fn check_count(n: usize) -> Result<(), String> {
    match n {
        0 => Err("Üst yazıya eklenecek en az bir talep seçin.".into()),
        n if n > MAX_REQUESTS => Err(format!(
            "Bir üst yazıda en fazla {MAX_REQUESTS} talep olabilir; {n} seçildi."
        )),
        _ => Ok(()),
    }
}

/// The body paragraph above the list of staff.
pub fn body(count: usize) -> String {
    format!(
        "Birimimiz personelinden aşağıda bilgileri yazılı {count} kişinin Mobil İmza \
         başvurusuna ait operatör evrakı ekte gönderilmektedir."
    )
}

/// The one line of the "Ek:" list.
pub fn attachment(documents: &str, count: usize) -> String {
    format!("{documents} ({count} kişi)")
}

/// A letter's date as printed: `23.11.2026`.
pub fn format_date(day: NaiveDate) -> String {
    day.format("%d.%m.%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("day")
    }

    fn unit(kind: UnitKind) -> UnitFacts<'static> {
        UnitFacts {
            id: 3,
            name: "Çankaya Kaymakamlığı",
            kind: Some(kind),
            province: "Ankara",
        }
    }

    #[test]
    fn defaults_fill_what_the_admin_left_empty() {
        let empty = LetterSettings::default();
        let head = letterhead(&empty, &unit(UnitKind::Kaymakamlik));
        assert_eq!(head.heading, vec!["T.C.", "ÇANKAYA KAYMAKAMLIĞI"]);
        assert_eq!(head.signer_title, "Kaymakam");
        assert_eq!(head.signer_name, "");
        assert_eq!(head.number_prefix, "MİTP-3");
        let office = UnitFacts {
            name: "Bilgi İşlem Şubesi",
            ..unit(UnitKind::Birim)
        };
        assert_eq!(
            letterhead(&empty, &office).heading,
            vec!["T.C.", "ANKARA VALİLİĞİ", "Bilgi İşlem Şubesi"]
        );
        let set = LetterSettings {
            heading: vec!["T.C.".into(), "IĞDIR VALİLİĞİ".into()],
            signer_name: "Şükrü Işık".into(),
            signer_title: "Vali Yardımcısı".into(),
            number_prefix: "E-12345678-010.06".into(),
        };
        let head = letterhead(&set, &unit(UnitKind::Valilik));
        assert_eq!(head.heading, set.heading);
        assert_eq!(head.signer_title, "Vali Yardımcısı");
        assert_eq!(number(&head.number_prefix, 7), "E-12345678-010.06-7");
    }

    #[test]
    fn settings_are_read_line_by_line_and_bounded() {
        let s = LetterSettings::parse(" T.C. \n\n  İZMİR   VALİLİĞİ\r\n", "", " Vali a. ", "")
            .expect("valid");
        assert_eq!(s.heading, vec!["T.C.", "İZMİR VALİLİĞİ"]);
        assert_eq!(s.signer_title, "Vali a.");
        assert_eq!(s.heading_text(), "T.C.\nİZMİR VALİLİĞİ");
        assert_eq!(
            LetterSettings::stored(&s.heading_text(), "", "Vali a.", ""),
            s
        );
        let six = "a\nb\nc\nd\ne\nf";
        let errors = LetterSettings::parse(six, "", "", &"x".repeat(41)).expect_err("bounds");
        assert_eq!(errors[0].0, "letter_heading");
        assert!(errors[0].1.contains("5 satır"), "{:?}", errors);
        assert_eq!(errors[1].0, "number_prefix");
        let bidi = LetterSettings::parse("", "Ali \u{202E}ilev", "", "").expect_err("bidi");
        assert_eq!(bidi[0].0, "signer_name");
    }

    #[test]
    fn a_letter_is_dated_today_or_up_to_30_days_back() {
        let today = day(2026, 11, 23);
        assert_eq!(parse_date("2026-11-23", today), Ok(today));
        assert_eq!(parse_date("24.10.2026", today), Ok(day(2026, 10, 24)));
        assert!(parse_date("2026-10-23", today).is_err());
        assert_eq!(
            parse_date("2026-11-24", today),
            Err("Yazının tarihi ileri bir gün olamaz.".into())
        );
        assert!(parse_date("dün", today).is_err());
        assert_eq!(format_date(today), "23.11.2026");
    }

    #[test]
    fn one_to_a_hundred_requests_and_bounded_texts() {
        assert!(check_count(0).is_err());
        assert!(check_count(1).is_ok() && check_count(100).is_ok());
        assert_eq!(
            check_count(101),
            Err("Bir üst yazıda en fazla 100 talep olabilir; 101 seçildi.".into())
        );
        assert_eq!(
            parse_subject("  Mobil İmza  evrakı "),
            Ok("Mobil İmza evrakı".into())
        );
        assert!(parse_subject(" ").is_err());
        assert!(parse_subject(&"ş".repeat(201)).is_err());
        assert!(parse_number(&"1".repeat(61)).is_err());
        assert!(parse_number("E-1\n2").is_err());
        assert_eq!(
            attachment(DEFAULT_DOCUMENTS, 3),
            "İmzalı operatör başvuru evrakı (3 kişi)"
        );
        assert!(body(3).contains("3 kişinin Mobil İmza"));
    }
}
