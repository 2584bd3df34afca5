//! Turkish GSM numbers, stored as E.164 (`+905321234567`). People type them in
//! many ways; all of them are accepted. The operator is never derived from the
//! prefix: numbers are ported.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Msisdn(String);

impl Msisdn {
    pub fn parse(raw: &str) -> Result<Msisdn, &'static str> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err("Cep telefonu boş bırakılamaz.");
        }
        if trimmed
            .chars()
            .any(|c| !(c.is_ascii_digit() || " +-().".contains(c)))
        {
            return Err("Cep telefonu yalnızca rakam içermeli (örn. 0532 123 45 67).");
        }
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        let national = if let Some(rest) = digits.strip_prefix("0090") {
            rest
        } else if digits.len() == 12 && digits.starts_with("90") {
            &digits[2..]
        } else if digits.len() == 11 && digits.starts_with('0') {
            &digits[1..]
        } else {
            &digits
        };
        if national.len() != 10 || !national.starts_with('5') {
            return Err(
                "Geçerli bir cep telefonu girin: 5 ile başlayan 10 hane (örn. 0532 123 45 67).",
            );
        }
        Ok(Msisdn(format!("+90{national}")))
    }

    /// E.164, as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `0532 123 45 67` for a stored E.164 number.
pub fn display(e164: &str) -> String {
    match e164.strip_prefix("+90") {
        Some(n) if n.len() == 10 => format!("0{} {} {} {}", &n[..3], &n[3..6], &n[6..8], &n[8..]),
        _ => e164.to_owned(),
    }
}

impl fmt::Display for Msisdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&display(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ways_people_type_numbers() {
        for raw in [
            "0532 123 45 67",
            "05321234567",
            "532-123-4567",
            "5321234567",
            "+90 (532) 123 45 67",
            "+905321234567",
            "90 532 123 4567",
            "0090 532 123 45 67",
            "(0532) 123.45.67",
        ] {
            assert_eq!(
                Msisdn::parse(raw).map(|m| m.0),
                Ok("+905321234567".to_owned()),
                "{raw}"
            );
        }
    }

    #[test]
    fn non_mobile_and_malformed_numbers_are_refused() {
        for raw in [
            "",
            "0312 123 45 67",
            "532 123 45",
            "05321234567 8",
            "0532 ABC 45 67",
            "+1 532 123 4567",
        ] {
            assert!(Msisdn::parse(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn foreign_twelve_digit_numbers_are_not_read_as_turkish() {
        // +44 532 123 4567 has 12 digits, like 90 532 123 45 67, but is not +90.
        assert!(Msisdn::parse("+44 532 123 4567").is_err());
        assert!(Msisdn::parse("445321234567").is_err());
    }

    #[test]
    fn shown_the_turkish_way() {
        assert_eq!(display("+905321234567"), "0532 123 45 67");
        // Anything else on file (a short or foreign number) is shown as stored.
        assert_eq!(display("+90532"), "+90532");
        assert_eq!(display("+4915112345678"), "+4915112345678");
        let m = Msisdn::parse("0532 123 45 67").expect("valid");
        assert_eq!(m.as_str(), "+905321234567");
        assert_eq!(m.to_string(), "0532 123 45 67");
    }
}
