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

use super::config::{BackupConfig, Running};
use super::file::FileWriter;
use super::{retention, schedule};

/// Records read from the database at once.
const PAGE: i64 = 1000;

/// Make a backup of `who`'s organisation now; `origin` says why. Logged as an operation;
/// the schedule's health and the retention rule follow.
pub async fn make(engine: &Engine, who: &Principal, origin: Origin) -> Result<Backup, AppError> {
    let config = engine.feature::<BackupConfig>().clone();
    // One backup of an organisation at a time, and few heavy file jobs on the server at once.
    let _running = engine.feature::<Running>().start(who.org)?;
    let _heavy = engine.feature::<Running>().heavy().await;
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
    let path = config.dir.join(&name);
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
        Err(e) => {
            // No file without its record (nothing would ever list or remove it).
            let _ = std::fs::remove_file(&path);
            return Err(run.fail(e).await);
        }
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
    // The backup before a restore leaves the others alone: the one being restored included.
    if origin != Origin::BeforeRestore {
        retention::apply(engine, who).await;
    }
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

/// Whether `file` is a name [`file_name`] gives to organisation `org`'s backups: only such a
/// name is ever opened or removed, whatever a record says (never another organisation's
/// file, never anything else in the directory, never outside it).
pub fn is_own_file(file: &str, org: OrgId) -> bool {
    file.strip_prefix(&format!("courant-{org}-"))
        .and_then(|rest| rest.strip_suffix(".json"))
        .is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

/// The file of `who`'s backup, for reading: refused when it is missing from the directory.
pub fn open(
    config: &BackupConfig,
    who: &Principal,
    backup: &Backup,
) -> Result<std::fs::File, AppError> {
    let path = config.dir.join(&backup.file);
    let file = (is_own_file(&backup.file, who.org) && path.is_file())
        .then(|| std::fs::File::open(&path).ok())
        .flatten();
    file.ok_or_else(|| {
        AppError::NotFound(
            td_string!(current(), sync.backup.file_missing, file = &backup.file).to_string(),
        )
    })
}

/// Remove a backup's file (gone already is fine) and its record.
pub async fn remove(engine: &Engine, who: &Principal, backup: &Backup) -> Result<(), AppError> {
    let config = engine.feature::<BackupConfig>();
    if is_own_file(&backup.file, who.org) {
        match std::fs::remove_file(config.dir.join(&backup.file)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(unwritable(&config.dir, &e)),
        }
    }
    save::delete::<Backup>(engine, who, &backup.meta.id).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_organisations_own_backup_names_are_opened() {
        let name = file_name(7, 1_796_911_200_000, Origin::Schedule);
        assert!(is_own_file(&name, 7), "{name}");
        assert!(!is_own_file(&name, 1));
        assert!(!is_own_file(&name, 77));
        for bad in [
            "courant-7-../../etc/passwd.json",
            "courant-7-.json",
            "courant-7-x/y.json",
            "courant.db",
            "uploads",
            "courant-7-2026.json.partial",
            "courant-7-ABC.json",
        ] {
            assert!(!is_own_file(bad, 7), "{bad}");
        }
    }
}
