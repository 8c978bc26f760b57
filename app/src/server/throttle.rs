//! Sign-in throttling: failed attempts are counted per account and per client address in a
//! fixed window; past the limit, further attempts are refused until the window ends, whether
//! the password is right or not (so guessing cannot go on at full speed).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_account: u32,
    pub per_address: u32,
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_account: 5,
            per_address: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Keys are bounded: past this many, expired windows are dropped, then the oldest.
const MAX_KEYS: usize = 100_000;

#[derive(Clone, Default)]
pub struct Throttle {
    limits: Limits,
    failures: Arc<Mutex<HashMap<String, (u32, Instant)>>>,
}

impl Throttle {
    pub fn new(limits: Limits) -> Throttle {
        Throttle {
            limits,
            failures: Default::default(),
        }
    }

    /// `Err(seconds to wait)` when either key has used up its failures.
    pub fn check(&self, account: &str, address: &str) -> Result<(), u64> {
        let now = Instant::now();
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let blocked = |key: String, limit: u32| {
            map.get(&key).and_then(|(n, start)| {
                let left = self.limits.window.checked_sub(now.duration_since(*start))?;
                (*n >= limit).then(|| left.as_secs().max(1))
            })
        };
        match blocked(account_key(account), self.limits.per_account)
            .or_else(|| blocked(address_key(address), self.limits.per_address))
        {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    pub fn failed(&self, account: &str, address: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_KEYS {
            let window = self.limits.window;
            map.retain(|_, (_, start)| now.duration_since(*start) < window);
            if map.len() >= MAX_KEYS {
                map.clear();
            }
        }
        for key in [account_key(account), address_key(address)] {
            let entry = map.entry(key).or_insert((0, now));
            if now.duration_since(entry.1) >= self.limits.window {
                *entry = (0, now);
            }
            entry.0 += 1;
        }
    }

    /// A successful sign-in clears the account's count (not the address's).
    pub fn succeeded(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&account_key(account));
    }
}

fn account_key(account: &str) -> String {
    format!("a:{}", account.trim().to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("i:{address}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_account: u32, per_address: u32) -> Limits {
        Limits {
            per_account,
            per_address,
            window: Duration::from_secs(60),
        }
    }

    #[test]
    fn an_account_is_locked_after_its_failures_whatever_the_address() {
        let t = Throttle::new(limits(3, 100));
        for i in 0..3 {
            assert!(t.check("A@x.org", &format!("10.0.0.{i}")).is_ok());
            t.failed("a@x.org", &format!("10.0.0.{i}"));
        }
        let wait = t.check("a@x.org", "10.9.9.9").unwrap_err();
        assert!((1..=60).contains(&wait));
        assert!(t.check("b@x.org", "10.9.9.9").is_ok());
    }

    #[test]
    fn an_address_is_locked_after_its_failures_whatever_the_account() {
        let t = Throttle::new(limits(100, 2));
        t.failed("a@x.org", "1.2.3.4");
        t.failed("b@x.org", "1.2.3.4");
        assert!(t.check("c@x.org", "1.2.3.4").is_err());
        assert!(t.check("c@x.org", "5.6.7.8").is_ok());
    }

    #[test]
    fn success_clears_the_account() {
        let t = Throttle::new(limits(2, 100));
        t.failed("a@x.org", "1.2.3.4");
        t.succeeded("a@x.org");
        t.failed("a@x.org", "1.2.3.4");
        assert!(t.check("a@x.org", "1.2.3.4").is_ok());
    }

    #[test]
    fn the_window_ends() {
        let t = Throttle::new(Limits {
            per_account: 1,
            per_address: 1,
            window: Duration::from_millis(20),
        });
        t.failed("a@x.org", "1.2.3.4");
        assert!(t.check("a@x.org", "1.2.3.4").is_err());
        std::thread::sleep(Duration::from_millis(30));
        assert!(t.check("a@x.org", "1.2.3.4").is_ok());
    }
}
