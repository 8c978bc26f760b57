use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::core::roles::{allows, Permission, Role};
use crate::core::validate::FieldError;

/// Fields every record carries that only the server writes.
pub const META_FIELDS: &[&str] = &["id", "version", "created_at", "updated_at", "updated_by"];
/// Of those, what only staff see, in every collection: who last changed the record.
pub const STAFF_ONLY_META: &[&str] = &["updated_by"];

/// Server-owned metadata every record carries; flattened into each model's JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Meta {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub created_at: i64,
    #[serde(default)]
    pub updated_at: i64,
    #[serde(default)]
    pub updated_by: String,
}

/// A typed record kind the sync engine can store, merge and publish.
///
/// Adding a collection is one model plus one `impl Collection`: the engine works on the
/// record's JSON form and uses these declarations for everything collection-specific.
pub trait Collection:
    Serialize + DeserializeOwned + Clone + PartialEq + Send + Sync + std::fmt::Debug + 'static
{
    /// Stable name used in storage, the change log and live events.
    const NAME: &'static str;
    /// One record's name in outbound webhooks' event types (`prospect.created`); the
    /// collection's name unless it says otherwise.
    const EVENT: &'static str = Self::NAME;
    /// Which permission reads this collection in the backoffice (drafts, private fields):
    /// lists, history, live events.
    const READ: Permission;
    /// Which permission writes it: saves, deletions, restores.
    const WRITE: Permission;
    /// Whether the public site shows this collection's published records (public fields).
    const PUBLIC: bool;
    /// Fields that only roles holding a further permission see, in lists and live events
    /// alike (a customer's phone for the people who call them, say).
    const RESTRICTED: &'static [(&'static str, Permission)] = &[];
    /// Fields besides [`META_FIELDS`] that editors can never overwrite (counters, set-once
    /// fields). They may be given when a record is created, unless [`Collection::prepare_new`]
    /// resets them.
    const PRESERVED: &'static [&'static str] = &[];
    /// Records only the server makes (an order comes from a checkout, with its number and
    /// stock taken): the generic create refuses them.
    const MADE_BY_SERVER: bool = false;
    /// Fields a public visitor never receives, in pages or in events (besides
    /// [`STAFF_ONLY_META`], which no collection shows them).
    const PRIVATE: &'static [&'static str] = &[];
    /// Records only the server writes at all (the sync centre's log, backups and schedule):
    /// the generic create, update, list save, delete and restore refuse them, so what they
    /// say (an operation's outcome, a backup's file) is never anyone's edit.
    const SERVER_ONLY: bool = false;
    /// Whether an organisation's backups hold this collection's records (the sync centre's
    /// own log and backup list do not: a restore must not bring back files that are gone).
    const BACKED_UP: bool = true;

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
        if !Self::PUBLIC {
            return None;
        }
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

    /// What `role` sees of this record (`None`: the public), or `None` if nothing.
    fn projection_for(role: Option<Role>, map: &Map<String, Value>) -> Option<Map<String, Value>> {
        let Some(role) = role else {
            return Self::public_projection(map);
        };
        if !allows(Some(role), Self::READ) {
            return None;
        }
        Some(
            map.iter()
                .filter(|(k, _)| Self::role_sees(role, k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    }

    /// Whether a staff member with `role` sees `field`: every field but the restricted ones
    /// whose permission the role lacks.
    fn role_sees(role: Role, field: &str) -> bool {
        Self::RESTRICTED
            .iter()
            .all(|(f, needs)| *f != field || allows(Some(role), *needs))
    }

    /// Position in ordered lists; collections without an order sort by id.
    fn order(&self) -> i64 {
        0
    }
}
