//! The shop: products on the public site (`/boutique`), a cart kept in the browser, a
//! checkout that takes stock and numbers the order in one write, the orders desk where each
//! order appears the moment it is committed, and the dashboard of the day's figures.

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

/// Plug the shop into the engine: its collections, the checkout's limit, what a new order
/// tells the team.
#[cfg(feature = "ssr")]
pub fn plug_in(parts: &mut crate::engine::Parts) {
    parts.registry.add::<model::Product>();
    parts.registry.add::<model::Order>();
    parts
        .features
        .insert(server::checkout::CheckoutLimit::from_env());
    parts.notifiers.push((
        <model::Order as crate::core::collection::Collection>::NAME,
        std::sync::Arc::new(server::notifier::notification),
    ));
}
