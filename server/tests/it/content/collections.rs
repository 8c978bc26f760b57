//! Content collections over HTTP and real WebSockets, on SQLite and PostgreSQL: list saves,
//! preserved fields, public projections, history and restore.

use crate::common::*;
use app::core::protocol::{ChangeOp, ServerMsg};
use serde_json::{json, Value};

on_both_backends!(
    made_up_pages_are_not_found_and_cost_the_server_nothing,
    list_save_creates_updates_and_keeps_order_but_never_deletes,
    a_stale_editor_copy_never_resets_view_counts,
    drafts_and_private_fields_never_reach_public_pages_or_sockets,
    category_is_set_on_creation_and_never_changed,
    one_conflicting_item_rejects_the_whole_list,
    history_shows_each_change_and_restore_is_a_merged_save,
    generic_sync_creates_updates_and_deletes,
    generic_sync_can_write_an_unchanged_record_on_purpose,
    opening_a_public_page_counts_a_view_and_drafts_are_not_found,
    a_deleted_record_can_be_restored_with_its_counters,
    what_the_browser_refuses_the_server_refuses_on_create_and_edit,
);

fn service(name: &str, published: bool) -> Value {
    json!({ "name": name, "description": format!("{name}, made fresh"), "price_cents": 450, "published": published })
}

async fn staff_services(app: &TestApp) -> Vec<Value> {
    let (status, body) = app
        .call_form("/api/list/staff", &[("collection", "services")])
        .await;
    assert_eq!(status, 200, "{body}");
    body["record"].as_array().unwrap().clone()
}

async fn public_services(app: &TestApp) -> Vec<Value> {
    let (status, body) = app
        .call_form("/api/list/public", &[("collection", "services")])
        .await;
    assert_eq!(status, 200, "{body}");
    body["record"].as_array().unwrap().clone()
}

async fn sync_services(app: &TestApp, services: Value) -> (u16, Value) {
    app.call(
        "/api/list/sync",
        json!({ "collection": "services", "items": services }),
    )
    .await
}

fn names(list: &[Value]) -> Vec<&str> {
    list.iter().map(|s| s["name"].as_str().unwrap()).collect()
}

async fn list_save_creates_updates_and_keeps_order_but_never_deletes(b: Backend) {
    let app = spawn_app(b).await;
    let (status, body) =
        sync_services(&app, json!([service("Bread", true), service("Cake", true)])).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body.as_array()
            .unwrap()
            .iter()
            .map(|o| o["outcome"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["saved", "saved"]
    );
    let list = staff_services(&app).await;
    assert_eq!(names(&list), ["Bread", "Cake"]);
    assert_eq!(
        (list[0]["order"].as_i64(), list[1]["order"].as_i64()),
        (Some(0), Some(1))
    );

    // Reordered, one renamed, and a new one without an id.
    let mut cake = list[1].clone();
    cake["name"] = json!("Cake (whole)");
    let (status, body) = sync_services(&app, json!([cake, list[0], service("Tart", false)])).await;
    assert_eq!(status, 200, "{body}");
    let list = staff_services(&app).await;
    assert_eq!(names(&list), ["Cake (whole)", "Bread", "Tart"]);
    assert_eq!(list[0]["version"], 2, "renamed and moved: one new version");

    // A list that leaves items out deletes nothing and moves nothing it does not name.
    let (status, _) = sync_services(&app, json!([list[2], list[0]])).await;
    assert_eq!(status, 200);
    assert_eq!(
        names(&staff_services(&app).await),
        ["Tart", "Bread", "Cake (whole)"]
    );
    // Saving the same list again writes nothing.
    let head = app.head().await;
    let (_, body) = sync_services(&app, json!(staff_services(&app).await)).await;
    assert!(
        body.as_array()
            .unwrap()
            .iter()
            .all(|o| o["outcome"] == "unchanged"),
        "{body}"
    );
    assert_eq!(app.head().await, head);
}

async fn a_stale_editor_copy_never_resets_view_counts(b: Backend) {
    let app = spawn_app_behind_proxy(b).await;
    sync_services(&app, json!([service("Bread", true)])).await;
    let stale = staff_services(&app).await[0].clone();
    assert_eq!(stale["views"], 0);
    let id = stale["id"].as_str().unwrap().to_string();
    for expected in 1..=3 {
        let visitor = format!("198.51.100.{expected}");
        let (status, body) = app
            .visit(
                "/api/page/public",
                &[("collection", "services"), ("id", &id)],
                &visitor,
            )
            .await;
        assert_eq!(
            (status, body["record"]["views"].as_i64()),
            (200, Some(expected))
        );
    }
    // The editor's copy still says 0 views; they rename the service and save it.
    let mut edited = stale.clone();
    edited["name"] = json!("Sourdough");
    edited["views"] = json!(0);
    edited["rating"] = json!(5.0);
    let (status, body) = sync_services(&app, json!([edited])).await;
    assert_eq!(status, 200, "{body}");
    let now = staff_services(&app).await[0].clone();
    assert_eq!(
        (
            now["name"].as_str(),
            now["views"].as_i64(),
            now["rating"].as_f64()
        ),
        (Some("Sourdough"), Some(3), Some(0.0))
    );
}

async fn drafts_and_private_fields_never_reach_public_pages_or_sockets(b: Backend) {
    let app = spawn_app(b).await;
    let head = app.head().await;
    let mut public = app.live_as(head, "public").await;
    let mut staff = app.live_as(head, "staff").await;
    next_msg(&mut public).await;
    next_msg(&mut staff).await;

    // A draft: staff see it, the public socket and page do not.
    sync_services(&app, json!([service("Secret recipe", false)])).await;
    let ServerMsg::Change { event } = next_msg(&mut staff).await else {
        panic!()
    };
    assert_eq!((event.op, event.seq), (ChangeOp::Created, head + 1));
    expect_quiet(&mut public, 300).await;
    assert!(public_services(&app).await.is_empty());

    // Published: the public receives it as created, without the editor's name.
    let mut draft = staff_services(&app).await[0].clone();
    draft["published"] = json!(true);
    sync_services(&app, json!([draft])).await;
    let ServerMsg::Change { event } = next_msg(&mut public).await else {
        panic!()
    };
    assert_eq!((event.op, event.seq), (ChangeOp::Created, head + 2));
    let data = event.data.unwrap();
    assert_eq!(data["name"], "Secret recipe");
    assert!(data.get("updated_by").is_none() && event.actor.is_empty());

    // Unpublished again: for the public it is deleted, with no data at all.
    let mut live = staff_services(&app).await[0].clone();
    live["published"] = json!(false);
    live["description"] = json!("Back to the drawing board");
    sync_services(&app, json!([live])).await;
    let ServerMsg::Change { event } = next_msg(&mut public).await else {
        panic!()
    };
    assert_eq!((event.op, event.data), (ChangeOp::Deleted, None));

    // Team emails are staff-only, live and on catch-up (checked on the raw frames).
    app.call("/api/list/sync", json!({ "collection": "team", "items": [{ "name": "Ada", "email": "ada@private.test", "role": "Baker", "bio": "", "photo_url": "" }] })).await;
    let mut catch_up = app.live_as(head, "public").await;
    let mut frames = Vec::new();
    while let Ok(Some(Ok(msg))) = tokio::time::timeout(
        std::time::Duration::from_millis(400),
        futures::StreamExt::next(&mut catch_up),
    )
    .await
    {
        frames.push(msg.into_text().unwrap().to_string());
    }
    let all = frames.join("\n");
    assert!(
        all.contains("Ada") && !all.contains("ada@private.test"),
        "{all}"
    );
    assert!(!all.contains("Back to the drawing board"), "{all}");
    let (status, team) = app
        .call_form("/api/list/public", &[("collection", "team")])
        .await;
    assert_eq!(status, 200, "{team}");
    assert!(team.to_string().contains("Ada") && !team.to_string().contains("ada@private.test"));
    // The generic list the public team page reads.
    let (status, team) = app
        .call_form("/api/list/public", &[("collection", "team")])
        .await;
    assert_eq!(status, 200, "{team}");
    assert_eq!(team["record"][0]["name"], "Ada");
    assert!(!team.to_string().contains("ada@private.test"), "{team}");
    let (_, team) = app
        .call_form("/api/list/staff", &[("collection", "team")])
        .await;
    assert!(team.to_string().contains("ada@private.test"));
}

async fn category_is_set_on_creation_and_never_changed(b: Backend) {
    let app = spawn_app(b).await;
    let solution =
        json!({ "title": "Catering", "description": "", "category": "Events", "published": true });
    let (status, body) = app
        .call(
            "/api/list/sync",
            json!({ "collection": "solutions", "items": [solution] }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let mut saved = body[0]["record"].clone();
    assert_eq!(saved["category"], "Events");
    saved["category"] = json!("Weddings");
    saved["title"] = json!("Catering & more");
    app.call(
        "/api/list/sync",
        json!({ "collection": "solutions", "items": [saved] }),
    )
    .await;
    let (_, list) = app
        .call_form("/api/list/staff", &[("collection", "solutions")])
        .await;
    assert_eq!(
        (
            list["record"][0]["title"].as_str(),
            list["record"][0]["category"].as_str()
        ),
        (Some("Catering & more"), Some("Events"))
    );
}

async fn one_conflicting_item_rejects_the_whole_list(b: Backend) {
    let app = spawn_app(b).await;
    sync_services(&app, json!([service("Bread", true), service("Cake", true)])).await;
    let mine = staff_services(&app).await;
    // Someone else renames Bread.
    let mut theirs = mine[0].clone();
    theirs["name"] = json!("Their bread");
    sync_services(&app, json!([theirs])).await;
    let head = app.head().await;

    // This editor renames both, from the old copy: Bread conflicts, so Cake is not saved either.
    let (mut bread, mut cake) = (mine[0].clone(), mine[1].clone());
    bread["name"] = json!("My bread");
    cake["name"] = json!("My cake");
    let (status, body) = sync_services(&app, json!([bread, cake])).await;
    assert_eq!(status, 409, "{body}");
    let id = mine[0]["id"].as_str().unwrap();
    assert_eq!(
        body["Conflict"][0],
        json!({ "field": format!("{id}.name"), "base": "Bread", "theirs": "Their bread", "mine": "My bread" })
    );
    assert_eq!(names(&staff_services(&app).await), ["Their bread", "Cake"]);
    assert_eq!(app.head().await, head);

    // An invalid new item names its position.
    let (status, body) = sync_services(&app, json!([service("", true)])).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["Validation"][0]["field"], "items[0].name");
}

async fn history_shows_each_change_and_restore_is_a_merged_save(b: Backend) {
    let app = spawn_app(b).await;
    sync_services(&app, json!([service("Bread", true)])).await;
    let mut s = staff_services(&app).await[0].clone();
    let id = s["id"].as_str().unwrap().to_string();
    s["name"] = json!("Rye bread");
    sync_services(&app, json!([s])).await;
    let mut s = staff_services(&app).await[0].clone();
    s["price_cents"] = json!(600);
    s["description"] = json!("Dark and dense");
    sync_services(&app, json!([s])).await;

    let (status, history) = app
        .call_form("/api/history", &[("collection", "services"), ("id", &id)])
        .await;
    assert_eq!(status, 200, "{history}");
    let ops: Vec<(i64, &str)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["version"].as_i64().unwrap(), h["op"].as_str().unwrap()))
        .collect();
    assert_eq!(ops, [(3, "updated"), (2, "updated"), (1, "created")]);
    assert_eq!(
        history[1]["changes"],
        json!([{ "field": "name", "before": "Bread", "after": "Rye bread" }])
    );
    assert_eq!(history[0]["actor"], "admin@courant.test (token “tests”)");

    let (head, mut ws) = app.public_socket_at_head().await;
    let (status, body) = app
        .call_form(
            "/api/restore",
            &[("collection", "services"), ("id", &id), ("version", "1")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["outcome"], "saved");
    let now = staff_services(&app).await[0].clone();
    assert_eq!(
        (
            now["name"].as_str(),
            now["price_cents"].as_i64(),
            now["version"].as_i64()
        ),
        (Some("Bread"), Some(450), Some(4))
    );
    let ServerMsg::Change { event } = next_msg(&mut ws).await else {
        panic!()
    };
    assert_eq!((event.seq, event.version), (head + 1, 4));

    let (status, _) = app
        .call_form(
            "/api/restore",
            &[("collection", "services"), ("id", &id), ("version", "9")],
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .call_form("/api/history", &[("collection", "nope"), ("id", &id)])
        .await;
    assert_eq!(status, 404);
}

async fn generic_sync_creates_updates_and_deletes(b: Backend) {
    let app = spawn_app(b).await;
    let (status, created) = app
        .call(
            "/api/sync",
            json!({ "collection": "services", "op": "create", "payload": service("Scones", true) }),
        )
        .await;
    assert_eq!(
        (status, created["outcome"].as_str()),
        (200, Some("saved")),
        "{created}"
    );
    let id = created["record"]["id"].as_str().unwrap().to_string();
    let edit = json!({ "id": id, "base_version": 1, "changes": { "price_cents": { "from": 450, "to": 500 } } });
    let (status, updated) = app
        .call(
            "/api/sync",
            json!({ "collection": "services", "op": "update", "payload": edit }),
        )
        .await;
    assert_eq!(
        (status, updated["record"]["price_cents"].as_i64()),
        (200, Some(500)),
        "{updated}"
    );

    let (_, mut ws) = app.public_socket_at_head().await;
    let (status, deleted) = app
        .call(
            "/api/sync",
            json!({ "collection": "services", "op": "delete", "payload": { "id": id } }),
        )
        .await;
    assert_eq!(
        (status, deleted["outcome"].as_str()),
        (200, Some("deleted")),
        "{deleted}"
    );
    let ServerMsg::Change { event } = next_msg(&mut ws).await else {
        panic!()
    };
    assert_eq!(
        (event.op, event.record_id.as_str()),
        (ChangeOp::Deleted, id.as_str())
    );
    assert!(staff_services(&app).await.is_empty());

    let (status, _) = app
        .call(
            "/api/sync",
            json!({ "collection": "services", "op": "delete", "payload": { "id": id } }),
        )
        .await;
    assert_eq!(status, 404);
    let (status, body) = app
        .call(
            "/api/sync",
            json!({ "collection": "services", "op": "create", "payload": { "name": 3 } }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
}

async fn generic_sync_can_write_an_unchanged_record_on_purpose(b: Backend) {
    let app = spawn_app(b).await;
    let (_, created) = app.call("/api/sync", json!({ "collection": "services", "op": "create", "payload": service("Scones", false) })).await;
    let id = created["record"]["id"].as_str().unwrap().to_string();
    let nothing = json!({ "id": id, "base_version": 1, "changes": {} });
    let (_, body) = app
        .call(
            "/api/sync",
            json!({ "collection": "services", "op": "update", "payload": nothing }),
        )
        .await;
    assert_eq!(body["outcome"], "unchanged");

    let head = app.head().await;
    let mut staff = app.live_as(head, "staff").await;
    next_msg(&mut staff).await;
    let (status, body) = app
        .call("/api/sync", json!({ "collection": "services", "op": "update", "payload": nothing, "options": { "only_if_changed": false } }))
        .await;
    assert_eq!(
        (
            status,
            body["outcome"].as_str(),
            body["record"]["version"].as_i64()
        ),
        (200, Some("saved"), Some(2)),
        "{body}"
    );
    let ServerMsg::Change { event } = next_msg(&mut staff).await else {
        panic!()
    };
    assert_eq!(
        (event.seq, event.version, event.changed.len()),
        (head + 1, 2, 0)
    );
}

async fn opening_a_public_page_counts_a_view_and_drafts_are_not_found(b: Backend) {
    let app = spawn_app_behind_proxy(b).await;
    sync_services(
        &app,
        json!([service("Bread", true), service("Draft", false)]),
    )
    .await;
    let list = staff_services(&app).await;
    let (live, draft) = (
        list[0]["id"].as_str().unwrap(),
        list[1]["id"].as_str().unwrap(),
    );
    let head = app.head().await;
    // A visitor counts once however often they reload; another visitor counts again.
    for (address, expected) in [("203.0.113.1", 1), ("203.0.113.1", 1), ("203.0.113.2", 2)] {
        let (status, page) = app
            .visit(
                "/api/page/public",
                &[("collection", "services"), ("id", live)],
                address,
            )
            .await;
        assert_eq!(
            (status, page["record"]["views"].as_i64()),
            (200, Some(expected)),
            "{page}"
        );
        // Typed public records keep the field's place but never its value.
        assert_eq!(page["record"]["updated_by"], "", "public fields only");
    }
    let (status, views) = app
        .visit(
            "/api/page/public",
            &[("collection", "services"), ("id", live)],
            "203.0.113.2",
        )
        .await;
    assert_eq!((status, views["record"]["views"].as_i64()), (200, Some(2)));
    let (status, _) = app
        .call_form(
            "/api/page/public",
            &[("collection", "services"), ("id", draft)],
        )
        .await;
    assert_eq!(status, 404);
    // The generic public functions the public pages use follow the same rules.
    let (status, page) = app
        .visit(
            "/api/page/public",
            &[("collection", "services"), ("id", live)],
            "203.0.113.3",
        )
        .await;
    assert_eq!(
        (status, page["record"]["views"].as_i64()),
        (200, Some(3)),
        "{page}"
    );
    let (status, _) = app
        .call_form(
            "/api/page/public",
            &[("collection", "services"), ("id", draft)],
        )
        .await;
    assert_eq!(status, 404);
    let (status, list) = app
        .call_form("/api/list/public", &[("collection", "services")])
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        list["record"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["Bread"]
    );
    let (status, _) = app
        .call_form("/api/list/public", &[("collection", "secrets")])
        .await;
    assert_eq!(status, 404);
    // Views are counted in place: no new version, no change-log entry.
    assert_eq!(app.head().await, head);
    assert_eq!(staff_services(&app).await[0]["version"], 1);
    assert_eq!(staff_services(&app).await[0]["views"], 3);
}

async fn a_deleted_record_can_be_restored_with_its_counters(b: Backend) {
    let app = spawn_app(b).await;
    sync_services(&app, json!([service("Bread", true)])).await;
    let mut s = staff_services(&app).await[0].clone();
    let id = s["id"].as_str().unwrap().to_string();
    s["name"] = json!("Rye bread");
    sync_services(&app, json!([s])).await;
    app.call_form(
        "/api/page/public",
        &[("collection", "services"), ("id", &id)],
    )
    .await;
    let (status, _) = app
        .call(
            "/api/sync",
            json!({ "collection": "services", "op": "delete", "payload": { "id": id } }),
        )
        .await;
    assert_eq!(status, 200);

    let (status, gone) = app
        .call_form("/api/deleted", &[("collection", "services")])
        .await;
    assert_eq!(status, 200, "{gone}");
    assert_eq!(
        (gone[0]["id"].as_str(), gone[0]["deleted_version"].as_i64()),
        (Some(id.as_str()), Some(3))
    );
    assert_eq!(gone[0]["last"]["name"], "Rye bread");

    let (_, mut public) = app.public_socket_at_head().await;
    // Its first version, not its last: name back to "Bread"; views and creation time kept.
    let (status, body) = app
        .call_form(
            "/api/restore",
            &[("collection", "services"), ("id", &id), ("version", "1")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let back = staff_services(&app).await[0].clone();
    assert_eq!(
        (
            back["id"].as_str(),
            back["name"].as_str(),
            back["version"].as_i64(),
            back["views"].as_i64()
        ),
        (Some(id.as_str()), Some("Bread"), Some(4), Some(1))
    );
    assert_eq!(back["created_at"], gone[0]["last"]["created_at"]);
    let ServerMsg::Change { event } = next_msg(&mut public).await else {
        panic!()
    };
    assert_eq!((event.op, event.version), (ChangeOp::Created, 4));
    let (_, gone) = app
        .call_form("/api/deleted", &[("collection", "services")])
        .await;
    assert_eq!(gone, json!([]));
    // Its history runs through the deletion and the restore.
    let (_, history) = app
        .call_form("/api/history", &[("collection", "services"), ("id", &id)])
        .await;
    let ops: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["op"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["created", "deleted", "updated", "created"]);
    // Restoring v2 of the restored record walks back through the deletion correctly.
    let (status, _) = app
        .call_form(
            "/api/restore",
            &[("collection", "services"), ("id", &id), ("version", "2")],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(staff_services(&app).await[0]["name"], "Rye bread");
}

async fn made_up_pages_are_not_found_and_cost_the_server_nothing(b: Backend) {
    let app = spawn_app_behind_proxy(b).await;
    let head = app.head().await;
    for i in 0..20 {
        let (status, _) = app
            .visit(
                "/api/page/public",
                &[("collection", "services"), ("id", &format!("made-up-{i}"))],
                &format!("198.51.100.{i}"),
            )
            .await;
        assert_eq!(status, 404);
    }
    let long = "x".repeat(10_000);
    let (status, _) = app
        .visit(
            "/api/page/public",
            &[("collection", "services"), ("id", &long)],
            "198.51.100.99",
        )
        .await;
    assert_eq!(status, 422, "an id no record can have");
    assert_eq!(app.engine.views.remembered(), 0, "nothing remembered");
    assert_eq!(app.head().await, head, "nothing written");
}

async fn what_the_browser_refuses_the_server_refuses_on_create_and_edit(b: Backend) {
    let app = spawn_app(b).await;
    let sync = |op: &str, payload: Value| {
        app.call(
            "/api/sync",
            json!({ "collection": "services", "op": op, "payload": payload }),
        )
    };
    let negative =
        json!({ "name": "Éclair", "description": "", "price_cents": -500, "published": false });
    let (status, body) = sync("create", negative).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("price_cents"), "{body}");
    assert!(staff_services(&app)
        .await
        .iter()
        .all(|s| s["name"] != "Éclair"));

    let (status, created) = sync("create", service("Éclair", false)).await;
    assert_eq!(status, 200, "{created}");
    let id = created["record"]["id"].as_str().unwrap().to_string();
    let edit = json!({ "id": id, "base_version": 1, "changes": { "price_cents": { "from": 450, "to": -5 } } });
    let (status, body) = sync("update", edit).await;
    assert_eq!(status, 422, "{body}");
    let stored = staff_services(&app).await;
    let eclair = stored.iter().find(|s| s["id"] == id.as_str()).unwrap();
    assert_eq!(eclair["price_cents"], 450);

    let (status, body) = app
        .call(
            "/api/sync",
            json!({ "collection": "team", "op": "create", "payload": {
                "name": "Eve", "role": "", "bio": "", "photo_url": "", "email": "<script>x</script>@a.com" } }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("email"), "{body}");
}
