//! The live feed under pressure: the replay window and epochs, a subscriber that stops
//! reading, oversized client messages, and several server processes on one PostgreSQL
//! database (including losing the listener connection).

use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::common::*;
use app::content::model::Service;
use app::core::merge::RecordEdit;
use app::core::principal::Principal;
use app::core::protocol::ServerMsg;
use app::engine::doorbell::LISTENER_APP_NAME;
use app::engine::{save, Engine, LiveConfig};

on_both_backends!(
    resume_inside_the_replay_window_replays_outside_it_resyncs,
    another_epoch_resyncs,
    a_subscriber_that_stops_reading_is_closed_and_resumes_without_loss,
    oversized_client_messages_close_the_socket,
);

/// A published service whose description the tests rewrite; its id.
async fn service(engine: &Engine) -> String {
    let who = Principal::system(1, "test");
    let created = save::create(
        engine,
        &who,
        Service {
            name: "Feed test".into(),
            description: "0".into(),
            price_cents: 100,
            published: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    created.record().meta.id.clone()
}

/// Change the description from `from` to `to`; the change's sequence number.
async fn describe(engine: &Engine, id: &str, from: &str, to: &str) -> i64 {
    let edit = RecordEdit::one_field(id, 0, "description", json!(from), json!(to));
    match save::save::<Service>(engine, &Principal::system(1, "test"), &edit)
        .await
        .unwrap()
    {
        app::core::wire::SaveOutcome::Saved { seq, .. } => seq,
        other => panic!("{other:?}"),
    }
}

/// `n` saves in a row on one service; the last sequence number.
async fn saves(engine: &Engine, id: &str, n: usize, text: impl Fn(usize) -> String) -> i64 {
    let mut last = 0;
    for k in 1..=n {
        last = describe(engine, id, &text(k - 1), &text(k)).await;
    }
    last
}

fn counter(k: usize) -> String {
    if k == 0 {
        "0".into()
    } else {
        format!("v{k}")
    }
}

async fn resume_inside_the_replay_window_replays_outside_it_resyncs(backend: Backend) {
    let live = LiveConfig {
        replay_max_changes: 5,
        ..LiveConfig::default()
    };
    let app = spawn_app_live(backend, live).await;
    let id = service(&app.engine).await;
    let start = app.head().await;
    saves(&app.engine, &id, 5, counter).await;

    // Five behind: inside the window, replayed exactly once and in order.
    let mut ws = app.live_as(start, "staff").await;
    assert!(matches!(next_msg(&mut ws).await, ServerMsg::Hello { .. }));
    assert_eq!(
        next_changes(&mut ws, 5).await,
        (start + 1..=start + 5).collect::<Vec<_>>()
    );
    expect_quiet(&mut ws, 200).await;

    // Six behind: outside it, an explicit resync at the head instead of a replay, then live.
    let head = saves(&app.engine, &id, 6, |k| counter(k + 5)).await;
    let mut ws = app.live_as(start + 5, "staff").await;
    assert!(matches!(next_msg(&mut ws).await, ServerMsg::Hello { head: h, .. } if h == head));
    assert!(matches!(next_msg(&mut ws).await, ServerMsg::Resync { head: h, .. } if h == head));
    let next = describe(&app.engine, &id, &counter(11), "after").await;
    assert_eq!(next_changes(&mut ws, 1).await, vec![next]);

    // The window also has an age: changes older than it are not replayed.
    let live = LiveConfig {
        replay_max_age: Duration::from_millis(300),
        ..LiveConfig::default()
    };
    let app = spawn_app_live(backend, live).await;
    let id = service(&app.engine).await;
    let start = app.head().await;
    saves(&app.engine, &id, 2, counter).await;
    let mut fresh = app.live_as(start, "staff").await;
    next_msg(&mut fresh).await;
    assert_eq!(next_changes(&mut fresh, 2).await.len(), 2);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let mut stale = app.live_as(start, "staff").await;
    next_msg(&mut stale).await;
    assert!(matches!(
        next_msg(&mut stale).await,
        ServerMsg::Resync { .. }
    ));
}

async fn another_epoch_resyncs(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = service(&app.engine).await;
    let start = app.head().await;
    saves(&app.engine, &id, 2, counter).await;
    let url = |epoch: &str| format!("ws://{}/live?since={start}&epoch={epoch}", app.addr);
    let epoch = app.engine.epoch.to_string();
    assert!(!epoch.is_empty());

    let (mut same, _) = tokio_tungstenite::connect_async(url(&epoch)).await.unwrap();
    assert!(matches!(next_msg(&mut same).await, ServerMsg::Hello { epoch: e, .. } if e == epoch));
    assert_eq!(next_changes(&mut same, 2).await, vec![start + 1, start + 2]);

    // Sequence numbers from another database's feed mean other changes: reload, never replay.
    let (mut other, _) = tokio_tungstenite::connect_async(url("another-epoch"))
        .await
        .unwrap();
    next_msg(&mut other).await;
    assert!(
        matches!(next_msg(&mut other).await, ServerMsg::Resync { head, .. } if head == start + 2)
    );
}

/// A socket that reads nothing, with a tiny receive buffer so the server's sends block soon.
async fn stalled_socket(app: &TestApp, since: i64) -> Ws {
    let tcp = tokio::net::TcpSocket::new_v4().unwrap();
    tcp.set_recv_buffer_size(4096).unwrap();
    let stream = tcp.connect(app.addr).await.unwrap();
    let url = format!("ws://{}/live?since={since}&audience=staff", app.addr);
    let mut req = url.into_client_request().unwrap();
    req.headers_mut().insert(
        "authorization",
        format!("Bearer {}", app.admin_token).parse().unwrap(),
    );
    let (ws, _) =
        tokio_tungstenite::client_async(req, tokio_tungstenite::MaybeTlsStream::Plain(stream))
            .await
            .unwrap();
    ws
}

async fn a_subscriber_that_stops_reading_is_closed_and_resumes_without_loss(backend: Backend) {
    let live = LiveConfig {
        send_timeout: Duration::from_millis(300),
        ..LiveConfig::default()
    };
    let app = spawn_app_live(backend, live).await;
    let id = service(&app.engine).await;
    let start = app.head().await;
    let mut stalled = stalled_socket(&app, start).await;
    // A subscriber that keeps reading, to show the stalled one does not hold it back.
    let mut reader = app.live_as(start, "staff").await;
    next_msg(&mut reader).await;
    let reading = tokio::spawn(async move {
        let mut seen = Vec::new();
        while seen.len() < 1000 {
            seen.extend(next_changes(&mut reader, 1).await);
        }
        (seen, Instant::now())
    });

    // 1,000 changes of about 10 KB each: far more than the socket buffers hold.
    let big = |k: usize| match k {
        0 => "0".to_string(),
        _ => format!(
            "{k} {}",
            if k.is_multiple_of(2) { "é" } else { "è" }.repeat(4_900)
        ),
    };
    let last = saves(&app.engine, &id, 1000, big).await;
    let saved_at = Instant::now();
    assert_eq!(last, start + 1000);
    let (seen, reader_done) = reading.await.unwrap();
    assert_eq!(
        seen,
        (start + 1..=last).collect::<Vec<_>>(),
        "the reading subscriber got everything in order"
    );
    assert!(
        reader_done.saturating_duration_since(saved_at) < Duration::from_secs(2),
        "the reading subscriber was held back"
    );

    // The stalled socket now reads what its buffers held, then finds it was closed.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut got = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(Ok(msg)) = stalled.next().await {
            if let Message::Text(t) = msg {
                if let Ok(ServerMsg::Change { event }) = serde_json::from_str(&t) {
                    got.push(event.seq);
                }
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the server closed the stalled socket");
    assert!(
        got.len() < 1000,
        "it was closed before it had everything ({} changes)",
        got.len()
    );
    assert_eq!(
        got,
        (start + 1..start + 1 + got.len() as i64).collect::<Vec<_>>()
    );

    // Resuming from the last change it got brings the rest, each once and in order.
    let resume_from = got.last().copied().unwrap_or(start);
    let mut resumed = app.live_as(resume_from, "staff").await;
    next_msg(&mut resumed).await;
    let rest = next_changes(&mut resumed, (last - resume_from) as usize).await;
    assert_eq!(rest, (resume_from + 1..=last).collect::<Vec<_>>());
    expect_quiet(&mut resumed, 200).await;
}

async fn oversized_client_messages_close_the_socket(backend: Backend) {
    let app = spawn_app(backend).await;
    let head = app.head().await;
    let mut ws = app.live(head).await;
    next_msg(&mut ws).await;
    // A small message is fine: a ping gets its pong.
    ws.send(Message::text(r#"{"type":"ping"}"#)).await.unwrap();
    assert!(matches!(next_msg(&mut ws).await, ServerMsg::Pong));
    // Over 64 KiB: the server drops the connection instead of buffering it.
    ws.send(Message::text("x".repeat(65 * 1024))).await.unwrap();
    let end = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(end.is_ok(), "the socket was not closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_postgres_share_one_gap_free_feed() {
    let url = fresh_database(Backend::Postgres).await;
    let a = spawn_app_on(url.clone()).await;
    let b = spawn_app_on(url).await;
    let id = service(&a.engine).await;
    let start = a.head().await;
    let mut on_a = a.live_as(start, "staff").await;
    let mut on_b = b.live_as(start, "staff").await;
    next_msg(&mut on_a).await;
    next_msg(&mut on_b).await;

    // A save on A reaches B's subscriber.
    let first = describe(&a.engine, &id, "0", "from A").await;
    assert_eq!(next_changes_within(&mut on_b, 1, 5).await, vec![first]);
    assert_eq!(next_changes_within(&mut on_a, 1, 5).await, vec![first]);

    // Both nodes save at once, each its own record: every subscriber on either node gets
    // every change once, in sequence order, with no gap.
    let id_b = service(&b.engine).await;
    let (ea, eb) = (a.engine.clone(), b.engine.clone());
    let (id_a, id_b2) = (id.clone(), id_b.clone());
    let from_a = tokio::spawn(async move {
        for k in 0..40 {
            let from = if k == 0 {
                "from A".to_string()
            } else {
                format!("a{}", k - 1)
            };
            describe(&ea, &id_a, &from, &format!("a{k}")).await;
        }
    });
    let from_b = tokio::spawn(async move {
        for k in 0..40 {
            let from = if k == 0 {
                "0".to_string()
            } else {
                format!("b{}", k - 1)
            };
            describe(&eb, &id_b2, &from, &format!("b{k}")).await;
        }
    });
    from_a.await.unwrap();
    from_b.await.unwrap();
    let head = a.head().await;
    assert_eq!(head, first + 81, "81 changes: B's service and 80 saves");
    let expected: Vec<i64> = (first + 1..=head).collect();
    assert_eq!(
        next_changes_within(&mut on_a, expected.len(), 10).await,
        expected
    );
    assert_eq!(
        next_changes_within(&mut on_b, expected.len(), 10).await,
        expected
    );
    expect_quiet(&mut on_b, 300).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_loses_its_listener_notices_reconnects_and_catches_up() {
    let url = fresh_database(Backend::Postgres).await;
    let a = spawn_app_on(url.clone()).await;
    let b = spawn_app_on(url.clone()).await;
    let id = service(&a.engine).await;
    let start = a.head().await;
    let mut on_b = b.live_as(start, "staff").await;
    next_msg(&mut on_b).await;
    let db_name = url.rsplit('/').next().unwrap().to_string();
    let listeners = |db: String| {
        let engine = a.engine.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT pid::BIGINT FROM pg_stat_activity WHERE application_name = $1 AND datname = $2",
            )
            .bind(LISTENER_APP_NAME)
            .bind(db)
            .fetch_all(&engine.db.read)
            .await
            .unwrap()
        }
    };
    let before = listeners(db_name.clone()).await;
    assert_eq!(before.len(), 2, "each node listens");

    // Kill both listener connections, then save on A while nobody is listening.
    for pid in &before {
        sqlx::query("SELECT pg_terminate_backend($1::INTEGER)")
            .bind(*pid)
            .execute(&a.engine.db.write)
            .await
            .unwrap();
    }
    let first = describe(&a.engine, &id, "0", "during the outage").await;
    let second = describe(&a.engine, &id, "during the outage", "after").await;

    // B notices, reconnects with a new connection, and catches up from the log.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = listeners(db_name.clone()).await;
        if now.len() == 2 && now.iter().all(|p| !before.contains(p)) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "listeners did not reconnect: {before:?} then {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        next_changes_within(&mut on_b, 2, 10).await,
        vec![first, second]
    );
    // And the doorbell works again afterwards.
    let third = describe(&a.engine, &id, "after", "again").await;
    assert_eq!(next_changes_within(&mut on_b, 1, 5).await, vec![third]);
}
