//! Which visitor saw which public page lately: a page view counts once per visitor (their
//! address) per record per period, however often it is loaded, so a script cannot inflate
//! the counters. Kept in memory and bounded; several server processes each count once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::core::principal::OrgId;

/// How long a visitor's view of a page keeps counting as one.
pub const VIEW_PERIOD: Duration = Duration::from_secs(30 * 60);
const MAX_KEYS: usize = 100_000;

type Key = (OrgId, &'static str, String, String);

#[derive(Clone)]
pub struct SeenViews {
    period: Duration,
    seen: Arc<Mutex<HashMap<Key, Instant>>>,
}

impl Default for SeenViews {
    fn default() -> Self {
        SeenViews::new(VIEW_PERIOD)
    }
}

impl SeenViews {
    pub fn new(period: Duration) -> SeenViews {
        SeenViews {
            period,
            seen: Default::default(),
        }
    }

    /// How many (record, visitor) pairs are remembered now.
    pub fn remembered(&self) -> usize {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Whether this is `visitor`'s first view of the record in the period (and remember it).
    pub fn first_in_period(
        &self,
        org: OrgId,
        collection: &'static str,
        id: &str,
        visitor: &str,
    ) -> bool {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() >= MAX_KEYS {
            let period = self.period;
            seen.retain(|_, at| now.duration_since(*at) < period);
            if seen.len() >= MAX_KEYS {
                seen.clear();
            }
        }
        let key = (org, collection, id.to_string(), visitor.to_string());
        match seen.get(&key) {
            Some(at) if now.duration_since(*at) < self.period => false,
            _ => {
                seen.insert(key, now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visitor_counts_once_per_record_per_period() {
        let views = SeenViews::new(Duration::from_millis(30));
        assert!(views.first_in_period(1, "services", "bread", "10.0.0.1"));
        assert!(!views.first_in_period(1, "services", "bread", "10.0.0.1"));
        assert!(views.first_in_period(1, "services", "bread", "10.0.0.2"));
        assert!(views.first_in_period(1, "services", "cake", "10.0.0.1"));
        assert!(views.first_in_period(2, "services", "bread", "10.0.0.1"));
        std::thread::sleep(Duration::from_millis(40));
        assert!(views.first_in_period(1, "services", "bread", "10.0.0.1"));
    }
}
