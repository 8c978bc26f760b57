//! Prospects' own server functions: the booking webhook's settings and receipts (admins;
//! supervisors read), and the public site's contact form. The list, edits, history and
//! restore go through the generic functions (engine/api.rs), which check the collection's
//! permissions.

use leptos::prelude::*;

use crate::core::error::AppError;

#[cfg(feature = "ssr")]
use crate::core::roles::Permission;

pub use crate::prospects::model::Prospect;

/// The booking webhook's address and whether its keys are set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BookingInfo {
    pub path: String,
    pub has_secret: bool,
    pub has_previous_secret: bool,
}

/// One request the booking webhook received.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReceiptInfo {
    pub id: i64,
    pub received_at: i64,
    pub event: String,
    pub outcome: String,
    pub reason: String,
    pub prospect_id: Option<String>,
}

#[cfg(feature = "ssr")]
fn info(c: crate::prospects::server::booking::BookingConfig) -> BookingInfo {
    BookingInfo {
        path: c.path,
        has_secret: c.has_secret,
        has_previous_secret: c.has_previous_secret,
    }
}

#[server(endpoint = "booking/config")]
pub async fn booking_config() -> Result<BookingInfo, AppError> {
    crate::engine::server_fn::with_access(Permission::ReadSyncCentre, |engine, who| async move {
        crate::prospects::server::booking::config(&engine, who.org)
            .await
            .map(info)
    })
    .await
}

/// Set the signing key (the previous one keeps working until the next change).
#[server(endpoint = "booking/secret")]
pub async fn set_booking_secret(secret: String) -> Result<BookingInfo, AppError> {
    crate::engine::server_fn::with_access(Permission::ManageSyncCentre, |engine, who| async move {
        crate::prospects::server::booking::set_secret(&engine, who.org, &secret)
            .await
            .map(info)
    })
    .await
}

/// The latest receipts, newest first; `before` an id for the next page.
#[server(endpoint = "booking/receipts")]
pub async fn booking_receipts(
    #[server(default)] before: Option<i64>,
) -> Result<Vec<ReceiptInfo>, AppError> {
    crate::engine::server_fn::with_access(Permission::ReadSyncCentre, |engine, who| async move {
        let list =
            crate::prospects::server::booking::receipts(&engine, who.org, before, 50).await?;
        Ok(list
            .into_iter()
            .map(|r| ReceiptInfo {
                id: r.id,
                received_at: r.received_at,
                event: r.event,
                outcome: r.outcome,
                reason: r.reason,
                prospect_id: r.prospect_id,
            })
            .collect())
    })
    .await
}

/// The public site's contact form. The answer never says whether the team knew the writer.
#[server(endpoint = "contact")]
pub async fn send_contact(
    name: String,
    email: String,
    #[server(default)] phone: String,
    message: String,
    #[server(default)] website: String,
) -> Result<(), AppError> {
    let call =
        crate::engine::server_fn::with_access(Permission::ReadPublic, |engine, who| async move {
            let address = crate::engine::server_fn::visitor(&engine);
            let form = crate::prospects::server::contact::Message {
                name,
                email,
                phone,
                message,
                website,
            };
            crate::prospects::server::contact::submit(&engine, &who, &address, form).await
        });
    // Posted before (or without) the WASM: back to the form with its errors, or to its thanks.
    crate::engine::server_fn::answer_plain_form_back(call, SENT_PATH).await
}

/// The contact page saying the message was sent (a form posted without the WASM lands there).
pub const SENT_PATH: &str = "/contact?envoye=1";
