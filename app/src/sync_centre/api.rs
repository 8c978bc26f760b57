//! The sync centre's server functions: admins act (back up, restore, delete, schedule),
//! supervisors read (health, schedule), operators and editors are refused. Files go through
//! plain routes (server/src/sync_routes.rs): download, export, upload.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::core::error::AppError;
use crate::core::operation::ReplacePlan;
use crate::sync_centre::model::{Backup, BackupHealth, RestorePreview, Schedule, Stats};

#[cfg(feature = "ssr")]
use crate::{core::roles::Permission, engine::server_fn::with_access, sync_centre::server as sync};

/// Where a backup's file is downloaded from.
pub fn backup_file_path(id: &str) -> String {
    format!("{FILE_PATH}/{id}")
}
pub const FILE_PATH: &str = "/api/sync/file";
/// `GET` with `?collection=` for one: the organisation's data as a file.
pub const EXPORT_PATH: &str = "/api/sync/export";
/// `GET` with `?days=&kind=&status=`: the log's operations as CSV.
pub const LOGS_CSV_PATH: &str = "/api/sync/logs.csv";
/// `POST` a backup file as the body (`?name=` its file name): kept for a restore.
pub const IMPORT_PATH: &str = "/api/sync/import";

/// "Sauvegarder maintenant".
#[server(endpoint = "sync/backup_now", input = Json)]
pub async fn backup_now() -> Result<Backup, AppError> {
    with_access(Permission::ManageSyncCentre, |engine, who| async move {
        sync::backup::make(&engine, &who, crate::sync_centre::model::Origin::Manual).await
    })
    .await
}

/// The dry run of restoring backup `id`.
#[server(endpoint = "sync/restore_preview", input = Json)]
pub async fn preview_restore(id: String) -> Result<RestorePreview, AppError> {
    with_access(Permission::ManageSyncCentre, |engine, who| async move {
        sync::restore::preview(&engine, &who, &id).await
    })
    .await
}

/// Restore backup `id`, as previewed (`checksum` names the file the dry run read).
#[server(endpoint = "sync/restore", input = Json)]
pub async fn restore_backup(id: String, checksum: String) -> Result<ReplacePlan, AppError> {
    with_access(Permission::ManageSyncCentre, |engine, who| async move {
        sync::restore::apply(&engine, &who, &id, &checksum).await
    })
    .await
}

/// Delete backup `id` and its file.
#[server(endpoint = "sync/delete_backup", input = Json)]
pub async fn delete_backup(id: String) -> Result<(), AppError> {
    with_access(Permission::ManageSyncCentre, |engine, who| async move {
        let backup = sync::restore::backup_record(&engine, &who, &id).await?;
        sync::backup::remove(&engine, &who, &backup).await
    })
    .await
}

/// The header's backup badge.
#[server(endpoint = "sync/health", input = Json)]
pub async fn read_backup_health() -> Result<BackupHealth, AppError> {
    with_access(Permission::ReadSyncCentre, |engine, who| async move {
        sync::schedule::health(&engine, &who).await
    })
    .await
}

/// The backup schedule and retention rule, and the shortest interval this server allows.
#[server(endpoint = "sync/schedule", input = Json)]
pub async fn backup_schedule() -> Result<(Schedule, i64), AppError> {
    with_access(Permission::ReadSyncCentre, |engine, who| async move {
        let min = engine
            .feature::<sync::config::BackupConfig>()
            .min_every_secs;
        Ok((sync::schedule::read(&engine, who.org).await?, min))
    })
    .await
}

/// Change the schedule (`every_secs` 0: off) and the retention rule.
#[server(endpoint = "sync/save_schedule", input = Json)]
pub async fn save_backup_schedule(
    every_secs: i64,
    keep_last: i64,
    keep_daily_days: i64,
) -> Result<Schedule, AppError> {
    with_access(Permission::ManageSyncCentre, |engine, who| async move {
        let wanted = Schedule {
            every_secs,
            keep_last,
            keep_daily_days,
            ..Default::default()
        };
        sync::schedule::save(&engine, &who, wanted).await
    })
    .await
}

/// The statistics of the last `days` days (7, 30 or 90), with their charts.
#[server(endpoint = "sync/stats", input = Json)]
pub async fn sync_stats(days: i64) -> Result<Stats, AppError> {
    with_access(Permission::ReadSyncCentre, |engine, who| async move {
        sync::stats::stats(&engine, &who, days).await
    })
    .await
}
