//! What server functions send and receive around records, for every collection: read
//! snapshots, save outcomes, the generic sync's operations and results, history.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One record read together with the change-log position it is at least as new as; the page
/// subscribes to the live feed from `seq`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot<T> {
    pub record: T,
    pub seq: i64,
    pub seq_at: Option<i64>,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SaveOutcome<T> {
    /// Written and published as change `seq`.
    Saved {
        record: T,
        seq: i64,
        changed: Vec<String>,
    },
    /// The stored record already held these values: nothing written, nothing published.
    Unchanged { record: T },
}

impl<T> SaveOutcome<T> {
    pub fn record(&self) -> &T {
        match self {
            SaveOutcome::Saved { record, .. } | SaveOutcome::Unchanged { record } => record,
        }
    }

    pub fn into_record(self) -> T {
        match self {
            SaveOutcome::Saved { record, .. } | SaveOutcome::Unchanged { record } => record,
        }
    }
}

/// What the generic `sync` does to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncOp {
    /// `payload`: the new record (its id may be empty).
    Create,
    /// `payload`: a [`RecordEdit`](super::merge::RecordEdit).
    Update,
    /// `payload`: `{"id": "…"}`.
    Delete,
}

/// Options of the generic `sync`; both default to true.
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

/// What the generic `sync` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncOutcome {
    /// Written and published as change `seq`.
    Saved,
    /// The stored record already held these values: nothing written, nothing published.
    Unchanged,
    Deleted,
}

/// Result of the generic `sync`, untyped like its payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncResult {
    pub outcome: SyncOutcome,
    pub record: Option<Value>,
    pub seq: Option<i64>,
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
    pub op: super::protocol::ChangeOp,
    pub actor: String,
    pub at: i64,
    pub changes: Vec<FieldDiff>,
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
