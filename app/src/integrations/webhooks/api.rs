//! Server functions of the sync centre's outbound webhooks.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::core::error::AppError;

#[cfg(feature = "ssr")]
use crate::{core::roles::Permission, integrations::webhooks::server::deliveries as webhooks};

/// A registered endpoint (the secret is shown only when it is created).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookInfo {
    pub id: String,
    pub url: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedWebhook {
    pub webhook: WebhookInfo,
    /// Shown this once: the receiver needs it to verify signatures.
    pub secret: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryInfo {
    pub seq: i64,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub delivered_at: Option<i64>,
}

#[server(endpoint = "webhooks/list")]
pub async fn list_webhooks() -> Result<Vec<WebhookInfo>, AppError> {
    crate::engine::server_fn::with_access(Permission::ReadSyncCentre, |e, who| async move {
        webhooks::list(&e, &who).await
    })
    .await
}

/// Register an endpoint; an empty secret gets a generated one.
#[server(endpoint = "webhooks/create")]
pub async fn create_webhook(url: String, secret: String) -> Result<CreatedWebhook, AppError> {
    crate::engine::server_fn::with_access(Permission::ManageSyncCentre, |e, who| async move {
        let (hook, secret) = webhooks::register(&e, &who, &url, &secret).await?;
        Ok(CreatedWebhook {
            webhook: hook,
            secret,
        })
    })
    .await
}

#[server(endpoint = "webhooks/delete")]
pub async fn delete_webhook(id: String) -> Result<(), AppError> {
    crate::engine::server_fn::with_access(Permission::ManageSyncCentre, |e, who| async move {
        webhooks::remove(&e, &who, &id).await
    })
    .await
}

/// The newest deliveries of one endpoint.
#[server(endpoint = "webhooks/deliveries")]
pub async fn webhook_deliveries(id: String) -> Result<Vec<DeliveryInfo>, AppError> {
    crate::engine::server_fn::with_access(Permission::ReadSyncCentre, |e, who| async move {
        webhooks::deliveries(&e, &who, &id, 100).await
    })
    .await
}
