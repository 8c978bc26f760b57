//! Password throttling (signing in, changing one's password): attempts are counted per
//! account from one address, per account from everywhere (a higher ceiling) and per client
//! address, in a fixed window, before the password is checked; past
//! the limit, further attempts are refused until the window ends, whether the password is
//! right or not (so guessing cannot go on at full speed). A success clears the account's
//! count, so only failures add up in practice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Attempts on one account from one address: what a guesser gets, and all that a
    /// stranger can spend of the owner's attempts (the owner, elsewhere, still signs in).
    pub per_account: u32,
    /// Attempts on one account from every address together: guessing from many addresses.
    pub per_account_everywhere: u32,
    pub per_address: u32,
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_account: 5,
            per_account_everywhere: 50,
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

    /// Count one attempt against both keys, unless either has used up its attempts: then
    /// `Err(seconds to wait)` and nothing is counted. Counting and checking happen under one
    /// lock, before the password is looked at, so parallel guesses cannot all slip through
    /// one check. A success then takes the account's count back ([`Throttle::succeeded`]).
    pub fn attempt(&self, account: &str, address: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let keys = [
            (pair_key(account, address), self.limits.per_account),
            (account_key(account), self.limits.per_account_everywhere),
            (address_key(address), self.limits.per_address),
        ];
        let window = self.limits.window;
        for (key, limit) in &keys {
            let live = map
                .get(key)
                .filter(|(_, start)| now.duration_since(*start) < window);
            if let Some((n, start)) = live {
                if *n >= *limit {
                    let left = window.saturating_sub(now.duration_since(*start));
                    return Err(left.as_secs().max(1));
                }
            }
        }
        if map.len() >= MAX_KEYS {
            map.retain(|_, (_, start)| now.duration_since(*start) < window);
            if map.len() >= MAX_KEYS {
                map.clear();
            }
        }
        for (key, _) in keys {
            let entry = map.entry(key).or_insert((0, now));
            if now.duration_since(entry.1) >= window {
                *entry = (0, now);
            }
            entry.0 += 1;
        }
        Ok(())
    }

    /// A successful sign-in clears the account's counts (not the address's).
    pub fn succeeded(&self, account: &str, address: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&pair_key(account, address));
        map.remove(&account_key(account));
    }
}

fn account_key(account: &str) -> String {
    format!("a:{}", account.trim().to_lowercase())
}

fn pair_key(account: &str, address: &str) -> String {
    format!("p:{address}:{}", account.trim().to_lowercase())
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
            per_account_everywhere: per_account * 3,
            per_address,
            window: Duration::from_secs(60),
        }
    }

    #[test]
    fn a_guesser_is_stopped_but_the_owner_elsewhere_still_signs_in() {
        let t = Throttle::new(limits(3, 100));
        for _ in 0..3 {
            assert!(t.attempt("A@x.org", "10.0.0.1").is_ok());
        }
        let wait = t.attempt("a@x.org", "10.0.0.1").unwrap_err();
        assert!((1..=60).contains(&wait));
        assert!(t.attempt("b@x.org", "10.0.0.1").is_ok());
        assert!(t.attempt("a@x.org", "10.9.9.9").is_ok(), "the owner");
    }

    #[test]
    fn an_account_is_locked_after_its_attempts_from_every_address_together() {
        let t = Throttle::new(limits(3, 100));
        for i in 0..9 {
            assert!(t.attempt("a@x.org", &format!("10.0.0.{}", i / 3)).is_ok());
        }
        assert!(t.attempt("a@x.org", "10.9.9.9").is_err());
    }

    #[test]
    fn an_address_is_locked_after_its_attempts_whatever_the_account() {
        let t = Throttle::new(limits(100, 2));
        t.attempt("a@x.org", "1.2.3.4").unwrap();
        t.attempt("b@x.org", "1.2.3.4").unwrap();
        assert!(t.attempt("c@x.org", "1.2.3.4").is_err());
        assert!(t.attempt("c@x.org", "5.6.7.8").is_ok());
    }

    #[test]
    fn success_clears_the_account() {
        let t = Throttle::new(limits(2, 100));
        t.attempt("a@x.org", "1.2.3.4").unwrap();
        t.succeeded("a@x.org", "1.2.3.4");
        t.attempt("a@x.org", "1.2.3.4").unwrap();
        assert!(t.attempt("a@x.org", "1.2.3.4").is_ok());
        assert!(t.attempt("a@x.org", "1.2.3.4").is_err());
    }

    #[test]
    fn parallel_attempts_get_exactly_the_limit() {
        // Two addresses, five each: exactly ten of forty get through.
        let t = Throttle::new(limits(5, 1000));
        let passed: usize = std::thread::scope(|s| {
            let handles: Vec<_> = (0..40)
                .map(|i| {
                    let t = t.clone();
                    s.spawn(move || t.attempt("a@x.org", &format!("10.0.0.{}", i % 2)).is_ok())
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap() as usize)
                .sum()
        });
        assert_eq!(passed, 10);
    }

    #[test]
    fn the_window_ends() {
        let t = Throttle::new(Limits {
            per_account: 1,
            per_account_everywhere: 1,
            per_address: 1,
            window: Duration::from_millis(20),
        });
        t.attempt("a@x.org", "1.2.3.4").unwrap();
        assert!(t.attempt("a@x.org", "1.2.3.4").is_err());
        std::thread::sleep(Duration::from_millis(30));
        assert!(t.attempt("a@x.org", "1.2.3.4").is_ok());
    }
}
