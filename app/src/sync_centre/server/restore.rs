//! Restoring: a stored backup (one the server made, or a file someone uploaded) is read and
//! verified (`file.rs`), compared with the organisation's data for a dry run, and — once
//! confirmed for that very file (its checksum) — applied in one transaction by the engine
//! (`engine::replace`), after a backup of the data it replaces. Through the change log: each
//! record that differs becomes a change, so open pages follow it live.

use std::path::PathBuf;

use crate::core::error::AppError;
use crate::core::locale::current;
use crate::core::operation::{
    Direction, Level, OperationKind, OperationStatus, ReplacePlan, Trigger,
};
use crate::core::principal::Principal;
use crate::core::time::now_ms;
use crate::engine::operations::{OperationRun, Start};
use crate::engine::{replace, save, Engine};
use crate::i18n::*;
use crate::sync_centre::model::{Backup, Origin, RestorePreview};

use super::config::BackupConfig;
use super::file::{self, Verified};

/// How much bigger than the upload limit a file may be once decompressed (JSON compresses
/// about tenfold; a gzip bomb far more).
pub const UNPACKED_PER_PACKED: u64 = 16;

/// The backup record `id` of `who`'s organisation.
pub async fn backup_record(engine: &Engine, who: &Principal, id: &str) -> Result<Backup, AppError> {
    Ok(save::snapshot::<Backup>(engine, who, id).await?.record)
}

/// Read and verify a backup's file, on a blocking thread (parsing a large file is CPU work).
pub async fn verify(
    engine: &Engine,
    who: &Principal,
    backup: &Backup,
) -> Result<Verified, AppError> {
    let f = super::backup::open(engine.feature::<BackupConfig>(), who, backup)?;
    verify_file(engine, f, who).await
}

async fn verify_file(
    engine: &Engine,
    f: std::fs::File,
    who: &Principal,
) -> Result<Verified, AppError> {
    let _turn = engine.feature::<super::config::Running>().heavy().await;
    let (locale, org) = (current(), who.org);
    // As JSON, a backup is at most this big, gzipped or not.
    let cap = engine
        .feature::<BackupConfig>()
        .max_upload_bytes
        .saturating_mul(UNPACKED_PER_PACKED);
    tokio::task::spawn_blocking(move || {
        crate::core::locale::scope_sync(locale, || {
            let input = file::plain_or_gzip(f, cap)
                .map_err(|e| AppError::Internal(format!("reading a backup: {e}")))?;
            file::read(input, org)
        })
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// The dry run: what restoring backup `id` would create, change and delete. Writes nothing.
pub async fn preview(
    engine: &Engine,
    who: &Principal,
    id: &str,
) -> Result<RestorePreview, AppError> {
    let backup = backup_record(engine, who, id).await?;
    let verified = verify(engine, who, &backup).await?;
    let plan = replace::plan(engine, who, &verified.target).await?;
    Ok(RestorePreview {
        backup,
        plan,
        kept: verified.sections,
    })
}

/// Restore backup `id`, confirmed for the file whose checksum the dry run showed (a file
/// replaced since is refused). Takes a backup first; logged as an operation.
pub async fn apply(
    engine: &Engine,
    who: &Principal,
    id: &str,
    checksum: &str,
) -> Result<ReplacePlan, AppError> {
    let backup = backup_record(engine, who, id).await?;
    if backup.checksum != checksum {
        return Err(AppError::Validation(vec![
            crate::core::validate::FieldError::new(
                "file",
                td_string!(current(), sync.restore.changed_since).to_string(),
            ),
        ]));
    }
    let kind = if backup.origin == Origin::Upload {
        OperationKind::Import
    } else {
        OperationKind::Restore
    };
    let mut run = OperationRun::start(
        engine,
        who,
        Start {
            kind,
            direction: Direction::Inbound,
            source: backup.file.clone(),
            destination: td_string!(current(), sync.source.database).to_string(),
            trigger: Trigger::Member,
            started_by: who.actor.clone(),
        },
    )
    .await?;
    run.op.subject = backup.meta.id.clone();
    run.op.counts.total = backup.records;
    run.op.summary = td_string!(current(), sync.restore.verifying).to_string();
    run.write().await?;
    let verified = match verify(engine, who, &backup).await {
        Ok(v) if v.manifest.checksum == checksum => v,
        Ok(_) => {
            let e = file::refused(td_string!(current(), sync.restore.changed_since).to_string());
            return Err(run.fail(e).await);
        }
        Err(e) => return Err(run.fail(e).await),
    };
    run.op.summary = td_string!(current(), sync.restore.saving_current).to_string();
    run.write().await?;
    let before = match super::backup::make(engine, who, Origin::BeforeRestore).await {
        Ok(b) => b,
        Err(e) => return Err(run.fail(e).await),
    };
    run.say(
        Level::Info,
        before.file.clone(),
        td_string!(current(), sync.restore.saved_first, file = &before.file).to_string(),
    );
    run.op.summary = td_string!(current(), sync.restore.applying).to_string();
    run.write().await?;
    match replace::apply(engine, who, verified.target).await {
        Ok(plan) => {
            let t = plan.total();
            let c = &mut run.op.counts;
            (c.created, c.updated, c.deleted, c.unchanged) =
                (t.created, t.updated, t.deleted, t.unchanged);
            c.done = c.total;
            for r in &plan.rejected {
                run.op.say(
                    Level::Error,
                    format!("{}/{}", r.collection, r.id),
                    r.message.clone(),
                );
            }
            let summary = td_string!(
                current(),
                sync.restore.done,
                created = t.created,
                updated = t.updated,
                deleted = t.deleted
            )
            .to_string();
            run.finish(OperationStatus::Succeeded, summary).await?;
            Ok(plan)
        }
        Err(e) => {
            if let AppError::Validation(errors) = &e {
                run.op.counts.rejected = errors.len() as i64;
                for err in errors {
                    run.say(Level::Error, "", err.message.clone());
                }
            }
            Err(run.fail(e).await)
        }
    }
}

/// An uploaded file, received whole in `temp`: verified for `who`'s organisation, then kept
/// as a backup of origin `Upload` (a restore reads it from there, after a dry run). A file
/// that is refused is deleted, and the refusal is logged.
pub async fn receive_upload(
    engine: &Engine,
    who: &Principal,
    temp: PathBuf,
    original_name: &str,
) -> Result<Backup, AppError> {
    let config = engine.feature::<BackupConfig>().clone();
    let name = super::backup::file_name(who.org, now_ms(), Origin::Upload);
    let mut run = OperationRun::start(
        engine,
        who,
        Start {
            kind: OperationKind::Import,
            direction: Direction::Inbound,
            source: original_name.chars().take(200).collect(),
            destination: name.clone(),
            trigger: Trigger::Member,
            started_by: who.actor.clone(),
        },
    )
    .await?;
    let checked = async {
        let f =
            std::fs::File::open(&temp).map_err(|e| super::backup::unwritable(&config.dir, &e))?;
        let size = f.metadata().map(|m| m.len()).unwrap_or(0);
        let verified = verify_file(engine, f, who).await?;
        std::fs::rename(&temp, config.dir.join(&name))
            .map_err(|e| super::backup::unwritable(&config.dir, &e))?;
        Ok::<_, AppError>((verified.manifest, size))
    }
    .await;
    let (manifest, size) = match checked {
        Ok(done) => done,
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            return Err(run.fail(e).await);
        }
    };
    let backup = Backup {
        file: name,
        size_bytes: size as i64,
        checksum: manifest.checksum.clone(),
        format: manifest.format,
        counts: manifest.counts.clone(),
        records: manifest.records,
        origin: Origin::Upload,
        made_by: who.actor.clone(),
        made_at: manifest.created_at,
        operation: run.id().to_string(),
        meta: Default::default(),
    };
    let backup = match save::create(engine, who, backup).await {
        Ok(b) => b.into_record(),
        Err(e) => return Err(run.fail(e).await),
    };
    run.op.subject = backup.meta.id.clone();
    run.op.counts.total = manifest.records;
    run.op.counts.done = manifest.records;
    let summary = td_string!(current(), sync.import.received, n = manifest.records).to_string();
    run.finish(OperationStatus::Succeeded, summary).await?;
    super::retention::apply(engine, who).await;
    Ok(backup)
}
