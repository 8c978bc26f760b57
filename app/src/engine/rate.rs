//! A count of what each address did in a window (messages sent, orders placed), kept in this
//! process: the public forms' limit per visitor. Each feature wraps one in a type of its own,
//! so the engine keeps them apart (`Engine::feature`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Addresses remembered at most; past it, expired windows go, then everything.
const MAX_KEYS: usize = 100_000;

/// At most `per_window` actions per address in each `window`.
#[derive(Clone)]
pub struct PerAddress {
    per_window: u32,
    window: Duration,
    seen: Arc<Mutex<HashMap<String, (u32, Instant)>>>,
}

impl PerAddress {
    pub fn new(per_window: u32, window: Duration) -> Self {
        Self {
            per_window,
            window,
            seen: Arc::default(),
        }
    }

    /// Count one action from `address`, unless it has had its share.
    pub fn allow(&self, address: &str) -> bool {
        let now = Instant::now();
        let mut map = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_KEYS {
            map.retain(|_, (_, start)| now.duration_since(*start) < self.window);
            if map.len() >= MAX_KEYS {
                map.clear();
            }
        }
        let entry = map.entry(address.to_string()).or_insert((0, now));
        if now.duration_since(entry.1) >= self.window {
            *entry = (0, now);
        }
        if entry.0 >= self.per_window {
            return false;
        }
        entry.0 += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_acts_a_few_times_then_waits() {
        let limit = PerAddress::new(3, Duration::from_secs(3600));
        for _ in 0..3 {
            assert!(limit.allow("203.0.113.7"));
        }
        assert!(!limit.allow("203.0.113.7"));
        assert!(limit.allow("198.51.100.1"), "others are not counted");
    }
}
