//! The engine's writes: every one loads under a write lock, merges, validates, writes the row
//! and its change-log entries in one transaction, commits, then publishes.

use futures::future::BoxFuture;
use futures::FutureExt;
use serde_json::{Map, Value};
use sqlx::AnyConnection;

use crate::core::collection::{Collection, META_FIELDS};
use crate::core::error::AppError;
use crate::core::locale;
use crate::core::merge::{merge, to_map, FieldConflict, MergeOutcome, RecordEdit};
use crate::core::protocol::ChangeOp;
use crate::core::time::now_ms;
use crate::core::validate::FieldError;
use crate::core::wire::{SaveOutcome, Snapshot};

use crate::core::principal::Principal;
use crate::engine::store::{self, LoggedChange, NewChange, PublicView, RowWrite, StoredRecord};
use crate::engine::writer::{end_savepoint, savepoint, JobResult};
use crate::engine::{Db, Engine};
use crate::i18n::*;

/// A record that does not exist (any more), said the way people read it: not by its
/// collection's internal name and its id.
pub fn record_not_found() -> AppError {
    AppError::NotFound(td_string!(locale::current(), errors.subject.record).to_string())
}

/// Longest list a single list save accepts.
pub const MAX_LIST_ITEMS: usize = 500;

/// How a write behaves beyond the merge rules (the generic `sync`'s options).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOptions {
    /// When false, a save that changes nothing still writes a new version and publishes it
    /// (to re-announce a record).
    pub only_if_changed: bool,
    /// When false, the change is logged and published live but not sent to webhooks.
    pub notify: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        Self {
            only_if_changed: true,
            notify: true,
        }
    }
}

/// Merge an edit into an existing record.
pub async fn save<T: Collection>(
    engine: &Engine,
    who: &Principal,
    edit: &RecordEdit,
) -> Result<SaveOutcome<T>, AppError> {
    save_with(engine, who, edit, WriteOptions::default()).await
}

/// [`save`] with options.
pub async fn save_with<T: Collection>(
    engine: &Engine,
    who: &Principal,
    edit: &RecordEdit,
    opts: WriteOptions,
) -> Result<SaveOutcome<T>, AppError> {
    let edit = edit.clone();
    write_as(engine, who, move |db, conn, who| {
        async move {
            Ok(update_in_tx::<T>(db, conn, who, &edit, opts)
                .await?
                .outcome())
        }
        .boxed()
    })
    .await
}

/// Store a new record; an empty id gets a fresh one.
pub async fn create<T: Collection>(
    engine: &Engine,
    who: &Principal,
    record: T,
) -> Result<SaveOutcome<T>, AppError> {
    create_with(engine, who, record, WriteOptions::default()).await
}

/// [`create`] with options.
pub async fn create_with<T: Collection>(
    engine: &Engine,
    who: &Principal,
    record: T,
    opts: WriteOptions,
) -> Result<SaveOutcome<T>, AppError> {
    write_as(engine, who, move |db, conn, who| {
        async move {
            let (record, change) = create_in_tx::<T>(db, conn, who, record, 1, opts).await?;
            Ok(Applied::Changed(record, Box::new(change)).outcome())
        }
        .boxed()
    })
    .await
}

/// Store a new record inside the caller's write transaction (an [`crate::engine::OnNewOrganisation`]
/// hook's first records); returns the change to publish once committed.
pub async fn create_in<T: Collection>(
    db: &Db,
    conn: &mut AnyConnection,
    who: &Principal,
    record: T,
) -> Result<(T, LoggedChange), AppError> {
    create_in_tx::<T>(db, conn, who, record, 1, WriteOptions::default()).await
}

/// Delete a record. Its last state stays in the change log, so it can be restored.
pub async fn delete<T: Collection>(
    engine: &Engine,
    who: &Principal,
    id: &str,
) -> Result<i64, AppError> {
    delete_with::<T>(engine, who, id, WriteOptions::default()).await
}

/// [`delete`] with options.
pub async fn delete_with<T: Collection>(
    engine: &Engine,
    who: &Principal,
    id: &str,
    opts: WriteOptions,
) -> Result<i64, AppError> {
    let id = id.to_string();
    write_as(engine, who, move |db, conn, who| {
        async move { delete_in_tx::<T>(db, conn, who, &id, opts).await }.boxed()
    })
    .await
}

async fn delete_in_tx<T: Collection>(
    db: &Db,
    conn: &mut AnyConnection,
    who: &Principal,
    id: &str,
    opts: WriteOptions,
) -> Result<(i64, Vec<LoggedChange>), AppError> {
    let stored = load_locked::<T>(db, conn, who, id).await?;
    let full = stored.to_map();
    let change = NewChange {
        collection: T::NAME,
        record_id: id,
        op: ChangeOp::Deleted,
        version: stored.version + 1,
        data: None,
        changed: Vec::new(),
        before: Some(Value::Object(full.clone())),
        actor: &who.actor,
        at: now_ms(),
        public: public_view::<T>(Some(&full), None, &[]),
        notify: opts.notify,
    };
    let change = store::write_change(conn, who.org, RowWrite::Delete, change).await?;
    Ok((change.seq(), vec![change]))
}

/// Save a list in one transaction: items with an id are merged into the stored record (from
/// the version the editor had), items without one are created, and the list's order is kept:
/// the items take the order slots they already occupy, in list order, and new items go after
/// everything else. Items missing from the list are left alone, in place: deleting is
/// explicit. Any conflict or invalid item rejects the whole list, and nothing is written.
pub async fn save_list<T: Collection>(
    engine: &Engine,
    who: &Principal,
    items: Vec<T>,
) -> Result<Vec<SaveOutcome<T>>, AppError> {
    if items.len() > MAX_LIST_ITEMS {
        return Err(AppError::Validation(vec![FieldError::new(
            "items",
            td_string!(
                locale::current(),
                errors.list_too_long,
                max = MAX_LIST_ITEMS,
                n = items.len()
            )
            .to_string(),
        )]));
    }
    write_as(engine, who, move |db, conn, who| {
        async move {
            // Items are written one by one; a rejected list must leave none of them.
            savepoint(conn, "list_save").await?;
            let saved = save_list_in_tx(db, conn, who, items).await;
            end_savepoint(conn, "list_save", saved.is_ok()).await?;
            saved
        }
        .boxed()
    })
    .await
}

async fn save_list_in_tx<T: Collection>(
    db: &Db,
    conn: &mut AnyConnection,
    who: &Principal,
    items: Vec<T>,
) -> Result<(Vec<SaveOutcome<T>>, Vec<LoggedChange>), AppError> {
    let maps: Vec<Map<String, Value>> = items.iter().map(to_map).collect();
    let slots = order_slots::<T>(conn, who, &maps).await?;
    let mut outcomes = Vec::with_capacity(maps.len());
    let mut changes = Vec::new();
    let mut problems = ListProblems::default();
    for (position, mut map) in maps.into_iter().enumerate() {
        if let (true, Some(slot)) = (map.contains_key("order"), slots.get(position)) {
            map.insert("order".into(), Value::from(*slot));
        }
        let id = map
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let stored = match id.as_str() {
            "" => None,
            id => store::load_record(conn, who.org, T::NAME, id, db.for_update()).await?,
        };
        let result = match stored {
            // Records only the server makes are not made by a list either.
            None if T::MADE_BY_SERVER => Err(AppError::Validation(vec![FieldError::new(
                "payload",
                td_string!(locale::current(), errors.made_by_server).to_string(),
            )])),
            None => {
                let item: T = typed(map)?;
                create_in_tx::<T>(db, conn, who, item, 1, WriteOptions::default())
                    .await
                    .map(|(r, c)| Applied::Changed(r, Box::new(c)))
            }
            Some(stored) => {
                let version = map.get("version").and_then(Value::as_i64).unwrap_or(0);
                match record_at::<T>(conn, who, &stored, version).await? {
                    Some(base) => {
                        let edit = RecordEdit::between_maps::<T>(&id, version, &base, map);
                        update_in_tx::<T>(db, conn, who, &edit, WriteOptions::default()).await
                    }
                    None => unknown_base::<T>(&stored, &map),
                }
            }
        };
        match result {
            Ok(Applied::Unchanged(record)) => outcomes.push(SaveOutcome::Unchanged { record }),
            Ok(Applied::Changed(record, change)) => {
                outcomes.push(SaveOutcome::Saved {
                    record,
                    seq: change.seq(),
                    changed: change.staff.changed.clone(),
                });
                changes.push(*change);
            }
            Err(e) => problems.add(position, &id, e)?,
        }
    }
    problems.into_result()?;
    Ok((outcomes, changes))
}

/// Count one public page view. Counters are server-owned and not content: no new version, no
/// change-log entry, no live event; editors' saves keep them because the merge never writes
/// preserved fields.
pub async fn count_view<T: Collection>(
    engine: &Engine,
    who: &Principal,
    id: &str,
    visitor: &str,
) -> Result<i64, AppError> {
    if !T::PRESERVED.contains(&"views") {
        return Err(AppError::NotFound(
            td_string!(
                locale::current(),
                errors.subject.view_counts,
                collection = T::NAME
            )
            .to_string(),
        ));
    }
    // A missing or unpublished record is not found before anything is remembered or
    // written: made-up ids must cost a visitor's script, not the server's memory or its
    // write lock.
    let id = &valid_id(id)?;
    let current = public_snapshot::<T>(engine, who, id).await?;
    if !engine.views.first_in_period(who.org, T::NAME, id, visitor) {
        // Seen lately: the count stands.
        return Ok(to_map(&current.record)
            .get("views")
            .and_then(Value::as_i64)
            .unwrap_or(0));
    }
    let id = id.to_string();
    write_as(engine, who, move |db, conn, who| {
        async move {
            let stored = load_locked::<T>(db, conn, who, &id).await?;
            if T::public_projection(&stored.to_map()).is_none() {
                return Err(record_not_found());
            }
            let mut data = stored.data;
            let views = data.get("views").and_then(Value::as_i64).unwrap_or(0) + 1;
            data.insert("views".into(), views.into());
            store::write_data_in_place(conn, who.org, T::NAME, &id, &data).await?;
            Ok((views, Vec::new()))
        }
        .boxed()
    })
    .await
}

/// A public visitor opens a record's page: count the view, then return what the public may
/// see of it (drafts are not found).
pub async fn public_page<T: Collection>(
    engine: &Engine,
    who: &Principal,
    id: &str,
    visitor: &str,
) -> Result<Snapshot<T>, AppError> {
    count_view::<T>(engine, who, id, visitor).await?;
    public_snapshot::<T>(engine, who, id).await
}

/// Bring a record back to how it was at `version`, as a merged save (so it is itself a new
/// version, logged and published like any other).
pub async fn restore<T: Collection>(
    engine: &Engine,
    who: &Principal,
    id: &str,
    version: i64,
) -> Result<SaveOutcome<T>, AppError> {
    let id = id.to_string();
    write_as(engine, who, move |db, conn, who| {
        async move { restore_in_tx::<T>(db, conn, who, &id, version).await }.boxed()
    })
    .await
}

async fn restore_in_tx<T: Collection>(
    db: &Db,
    conn: &mut AnyConnection,
    who: &Principal,
    id: &str,
    version: i64,
) -> Result<(SaveOutcome<T>, Vec<LoggedChange>), AppError> {
    let Some(stored) = store::load_record(conn, who.org, T::NAME, id, db.for_update()).await?
    else {
        return restore_deleted::<T>(db, conn, who, id, version).await;
    };
    if version < 1 || version > stored.version {
        return Err(AppError::NotFound(version_not_found(version)));
    }
    // A version retention pruned cannot be restored.
    let target = record_at::<T>(conn, who, &stored, version)
        .await?
        .ok_or_else(|| AppError::NotFound(version_not_found(version)))?;
    let current = stored.to_map();
    let edit = RecordEdit::between_maps::<T>(id, stored.version, &current, target);
    let applied = update_in_tx::<T>(db, conn, who, &edit, WriteOptions::default()).await?;
    Ok(applied.outcome())
}

/// Bring back a deleted record as it was at `version`: its last state (logged with its
/// deletion) with the content of `version` (logged whole by the change that made it), created
/// again under its own id with the next version, its counters and creation time kept. Two
/// rows read, however long its history.
async fn restore_deleted<T: Collection>(
    db: &Db,
    conn: &mut AnyConnection,
    who: &Principal,
    id: &str,
    version: i64,
) -> Result<(SaveOutcome<T>, Vec<LoggedChange>), AppError> {
    let not_found = || AppError::NotFound(version_not_found(version));
    let deletion = store::last_change(conn, who.org, T::NAME, id)
        .await?
        .filter(|c| c.op == ChangeOp::Deleted)
        .ok_or_else(not_found)?;
    if version < 1 || version >= deletion.version {
        return Err(not_found());
    }
    let at_version = store::record_at_version(conn, who.org, T::NAME, id, version)
        .await?
        .ok_or_else(not_found)?;
    let mut map = deletion.before.unwrap_or_default();
    for (field, value) in at_version {
        if T::is_editable(&field) {
            map.insert(field, value);
        }
    }
    let record: T = typed(map)?;
    let (record, change) = create_in_tx::<T>(
        db,
        conn,
        who,
        record,
        deletion.version + 1,
        WriteOptions::default(),
    )
    .await?;
    Ok(Applied::Changed(record, Box::new(change)).outcome())
}

/// Deleted records of a collection that can be restored, newest first, each with its last
/// state and the version it was deleted at.
pub async fn deleted<T: Collection>(
    engine: &Engine,
    who: &Principal,
) -> Result<Vec<crate::core::wire::DeletedRecord>, AppError> {
    let mut conn = engine.db.read.acquire().await?;
    let rows = store::deleted_records(&mut conn, who.org, T::NAME, 100).await?;
    let mut seen = std::collections::HashSet::new();
    Ok(rows
        .into_iter()
        .filter(|r| seen.insert(r.record_id.clone()))
        .map(|r| crate::core::wire::DeletedRecord {
            id: r.record_id,
            deleted_version: r.version,
            deleted_at: r.at,
            deleted_by: r.actor,
            last: r.before.map(Value::Object).unwrap_or(Value::Null),
        })
        .collect())
}

/// Read one record with the sequence it is at least as new as.
///
/// The head is read first, so the record may already include a later change; clients apply
/// an event only when its version is newer than theirs, so that overlap is harmless.
pub async fn snapshot<T: Collection>(
    engine: &Engine,
    who: &Principal,
    id: &str,
) -> Result<Snapshot<T>, AppError> {
    let mut conn = engine.db.read.acquire().await?;
    let (seq, seq_at) = store::head(&mut conn, who.org).await?;
    let stored = store::load_record(&mut conn, who.org, T::NAME, id, "")
        .await?
        .ok_or_else(record_not_found)?;
    Ok(Snapshot {
        record: typed(stored.to_map())?,
        seq,
        seq_at,
    })
}

/// One record as a public visitor may see it ([`Collection::public_projection`]); a record
/// they may not see is not found.
pub async fn public_snapshot<T: Collection>(
    engine: &Engine,
    who: &Principal,
    id: &str,
) -> Result<Snapshot<T>, AppError> {
    let snap = snapshot::<T>(engine, who, id).await?;
    let public = T::public_projection(&to_map(&snap.record)).ok_or_else(record_not_found)?;
    Ok(Snapshot {
        record: typed(public)?,
        ..snap
    })
}

/// Every record of a collection, in list order, read with the sequence they are at least as
/// new as. `public` keeps only what a visitor may see.
pub async fn list<T: Collection>(
    engine: &Engine,
    who: &Principal,
    public: bool,
) -> Result<Snapshot<Vec<T>>, AppError> {
    let mut conn = engine.db.read.acquire().await?;
    let (seq, seq_at) = store::head(&mut conn, who.org).await?;
    let mut records = Vec::new();
    for stored in store::list_records(&mut conn, who.org, T::NAME).await? {
        let full = stored.to_map();
        let visible = if public {
            T::public_projection(&full)
        } else {
            Some(full)
        };
        if let Some(map) = visible {
            records.push(typed::<T>(map)?);
        }
    }
    records.sort_by_key(|r| r.order());
    Ok(Snapshot {
        record: records,
        seq,
        seq_at,
    })
}

/// The `order` values a list's items take, by position: the slots its stored items occupy now,
/// plus fresh slots after the last for new items, sorted. Empty when `T` has no order.
async fn order_slots<T: Collection>(
    conn: &mut AnyConnection,
    who: &Principal,
    items: &[Map<String, Value>],
) -> Result<Vec<i64>, AppError> {
    if items.first().is_none_or(|i| !i.contains_key("order")) {
        return Ok(Vec::new());
    }
    let stored: std::collections::HashMap<String, i64> =
        store::list_records(conn, who.org, T::NAME)
            .await?
            .into_iter()
            .map(|r| {
                (
                    r.id,
                    r.data.get("order").and_then(Value::as_i64).unwrap_or(0),
                )
            })
            .collect();
    // Stored positions are validated, but an old record may hold anything: never overflow.
    let mut next = stored.values().max().map_or(0, |m| m.saturating_add(1));
    let mut slots: Vec<i64> = items
        .iter()
        .map(|item| {
            match item
                .get("id")
                .and_then(Value::as_str)
                .and_then(|id| stored.get(id))
            {
                Some(order) => *order,
                None => {
                    next = next.saturating_add(1);
                    next - 1
                }
            }
        })
        .collect();
    slots.sort_unstable();
    Ok(slots)
}

/// Run `job` as a write job of `who`'s organisation ([`Engine::write`]); the job gets its
/// own handle on the database and its own copy of `who`, as it may run on the writer's task.
async fn write_as<R, F>(engine: &Engine, who: &Principal, job: F) -> Result<R, AppError>
where
    R: Send + 'static,
    F: for<'a> FnOnce(&'a Db, &'a mut AnyConnection, &'a Principal) -> BoxFuture<'a, JobResult<R>>
        + Send
        + 'static,
{
    let (db, who) = (engine.db.clone(), who.clone());
    engine
        .write(who.org, move |conn: &mut AnyConnection| {
            async move { job(&db, conn, &who).await }.boxed()
        })
        .await
}

enum Applied<T> {
    Unchanged(T),
    Changed(T, Box<LoggedChange>),
}

impl<T> Applied<T> {
    /// The editor's answer and the change to publish once committed.
    fn outcome(self) -> (SaveOutcome<T>, Vec<LoggedChange>) {
        match self {
            Applied::Unchanged(record) => (SaveOutcome::Unchanged { record }, Vec::new()),
            Applied::Changed(record, change) => (
                SaveOutcome::Saved {
                    record,
                    seq: change.seq(),
                    changed: change.staff.changed.clone(),
                },
                vec![*change],
            ),
        }
    }
}

async fn load_locked<T: Collection>(
    db: &Db,
    conn: &mut AnyConnection,
    who: &Principal,
    id: &str,
) -> Result<StoredRecord, AppError> {
    store::load_record(conn, who.org, T::NAME, id, db.for_update())
        .await?
        .ok_or_else(record_not_found)
}

async fn update_in_tx<T: Collection>(
    db: &Db,
    conn: &mut AnyConnection,
    who: &Principal,
    edit: &RecordEdit,
    opts: WriteOptions,
) -> Result<Applied<T>, AppError> {
    let stored = load_locked::<T>(db, conn, who, &edit.id).await?;
    let current = stored.to_map();
    let (merged, changed) = match merge::<T>(&current, edit) {
        MergeOutcome::Unchanged if opts.only_if_changed => {
            return Ok(Applied::Unchanged(typed(current)?))
        }
        MergeOutcome::Unchanged => (current.clone(), Vec::new()),
        MergeOutcome::Conflicts(c) => return Err(AppError::Conflict(c)),
        MergeOutcome::Invalid(e) => return Err(AppError::Validation(e)),
        MergeOutcome::Merged { record, changed } => (record, changed),
    };
    check_types(&current, edit, &changed)?;
    write_next::<T>(conn, who, stored, &current, merged, changed, opts).await
}

/// Validate the record's next state and write it, with its change-log entry, as the next
/// version.
async fn write_next<T: Collection>(
    conn: &mut AnyConnection,
    who: &Principal,
    stored: StoredRecord,
    current: &Map<String, Value>,
    merged: Map<String, Value>,
    changed: Vec<String>,
    opts: WriteOptions,
) -> Result<Applied<T>, AppError> {
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
    let full = next.to_map();
    let before: Map<String, Value> = changed
        .iter()
        .map(|f| (f.clone(), current.get(f).cloned().unwrap_or(Value::Null)))
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
        public: public_view::<T>(Some(current), Some(&full), &changed),
        notify: opts.notify,
    };
    let change = store::write_change(conn, who.org, RowWrite::Update(&next), change).await?;
    Ok(Applied::Changed(typed(full)?, Box::new(change)))
}

/// The server's own change to a record (its server-owned fields too: a booking's meetings, a
/// counter), inside the caller's write transaction: `change` edits the typed record; nothing
/// changed, nothing is written (`None`). Returns the record and the change to publish.
pub async fn update_owned_in<T: Collection>(
    db: &Db,
    conn: &mut AnyConnection,
    who: &Principal,
    id: &str,
    change: impl FnOnce(&mut T),
) -> Result<Option<(T, LoggedChange)>, AppError> {
    update_owned_with(db, conn, who, id, change, WriteOptions::default()).await
}

/// [`update_owned_in`] with options (the operations log's progress is not for webhooks).
pub async fn update_owned_with<T: Collection>(
    db: &Db,
    conn: &mut AnyConnection,
    who: &Principal,
    id: &str,
    change: impl FnOnce(&mut T),
    opts: WriteOptions,
) -> Result<Option<(T, LoggedChange)>, AppError> {
    let stored = load_locked::<T>(db, conn, who, id).await?;
    let current = stored.to_map();
    let mut record: T = typed(current.clone())?;
    change(&mut record);
    let mut next = to_map(&record);
    // What a record's meta says is the server's to keep.
    for field in META_FIELDS {
        if let Some(v) = current.get(*field) {
            next.insert(field.to_string(), v.clone());
        }
    }
    let changed: Vec<String> = next
        .iter()
        .filter(|(field, value)| current.get(*field).unwrap_or(&Value::Null) != *value)
        .map(|(field, _)| field.clone())
        .collect();
    if changed.is_empty() {
        return Ok(None);
    }
    match write_next::<T>(conn, who, stored, &current, next, changed, opts).await? {
        Applied::Changed(record, change) => Ok(Some((record, *change))),
        Applied::Unchanged(_) => Ok(None),
    }
}

async fn create_in_tx<T: Collection>(
    db: &Db,
    conn: &mut AnyConnection,
    who: &Principal,
    mut record: T,
    version: i64,
    opts: WriteOptions,
) -> Result<(T, LoggedChange), AppError> {
    let now = now_ms();
    // A restored record (version > 1) keeps its counters and its creation time.
    let restored_created_at = (version > 1)
        .then(|| to_map(&record).get("created_at").and_then(Value::as_i64))
        .flatten();
    if version == 1 {
        record.prepare_new(now);
    }
    let errors = record.validate();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let map = to_map(&record);
    let id = match map.get("id").and_then(Value::as_str) {
        Some(id) if !id.is_empty() => valid_id(id)?,
        _ => uuid::Uuid::new_v4().simple().to_string(),
    };
    if store::load_record(conn, who.org, T::NAME, &id, db.for_update())
        .await?
        .is_some()
    {
        return Err(AppError::Validation(vec![FieldError::new(
            "id",
            td_string!(locale::current(), errors.id_taken, id = &id).to_string(),
        )]));
    }
    let rec = StoredRecord {
        id: id.clone(),
        version,
        created_at: restored_created_at.unwrap_or(now),
        updated_at: now,
        updated_by: who.actor.clone(),
        data: store::data_without_meta(&map),
    };
    let full = rec.to_map();
    let change = NewChange {
        collection: T::NAME,
        record_id: &id,
        op: ChangeOp::Created,
        version,
        data: Some(Value::Object(full.clone())),
        changed: rec.data.keys().cloned().collect(),
        before: None,
        actor: &who.actor,
        at: now,
        public: public_view::<T>(None, Some(&full), &[]),
        notify: opts.notify,
    };
    let change = store::write_change(conn, who.org, RowWrite::Insert(&rec), change).await?;
    Ok((typed(full)?, change))
}

/// The record as it was at `version`: the whole record the change that made it logged, one
/// row however long the history (a draft without a version is based on the record as
/// created); `None` when retention has pruned that change.
async fn record_at<T: Collection>(
    conn: &mut AnyConnection,
    who: &Principal,
    stored: &StoredRecord,
    version: i64,
) -> Result<Option<Map<String, Value>>, AppError> {
    if version >= stored.version {
        return Ok(Some(stored.to_map()));
    }
    let logged =
        store::record_at_version(conn, who.org, T::NAME, &stored.id, version.max(1)).await?;
    Ok(logged.map(|mut map| {
        map.insert("version".into(), version.into());
        map
    }))
}

/// A draft whose version retention has pruned: what its editor changed cannot be told from
/// what they merely had not seen, so every editable field where it differs from the stored
/// record is a conflict for them to settle (never a silent overwrite, nor a lost change).
fn unknown_base<T: Collection>(
    stored: &StoredRecord,
    draft: &Map<String, Value>,
) -> Result<Applied<T>, AppError> {
    let current = stored.to_map();
    let conflicts: Vec<FieldConflict> = draft
        .iter()
        .filter(|(field, _)| T::is_editable(field))
        .filter(|(field, mine)| current.get(*field).unwrap_or(&Value::Null) != *mine)
        .map(|(field, mine)| FieldConflict {
            field: field.clone(),
            base: Value::Null,
            mine: mine.clone(),
            theirs: current.get(field).cloned().unwrap_or(Value::Null),
        })
        .collect();
    if conflicts.is_empty() {
        Ok(Applied::Unchanged(typed(current)?))
    } else {
        Err(AppError::Conflict(conflicts))
    }
}

/// What the public sees of a change from `before` to `after` (`None` = no record).
fn public_view<T: Collection>(
    before: Option<&Map<String, Value>>,
    after: Option<&Map<String, Value>>,
    changed: &[String],
) -> Option<PublicView> {
    let was = before.and_then(T::public_projection);
    let now = after.and_then(T::public_projection);
    match (was, now) {
        (None, None) => None,
        (None, Some(d)) => Some(PublicView {
            op: ChangeOp::Created,
            changed: d
                .keys()
                .filter(|k| !META_FIELDS.contains(&k.as_str()))
                .cloned()
                .collect(),
            data: Some(Value::Object(d)),
        }),
        (Some(_), None) => Some(PublicView {
            op: ChangeOp::Deleted,
            data: None,
            changed: Vec::new(),
        }),
        (Some(w), Some(d)) => {
            let visible: Vec<String> = changed
                .iter()
                .filter(|f| d.contains_key(*f) && w.get(*f) != d.get(*f))
                .cloned()
                .collect();
            // A change to private fields only is not the public's business.
            (!visible.is_empty()).then_some(PublicView {
                op: ChangeOp::Updated,
                data: Some(Value::Object(d)),
                changed: visible,
            })
        }
    }
}

/// Problems found while saving a list, each named by the item it belongs to.
#[derive(Default)]
struct ListProblems {
    invalid: Vec<FieldError>,
    conflicts: Vec<crate::core::merge::FieldConflict>,
}

impl ListProblems {
    fn add(&mut self, position: usize, id: &str, e: AppError) -> Result<(), AppError> {
        let name = |field: &str| {
            if id.is_empty() {
                format!("items[{position}].{field}")
            } else {
                format!("{id}.{field}")
            }
        };
        match e {
            AppError::Validation(errors) => {
                self.invalid.extend(errors.into_iter().map(|e| FieldError {
                    field: name(&e.field),
                    ..e
                }))
            }
            AppError::Conflict(conflicts) => {
                self.conflicts.extend(conflicts.into_iter().map(|c| {
                    crate::core::merge::FieldConflict {
                        field: name(&c.field),
                        ..c
                    }
                }))
            }
            other => return Err(other),
        }
        Ok(())
    }

    fn into_result(self) -> Result<(), AppError> {
        if !self.conflicts.is_empty() {
            Err(AppError::Conflict(self.conflicts))
        } else if !self.invalid.is_empty() {
            Err(AppError::Validation(self.invalid))
        } else {
            Ok(())
        }
    }
}

fn valid_id(id: &str) -> Result<String, AppError> {
    let ok = id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(id.to_string())
    } else {
        Err(AppError::Validation(vec![FieldError::new(
            "id",
            td_string!(locale::current(), errors.id_invalid),
        )]))
    }
}

fn typed<T: Collection>(map: Map<String, Value>) -> Result<T, AppError> {
    serde_json::from_value(Value::Object(map))
        .map_err(|e| AppError::Internal(format!("stored {} does not fit its model: {e}", T::NAME)))
}

/// A changed field must keep the JSON type it has (text stays text), or the editor hears which.
fn check_types(
    current: &Map<String, Value>,
    edit: &RecordEdit,
    changed: &[String],
) -> Result<(), AppError> {
    let errors: Vec<FieldError> = changed
        .iter()
        .filter(|f| {
            std::mem::discriminant(&current[*f]) != std::mem::discriminant(&edit.changes[*f].to)
        })
        .map(|f| {
            let message = td_string!(
                locale::current(),
                errors.must_be,
                field = f,
                kind = kind(&current[f])
            );
            FieldError::new(f, message.to_string())
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// What kind of value a field holds, as the editor reads it ("text", "a number").
fn kind(v: &Value) -> &'static str {
    let l = locale::current();
    match v {
        Value::Null => td_string!(l, errors.kind.empty),
        Value::Bool(_) => td_string!(l, errors.kind.boolean),
        Value::Number(_) => td_string!(l, errors.kind.number),
        Value::String(_) => td_string!(l, errors.kind.text),
        Value::Array(_) => td_string!(l, errors.kind.list),
        Value::Object(_) => td_string!(l, errors.kind.object),
    }
}

/// What a 404 for a missing version of a record says was not found.
fn version_not_found(version: i64) -> String {
    td_string!(locale::current(), errors.subject.version, version).to_string()
}

/// Make one record what a backup says it was, inside the caller's write transaction (a
/// restore's): `target` is the record's whole JSON form (`None`: it must not exist).
/// Creates, updates (every field, server-owned ones too: the backup is the truth) or
/// deletes it as a logged change with a new version, or writes nothing when it already is
/// so. The caller has checked the target ([`check_record`]).
pub async fn replace_in<T: Collection>(
    conn: &mut AnyConnection,
    who: &Principal,
    stored: Option<StoredRecord>,
    target: Option<Map<String, Value>>,
) -> Result<Option<LoggedChange>, AppError> {
    let now = now_ms();
    let change = |next: &StoredRecord, op, changed, before, public| NewChange {
        collection: T::NAME,
        record_id: "",
        op,
        version: next.version,
        data: Some(Value::Object(next.to_map())),
        changed,
        before,
        actor: "",
        at: now,
        public,
        notify: true,
    };
    // The model's fields only: a backup's extra fields (edited in by hand) are not stored.
    let target = match target {
        Some(t) => Some(to_map(&typed::<T>(t)?)),
        None => None,
    };
    let (next, new, logged) = match (stored, target) {
        (None, None) => return Ok(None),
        (Some(stored), None) => {
            let full = stored.to_map();
            let gone = NewChange {
                collection: T::NAME,
                record_id: &stored.id,
                op: ChangeOp::Deleted,
                version: stored.version + 1,
                data: None,
                changed: Vec::new(),
                before: Some(Value::Object(full.clone())),
                actor: &who.actor,
                at: now,
                public: public_view::<T>(Some(&full), None, &[]),
                notify: true,
            };
            let logged = store::write_change(conn, who.org, RowWrite::Delete, gone).await?;
            return Ok(Some(logged));
        }
        (None, Some(target)) => {
            let id = valid_id(target.get("id").and_then(Value::as_str).unwrap_or_default())?;
            // A record deleted since keeps counting its versions, so no page mistakes the
            // new one for an older state.
            let last = store::last_change(conn, who.org, T::NAME, &id).await?;
            let next = StoredRecord {
                version: last.map_or(1, |l| l.version + 1),
                created_at: target
                    .get("created_at")
                    .and_then(Value::as_i64)
                    .unwrap_or(now),
                updated_at: now,
                updated_by: who.actor.clone(),
                data: store::data_without_meta(&target),
                id,
            };
            let public = public_view::<T>(None, Some(&next.to_map()), &[]);
            let fields = next.data.keys().cloned().collect();
            let logged = change(&next, ChangeOp::Created, fields, None, public);
            (next.clone(), true, logged)
        }
        (Some(stored), Some(target)) => {
            let wanted = store::data_without_meta(&target);
            if wanted == stored.data {
                return Ok(None);
            }
            let current = stored.to_map();
            let mut fields: Vec<String> =
                wanted.keys().chain(stored.data.keys()).cloned().collect();
            fields.sort();
            fields.dedup();
            fields.retain(|f| wanted.get(f) != stored.data.get(f));
            let previous: Map<String, Value> = fields
                .iter()
                .map(|f| (f.clone(), current.get(f).cloned().unwrap_or(Value::Null)))
                .collect();
            let next = StoredRecord {
                version: stored.version + 1,
                updated_at: now,
                updated_by: who.actor.clone(),
                data: wanted,
                ..stored
            };
            let public = public_view::<T>(Some(&current), Some(&next.to_map()), &fields);
            let before = Some(Value::Object(previous));
            let logged = change(&next, ChangeOp::Updated, fields, before, public);
            (next.clone(), false, logged)
        }
    };
    let logged = NewChange {
        record_id: &next.id,
        actor: &who.actor,
        ..logged
    };
    let row = if new {
        RowWrite::Insert(&next)
    } else {
        RowWrite::Update(&next)
    };
    Ok(Some(store::write_change(conn, who.org, row, logged).await?))
}

/// Whether `record` (a backup's, its metadata included) is a valid `T`: its problems, said
/// the way the collection's own validation says them, or why it does not fit the model.
pub fn check_record<T: Collection>(record: &Map<String, Value>) -> Result<(), String> {
    if let Some(id) = record
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
    {
        valid_id(id).map_err(|e| e.explain())?;
    } else {
        return Err(td_string!(locale::current(), errors.id_invalid).to_string());
    }
    let typed: T = serde_json::from_value(Value::Object(record.clone())).map_err(|e| {
        td_string!(
            locale::current(),
            errors.payload_record,
            detail = e.to_string()
        )
        .to_string()
    })?;
    let problems = typed.validate();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(problems).explain())
    }
}
