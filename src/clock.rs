//! Time is passed in, so holds, timeouts and expiry are tested without sleeping.

use std::sync::Mutex;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    fn now_naive(&self) -> NaiveDateTime {
        self.now().naive_utc()
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to (tests, simulations).
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(Mutex::new(start))
    }

    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The browser tests' clock: the system clock moved ahead by an offset that
/// `POST /test/saat` (`web::test_clock`) sets. It exists only in builds with
/// the `test-clock` cargo feature, which no default, release or CI build of
/// the portal enables; `scripts/browser-test` builds a separate debug binary
/// with it. The offset is one per process.
#[cfg(feature = "test-clock")]
pub mod offset {
    use std::sync::atomic::{AtomicI64, Ordering};

    use chrono::{DateTime, Duration, Utc};

    use super::Clock;

    static OFFSET_SECONDS: AtomicI64 = AtomicI64::new(0);

    #[derive(Debug, Default, Clone, Copy)]
    pub struct OffsetClock;

    impl OffsetClock {
        /// Moves this process's time `seconds` ahead (never back) and
        /// returns the new time.
        pub fn advance(seconds: i64) -> DateTime<Utc> {
            OFFSET_SECONDS.fetch_add(seconds.max(0), Ordering::SeqCst);
            OffsetClock.now()
        }
    }

    impl Clock for OffsetClock {
        fn now(&self) -> DateTime<Utc> {
            Utc::now() + Duration::seconds(OFFSET_SECONDS.load(Ordering::SeqCst))
        }
    }
}
