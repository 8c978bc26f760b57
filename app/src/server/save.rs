//! The merged save: load, merge, validate, write the row and the change log in one
//! transaction, commit, then publish.

use serde_json::Value;
use sqlx::{Any, Transaction};

use crate::api::SaveOutcome;

use crate::error::AppError;
use crate::live::ChangeOp;
use crate::merge::{merge, MergeOutcome, RecordEdit};
use crate::model::{Collection, FieldError};
use crate::time::now_ms;

use super::access::Principal;
use super::store::{self, NewChange, StoredRecord};
use super::Engine;

pub async fn save<T: Collection>(
    engine: &Engine,
    who: &Principal,
    edit: &RecordEdit,
) -> Result<SaveOutcome<T>, AppError> {
    let db = &engine.db;
    let mut conn = db.writer().await?;
    let mut tx = db.begin_write(&mut conn).await?;

    let stored = store::load_record(&mut tx, who.org, T::NAME, &edit.id, db.for_update())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("{} {}", T::NAME, edit.id)))?;
    let current = stored.to_map();

    let (merged, changed) = match merge::<T>(&current, edit) {
        MergeOutcome::Unchanged => {
            return Ok(SaveOutcome::Unchanged {
                record: typed(current)?,
            })
        }
        MergeOutcome::Conflicts(c) => return Err(AppError::Conflict(c)),
        MergeOutcome::Invalid(e) => return Err(AppError::Validation(e)),
        MergeOutcome::Merged { record, changed } => (record, changed),
    };
    check_types(&current, edit, &changed)?;
    let record: T = typed(merged.clone())?;
    let errors = record.validate();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }

    let now = now_ms();
    let next = StoredRecord {
        version: stored.version + 1,
        updated_at: now,
        updated_by: who.actor.clone(),
        data: store::data_without_meta(&merged),
        ..stored
    };
    store::update_record(&mut tx, who.org, T::NAME, &next).await?;
    let full = next.to_map();
    let before: serde_json::Map<String, Value> = changed
        .iter()
        .map(|f| (f.clone(), current[f].clone()))
        .collect();
    let change = NewChange {
        collection: T::NAME,
        record_id: &next.id,
        op: ChangeOp::Updated,
        version: next.version,
        data: Some(Value::Object(full.clone())),
        changed: changed.clone(),
        before: Some(Value::Object(before)),
        actor: &who.actor,
        at: now,
    };
    let seq = log_commit_publish(engine, who, tx, change).await?;
    Ok(SaveOutcome::Saved {
        record: typed(full)?,
        seq,
        changed,
    })
}

/// Create a record (used for first-start content); logs a `created` change.
pub async fn create<T: Collection>(
    engine: &Engine,
    who: &Principal,
    id: &str,
    record: &T,
) -> Result<i64, AppError> {
    let errors = record.validate();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let db = &engine.db;
    let mut conn = db.writer().await?;
    let mut tx = db.begin_write(&mut conn).await?;
    let now = now_ms();
    let rec = StoredRecord {
        id: id.to_string(),
        version: 1,
        created_at: now,
        updated_at: now,
        updated_by: who.actor.clone(),
        data: store::data_without_meta(&crate::merge::to_map(record)),
    };
    store::insert_record(&mut tx, who.org, T::NAME, &rec).await?;
    let change = NewChange {
        collection: T::NAME,
        record_id: id,
        op: ChangeOp::Created,
        version: 1,
        data: Some(Value::Object(rec.to_map())),
        changed: rec.data.keys().cloned().collect(),
        before: None,
        actor: &who.actor,
        at: now,
    };
    log_commit_publish(engine, who, tx, change).await
}

/// Append the change to the log, commit, then publish; returns the change's sequence number.
///
/// The caller still holds the writer connection (the transaction borrows it), so on SQLite's
/// single writer publishes leave in sequence order and subscribers rarely fill gaps from the log.
async fn log_commit_publish(
    engine: &Engine,
    who: &Principal,
    mut tx: Transaction<'_, Any>,
    change: NewChange<'_>,
) -> Result<i64, AppError> {
    let event = store::append_change(&mut tx, who.org, change).await?;
    tx.commit().await?;
    let seq = event.seq;
    engine.hub.publish(who.org, event);
    Ok(seq)
}

/// Read one record with the sequence it is at least as new as.
///
/// The head is read first, so the record may already include a later change; clients apply
/// an event only when its version is newer than theirs, so that overlap is harmless.
pub async fn snapshot<T: Collection>(
    engine: &Engine,
    who: &Principal,
    id: &str,
) -> Result<crate::api::Snapshot<T>, AppError> {
    let mut conn = engine.db.read.acquire().await?;
    let (seq, seq_at) = store::head(&mut conn, who.org).await?;
    let stored = store::load_record(&mut conn, who.org, T::NAME, id, "")
        .await?
        .ok_or_else(|| AppError::NotFound(format!("{} {id}", T::NAME)))?;
    Ok(crate::api::Snapshot {
        record: typed(stored.to_map())?,
        seq,
        seq_at,
    })
}

fn typed<T: Collection>(map: serde_json::Map<String, Value>) -> Result<T, AppError> {
    serde_json::from_value(Value::Object(map))
        .map_err(|e| AppError::Internal(format!("stored {} does not fit its model: {e}", T::NAME)))
}

/// A changed field must keep the JSON type it has (text stays text), or the editor hears which.
fn check_types(
    current: &serde_json::Map<String, Value>,
    edit: &RecordEdit,
    changed: &[String],
) -> Result<(), AppError> {
    let errors: Vec<FieldError> = changed
        .iter()
        .filter(|f| kind(&current[*f]) != kind(&edit.changes[*f].to))
        .map(|f| FieldError::new(f, format!("{f} must be {}.", kind(&current[f]))))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
