//! Field-by-field merge of an editor's changes into the stored record.
//!
//! An edit names, for each field the editor touched, the value they started from (`from`) and
//! the value they want (`to`). Comparing `from` with what is stored now tells, per field, whether
//! someone else changed it meanwhile; so the merge needs no copy of older versions and applying
//! the same edit twice is the same as applying it once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::core::collection::Collection;
use crate::core::validate::FieldError;
use crate::i18n::*;

/// One field an editor changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub from: Value,
    pub to: Value,
}

/// What an editor sends when saving one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RecordEdit {
    pub id: String,
    /// The version the editor's copy was at; informational, the per-field check decides.
    pub base_version: i64,
    pub changes: BTreeMap<String, FieldChange>,
}

impl RecordEdit {
    /// An edit of one field, from the value the editor saw to the one they want.
    pub fn one_field(id: &str, base_version: i64, field: &str, from: Value, to: Value) -> Self {
        RecordEdit {
            id: id.to_string(),
            base_version,
            changes: BTreeMap::from([(field.to_string(), FieldChange { from, to })]),
        }
    }

    /// The edit that turns `base` into `draft`, limited to fields editors may write.
    pub fn between<T: Collection>(id: &str, base_version: i64, base: &T, draft: &T) -> Self {
        Self::between_maps::<T>(id, base_version, &to_map(base), to_map(draft))
    }

    /// [`RecordEdit::between`] on JSON forms.
    pub fn between_maps<T: Collection>(
        id: &str,
        base_version: i64,
        base: &Map<String, Value>,
        draft: Map<String, Value>,
    ) -> Self {
        Self::between_maps_by(id, base_version, base, draft, T::is_editable)
    }

    /// [`RecordEdit::between_maps`] for editors that know the editable fields by name only.
    pub fn between_maps_by(
        id: &str,
        base_version: i64,
        base: &Map<String, Value>,
        draft: Map<String, Value>,
        editable: impl Fn(&str) -> bool,
    ) -> Self {
        let changes = draft
            .into_iter()
            .filter(|(field, _)| editable(field))
            .filter_map(|(field, to)| {
                let from = base.get(&field).cloned().unwrap_or(Value::Null);
                (from != to).then_some((field, FieldChange { from, to }))
            })
            .collect();
        Self {
            id: id.to_string(),
            base_version,
            changes,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// The same field changed to different values by someone else and by this editor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldConflict {
    pub field: String,
    pub base: Value,
    pub theirs: Value,
    pub mine: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MergeOutcome {
    /// The stored record already holds every value the editor asked for: write nothing.
    Unchanged,
    /// The record to store and the fields that changed.
    Merged {
        record: Map<String, Value>,
        changed: Vec<String>,
    },
    /// At least one field was changed to different values by two people: write nothing.
    Conflicts(Vec<FieldConflict>),
    /// The edit names fields this collection does not have.
    Invalid(Vec<FieldError>),
}

/// Merge `edit` into `stored` for collection `T`. Server-owned fields in the edit are ignored.
pub fn merge<T: Collection>(stored: &Map<String, Value>, edit: &RecordEdit) -> MergeOutcome {
    let mut record = stored.clone();
    let mut changed = Vec::new();
    let mut conflicts = Vec::new();
    let mut unknown = Vec::new();

    for (field, change) in &edit.changes {
        if !T::is_editable(field) {
            continue;
        }
        let Some(current) = stored.get(field) else {
            unknown.push(FieldError::new(
                field,
                td_string!(crate::core::locale::current(), errors.unknown_field, field).to_string(),
            ));
            continue;
        };
        if *current == change.to {
            continue;
        }
        if *current == change.from {
            record.insert(field.clone(), change.to.clone());
            changed.push(field.clone());
        } else {
            conflicts.push(FieldConflict {
                field: field.clone(),
                base: change.from.clone(),
                theirs: current.clone(),
                mine: change.to.clone(),
            });
        }
    }

    if !unknown.is_empty() {
        MergeOutcome::Invalid(unknown)
    } else if !conflicts.is_empty() {
        MergeOutcome::Conflicts(conflicts)
    } else if changed.is_empty() {
        MergeOutcome::Unchanged
    } else {
        MergeOutcome::Merged { record, changed }
    }
}

/// What a form should hold after a newer stored version arrives while someone is editing.
///
/// Fields the editor has not touched take the new stored value; fields they are editing keep
/// their text *and* their old base, so saving still detects a conflict with the newer value;
/// a field whose new stored value is what the editor typed (their own save, sent from the
/// queue, or someone typing the same) is settled: nothing is left to save there.
pub fn rebase<T: Collection>(base: &T, draft: &T, incoming: &T) -> (T, T) {
    let (b, d) = rebase_maps(
        &to_map(base),
        &to_map(draft),
        &to_map(incoming),
        T::is_editable,
    );
    (from_map(b), from_map(d))
}

/// [`rebase`] on JSON forms, for editors that only know a record's fields by name.
pub fn rebase_maps(
    base: &Map<String, Value>,
    draft: &Map<String, Value>,
    incoming: &Map<String, Value>,
    editable: impl Fn(&str) -> bool,
) -> (Map<String, Value>, Map<String, Value>) {
    let (mut b, mut d) = (base.clone(), draft.clone());
    for (field, new) in incoming {
        let untouched = b.get(field) == d.get(field);
        let settled = d.get(field) == Some(new);
        if untouched || settled || !editable(field) {
            b.insert(field.clone(), new.clone());
            d.insert(field.clone(), new.clone());
        }
    }
    (b, d)
}

/// The fields an editor is changing (the draft differs from the base it started from) that
/// someone else has just saved to a third value: true conflicts, to show at once rather than
/// at the next save. A field saved to the editor's own value is no conflict.
pub fn live_conflicts(
    base: &Map<String, Value>,
    draft: &Map<String, Value>,
    incoming: &Map<String, Value>,
    editable: impl Fn(&str) -> bool,
) -> Vec<FieldConflict> {
    incoming
        .iter()
        .filter(|(field, _)| editable(field))
        .filter_map(|(field, theirs)| {
            let was = base.get(field).unwrap_or(&Value::Null);
            let mine = draft.get(field).unwrap_or(&Value::Null);
            (was != mine && theirs != was && theirs != mine).then(|| FieldConflict {
                field: field.clone(),
                base: was.clone(),
                theirs: theirs.clone(),
                mine: mine.clone(),
            })
        })
        .collect()
}

pub fn to_map<T: Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

fn from_map<T: Collection>(map: Map<String, Value>) -> T {
    serde_json::from_value(Value::Object(map)).expect("a map made from T converts back to T")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_conflicts_are_fields_both_changed_to_different_values() {
        let m = |v: Value| v.as_object().unwrap().clone();
        let base =
            m(serde_json::json!({ "price_cents": 725, "name": "Tarte", "description": "x" }));
        let draft =
            m(serde_json::json!({ "price_cents": 875, "name": "Tarte", "description": "y" }));
        let incoming = m(
            serde_json::json!({ "price_cents": 950, "name": "Tartelette", "description": "y", "version": 4 }),
        );
        let found = live_conflicts(&base, &draft, &incoming, |f| f != "version");
        // The price: mine 875, theirs 950. The name: untouched here. The description: they
        // saved what I typed.
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].field.as_str(), &found[0].mine, &found[0].theirs),
            (
                "price_cents",
                &serde_json::json!(875),
                &serde_json::json!(950)
            )
        );
    }
    use crate::content::settings::SiteSettings;
    use crate::core::collection::Meta;
    use serde_json::json;

    fn stored() -> Map<String, Value> {
        to_map(&SiteSettings {
            company_name: "Acme".into(),
            tagline: "Old".into(),
            email: "a@acme.test".into(),
            meta: Meta {
                version: 3,
                created_at: 100,
                ..Default::default()
            },
            ..Default::default()
        })
    }

    fn edit(changes: &[(&str, Value, Value)]) -> RecordEdit {
        RecordEdit {
            id: "main".into(),
            base_version: 3,
            changes: changes
                .iter()
                .map(|(f, from, to)| {
                    (
                        f.to_string(),
                        FieldChange {
                            from: from.clone(),
                            to: to.clone(),
                        },
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn applies_only_changed_fields() {
        let e = edit(&[("tagline", json!("Old"), json!("New"))]);
        let MergeOutcome::Merged { record, changed } = merge::<SiteSettings>(&stored(), &e) else {
            panic!("expected a merge")
        };
        assert_eq!(changed, ["tagline"]);
        assert_eq!(record["tagline"], "New");
        assert_eq!(record["company_name"], "Acme");
    }

    #[test]
    fn unchanged_save_is_reported_unchanged() {
        assert_eq!(
            merge::<SiteSettings>(&stored(), &edit(&[])),
            MergeOutcome::Unchanged
        );
        // Someone else already stored exactly what this editor wants.
        let e = edit(&[("tagline", json!("Older"), json!("Old"))]);
        assert_eq!(
            merge::<SiteSettings>(&stored(), &e),
            MergeOutcome::Unchanged
        );
    }

    #[test]
    fn server_owned_fields_are_never_overwritten() {
        let e = edit(&[
            ("created_at", json!(100), json!(0)),
            ("version", json!(3), json!(99)),
            ("updated_by", json!(""), json!("mallory")),
        ]);
        assert_eq!(
            merge::<SiteSettings>(&stored(), &e),
            MergeOutcome::Unchanged
        );
    }

    #[test]
    fn stale_base_on_other_field_still_merges() {
        // The editor's copy is old, but only for a field they did not touch.
        let mut s = stored();
        s.insert("email".into(), json!("new@acme.test"));
        let e = edit(&[("tagline", json!("Old"), json!("Mine"))]);
        let MergeOutcome::Merged { record, .. } = merge::<SiteSettings>(&s, &e) else {
            panic!()
        };
        assert_eq!(record["email"], "new@acme.test");
        assert_eq!(record["tagline"], "Mine");
    }

    #[test]
    fn same_field_two_values_is_a_conflict_with_all_three_values() {
        let mut s = stored();
        s.insert("tagline".into(), json!("Theirs"));
        let e = edit(&[("tagline", json!("Old"), json!("Mine"))]);
        assert_eq!(
            merge::<SiteSettings>(&s, &e),
            MergeOutcome::Conflicts(vec![FieldConflict {
                field: "tagline".into(),
                base: json!("Old"),
                theirs: json!("Theirs"),
                mine: json!("Mine"),
            }])
        );
    }

    #[test]
    fn unknown_field_is_a_field_error() {
        let e = edit(&[("colour", json!(null), json!("red"))]);
        let MergeOutcome::Invalid(errors) = merge::<SiteSettings>(&stored(), &e) else {
            panic!()
        };
        assert_eq!(errors[0].field, "colour");
    }

    #[test]
    fn applying_twice_equals_applying_once() {
        let e = edit(&[("tagline", json!("Old"), json!("New"))]);
        let MergeOutcome::Merged { record, .. } = merge::<SiteSettings>(&stored(), &e) else {
            panic!()
        };
        assert_eq!(merge::<SiteSettings>(&record, &e), MergeOutcome::Unchanged);
    }

    #[test]
    fn edit_between_lists_only_editable_differences() {
        let base = SiteSettings {
            company_name: "A".into(),
            meta: Meta {
                version: 1,
                ..Default::default()
            },
            ..Default::default()
        };
        let draft = SiteSettings {
            company_name: "B".into(),
            meta: Meta {
                version: 7,
                ..Default::default()
            },
            ..base.clone()
        };
        let e = RecordEdit::between("main", 1, &base, &draft);
        assert_eq!(e.changes.keys().collect::<Vec<_>>(), ["company_name"]);
        assert_eq!(
            e.changes["company_name"],
            FieldChange {
                from: json!("A"),
                to: json!("B")
            }
        );
    }

    #[test]
    fn rebase_keeps_the_editors_fields_and_takes_the_rest() {
        let base = SiteSettings {
            company_name: "A".into(),
            tagline: "T".into(),
            meta: Meta {
                version: 1,
                ..Default::default()
            },
            ..Default::default()
        };
        let draft = SiteSettings {
            tagline: "Mine".into(),
            ..base.clone()
        };
        let incoming = SiteSettings {
            company_name: "A2".into(),
            tagline: "Theirs".into(),
            meta: Meta {
                version: 2,
                ..Default::default()
            },
            ..base.clone()
        };
        let (b, d) = rebase(&base, &draft, &incoming);
        assert_eq!(
            (d.company_name.as_str(), d.tagline.as_str(), d.meta.version),
            ("A2", "Mine", 2)
        );
        // The old base for the edited field is kept so the next save reports the conflict.
        assert_eq!((b.company_name.as_str(), b.tagline.as_str()), ("A2", "T"));
        let e = RecordEdit::between("main", b.meta.version, &b, &d);
        assert!(matches!(
            merge::<SiteSettings>(&to_map(&incoming), &e),
            MergeOutcome::Conflicts(c) if c[0].field == "tagline"
        ));
    }

    #[test]
    fn rebase_settles_a_field_whose_stored_value_is_what_the_editor_typed() {
        let base = SiteSettings {
            tagline: "T".into(),
            ..Default::default()
        };
        let draft = SiteSettings {
            tagline: "Mine".into(),
            email: "typing@example.com".into(),
            ..base.clone()
        };
        // The editor's own save of the tagline, arriving from the queue.
        let incoming = SiteSettings {
            tagline: "Mine".into(),
            meta: Meta {
                version: 2,
                ..Default::default()
            },
            ..base.clone()
        };
        let (b, d) = rebase(&base, &draft, &incoming);
        let left = RecordEdit::between("main", b.meta.version, &b, &d);
        assert_eq!(left.changes.keys().collect::<Vec<_>>(), ["email"]);
        assert_eq!(d.tagline, "Mine");
    }
}
