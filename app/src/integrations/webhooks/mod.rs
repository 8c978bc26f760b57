//! Outbound webhooks: endpoints an admin registers, signed deliveries of every change.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

/// Plug webhooks into the engine: where deliveries may go, and the changes not yet sent,
/// which the change log's retention must keep.
#[cfg(feature = "ssr")]
pub fn plug_in(parts: &mut crate::engine::Parts, policy: server::outbound::OutboundPolicy) {
    parts.features.insert(policy);
    parts.log_holds.push(std::sync::Arc::new(|db, org| {
        Box::pin(server::deliveries::oldest_unsent(db, org))
    }));
}
