//! Live sockets open per client address: each is a task, buffers and a subscription, so one
//! client (or one script) may hold only so many ([`crate::engine::LiveConfig::max_sockets_per_address`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
pub struct SocketsPerAddress(Arc<Mutex<HashMap<String, usize>>>);

/// One socket's place in the count, given back when dropped (the socket closed).
pub struct SocketSlot {
    table: SocketsPerAddress,
    address: String,
}

impl SocketsPerAddress {
    /// A place for one more socket from `address`, unless it holds `max` already.
    pub fn take(&self, address: &str, max: usize) -> Option<SocketSlot> {
        let mut open = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(address.to_string()).or_default();
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(SocketSlot {
            table: self.clone(),
            address: address.to_string(),
        })
    }

    /// Sockets open now from `address`.
    pub fn open(&self, address: &str) -> usize {
        let open = self.0.lock().unwrap_or_else(|p| p.into_inner());
        open.get(address).copied().unwrap_or(0)
    }
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let mut open = self.table.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.address) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.address);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_holds_at_most_max_and_gets_them_back() {
        let table = SocketsPerAddress::default();
        let held: Vec<_> = (0..3)
            .map(|_| table.take("203.0.113.7", 3).unwrap())
            .collect();
        assert!(table.take("203.0.113.7", 3).is_none());
        assert!(
            table.take("198.51.100.1", 3).is_some(),
            "others are not counted"
        );
        drop(held);
        assert_eq!(table.open("203.0.113.7"), 0);
        assert!(table.take("203.0.113.7", 3).is_some());
    }
}
