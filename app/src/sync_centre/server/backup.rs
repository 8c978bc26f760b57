//! Making a backup: every backed-up collection of the organisation, read in one snapshot
//! transaction page by page and written record by record to a file in the backup directory
//! (`file.rs`), then its record in the `sync_backups` list, then the retention rule. Each
//! backup is an operation of the log, its progress live.

use std::path::{Path, PathBuf};

use crate::core::error::AppError;
use crate::core::locale::current;
use crate::core::operation::{Direction, OperationKind, OperationStatus, Trigger};
use crate::core::principal::{OrgId, Principal};
use crate::core::time::now_ms;
use crate::engine::operations::{OperationRun, Start};
use crate::engine::{replace, save, store, Engine};
use crate::i18n::*;
use crate::sync_centre::model::{Backup, Origin};

use super::config::BackupConfig;
use super::file::FileWriter;
use super::{retention, schedule};

/// Records read from the database at once.
const PAGE: i64 = 1000;

/// Make a backup of `who`'s organisation now; `origin` says why. Logged as an operation;
/// the schedule's health and the retention rule follow.
pub async fn make(engine: &Engine, who: &Principal, origin: Origin) -> Result<Backup, AppError> {
    let config = engine.feature::<BackupConfig>().clone();
    let made_at = now_ms();
    let name = file_name(who.org, made_at, origin);
    let trigger = match origin {
        Origin::Schedule => Trigger::Schedule,
        _ => Trigger::Member,
    };
    let mut run = OperationRun::start(
        engine,
        who,
        Start {
            kind: OperationKind::Backup,
            direction: Direction::Outbound,
            source: td_string!(current(), sync.source.database).to_string(),
            destination: name.clone(),
            trigger,
            started_by: who.actor.clone(),
        },
    )
    .await?;
    let written = write_file(engine, who.org, &config.dir, &name, made_at, &mut run).await;
    let (manifest, size) = match written {
        Ok(done) => done,
        Err(e) => {
            let e = run.fail(e).await;
            schedule::record_outcome(engine, who, Err(e.explain())).await;
            return Err(e);
        }
    };
    let backup = Backup {
        file: name,
        size_bytes: size as i64,
        checksum: manifest.checksum.clone(),
        format: manifest.format,
        counts: manifest.counts.clone(),
        records: manifest.records,
        origin,
        made_by: who.actor.clone(),
        made_at,
        operation: run.id().to_string(),
        meta: Default::default(),
    };
    let backup = match save::create(engine, who, backup).await {
        Ok(saved) => saved.into_record(),
        Err(e) => return Err(run.fail(e).await),
    };
    run.op.subject = backup.meta.id.clone();
    let summary = td_string!(
        current(),
        sync.backup.done,
        n = manifest.records,
        size = crate::core::locale::file_size(size, current())
    )
    .to_string();
    run.finish(OperationStatus::Succeeded, summary).await?;
    schedule::record_outcome(engine, who, Ok(made_at)).await;
    retention::apply(engine, who).await;
    Ok(backup)
}

/// `courant-<org>-YYYY-MM-DD-HHMMSS-<origin>.json`: sorted by time in a directory listing.
pub fn file_name(org: OrgId, at: i64, origin: Origin) -> String {
    let (date, time) = stamp(at);
    let tag = match origin {
        Origin::Manual => "manual",
        Origin::Schedule => "schedule",
        Origin::BeforeRestore => "before-restore",
        Origin::Upload => "upload",
    };
    let unique = &uuid::Uuid::new_v4().simple().to_string()[..6];
    format!("courant-{org}-{date}-{time}-{tag}-{unique}.json")
}

/// `YYYY-MM-DD` and `HHMMSS` (UTC) of a time in milliseconds.
pub fn stamp(ms: i64) -> (String, String) {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    (
        format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()),
        format!("{:02}{:02}{:02}", t.hour(), t.minute(), t.second()),
    )
}

/// What a directory we cannot use means for an admin.
pub fn unwritable(dir: &Path, e: &std::io::Error) -> AppError {
    AppError::Unavailable(
        td_string!(
            current(),
            sync.backup.unwritable,
            dir = dir.display().to_string(),
            error = e.to_string()
        )
        .to_string(),
    )
}

/// Write the file (under a temporary name, renamed once complete: a backup that failed
/// halfway never looks like one) and return its manifest and size.
async fn write_file(
    engine: &Engine,
    org: OrgId,
    dir: &Path,
    name: &str,
    made_at: i64,
    run: &mut OperationRun,
) -> Result<(super::file::Manifest, u64), AppError> {
    std::fs::create_dir_all(dir).map_err(|e| unwritable(dir, &e))?;
    let path = dir.join(name);
    let partial: PathBuf = dir.join(format!("{name}.partial"));
    let file = std::fs::File::create(&partial).map_err(|e| unwritable(dir, &e))?;
    let result = async {
        let io = |e: std::io::Error| unwritable(dir, &e);
        let collections = replace::backed_up(engine);
        let out = std::io::BufWriter::new(file);
        let (manifest, buffered) =
            write_records(engine, org, &collections, true, out, made_at, run, io).await?;
        let file = buffered.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        std::fs::rename(&partial, &path).map_err(io)?;
        Ok((manifest, size))
    }
    .await;
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// Write `collections` of `org` to `out` in the backup format, read in one snapshot, page
/// by page, the operation's progress following, then (`sections`) what the features add to
/// every backup (the members and their roles); `io` says what a write error means.
#[allow(clippy::too_many_arguments)]
pub async fn write_records<W: std::io::Write>(
    engine: &Engine,
    org: OrgId,
    collections: &[&str],
    sections: bool,
    out: W,
    made_at: i64,
    run: &mut OperationRun,
    io: impl Fn(std::io::Error) -> AppError,
) -> Result<(super::file::Manifest, W), AppError> {
    let mut out = FileWriter::new(out).map_err(&io)?;
    let mut conn = engine.db.read.acquire().await?;
    let mut tx = engine.db.begin_snapshot(&mut conn).await?;
    for collection in collections {
        run.op.counts.total += store::count_records(&mut tx, org, collection).await?;
    }
    for collection in collections {
        out.collection(collection);
        let mut after = String::new();
        loop {
            let page = store::records_after(&mut tx, org, collection, &after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.id.clone();
            let n = page.len() as i64;
            for record in page {
                out.record(collection, record.to_map()).map_err(&io)?;
            }
            run.op.counts.done += n;
            run.progress().await?;
            if n < PAGE {
                break;
            }
        }
    }
    tx.commit().await?;
    if sections {
        for (name, rows) in engine.backup_sections.iter() {
            let section = format!("{}{name}", super::file::SECTION);
            out.collection(&section);
            for row in rows(engine, org).await? {
                out.record(&section, row).map_err(&io)?;
            }
        }
    }
    out.finish(org, made_at).map_err(&io)
}

/// The file of a backup, for reading: refused when it is missing from the directory.
pub fn open(config: &BackupConfig, backup: &Backup) -> Result<std::fs::File, AppError> {
    // Names are ours (file_name), but a record could be edited in the database: never
    // leave the directory.
    let safe = !backup.file.is_empty()
        && !backup.file.contains(['/', '\\'])
        && !backup.file.starts_with('.');
    let path = config.dir.join(&backup.file);
    match safe.then(|| std::fs::File::open(&path)) {
        Some(Ok(f)) => Ok(f),
        _ => Err(AppError::NotFound(
            td_string!(current(), sync.backup.file_missing, file = &backup.file).to_string(),
        )),
    }
}

/// Remove a backup's file (gone already is fine) and its record.
pub async fn remove(engine: &Engine, who: &Principal, backup: &Backup) -> Result<(), AppError> {
    let config = engine.feature::<BackupConfig>();
    if !backup.file.contains(['/', '\\']) && !backup.file.is_empty() {
        match std::fs::remove_file(config.dir.join(&backup.file)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(unwritable(&config.dir, &e)),
        }
    }
    save::delete::<Backup>(engine, who, &backup.meta.id).await?;
    Ok(())
}
