//! An organisation's records all at once: what its backups hold, and replacing them with a
//! backup's in one transaction. The replacement goes through the change log — each record
//! that differs is created, updated or deleted as a change with a new version — so every
//! open page follows it live like any other save (a page far behind resyncs, as after any
//! long absence), its history says who restored what, and webhooks hear of it.

use std::collections::{BTreeMap, HashMap};

use futures::FutureExt;
use serde_json::{Map, Value};

use crate::core::error::AppError;
use crate::core::locale::current;
use crate::core::operation::{ReplacePlan, Tally};
use crate::core::principal::{OrgId, Principal};
use crate::core::validate::FieldError;
use crate::engine::store::{self, StoredRecord};
use crate::engine::writer::{end_savepoint, savepoint};
use crate::engine::Engine;
use crate::i18n::*;

/// A backup's records: collection → id → the record's whole JSON form. A collection absent
/// from it is left as it is; one present (even empty) is made exactly this.
pub type Target = BTreeMap<String, BTreeMap<String, Map<String, Value>>>;

/// The collections backups hold, by name.
pub fn backed_up(engine: &Engine) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = engine
        .registry
        .names()
        .filter(|n| engine.registry.get(n).is_ok_and(|e| e.backed_up()))
        .collect();
    names.sort_unstable();
    names
}

/// Every record of one collection of `org`, by id.
pub async fn read_collection(
    engine: &Engine,
    org: OrgId,
    collection: &str,
) -> Result<Vec<StoredRecord>, AppError> {
    let mut conn = engine.db.read.acquire().await?;
    Ok(store::list_records(&mut conn, org, collection).await?)
}

/// What replacing `who`'s organisation's records with `target` would do: nothing is written.
pub async fn plan(
    engine: &Engine,
    who: &Principal,
    target: &Target,
) -> Result<ReplacePlan, AppError> {
    let mut plan = checked(engine, target)?;
    for (collection, records) in target {
        let current = read_collection(engine, who.org, collection).await?;
        *plan.collections.entry(collection.clone()).or_default() = tally(&current, records);
    }
    Ok(plan)
}

/// Replace `who`'s organisation's records with `target`, in one transaction: everything or,
/// when any record is rejected or anything fails, nothing. Returns what was done.
pub async fn apply(
    engine: &Engine,
    who: &Principal,
    target: Target,
) -> Result<ReplacePlan, AppError> {
    let plan = checked(engine, &target)?;
    if plan.rejected_count > 0 {
        return Err(rejected(&plan));
    }
    let registry = engine.registry.clone();
    let who = who.clone();
    engine
        .write(who.org, move |conn| {
            async move {
                savepoint(conn, "replace").await?;
                let done = async {
                    // Every write of the organisation bumps its head row: holding its lock
                    // keeps them out until this commits (PostgreSQL; SQLite has one writer).
                    store::lock_head(conn, who.org).await?;
                    let mut plan = plan;
                    let mut changes = Vec::new();
                    for (collection, records) in target {
                        let entry = registry.get(&collection)?;
                        let current = store::list_records(conn, who.org, &collection).await?;
                        let mut tally = Tally::default();
                        let mut by_id: HashMap<String, StoredRecord> =
                            current.into_iter().map(|r| (r.id.clone(), r)).collect();
                        for (id, record) in records {
                            let stored = by_id.remove(&id);
                            let existed = stored.is_some();
                            match entry.replace_in(conn, &who, stored, Some(record)).await? {
                                None => tally.unchanged += 1,
                                Some(change) => {
                                    if existed {
                                        tally.updated += 1
                                    } else {
                                        tally.created += 1
                                    }
                                    changes.push(change);
                                }
                            }
                        }
                        let mut gone: Vec<StoredRecord> = by_id.into_values().collect();
                        gone.sort_by(|a, b| a.id.cmp(&b.id));
                        for stored in gone {
                            if let Some(change) =
                                entry.replace_in(conn, &who, Some(stored), None).await?
                            {
                                tally.deleted += 1;
                                changes.push(change);
                            }
                        }
                        plan.collections.insert(collection, tally);
                    }
                    Ok::<_, AppError>((plan, changes))
                }
                .await;
                end_savepoint(conn, "replace", done.is_ok()).await?;
                done
            }
            .boxed()
        })
        .await
}

/// The target's collections exist and its records are valid (the rejected ones listed).
fn checked(engine: &Engine, target: &Target) -> Result<ReplacePlan, AppError> {
    let mut plan = ReplacePlan::default();
    for (collection, records) in target {
        let entry = match engine.registry.get(collection) {
            Ok(entry) if entry.backed_up() => entry,
            _ => {
                return Err(AppError::Validation(vec![FieldError::new(
                    "file",
                    td_string!(
                        current(),
                        errors.backup.unknown_collection,
                        name = collection
                    )
                    .to_string(),
                )]))
            }
        };
        for (id, record) in records {
            if let Err(message) = entry.check(record) {
                plan.reject(collection, id, message);
            }
        }
    }
    Ok(plan)
}

fn tally(current: &[StoredRecord], target: &BTreeMap<String, Map<String, Value>>) -> Tally {
    let mut t = Tally::default();
    let by_id: HashMap<&str, &StoredRecord> = current.iter().map(|r| (r.id.as_str(), r)).collect();
    for (id, record) in target {
        match by_id.get(id.as_str()) {
            None => t.created += 1,
            Some(stored) if stored.data == store::data_without_meta(record) => t.unchanged += 1,
            Some(_) => t.updated += 1,
        }
    }
    t.deleted = current
        .iter()
        .filter(|r| !target.contains_key(&r.id))
        .count() as i64;
    t
}

/// The refusal of a restore with rejected records: the first ones, named.
pub fn rejected(plan: &ReplacePlan) -> AppError {
    let mut errors: Vec<FieldError> = plan
        .rejected
        .iter()
        .take(10)
        .map(|r| {
            FieldError::new(
                "file",
                td_string!(
                    current(),
                    errors.backup.rejected_record,
                    collection = &r.collection,
                    id = &r.id,
                    message = &r.message
                )
                .to_string(),
            )
        })
        .collect();
    if plan.rejected_count > 10 {
        errors.push(FieldError::new(
            "file",
            td_string!(
                current(),
                errors.backup.more_rejected,
                n = plan.rejected_count - 10
            )
            .to_string(),
        ));
    }
    AppError::Validation(errors)
}
