//! Argon2id password hashing. Unknown accounts are checked against a dummy
//! hash so the response time does not tell whether an e-mail exists. The
//! server reaches the hasher through [`PasswordGate`]: a bounded number of
//! hashes at once, on blocking threads, so a storm of logins cannot take the
//! memory (19 MiB per hash) or every thread.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

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

/// The hasher is busy: every slot stayed taken for [`PasswordGate::WAIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// At most `slots` Argon2 computations at a time (about one per core); a
/// caller waits at most [`PasswordGate::WAIT`] for a slot, then gets
/// [`Busy`] and the request is answered with a Turkish 503.
#[derive(Clone)]
pub struct PasswordGate {
    hasher: Arc<PasswordHasher>,
    slots: Arc<Semaphore>,
}

impl PasswordGate {
    pub const WAIT: Duration = Duration::from_secs(3);

    pub fn new(hasher: PasswordHasher, slots: usize) -> Self {
        Self {
            hasher: Arc::new(hasher),
            slots: Arc::new(Semaphore::new(slots.max(1))),
        }
    }

    /// One slot per available core.
    pub fn per_core(hasher: PasswordHasher) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::new(hasher, cores)
    }

    /// The hasher itself, unbounded: for code that is not serving requests
    /// (set-up in tests).
    pub fn unbounded(&self) -> &PasswordHasher {
        &self.hasher
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&PasswordHasher) -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let permit = tokio::time::timeout(Self::WAIT, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| Busy)?
            .map_err(|_| Busy)?;
        let hasher = self.hasher.clone();
        tokio::task::spawn_blocking(move || {
            let out = f(&hasher);
            drop(permit);
            out
        })
        .await
        .map_err(|_| Busy)
    }

    /// [`PasswordHasher::verify`] within the bound.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, Busy> {
        self.run(move |h| h.verify(&password, stored.as_deref()))
            .await
    }

    /// [`PasswordHasher::hash`] within the bound.
    pub async fn hash(&self, password: String) -> Result<anyhow::Result<String>, Busy> {
        self.run(move |h| h.hash(&password)).await
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

    #[tokio::test]
    async fn a_full_gate_answers_busy_after_waiting() {
        let tiny = Argon2Params {
            m_kib: 64,
            t: 1,
            p: 1,
        };
        let gate = PasswordGate::new(PasswordHasher::new(tiny).expect("hasher"), 1);
        let held = gate.slots.clone().acquire_owned().await.expect("slot");
        tokio::time::pause();
        let waiting = gate.verify("x".into(), None);
        assert_eq!(waiting.await, Err(Busy));
        drop(held);
        tokio::time::resume();
        assert_eq!(gate.verify("x".into(), None).await, Ok(false));
    }
}
