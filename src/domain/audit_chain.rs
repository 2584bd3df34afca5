//! The audit log's seal: every row carries `hash` = HMAC-SHA256 (keyed)
//! over a canonical encoding of its content and the previous row's hash
//! (`prev_hash`), so a row edited, deleted, inserted or moved behind the
//! portal's back breaks the chain at that row. Without the key nobody can
//! compute a valid seal for a forged row.
//!
//! Rows written before the chain existed have an empty `hash`. They are
//! chained "virtually" (the same computation, not stored), and the first
//! sealed row, `audit.sealed`, takes the virtual chain's last hash as its
//! `prev_hash`: changing or deleting such a row breaks the chain at that
//! first sealed row.
//!
//! A chain cannot show that rows were cut off its end; `audit-verify` prints
//! the last row and its hash so an operator can keep them elsewhere.

use std::fmt;

use base64::Engine;
use chrono::{NaiveDateTime, SubsecRound};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The `prev_hash` of the very first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The secret that seals the chain. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey(Vec<u8>);

impl fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

impl AuditKey {
    pub const MIN_BYTES: usize = 32;

    /// `AUDIT_KEY` as configured: 64 or more hex digits, or base64 of at
    /// least 32 bytes. The message is Turkish, for the configuration error.
    pub fn parse(raw: &str) -> Result<AuditKey, String> {
        let raw = raw.trim();
        let is_hex = raw.len() >= 2 * Self::MIN_BYTES
            && raw.len().is_multiple_of(2)
            && raw.bytes().all(|b| b.is_ascii_hexdigit());
        let bytes = if is_hex {
            hex_decode(raw).ok_or("onaltılık (hex) olarak çözülemedi")?
        } else {
            base64::engine::general_purpose::STANDARD
                .decode(raw)
                .map_err(|_| "ne onaltılık (hex) ne base64 olarak çözülebildi")?
        };
        if bytes.len() < Self::MIN_BYTES {
            return Err(format!(
                "en az {} bayt olmalı, {} bayt verildi (openssl rand -hex 32)",
                Self::MIN_BYTES,
                bytes.len()
            ));
        }
        Ok(AuditKey(bytes))
    }

    /// A key derived from another secret (the session key), so the two are
    /// never the same bytes.
    pub fn derive(secret: &[u8]) -> AuditKey {
        AuditKey(mac(secret, b"mobilimza denetim zinciri v1").to_vec())
    }

    /// The key used when nothing secret is configured (PostgreSQL without
    /// `AUDIT_KEY` or `SESSION_KEY`, plain http): the chain still shows
    /// accidental changes but not forgery by someone who read this file.
    pub fn development() -> AuditKey {
        AuditKey::derive(b"mobilimza: herkesce bilinen gelistirme anahtari")
    }
}

fn mac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    m.update(data);
    m.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode(raw: &str) -> Option<Vec<u8>> {
    (0..raw.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(raw.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Times are sealed (and stored) to the microsecond, which both backends
/// keep exactly.
pub fn seal_time(at: NaiveDateTime) -> NaiveDateTime {
    at.trunc_subsecs(6)
}

/// What a row's seal covers besides the previous hash.
#[derive(Debug, Clone, Copy)]
pub struct Content<'a> {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<i32>,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
    pub ip: &'a str,
}

/// The canonical bytes: a version tag, then every field as a 4-byte length
/// and its UTF-8, so no two different rows encode alike.
pub fn canonical(c: &Content<'_>, prev_hash: &str) -> Vec<u8> {
    let at = c.at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string();
    let actor = c.actor_id.map_or_else(|| "-".to_owned(), |a| a.to_string());
    let fields = [
        "mobilimza-denetim-v1",
        &c.id.to_string(),
        &at,
        &actor,
        c.action,
        c.target,
        c.detail,
        c.ip,
        prev_hash,
    ];
    let mut out = Vec::new();
    for f in fields {
        let len = u32::try_from(f.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(f.as_bytes());
    }
    out
}

/// The row's `hash`: hex HMAC-SHA256 over its content and `prev_hash`.
pub fn seal(key: &AuditKey, prev_hash: &str, c: &Content<'_>) -> String {
    hex(&mac(&key.0, &canonical(c, prev_hash)))
}

/// A stored row as the verifier reads it.
#[derive(Debug, Clone, Copy)]
pub struct Link<'a> {
    pub content: Content<'a>,
    pub prev_hash: &'a str,
    /// Empty for rows written before the chain existed.
    pub hash: &'a str,
}

/// Why the chain breaks at a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// The row's content no longer matches its seal.
    ContentChanged,
    /// The row is intact but was written under another number (rows were
    /// swapped or renumbered).
    Renumbered { written_as: i64 },
    /// The row the seal follows is gone: `gap` names the missing numbers
    /// when there is a hole before this row.
    Missing { gap: Option<(i64, i64)> },
    /// The row this one follows now comes after it.
    OrderChanged { predecessor: i64 },
    /// A row without a seal after the chain began: not written by the portal.
    Unsealed,
    /// The rows from before the chain, which this row seals, were changed.
    LegacyChanged,
}

/// The first broken row and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub id: i64,
    pub why: Why,
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = self.id;
        match &self.why {
            Why::ContentChanged => write!(
                f,
                "#{id} numaralı kaydın içeriği değiştirilmiş (mühür tutmuyor)."
            ),
            Why::Renumbered { written_as } => write!(
                f,
                "#{id} numaralı kaydın sırası değiştirilmiş: bu kayıt #{written_as} olarak yazılmıştı."
            ),
            Why::Missing {
                gap: Some((from, to)),
            } if from == to => {
                write!(
                    f,
                    "#{id} numaralı kayıttan önce kayıt eksik: #{from} silinmiş."
                )
            }
            Why::Missing {
                gap: Some((from, to)),
            } => write!(
                f,
                "#{id} numaralı kayıttan önce kayıt eksik: #{from}–#{to} silinmiş."
            ),
            Why::Missing { gap: None } => write!(
                f,
                "#{id} numaralı kayıttan önceki kayıt eksik ya da yerine başka kayıt konmuş (zincir kopuk)."
            ),
            Why::OrderChanged { predecessor } => write!(
                f,
                "#{id} numaralı kaydın sırası değiştirilmiş: ondan önce yazılan kayıt şimdi #{predecessor} numarasında."
            ),
            Why::Unsealed => write!(
                f,
                "#{id} numaralı kayıt portal dışından eklenmiş (mührü yok)."
            ),
            Why::LegacyChanged => write!(
                f,
                "#{id} numaralı kaydın mühürlediği, zincir öncesi kayıtlar değiştirilmiş ya da silinmiş."
            ),
        }
    }
}

/// What the walk found at a row, before the caller looks further.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suspect {
    /// Settled: nothing else to look up.
    Broken(Broken),
    /// The seal does not match: edited, or intact under another number
    /// (the caller tries [`written_as`]).
    Content { id: i64 },
    /// Intact, but it does not follow the row before it: missing, or moved
    /// (the caller looks for the row whose hash is `prev_hash`).
    Link {
        id: i64,
        prev_hash: String,
        gap: Option<(i64, i64)>,
    },
}

/// Walks the rows in id order, one at a time (so callers can read them in
/// chunks), and stops at the first one that breaks the chain.
#[derive(Debug)]
pub struct Walker<'k> {
    key: &'k AuditKey,
    expected_prev: String,
    last_id: Option<i64>,
    /// Rows before the chain (empty hash), walked virtually.
    pub legacy: u64,
    /// Sealed rows.
    pub sealed: u64,
}

impl<'k> Walker<'k> {
    pub fn new(key: &'k AuditKey) -> Self {
        Self {
            key,
            expected_prev: GENESIS.to_owned(),
            last_id: None,
            legacy: 0,
            sealed: 0,
        }
    }

    /// The hash the next row must follow (the virtual one while only
    /// legacy rows were seen).
    pub fn tail(&self) -> &str {
        &self.expected_prev
    }

    pub fn push(&mut self, link: &Link<'_>) -> Result<(), Suspect> {
        let id = link.content.id;
        let gap = match self.last_id {
            Some(last) if id > last + 1 => Some((last + 1, id - 1)),
            None if self.sealed == 0 && self.legacy == 0 && id > 1 => Some((1, id - 1)),
            _ => None,
        };
        if link.hash.is_empty() {
            if self.sealed > 0 {
                return Err(Suspect::Broken(Broken {
                    id,
                    why: Why::Unsealed,
                }));
            }
            self.expected_prev = seal(self.key, &self.expected_prev, &link.content);
            self.legacy += 1;
            self.last_id = Some(id);
            return Ok(());
        }
        if seal(self.key, link.prev_hash, &link.content) != link.hash {
            return Err(Suspect::Content { id });
        }
        if link.prev_hash != self.expected_prev {
            if self.sealed == 0 && self.legacy > 0 && gap.is_none() {
                return Err(Suspect::Broken(Broken {
                    id,
                    why: Why::LegacyChanged,
                }));
            }
            return Err(Suspect::Link {
                id,
                prev_hash: link.prev_hash.to_owned(),
                gap,
            });
        }
        self.expected_prev = link.hash.to_owned();
        self.last_id = Some(id);
        self.sealed += 1;
        Ok(())
    }
}

/// The number among `candidates` under which `link` (whose seal does not
/// hold under its own number) was written, if any.
pub fn written_as(
    key: &AuditKey,
    link: &Link<'_>,
    candidates: impl IntoIterator<Item = i64>,
) -> Option<i64> {
    candidates.into_iter().find(|&id| {
        id != link.content.id
            && seal(key, link.prev_hash, &Content { id, ..link.content }) == link.hash
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn key() -> AuditKey {
        AuditKey::derive(&[7u8; 64])
    }

    struct Row {
        id: i64,
        detail: String,
        prev: String,
        hash: String,
    }

    fn at() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|d| d.and_hms_micro_opt(9, 0, 0, 123_456))
            .expect("time")
    }

    fn content(id: i64, detail: &str) -> Content<'_> {
        Content {
            id,
            at: at(),
            actor_id: Some(1),
            action: "user.updated",
            target: "user:2",
            detail,
            ip: "127.0.0.1",
        }
    }

    fn link(r: &Row) -> Link<'_> {
        Link {
            content: content(r.id, &r.detail),
            prev_hash: &r.prev,
            hash: &r.hash,
        }
    }

    fn chain(n: i64) -> Vec<Row> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|id| {
                let detail = format!("satır {id}");
                let hash = seal(&key(), &prev, &content(id, &detail));
                let row = Row {
                    id,
                    detail,
                    prev: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                row
            })
            .collect()
    }

    fn walk(rows: &[Row]) -> Result<u64, Suspect> {
        let k = key();
        let mut w = Walker::new(&k);
        for r in rows {
            w.push(&link(r))?;
        }
        Ok(w.sealed + w.legacy)
    }

    #[test]
    fn an_intact_chain_walks_to_the_end() {
        assert_eq!(walk(&chain(5)), Ok(5));
        assert_eq!(walk(&[]), Ok(0));
    }

    #[test]
    fn an_edited_row_breaks_its_seal() {
        let mut rows = chain(5);
        rows[2].detail = "başka".into();
        assert_eq!(walk(&rows), Err(Suspect::Content { id: 3 }));
    }

    #[test]
    fn a_deleted_row_leaves_a_gap_before_the_next() {
        let mut rows = chain(5);
        let deleted = rows.remove(2);
        assert_eq!(
            walk(&rows),
            Err(Suspect::Link {
                id: 4,
                prev_hash: deleted.hash,
                gap: Some((3, 3))
            })
        );
        let mut rows = chain(3);
        rows.remove(0);
        assert!(matches!(
            walk(&rows),
            Err(Suspect::Link {
                id: 2,
                gap: Some((1, 1)),
                ..
            })
        ));
    }

    #[test]
    fn swapped_rows_are_found_under_the_number_they_were_written_as() {
        let mut rows = chain(5);
        rows.swap(2, 3);
        rows[2].id = 3;
        rows[3].id = 4;
        assert_eq!(walk(&rows), Err(Suspect::Content { id: 3 }));
        let k = key();
        assert_eq!(written_as(&k, &link(&rows[2]), 1..=5), Some(4));
        // An edited row was written under no number.
        let mut edited = chain(2);
        edited[1].detail = "x".into();
        assert_eq!(written_as(&k, &link(&edited[1]), 1..=2), None);
    }

    #[test]
    fn legacy_rows_are_chained_virtually_and_checked_by_the_first_sealed_row() {
        let k = key();
        let mut legacy: Vec<Row> = (1..=3)
            .map(|id| Row {
                id,
                detail: format!("eski {id}"),
                prev: String::new(),
                hash: String::new(),
            })
            .collect();
        let mut w = Walker::new(&k);
        for r in &legacy {
            w.push(&link(r)).expect("legacy");
        }
        let tail = w.tail().to_owned();
        let detail = "mühür".to_owned();
        let hash = seal(&k, &tail, &content(4, &detail));
        legacy.push(Row {
            id: 4,
            detail,
            prev: tail,
            hash,
        });
        assert_eq!(walk(&legacy), Ok(4));
        legacy[1].detail = "değişti".into();
        assert_eq!(
            walk(&legacy),
            Err(Suspect::Broken(Broken {
                id: 4,
                why: Why::LegacyChanged
            }))
        );
        // An unsealed row after the chain began was not written by the portal.
        let mut rows = chain(2);
        rows.push(Row {
            id: 3,
            detail: "sahte".into(),
            prev: String::new(),
            hash: String::new(),
        });
        assert_eq!(
            walk(&rows),
            Err(Suspect::Broken(Broken {
                id: 3,
                why: Why::Unsealed
            }))
        );
    }

    #[test]
    fn another_key_breaks_every_seal() {
        let rows = chain(1);
        let other = AuditKey::derive(&[8u8; 64]);
        let mut w = Walker::new(&other);
        assert_eq!(w.push(&link(&rows[0])), Err(Suspect::Content { id: 1 }));
    }

    #[test]
    fn keys_parse_from_hex_or_base64_and_must_be_long_enough() {
        let hex_key = "ab".repeat(32);
        assert_eq!(AuditKey::parse(&hex_key).map(|k| k.0.len()), Ok(32));
        let b64 = base64::engine::general_purpose::STANDARD.encode([1u8; 48]);
        assert_eq!(AuditKey::parse(&b64).map(|k| k.0.len()), Ok(48));
        let short = base64::engine::general_purpose::STANDARD.encode([1u8; 16]);
        assert!(AuditKey::parse(&short).is_err_and(|e| e.contains("16 bayt")));
        assert!(AuditKey::parse("!!").is_err());
        assert_eq!(format!("{:?}", key()), "AuditKey(…)");
    }

    #[test]
    fn the_encoding_separates_fields_and_times_keep_microseconds() {
        let a = canonical(
            &Content {
                detail: "ab",
                target: "c",
                ..content(1, "")
            },
            GENESIS,
        );
        let b = canonical(
            &Content {
                detail: "a",
                target: "bc",
                ..content(1, "")
            },
            GENESIS,
        );
        assert_ne!(a, b);
        let nanos = at() + chrono::Duration::nanoseconds(789);
        assert_eq!(seal_time(nanos), at());
    }

    #[test]
    fn broken_rows_are_named_in_turkish() {
        let b = |why| Broken { id: 5, why }.to_string();
        assert_eq!(
            b(Why::ContentChanged),
            "#5 numaralı kaydın içeriği değiştirilmiş (mühür tutmuyor)."
        );
        assert_eq!(
            b(Why::Missing { gap: Some((4, 4)) }),
            "#5 numaralı kayıttan önce kayıt eksik: #4 silinmiş."
        );
        assert_eq!(
            b(Why::Renumbered { written_as: 6 }),
            "#5 numaralı kaydın sırası değiştirilmiş: bu kayıt #6 olarak yazılmıştı."
        );
    }
}
