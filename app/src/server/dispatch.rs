//! Operations on a collection named at run time (the generic `sync`, history, restore).
//! The one list of collections the engine knows by name.

use serde_json::Value;

use crate::api::{FieldDiff, HistoryEntry, SaveOutcome, SyncOp, SyncOptions, SyncResult};
use crate::error::AppError;
use crate::live::ChangeOp;
use crate::merge::{to_map, RecordEdit};
use crate::model::{Collection, Service, SiteSettings, Solution, TeamMember};

use super::access::Principal;
use super::{save, store, Engine};

/// Longest history returned at once.
const HISTORY_LIMIT: i64 = 200;

macro_rules! by_name {
    ($name:expr, $f:ident ( $($arg:expr),* )) => {
        match $name {
            SiteSettings::NAME => $f::<SiteSettings>($($arg),*).await,
            TeamMember::NAME => $f::<TeamMember>($($arg),*).await,
            Service::NAME => $f::<Service>($($arg),*).await,
            Solution::NAME => $f::<Solution>($($arg),*).await,
            other => Err(AppError::NotFound(format!("a collection named {other:?}"))),
        }
    };
}

pub async fn sync(
    engine: &Engine,
    who: &Principal,
    collection: &str,
    op: SyncOp,
    payload: Value,
    options: SyncOptions,
) -> Result<SyncResult, AppError> {
    by_name!(collection, sync_typed(engine, who, op, payload, options))
}

pub async fn history(
    engine: &Engine,
    who: &Principal,
    collection: &str,
    id: &str,
) -> Result<Vec<HistoryEntry>, AppError> {
    by_name!(collection, history_typed(engine, who, id))
}

pub async fn restore(
    engine: &Engine,
    who: &Principal,
    collection: &str,
    id: &str,
    version: i64,
) -> Result<SyncResult, AppError> {
    by_name!(collection, restore_typed(engine, who, id, version))
}

async fn sync_typed<T: Collection>(
    engine: &Engine,
    who: &Principal,
    op: SyncOp,
    payload: Value,
    options: SyncOptions,
) -> Result<SyncResult, AppError> {
    let bad = |what: &str, e: serde_json::Error| {
        AppError::Validation(vec![crate::model::FieldError::new(
            "payload",
            format!("{what}: {e}"),
        )])
    };
    let opts = save::WriteOptions {
        only_if_changed: options.only_if_changed,
        notify: options.notify,
    };
    match op {
        SyncOp::Create => {
            let record: T =
                serde_json::from_value(payload).map_err(|e| bad("not a valid record", e))?;
            Ok(result(save::create_with(engine, who, record, opts).await?))
        }
        SyncOp::Update => {
            let edit: RecordEdit =
                serde_json::from_value(payload).map_err(|e| bad("not a valid edit", e))?;
            Ok(result(
                save::save_with::<T>(engine, who, &edit, opts).await?,
            ))
        }
        SyncOp::Delete => {
            let id = payload
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let seq = save::delete_with::<T>(engine, who, id, opts).await?;
            Ok(SyncResult {
                outcome: "deleted".into(),
                record: None,
                seq: Some(seq),
            })
        }
    }
}

async fn restore_typed<T: Collection>(
    engine: &Engine,
    who: &Principal,
    id: &str,
    version: i64,
) -> Result<SyncResult, AppError> {
    Ok(result(save::restore::<T>(engine, who, id, version).await?))
}

async fn history_typed<T: Collection>(
    engine: &Engine,
    who: &Principal,
    id: &str,
) -> Result<Vec<HistoryEntry>, AppError> {
    let mut conn = engine.db.read.acquire().await?;
    let rows = store::record_history(&mut conn, who.org, T::NAME, id, 0, HISTORY_LIMIT).await?;
    if rows.is_empty() {
        return Err(AppError::NotFound(format!("{} {id}", T::NAME)));
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let after = row
                .data
                .as_ref()
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let before = row.before.unwrap_or_default();
            let fields: Vec<String> = match row.op {
                ChangeOp::Updated => row.changed,
                ChangeOp::Created => row.changed,
                ChangeOp::Deleted => before
                    .keys()
                    .filter(|k| T::is_editable(k))
                    .cloned()
                    .collect(),
            };
            let changes = fields
                .into_iter()
                .map(|field| FieldDiff {
                    before: before.get(&field).cloned().unwrap_or(Value::Null),
                    after: after.get(&field).cloned().unwrap_or(Value::Null),
                    field,
                })
                .collect();
            HistoryEntry {
                seq: row.seq,
                version: row.version,
                op: row.op,
                actor: row.actor,
                at: row.at,
                changes,
            }
        })
        .collect())
}

fn result<T: Collection>(outcome: SaveOutcome<T>) -> SyncResult {
    match outcome {
        SaveOutcome::Saved { record, seq, .. } => SyncResult {
            outcome: "saved".into(),
            record: Some(Value::Object(to_map(&record))),
            seq: Some(seq),
        },
        SaveOutcome::Unchanged { record } => SyncResult {
            outcome: "unchanged".into(),
            record: Some(Value::Object(to_map(&record))),
            seq: None,
        },
    }
}

pub async fn list(
    engine: &Engine,
    who: &Principal,
    collection: &str,
    public: bool,
) -> Result<crate::api::Snapshot<Vec<Value>>, AppError> {
    by_name!(collection, list_typed(engine, who, public))
}

async fn list_typed<T: Collection>(
    engine: &Engine,
    who: &Principal,
    public: bool,
) -> Result<crate::api::Snapshot<Vec<Value>>, AppError> {
    let snap = save::list::<T>(engine, who, public).await?;
    let record = snap
        .record
        .iter()
        .map(|r| Value::Object(to_map(r)))
        .collect();
    Ok(crate::api::Snapshot {
        record,
        seq: snap.seq,
        seq_at: snap.seq_at,
    })
}

pub async fn save_list(
    engine: &Engine,
    who: &Principal,
    collection: &str,
    items: Vec<Value>,
) -> Result<Vec<SyncResult>, AppError> {
    by_name!(collection, save_list_typed(engine, who, items))
}

async fn save_list_typed<T: Collection>(
    engine: &Engine,
    who: &Principal,
    items: Vec<Value>,
) -> Result<Vec<SyncResult>, AppError> {
    let items = items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            serde_json::from_value::<T>(v).map_err(|e| {
                AppError::Validation(vec![crate::model::FieldError::new(
                    &format!("items[{i}]"),
                    e.to_string(),
                )])
            })
        })
        .collect::<Result<Vec<T>, _>>()?;
    Ok(save::save_list(engine, who, items)
        .await?
        .into_iter()
        .map(result)
        .collect())
}

pub async fn deleted(
    engine: &Engine,
    who: &Principal,
    collection: &str,
) -> Result<Vec<crate::api::DeletedRecord>, AppError> {
    by_name!(collection, deleted_typed(engine, who))
}

async fn deleted_typed<T: Collection>(
    engine: &Engine,
    who: &Principal,
) -> Result<Vec<crate::api::DeletedRecord>, AppError> {
    save::deleted::<T>(engine, who).await
}

pub async fn public_page(
    engine: &Engine,
    who: &Principal,
    collection: &str,
    id: &str,
    visitor: &str,
) -> Result<crate::api::Snapshot<Value>, AppError> {
    by_name!(collection, public_page_typed(engine, who, id, visitor))
}

async fn public_page_typed<T: Collection>(
    engine: &Engine,
    who: &Principal,
    id: &str,
    visitor: &str,
) -> Result<crate::api::Snapshot<Value>, AppError> {
    let snap = save::public_page::<T>(engine, who, id, visitor).await?;
    Ok(crate::api::Snapshot {
        record: Value::Object(to_map(&snap.record)),
        seq: snap.seq,
        seq_at: snap.seq_at,
    })
}
