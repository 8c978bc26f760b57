//! The collections the engine knows by name, each with its permissions, and operations on a
//! collection named at run time (the generic `sync`, lists, history, restore). Features
//! register their collections when the engine starts; the engine knows none of them.

use std::collections::HashMap;
use std::marker::PhantomData;

use serde_json::Value;

use crate::core::collection::Collection;
use crate::core::error::AppError;
use crate::core::locale::current;
use crate::core::merge::{to_map, RecordEdit};
use crate::core::principal::Principal;
use crate::core::protocol::ChangeOp;
use crate::core::roles::{allows, Permission, Role};
use crate::core::validate::FieldError;
use crate::core::wire::{
    DeletedRecord, FieldDiff, HistoryEntry, SaveOutcome, Snapshot, SyncOp, SyncOptions,
    SyncOutcome, SyncResult,
};
use crate::i18n::*;

use super::{save, store, BoxFuture, Engine};

/// Longest history returned at once.
const HISTORY_LIMIT: i64 = 200;

/// Every collection by name.
#[derive(Default)]
pub struct Registry {
    by_name: HashMap<&'static str, Box<dyn Entry>>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Adds `T`.
    ///
    /// # Panics
    /// If a collection of that name is already registered (two features claiming one name).
    pub fn add<T: Collection>(&mut self) {
        // Whoever may write a record sees all of it: an edit, a list save or a restore never
        // meets a field hidden from its author (nor sends one back in its result).
        for role in Role::ALL {
            if allows(Some(role), T::WRITE) {
                for (field, needs) in T::RESTRICTED {
                    assert!(
                        allows(Some(role), *needs),
                        "{}: {role:?} may write it but not see {field:?}",
                        T::NAME
                    );
                }
            }
        }
        let previous = self
            .by_name
            .insert(T::NAME, Box::new(Typed::<T>(PhantomData)));
        assert!(
            previous.is_none(),
            "two collections are named {:?}",
            T::NAME
        );
    }

    /// The collection named `name`; 404 for a name no feature registered.
    pub fn get(&self, name: &str) -> Result<&dyn Entry, AppError> {
        self.by_name
            .get(name)
            .map(|e| &**e)
            .ok_or_else(|| AppError::NotFound(collection_named(name)))
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.by_name.keys().copied()
    }
}

/// What a 404 for an unknown collection name says was not found.
pub(crate) fn collection_named(name: &str) -> String {
    td_string!(
        current(),
        errors.subject.collection,
        name = format!("{name:?}")
    )
    .to_string()
}

/// One collection's declarations and operations, with its type erased.
pub trait Entry: Send + Sync {
    fn name(&self) -> &'static str;
    /// Which permission reads this collection's records (drafts and private fields).
    fn read(&self) -> Permission;
    /// Which permission writes them.
    fn write(&self) -> Permission;
    /// Whether the public site may show its published records at all.
    fn public(&self) -> bool;
    /// A record's name in outbound webhooks' event types.
    fn event(&self) -> &'static str;
    /// Whether `role` reads this collection without some of its fields.
    fn hides_from(&self, role: crate::core::roles::Role) -> bool;
    /// What `role` may see of a stored record (`None`: a role that may not read it).
    fn projection_for(
        &self,
        role: Option<crate::core::roles::Role>,
        data: &serde_json::Map<String, Value>,
    ) -> Option<serde_json::Map<String, Value>>;
    fn sync<'a>(
        &'a self,
        engine: &'a Engine,
        who: &'a Principal,
        op: SyncOp,
        payload: Value,
        options: SyncOptions,
    ) -> BoxFuture<'a, Result<SyncResult, AppError>>;
    fn history<'a>(
        &'a self,
        engine: &'a Engine,
        who: &'a Principal,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<HistoryEntry>, AppError>>;
    fn restore<'a>(
        &'a self,
        engine: &'a Engine,
        who: &'a Principal,
        id: &'a str,
        version: i64,
    ) -> BoxFuture<'a, Result<SyncResult, AppError>>;
    fn list<'a>(
        &'a self,
        engine: &'a Engine,
        who: &'a Principal,
        public: bool,
    ) -> BoxFuture<'a, Result<Snapshot<Vec<Value>>, AppError>>;
    fn save_list<'a>(
        &'a self,
        engine: &'a Engine,
        who: &'a Principal,
        items: Vec<Value>,
    ) -> BoxFuture<'a, Result<Vec<SyncResult>, AppError>>;
    fn deleted<'a>(
        &'a self,
        engine: &'a Engine,
        who: &'a Principal,
    ) -> BoxFuture<'a, Result<Vec<DeletedRecord>, AppError>>;
    fn public_page<'a>(
        &'a self,
        engine: &'a Engine,
        who: &'a Principal,
        id: &'a str,
        visitor: &'a str,
    ) -> BoxFuture<'a, Result<Snapshot<Value>, AppError>>;
    /// Whether backups hold this collection.
    fn backed_up(&self) -> bool;
    /// Whether a backup's record is a valid one of this collection (why not, otherwise).
    fn check(&self, record: &serde_json::Map<String, Value>) -> Result<(), String>;
    /// Make a record what a backup says, in the caller's transaction (`save::replace_in`).
    fn replace_in<'a>(
        &'a self,
        conn: &'a mut sqlx::AnyConnection,
        who: &'a Principal,
        stored: Option<store::StoredRecord>,
        target: Option<serde_json::Map<String, Value>>,
    ) -> BoxFuture<'a, Result<Option<store::LoggedChange>, AppError>>;
}

struct Typed<T>(PhantomData<fn() -> T>);

impl<T: Collection> Entry for Typed<T> {
    fn name(&self) -> &'static str {
        T::NAME
    }
    fn read(&self) -> Permission {
        T::READ
    }
    fn write(&self) -> Permission {
        T::WRITE
    }
    fn public(&self) -> bool {
        T::PUBLIC
    }
    fn event(&self) -> &'static str {
        T::EVENT
    }
    fn hides_from(&self, role: crate::core::roles::Role) -> bool {
        T::RESTRICTED.iter().any(|(f, _)| !T::role_sees(role, f))
    }
    fn projection_for(
        &self,
        role: Option<crate::core::roles::Role>,
        data: &serde_json::Map<String, Value>,
    ) -> Option<serde_json::Map<String, Value>> {
        T::projection_for(role, data)
    }
    fn sync<'a>(
        &'a self,
        engine: &'a Engine,
        who: &'a Principal,
        op: SyncOp,
        payload: Value,
        options: SyncOptions,
    ) -> BoxFuture<'a, Result<SyncResult, AppError>> {
        Box::pin(sync_typed::<T>(engine, who, op, payload, options))
    }
    fn history<'a>(
        &'a self,
        engine: &'a Engine,
        who: &'a Principal,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<HistoryEntry>, AppError>> {
        Box::pin(history_typed::<T>(engine, who, id))
    }
    fn restore<'a>(
        &'a self,
        engine: &'a Engine,
        who: &'a Principal,
        id: &'a str,
        version: i64,
    ) -> BoxFuture<'a, Result<SyncResult, AppError>> {
        Box::pin(restore_typed::<T>(engine, who, id, version))
    }
    fn list<'a>(
        &'a self,
        engine: &'a Engine,
        who: &'a Principal,
        public: bool,
    ) -> BoxFuture<'a, Result<Snapshot<Vec<Value>>, AppError>> {
        Box::pin(list_typed::<T>(engine, who, public))
    }
    fn save_list<'a>(
        &'a self,
        engine: &'a Engine,
        who: &'a Principal,
        items: Vec<Value>,
    ) -> BoxFuture<'a, Result<Vec<SyncResult>, AppError>> {
        Box::pin(save_list_typed::<T>(engine, who, items))
    }
    fn deleted<'a>(
        &'a self,
        engine: &'a Engine,
        who: &'a Principal,
    ) -> BoxFuture<'a, Result<Vec<DeletedRecord>, AppError>> {
        Box::pin(async move {
            let mut records = save::deleted::<T>(engine, who).await?;
            for r in &mut records {
                if let Value::Object(last) = &r.last {
                    r.last = Value::Object(staff_view::<T>(who, last));
                }
            }
            Ok(records)
        })
    }
    fn public_page<'a>(
        &'a self,
        engine: &'a Engine,
        who: &'a Principal,
        id: &'a str,
        visitor: &'a str,
    ) -> BoxFuture<'a, Result<Snapshot<Value>, AppError>> {
        Box::pin(public_page_typed::<T>(engine, who, id, visitor))
    }
    fn backed_up(&self) -> bool {
        T::BACKED_UP
    }
    fn check(&self, record: &serde_json::Map<String, Value>) -> Result<(), String> {
        save::check_record::<T>(record)
    }
    fn replace_in<'a>(
        &'a self,
        conn: &'a mut sqlx::AnyConnection,
        who: &'a Principal,
        stored: Option<store::StoredRecord>,
        target: Option<serde_json::Map<String, Value>>,
    ) -> BoxFuture<'a, Result<Option<store::LoggedChange>, AppError>> {
        Box::pin(save::replace_in::<T>(conn, who, stored, target))
    }
}

async fn sync_typed<T: Collection>(
    engine: &Engine,
    who: &Principal,
    op: SyncOp,
    payload: Value,
    options: SyncOptions,
) -> Result<SyncResult, AppError> {
    let bad = |message: String| AppError::Validation(vec![FieldError::new("payload", message)]);
    let opts = save::WriteOptions {
        only_if_changed: options.only_if_changed,
        notify: options.notify,
    };
    if T::SERVER_ONLY {
        return Err(server_only());
    }
    match op {
        SyncOp::Create if T::MADE_BY_SERVER => Err(AppError::Validation(vec![
            crate::core::validate::FieldError::new(
                "payload",
                td_string!(current(), errors.made_by_server).to_string(),
            ),
        ])),
        SyncOp::Create => {
            let record: T = serde_json::from_value(payload).map_err(|e| {
                bad(td_string!(current(), errors.payload_record, detail = e).to_string())
            })?;
            Ok(result(save::create_with(engine, who, record, opts).await?))
        }
        SyncOp::Update => {
            let edit: RecordEdit = serde_json::from_value(payload).map_err(|e| {
                bad(td_string!(current(), errors.payload_edit, detail = e).to_string())
            })?;
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
                outcome: SyncOutcome::Deleted,
                record: None,
                seq: Some(seq),
            })
        }
    }
}

/// The refusal of a generic write to records only the server writes.
fn server_only() -> AppError {
    AppError::Validation(vec![FieldError::new(
        "payload",
        td_string!(current(), errors.server_only).to_string(),
    )])
}

async fn restore_typed<T: Collection>(
    engine: &Engine,
    who: &Principal,
    id: &str,
    version: i64,
) -> Result<SyncResult, AppError> {
    if T::SERVER_ONLY {
        return Err(server_only());
    }
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
        return Err(crate::engine::save::record_not_found());
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
                .filter(|field| sees::<T>(who, field))
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

/// The role of whoever is asking; `None` for the server itself.
fn role_of(who: &Principal) -> Option<Role> {
    who.identity.as_ref().and_then(|i| i.role)
}

/// Whether the one asking sees `field` of this collection's records.
fn sees<T: Collection>(who: &Principal, field: &str) -> bool {
    role_of(who).is_none_or(|role| T::role_sees(role, field))
}

/// A record as staff member `who` may see it: without the fields their role does not see.
fn staff_view<T: Collection>(
    who: &Principal,
    map: &serde_json::Map<String, Value>,
) -> serde_json::Map<String, Value> {
    map.iter()
        .filter(|(k, _)| sees::<T>(who, k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn result<T: Collection>(outcome: SaveOutcome<T>) -> SyncResult {
    match outcome {
        SaveOutcome::Saved { record, seq, .. } => SyncResult {
            outcome: SyncOutcome::Saved,
            record: Some(Value::Object(to_map(&record))),
            seq: Some(seq),
        },
        SaveOutcome::Unchanged { record } => SyncResult {
            outcome: SyncOutcome::Unchanged,
            record: Some(Value::Object(to_map(&record))),
            seq: None,
        },
    }
}

async fn list_typed<T: Collection>(
    engine: &Engine,
    who: &Principal,
    public: bool,
) -> Result<Snapshot<Vec<Value>>, AppError> {
    let snap = save::list::<T>(engine, who, public).await?;
    let record = snap
        .record
        .iter()
        .map(|r| {
            let map = to_map(r);
            Value::Object(if public {
                map
            } else {
                staff_view::<T>(who, &map)
            })
        })
        .collect();
    Ok(Snapshot {
        record,
        seq: snap.seq,
        seq_at: snap.seq_at,
    })
}

async fn save_list_typed<T: Collection>(
    engine: &Engine,
    who: &Principal,
    items: Vec<Value>,
) -> Result<Vec<SyncResult>, AppError> {
    if T::SERVER_ONLY {
        return Err(server_only());
    }
    let items = items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            serde_json::from_value::<T>(v).map_err(|e| {
                AppError::Validation(vec![FieldError::new(&format!("items[{i}]"), e.to_string())])
            })
        })
        .collect::<Result<Vec<T>, _>>()?;
    Ok(save::save_list(engine, who, items)
        .await?
        .into_iter()
        .map(result)
        .collect())
}

async fn public_page_typed<T: Collection>(
    engine: &Engine,
    who: &Principal,
    id: &str,
    visitor: &str,
) -> Result<Snapshot<Value>, AppError> {
    let snap = save::public_page::<T>(engine, who, id, visitor).await?;
    Ok(Snapshot {
        record: Value::Object(to_map(&snap.record)),
        seq: snap.seq,
        seq_at: snap.seq_at,
    })
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;
    use crate::core::collection::Meta;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
    struct Note {
        text: String,
        #[serde(flatten)]
        meta: Meta,
    }

    impl Collection for Note {
        const NAME: &'static str = "notes";
        const READ: Permission = Permission::ReadContent;
        const WRITE: Permission = Permission::WriteContent;
        const PUBLIC: bool = false;
        // Editors may write notes, but only people managers would see this field.
        const RESTRICTED: &'static [(&'static str, Permission)] =
            &[("text", Permission::ManagePeople)];

        fn validate(&self) -> Vec<FieldError> {
            Vec::new()
        }
    }

    #[test]
    #[should_panic(expected = "may write it but not see")]
    fn a_collection_whose_writers_cannot_see_all_of_it_is_refused() {
        Registry::new().add::<Note>();
    }
}
