//! Running an operation of the operations log (`core::operation`): start it, report its
//! progress (written at most every [`PROGRESS_EVERY_MS`], so a fast loop costs a few writes
//! a second, not one per item), and finish it. Each write is a change of the operation's
//! record: the staff socket carries it to every open log page of the roles that read the
//! sync centre, and nothing else is needed for them to follow it live. Operations are not
//! sent to outbound webhooks (a delivery is itself an operation).

use std::time::{Duration, Instant};

use futures::FutureExt;

use crate::core::error::AppError;
use crate::core::operation::{
    Direction, Level, Operation, OperationKind, OperationStatus, Trigger,
};
use crate::core::principal::Principal;
use crate::core::time::now_ms;
use crate::engine::save::{self, WriteOptions};
use crate::engine::Engine;

/// Shortest time between two progress writes of one operation.
pub const PROGRESS_EVERY_MS: u64 = 250;

const QUIET: WriteOptions = WriteOptions {
    only_if_changed: true,
    notify: false,
};

/// What an operation is, when it starts.
pub struct Start {
    pub kind: OperationKind,
    pub direction: Direction,
    pub source: String,
    pub destination: String,
    pub trigger: Trigger,
    /// The member's actor, or the schedule's or webhook's name.
    pub started_by: String,
}

/// How an operation logged at once ([`OperationRun::record`]) ended.
pub struct End {
    pub status: OperationStatus,
    pub summary: String,
    pub counts: crate::core::operation::Counts,
    /// What it made or touched, for a link (a prospect's id).
    pub subject: String,
}

/// An operation being run: change [`OperationRun::op`] (counts, messages, summary), call
/// [`OperationRun::progress`] as it goes and [`OperationRun::finish`] at the end.
pub struct OperationRun {
    engine: Engine,
    who: Principal,
    pub op: Operation,
    last_write: Instant,
}

impl OperationRun {
    /// Log a new running operation for `who`'s organisation.
    pub async fn start(engine: &Engine, who: &Principal, start: Start) -> Result<Self, AppError> {
        let op = Operation {
            kind: start.kind,
            direction: start.direction,
            source: start.source,
            destination: start.destination,
            trigger: start.trigger,
            started_by: start.started_by,
            started_at: now_ms(),
            status: OperationStatus::Running,
            ..Default::default()
        };
        let op = save::create_with(engine, who, op, QUIET)
            .await?
            .into_record();
        Ok(OperationRun {
            engine: engine.clone(),
            who: who.clone(),
            op,
            last_write: Instant::now(),
        })
    }

    /// Log an operation that is already over (a webhook delivered, a booking received), in
    /// one write: it began at `started_at` and ended now with `status`.
    pub async fn record(
        engine: &Engine,
        who: &Principal,
        start: Start,
        started_at: i64,
        end: End,
    ) -> Result<Operation, AppError> {
        let mut op = Operation {
            kind: start.kind,
            direction: start.direction,
            source: start.source,
            destination: start.destination,
            trigger: start.trigger,
            started_by: start.started_by,
            started_at,
            ended_at: Some(now_ms().max(started_at)),
            status: end.status,
            counts: end.counts,
            summary: end.summary,
            subject: end.subject,
            ..Default::default()
        };
        if end.status == OperationStatus::Failed {
            op.say(Level::Error, "", op.summary.clone());
        }
        Ok(save::create_with(engine, who, op, QUIET)
            .await?
            .into_record())
    }

    pub fn id(&self) -> &str {
        &self.op.meta.id
    }

    /// Add a line to the operation's detail.
    pub fn say(&mut self, level: Level, item: impl Into<String>, text: impl Into<String>) {
        self.op.say(level, item, text);
    }

    /// Write the operation as it is now, unless it was written less than
    /// [`PROGRESS_EVERY_MS`] ago.
    pub async fn progress(&mut self) -> Result<(), AppError> {
        if self.last_write.elapsed() < Duration::from_millis(PROGRESS_EVERY_MS) {
            return Ok(());
        }
        self.write().await
    }

    /// Write the operation as it is now.
    pub async fn write(&mut self) -> Result<(), AppError> {
        let next = self.op.clone();
        let id = self.op.meta.id.clone();
        let who = self.who.clone();
        let db = self.engine.db.clone();
        let written = self
            .engine
            .write(who.org, move |conn| {
                async move {
                    let written = save::update_owned_with::<Operation>(
                        &db,
                        conn,
                        &who,
                        &id,
                        |op| {
                            let meta = std::mem::take(&mut op.meta);
                            *op = Operation { meta, ..next };
                        },
                        QUIET,
                    )
                    .await?;
                    Ok(match written {
                        Some((op, change)) => (Some(op), vec![change]),
                        None => (None, Vec::new()),
                    })
                }
                .boxed()
            })
            .await?;
        if let Some(op) = written {
            self.op.meta = op.meta;
        }
        self.last_write = Instant::now();
        Ok(())
    }

    /// End the operation with `status` and `summary`; returns it as logged.
    pub async fn finish(
        mut self,
        status: OperationStatus,
        summary: impl Into<String>,
    ) -> Result<Operation, AppError> {
        self.op.status = status;
        self.op.summary = summary.into();
        self.op.ended_at = Some(now_ms());
        self.write().await?;
        Ok(self.op)
    }

    /// End the operation as failed with `error`'s message (the error is returned for the
    /// caller to pass on); a failure to log it is only traced.
    pub async fn fail(mut self, error: AppError) -> AppError {
        let text = error.explain();
        self.op.say(Level::Error, "", text.clone());
        if let Err(e) = self.finish(OperationStatus::Failed, text).await {
            tracing::error!(error = %e.explain(), "cannot log an operation's failure");
        }
        error
    }
}

/// Remove the operations log's entries that started before `before` (ms), in every
/// organisation: the log stays the size of the statistics' longest period, however many
/// deliveries and receipts it records. Entries only, with no change logged for each: they are
/// nobody's data, and an open log page drops them on its next load. Returns how many went.
pub async fn prune(engine: &Engine, before: i64) -> Result<u64, AppError> {
    use crate::core::collection::Collection;
    let mut conn = engine.db.writer().await?;
    Ok(
        crate::engine::store::delete_older(&mut conn, Operation::NAME, "started_at", before)
            .await?,
    )
}
