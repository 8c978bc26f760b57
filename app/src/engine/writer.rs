//! The engine's write transactions, and group commit on SQLite.
//!
//! SQLite has one writer. Saves that wait for it would each pay for their own `BEGIN
//! IMMEDIATE` and `COMMIT` (the commit writes the WAL), and most of a short save's time is
//! spent handing statements to sqlx's SQLite thread. So one task runs the engine's writes: it
//! takes the write connection and runs every job waiting for it (up to [`MAX_GROUP`]) in one
//! transaction, commits once, then publishes the changes in commit order and answers each
//! caller. Nobody hears of a save before it is committed, and a save that arrives alone is
//! committed alone, without waiting.
//!
//! A job that fails must leave the database as it found it, because the jobs after it share
//! its transaction: the engine's jobs refuse (conflict, invalid, not found) before they write,
//! write one statement batch ([`crate::engine::store::write_change`]), or run under a savepoint
//! ([`savepoint`]). A database error or a panic inside a job leaves the state unknown: the
//! whole group is rolled back and every caller in it told to try again.
//!
//! PostgreSQL has row locks and many connections: there each job runs in its own transaction,
//! concurrently with the others.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use futures::future::BoxFuture;
use futures::FutureExt;
use sqlx::{AnyConnection, Executor};
use tokio::sync::{mpsc, oneshot};

use crate::core::error::AppError;

use crate::core::principal::OrgId;
use crate::engine::doorbell::Doorbell;
use crate::engine::store::LoggedChange;
use crate::engine::{Backend, Db, Engine, Hub};

/// Most jobs committed together: bounds how long the first caller of a group waits.
pub const MAX_GROUP: usize = 32;
/// Jobs waiting for the writer before callers wait to queue.
const QUEUE: usize = 1024;

/// What a write job returns: its answer and the changes it logged, published after commit.
pub type JobResult<R> = Result<(R, Vec<LoggedChange>), AppError>;

/// A write job: runs on the write connection inside a transaction it must not end.
pub trait WriteJob<R>:
    for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, JobResult<R>> + Send + 'static
{
}

impl<R, F> WriteJob<R> for F where
    F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, JobResult<R>> + Send + 'static
{
}

/// The queue to the group-commit task (SQLite only).
#[derive(Clone)]
pub struct GroupWriter {
    queue: mpsc::Sender<Job>,
    counts: Arc<Counts>,
}

/// How much grouping happened: jobs run and transactions that ended them.
#[derive(Default)]
struct Counts {
    jobs: AtomicU64,
    transactions: AtomicU64,
}

/// Jobs run by the group-commit task and the transactions they ran in, since start, and the
/// jobs queued for it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupStats {
    pub jobs: u64,
    pub transactions: u64,
    pub waiting: usize,
}

impl Engine {
    /// Run `job` in a write transaction for organisation `org`, commit, publish the changes it
    /// logged (live hub, and the doorbell on a shared PostgreSQL feed), and return its answer.
    pub async fn write<R: Send + 'static>(
        &self,
        org: OrgId,
        job: impl WriteJob<R>,
    ) -> Result<R, AppError> {
        match &self.writer {
            Some(writer) => writer.run(org, job).await,
            None => {
                let mut conn = self.db.writer().await?;
                let mut tx = self.db.begin_write(&mut conn).await?;
                let (answer, changes) = job(&mut tx).await?;
                tx.commit().await?;
                publish(&self.hub, self.doorbell.as_deref(), org, &changes);
                Ok(answer)
            }
        }
    }

    /// How many jobs the group-commit task ran in how many transactions (`None` on PostgreSQL).
    pub fn group_stats(&self) -> Option<GroupStats> {
        self.writer.as_ref().map(|w| GroupStats {
            jobs: w.counts.jobs.load(Ordering::Relaxed),
            transactions: w.counts.transactions.load(Ordering::Relaxed),
            waiting: QUEUE - w.queue.capacity(),
        })
    }

    /// Start the group-commit task when the database is SQLite; `None` on PostgreSQL. The
    /// task ends when the last clone of the engine (its queue's sender) is dropped.
    pub(crate) fn spawn_writer(&self) -> Option<GroupWriter> {
        (self.db.backend == Backend::Sqlite).then(|| {
            let (queue, jobs) = mpsc::channel(QUEUE);
            let outlet = (self.hub.clone(), self.doorbell.clone());
            let counts = Arc::<Counts>::default();
            tokio::spawn(group_commit(self.db.clone(), outlet, jobs, counts.clone()));
            GroupWriter { queue, counts }
        })
    }
}

impl GroupWriter {
    async fn run<R: Send + 'static>(
        &self,
        org: OrgId,
        job: impl WriteJob<R>,
    ) -> Result<R, AppError> {
        let (reply, answer) = oneshot::channel();
        // The job runs on the writer's task: its messages keep the asking request's language.
        let locale = crate::core::locale::current();
        let job: Job = Box::new(move |conn: &mut AnyConnection| {
            async move {
                match crate::core::locale::scope(locale, job(conn)).await {
                    Ok((value, changes)) => Ran::Staged(Staged {
                        org,
                        changes,
                        reply: Box::new(move |committed: Result<(), AppError>| {
                            let _ = reply.send(committed.map(|()| value));
                        }),
                    }),
                    Err(e) => {
                        let unknown_state = matches!(e, AppError::Internal(_));
                        let _ = reply.send(Err(e));
                        if unknown_state {
                            Ran::Broke
                        } else {
                            Ran::Refused
                        }
                    }
                }
            }
            .boxed()
        });
        self.queue.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// Start a savepoint, for a job that writes more than once: end it with [`end_savepoint`],
/// keeping its writes only if the job succeeded. `name` must be a plain identifier.
pub async fn savepoint(conn: &mut AnyConnection, name: &'static str) -> Result<(), AppError> {
    conn.execute(format!("SAVEPOINT {name}").as_str()).await?;
    Ok(())
}

/// End a savepoint started with [`savepoint`]: keep its writes, or undo them.
pub async fn end_savepoint(
    conn: &mut AnyConnection,
    name: &'static str,
    keep: bool,
) -> Result<(), AppError> {
    let end = if keep {
        format!("RELEASE {name}")
    } else {
        format!("ROLLBACK TO {name}; RELEASE {name}")
    };
    conn.execute(end.as_str()).await?;
    Ok(())
}

type Job = Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Ran> + Send>;

/// How a job ended; in every case but `Staged` its caller has already been answered.
enum Ran {
    Staged(Staged),
    /// Refused before writing anything.
    Refused,
    /// Failed in the database: what it wrote is unknown.
    Broke,
}

/// A job done but not yet committed.
struct Staged {
    org: OrgId,
    changes: Vec<LoggedChange>,
    reply: Box<dyn FnOnce(Result<(), AppError>) + Send>,
}

fn stopped() -> AppError {
    AppError::Internal("database".into())
}

/// Tell this node's subscribers, and on a shared feed the other nodes, about committed
/// changes, in the order they were committed.
pub(super) fn publish(
    hub: &Hub,
    doorbell: Option<&Doorbell>,
    org: OrgId,
    changes: &[LoggedChange],
) {
    for change in changes {
        hub.publish(org, change);
    }
    if let (Some(bell), false) = (doorbell, changes.is_empty()) {
        bell.ring(org);
    }
}

async fn group_commit(
    db: Db,
    (hub, doorbell): (Hub, Option<Arc<Doorbell>>),
    mut jobs: mpsc::Receiver<Job>,
    counts: Arc<Counts>,
) {
    while let Some(first) = jobs.recv().await {
        // A job that cannot start is dropped, which answers its caller with `stopped()`.
        let mut conn = match db.writer().await {
            Ok(conn) => conn,
            Err(e) => {
                tracing::error!(error = %e, "no write connection for a group of saves");
                continue;
            }
        };
        let mut tx = match db.begin_write(&mut conn).await {
            Ok(tx) => tx,
            Err(e) => {
                tracing::error!(error = %e, "cannot begin a group's write transaction");
                continue;
            }
        };
        let mut staged = Vec::new();
        let mut broke = false;
        let mut next = Some(first);
        let mut taken = 0;
        while let Some(job) = next.take() {
            taken += 1;
            match AssertUnwindSafe(job(&mut tx)).catch_unwind().await {
                Ok(Ran::Staged(s)) => staged.push(s),
                Ok(Ran::Refused) => {}
                Ok(Ran::Broke) | Err(_) => {
                    broke = true;
                    break;
                }
            }
            if taken < MAX_GROUP as u64 {
                next = jobs.try_recv().ok();
            }
        }
        counts.jobs.fetch_add(taken, Ordering::Relaxed);
        counts.transactions.fetch_add(1, Ordering::Relaxed);
        let committed = if broke {
            let _ = tx.rollback().await;
            false
        } else {
            tx.commit()
                .await
                .map_err(|e| tracing::error!(error = %e, "group commit failed"))
                .is_ok()
        };
        for s in staged {
            if committed {
                publish(&hub, doorbell.as_deref(), s.org, &s.changes);
                (s.reply)(Ok(()));
            } else {
                (s.reply)(Err(AppError::Internal(
                    "a save committed together with yours failed".into(),
                )));
            }
        }
    }
}
