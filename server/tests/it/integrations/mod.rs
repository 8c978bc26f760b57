//! Integrations: outbound webhooks.

mod webhooks;
