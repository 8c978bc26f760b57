//! Webhooks' server side: deliveries (registration, the worker) and where they may go.

pub mod deliveries;
pub mod outbound;
