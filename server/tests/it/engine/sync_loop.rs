//! The whole save → change log → live socket loop over HTTP and a real WebSocket, on SQLite
//! and on PostgreSQL.

use crate::common::*;
use app::core::protocol::{ChangeOp, ServerMsg};
use serde_json::json;

on_both_backends!(
    first_start_loads_demo_content_as_change_one,
    save_reaches_live_subscribers_as_a_typed_event,
    unchanged_save_writes_and_publishes_nothing,
    server_owned_fields_survive_a_save,
    change_log_is_gap_free_and_written_with_the_row,
    resume_delivers_exactly_the_missed_events,
    bad_input_gets_field_errors_and_writes_nothing,
    same_field_changed_twice_is_a_conflict_not_an_overwrite,
    history_ahead_of_the_server_gets_a_resync,
    oversized_request_is_refused,
    a_socket_without_since_starts_from_now,
);

async fn first_start_loads_demo_content_as_change_one(b: Backend) {
    let app = spawn_app(b).await;
    let s = app.settings().await;
    assert_eq!(s["company_name"], "Boulangerie Courant");
    assert_eq!(s["version"], 1);
    assert_eq!(app.change_log().await, vec![(1, 1, "created".to_string())]);
    // Starting again on the same database loads nothing twice.
    let again = spawn_app_on(app.database_url.clone()).await;
    assert_eq!(again.change_log().await.len(), 1);
}

async fn save_reaches_live_subscribers_as_a_typed_event(b: Backend) {
    let app = spawn_app(b).await;
    let head = app.head().await;
    let mut ws = app.live(head).await;
    assert!(matches!(next_msg(&mut ws).await, ServerMsg::Hello { head: h, .. } if h == head));

    let (status, body) = app.set_field("tagline", "Warm croissants").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["outcome"], "saved");
    assert_eq!(body["seq"], head + 1);

    let ServerMsg::Change { event } = next_msg(&mut ws).await else {
        panic!("expected a change")
    };
    assert_eq!(event.seq, head + 1);
    assert_eq!(event.op, ChangeOp::Updated);
    assert_eq!(event.collection, "site_settings");
    assert_eq!(event.changed, ["tagline"]);
    assert_eq!(event.version, 2);
    let record: app::content::settings::SiteSettings = event.record().expect("typed record");
    assert_eq!(record.tagline, "Warm croissants");
    assert_eq!(record.company_name, "Boulangerie Courant");
}

async fn unchanged_save_writes_and_publishes_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let before = app.settings().await;
    let head = app.head().await;
    let mut ws = app.live(head).await;
    next_msg(&mut ws).await; // hello

    let same = before["tagline"].clone();
    let (status, body) = app
        .save(json!({ "tagline": { "from": same, "to": same } }))
        .await;
    assert_eq!(
        (status, body["outcome"].as_str()),
        (200, Some("unchanged")),
        "{body}"
    );
    let (status, body) = app.save(json!({})).await;
    assert_eq!(
        (status, body["outcome"].as_str()),
        (200, Some("unchanged")),
        "{body}"
    );

    assert_eq!(app.head().await, head);
    assert_eq!(
        app.settings().await,
        before,
        "no field, not even updated_at, moved"
    );
    expect_quiet(&mut ws, 300).await;
}

async fn server_owned_fields_survive_a_save(b: Backend) {
    let app = spawn_app(b).await;
    let before = app.staff_settings().await;
    let (status, body) = app
        .save(json!({
            "created_at": { "from": before["created_at"], "to": 0 },
            "version": { "from": before["version"], "to": 99 },
            "updated_by": { "from": before["updated_by"], "to": "mallory" },
            "id": { "from": "main", "to": "other" },
            "tagline": { "from": before["tagline"], "to": "New tagline" },
        }))
        .await;
    assert_eq!(status, 200, "{body}");
    let after = app.staff_settings().await;
    assert_eq!(after["created_at"], before["created_at"]);
    assert_eq!(after["id"], "main");
    assert_eq!(after["version"], before["version"].as_i64().unwrap() + 1);
    assert_eq!(after["updated_by"], "admin@courant.test (token “tests”)");
    assert!(after["updated_at"].as_i64() >= before["updated_at"].as_i64());
    assert_eq!(after["tagline"], "New tagline");
    assert_eq!(body["changed"], json!(["tagline"]));
}

async fn change_log_is_gap_free_and_written_with_the_row(b: Backend) {
    let app = spawn_app(b).await;
    for i in 0..5 {
        let (status, _) = app.set_field("tagline", &format!("Tagline {i}")).await;
        assert_eq!(status, 200);
    }
    // Concurrent saves of different fields all land: none is lost, none conflicts.
    let fields = ["company_name", "email", "phone", "address", "opening_hours"];
    let values = [
        "Courant & Co",
        "team@courant.example",
        "+33 9 87 65 43 21",
        "1 quai Ouest",
        "Daily 8–20",
    ];
    let before = app.settings().await;
    let saves = fields.iter().zip(values).map(|(f, v)| {
        let edit = json!({ *f: { "from": before[*f], "to": v } });
        let app = &app;
        async move { app.save(edit).await }
    });
    for (status, body) in futures::future::join_all(saves).await {
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["outcome"], "saved");
    }
    let after = app.settings().await;
    for (f, v) in fields.iter().zip(values) {
        assert_eq!(after[*f], v, "{f} kept");
    }

    let log = app.change_log().await;
    let seqs: Vec<i64> = log.iter().map(|(s, _, _)| *s).collect();
    assert_eq!(
        seqs,
        (1..=11).collect::<Vec<_>>(),
        "strictly increasing, no gap"
    );
    let versions: Vec<i64> = log.iter().map(|(_, v, _)| *v).collect();
    assert_eq!(
        versions,
        (1..=11).collect::<Vec<_>>(),
        "one version per write"
    );
    assert_eq!(after["version"], 11);
    assert_eq!(app.head().await, 11);
}

async fn resume_delivers_exactly_the_missed_events(b: Backend) {
    let app = spawn_app(b).await;
    let start = app.head().await;
    let mut ws = app.live(start).await;
    next_msg(&mut ws).await;
    app.set_field("tagline", "one").await;
    assert_eq!(next_changes(&mut ws, 1).await, [start + 1]);
    drop(ws); // the visitor's connection drops

    for t in ["two", "three", "four"] {
        app.set_field("tagline", t).await;
    }
    // Reconnect from the last sequence seen: exactly the three missed, in order, then live.
    let mut ws = app.live(start + 1).await;
    assert!(matches!(next_msg(&mut ws).await, ServerMsg::Hello { head, .. } if head == start + 4));
    assert_eq!(
        next_changes(&mut ws, 3).await,
        [start + 2, start + 3, start + 4]
    );
    app.set_field("tagline", "five").await;
    assert_eq!(next_changes(&mut ws, 1).await, [start + 5]);
    expect_quiet(&mut ws, 300).await;

    // From the very beginning: the whole history, once each.
    let mut ws = app.live(0).await;
    let all = next_changes(&mut ws, (start + 5) as usize).await;
    assert_eq!(all, (1..=start + 5).collect::<Vec<_>>());
    expect_quiet(&mut ws, 200).await;
}

async fn bad_input_gets_field_errors_and_writes_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let before = app.settings().await;
    let (status, body) = app
        .save(json!({
            "company_name": { "from": before["company_name"], "to": "  " },
            "email": { "from": before["email"], "to": "not-an-email" },
            "tagline": { "from": before["tagline"], "to": "x".repeat(201) },
        }))
        .await;
    assert_eq!(status, 422, "{body}");
    let fields = validation_fields(&body);
    assert_eq!(fields, ["company_name", "tagline", "email"]);
    assert_eq!(
        body["Validation"][0]["message"],
        "Company name is required."
    );

    let (status, body) = app
        .save(json!({ "tagline": { "from": before["tagline"], "to": 42 } }))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["Validation"][0]["message"], "tagline must be text.");

    let (status, body) = app
        .save(json!({ "colour": { "from": null, "to": "red" } }))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["Validation"][0]["field"], "colour");

    assert_eq!(app.settings().await, before);
    assert_eq!(app.change_log().await.len(), 1);
}

async fn same_field_changed_twice_is_a_conflict_not_an_overwrite(b: Backend) {
    let app = spawn_app(b).await;
    let base = app.settings().await["tagline"].clone();
    let (status, _) = app
        .save(json!({ "tagline": { "from": base, "to": "Theirs" } }))
        .await;
    assert_eq!(status, 200);
    let (status, body) = app
        .save(json!({ "tagline": { "from": base, "to": "Mine" } }))
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        body["Conflict"][0],
        json!({ "field": "tagline", "base": base, "theirs": "Theirs", "mine": "Mine" })
    );
    assert_eq!(app.settings().await["tagline"], "Theirs");
}

async fn history_ahead_of_the_server_gets_a_resync(b: Backend) {
    let app = spawn_app(b).await;
    let head = app.head().await;
    let mut ws = app.live(head + 100).await;
    next_msg(&mut ws).await;
    assert!(matches!(next_msg(&mut ws).await, ServerMsg::Resync { head: h, .. } if h == head));
    // After the resync the socket carries on from the current head.
    app.set_field("tagline", "after resync").await;
    assert_eq!(next_changes(&mut ws, 1).await, [head + 1]);
}

async fn oversized_request_is_refused(b: Backend) {
    let app = spawn_app(b).await;
    let huge = "x".repeat(server::MAX_BODY_BYTES + 1);
    let (status, _) = app
        .save(json!({ "tagline": { "from": "", "to": huge } }))
        .await;
    assert_eq!(status, 413);
    assert_eq!(app.change_log().await.len(), 1);
}

async fn a_socket_without_since_starts_from_now(b: Backend) {
    let app = spawn_app(b).await;
    app.set_field("tagline", "before connecting").await;
    let head = app.head().await;
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/live", app.addr))
        .await
        .unwrap();
    assert!(matches!(next_msg(&mut ws).await, ServerMsg::Hello { head: h, .. } if h == head));
    expect_quiet(&mut ws, 200).await;
    app.set_field("tagline", "after connecting").await;
    assert_eq!(next_changes(&mut ws, 1).await, [head + 1]);
}
