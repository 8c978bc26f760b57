//! The sync engine: storage, write jobs and group commit, the collection registry, the live
//! hub and subscriptions, the doorbell between nodes, and the server functions' plumbing.
//! It depends only on the core; features plug in through [`Parts`] (their collections,
//! the gate that says who is asking, their state, what they do when an organisation is
//! created) and meet each other through the change log.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod doorbell;
#[cfg(feature = "ssr")]
pub mod hub;
#[cfg(feature = "ssr")]
pub mod live_config;
#[cfg(feature = "ssr")]
pub mod notifications;
#[cfg(feature = "ssr")]
pub mod operations;
#[cfg(feature = "ssr")]
pub mod rate;
#[cfg(feature = "ssr")]
pub mod registry;
#[cfg(feature = "ssr")]
pub mod replace;
#[cfg(feature = "ssr")]
pub mod retention;
#[cfg(feature = "ssr")]
pub mod save;
#[cfg(feature = "ssr")]
pub mod server_fn;
#[cfg(feature = "ssr")]
pub mod sockets;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod subscription;
#[cfg(feature = "ssr")]
pub mod views;
#[cfg(feature = "ssr")]
pub mod writer;

#[cfg(feature = "ssr")]
mod handle;
#[cfg(feature = "ssr")]
pub use handle::*;
