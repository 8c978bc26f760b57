//! Outbound webhooks: endpoints an admin registers, signed deliveries of every change.

pub mod api;
#[cfg(feature = "ssr")]
pub mod deliveries;
#[cfg(feature = "ssr")]
pub mod outbound;
pub mod page;

/// Plug webhooks into the engine: where deliveries may go.
#[cfg(feature = "ssr")]
pub fn plug_in(parts: &mut crate::engine::Parts, policy: outbound::OutboundPolicy) {
    parts.features.insert(policy);
}
