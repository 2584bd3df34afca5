//! A staff member's record: identity, unit, line and operator. `StaffInput`
//! is what a form or an import row says; `StaffInput::validate` turns it into
//! a `ValidStaff` or a list of Turkish messages per field.

use super::email::Email;
use super::phone::Msisdn;
use super::tckn::Tckn;
use super::text::{Line, lower_tr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    Turkcell,
    Vodafone,
    TurkTelekom,
}

impl Operator {
    pub const ALL: [Operator; 3] = [
        Operator::Turkcell,
        Operator::Vodafone,
        Operator::TurkTelekom,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Operator::Turkcell => "turkcell",
            Operator::Vodafone => "vodafone",
            Operator::TurkTelekom => "turk_telekom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Operator::Turkcell => "Turkcell",
            Operator::Vodafone => "Vodafone",
            Operator::TurkTelekom => "Türk Telekom",
        }
    }

    pub fn from_code(code: &str) -> Option<Operator> {
        Operator::ALL.into_iter().find(|o| o.code() == code)
    }

    /// Accepts the code or what people write in spreadsheets.
    pub fn parse(raw: &str) -> Option<Operator> {
        let s: String = lower_tr(raw)
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        match s.as_str() {
            "turkcell" => Some(Operator::Turkcell),
            "vodafone" => Some(Operator::Vodafone),
            "türktelekom" | "turktelekom" | "tt" | "avea" => Some(Operator::TurkTelekom),
            _ => None,
        }
    }
}

pub fn operator_label(code: &str) -> &str {
    Operator::from_code(code).map_or(code, |x| x.label())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineType {
    Faturali,
    Faturasiz,
}

impl LineType {
    pub const ALL: [LineType; 2] = [LineType::Faturali, LineType::Faturasiz];

    pub fn code(self) -> &'static str {
        match self {
            LineType::Faturali => "faturali",
            LineType::Faturasiz => "faturasiz",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LineType::Faturali => "Faturalı",
            LineType::Faturasiz => "Faturasız",
        }
    }

    pub fn from_code(code: &str) -> Option<LineType> {
        LineType::ALL.into_iter().find(|l| l.code() == code)
    }

    pub fn parse(raw: &str) -> Option<LineType> {
        let s: String = lower_tr(raw)
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        match s.as_str() {
            "faturalı" | "faturali" | "postpaid" => Some(LineType::Faturali),
            "faturasız" | "faturasiz" | "prepaid" | "hazırkart" | "hazirkart" => {
                Some(LineType::Faturasiz)
            }
            _ => None,
        }
    }
}

pub fn line_type_label(code: &str) -> &str {
    LineType::from_code(code).map_or(code, |x| x.label())
}

/// Parses "var"/"yok" (and evet/hayır, 1/0) for the mobile-signature field.
pub fn parse_yes_no(raw: &str) -> Option<bool> {
    match lower_tr(raw.trim()).as_str() {
        "var" | "evet" | "1" | "true" | "on" => Some(true),
        "yok" | "hayır" | "hayir" | "0" | "false" | "" => Some(false),
        _ => None,
    }
}

/// A staff record as typed (form field or spreadsheet cell).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StaffInput {
    pub tckn: String,
    pub first_name: String,
    pub last_name: String,
    pub sicil_no: String,
    pub title: String,
    pub email: String,
    pub phone: String,
    pub operator: String,
    pub line_type: String,
    pub has_signature: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidStaff {
    pub tckn: Tckn,
    pub first_name: String,
    pub last_name: String,
    pub sicil_no: String,
    pub title: String,
    pub email: Email,
    pub phone: Msisdn,
    pub operator: Operator,
    pub line_type: LineType,
    pub has_signature: bool,
}

impl ValidStaff {
    pub fn search_name(&self) -> String {
        search_key(&format!("{} {}", self.first_name, self.last_name))
    }
}

/// Lower-cased with Turkish rules, so "istanbul" finds "İSTANBUL".
pub fn search_key(s: &str) -> String {
    lower_tr(&s.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn tidy(
    raw: &str,
    field: &'static str,
    label: &str,
    max: usize,
    errors: &mut Vec<(&'static str, String)>,
) -> String {
    match Line::parse(raw, label, max) {
        Ok(line) => line.into_string(),
        Err(m) => {
            errors.push((field, m));
            String::new()
        }
    }
}

impl StaffInput {
    pub fn validate(&self) -> Result<ValidStaff, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let tckn = Tckn::parse(&self.tckn)
            .map_err(|m| errors.push(("tckn", m.to_owned())))
            .ok();
        let first_name = tidy(&self.first_name, "first_name", "Ad", 100, &mut errors);
        let last_name = tidy(&self.last_name, "last_name", "Soyad", 100, &mut errors);
        let sicil_no = tidy(&self.sicil_no, "sicil_no", "Sicil no", 30, &mut errors);
        let title = tidy(&self.title, "title", "Unvan", 100, &mut errors);
        let email = Email::parse(&self.email)
            .map_err(|m| errors.push(("email", m.to_owned())))
            .ok();
        let phone = Msisdn::parse(&self.phone)
            .map_err(|m| errors.push(("phone", m.to_owned())))
            .ok();
        let operator = Operator::parse(&self.operator);
        if operator.is_none() {
            errors.push((
                "operator",
                "Operatör Turkcell, Vodafone ya da Türk Telekom olmalı.".to_owned(),
            ));
        }
        let line_type = LineType::parse(&self.line_type);
        if line_type.is_none() {
            errors.push((
                "line_type",
                "Hat tipi faturalı ya da faturasız olmalı.".to_owned(),
            ));
        }
        let has_signature = parse_yes_no(&self.has_signature);
        if has_signature.is_none() {
            errors.push((
                "has_signature",
                "Mobil imza alanı var ya da yok olmalı.".to_owned(),
            ));
        }
        match (
            tckn,
            email,
            phone,
            operator,
            line_type,
            has_signature,
            errors.is_empty(),
        ) {
            (
                Some(tckn),
                Some(email),
                Some(phone),
                Some(operator),
                Some(line_type),
                Some(has_signature),
                true,
            ) => Ok(ValidStaff {
                tckn,
                first_name,
                last_name,
                sicil_no,
                title,
                email,
                phone,
                operator,
                line_type,
                has_signature,
            }),
            _ => Err(errors),
        }
    }
}

impl StaffInput {
    /// An edit of a stored record: the form shows the stored T.C. number
    /// masked and an empty field, so an empty field keeps `stored_tckn` and
    /// a typed number replaces it (checked like a new one).
    pub fn validate_edit(
        &self,
        stored_tckn: &str,
    ) -> Result<ValidStaff, Vec<(&'static str, String)>> {
        if self.tckn.trim().is_empty() {
            StaffInput {
                tckn: stored_tckn.to_owned(),
                ..self.clone()
            }
            .validate()
        } else {
            self.validate()
        }
    }
}

impl std::fmt::Display for Operator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl std::fmt::Display for LineType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> StaffInput {
        StaffInput {
            tckn: "10000000146".into(),
            first_name: " Ayşe ".into(),
            last_name: "YILMAZ".into(),
            sicil_no: "12345".into(),
            title: "Şef".into(),
            email: "ayse.yilmaz@kurum.gov.tr".into(),
            phone: "0532 123 45 67".into(),
            operator: "Türk Telekom".into(),
            line_type: "Faturalı".into(),
            has_signature: "yok".into(),
        }
    }

    #[test]
    fn a_good_row_validates_and_normalises() {
        let v = input().validate().expect("valid");
        assert_eq!(v.first_name, "Ayşe");
        assert_eq!(v.phone.as_str(), "+905321234567");
        assert_eq!(v.operator, Operator::TurkTelekom);
        assert_eq!(v.line_type, LineType::Faturali);
        assert_eq!(v.search_name(), "ayşe yılmaz");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = StaffInput {
            tckn: "17291716050".into(),
            phone: "0312 000 00 00".into(),
            operator: "Telsim".into(),
            ..input()
        };
        let errors = bad.validate().expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["tckn", "phone", "operator"]);
    }

    #[test]
    fn an_edit_keeps_the_stored_number_unless_another_is_typed() {
        let stored = "10000000146";
        let empty = StaffInput {
            tckn: "  ".into(),
            ..input()
        };
        let kept = empty.validate_edit(stored).expect("valid");
        assert_eq!(kept.tckn.as_str(), stored);
        // A new number replaces it; a bad one is reported on the field.
        let typed = StaffInput {
            tckn: "172 917 160 60".into(),
            ..input()
        };
        let replaced = typed.validate_edit(stored).expect("valid");
        assert_eq!(replaced.tckn.as_str(), "17291716060");
        let bad = StaffInput {
            tckn: "17291716050".into(),
            ..input()
        };
        let errors = bad.validate_edit(stored).expect_err("invalid");
        assert_eq!(errors.iter().map(|(f, _)| *f).collect::<Vec<_>>(), ["tckn"]);
        // A new record has nothing to keep.
        assert!(empty.validate().is_err());
    }

    #[test]
    fn turkish_search_folding() {
        assert_eq!(search_key("İSTANBUL"), search_key("istanbul"));
        assert_eq!(search_key("IĞDIR"), search_key("ığdır"));
        assert_ne!(search_key("IĞDIR"), search_key("iğdir"));
    }

    #[test]
    fn operator_and_line_type_spellings() {
        assert_eq!(Operator::parse("TURKCELL"), Some(Operator::Turkcell));
        assert_eq!(Operator::parse("turk_telekom"), Some(Operator::TurkTelekom));
        assert_eq!(LineType::parse("FATURASIZ"), Some(LineType::Faturasiz));
        assert_eq!(parse_yes_no("Var"), Some(true));
        assert_eq!(parse_yes_no("belki"), None);
    }
}
