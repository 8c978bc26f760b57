//! The sync centre's records: the backups kept on disk (one record each, so the list is live
//! like any other) and the backup schedule. Both are the server's to write: a backup record
//! is made with its file, the schedule through `save_schedule`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::collection::{Collection, Meta};
use crate::core::operation::ReplacePlan;
use crate::core::roles::Permission;
use crate::core::validate::FieldError;

/// The one schedule record's id, in each organisation.
pub const SCHEDULE_ID: &str = "backups";

/// Why a backup was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// "Sauvegarder maintenant".
    #[default]
    Manual,
    Schedule,
    /// Taken just before a restore replaced the data.
    BeforeRestore,
    /// A file someone uploaded to restore from.
    Upload,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Backup {
    /// The file's name in the backup directory.
    pub file: String,
    #[serde(default)]
    pub size_bytes: i64,
    /// `sha256:` and the hex digest the file's manifest holds.
    #[serde(default)]
    pub checksum: String,
    #[serde(default)]
    pub format: i64,
    /// Records per collection.
    #[serde(default)]
    pub counts: BTreeMap<String, i64>,
    #[serde(default)]
    pub records: i64,
    #[serde(default)]
    pub origin: Origin,
    /// Who made it (the member's actor, or the schedule).
    #[serde(default)]
    pub made_by: String,
    /// When its data was read (the manifest's time; an upload's own).
    #[serde(default)]
    pub made_at: i64,
    /// The operation that made it.
    #[serde(default)]
    pub operation: String,
    #[serde(flatten)]
    pub meta: Meta,
}

const BACKUP_FIELDS: &[&str] = &[
    "file",
    "size_bytes",
    "checksum",
    "format",
    "counts",
    "records",
    "origin",
    "made_by",
    "made_at",
    "operation",
];

impl Collection for Backup {
    const NAME: &'static str = "sync_backups";
    const EVENT: &'static str = "backup";
    const READ: Permission = Permission::ReadSyncCentre;
    const WRITE: Permission = Permission::ManageSyncCentre;
    const PUBLIC: bool = false;
    const PRESERVED: &'static [&'static str] = BACKUP_FIELDS;
    const MADE_BY_SERVER: bool = true;
    const SERVER_ONLY: bool = true;
    const BACKED_UP: bool = false;

    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
    }
}

/// When backups are made and how many are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Seconds between two scheduled backups; 0: no schedule.
    #[serde(default)]
    pub every_secs: i64,
    /// The latest backups always kept.
    #[serde(default = "default_keep_last")]
    pub keep_last: i64,
    /// Beyond those, the newest backup of each of the last days.
    #[serde(default = "default_keep_days")]
    pub keep_daily_days: i64,
    /// Server-owned: when the schedule last started a backup.
    #[serde(default)]
    pub last_run_at: i64,
    /// Server-owned: when the last successful backup (of any origin) was made.
    #[serde(default)]
    pub last_ok_at: Option<i64>,
    /// Server-owned: why the latest backup failed, if it did.
    #[serde(default)]
    pub last_failure: Option<String>,
    #[serde(flatten)]
    pub meta: Meta,
}

fn default_keep_last() -> i64 {
    10
}

fn default_keep_days() -> i64 {
    7
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            every_secs: 0,
            keep_last: default_keep_last(),
            keep_daily_days: default_keep_days(),
            last_run_at: 0,
            last_ok_at: None,
            last_failure: None,
            meta: Meta {
                id: SCHEDULE_ID.into(),
                ..Default::default()
            },
        }
    }
}

/// Longest schedule interval: a week.
pub const MAX_EVERY_SECS: i64 = 7 * 24 * 3600;
pub const MAX_KEEP_LAST: i64 = 1000;
pub const MAX_KEEP_DAYS: i64 = 366;

impl Schedule {
    /// Whether a scheduled backup is due at `now`.
    pub fn due(&self, now: i64) -> bool {
        self.every_secs > 0 && now - self.last_run_at >= self.every_secs * 1000
    }

    /// Whether the schedule is late at `now`: on, and its last successful backup (at
    /// `last_ok`) older than two intervals.
    pub fn late(&self, last_ok: Option<i64>, now: i64) -> bool {
        crate::core::operation::backup_late(self.every_secs, last_ok, now)
    }

    /// Problems with the settings; `min_every_secs` is the server's shortest interval.
    pub fn problems(&self, min_every_secs: i64) -> Vec<FieldError> {
        let l = crate::core::locale::current();
        use crate::i18n::*;
        let mut errors = Vec::new();
        if self.every_secs != 0 && !(min_every_secs..=MAX_EVERY_SECS).contains(&self.every_secs) {
            errors.push(FieldError::new(
                "every_secs",
                td_string!(
                    l,
                    sync.schedule.every_range,
                    min = ((min_every_secs + 59) / 60).max(1),
                    max = MAX_EVERY_SECS / 3600
                )
                .to_string(),
            ));
        }
        if !(1..=MAX_KEEP_LAST).contains(&self.keep_last) {
            errors.push(FieldError::new(
                "keep_last",
                td_string!(l, sync.schedule.keep_last_range, max = MAX_KEEP_LAST).to_string(),
            ));
        }
        if !(0..=MAX_KEEP_DAYS).contains(&self.keep_daily_days) {
            errors.push(FieldError::new(
                "keep_daily_days",
                td_string!(l, sync.schedule.keep_days_range, max = MAX_KEEP_DAYS).to_string(),
            ));
        }
        errors
    }
}

impl Collection for Schedule {
    const NAME: &'static str = "sync_settings";
    const EVENT: &'static str = "sync_settings";
    const READ: Permission = Permission::ReadSyncCentre;
    const WRITE: Permission = Permission::ManageSyncCentre;
    const PUBLIC: bool = false;
    const PRESERVED: &'static [&'static str] = &[
        "every_secs",
        "keep_last",
        "keep_daily_days",
        "last_run_at",
        "last_ok_at",
        "last_failure",
    ];
    const MADE_BY_SERVER: bool = true;
    const SERVER_ONLY: bool = true;
    const BACKED_UP: bool = false;

    fn validate(&self) -> Vec<FieldError> {
        // The server's shortest interval is checked by `save_schedule`; here, the bounds
        // that hold everywhere.
        self.problems(1)
    }
}

/// What a restore would do, for the confirmation: the backup it reads and the dry run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestorePreview {
    pub backup: Backup,
    pub plan: ReplacePlan,
    /// What the file holds besides records, by section (members): shown, never restored.
    #[serde(default)]
    pub kept: BTreeMap<String, i64>,
}

/// One day of the statistics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DayFigures {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub operations: i64,
    /// Items gone through (records backed up or restored, …).
    pub items: i64,
    pub failed: i64,
}

/// One type of operation in the statistics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct KindFigures {
    pub kind: crate::core::operation::OperationKind,
    pub operations: i64,
    /// Failed or partial.
    pub errors: i64,
    pub p50_ms: i64,
    pub p95_ms: i64,
}

/// The statistics of the last `days` days, and their charts (SVG documents: operations per
/// day, durations per type, errors per type).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Stats {
    pub days: i64,
    pub operations: i64,
    /// Of the finished operations, those that succeeded.
    pub succeeded: i64,
    pub finished: i64,
    pub per_day: Vec<DayFigures>,
    pub kinds: Vec<KindFigures>,
    pub charts: Vec<String>,
}

/// The backup badge in the backoffice header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct BackupHealth {
    /// When the last successful backup ended.
    pub last_ok_at: Option<i64>,
    /// The last backup operation failed (its summary).
    pub last_failure: Option<String>,
    pub schedule_every_secs: i64,
    /// The schedule is on and its last success is older than two intervals.
    pub late: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_is_due_after_its_interval_and_late_after_two() {
        let s = Schedule {
            every_secs: 60,
            last_run_at: 1_000,
            ..Default::default()
        };
        assert!(!s.due(60_999));
        assert!(s.due(61_000));
        assert!(!s.late(Some(1_000), 121_000));
        assert!(s.late(Some(1_000), 121_001));
        assert!(s.late(None, 0));
        let off = Schedule::default();
        assert!(!off.due(i64::MAX) && !off.late(None, 0));
    }

    #[test]
    fn settings_out_of_bounds_are_named() {
        let s = Schedule {
            every_secs: 30,
            keep_last: 0,
            keep_daily_days: 400,
            ..Default::default()
        };
        let fields: Vec<_> = s.problems(60).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["every_secs", "keep_last", "keep_daily_days"]);
        assert!(Schedule::default().problems(60).is_empty());
    }
}
