//! Facts of a mobile-signature request that are not its state: the reason and
//! how operator documents were sent.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

pub fn reason_label(code: &str) -> &str {
    Reason::from_code(code).map_or(code, |x| x.label())
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

pub fn docs_way_label(code: &str) -> &str {
    DocsWay::from_code(code).map_or(code, |x| x.label())
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
