//! T.C. kimlik numarası: 11 digits, first not 0, two check digits
//! (docs/product.md, "Data rules"). Shown masked except where the job needs the full number.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tckn(String);

impl Tckn {
    pub fn parse(raw: &str) -> Result<Tckn, &'static str> {
        let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if s.is_empty() {
            return Err("T.C. kimlik numarası boş bırakılamaz.");
        }
        if s.len() != 11 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err("T.C. kimlik numarası 11 haneli bir sayı olmalı.");
        }
        let d: Vec<i32> = s.bytes().map(|b| i32::from(b - b'0')).collect();
        if d[0] == 0 {
            return Err("T.C. kimlik numarası 0 ile başlayamaz.");
        }
        let odd = d[0] + d[2] + d[4] + d[6] + d[8];
        let even = d[1] + d[3] + d[5] + d[7];
        let d10 = (odd * 7 - even).rem_euclid(10);
        let d11 = d[..10].iter().sum::<i32>() % 10;
        if d[9] != d10 || d[10] != d11 {
            return Err("T.C. kimlik numarası geçersiz (kontrol haneleri tutmuyor).");
        }
        Ok(Tckn(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `100******46`: for lists and exports that do not need the full number.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks a stored (already valid) number; an anonymised record's
/// placeholder shows as "anonim".
pub fn mask(tckn: &str) -> String {
    if super::kvkk::is_anonymised(tckn) {
        "anonim".into()
    } else if tckn.len() == 11 && tckn.is_ascii() {
        format!("{}******{}", &tckn[..3], &tckn[9..])
    } else {
        "***********".into()
    }
}

impl fmt::Display for Tckn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_valid_and_invalid_numbers() {
        assert!(Tckn::parse("10000000146").is_ok());
        assert!(Tckn::parse("17291716060").is_ok());
        assert!(Tckn::parse(" 172 917 160 60 ").is_ok());
        assert!(Tckn::parse("17291716050").is_err());
    }

    #[test]
    fn shape_errors_have_their_own_messages() {
        assert_eq!(
            Tckn::parse(""),
            Err("T.C. kimlik numarası boş bırakılamaz.")
        );
        assert_eq!(
            Tckn::parse("1234"),
            Err("T.C. kimlik numarası 11 haneli bir sayı olmalı.")
        );
        assert_eq!(
            Tckn::parse("1000000014a"),
            Err("T.C. kimlik numarası 11 haneli bir sayı olmalı.")
        );
        assert_eq!(
            Tckn::parse("01000000146"),
            Err("T.C. kimlik numarası 0 ile başlayamaz.")
        );
    }

    #[test]
    fn the_tenth_digit_uses_a_euclidean_remainder() {
        // odd*7 - even is negative here: 1*7 - (9+9+9+9) = -29 → rem_euclid = 1.
        let digits = [1, 9, 0, 9, 0, 9, 0, 9, 0];
        let odd: i32 = digits.iter().step_by(2).sum();
        let even: i32 = digits.iter().skip(1).step_by(2).sum();
        let d10 = (odd * 7 - even).rem_euclid(10);
        assert_eq!(d10, 1);
        let d11 = (digits.iter().sum::<i32>() + d10) % 10;
        let s = format!("190909090{d10}{d11}");
        assert!(Tckn::parse(&s).is_ok(), "{s}");
    }

    #[test]
    fn each_check_digit_is_checked_on_its_own() {
        // 10000000146 is valid; change one check digit at a time.
        // Only the 11th digit wrong (the 10th still fits):
        assert!(Tckn::parse("10000000147").is_err());
        // Only the 10th digit wrong (the 11th, the sum of the first ten, fits):
        assert!(Tckn::parse("10000000157").is_err());
    }

    #[test]
    fn the_number_is_kept_without_spaces() {
        let t = Tckn::parse(" 100 000 001 46 ").expect("valid");
        assert_eq!(t.as_str(), "10000000146");
        assert_eq!(t.to_string(), "10000000146");
    }

    #[test]
    fn masking() {
        assert_eq!(
            Tckn::parse("10000000146").map(|t| t.masked()),
            Ok("100******46".into())
        );
        assert_eq!(mask("ANON0000042"), "anonim");
        assert_eq!(mask("1234"), "***********");
    }
}
