//! Turkish text rules: case mapping (i→İ, ı→I), a collation key for sorting
//! names in Turkish alphabetical order (a b c ç d e f g ğ h ı i j … ö … ş … ü),
//! and [`Line`]/[`forbidden_char`]: what text a person may type in.

/// Upper-cases with Turkish rules: `i` → `İ`, `ı` → `I`.
pub fn upper_tr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'i' => out.push('İ'),
            'ı' => out.push('I'),
            c if c.is_ascii() => out.push(c.to_ascii_uppercase()),
            c => out.extend(c.to_uppercase()),
        }
    }
    out
}

/// Lower-cases with Turkish rules: `İ` → `i`, `I` → `ı`.
pub fn lower_tr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    each_lower(s, |c| out.push(c));
    out
}

/// The characters of `s` lower-cased with Turkish rules, one by one (no
/// string in between: sort keys are made for every name of a list).
fn each_lower(s: &str, mut f: impl FnMut(char)) {
    for c in s.chars() {
        match c {
            'İ' => f('i'),
            'I' => f('ı'),
            c if c.is_ascii() => f(c.to_ascii_lowercase()),
            c => c.to_lowercase().for_each(&mut f),
        }
    }
}

/// The Turkish alphabet's order, then q w x: `abcçdefgğhıijklmnoöprsştuüvyzqwx`.
fn letter_rank(c: char) -> Option<u32> {
    Some(match c {
        'a' => 0,
        'b' => 1,
        'c' => 2,
        'ç' => 3,
        'd' => 4,
        'e' => 5,
        'f' => 6,
        'g' => 7,
        'ğ' => 8,
        'h' => 9,
        'ı' => 10,
        'i' => 11,
        'j' => 12,
        'k' => 13,
        'l' => 14,
        'm' => 15,
        'n' => 16,
        'o' => 17,
        'ö' => 18,
        'p' => 19,
        'r' => 20,
        's' => 21,
        'ş' => 22,
        't' => 23,
        'u' => 24,
        'ü' => 25,
        'v' => 26,
        'y' => 27,
        'z' => 28,
        'q' => 29,
        'w' => 30,
        'x' => 31,
        _ => return None,
    })
}

/// A key that sorts strings in Turkish alphabetical order, case-insensitively.
/// The circumflex (â, î, û: "Hâkim", "Âkif") marks pronunciation, not a
/// letter of its own: it sorts with its base letter.
pub fn sort_key(s: &str) -> Vec<u32> {
    let mut key = Vec::with_capacity(s.len());
    each_lower(s, |c| {
        let c = match c {
            'â' => 'a',
            'î' => 'i',
            'û' => 'u',
            c => c,
        };
        key.push(match letter_rank(c) {
            Some(i) => 0x100 + i,
            None if c.is_ascii_digit() => c as u32,
            None if c.is_whitespace() => 0x20,
            None => 0x1000 + c as u32,
        });
    });
    key
}

/// [`sort_key`] as text that sorts the same way byte by byte (six hex digits
/// per character), to store beside a name: the database then orders and
/// pages by it with an index (SQLite's BINARY, PostgreSQL's "C" collation).
pub fn sort_code(s: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(s.len() * 6);
    for k in sort_key(s) {
        let _ = write!(out, "{k:06x}");
    }
    out
}

/// The first character no typed text may contain: control characters (NUL,
/// ESC, …; tab and line breaks aside, which multi-line notes need) and the
/// invisible marks that change the direction of text (U+202E "RIGHT-TO-LEFT
/// OVERRIDE" makes "exe.pdf" read as "fdp.exe"), which would let a name or a
/// note show one thing and mean another in lists, exports and letters.
pub fn forbidden_char(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(
                c,
                '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            )
    })
}

/// The Turkish message for a forbidden character `c` in `label`.
pub fn forbidden_message(label: &str, c: char) -> String {
    format!(
        "{label} görünmez bir denetim ya da yazı yönü karakteri içeriyor (U+{:04X}); \
         metni kopyalamak yerine yeniden yazın.",
        u32::from(c)
    )
}

/// One line of typed text (a name, a title, a unit): spaces collapsed, at
/// most `max` characters, no control or direction characters, no line
/// breaks. Every name-like field of every form and import is read with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line(String);

impl Line {
    /// Reads `raw` as the field `label` ("Ad", "Unvan", …) for the messages.
    pub fn parse(raw: &str, label: &str, max: usize) -> Result<Self, String> {
        if let Some(c) =
            forbidden_char(raw).or_else(|| raw.chars().find(|c| matches!(c, '\n' | '\r')))
        {
            return Err(forbidden_message(label, c));
        }
        let s = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.is_empty() {
            return Err(format!("{label} boş bırakılamaz."));
        }
        if s.chars().count() > max {
            return Err(format!("{label} en fazla {max} karakter olabilir."));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turkish_case_mapping() {
        assert_eq!(upper_tr("istanbul ığdır"), "İSTANBUL IĞDIR");
        assert_eq!(lower_tr("İSTANBUL IĞDIR"), "istanbul ığdır");
    }

    #[test]
    fn the_stored_sort_code_orders_as_the_sort_key() {
        let names = [
            "Çağrı Işık",
            "Cem Ak",
            "İlknur Yıldız",
            "Ilgın Şen",
            "Ali",
            "Ali Can",
            "Âkif Öz",
            "Zeynep 2",
            "Zeynep 10",
            "Şule Ünal",
            "Sibel Uç",
        ];
        let mut by_key = names.to_vec();
        by_key.sort_by_key(|n| sort_key(n));
        let mut by_code = names.to_vec();
        by_code.sort_by_key(|n| sort_code(n));
        assert_eq!(by_code, by_key);
        assert_eq!(
            &by_code[..4],
            &["Âkif Öz", "Ali", "Ali Can", "Cem Ak"],
            "a shorter name first; the circumflex with its base letter"
        );
        assert!(sort_code("Ç").bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn the_stored_sort_code_keeps_its_format() {
        // Stored beside every staff record: a change here would mis-order
        // the records written before it.
        assert_eq!(
            sort_code("Aç İıâ2-"),
            "00010000010300002000010b00010a00010000003200102d"
        );
        assert_eq!(sort_code("QWX"), "00011d00011e00011f");
    }

    #[test]
    fn a_circumflex_sorts_with_its_base_letter() {
        let mut names = vec!["Zeynep", "Âkif", "Hüseyin", "Hâkim", "Ali"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, vec!["Âkif", "Ali", "Hâkim", "Hüseyin", "Zeynep"]);
    }

    #[test]
    fn sorts_in_turkish_order() {
        let mut names = vec![
            "Zeynep", "Çağrı", "İsmail", "Ilgaz", "Ömer", "Şule", "Cem", "Osman", "Ümit", "Hasan",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            vec![
                "Cem", "Çağrı", "Hasan", "Ilgaz", "İsmail", "Osman", "Ömer", "Şule", "Ümit",
                "Zeynep"
            ]
        );
    }

    #[test]
    fn spaces_and_digits_sort_before_letters() {
        let mut names = vec!["Alican", "Ankara", "2. Bölge", "Ali Can"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, vec!["2. Bölge", "Ali Can", "Alican", "Ankara"]);
    }

    #[test]
    fn other_marks_sort_after_every_letter() {
        let mut names = vec!["Ayşe-Nur", "Ayşez", "Ayşe Nur"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, vec!["Ayşe Nur", "Ayşez", "Ayşe-Nur"]);
    }

    #[test]
    fn control_and_direction_characters_are_refused() {
        for bad in [
            "Ali\u{0}Veli",
            "Ali\u{1b}[31mVeli",
            "Ali \u{202E}ilev",
            "\u{2066}Ayşe\u{2069}",
            "Ali\u{7f}",
            "Ali\u{85}",
            "Ali\u{200F}",
        ] {
            let c = forbidden_char(bad).expect(bad);
            let msg = Line::parse(bad, "Ad", 100).expect_err(bad);
            assert!(msg.contains(&format!("U+{:04X}", u32::from(c))), "{msg}");
        }
        assert_eq!(forbidden_char("Notlar:\r\n\tikinci satır"), None);
        assert_eq!(forbidden_char("Şükrü Öztürk-Çağlayan (İİBF) ﷺ عربي"), None);
        assert!(
            Line::parse("Ali\nVeli", "Ad", 100).is_err(),
            "one line only"
        );
    }

    #[test]
    fn a_line_is_trimmed_and_bounded() {
        assert_eq!(
            Line::parse("  Ayşe   Nur ", "Ad", 100).map(Line::into_string),
            Ok("Ayşe Nur".to_owned())
        );
        assert_eq!(
            Line::parse(" ", "Ad", 100),
            Err("Ad boş bırakılamaz.".to_owned())
        );
        assert!(Line::parse(&"ş".repeat(101), "Ad", 100).is_err());
        assert!(Line::parse(&"ş".repeat(100), "Ad", 100).is_ok());
    }
}
