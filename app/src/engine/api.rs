//! The one way into every collection: generic server functions over the collection registry,
//! each checking the permission that collection declares for reading or writing.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde_json::Value;

use crate::core::error::AppError;
use crate::core::wire::{DeletedRecord, HistoryEntry, Snapshot, SyncOp, SyncOptions, SyncResult};

#[cfg(feature = "ssr")]
use crate::core::roles::Permission;

/// The escape hatch: any operation on any collection by name, with the same merge rules.
#[server(endpoint = "sync", input = Json)]
pub async fn sync(
    collection: String,
    op: SyncOp,
    payload: Value,
    #[server(default)] options: SyncOptions,
) -> Result<SyncResult, AppError> {
    on_collection(&collection, Access::Write, |e, entry, who| {
        Box::pin(async move { entry.sync(e, &who, op, payload, options).await })
    })
    .await
}

/// Any collection's published records by name, public fields only, as JSON: what the public
/// pages show (one generic page instead of one per collection keeps the browser bundle small).
#[server(endpoint = "list/public")]
pub async fn public_list(collection: String) -> Result<Snapshot<Vec<Value>>, AppError> {
    on_collection(&collection, Access::Public, |e, entry, who| {
        Box::pin(async move { entry.list(e, &who, true).await })
    })
    .await
}

/// A visitor opens one published record's page: counts the view, returns its public fields.
#[server(endpoint = "page/public")]
pub async fn public_record(collection: String, id: String) -> Result<Snapshot<Value>, AppError> {
    on_collection(&collection, Access::Public, |e, entry, who| {
        Box::pin(async move {
            let visitor = super::server_fn::visitor(e);
            entry.public_page(e, &who, &id, &visitor).await
        })
    })
    .await
}

/// Any collection's records by name, as JSON: what the generic backoffice editor works on.
#[server(endpoint = "list/staff")]
pub async fn staff_list(collection: String) -> Result<Snapshot<Vec<Value>>, AppError> {
    on_collection(&collection, Access::Read, |e, entry, who| {
        Box::pin(async move { entry.list(e, &who, false).await })
    })
    .await
}

/// Save part or all of any collection's list by name (see [`sync_team`] for the rules).
#[server(endpoint = "list/sync", input = Json)]
pub async fn sync_list(collection: String, items: Vec<Value>) -> Result<Vec<SyncResult>, AppError> {
    on_collection(&collection, Access::Write, |e, entry, who| {
        Box::pin(async move { entry.save_list(e, &who, items).await })
    })
    .await
}

#[server(endpoint = "history")]
pub async fn history(collection: String, id: String) -> Result<Vec<HistoryEntry>, AppError> {
    on_collection(&collection, Access::Read, |e, entry, who| {
        Box::pin(async move { entry.history(e, &who, &id).await })
    })
    .await
}

#[server(endpoint = "deleted")]
pub async fn deleted(collection: String) -> Result<Vec<DeletedRecord>, AppError> {
    on_collection(&collection, Access::Read, |e, entry, who| {
        Box::pin(async move { entry.deleted(e, &who).await })
    })
    .await
}

/// Bring a record back to an earlier version; the restore is itself a merged save.
#[server(endpoint = "restore")]
pub async fn restore(collection: String, id: String, version: i64) -> Result<SyncResult, AppError> {
    on_collection(&collection, Access::Write, |e, entry, who| {
        Box::pin(async move { entry.restore(e, &who, &id, version).await })
    })
    .await
}

/// Run `f` for a caller allowed `access` on `collection`, as that collection declares.
#[cfg(feature = "ssr")]
async fn on_collection<T, F>(collection: &str, access: Access, f: F) -> Result<T, AppError>
where
    F: for<'a> FnOnce(
        &'a crate::engine::Engine,
        &'a dyn crate::engine::registry::Entry,
        crate::core::principal::Principal,
    ) -> crate::engine::BoxFuture<'a, Result<T, AppError>>,
{
    super::server_fn::with_request(|engine, parts| async move {
        let entry = engine.registry.get(collection)?;
        let permission = match access {
            Access::Public if entry.public() => Permission::ReadPublic,
            // As if it did not exist: the public may not learn what the backoffice holds.
            Access::Public => {
                return Err(AppError::NotFound(
                    crate::engine::registry::collection_named(collection),
                ))
            }
            Access::Read => entry.read(),
            Access::Write => entry.write(),
        };
        let who = engine.gate().authorize(&engine, &parts, permission).await?;
        f(&engine, entry, who).await
    })
    .await
}

#[cfg(feature = "ssr")]
#[derive(Clone, Copy)]
enum Access {
    Public,
    Read,
    Write,
}

/// The signed-in member's notifications (core/notification.rs).
#[server(endpoint = "notifications/list")]
pub async fn notifications() -> Result<crate::core::notification::Notifications, AppError> {
    // Any member (as for the live feed); each notification only from a collection they read.
    crate::engine::server_fn::with_access(
        crate::core::roles::Permission::FollowFeed,
        |engine, who| async move { crate::engine::notifications::list(&engine, &who).await },
    )
    .await
}

/// The member has seen their notifications up to the change `through`.
#[server(endpoint = "notifications/seen")]
pub async fn mark_notifications_seen(through: i64) -> Result<(), AppError> {
    crate::engine::server_fn::with_access(
        crate::core::roles::Permission::FollowFeed,
        |engine, who| async move {
            crate::engine::notifications::mark_seen(&engine, &who, through).await
        },
    )
    .await
}
