//! Facts of a mobile-signature request that are not its state: the reason and
//! how operator documents were sent.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    FirstApplication,
    Renewal,
    LostStolen,
    LineOrOperatorChange,
    Other,
}

impl Reason {
    pub const ALL: [Reason; 5] = [
        Reason::FirstApplication,
        Reason::Renewal,
        Reason::LostStolen,
        Reason::LineOrOperatorChange,
        Reason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Reason::FirstApplication => "ilk_basvuru",
            Reason::Renewal => "yenileme",
            Reason::LostStolen => "kayip_calinti",
            Reason::LineOrOperatorChange => "hat_operator_degisikligi",
            Reason::Other => "diger",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Reason::FirstApplication => "İlk başvuru",
            Reason::Renewal => "Yenileme",
            Reason::LostStolen => "Kayıp/Çalıntı",
            Reason::LineOrOperatorChange => "Hat/Operatör değişikliği",
            Reason::Other => "Diğer",
        }
    }

    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocsWay {
    Kep,
    CoverLetter,
    ByHand,
}

impl DocsWay {
    pub const ALL: [DocsWay; 3] = [DocsWay::Kep, DocsWay::CoverLetter, DocsWay::ByHand];

    pub fn code(self) -> &'static str {
        match self {
            DocsWay::Kep => "kep",
            DocsWay::CoverLetter => "ust_yazi",
            DocsWay::ByHand => "elden",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DocsWay::Kep => "KEP",
            DocsWay::CoverLetter => "Üst yazı/posta",
            DocsWay::ByHand => "Elden",
        }
    }

    pub fn from_code(code: &str) -> Option<DocsWay> {
        DocsWay::ALL.into_iter().find(|w| w.code() == code)
    }
}

/// A note as typed: trimmed, at most 2 000 characters.
pub fn parse_note(raw: &str) -> Result<String, &'static str> {
    let note = raw.trim().to_owned();
    if note.chars().count() > 2000 {
        Err("Not en fazla 2000 karakter olabilir.")
    } else {
        Ok(note)
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl std::fmt::Display for DocsWay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_round_trip_and_show_their_label() {
        for r in Reason::ALL {
            assert_eq!(Reason::from_code(r.code()), Some(r));
        }
        assert_eq!(Reason::from_code("x"), None);
        assert_eq!(Reason::LostStolen.to_string(), "Kayıp/Çalıntı");
        assert_eq!(
            Reason::LineOrOperatorChange.label(),
            "Hat/Operatör değişikliği"
        );
        assert_eq!(
            Reason::from_code("hat_operator_degisikligi"),
            Some(Reason::LineOrOperatorChange)
        );
    }

    #[test]
    fn docs_ways_round_trip_and_show_their_label() {
        for w in DocsWay::ALL {
            assert_eq!(DocsWay::from_code(w.code()), Some(w));
        }
        assert_eq!(DocsWay::from_code("x"), None);
        assert_eq!(DocsWay::Kep.to_string(), "KEP");
        assert_eq!(
            DocsWay::from_code("ust_yazi").map(DocsWay::label),
            Some("Üst yazı/posta")
        );
        assert_eq!(DocsWay::ByHand.label(), "Elden");
        assert_eq!(DocsWay::from_code("faks"), None);
    }

    #[test]
    fn notes_are_trimmed_and_at_most_2000_characters() {
        assert_eq!(parse_note("  Evrak eksik. \n"), Ok("Evrak eksik.".into()));
        let longest = "ğ".repeat(2000);
        assert_eq!(parse_note(&longest), Ok(longest.clone()));
        assert_eq!(
            parse_note(&"ğ".repeat(2001)),
            Err("Not en fazla 2000 karakter olabilir.")
        );
    }
}
