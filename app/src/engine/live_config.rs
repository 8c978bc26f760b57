//! Tunables of the live feed, read from the environment (the README lists them).

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct LiveConfig {
    /// A client resuming further behind than this many changes gets a `resync` (it reloads its
    /// data) instead of a replay: one snapshot is cheaper than that many events.
    pub replay_max_changes: i64,
    /// …or whose first missed change is older than this.
    pub replay_max_age: Duration,
    /// A socket that cannot take the next frame for this long is closed (its client resumes
    /// from the change log when it reconnects): a stalled reader must not hold a task forever.
    pub send_timeout: Duration,
    pub ping_every: Duration,
    /// A client silent this long (it answers every ping) is gone.
    pub idle_timeout: Duration,
    /// Only one server process uses this PostgreSQL database: skip the cross-node doorbell.
    pub single_node: bool,
    /// Live sockets one client address may hold open at once (an IPv6 client counts by its
    /// /64); the next is closed with [`crate::core::protocol::close::TOO_MANY_SOCKETS`].
    pub max_sockets_per_address: usize,
    /// How much of the change log is kept beyond the replay window.
    pub retention: super::retention::Retention,
}

impl Default for LiveConfig {
    fn default() -> Self {
        LiveConfig {
            replay_max_changes: 10_000,
            replay_max_age: Duration::from_secs(7 * 24 * 3600),
            send_timeout: Duration::from_secs(10),
            ping_every: Duration::from_secs(15),
            idle_timeout: Duration::from_secs(45),
            single_node: false,
            max_sockets_per_address: 100,
            retention: Default::default(),
        }
    }
}

impl LiveConfig {
    /// `COURANT_REPLAY_MAX_CHANGES`, `COURANT_REPLAY_MAX_AGE_SECS`,
    /// `COURANT_LIVE_SEND_TIMEOUT_MS`, `COURANT_SINGLE_NODE=1`, `COURANT_LIVE_MAX_PER_ADDRESS`,
    /// `COURANT_LOG_KEEP_VERSIONS`, `COURANT_LOG_PRUNE_SECS`; anything unset or unreadable
    /// keeps its default.
    pub fn from_env() -> LiveConfig {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let d = LiveConfig::default();
        LiveConfig {
            replay_max_changes: var("COURANT_REPLAY_MAX_CHANGES")
                .map_or(d.replay_max_changes, |n| n.max(1) as i64),
            replay_max_age: var("COURANT_REPLAY_MAX_AGE_SECS")
                .map_or(d.replay_max_age, Duration::from_secs),
            send_timeout: var("COURANT_LIVE_SEND_TIMEOUT_MS")
                .map_or(d.send_timeout, Duration::from_millis),
            single_node: var("COURANT_SINGLE_NODE") == Some(1),
            max_sockets_per_address: var("COURANT_LIVE_MAX_PER_ADDRESS")
                .map_or(d.max_sockets_per_address, |n| n.max(1) as usize),
            retention: super::retention::Retention::from_env(),
            ..d
        }
    }
}
