use serde::{de::DeserializeOwned, Serialize};
use serde_json::{Map, Value};

use super::FieldError;

/// Fields every record carries that only the server writes.
pub const META_FIELDS: &[&str] = &["id", "version", "created_at", "updated_at", "updated_by"];
/// Of those, what only staff see, in every collection: who last changed the record.
pub const STAFF_ONLY_META: &[&str] = &["updated_by"];

/// A typed record kind the sync engine can store, merge and publish.
///
/// Adding a collection is one model plus one `impl Collection`: the engine works on the
/// record's JSON form and uses these declarations for everything collection-specific.
pub trait Collection:
    Serialize + DeserializeOwned + Clone + PartialEq + Send + Sync + std::fmt::Debug + 'static
{
    /// Stable name used in storage, the change log and live events.
    const NAME: &'static str;
    /// Fields besides [`META_FIELDS`] that editors can never overwrite (counters, set-once
    /// fields). They may be given when a record is created, unless [`Collection::prepare_new`]
    /// resets them.
    const PRESERVED: &'static [&'static str] = &[];
    /// Fields a public visitor never receives, in pages or in events (besides
    /// [`STAFF_ONLY_META`], which no collection shows them).
    const PRIVATE: &'static [&'static str] = &[];

    /// Per-field problems; empty when the record may be stored.
    fn validate(&self) -> Vec<FieldError>;

    /// Whether a public visitor may see this record at all (drafts may not).
    fn is_public(&self) -> bool {
        true
    }

    /// Reset server-owned values before a new record is stored (counters start at zero, …).
    fn prepare_new(&mut self, _now_ms: i64) {}

    /// Whether an editor may write this field.
    fn is_editable(field: &str) -> bool {
        !META_FIELDS.contains(&field) && !Self::PRESERVED.contains(&field)
    }

    /// What a public visitor may see of this record, or `None` if nothing.
    fn public_projection(map: &Map<String, Value>) -> Option<Map<String, Value>> {
        let record: Self = serde_json::from_value(Value::Object(map.clone())).ok()?;
        record.is_public().then(|| {
            map.iter()
                .filter(|(k, _)| {
                    !Self::PRIVATE.contains(&k.as_str()) && !STAFF_ONLY_META.contains(&k.as_str())
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
    }

    /// Position in ordered lists; collections without an order sort by id.
    fn order(&self) -> i64 {
        0
    }
}
