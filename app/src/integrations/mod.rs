//! What connects Courant to other systems. Today: outbound webhooks; the sync centre grows here.

pub mod webhooks;
