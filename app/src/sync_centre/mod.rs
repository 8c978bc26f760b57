//! The sync centre (`/synchronisation`): the operations log every feature writes to
//! (`core::operation`, `engine::operations`), versioned backups on disk with a schedule and a
//! retention rule, restore and import after a dry run, JSON export, and statistics.

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

/// Who the schedule's backups are made by, in the log and in records' history.
pub const SCHEDULE_ACTOR: &str = "planification";

/// Plug the sync centre into the engine: its collections and where backups go.
#[cfg(feature = "ssr")]
pub fn plug_in(parts: &mut crate::engine::Parts, config: server::config::BackupConfig) {
    parts.registry.add::<model::Backup>();
    parts.registry.add::<model::Schedule>();
    parts.features.insert(config);
    parts.features.insert(server::config::Running::default());
}
