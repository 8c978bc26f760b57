//! Prospects: a sales team's CRM. The collection (model.rs), the booking webhook a booking
//! tool posts to, the public site's contact form, and the notifications the team gets when
//! someone books, cancels or is assigned to them.

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

/// Plug prospects into the engine: the collection and what its changes tell the team.
#[cfg(feature = "ssr")]
pub fn plug_in(parts: &mut crate::engine::Parts) {
    parts.registry.add::<model::Prospect>();
    parts
        .features
        .insert(server::contact::ContactLimit::default());
    parts
        .features
        .insert(server::receipts::ReceiptGate::default());
    parts
        .features
        .insert(server::receipts::BookingLimits::from_env());
    parts.notifiers.push((
        <model::Prospect as crate::core::collection::Collection>::NAME,
        std::sync::Arc::new(server::notifier::notification),
    ));
}
