//! Property tests of the merge: the promises hold for any values, not just the examples.
//! Test code: it may use a feature's model as a fixture.
#![cfg(test)]

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::content::model::Service;
use crate::core::collection::Collection;
use crate::core::merge::{merge, to_map, FieldChange, MergeOutcome, RecordEdit};

const EDITABLE: [&str; 4] = ["name", "description", "price_cents", "published"];
const PRESERVED: [&str; 6] = [
    "views",
    "rating",
    "version",
    "created_at",
    "updated_by",
    "id",
];

fn value_for(field: &str, n: u8) -> Value {
    match field {
        "price_cents" => json!(n as i64 * 10),
        "published" => json!(n.is_multiple_of(2)),
        _ => json!(format!("{field}-{n}")),
    }
}

fn stored() -> impl Strategy<Value = Map<String, Value>> {
    (any::<u8>(), any::<u8>(), 0i64..1000).prop_map(|(a, b, views)| {
        let mut m = to_map(&Service {
            name: format!("name-{a}"),
            description: format!("description-{b}"),
            ..Default::default()
        });
        m.insert("views".into(), views.into());
        m
    })
}

/// An edit of some fields (editable or not) from the given base values.
fn edit_from(base: &Map<String, Value>, fields: &[(usize, u8)], any_field: bool) -> RecordEdit {
    let mut changes = std::collections::BTreeMap::new();
    for (i, n) in fields {
        let field = if any_field && i.is_multiple_of(3) {
            PRESERVED[i % PRESERVED.len()]
        } else {
            EDITABLE[i % EDITABLE.len()]
        };
        changes.insert(
            field.to_string(),
            FieldChange {
                from: base[field].clone(),
                to: value_for(field, *n),
            },
        );
    }
    RecordEdit {
        id: String::new(),
        base_version: 0,
        changes,
    }
}

fn apply(stored: &Map<String, Value>, edit: &RecordEdit) -> Map<String, Value> {
    match merge::<Service>(stored, edit) {
        MergeOutcome::Merged { record, .. } => record,
        MergeOutcome::Unchanged => stored.clone(),
        other => panic!("unexpected {other:?}"),
    }
}

proptest! {
    #[test]
    fn preserved_fields_are_never_changed(s in stored(), fields in prop::collection::vec((0usize..12, any::<u8>()), 0..8)) {
        let edit = edit_from(&s, &fields, true);
        let after = apply(&s, &edit);
        for f in PRESERVED {
            prop_assert_eq!(&after[f], &s[f]);
        }
        prop_assert!(Service::PRESERVED.iter().all(|f| after[*f] == s[*f]));
    }

    #[test]
    fn applying_twice_equals_applying_once(s in stored(), fields in prop::collection::vec((0usize..12, any::<u8>()), 0..8)) {
        let edit = edit_from(&s, &fields, true);
        let once = apply(&s, &edit);
        prop_assert_eq!(merge::<Service>(&once, &edit), MergeOutcome::Unchanged);
    }

    #[test]
    fn non_overlapping_concurrent_edits_both_survive(s in stored(), a in any::<u8>(), b in any::<u8>(), split in 1usize..4) {
        // Two editors start from the same copy and change disjoint sets of fields.
        let (mine, theirs) = EDITABLE.split_at(split);
        let edit_a = RecordEdit { changes: mine.iter().map(|f| (f.to_string(), FieldChange { from: s[*f].clone(), to: value_for(f, a) })).collect(), ..Default::default() };
        let edit_b = RecordEdit { changes: theirs.iter().map(|f| (f.to_string(), FieldChange { from: s[*f].clone(), to: value_for(f, b) })).collect(), ..Default::default() };
        let after = apply(&apply(&s, &edit_a), &edit_b);
        for f in mine { prop_assert_eq!(&after[*f], &value_for(f, a)); }
        for f in theirs { prop_assert_eq!(&after[*f], &value_for(f, b)); }
    }

    #[test]
    fn overlapping_edits_to_different_values_always_conflict(s in stored(), a in any::<u8>(), b in any::<u8>(), i in 0usize..4) {
        let field = EDITABLE[i];
        let (va, vb) = (value_for(field, a), value_for(field, b));
        prop_assume!(va != vb && va != s[field] && vb != s[field]);
        let one = |to: &Value| RecordEdit { changes: [(field.to_string(), FieldChange { from: s[field].clone(), to: to.clone() })].into(), ..Default::default() };
        let after_a = apply(&s, &one(&va));
        match merge::<Service>(&after_a, &one(&vb)) {
            MergeOutcome::Conflicts(c) => {
                prop_assert_eq!(c.len(), 1);
                prop_assert_eq!(&c[0].theirs, &va);
                prop_assert_eq!(&c[0].mine, &vb);
                prop_assert_eq!(&c[0].base, &s[field]);
            }
            other => prop_assert!(false, "expected a conflict, got {:?}", other),
        }
    }
}
