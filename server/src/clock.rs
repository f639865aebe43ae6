//! The time as the sign-in rules see it. Production reads the system clock; tests use a manual
//! clock they can move forward, so expiry, waits and timeouts are tested without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// `None`: the system clock. `Some`: a manual clock holding Unix milliseconds.
    manual: Option<Arc<AtomicI64>>,
}

/// The system clock as Unix milliseconds, the form every timestamp is stored in. Only [`Clock`]
/// reads it: everything else takes `now` from its caller, so tests can move time.
fn system_now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Clock {
    pub fn system() -> Clock {
        Clock { manual: None }
    }

    /// A manual clock that starts at the current system time and moves only when told.
    pub fn manual() -> Clock {
        Clock {
            manual: Some(Arc::new(AtomicI64::new(system_now_ms()))),
        }
    }

    /// Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        match &self.manual {
            Some(ms) => ms.load(Ordering::SeqCst),
            None => system_now_ms(),
        }
    }

    /// Moves a manual clock forward. Panics on the system clock: only tests move time.
    pub fn advance(&self, by: Duration) {
        let ms = self
            .manual
            .as_ref()
            .expect("only a manual clock can be moved");
        ms.fetch_add(by.as_millis() as i64, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = Clock::manual();
        let start = clock.now_ms();
        assert_eq!(clock.now_ms(), start);
        clock.advance(Duration::from_secs(30));
        assert_eq!(clock.now_ms(), start + 30_000);
        let copy = clock.clone();
        copy.advance(Duration::from_millis(1));
        assert_eq!(clock.now_ms(), start + 30_001, "clones share the time");
    }
}
