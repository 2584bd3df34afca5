//! The information pages ("Bilgilendirme"): which reader a page is for, and
//! the e-İmza Şefliği's contact details that admins keep current. The pages'
//! text lives in the templates; the figures on them (hold length, fees) come
//! from the settings and rate tables of the day.

use super::email::Email;
use super::role::Role;
use super::text::Line;

/// Who an information page is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Staff,
    Officer,
    Reviewer,
    Finance,
}

impl Audience {
    pub const ALL: [Audience; 4] = [
        Audience::Staff,
        Audience::Officer,
        Audience::Reviewer,
        Audience::Finance,
    ];

    /// The last segment of the page's address.
    pub fn slug(self) -> &'static str {
        match self {
            Audience::Staff => "personel",
            Audience::Officer => "proje-sorumlusu",
            Audience::Reviewer => "e-imza-sefligi",
            Audience::Finance => "mali-isler",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Audience> {
        Self::ALL.into_iter().find(|a| a.slug() == slug)
    }

    /// The page's heading.
    pub fn title(self) -> &'static str {
        match self {
            Audience::Staff => "Mobil imza sahibi personel için",
            Audience::Officer => "Proje sorumluları için",
            Audience::Reviewer => "e-İmza Şefliği için",
            Audience::Finance => "Mali işler için",
        }
    }

    /// The page written for an account's role, if any (admins have none).
    pub fn of_role(role: Role) -> Option<Audience> {
        match role {
            Role::Staff => Some(Audience::Staff),
            Role::Officer => Some(Audience::Officer),
            Role::Reviewer => Some(Audience::Reviewer),
            Role::Finance => Some(Audience::Finance),
            Role::Admin => None,
        }
    }
}

/// The e-İmza Şefliği's contact details as shown on every information page.
/// Empty fields are not shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfficeContact {
    /// The office's name as people know it ("e-İmza Şefliği").
    pub name: String,
    pub phone: String,
    pub email: String,
    /// The KEP address operator documents and cover letters go to.
    pub kep: String,
    /// Postal address for documents sent by cover letter (üst yazı).
    pub address: String,
    /// Working hours or other notes ("Hafta içi 08.30–17.30").
    pub hours: String,
}

/// The longest address and note; other fields are one short line.
pub const LONG_FIELD: usize = 300;
pub const SHORT_FIELD: usize = 120;

impl OfficeContact {
    /// The fields as typed, validated: field name → Turkish message for each
    /// field that is wrong. Every field but the name may stay empty.
    pub fn parse(raw: &OfficeContact) -> Result<OfficeContact, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let mut line = |field: &'static str, value: &str, label: &str, max: usize| {
            let value = value.trim();
            if value.is_empty() {
                return String::new();
            }
            match Line::parse(value, label, max) {
                Ok(l) => l.into_string(),
                Err(m) => {
                    errors.push((field, m));
                    String::new()
                }
            }
        };
        let name = line("name", &raw.name, "Birim adı", SHORT_FIELD);
        let phone = line("phone", &raw.phone, "Telefon", 60);
        let address = line("address", &raw.address, "Posta adresi", LONG_FIELD);
        let hours = line("hours", &raw.hours, "Çalışma saatleri", LONG_FIELD);
        let email = line("email", &raw.email, "E-posta", SHORT_FIELD);
        let kep = line("kep", &raw.kep, "KEP adresi", SHORT_FIELD);
        if name.is_empty() && !errors.iter().any(|(f, _)| *f == "name") {
            errors.push(("name", "Birim adını yazın (örn. e-İmza Şefliği).".into()));
        }
        if !phone.is_empty()
            && !phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +()-/".contains(c) || c.is_alphabetic())
        {
            errors.push((
                "phone",
                "Telefon yalnızca rakam, boşluk, +, ( ) ve - içerebilir (dahili için \"dahili 1234\" yazabilirsiniz).".into(),
            ));
        }
        let address_of = |value: &str| -> Result<String, String> {
            if value.is_empty() {
                return Ok(String::new());
            }
            Email::parse(value)
                .map(|e| e.as_str().to_owned())
                .map_err(str::to_owned)
        };
        let email = match address_of(&email) {
            Ok(e) => e,
            Err(m) => {
                errors.push(("email", m));
                String::new()
            }
        };
        let kep = match address_of(&kep) {
            Ok(k) => k,
            Err(_) => {
                errors.push((
                    "kep",
                    "Geçerli bir KEP adresi girin (örn. kurum@hs01.kep.tr).".into(),
                ));
                String::new()
            }
        };
        if errors.is_empty() {
            Ok(OfficeContact {
                name,
                phone,
                email,
                kep,
                address,
                hours,
            })
        } else {
            Err(errors)
        }
    }

    /// Whether anything beyond the name was given.
    pub fn is_blank(&self) -> bool {
        [
            &self.phone,
            &self.email,
            &self.kep,
            &self.address,
            &self.hours,
        ]
        .iter()
        .all(|f| f.is_empty())
    }

    /// What the pages show before an admin has entered anything.
    pub fn unset() -> OfficeContact {
        OfficeContact {
            name: "e-İmza Şefliği".into(),
            ..OfficeContact::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(name: &str, phone: &str, email: &str, kep: &str) -> OfficeContact {
        OfficeContact {
            name: name.into(),
            phone: phone.into(),
            email: email.into(),
            kep: kep.into(),
            address: " Atatürk Bulvarı No: 1, Çankaya/Ankara ".into(),
            hours: String::new(),
        }
    }

    #[test]
    fn a_complete_contact_is_trimmed_and_normalised() {
        let c = OfficeContact::parse(&typed(
            "e-İmza Şefliği",
            "+90 (312) 555 01 01 dahili 1234",
            "E-Imza@Kurum.gov.tr",
            "kurum@hs01.kep.tr",
        ))
        .expect("valid");
        assert_eq!(c.email, "e-imza@kurum.gov.tr");
        assert_eq!(c.address, "Atatürk Bulvarı No: 1, Çankaya/Ankara");
        assert!(!c.is_blank());
    }

    #[test]
    fn each_wrong_field_gets_its_own_message() {
        let errors =
            OfficeContact::parse(&typed("", "0312;555", "e-imza", "kep")).expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["name", "phone", "email", "kep"]);
        assert!(errors[3].1.contains("KEP adresi"));
    }

    #[test]
    fn too_long_or_hidden_characters_are_refused() {
        let mut c = typed("e-İmza Şefliği", "", "", "");
        c.address = "a".repeat(LONG_FIELD + 1);
        assert!(OfficeContact::parse(&c).is_err());
        c.address = "Ankara\u{202E}".into();
        assert!(OfficeContact::parse(&c).is_err());
    }

    #[test]
    fn every_role_but_admin_has_a_page_and_slugs_round_trip() {
        for a in Audience::ALL {
            assert_eq!(Audience::from_slug(a.slug()), Some(a));
        }
        assert_eq!(Audience::of_role(Role::Admin), None);
        assert_eq!(Audience::of_role(Role::Finance), Some(Audience::Finance));
        assert_eq!(Audience::from_slug("yonetici"), None);
    }
}
