//! E-mail addresses: trimmed, lower-cased, checked for a plausible shape.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, &'static str> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("E-posta adresi boş bırakılamaz.");
        }
        let valid = s.len() <= 254
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c == ',' || c == ';' || c == '<' || c == '>')
            && match s.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if valid {
            Ok(Email(s))
        } else {
            Err("Geçerli bir e-posta adresi girin (örn. ad.soyad@kurum.gov.tr).")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_validates() {
        assert_eq!(
            Email::parse("  Ayse.Yilmaz@Kurum.GOV.tr ").map(|e| e.0),
            Ok("ayse.yilmaz@kurum.gov.tr".into())
        );
        for bad in [
            "",
            "ayse",
            "ayse@",
            "@kurum.gov.tr",
            "a@b",
            "a b@c.d",
            "a@b@c.d",
            "a@.b",
            "a@b.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn stored_and_shown_lower_case() {
        let e = Email::parse("Ali.Veli@Kurum.gov.tr").expect("valid");
        assert_eq!(e.as_str(), "ali.veli@kurum.gov.tr");
        assert_eq!(e.to_string(), "ali.veli@kurum.gov.tr");
    }
}
