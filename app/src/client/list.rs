//! Live lists: start from the server-rendered snapshot, then apply created / updated / deleted
//! events by id, each at most once.

use leptos::prelude::*;
use serde_json::{Map, Value};

use super::use_live_feed;
use crate::core::protocol::{ChangeEvent, ChangeOp};
use crate::core::wire::Snapshot;

pub type Item = Map<String, Value>;

/// Apply one event to a list kept in `order` order. Returns whether the list changed.
/// Events older than what the list holds (by record version) are ignored, so replays and the
/// overlap between a snapshot and the feed are harmless.
pub fn apply_event(list: &mut Vec<Item>, event: &ChangeEvent) -> bool {
    let pos = list.iter().position(|m| id_of(m) == event.record_id);
    let held = pos.map(|i| version_of(&list[i])).unwrap_or(0);
    if event.version <= held {
        return false;
    }
    match (
        event.op,
        pos,
        event.data.as_ref().and_then(Value::as_object),
    ) {
        (ChangeOp::Deleted, Some(i), _) => {
            list.remove(i);
        }
        (ChangeOp::Deleted, None, _) => return false,
        (_, Some(i), Some(data)) => list[i] = data.clone(),
        (_, None, Some(data)) => list.push(data.clone()),
        (_, _, None) => return false,
    }
    sort(list);
    true
}

pub fn sort(list: &mut [Item]) {
    list.sort_by(|a, b| {
        order_of(a)
            .cmp(&order_of(b))
            .then_with(|| id_of(a).cmp(id_of(b)))
    });
}

pub fn id_of(m: &Item) -> &str {
    m.get("id").and_then(Value::as_str).unwrap_or_default()
}

pub fn version_of(m: &Item) -> i64 {
    m.get("version").and_then(Value::as_i64).unwrap_or(0)
}

fn order_of(m: &Item) -> i64 {
    m.get("order").and_then(Value::as_i64).unwrap_or(0)
}

/// A collection's records, kept current by the live feed from the snapshot's sequence on.
pub fn use_live_list(collection: &'static str, snap: Snapshot<Vec<Value>>) -> RwSignal<Vec<Item>> {
    let mut items: Vec<Item> = snap
        .record
        .into_iter()
        .filter_map(|v| v.as_object().cloned())
        .collect();
    sort(&mut items);
    let list = RwSignal::new(items);
    let feed = use_live_feed();
    feed.on_change(move |event| {
        if event.collection == collection {
            // Wake the list's readers only when the event changed it (replays do not).
            let mut changed = false;
            list.update_untracked(|l| changed = apply_event(l, event));
            if changed {
                list.notify();
            }
        }
    });
    let (seq, seq_at) = (snap.seq, snap.seq_at);
    Effect::new(move |_| feed.start(seq, seq_at));
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(id: &str, version: i64, order: i64, name: &str) -> Item {
        json!({ "id": id, "version": version, "order": order, "name": name })
            .as_object()
            .unwrap()
            .clone()
    }

    fn event(op: ChangeOp, id: &str, version: i64, data: Option<Item>) -> ChangeEvent {
        ChangeEvent {
            seq: 0,
            collection: "services".into(),
            record_id: id.into(),
            op,
            version,
            data: data.map(Value::Object),
            changed: vec![],
            actor: String::new(),
            at: 0,
        }
    }

    #[test]
    fn created_updated_deleted_by_id_in_order() {
        let mut l = vec![item("a", 1, 0, "A"), item("b", 1, 1, "B")];
        assert!(apply_event(
            &mut l,
            &event(ChangeOp::Created, "c", 1, Some(item("c", 1, 2, "C")))
        ));
        assert!(apply_event(
            &mut l,
            &event(ChangeOp::Updated, "a", 2, Some(item("a", 2, 5, "A2")))
        ));
        assert_eq!(l.iter().map(id_of).collect::<Vec<_>>(), ["b", "c", "a"]);
        assert!(apply_event(&mut l, &event(ChangeOp::Deleted, "b", 2, None)));
        assert_eq!(l.iter().map(id_of).collect::<Vec<_>>(), ["c", "a"]);
    }

    #[test]
    fn old_and_repeated_events_are_ignored() {
        let mut l = vec![item("a", 3, 0, "A3")];
        assert!(!apply_event(
            &mut l,
            &event(ChangeOp::Updated, "a", 2, Some(item("a", 2, 0, "A2")))
        ));
        assert!(!apply_event(
            &mut l,
            &event(ChangeOp::Updated, "a", 3, Some(item("a", 3, 0, "other")))
        ));
        assert!(!apply_event(
            &mut l,
            &event(ChangeOp::Deleted, "zz", 9, None)
        ));
        assert_eq!(l[0]["name"], "A3");
    }
}
