//! Kinds of organisational unit (il müdürlüğü, kaymakamlık, birim…).

use super::text::Line;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    Valilik,
    Kaymakamlik,
    IlMudurlugu,
    IlceMudurlugu,
    Birim,
}

impl UnitKind {
    pub const ALL: [UnitKind; 5] = [
        UnitKind::Valilik,
        UnitKind::Kaymakamlik,
        UnitKind::IlMudurlugu,
        UnitKind::IlceMudurlugu,
        UnitKind::Birim,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UnitKind::Valilik => "valilik",
            UnitKind::Kaymakamlik => "kaymakamlik",
            UnitKind::IlMudurlugu => "il_mudurlugu",
            UnitKind::IlceMudurlugu => "ilce_mudurlugu",
            UnitKind::Birim => "birim",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Valilik => "Valilik",
            UnitKind::Kaymakamlik => "Kaymakamlık",
            UnitKind::IlMudurlugu => "İl müdürlüğü",
            UnitKind::IlceMudurlugu => "İlçe müdürlüğü",
            UnitKind::Birim => "Birim",
        }
    }

    pub fn from_code(code: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// A unit name as typed: one [`Line`] of 2–200 characters.
pub fn parse_unit_name(raw: &str) -> Result<String, String> {
    let name = Line::parse(raw, "Birim adı", 200)?.into_string();
    if name.chars().count() < 2 {
        return Err("Birim adı en az 2 karakter olmalı.".to_owned());
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::from_code(k.code()), Some(k));
        }
        assert_eq!(UnitKind::from_code("x"), None);
    }

    #[test]
    fn names_are_tidied_and_bounded() {
        assert_eq!(
            parse_unit_name("  Çankaya   Kaymakamlığı "),
            Ok("Çankaya Kaymakamlığı".into())
        );
        assert!(parse_unit_name("   ").is_err());
        assert!(parse_unit_name(&"a".repeat(201)).is_err());
    }

    #[test]
    fn name_length_bounds() {
        assert_eq!(
            parse_unit_name(" Ç "),
            Err("Birim adı en az 2 karakter olmalı.".to_owned())
        );
        assert_eq!(parse_unit_name("İl"), Ok("İl".into()));
        let longest = "ş".repeat(200);
        assert_eq!(parse_unit_name(&longest), Ok(longest.clone()));
        assert_eq!(
            parse_unit_name(&"ş".repeat(201)),
            Err("Birim adı en fazla 200 karakter olabilir.".to_owned())
        );
    }

    #[test]
    fn kind_labels() {
        assert_eq!(UnitKind::Kaymakamlik.label(), "Kaymakamlık");
        assert_eq!(UnitKind::IlMudurlugu.label(), "İl müdürlüğü");
        assert_eq!(UnitKind::IlMudurlugu.code(), "il_mudurlugu");
    }
}
