//! A prospect is personal data: operators and admins read and write it, supervisors read it;
//! editors and the public never see one, in pages or on sockets.

use serde_json::json;

use crate::common::*;
use app::core::roles::Role;

on_both_backends!(editors_and_the_public_receive_nothing_of_a_prospect,);

async fn editors_and_the_public_receive_nothing_of_a_prospect(b: Backend) {
    let app = spawn_app(b).await;
    let url = super::booking::booking_url(&app).await;
    let head = app.head().await;
    let editor = member_with_token(&app.engine, "ed@x.test", 1, Role::Editor).await;
    let operator = member_with_token(&app.engine, "op@x.test", 1, Role::Operator).await;
    let supervisor = member_with_token(&app.engine, "sup@x.test", 1, Role::Supervisor).await;
    let mut editor_ws = app
        .live_with(head, "staff", Some(&editor), None)
        .await
        .unwrap();
    let mut public_ws = app.live_with(head, "public", None, None).await.unwrap();
    let mut operator_ws = app
        .live_with(head, "staff", Some(&operator), None)
        .await
        .unwrap();

    let booking = super::booking::invitee("invitee.created", 1, "secret.person@example.org");
    assert_eq!(
        super::booking::post_signed(
            &url,
            &booking,
            super::booking::SECRET,
            super::booking::now()
        )
        .await
        .0,
        200
    );
    // Something everyone may see, after it: when it arrives, the prospect's event would have.
    app.set_field("tagline", "After the booking").await;

    // The operator hears of the prospect (and nothing of the site's content).
    let heard = frames_until(&mut operator_ws, "secret.person@example.org").await;
    assert!(!heard.contains("After the booking"), "{heard}");
    // The editor and the public hear only the tagline.
    for ws in [&mut editor_ws, &mut public_ws] {
        let frames = frames_until(ws, "After the booking").await;
        assert!(
            !frames.contains("prospects") && !frames.contains("secret.person"),
            "{frames}"
        );
    }
    // Lists: the editor and the public are refused; the supervisor reads, may not write.
    for (token, want) in [
        (Some(&editor), 403),
        (None, 401),
        (Some(&supervisor), 200),
        (Some(&operator), 200),
    ] {
        let client = token
            .map(|t| client_with_token(t))
            .unwrap_or_else(english_client);
        let res = client
            .post(app.url("/api/list/staff"))
            .form(&[("collection", "prospects")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), want, "{token:?}");
    }
    let res = client_with_token(&supervisor)
        .post(app.url("/api/sync"))
        .json(&json!({ "collection": "prospects", "op": "create", "payload": { "email": "x@y.test", "first_name": "X", "last_name": "Y" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = client_with_token(&operator)
        .post(app.url("/api/sync"))
        .json(&json!({ "collection": "prospects", "op": "create", "payload": { "email": "x@y.test", "first_name": "X", "last_name": "Y" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
}
