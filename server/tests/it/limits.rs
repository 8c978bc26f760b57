//! Limits that hold under parallel requests on both databases (invitations a day, webhooks
//! per organisation), and the smaller ones of input: a webhook secret's length, live sockets
//! per client address, each refused with a reason the caller understands.

use futures::future::join_all;
use futures::StreamExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::common::*;
use app::core::protocol::close;
use app::engine::LiveConfig;
use app::identity::server::access::{AuthConfig, Quotas};
use app::integrations::webhooks::server::outbound::OutboundPolicy;

on_both_backends!(
    thirty_parallel_invitations_leave_exactly_the_limit,
    thirty_parallel_webhooks_leave_exactly_the_maximum,
    a_webhook_secret_has_a_maximum_length,
    an_address_holds_at_most_n_live_sockets_and_the_next_is_told_why,
    a_revoked_socket_is_told_why_in_its_close_frame,
);

const LIMIT: i64 = 5;

async fn thirty_parallel_invitations_leave_exactly_the_limit(b: Backend) {
    let auth = AuthConfig {
        quotas: Quotas {
            invitations_per_day: LIMIT,
            ..Default::default()
        },
        ..Default::default()
    };
    let app = spawn_app_with(fresh_database(b).await, auth).await;
    let admin = app.session_of(app.admin_id, 1).await;
    let app = &app;
    let answers = join_all((0..30).map(|i| {
        let admin = admin.clone();
        async move {
            app.call_as(
                &admin,
                "/api/members/invite",
                json!({ "email": format!("person{i}@x.test"), "role": "editor" }),
            )
            .await
            .0
        }
    }))
    .await;
    let accepted = answers.iter().filter(|s| **s == 200).count() as i64;
    assert_eq!(accepted, LIMIT, "{answers:?}");
    assert!(
        answers.iter().all(|s| [200, 429].contains(s)),
        "{answers:?}"
    );
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invitations WHERE org_id = 1")
        .fetch_one(&app.engine.db.read)
        .await
        .unwrap();
    assert_eq!(stored, LIMIT);
}

async fn spawn_with_max_webhooks(b: Backend) -> TestApp {
    let policy = OutboundPolicy {
        allow_private: true,
        max_webhooks: LIMIT,
    };
    spawn_app_sending_to(
        fresh_database(b).await,
        AuthConfig::default(),
        LiveConfig::default(),
        policy,
    )
    .await
}

async fn thirty_parallel_webhooks_leave_exactly_the_maximum(b: Backend) {
    let app = spawn_with_max_webhooks(b).await;
    let app = &app;
    let answers = join_all((0..30).map(|i| async move {
        let url = format!("http://127.0.0.1:9/hook{i}");
        app.call_form("/api/webhooks/create", &[("url", &url), ("secret", "")])
            .await
            .0
    }))
    .await;
    let accepted = answers.iter().filter(|s| **s == 200).count() as i64;
    assert_eq!(accepted, LIMIT, "{answers:?}");
    assert!(
        answers.iter().all(|s| [200, 422].contains(s)),
        "{answers:?}"
    );
    let (_, list) = app.call_form("/api/webhooks/list", &[]).await;
    assert_eq!(list.as_array().unwrap().len() as i64, LIMIT);
}

async fn a_webhook_secret_has_a_maximum_length(b: Backend) {
    let app = spawn_with_max_webhooks(b).await;
    let max = app::integrations::webhooks::server::deliveries::MAX_SECRET;
    let long = "s".repeat(max + 1);
    let (status, body) = app
        .call_form(
            "/api/webhooks/create",
            &[("url", "http://127.0.0.1:9/a"), ("secret", &long)],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(validation_fields(&body), ["secret"]);
    assert!(body.to_string().contains(&max.to_string()), "{body}");
    let fits = "s".repeat(max);
    let (status, body) = app
        .call_form(
            "/api/webhooks/create",
            &[("url", "http://127.0.0.1:9/a"), ("secret", &fits)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

/// The code and reason of the Close frame the server sends next.
async fn close_frame(ws: &mut Ws) -> (u16, String) {
    let frame = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(Some(frame)))) => {
                    return (u16::from(frame.code), frame.reason.to_string())
                }
                Some(Ok(Message::Close(None))) => panic!("a Close frame without a code"),
                Some(Ok(_)) => continue,
                other => panic!("the connection ended without a Close frame: {other:?}"),
            }
        }
    })
    .await;
    frame.expect("a Close frame within 5 s")
}

async fn an_address_holds_at_most_n_live_sockets_and_the_next_is_told_why(b: Backend) {
    let live = LiveConfig {
        max_sockets_per_address: 3,
        ..Default::default()
    };
    let app = spawn_app_live(b, live).await;
    let mut open = Vec::new();
    for _ in 0..3 {
        let mut ws = app.live_as(0, "public").await;
        next_msg(&mut ws).await;
        open.push(ws);
    }
    let mut refused = app.live_as(0, "public").await;
    let (code, reason) = close_frame(&mut refused).await;
    assert_eq!(code, close::TOO_MANY_SOCKETS);
    assert!(reason.contains("too many"), "{reason}");
    // One closed makes room for another.
    let mut one = open.pop().unwrap();
    one.close(None).await.unwrap();
    while one.next().await.is_some() {}
    let mut again = None;
    for _ in 0..50 {
        let mut ws = app.live_as(0, "public").await;
        if let Some(Ok(Message::Text(_))) = ws.next().await {
            again = Some(ws);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(again.is_some(), "no room after one socket closed");
}

async fn a_revoked_socket_is_told_why_in_its_close_frame(b: Backend) {
    let app = spawn_app(b).await;
    let session = app.session_of(app.admin_id, 1).await;
    let mut ws = app.live_with_session(&session).await;
    let (status, _) = app.call_form_as(&session, "/api/auth/sign_out", &[]).await;
    assert_eq!(status, 200);
    let (code, reason) = close_frame(&mut ws).await;
    assert_eq!(code, close::ACCESS_CHANGED);
    assert!(reason.contains("reconnect"), "{reason}");
}
