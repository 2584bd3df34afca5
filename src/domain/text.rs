//! Turkish text rules: case mapping (i→İ, ı→I) and a collation key for sorting
//! names in Turkish alphabetical order (a b c ç d e f g ğ h ı i j … ö … ş … ü).

/// Upper-cases with Turkish rules: `i` → `İ`, `ı` → `I`.
pub fn upper_tr(s: &str) -> String {
    s.chars()
        .flat_map(|c| match c {
            'i' => vec!['İ'],
            'ı' => vec!['I'],
            c => c.to_uppercase().collect(),
        })
        .collect()
}

/// Lower-cases with Turkish rules: `İ` → `i`, `I` → `ı`.
pub fn lower_tr(s: &str) -> String {
    s.chars()
        .flat_map(|c| match c {
            'İ' => vec!['i'],
            'I' => vec!['ı'],
            c => c.to_lowercase().collect(),
        })
        .collect()
}

const ALPHABET: &str = "abcçdefgğhıijklmnoöprsştuüvyzqwx";

/// A key that sorts strings in Turkish alphabetical order, case-insensitively.
/// The circumflex (â, î, û: "Hâkim", "Âkif") marks pronunciation, not a
/// letter of its own: it sorts with its base letter.
pub fn sort_key(s: &str) -> Vec<u32> {
    lower_tr(s)
        .chars()
        .map(|c| match c {
            'â' => 'a',
            'î' => 'i',
            'û' => 'u',
            c => c,
        })
        .map(|c| match ALPHABET.chars().position(|a| a == c) {
            Some(i) => 0x100 + i as u32,
            None if c.is_ascii_digit() => c as u32,
            None if c.is_whitespace() => 0x20,
            None => 0x1000 + c as u32,
        })
        .collect()
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
}
