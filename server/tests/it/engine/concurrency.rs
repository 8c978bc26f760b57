//! 50 editors save fields of one record at once, on SQLite and PostgreSQL: every acknowledged
//! value survives (or is superseded by a later acknowledged save of the same field), versions
//! go up by one per write, and the change log has exactly one entry per write.

use std::collections::HashMap;

use crate::common::*;
use app::content::model::TeamMember;
use app::core::error::AppError;
use app::core::merge::RecordEdit;
use app::core::principal::Principal;
use app::core::wire::SaveOutcome;
use app::engine::{save, Engine};
use serde_json::{json, Value};

const TASKS: usize = 50;
const FIELDS: [&str; 5] = ["name", "email", "role", "bio", "photo_url"];

fn value_for(field: &str, task: usize) -> Value {
    match field {
        "email" => json!(format!("editor{task}@courant.test")),
        "photo_url" => json!(format!("/photos/{task}.jpg")),
        _ => json!(format!("{field} by editor {task}")),
    }
}

/// Save `field` = this task's value, re-reading and retrying when someone else changed the
/// same field first (a conflict), as a person would. Returns the acknowledged sequence.
async fn edit_until_acknowledged(engine: Engine, id: String, task: usize) -> (String, Value, i64) {
    let who = Principal::system(1, &format!("editor-{task}"));
    let field = FIELDS[task % FIELDS.len()];
    let to = value_for(field, task);
    for _ in 0..200 {
        let current = save::snapshot::<TeamMember>(&engine, &who, &id)
            .await
            .unwrap()
            .record;
        let from = app::core::merge::to_map(&current)[field].clone();
        let edit = RecordEdit::one_field(&id, current.meta.version, field, from, to.clone());
        match save::save::<TeamMember>(&engine, &who, &edit).await {
            Ok(SaveOutcome::Saved { seq, .. }) => return (field.to_string(), to, seq),
            Ok(SaveOutcome::Unchanged { .. }) => panic!("every task writes a value of its own"),
            Err(AppError::Conflict(_)) => tokio::task::yield_now().await,
            Err(e) => panic!("save failed: {e}"),
        }
    }
    panic!("task {task} never got its save in");
}

async fn fifty_editors_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let engine = app.engine.clone();
    let who = Principal::system(1, "setup");
    let member = TeamMember {
        name: "Ada".into(),
        role: "Baker".into(),
        ..Default::default()
    };
    let SaveOutcome::Saved { record, .. } = save::create(&engine, &who, member).await.unwrap()
    else {
        panic!()
    };
    let id = record.meta.id.clone();
    let head_before = app.head().await;

    let tasks: Vec<_> = (0..TASKS)
        .map(|t| tokio::spawn(edit_until_acknowledged(engine.clone(), id.clone(), t)))
        .collect();
    let mut acks = Vec::new();
    for t in tasks {
        acks.push(t.await.unwrap());
    }

    // Per field, the acknowledged save with the highest sequence is what the row holds.
    let mut last: HashMap<String, (i64, Value)> = HashMap::new();
    for (field, value, seq) in &acks {
        let entry = last.entry(field.clone()).or_insert((*seq, value.clone()));
        if *seq > entry.0 {
            *entry = (*seq, value.clone());
        }
    }
    let final_row = app::core::merge::to_map(
        &save::snapshot::<TeamMember>(&engine, &who, &id)
            .await
            .unwrap()
            .record,
    );
    for (field, (_, value)) in &last {
        assert_eq!(&final_row[field], value, "{backend:?}: {field}");
    }

    // One version and one log entry per acknowledged write, sequences without a gap.
    assert_eq!(final_row["version"], json!(1 + TASKS as i64), "{backend:?}");
    let mut seqs: Vec<i64> = acks.iter().map(|(_, _, s)| *s).collect();
    seqs.sort_unstable();
    assert_eq!(
        seqs,
        ((head_before + 1)..=(head_before + TASKS as i64)).collect::<Vec<_>>(),
        "{backend:?}"
    );
    let versions: Vec<i64> = sqlx::query_scalar(
        "SELECT version FROM change_log WHERE org_id = 1 AND record_id = $1 ORDER BY seq",
    )
    .bind(&id)
    .fetch_all(&engine.db.read)
    .await
    .unwrap();
    assert_eq!(
        versions,
        (1..=1 + TASKS as i64).collect::<Vec<_>>(),
        "{backend:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_editors_on_sqlite() {
    fifty_editors_at_once(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_editors_on_postgres() {
    fifty_editors_at_once(Backend::Postgres).await;
}
