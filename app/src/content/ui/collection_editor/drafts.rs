//! Unsaved drafts kept in the browser (localStorage) until saved or discarded, so a reload or
//! a closed tab loses nothing typed. Kept per account, organisation and collection; signing
//! out forgets them (identity's layout removes every `courant.drafts.` key).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Editing;

/// What a collection's page had unsaved: each record's draft, and the new records' keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Drafts {
    pub(super) editing: HashMap<String, Editing>,
    pub(super) new_keys: Vec<String>,
}

/// The storage key: one account's drafts of one collection in one organisation.
pub(super) fn key(email: &str, org: i64, collection: &str) -> String {
    format!("courant.drafts.v1:{email}:{org}:{collection}")
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

#[cfg(feature = "hydrate")]
pub(super) fn load(key: &str) -> Option<Drafts> {
    let text = storage()?.get_item(key).ok()??;
    serde_json::from_str(&text).ok()
}

/// Keep `drafts` (nothing left: the key goes).
#[cfg(feature = "hydrate")]
pub(super) fn store(key: &str, drafts: &Drafts) {
    let Some(s) = storage() else { return };
    if drafts.editing.is_empty() {
        let _ = s.remove_item(key);
    } else if let Ok(text) = serde_json::to_string(drafts) {
        // Full storage: the drafts stay on screen, just not across a reload.
        let _ = s.set_item(key, &text);
    }
}

#[cfg(not(feature = "hydrate"))]
pub(super) fn load(_key: &str) -> Option<Drafts> {
    None
}

#[cfg(not(feature = "hydrate"))]
pub(super) fn store(_key: &str, _drafts: &Drafts) {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn drafts_survive_their_text_form() {
        let map = |v: serde_json::Value| v.as_object().unwrap().clone();
        let drafts = Drafts {
            editing: HashMap::from([(
                "abc".to_string(),
                Editing {
                    base: map(json!({ "id": "abc", "version": 3, "price_cents": 725 })),
                    draft: map(json!({ "id": "abc", "version": 3, "price_cents": 875 })),
                    conflicts: Vec::new(),
                },
            )]),
            new_keys: vec!["new-1".into()],
        };
        let text = serde_json::to_string(&drafts).unwrap();
        assert_eq!(serde_json::from_str::<Drafts>(&text).unwrap(), drafts);
        assert_ne!(
            key("a@x.test", 1, "services"),
            key("b@x.test", 1, "services")
        );
        assert_ne!(
            key("a@x.test", 1, "services"),
            key("a@x.test", 2, "services")
        );
    }
}
