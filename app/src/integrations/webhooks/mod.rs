//! Outbound webhooks: endpoints an admin registers, signed deliveries of every change.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

/// Plug webhooks into the engine: where deliveries may go.
#[cfg(feature = "ssr")]
pub fn plug_in(parts: &mut crate::engine::Parts, policy: server::outbound::OutboundPolicy) {
    parts.features.insert(policy);
}
