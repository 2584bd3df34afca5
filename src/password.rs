//! Argon2id password hashing. Runs on blocking threads (callers use
//! `web::block`); unknown accounts are checked against a dummy hash so the
//! response time does not tell whether an e-mail exists.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::config::Argon2Params;

pub struct PasswordHasher {
    params: Params,
    dummy_hash: String,
}

impl PasswordHasher {
    pub fn new(p: Argon2Params) -> anyhow::Result<Self> {
        let params = Params::new(p.m_kib, p.t, p.p, None)
            .map_err(|e| anyhow::anyhow!("argon2 params: {e}"))?;
        let mut hasher = Self {
            params,
            dummy_hash: String::new(),
        };
        hasher.dummy_hash = hasher.hash("dummy password for unknown accounts")?;
        Ok(hasher)
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    pub fn hash(&self, password: &str) -> anyhow::Result<String> {
        let salt = SaltString::generate(&mut OsRng);
        Ok(self
            .argon2()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?
            .to_string())
    }

    /// Verifies against `stored`, or against the dummy hash when there is no
    /// account (and then always answers false).
    pub fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        let phc = stored.unwrap_or(&self.dummy_hash);
        let ok = PasswordHash::new(phc)
            .map(|h| {
                self.argon2()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false);
        ok && stored.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = PasswordHasher::new(Argon2Params {
            m_kib: 64,
            t: 1,
            p: 1,
        })
        .expect("hasher");
        let phc = h.hash("Ankara-2026!").expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{phc}");
        assert!(h.verify("Ankara-2026!", Some(&phc)));
        assert!(!h.verify("ankara-2026!", Some(&phc)));
        assert!(!h.verify("dummy password for unknown accounts", None));
    }

    #[test]
    fn default_parameters_are_owasp() {
        let h = PasswordHasher::new(Argon2Params::default()).expect("hasher");
        assert!(h.dummy_hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    }
}
