use serde::{de::DeserializeOwned, Serialize};

use super::FieldError;

/// Fields every record carries that only the server writes.
pub const META_FIELDS: &[&str] = &["id", "version", "created_at", "updated_at", "updated_by"];

/// A typed record kind the sync engine can store, merge and publish.
///
/// Adding a collection is one model plus one `impl Collection`: the engine works on the
/// record's JSON form and uses these declarations for everything collection-specific.
pub trait Collection:
    Serialize + DeserializeOwned + Clone + PartialEq + Send + Sync + 'static
{
    /// Stable name used in storage, the change log and live events.
    const NAME: &'static str;
    /// Fields besides [`META_FIELDS`] that editors can never overwrite (counters, set-once fields).
    const PRESERVED: &'static [&'static str] = &[];

    /// Per-field problems; empty when the record may be stored.
    fn validate(&self) -> Vec<FieldError>;

    /// Whether an editor may write this field.
    fn is_editable(field: &str) -> bool {
        !META_FIELDS.contains(&field) && !Self::PRESERVED.contains(&field)
    }
}
