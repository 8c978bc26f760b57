//! The orders desk's server side: statuses move forward from what the operator saw (a
//! colleague's change meanwhile is a conflict), a cancellation puts the stock back, orders
//! reach operators live and never editors or the public, a new order is a notification, and
//! the dashboard counts the day.

use serde_json::{json, Value};

use super::checkout::{checkout, product, product_state, staff_list};
use crate::common::*;
use app::core::roles::Role;

on_both_backends!(
    statuses_move_forward_from_what_was_seen,
    orders_reach_operators_live_and_never_editors_or_the_public,
);

async fn set_status(app: &TestApp, token: &str, id: &str, seen: &str, to: &str) -> (u16, Value) {
    let res = client_with_token(token)
        .post(app.url("/api/shop/status"))
        .json(&json!({ "id": id, "seen": seen, "to": to }))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn statuses_move_forward_from_what_was_seen(b: Backend) {
    let app = spawn_app(b).await;
    let one = member_with_token(&app.engine, "one@x.test", 1, Role::Operator).await;
    let two = member_with_token(&app.engine, "two@x.test", 1, Role::Operator).await;
    let editor = member_with_token(&app.engine, "ed@x.test", 1, Role::Editor).await;
    let supervisor = member_with_token(&app.engine, "sup@x.test", 1, Role::Supervisor).await;
    let bag = product(&app, "Bag", 2500, Some(4)).await;
    let (status, _) = checkout(&app, &[(&bag, 3)], "status-test-key-0001").await;
    assert_eq!(status, 200);
    let order = staff_list(&app, "orders").await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(product_state(&app, &bag).await, (Some(1), 3));

    // One operator takes it; the other, still seeing it pending, cancels it: refused, and
    // told what their colleague did.
    let (status, body) = set_status(&app, &one, &order, "pending", "in_progress").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "in_progress");
    let (status, body) = set_status(&app, &two, &order, "pending", "cancelled").await;
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("in_progress"), "{body}");
    assert_eq!(
        product_state(&app, &bag).await,
        (Some(1), 3),
        "nothing put back"
    );
    // Backwards is not a way an order goes.
    let (status, body) = set_status(&app, &one, &order, "in_progress", "pending").await;
    assert_eq!(status, 422, "{body}");
    // Editors and supervisors may not; nothing changes.
    for token in [&editor, &supervisor] {
        let (status, _) = set_status(&app, token, &order, "in_progress", "done").await;
        assert_eq!(status, 403);
    }
    // Cancelling puts the units back.
    let (status, body) = set_status(&app, &two, &order, "in_progress", "cancelled").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(product_state(&app, &bag).await, (Some(4), 0));
    // An order's server-owned fields are not for a generic save to change.
    let (status, body) = app
        .call(
            "/api/sync",
            json!({ "collection": "orders", "op": "update", "payload": {
                "id": order, "base_version": 3, "changes": {
                    "status": { "from": "cancelled", "to": "pending" },
                    "total_cents": { "from": 7500, "to": 1 },
                    "staff_notes": { "from": "", "to": "Rappeler" } } } }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let stored = &staff_list(&app, "orders").await[0];
    assert_eq!(
        (
            &stored["status"],
            &stored["total_cents"],
            &stored["staff_notes"]
        ),
        (&json!("cancelled"), &json!(7500), &json!("Rappeler"))
    );
    // A cancelled order stays cancelled.
    let (status, _) = set_status(&app, &one, &order, "cancelled", "in_progress").await;
    assert_eq!(status, 422);
}

async fn orders_reach_operators_live_and_never_editors_or_the_public(b: Backend) {
    let app = spawn_app(b).await;
    let mug = product(&app, "Mug", 900, Some(50)).await;
    let head = app.head().await;
    let editor = member_with_token(&app.engine, "ed@x.test", 1, Role::Editor).await;
    let operator = member_with_token(&app.engine, "op@x.test", 1, Role::Operator).await;
    let mut operator_ws = app
        .live_with(head, "staff", Some(&operator), None)
        .await
        .unwrap();
    let mut editor_ws = app
        .live_with(head, "staff", Some(&editor), None)
        .await
        .unwrap();
    let mut public_ws = app.live_with(head, "public", None, None).await.unwrap();

    let (status, placed) = checkout(&app, &[(&mug, 2)], "live-test-key-00001").await;
    assert_eq!(status, 200);
    let number = placed["number"].as_str().unwrap();

    // The operator hears of the order, with its number; the stock's change too.
    frames_until(&mut operator_ws, number).await;
    // The editor and the public hear the product's stock, and nothing of the order.
    for ws in [&mut editor_ws, &mut public_ws] {
        let frames = frames_until(ws, "\"stock\":48").await;
        expect_quiet(ws, 300).await;
        assert!(!frames.contains(number), "{frames}");
        assert!(!frames.contains("buyer@example.org"), "{frames}");
        assert!(!frames.contains("sold_count") || !frames.contains("\"public\""));
    }
    // Nor may they list orders.
    let (status, _) = client_with_token(&editor)
        .post(app.url("/api/list/staff"))
        .form(&[("collection", "orders")])
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(status, 403);

    // The operator's notifications say "New order" with its number; the editor's nothing.
    let notes = |token: String| {
        let app = &app;
        async move {
            let res = client_with_token(&token)
                .post(app.url("/api/notifications/list"))
                .send()
                .await
                .unwrap();
            res.json::<Value>().await.unwrap()
        }
    };
    let mine = notes(operator.clone()).await;
    assert_eq!(mine["unseen"], 1, "{mine}");
    assert_eq!(mine["items"][0]["kind"], "new_order");
    assert_eq!(mine["items"][0]["title"], "New order");
    assert!(mine["items"][0]["text"].as_str().unwrap().contains(number));
    assert_eq!(notes(editor.clone()).await["unseen"], 0);

    // The dashboard counts today's order and its revenue.
    let res = client_with_token(&operator)
        .post(app.url("/api/shop/dashboard"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let figures: Value = res.json().await.unwrap();
    assert_eq!(figures["orders_today"], 1, "{figures}");
    assert_eq!(figures["revenue_today_cents"], 1800);
    assert_eq!(figures["pending"], 1);
    assert_eq!(figures["days"].as_array().unwrap().len(), 14);
    let res = client_with_token(&editor)
        .post(app.url("/api/shop/dashboard"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
}
