//! Group commit on SQLite: saves waiting for the writer share one transaction; each is
//! answered and published only after that commit, in sequence order; a refused save costs the
//! others in its group nothing; a job that breaks rolls its group back, every caller in it is
//! told, and the writer carries on.

use std::time::Duration;

use futures::FutureExt;
use sqlx::AnyConnection;

use crate::common::*;
use app::content::model::Service;
use app::core::error::AppError;
use app::core::merge::RecordEdit;
use app::core::principal::Principal;
use app::core::wire::SaveOutcome;
use app::engine::{save, store, Engine};
use serde_json::json;

const SAVES: usize = 40;

async fn services(engine: &Engine, n: usize) -> Vec<String> {
    let who = Principal::system(1, "setup");
    let mut ids = Vec::new();
    for i in 0..n {
        let service = Service {
            name: format!("Service {i}"),
            description: "old".into(),
            price_cents: 100,
            published: true,
            ..Default::default()
        };
        ids.push(
            save::create(engine, &who, service)
                .await
                .unwrap()
                .record()
                .meta
                .id
                .clone(),
        );
    }
    ids
}

fn describe(
    engine: &Engine,
    id: &str,
    from: &str,
    to: &str,
) -> tokio::task::JoinHandle<Result<SaveOutcome<Service>, AppError>> {
    let (engine, who) = (engine.clone(), Principal::system(1, "editor"));
    let edit = RecordEdit::one_field(id, 1, "description", json!(from), json!(to));
    tokio::spawn(async move { save::save::<Service>(&engine, &who, &edit).await })
}

/// Wait until `n` jobs are queued behind the held write connection.
async fn until_waiting(engine: &Engine, n: usize) {
    for _ in 0..500 {
        if engine.group_stats().unwrap().waiting >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{n} saves never queued: {:?}", engine.group_stats());
}

async fn head(engine: &Engine) -> i64 {
    store::head(&mut engine.db.read.acquire().await.unwrap(), 1)
        .await
        .unwrap()
        .0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saves_waiting_together_commit_together_and_publish_in_order() {
    let app = spawn_app(Backend::Sqlite).await;
    let engine = app.engine.clone();
    let ids = services(&engine, SAVES).await;
    let start = head(&engine).await;
    let mut live = engine.hub.subscribe(1);
    let before = engine.group_stats().unwrap();

    // Hold the write connection so every save queues; every fourth is stale (a conflict).
    let held = engine.db.writer().await.unwrap();
    let saves: Vec<_> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| match i % 4 {
            3 => describe(&engine, id, "stale", "mine"),
            _ => describe(&engine, id, "old", &format!("new {i}")),
        })
        .collect();
    until_waiting(&engine, SAVES - 1).await;
    assert_eq!(
        head(&engine).await,
        start,
        "nothing commits while the writer waits"
    );
    drop(held);

    let mut seqs = Vec::new();
    for (i, save) in saves.into_iter().enumerate() {
        match (i % 4, save.await.unwrap()) {
            (3, Err(AppError::Conflict(_))) => {}
            (3, other) => panic!("a stale save must conflict: {other:?}"),
            (_, Ok(SaveOutcome::Saved { seq, .. })) => seqs.push(seq),
            (_, other) => panic!("save {i}: {other:?}"),
        }
    }
    let saved = SAVES - SAVES / 4;
    seqs.sort_unstable();
    assert_eq!(
        seqs,
        ((start + 1)..=(start + saved as i64)).collect::<Vec<_>>()
    );
    let mut published = Vec::new();
    for _ in 0..saved {
        published.push(live.recv().await.unwrap().seq);
    }
    assert_eq!(published, seqs, "published once each, in sequence order");

    let after = engine.group_stats().unwrap();
    assert_eq!(after.jobs - before.jobs, SAVES as u64);
    assert!(
        after.transactions - before.transactions <= 2,
        "{SAVES} queued saves take at most two commits of up to 32: {before:?} → {after:?}"
    );
    // The stale saves wrote nothing.
    let list = save::list::<Service>(&engine, &Principal::system(1, "t"), false)
        .await
        .unwrap();
    let stale: Vec<_> = list
        .record
        .iter()
        .filter(|s| s.description == "mine")
        .collect();
    assert!(stale.is_empty(), "{stale:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_breaks_rolls_back_its_group_and_the_writer_carries_on() {
    let app = spawn_app(Backend::Sqlite).await;
    let engine = app.engine.clone();
    let ids = services(&engine, 3).await;
    let start = head(&engine).await;

    let held = engine.db.writer().await.unwrap();
    // Two saves, one taken by the writer (waiting for the connection) and one queued, then the
    // job that breaks: all three in one group, the saves before it.
    let first = describe(&engine, &ids[0], "old", "first");
    let second = describe(&engine, &ids[1], "old", "second");
    until_waiting(&engine, 1).await;
    let breaking = {
        let engine = engine.clone();
        tokio::spawn(async move {
            engine
                .write(1, |conn: &mut AnyConnection| {
                    async move {
                        sqlx::query("UPDATE records SET data = '{}' WHERE org_id = 1")
                            .execute(&mut *conn)
                            .await?;
                        panic!("a bug in a write job");
                    }
                    .boxed()
                })
                .await
        })
    };
    until_waiting(&engine, 2).await;
    drop(held);

    for save in [first, second] {
        let save = save.await.unwrap();
        assert!(matches!(save, Err(AppError::Internal(_))), "{save:?}");
    }
    let broken: Result<(), AppError> = breaking.await.unwrap();
    assert!(matches!(broken, Err(AppError::Internal(_))), "{broken:?}");
    assert_eq!(head(&engine).await, start, "the group was rolled back");
    let list = save::list::<Service>(&engine, &Principal::system(1, "t"), false)
        .await
        .unwrap();
    assert!(list
        .record
        .iter()
        .all(|s| s.description == "old" && !s.name.is_empty()));

    // The writer is still there, and the first editor's retry goes through.
    let retry = describe(&engine, &ids[0], "old", "first")
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(retry, SaveOutcome::Saved { seq, .. } if seq == start + 1));
}
