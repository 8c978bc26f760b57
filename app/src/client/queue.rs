//! The save queue: saves run strictly in order, one at a time; consecutive edits of the same
//! record are coalesced into one; the queue is kept in the browser's localStorage so a reload
//! or a lost connection loses nothing.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::core::merge::RecordEdit;
use crate::core::wire::SyncOp;

pub const STORAGE_KEY: &str = "courant.save-queue.v1";
/// A queue longer than this is refused rather than growing the browser's storage without end.
pub const MAX_QUEUED: usize = 500;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedSave {
    pub collection: String,
    pub op: SyncOp,
    pub payload: Value,
}

impl QueuedSave {
    fn edit(&self) -> Option<RecordEdit> {
        (self.op == SyncOp::Update)
            .then(|| serde_json::from_value(self.payload.clone()).ok())
            .flatten()
    }
}

/// Add `item` to the queue, folding it into the last queued save when both edit the same
/// record and that save is not already on its way (`last_in_flight`). Returns false when the
/// queue is full.
pub fn enqueue(queue: &mut Vec<QueuedSave>, item: QueuedSave, last_in_flight: bool) -> bool {
    let foldable = !(last_in_flight && queue.len() == 1);
    if let (true, Some(last)) = (foldable, queue.last_mut()) {
        if let (true, Some(mut a), Some(b)) =
            (last.collection == item.collection, last.edit(), item.edit())
        {
            if a.id == b.id {
                for (field, change) in b.changes {
                    match a.changes.get_mut(&field) {
                        // Keep where the first edit started from, take where the last one ended.
                        Some(earlier) => earlier.to = change.to,
                        None => {
                            a.changes.insert(field, change);
                        }
                    }
                }
                a.changes.retain(|_, c| c.from != c.to);
                if a.changes.is_empty() {
                    queue.pop();
                } else {
                    last.payload = serde_json::to_value(a).unwrap_or_default();
                }
                return true;
            }
        }
    }
    if queue.len() >= MAX_QUEUED {
        return false;
    }
    queue.push(item);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn update(collection: &str, id: &str, field: &str, from: &str, to: &str) -> QueuedSave {
        QueuedSave {
            collection: collection.into(),
            op: SyncOp::Update,
            payload: json!({ "id": id, "base_version": 1, "changes": { field: { "from": from, "to": to } } }),
        }
    }

    #[test]
    fn consecutive_edits_of_one_record_coalesce() {
        let mut q = Vec::new();
        assert!(enqueue(
            &mut q,
            update("services", "a", "name", "A", "B"),
            false
        ));
        assert!(enqueue(
            &mut q,
            update("services", "a", "name", "B", "C"),
            false
        ));
        assert!(enqueue(
            &mut q,
            update("services", "a", "price", "1", "2"),
            false
        ));
        assert_eq!(q.len(), 1);
        assert_eq!(
            q[0].payload["changes"]["name"],
            json!({ "from": "A", "to": "C" })
        );
        assert_eq!(
            q[0].payload["changes"]["price"],
            json!({ "from": "1", "to": "2" })
        );
    }

    #[test]
    fn other_records_and_saves_in_flight_keep_their_place() {
        let mut q = Vec::new();
        enqueue(&mut q, update("services", "a", "name", "A", "B"), false);
        enqueue(&mut q, update("services", "b", "name", "X", "Y"), false);
        enqueue(&mut q, update("team", "b", "name", "X", "Y"), false);
        assert_eq!(q.len(), 3);
        // The only queued save is on its way: a new edit must not be folded into it.
        let mut q = vec![update("services", "a", "name", "A", "B")];
        enqueue(&mut q, update("services", "a", "name", "B", "C"), true);
        assert_eq!(q.len(), 2);
    }

    #[test]
    fn an_edit_and_its_undo_cancel_out() {
        let mut q = Vec::new();
        enqueue(&mut q, update("services", "a", "name", "A", "B"), false);
        enqueue(&mut q, update("services", "a", "name", "B", "A"), false);
        assert!(q.is_empty());
    }
}
