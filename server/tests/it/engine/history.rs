//! History reads are bounded and the change log is pruned: a list save costs the same
//! whatever the records' history length, and retention keeps the replay window and the last
//! versions of every record, and what webhooks have yet to send.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::*;
use app::core::protocol::ServerMsg;
use app::engine::retention::{self, Retention};
use app::engine::LiveConfig;

on_both_backends!(
    a_list_save_costs_the_same_with_ten_thousand_history_entries,
    retention_keeps_the_window_and_the_last_versions_and_nothing_else,
    retention_keeps_what_webhooks_have_yet_to_send,
);

fn service(name: &str) -> Value {
    json!({ "name": name, "description": "Fresh", "price_cents": 450, "published": true })
}

async fn services(app: &TestApp) -> Vec<Value> {
    let (status, body) = app
        .call_form("/api/list/staff", &[("collection", "services")])
        .await;
    assert_eq!(status, 200, "{body}");
    body["record"].as_array().unwrap().clone()
}

async fn list_save(app: &TestApp, items: Value) -> (u16, Value) {
    app.call(
        "/api/list/sync",
        json!({ "collection": "services", "items": items }),
    )
    .await
}

/// Give record `id` `n` more versions, written straight to the log (as years of saves would
/// have), each logging the whole record.
async fn grow_history(app: &TestApp, id: &str, n: i64) {
    let mut conn = app.engine.db.write.acquire().await.unwrap();
    let (seq, version, data): (i64, i64, String) = sqlx::query_as(
        "SELECT c.seq, c.version, c.data FROM change_log c \
         WHERE c.org_id = 1 AND c.record_id = $1 ORDER BY c.seq DESC LIMIT 1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    let head: i64 = sqlx::query_scalar("SELECT last_seq FROM change_heads WHERE org_id = 1")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(seq, head, "the record's change is the last one");
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
         INSERT INTO change_log (org_id, seq, collection, record_id, op, version, data, changed, \
           before, actor, at, notify) \
         SELECT 1, $2 + i, 'services', $3, 'updated', $4 + i, $5, '[\"description\"]', \
           '{\"description\":\"Fresh\"}', 'tests', $6, 0 FROM n",
    )
    .bind(n)
    .bind(head)
    .bind(id)
    .bind(version)
    .bind(&data)
    .bind(app::core::time::now_ms())
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query("UPDATE change_heads SET last_seq = $1 WHERE org_id = 1")
        .bind(head + n)
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("UPDATE records SET version = $1 WHERE org_id = 1 AND id = $2")
        .bind(version + n)
        .bind(id)
        .execute(&mut *conn)
        .await
        .unwrap();
    // The planner's statistics, as PostgreSQL's autovacuum keeps them on a table that grew
    // this much (without them it guesses one row per record and picks the wrong index).
    sqlx::query("ANALYZE change_log")
        .execute(&mut *conn)
        .await
        .unwrap();
}

/// Median time of five list saves of the record named `name`, sent as stored but without
/// its version (a script's full list): each rebuilds the record as created to merge against.
async fn median_save(app: &TestApp, name: &str) -> Duration {
    let mut times = Vec::new();
    for _ in 0..5 {
        let mut item = services(app)
            .await
            .into_iter()
            .find(|s| s["name"] == name)
            .unwrap();
        item.as_object_mut().unwrap().remove("version");
        let started = Instant::now();
        let (status, body) = list_save(app, json!([item])).await;
        times.push(started.elapsed());
        assert_eq!(status, 200, "{body}");
    }
    times.sort();
    times[2]
}

async fn a_list_save_costs_the_same_with_ten_thousand_history_entries(b: Backend) {
    let app = spawn_app(b).await;
    let (status, body) = list_save(&app, json!([service("Short"), service("Long")])).await;
    assert_eq!(status, 200, "{body}");
    let long = services(&app)
        .await
        .into_iter()
        .find(|s| s["name"] == "Long")
        .unwrap();
    grow_history(&app, long["id"].as_str().unwrap(), 10_000).await;
    let short = median_save(&app, "Short").await;
    let long = median_save(&app, "Long").await;
    eprintln!(
        "list save ({b:?}), median of 5: {:.1} ms with 1 history entry, {:.1} ms with 10,000",
        short.as_secs_f64() * 1e3,
        long.as_secs_f64() * 1e3
    );
    // Bounded: the long history reads one more row, not ten thousand.
    assert!(
        long <= short * 3 + Duration::from_millis(15),
        "{long:?} with 10,000 entries against {short:?} with one"
    );
}

async fn retention_keeps_the_window_and_the_last_versions_and_nothing_else(b: Backend) {
    let live = LiveConfig {
        replay_max_age: Duration::from_secs(3600),
        retention: Retention {
            keep_versions: 5,
            ..Default::default()
        },
        ..Default::default()
    };
    let app = spawn_app_live(b, live).await;
    let (status, body) = list_save(&app, json!([service("Bread")])).await;
    assert_eq!(status, 200, "{body}");
    let id = services(&app).await[0]["id"].as_str().unwrap().to_string();
    for i in 0..19 {
        let mut item = services(&app).await[0].clone();
        item["description"] = json!(format!("Batch {i}"));
        assert_eq!(list_save(&app, json!([item])).await.0, 200);
    }
    // Version 20 now; all of it three hours old, older than the replay window and its margin.
    sqlx::query("UPDATE change_log SET at = at - 10800000")
        .execute(&app.engine.db.write)
        .await
        .unwrap();
    let pruned = retention::prune(&app.engine, app::core::time::now_ms())
        .await
        .unwrap();
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM change_log WHERE record_id = $1 ORDER BY version")
            .bind(&id)
            .fetch_all(&app.engine.db.read)
            .await
            .unwrap();
    assert_eq!(versions, [16, 17, 18, 19, 20], "pruned {pruned}");
    assert_eq!(pruned, 15);

    // The history page starts at the oldest kept version (no creation to show).
    let (status, history) = app
        .call_form("/api/history", &[("collection", "services"), ("id", &id)])
        .await;
    assert_eq!(status, 200, "{history}");
    let oldest = history.as_array().unwrap().last().unwrap();
    assert_eq!(
        (oldest["version"].as_i64(), oldest["op"].as_str()),
        (Some(16), Some("updated"))
    );

    // A kept version restores; a pruned one is not found, with a reason.
    let (status, body) = app
        .call_form(
            "/api/restore",
            &[("collection", "services"), ("id", &id), ("version", "17")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(services(&app).await[0]["description"], "Batch 15");
    let (status, body) = app
        .call_form(
            "/api/restore",
            &[("collection", "services"), ("id", &id), ("version", "3")],
        )
        .await;
    assert_eq!(status, 404, "{body}");

    // An edit based on a pruned version cannot tell what its editor changed: it conflicts
    // where it differs instead of overwriting what was saved since.
    let stale = json!({ "id": id, "base_version": 3, "changes": {
        "description": { "from": "Batch 1", "to": "Mine" } } });
    let (status, body) = app
        .call(
            "/api/sync",
            json!({ "collection": "services", "op": "update", "payload": stale }),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    let stale_list_item = {
        let mut item = services(&app).await[0].clone();
        item["version"] = json!(3);
        item["description"] = json!("Mine");
        item
    };
    let (status, body) = list_save(&app, json!([stale_list_item])).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(services(&app).await[0]["description"], "Batch 15");

    // A page resuming from before the pruned changes reloads instead of missing them.
    let mut ws = app.live(1).await;
    assert!(matches!(next_msg(&mut ws).await, ServerMsg::Hello { .. }));
    assert!(
        matches!(next_msg(&mut ws).await, ServerMsg::Resync { .. }),
        "a resume across pruned changes must resync"
    );

    // Young changes stay, whatever their number; the old ones now beyond the last five
    // versions go.
    for i in 0..8 {
        let mut item = services(&app).await[0].clone();
        item["description"] = json!(format!("Today {i}"));
        assert_eq!(list_save(&app, json!([item])).await.0, 200);
    }
    let pruned = retention::prune(&app.engine, app::core::time::now_ms())
        .await
        .unwrap();
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM change_log WHERE record_id = $1 ORDER BY version")
            .bind(&id)
            .fetch_all(&app.engine.db.read)
            .await
            .unwrap();
    assert_eq!(versions, (21..=29).collect::<Vec<_>>(), "pruned {pruned}");
    assert_eq!(pruned, 5);
}

async fn retention_keeps_what_webhooks_have_yet_to_send(b: Backend) {
    let live = LiveConfig {
        replay_max_age: Duration::from_secs(3600),
        retention: Retention {
            keep_versions: 1,
            ..Default::default()
        },
        ..Default::default()
    };
    let app = spawn_app_live(b, live).await;
    assert_eq!(list_save(&app, json!([service("Bread")])).await.0, 200);
    // An endpoint registered now, and no worker running: every change from here on waits
    // to be queued for it.
    let (status, body) = app
        .call_form(
            "/api/webhooks/create",
            &[("url", "http://127.0.0.1:9/hook"), ("secret", "")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let waiting_from = app.head().await + 1;
    for i in 0..6 {
        let mut item = services(&app).await[0].clone();
        item["description"] = json!(format!("Batch {i}"));
        assert_eq!(list_save(&app, json!([item])).await.0, 200);
    }
    sqlx::query("UPDATE change_log SET at = at - 10800000")
        .execute(&app.engine.db.write)
        .await
        .unwrap();
    retention::prune(&app.engine, app::core::time::now_ms())
        .await
        .unwrap();
    let kept: Vec<i64> =
        sqlx::query_scalar("SELECT seq FROM change_log WHERE seq >= $1 ORDER BY seq")
            .bind(waiting_from)
            .fetch_all(&app.engine.db.read)
            .await
            .unwrap();
    assert_eq!(kept.len(), 6, "changes not yet sent were pruned: {kept:?}");
    // What came before the endpoint existed was pruned as usual.
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM change_log WHERE seq < $1")
        .bind(waiting_from)
        .fetch_one(&app.engine.db.read)
        .await
        .unwrap();
    assert!(before < waiting_from - 1, "nothing older was pruned");
}
