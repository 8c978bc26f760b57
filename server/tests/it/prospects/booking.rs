//! The booking webhook over HTTP, as a booking tool calls it, on both databases.

use futures::future::join_all;
use serde_json::{json, Value};

use crate::common::*;
use app::prospects::server::calendly::sign;

on_both_backends!(
    a_signed_booking_creates_the_prospect_once_whatever_is_retried,
    bad_requests_are_refused_with_their_reason_and_recorded,
    a_reschedule_and_a_cancellation_update_the_meetings,
    either_key_works_while_the_key_is_changed,
    parallel_redeliveries_make_one_prospect_and_one_meeting,
    notifications_follow_bookings_per_member,
    a_flood_of_refused_requests_is_counted_not_written,
);

pub const SECRET: &str = "a signing key of thirty chars!";

/// The webhook's URL, with `SECRET` as its signing key.
pub async fn booking_url(app: &TestApp) -> String {
    let (status, body) = app
        .call_form("/api/booking/secret", &[("secret", SECRET)])
        .await;
    assert_eq!(status, 200, "{body}");
    app.url(body["path"].as_str().unwrap())
}

pub fn invitee(event: &str, n: u32, email: &str) -> Value {
    json!({
        "event": event,
        "payload": {
            "uri": format!("https://api.calendly.com/scheduled_events/E{n}/invitees/I{n}"),
            "email": email,
            "name": "Jeanne Martin",
            "cancel_url": format!("https://calendly.com/cancellations/I{n}"),
            "reschedule_url": format!("https://calendly.com/reschedulings/I{n}"),
            "rescheduled": false,
            "scheduled_event": {
                "name": "Découverte",
                "start_time": "2026-12-10T14:00:00.000000Z",
                "end_time": "2026-12-10T14:30:00.000000Z",
                "location": { "type": "zoom", "join_url": "https://zoom.example/j/1" }
            }
        }
    })
}

/// Post `body` signed with `secret` at `at` (unix seconds).
pub async fn post_signed(url: &str, body: &Value, secret: &str, at: i64) -> (u16, Value) {
    let text = body.to_string();
    let res = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header(
            "calendly-webhook-signature",
            sign(secret, at, text.as_bytes()),
        )
        .body(text)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

pub fn now() -> i64 {
    app::core::time::now_ms() / 1000
}

pub async fn prospects(app: &TestApp) -> Vec<Value> {
    let (status, body) = app
        .call_form("/api/list/staff", &[("collection", "prospects")])
        .await;
    assert_eq!(status, 200, "{body}");
    body["record"].as_array().unwrap().clone()
}

async fn receipts(app: &TestApp) -> Vec<Value> {
    let (status, body) = app.call_form("/api/booking/receipts", &[]).await;
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().clone()
}

async fn a_signed_booking_creates_the_prospect_once_whatever_is_retried(b: Backend) {
    let app = spawn_app(b).await;
    let url = booking_url(&app).await;
    let booking = invitee("invitee.created", 1, "Jeanne@Example.org");
    let (status, body) = post_signed(&url, &booking, SECRET, now()).await;
    assert_eq!(status, 200, "{body}");
    let list = prospects(&app).await;
    assert_eq!(list.len(), 1);
    let p = &list[0];
    assert_eq!(
        (
            p["first_name"].as_str(),
            p["last_name"].as_str(),
            p["email"].as_str(),
            p["source"].as_str(),
            p["status"].as_str()
        ),
        (
            Some("Jeanne"),
            Some("Martin"),
            Some("jeanne@example.org"),
            Some("booking"),
            Some("new")
        )
    );
    let meetings = p["meetings"].as_array().unwrap();
    assert_eq!(meetings.len(), 1);
    assert_eq!(meetings[0]["start"], 1_796_911_200_000i64);
    assert_eq!(meetings[0]["status"], "planned");
    assert_eq!(meetings[0]["location"], "https://zoom.example/j/1");

    // Redelivered, later and signed anew: nothing changes, 200.
    let (status, body) = post_signed(&url, &booking, SECRET, now()).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("Déjà reçue"),
        "{body}"
    );
    let again = prospects(&app).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0]["version"], p["version"]);

    // A second booking by the same person: one prospect, two meetings.
    let (status, _) = post_signed(
        &url,
        &invitee("invitee.created", 2, "jeanne@example.org"),
        SECRET,
        now(),
    )
    .await;
    assert_eq!(status, 200);
    let again = prospects(&app).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0]["meetings"].as_array().unwrap().len(), 2);
    let outcomes: Vec<String> = receipts(&app)
        .await
        .iter()
        .map(|r| r["outcome"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(outcomes, ["accepted", "duplicate", "accepted"]);
    // Each receipt is an entry of the sync centre's log too.
    let (status, body) = app
        .call_form("/api/list/staff", &[("collection", "sync_operations")])
        .await;
    assert_eq!(status, 200, "{body}");
    let ops: Vec<&Value> = body["record"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "booking_received")
        .collect();
    assert_eq!(ops.len(), 3, "{ops:?}");
    assert!(ops
        .iter()
        .all(|o| o["status"] == "succeeded" && o["trigger"] == "webhook"));
    assert!(ops.iter().any(|o| o["subject"] == p["id"]));
}

async fn bad_requests_are_refused_with_their_reason_and_recorded(b: Backend) {
    let app = spawn_app(b).await;
    let url = booking_url(&app).await;
    let booking = invitee("invitee.created", 1, "jeanne@example.org");
    // A wrong key, a replayed (old) signature, no signature.
    let (status, body) = post_signed(&url, &booking, "not the right key at all!!", now()).await;
    assert_eq!(status, 401, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("Signature incorrecte"),
        "{body}"
    );
    let (status, body) = post_signed(&url, &booking, SECRET, now() - 181).await;
    assert_eq!(status, 401, "{body}");
    let res = reqwest::Client::new()
        .post(&url)
        .json(&booking)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    // Malformed, a time that is not one, an unknown address, too big.
    let (status, body) = post_signed(&url, &json!({ "hello": "world" }), SECRET, now()).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("event"),
        "{body}"
    );
    let mut bad_time = booking.clone();
    bad_time["payload"]["scheduled_event"]["start_time"] = json!("tomorrow at two");
    let (status, _) = post_signed(&url, &bad_time, SECRET, now()).await;
    assert_eq!(status, 400);
    let (status, _) = post_signed(&app.url("/hooks/booking/nope"), &booking, SECRET, now()).await;
    assert_eq!(status, 404);
    let mut huge = booking.clone();
    huge["payload"]["padding"] = json!("x".repeat(70 * 1024));
    let (status, _) = post_signed(&url, &huge, SECRET, now()).await;
    assert_eq!(status, 413);
    // An event the webhook does not handle: thanked, ignored.
    let (status, _) = post_signed(
        &url,
        &json!({ "event": "routing_form_submission.created", "payload": {} }),
        SECRET,
        now(),
    )
    .await;
    assert_eq!(status, 200);

    assert!(prospects(&app).await.is_empty(), "nothing was created");
    let list = receipts(&app).await;
    let outcomes: Vec<&str> = list
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["ignored", "refused", "refused", "refused", "refused", "refused", "refused"]
    );
    assert!(list
        .iter()
        .all(|r| !r["reason"].as_str().unwrap().is_empty()));
    assert!(list
        .iter()
        .any(|r| r["reason"].as_str().unwrap().contains("trop ancienne")));
    // Receipts are the admins' (and supervisors'): not an operator's, nor the public's.
    let operator = member_with_token(
        &app.engine,
        "op@x.test",
        1,
        app::core::roles::Role::Operator,
    )
    .await;
    let res = client_with_token(&operator)
        .post(app.url("/api/booking/receipts"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = app
        .anon
        .post(app.url("/api/booking/config"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
}

async fn a_reschedule_and_a_cancellation_update_the_meetings(b: Backend) {
    let app = spawn_app(b).await;
    let url = booking_url(&app).await;
    assert_eq!(
        post_signed(
            &url,
            &invitee("invitee.created", 1, "j@x.test"),
            SECRET,
            now()
        )
        .await
        .0,
        200
    );
    // Rescheduled: the old booking cancelled with `rescheduled`, a new one pointing back.
    let mut moved = invitee("invitee.canceled", 1, "j@x.test");
    moved["payload"]["rescheduled"] = json!(true);
    assert_eq!(post_signed(&url, &moved, SECRET, now()).await.0, 200);
    let mut new = invitee("invitee.created", 2, "j@x.test");
    new["payload"]["old_invitee"] =
        json!("https://api.calendly.com/scheduled_events/E1/invitees/I1");
    new["payload"]["scheduled_event"]["start_time"] = json!("2026-12-11T09:00:00Z");
    new["payload"]["scheduled_event"]["end_time"] = json!("2026-12-11T09:30:00Z");
    assert_eq!(post_signed(&url, &new, SECRET, now()).await.0, 200);
    let meetings = prospects(&app).await[0]["meetings"]
        .as_array()
        .unwrap()
        .clone();
    let statuses: Vec<(&str, i64)> = meetings
        .iter()
        .map(|m| (m["status"].as_str().unwrap(), m["start"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("rescheduled", 1_796_911_200_000),
            ("planned", 1_796_979_600_000)
        ]
    );
    // Then cancelled.
    assert_eq!(
        post_signed(
            &url,
            &invitee("invitee.canceled", 2, "j@x.test"),
            SECRET,
            now()
        )
        .await
        .0,
        200
    );
    let p = &prospects(&app).await[0];
    assert_eq!(p["meetings"][1]["status"], "cancelled");
    assert_eq!(p["activity"], "meeting_cancelled");
    assert!(p["last_contact_at"].as_i64().unwrap() > 0);
}

async fn either_key_works_while_the_key_is_changed(b: Backend) {
    let app = spawn_app(b).await;
    let url = booking_url(&app).await;
    let (status, body) = app
        .call_form(
            "/api/booking/secret",
            &[("secret", "the next signing key, rotated")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["has_previous_secret"], true);
    assert_eq!(
        post_signed(
            &url,
            &invitee("invitee.created", 1, "a@x.test"),
            SECRET,
            now()
        )
        .await
        .0,
        200
    );
    assert_eq!(
        post_signed(
            &url,
            &invitee("invitee.created", 2, "b@x.test"),
            "the next signing key, rotated",
            now()
        )
        .await
        .0,
        200
    );
    // A key too short is refused with the rule.
    let (status, body) = app
        .call_form("/api/booking/secret", &[("secret", "short")])
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(prospects(&app).await.len(), 2);
}

async fn parallel_redeliveries_make_one_prospect_and_one_meeting(b: Backend) {
    let app = spawn_app(b).await;
    let url = booking_url(&app).await;
    let booking = invitee("invitee.created", 7, "same@x.test");
    let answers = join_all((0..10).map(|_| post_signed(&url, &booking, SECRET, now()))).await;
    assert!(answers.iter().all(|(s, _)| *s == 200), "{answers:?}");
    let list = prospects(&app).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["meetings"].as_array().unwrap().len(), 1);
    let accepted = receipts(&app)
        .await
        .iter()
        .filter(|r| r["outcome"] == "accepted")
        .count();
    assert_eq!(accepted, 1);
}

async fn notifications_follow_bookings_per_member(b: Backend) {
    let app = spawn_app(b).await;
    let url = booking_url(&app).await;
    let operator = client_with_token(
        &member_with_token(
            &app.engine,
            "op@x.test",
            1,
            app::core::roles::Role::Operator,
        )
        .await,
    );
    let editor = client_with_token(
        &member_with_token(&app.engine, "ed@x.test", 1, app::core::roles::Role::Editor).await,
    );
    let list = |c: reqwest::Client| {
        let url = app.url("/api/notifications/list");
        async move {
            let res = c.post(url).send().await.unwrap();
            assert_eq!(res.status().as_u16(), 200);
            res.json::<Value>().await.unwrap()
        }
    };
    assert_eq!(
        post_signed(
            &url,
            &invitee("invitee.created", 1, "j@x.test"),
            SECRET,
            now()
        )
        .await
        .0,
        200
    );
    assert_eq!(
        post_signed(
            &url,
            &invitee("invitee.created", 2, "j@x.test"),
            SECRET,
            now()
        )
        .await
        .0,
        200
    );
    let seen = list(operator.clone()).await;
    let titles: Vec<&str> = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["New meeting", "New prospect"]);
    assert_eq!(seen["unseen"], 2);
    assert_eq!(seen["items"][0]["text"], "Jeanne Martin");
    assert!(seen["items"][0]["link"]
        .as_str()
        .unwrap()
        .starts_with("/admin/prospects/"));
    // Marked as seen: per member, and it stays so.
    let head = seen["head"].as_i64().unwrap();
    let res = operator
        .post(app.url("/api/notifications/seen"))
        .form(&[("through", head.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(list(operator.clone()).await["unseen"], 0);
    assert_eq!(list(client_with_token(&app.admin_token)).await["unseen"], 2);
    // An editor reads no prospect: no notification, no name.
    let theirs = list(editor).await;
    assert_eq!(theirs["unseen"], 0);
    assert!(!theirs.to_string().contains("Jeanne"), "{theirs}");
    // Assigned to the operator by the admin: their notification only.
    let p = &prospects(&app).await[0];
    let edit = json!({ "id": p["id"], "base_version": p["version"], "changes": { "owner": { "from": "", "to": "op@x.test" } } });
    let (status, body) = app
        .call(
            "/api/sync",
            json!({ "collection": "prospects", "op": "update", "payload": edit }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let after = list(operator).await;
    assert_eq!(after["unseen"], 1);
    assert_eq!(after["items"][0]["title"], "Prospect assigned to you");
    assert_eq!(list(client_with_token(&app.admin_token)).await["unseen"], 2);
}

/// Anyone with the URL can send unsigned requests: each is refused (401), but past 60 a
/// minute they are counted rather than written, and the next receipt says how many.
async fn a_flood_of_refused_requests_is_counted_not_written(b: Backend) {
    let app = spawn_app(b).await;
    let url = booking_url(&app).await;
    let booking = invitee("invitee.created", 1, "flood@x.test");
    for _ in 0..75 {
        let (status, _) = post_signed(&url, &booking, "a forged key, 30 characters!!", now()).await;
        assert_eq!(status, 401);
    }
    let (status, _) = post_signed(&url, &booking, SECRET, now()).await;
    assert_eq!(status, 200);
    let refused: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM booking_receipts WHERE outcome = 'refused'")
            .fetch_one(&app.engine.db.read)
            .await
            .unwrap();
    assert_eq!(
        refused, 60,
        "the first minute's share of refusals is recorded"
    );
    let list = receipts(&app).await;
    let accepted = &list[0];
    assert_eq!(accepted["outcome"], "accepted");
    assert!(
        accepted["reason"]
            .as_str()
            .unwrap()
            .contains("15 autres refus non enregistrés"),
        "{accepted}"
    );
}
