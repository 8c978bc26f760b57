//! Server functions for the content collections. Each is a thin wrapper: authorise, then one
//! generic engine call.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{SaveOutcome, Snapshot};
use crate::error::AppError;
use crate::model::{Service, Solution, TeamMember};

#[cfg(feature = "ssr")]
use crate::{roles::Permission, server::save};

/// Published team members, public fields only.
#[server(endpoint = "team/public")]
pub async fn public_team() -> Result<Snapshot<Vec<TeamMember>>, AppError> {
    super::with_access(Permission::ReadPublic, |e, who| async move {
        save::list(&e, &who, true).await
    })
    .await
}

#[server(endpoint = "team/staff")]
pub async fn staff_team() -> Result<Snapshot<Vec<TeamMember>>, AppError> {
    super::with_access(Permission::ReadContent, |e, who| async move {
        save::list(&e, &who, false).await
    })
    .await
}

/// Save the team list: upsert by id, create items without one, keep the list's order.
#[server(endpoint = "team/sync", input = Json)]
pub async fn sync_team(members: Vec<TeamMember>) -> Result<Vec<SaveOutcome<TeamMember>>, AppError> {
    super::with_access(Permission::WriteContent, |e, who| async move {
        save::save_list(&e, &who, members).await
    })
    .await
}

#[server(endpoint = "services/public")]
pub async fn public_services() -> Result<Snapshot<Vec<Service>>, AppError> {
    super::with_access(Permission::ReadPublic, |e, who| async move {
        save::list(&e, &who, true).await
    })
    .await
}

#[server(endpoint = "services/staff")]
pub async fn staff_services() -> Result<Snapshot<Vec<Service>>, AppError> {
    super::with_access(Permission::ReadContent, |e, who| async move {
        save::list(&e, &who, false).await
    })
    .await
}

#[server(endpoint = "services/sync", input = Json)]
pub async fn sync_services(services: Vec<Service>) -> Result<Vec<SaveOutcome<Service>>, AppError> {
    super::with_access(Permission::WriteContent, |e, who| async move {
        save::save_list(&e, &who, services).await
    })
    .await
}

/// A visitor opens a published service's page: counts the view and returns its public fields.
#[server(endpoint = "services/page")]
pub async fn service_page(id: String) -> Result<Snapshot<Service>, AppError> {
    super::with_access(Permission::ReadPublic, |e, who| async move {
        save::public_page::<Service>(&e, &who, &id, &super::visitor(&e)).await
    })
    .await
}

#[server(endpoint = "solutions/page")]
pub async fn solution_page(id: String) -> Result<Snapshot<Solution>, AppError> {
    super::with_access(Permission::ReadPublic, |e, who| async move {
        save::public_page::<Solution>(&e, &who, &id, &super::visitor(&e)).await
    })
    .await
}

/// Count a public visitor's view of a published service.
#[server(endpoint = "services/view")]
pub async fn view_service(id: String) -> Result<i64, AppError> {
    super::with_access(Permission::ReadPublic, |e, who| async move {
        save::count_view::<Service>(&e, &who, &id, &super::visitor(&e)).await
    })
    .await
}

#[server(endpoint = "solutions/public")]
pub async fn public_solutions() -> Result<Snapshot<Vec<Solution>>, AppError> {
    super::with_access(Permission::ReadPublic, |e, who| async move {
        save::list(&e, &who, true).await
    })
    .await
}

#[server(endpoint = "solutions/staff")]
pub async fn staff_solutions() -> Result<Snapshot<Vec<Solution>>, AppError> {
    super::with_access(Permission::ReadContent, |e, who| async move {
        save::list(&e, &who, false).await
    })
    .await
}

#[server(endpoint = "solutions/sync", input = Json)]
pub async fn sync_solutions(
    solutions: Vec<Solution>,
) -> Result<Vec<SaveOutcome<Solution>>, AppError> {
    super::with_access(Permission::WriteContent, |e, who| async move {
        save::save_list(&e, &who, solutions).await
    })
    .await
}

#[server(endpoint = "solutions/view")]
pub async fn view_solution(id: String) -> Result<i64, AppError> {
    super::with_access(Permission::ReadPublic, |e, who| async move {
        save::count_view::<Solution>(&e, &who, &id, &super::visitor(&e)).await
    })
    .await
}

/// What the generic [`sync`] does to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncOp {
    /// `payload`: the new record (its id may be empty).
    Create,
    /// `payload`: a [`RecordEdit`].
    Update,
    /// `payload`: `{"id": "…"}`.
    Delete,
}

/// Options of the generic [`sync`]; both default to true.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncOptions {
    /// False: write (and publish) a new version even when nothing changed.
    #[serde(default = "yes")]
    pub only_if_changed: bool,
    /// False: log and publish the change live, but do not send it to webhooks.
    #[serde(default = "yes")]
    pub notify: bool,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            only_if_changed: true,
            notify: true,
        }
    }
}

fn yes() -> bool {
    true
}

/// Result of the generic [`sync`], untyped like its payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncResult {
    /// `saved`, `unchanged` or `deleted`.
    pub outcome: String,
    pub record: Option<Value>,
    pub seq: Option<i64>,
}

/// The escape hatch: any operation on any collection by name, with the same merge rules.
#[server(endpoint = "sync", input = Json)]
pub async fn sync(
    collection: String,
    op: SyncOp,
    payload: Value,
    #[server(default)] options: SyncOptions,
) -> Result<SyncResult, AppError> {
    super::with_access(Permission::WriteContent, |e, who| async move {
        crate::server::dispatch::sync(&e, &who, &collection, op, payload, options).await
    })
    .await
}

/// Any collection's published records by name, public fields only, as JSON: what the public
/// pages show (one generic page instead of one per collection keeps the browser bundle small).
#[server(endpoint = "list/public")]
pub async fn public_list(collection: String) -> Result<Snapshot<Vec<Value>>, AppError> {
    super::with_access(Permission::ReadPublic, |e, who| async move {
        crate::server::dispatch::list(&e, &who, &collection, true).await
    })
    .await
}

/// A visitor opens one published record's page: counts the view, returns its public fields.
#[server(endpoint = "page/public")]
pub async fn public_record(collection: String, id: String) -> Result<Snapshot<Value>, AppError> {
    super::with_access(Permission::ReadPublic, |e, who| async move {
        let visitor = super::visitor(&e);
        crate::server::dispatch::public_page(&e, &who, &collection, &id, &visitor).await
    })
    .await
}

/// Any collection's records by name, as JSON: what the generic backoffice editor works on.
#[server(endpoint = "list/staff")]
pub async fn staff_list(collection: String) -> Result<Snapshot<Vec<Value>>, AppError> {
    super::with_access(Permission::ReadContent, |e, who| async move {
        crate::server::dispatch::list(&e, &who, &collection, false).await
    })
    .await
}

/// Save part or all of any collection's list by name (see [`sync_team`] for the rules).
#[server(endpoint = "list/sync", input = Json)]
pub async fn sync_list(collection: String, items: Vec<Value>) -> Result<Vec<SyncResult>, AppError> {
    super::with_access(Permission::WriteContent, |e, who| async move {
        crate::server::dispatch::save_list(&e, &who, &collection, items).await
    })
    .await
}

/// One field's change in a record's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDiff {
    pub field: String,
    pub before: Value,
    pub after: Value,
}

/// One entry of a record's history, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub seq: i64,
    pub version: i64,
    pub op: crate::live::ChangeOp,
    pub actor: String,
    pub at: i64,
    pub changes: Vec<FieldDiff>,
}

#[server(endpoint = "history")]
pub async fn history(collection: String, id: String) -> Result<Vec<HistoryEntry>, AppError> {
    super::with_access(Permission::ReadContent, |e, who| async move {
        crate::server::dispatch::history(&e, &who, &collection, &id).await
    })
    .await
}

/// A deleted record that can be restored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeletedRecord {
    pub id: String,
    /// Its version number counts the deletion; restore `deleted_version - 1` for its last state.
    pub deleted_version: i64,
    pub deleted_at: i64,
    pub deleted_by: String,
    /// The record as it was when deleted.
    pub last: Value,
}

#[server(endpoint = "deleted")]
pub async fn deleted(collection: String) -> Result<Vec<DeletedRecord>, AppError> {
    super::with_access(Permission::ReadContent, |e, who| async move {
        crate::server::dispatch::deleted(&e, &who, &collection).await
    })
    .await
}

/// Bring a record back to an earlier version; the restore is itself a merged save.
#[server(endpoint = "restore")]
pub async fn restore(collection: String, id: String, version: i64) -> Result<SyncResult, AppError> {
    super::with_access(Permission::WriteContent, |e, who| async move {
        crate::server::dispatch::restore(&e, &who, &collection, &id, version).await
    })
    .await
}
