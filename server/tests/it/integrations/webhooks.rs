//! Outbound webhooks against a real HTTP receiver started by the test, on SQLite and
//! PostgreSQL: signed deliveries, retries with backoff until a failing receiver recovers
//! (delivered once), and saves that never wait for an endpoint.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::*;
use app::integrations::webhooks::server::deliveries::{
    signature, spawn_worker, WebhookConfig, SIGNATURE_HEADER, TIMESTAMP_HEADER,
};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use serde_json::{json, Value};

on_both_backends!(
    each_change_is_posted_signed,
    a_failing_receiver_gets_each_change_once_after_retries,
    a_dead_endpoint_never_slows_saves,
    bad_registrations_are_refused_with_reasons,
    changes_saved_without_notify_are_not_sent,
    private_and_local_addresses_are_refused_at_registration,
    an_address_that_leads_inward_is_refused_when_connecting,
    redirects_are_not_followed,
    one_organisations_hanging_endpoints_hold_up_no_other,
);

/// A webhook receiver: records what it is sent; fails the first `fail_first` requests with a
/// 500; never answers when `hang`; answers with a redirect to `redirect_to` when set.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<(HeaderMap, String)>>>,
    fail_first: Arc<AtomicUsize>,
    hang: bool,
    redirect_to: Option<String>,
}

impl Receiver {
    async fn start(self) -> String {
        let me = self.clone();
        let app = axum::Router::new().route(
            "/hook",
            post(move |headers: HeaderMap, body: String| {
                let me = me.clone();
                async move {
                    if me.hang {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                    }
                    if let Some(to) = &me.redirect_to {
                        me.got.lock().unwrap().push((headers, body));
                        return (StatusCode::TEMPORARY_REDIRECT, [("location", to.clone())])
                            .into_response();
                    }
                    let failing = me
                        .fail_first
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok();
                    if failing {
                        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                    }
                    me.got.lock().unwrap().push((headers, body));
                    StatusCode::NO_CONTENT.into_response()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    }

    fn bodies(&self) -> Vec<Value> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .map(|(_, b)| serde_json::from_str(b).unwrap())
            .collect()
    }
}

fn fast() -> WebhookConfig {
    WebhookConfig {
        poll: Duration::from_millis(20),
        base_backoff: Duration::from_millis(50),
        max_attempts: 5,
        timeout: Duration::from_millis(500),
        connect_timeout: Duration::from_millis(500),
        concurrency: 4,
        per_organisation: 2,
    }
}

async fn register(app: &TestApp, url: &str, secret: &str) -> Value {
    let (status, body) = app
        .call_form("/api/webhooks/create", &[("url", url), ("secret", secret)])
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn wait_for(mut done: impl FnMut() -> bool) {
    for _ in 0..300 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("not done within 6 s");
}

/// The webhook's deliveries, once `done` holds for them (within 6 s).
async fn deliveries_when(app: &TestApp, id: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let mut ds = Vec::new();
    for _ in 0..300 {
        ds = deliveries(app, id).await;
        if done(&ds) {
            return ds;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("deliveries not as expected within 6 s: {ds:?}");
}

async fn deliveries(app: &TestApp, id: &str) -> Vec<Value> {
    let (status, body) = app
        .call_form("/api/webhooks/deliveries", &[("id", id)])
        .await;
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().clone()
}

async fn each_change_is_posted_signed(b: Backend) {
    let app = spawn_app(b).await;
    let _worker = spawn_worker(app.engine.clone(), fast());
    let receiver = Receiver::default();
    let url = receiver.clone().start().await;
    let secret = "a-shared-secret-of-32-characters";
    let hook = register(&app, &url, secret).await;
    assert_eq!(hook["secret"], secret);
    let head = app.head().await;

    app.set_field("tagline", "Sent to the hook").await;
    app.set_field("phone", "+33 9 99 99 99 99").await;
    wait_for(|| receiver.got.lock().unwrap().len() == 2).await;

    let got = receiver.got.lock().unwrap().clone();
    let mut seqs = Vec::new();
    for (headers, body) in &got {
        let ts: i64 = headers[TIMESTAMP_HEADER].to_str().unwrap().parse().unwrap();
        let sig = headers[SIGNATURE_HEADER].to_str().unwrap();
        assert_eq!(
            sig,
            format!("sha256={}", signature(secret, ts, body)),
            "signature verifies"
        );
        assert_ne!(
            sig,
            format!("sha256={}", signature("another secret", ts, body))
        );
        let v: Value = serde_json::from_str(body).unwrap();
        seqs.push(v["event"]["seq"].as_i64().unwrap());
        assert_eq!(v["event"]["collection"], "site_settings");
    }
    seqs.sort_unstable();
    assert_eq!(
        seqs,
        [head + 1, head + 2],
        "only changes after registration, each once"
    );
    let id = hook["webhook"]["id"].as_str().unwrap();
    let ds = deliveries_when(&app, id, |ds| {
        ds.len() == 2 && ds.iter().all(|d| d["status"] == "delivered")
    })
    .await;
    assert!(
        ds.iter()
            .all(|d| d["attempts"] == 1 && d["last_status"] == 204),
        "{ds:?}"
    );
}

async fn a_failing_receiver_gets_each_change_once_after_retries(b: Backend) {
    let app = spawn_app(b).await;
    let _worker = spawn_worker(app.engine.clone(), fast());
    let receiver = Receiver {
        fail_first: Arc::new(AtomicUsize::new(2)),
        ..Default::default()
    };
    let url = receiver.clone().start().await;
    let hook = register(&app, &url, "").await;
    let id = hook["webhook"]["id"].as_str().unwrap().to_string();
    let head = app.head().await;

    app.set_field("tagline", "Eventually delivered").await;
    wait_for(|| receiver.got.lock().unwrap().len() == 1).await;
    // Nothing more arrives: delivered exactly once.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["event"]["seq"], head + 1);
    assert_eq!(
        bodies[0]["event"]["data"]["tagline"],
        "Eventually delivered"
    );

    let ds = deliveries_when(&app, &id, |ds| {
        ds.len() == 1 && ds[0]["status"] == "delivered"
    })
    .await;
    assert_eq!(
        (ds[0]["attempts"].as_i64(), ds[0]["last_status"].as_i64()),
        (Some(3), Some(204)),
        "{ds:?}"
    );
    // Each attempt is an entry of the sync centre's log: two failed, then delivered.
    let (status, body) = app
        .call_form("/api/list/staff", &[("collection", "sync_operations")])
        .await;
    assert_eq!(status, 200, "{body}");
    let mut ops: Vec<&Value> = body["record"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "webhook_delivery")
        .collect();
    ops.sort_by_key(|o| o["started_at"].as_i64());
    let statuses: Vec<&str> = ops.iter().map(|o| o["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["failed", "failed", "succeeded"], "{ops:?}");
    assert_eq!(ops[2]["destination"], url.as_str());
    assert!(
        ops[0]["summary"].as_str().unwrap().contains("500"),
        "{ops:?}"
    );
}

async fn a_dead_endpoint_never_slows_saves(b: Backend) {
    let app = spawn_app(b).await;
    let _worker = spawn_worker(app.engine.clone(), fast());
    let url = Receiver {
        hang: true,
        ..Default::default()
    }
    .start()
    .await;
    let hook = register(&app, &url, "").await;
    let id = hook["webhook"]["id"].as_str().unwrap().to_string();
    let healthy = Receiver::default();
    register(&app, &healthy.clone().start().await, "").await;
    // Every save completes while deliveries to the endpoint hang …
    for i in 0..5 {
        let (status, _) = app.set_field("tagline", &format!("save {i}")).await;
        assert_eq!(status, 200);
    }
    // … and hanging deliveries time out, are recorded, and wait for their retry.
    let ds = deliveries_when(&app, &id, |ds| {
        ds.len() == 5 && ds.iter().all(|d| d["attempts"].as_i64() >= Some(1))
    })
    .await;
    assert!(ds.iter().all(|d| d["status"] == "pending"), "{ds:?}");
    assert!(
        ds.iter().all(|d| d["last_error"]
            .as_str()
            .is_some_and(|e| e.starts_with("no answer within"))),
        "{ds:?}"
    );
    // A healthy endpoint next to the dead one got everything meanwhile.
    wait_for(|| healthy.got.lock().unwrap().len() == 5).await;
}

async fn bad_registrations_are_refused_with_reasons(b: Backend) {
    let app = spawn_app(b).await;
    let (status, body) = app
        .call_form(
            "/api/webhooks/create",
            &[("url", "ftp://example"), ("secret", "short")],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let fields = validation_fields(&body);
    assert_eq!(fields, ["url", "secret"]);
    let (status, _) = app
        .call_form("/api/webhooks/delete", &[("id", "nope")])
        .await;
    assert_eq!(status, 404);
    let (_, list) = app.call_form("/api/webhooks/list", &[]).await;
    assert_eq!(list, json!([]));
}

async fn changes_saved_without_notify_are_not_sent(b: Backend) {
    let app = spawn_app(b).await;
    let _worker = spawn_worker(app.engine.clone(), fast());
    let receiver = Receiver::default();
    register(&app, &receiver.clone().start().await, "").await;
    let head = app.head().await;
    let quiet = json!({ "id": "main", "base_version": 0, "changes": { "tagline": { "from": app.settings().await["tagline"], "to": "quiet" } } });
    let (status, _) = app
        .call("/api/sync", json!({ "collection": "site_settings", "op": "update", "payload": quiet, "options": { "notify": false } }))
        .await;
    assert_eq!(status, 200);
    app.set_field("tagline", "loud").await;
    wait_for(|| !receiver.got.lock().unwrap().is_empty()).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let seqs: Vec<i64> = receiver
        .bodies()
        .iter()
        .map(|b| b["event"]["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [head + 2], "only the change saved with notify");
}

async fn private_and_local_addresses_are_refused_at_registration(b: Backend) {
    let app = spawn_app_public_only(b).await;
    // Refused by reading the address (and, for names, /etc/hosts): nothing is sent anywhere.
    for url in [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://2130706433/hook",
        "https://0x7f000001/hook",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.5/hook",
        "https://172.20.1.1/hook",
        "https://192.168.0.10/hook",
        "https://[fd12:3456::1]/hook",
        "https://[fe80::1]/hook",
        "https://224.0.0.251/hook",
        "https://0.0.0.0/hook",
        "https://192.0.2.1/hook",
        "https://[2001:db8::1]/hook",
        "https://user:secret@hooks.example.com/hook",
        "http://hooks.example.com/hook",
    ] {
        let (status, body) = app
            .call_form("/api/webhooks/create", &[("url", url), ("secret", "")])
            .await;
        assert_eq!(status, 422, "{url}: {body}");
        assert_eq!(validation_fields(&body), ["url"], "{url}");
    }
    let (_, list) = app.call_form("/api/webhooks/list", &[]).await;
    assert_eq!(list, json!([]));
}

async fn an_address_that_leads_inward_is_refused_when_connecting(b: Backend) {
    let app = spawn_app_public_only(b).await;
    let _worker = spawn_worker(app.engine.clone(), fast());
    let receiver = Receiver::default();
    let local = receiver.clone().start().await;
    let port = local
        .split(':')
        .nth(2)
        .unwrap()
        .trim_end_matches("/hook")
        .to_string();
    // Registered when they looked public (written straight to the database): a name that
    // now resolves to loopback, and an address in one of its numeric spellings.
    let mut ids = Vec::new();
    for url in [
        format!("https://localhost:{port}/hook"),
        format!("https://2130706433:{port}/hook"),
    ] {
        let id = format!("inward{}", ids.len());
        let head = app.head().await;
        let mut conn = app.engine.db.write.acquire().await.unwrap();
        sqlx::query("INSERT INTO webhooks (id, org_id, url, secret, queued_through, created_at) VALUES ($1, 1, $2, 's', $3, 0)")
            .bind(&id)
            .bind(&url)
            .bind(head)
            .execute(&mut *conn)
            .await
            .unwrap();
        ids.push(id);
    }
    app.set_field("tagline", "not for inside").await;
    for id in &ids {
        let ds = deliveries_when(&app, id, |ds| {
            ds.len() == 1 && ds[0]["attempts"].as_i64() >= Some(1)
        })
        .await;
        let error = ds[0]["last_error"].as_str().unwrap_or_default();
        assert!(error.contains("private"), "{id}: {ds:?}");
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        receiver.got.lock().unwrap().is_empty(),
        "nothing reached the receiver"
    );
}

async fn redirects_are_not_followed(b: Backend) {
    let app = spawn_app(b).await;
    let _worker = spawn_worker(app.engine.clone(), fast());
    let target = Receiver::default();
    let target_url = target.clone().start().await;
    let redirecting = Receiver {
        redirect_to: Some(target_url),
        ..Default::default()
    };
    let hook = register(&app, &redirecting.clone().start().await, "").await;
    let id = hook["webhook"]["id"].as_str().unwrap().to_string();
    app.set_field("tagline", "redirected?").await;
    let ds = deliveries_when(&app, &id, |ds| {
        ds.len() == 1 && ds[0]["attempts"].as_i64() >= Some(1)
    })
    .await;
    assert_eq!(ds[0]["last_status"], 307, "{ds:?}");
    assert!(
        ds[0]["last_error"].as_str().unwrap().contains("redirect"),
        "{ds:?}"
    );
    assert_eq!(
        ds[0]["status"], "pending",
        "a failed attempt, retried later"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        target.got.lock().unwrap().is_empty(),
        "the redirect was not followed"
    );
}

async fn one_organisations_hanging_endpoints_hold_up_no_other(b: Backend) {
    let app = spawn_app(b).await;
    let config = WebhookConfig {
        timeout: Duration::from_secs(20),
        connect_timeout: Duration::from_secs(20),
        concurrency: 8,
        per_organisation: 4,
        ..fast()
    };
    let _worker = spawn_worker(app.engine.clone(), config);
    // Organisation 1: twenty endpoints that never answer, each with changes queued.
    let hanging = Receiver {
        hang: true,
        ..Default::default()
    }
    .start()
    .await;
    for _ in 0..20 {
        register(&app, &hanging, "").await;
    }
    for i in 0..3 {
        app.set_field("tagline", &format!("into the void {i}"))
            .await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Organisation 2: one healthy endpoint; its change arrives at once all the same.
    let boss = app::identity::server::accounts::create_user(&app.engine, "boss@two.test", PASSWORD)
        .await
        .unwrap();
    let org2 = app::identity::server::accounts::create_organisation(&app.engine, "Two", boss)
        .await
        .unwrap();
    let token = member_with_token(
        &app.engine,
        "boss@two.test",
        org2,
        app::core::roles::Role::Admin,
    )
    .await;
    let two = client_with_token(&token);
    let healthy = Receiver::default();
    let url = healthy.clone().start().await;
    let res = two
        .post(app.url("/api/webhooks/create"))
        .form(&[("url", url.as_str()), ("secret", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let edit = json!({ "edit": { "id": "main", "base_version": 0, "changes": { "tagline": { "from": "", "to": "org two speaks" } } } });
    let settings = two
        .post(app.url("/api/settings/edit"))
        .send()
        .await
        .unwrap();
    let current: Value = settings.json().await.unwrap();
    let mut edit = edit;
    edit["edit"]["changes"]["tagline"]["from"] = current["record"]["tagline"].clone();
    let res = two
        .post(app.url("/api/settings/save"))
        .json(&edit)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Within wait_for's 6 s, while organisation 1's attempts hang for 20 s each.
    wait_for(|| healthy.got.lock().unwrap().len() == 1).await;
}
