//! One entry of the operations log: everything Courant runs for the sync centre — a backup,
//! a restore, an import or export, a webhook delivered, a booking received — is one record of
//! this collection, so its progress reaches every open log page on the staff socket like any
//! other change, and its history is the change log's.

use serde::{Deserialize, Serialize};

use crate::core::collection::{Collection, Meta};
use crate::core::roles::Permission;
use crate::core::validate::FieldError;

/// Messages an operation keeps; past that, only their count (`more_messages`).
pub const MAX_MESSAGES: usize = 200;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
    #[default]
    Backup,
    Restore,
    Import,
    Export,
    WebhookDelivery,
    BookingReceived,
}

impl OperationKind {
    pub const ALL: [OperationKind; 6] = [
        OperationKind::Backup,
        OperationKind::Restore,
        OperationKind::Import,
        OperationKind::Export,
        OperationKind::WebhookDelivery,
        OperationKind::BookingReceived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OperationKind::Backup => "backup",
            OperationKind::Restore => "restore",
            OperationKind::Import => "import",
            OperationKind::Export => "export",
            OperationKind::WebhookDelivery => "webhook_delivery",
            OperationKind::BookingReceived => "booking_received",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Inbound,
    Outbound,
    #[default]
    Internal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OperationStatus {
    #[default]
    Running,
    Succeeded,
    /// Done, with some items rejected.
    Partial,
    Failed,
}

impl OperationStatus {
    pub const ALL: [OperationStatus; 4] = [
        OperationStatus::Running,
        OperationStatus::Succeeded,
        OperationStatus::Partial,
        OperationStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OperationStatus::Running => "running",
            OperationStatus::Succeeded => "succeeded",
            OperationStatus::Partial => "partial",
            OperationStatus::Failed => "failed",
        }
    }
}

/// Who started an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    #[default]
    Member,
    Schedule,
    Webhook,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Counts {
    /// Items the operation will go through (0 while unknown).
    #[serde(default)]
    pub total: i64,
    /// Items gone through so far: the progress bar.
    #[serde(default)]
    pub done: i64,
    #[serde(default)]
    pub created: i64,
    #[serde(default)]
    pub updated: i64,
    #[serde(default)]
    pub unchanged: i64,
    #[serde(default)]
    pub deleted: i64,
    #[serde(default)]
    pub rejected: i64,
    #[serde(default)]
    pub conflicts: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    #[default]
    Info,
    Warning,
    Error,
}

/// One line of an operation's detail; `item` names what it is about (a record, a file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct OperationMessage {
    #[serde(default)]
    pub level: Level,
    #[serde(default)]
    pub item: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Operation {
    pub kind: OperationKind,
    #[serde(default)]
    pub direction: Direction,
    /// Where the data came from and went ("base de données", a file name, an URL).
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub destination: String,
    #[serde(default)]
    pub trigger: Trigger,
    /// The member (actor) who started it, or the schedule's / webhook's name.
    #[serde(default)]
    pub started_by: String,
    #[serde(default)]
    pub started_at: i64,
    #[serde(default)]
    pub ended_at: Option<i64>,
    #[serde(default)]
    pub status: OperationStatus,
    #[serde(default)]
    pub counts: Counts,
    /// What the operation is at now, or how it ended, in a sentence.
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub messages: Vec<OperationMessage>,
    /// Messages past [`MAX_MESSAGES`], counted only.
    #[serde(default)]
    pub more_messages: i64,
    /// What the operation made or used, for a link (a backup's id).
    #[serde(default)]
    pub subject: String,
    #[serde(flatten)]
    pub meta: Meta,
}

impl Operation {
    /// How long it ran (so far, at `now`), in milliseconds.
    pub fn duration_ms(&self, now: i64) -> i64 {
        (self.ended_at.unwrap_or(now) - self.started_at).max(0)
    }

    /// Milliseconds still to go, judged from the pace so far; `None` until there is one.
    pub fn estimate_left_ms(&self, now: i64) -> Option<i64> {
        let c = self.counts;
        (self.status == OperationStatus::Running && c.done > 0 && c.total > c.done)
            .then(|| self.duration_ms(now).saturating_mul(c.total - c.done) / c.done)
    }

    /// Progress in percent, when the total is known.
    pub fn percent(&self) -> Option<i64> {
        let c = self.counts;
        (c.total > 0).then(|| (c.done.saturating_mul(100) / c.total).clamp(0, 100))
    }

    /// Add a message, keeping only the first [`MAX_MESSAGES`].
    pub fn say(&mut self, level: Level, item: impl Into<String>, text: impl Into<String>) {
        if self.messages.len() < MAX_MESSAGES {
            self.messages.push(OperationMessage {
                level,
                item: item.into(),
                text: text.into(),
            });
        } else {
            self.more_messages += 1;
        }
    }
}

/// What replacing an organisation's records with a backup's does to one collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Tally {
    pub created: i64,
    pub updated: i64,
    pub deleted: i64,
    pub unchanged: i64,
}

/// A record of a backup that cannot be restored, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    pub collection: String,
    pub id: String,
    pub message: String,
}

/// What a restore does (its dry run) or did, per collection; nothing is applied while a
/// record is rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReplacePlan {
    pub collections: std::collections::BTreeMap<String, Tally>,
    /// The first [`MAX_MESSAGES`] rejected records.
    pub rejected: Vec<Rejected>,
    pub rejected_count: i64,
}

impl ReplacePlan {
    pub fn total(&self) -> Tally {
        self.collections
            .values()
            .fold(Tally::default(), |a, t| Tally {
                created: a.created + t.created,
                updated: a.updated + t.updated,
                deleted: a.deleted + t.deleted,
                unchanged: a.unchanged + t.unchanged,
            })
    }

    pub fn reject(&mut self, collection: &str, id: &str, message: String) {
        self.rejected_count += 1;
        if self.rejected.len() < MAX_MESSAGES {
            self.rejected.push(Rejected {
                collection: collection.to_string(),
                id: id.to_string(),
                message,
            });
        }
    }
}

/// Whether a backup schedule of `every_secs` (0: none) is late at `now`: its last successful
/// backup (at `last_ok`) is older than two intervals, or there is none.
pub fn backup_late(every_secs: i64, last_ok: Option<i64>, now: i64) -> bool {
    every_secs > 0 && last_ok.is_none_or(|at| now - at > 2 * every_secs * 1000)
}

/// Every field is the server's: the log says what happened, nobody edits it.
const ALL_FIELDS: &[&str] = &[
    "kind",
    "direction",
    "source",
    "destination",
    "trigger",
    "started_by",
    "started_at",
    "ended_at",
    "status",
    "counts",
    "summary",
    "messages",
    "more_messages",
    "subject",
];

impl Collection for Operation {
    const NAME: &'static str = "sync_operations";
    const EVENT: &'static str = "operation";
    const READ: Permission = Permission::ReadSyncCentre;
    const WRITE: Permission = Permission::ManageSyncCentre;
    const PUBLIC: bool = false;
    const PRESERVED: &'static [&'static str] = ALL_FIELDS;
    const MADE_BY_SERVER: bool = true;
    const SERVER_ONLY: bool = true;
    const BACKED_UP: bool = false;

    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_follows_the_pace_so_far() {
        let mut op = Operation {
            started_at: 1_000,
            ..Default::default()
        };
        op.counts.total = 100;
        assert_eq!(op.estimate_left_ms(2_000), None, "nothing done yet");
        op.counts.done = 25;
        assert_eq!(op.estimate_left_ms(2_000), Some(3_000));
        assert_eq!(op.percent(), Some(25));
        op.status = OperationStatus::Succeeded;
        assert_eq!(op.estimate_left_ms(2_000), None);
    }

    #[test]
    fn messages_past_the_cap_are_counted() {
        let mut op = Operation::default();
        for i in 0..MAX_MESSAGES + 3 {
            op.say(Level::Error, i.to_string(), "x");
        }
        assert_eq!(op.messages.len(), MAX_MESSAGES);
        assert_eq!(op.more_messages, 3);
    }
}
