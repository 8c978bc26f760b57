//! Backups and restores on both databases.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};

use crate::common::*;
use app::core::protocol::{ChangeOp, ServerMsg};
use app::core::roles::Role;

on_both_backends!(
    a_restore_gives_back_exactly_the_backup_and_open_pages_follow_it,
    refused_files_change_nothing,
    the_schedule_backs_up_on_time_and_keeps_what_the_rule_says,
    a_failing_scheduled_backup_shows_in_the_log_and_on_the_badge,
    supervisors_read_operators_and_editors_are_refused,
    the_sync_centres_records_are_the_servers_alone,
    the_operations_log_keeps_its_last_ninety_days,
);

type Dump = BTreeMap<String, BTreeMap<String, Value>>;

async fn list(app: &TestApp, collection: &str) -> Vec<Value> {
    let (status, body) = app
        .call_form("/api/list/staff", &[("collection", collection)])
        .await;
    assert_eq!(status, 200, "{body}");
    body["record"].as_array().unwrap().clone()
}

/// What a record is, without what every write changes (its version, who and when).
fn content(record: &Value) -> Value {
    let mut r = record.clone();
    for meta in ["version", "updated_at", "updated_by"] {
        r.as_object_mut().unwrap().remove(meta);
    }
    r
}

/// Every backed-up collection's records, by id.
async fn dump(app: &TestApp) -> Dump {
    let mut all = Dump::new();
    for name in app::engine::replace::backed_up(&app.engine) {
        let records = list(app, name).await;
        all.insert(
            name.to_string(),
            records
                .iter()
                .map(|r| (r["id"].as_str().unwrap().to_string(), content(r)))
                .collect(),
        );
    }
    all
}

async fn create(app: &TestApp, collection: &str, payload: Value) -> String {
    let (status, body) = app
        .call(
            "/api/sync",
            json!({ "collection": collection, "op": "create", "payload": payload }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["record"]["id"].as_str().unwrap().to_string()
}

fn member(name: &str, role: &str) -> Value {
    json!({ "name": name, "email": "", "role": role, "bio": "", "photo_url": "", "order": 0,
            "join_date": "" })
}

async fn some_content(app: &TestApp) -> (String, String) {
    let ana = create(app, "team", member("Ana", "Boulangère")).await;
    let bo = create(app, "team", member("Bo", "Livreur")).await;
    create(
        app,
        "services",
        json!({ "name": "Pain", "description": "Au levain", "price_cents": 450,
                "published": true, "order": 0 }),
    )
    .await;
    create(
        app,
        "products",
        json!({ "name": "Tote", "description": "", "price_cents": 1200, "stock": 3,
                "image_url": "", "published": true, "order": 0 }),
    )
    .await;
    (ana, bo)
}

async fn call_as(token: &str, app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    let res = client_with_token(token)
        .post(app.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn list_as(token: &str, app: &TestApp, collection: &str) -> u16 {
    client_with_token(token)
        .post(app.url("/api/list/staff"))
        .form(&[("collection", collection)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn backup_now(app: &TestApp) -> Value {
    let (status, body) = app.call("/api/sync/backup_now", json!({})).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn operations(app: &TestApp, kind: &str) -> Vec<Value> {
    list(app, "sync_operations")
        .await
        .into_iter()
        .filter(|o| o["kind"] == kind)
        .collect()
}

/// Apply a socket's change events to a page's copy of the data, as a live list does, until
/// the socket has reached sequence `head`.
async fn follow(ws: &mut Ws, page: &mut Dump, mut at: i64, head: i64) {
    while at < head {
        match next_msg_within(ws, 10).await {
            ServerMsg::Change { event } => {
                at = event.seq;
                let Some(records) = page.get_mut(&event.collection) else {
                    continue;
                };
                match event.op {
                    ChangeOp::Deleted => {
                        records.remove(&event.record_id);
                    }
                    _ => {
                        let data = event.data.expect("data");
                        records.insert(event.record_id.clone(), content(&data));
                    }
                }
            }
            ServerMsg::Hello { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}

async fn a_restore_gives_back_exactly_the_backup_and_open_pages_follow_it(b: Backend) {
    let app = spawn_app(b).await;
    let (ana, bo) = some_content(&app).await;
    let backup = backup_now(&app).await;
    let backup_id = backup["id"].as_str().unwrap().to_string();
    assert!(backup["records"].as_i64().unwrap() >= 5, "{backup}");
    assert!(app
        .backup_dir
        .join(backup["file"].as_str().unwrap())
        .is_file());
    let saved = dump(&app).await;

    // Then the data moves on: one record changed, one deleted, one added.
    let (status, body) = app
        .call(
            "/api/sync",
            json!({ "collection": "team", "op": "update", "payload": {
                "id": ana, "base_version": 1, "changes": { "name": { "from": "Ana", "to": "Anna" } } } }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .call(
            "/api/sync",
            json!({ "collection": "team", "op": "delete", "payload": { "id": bo } }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let added = create(&app, "team", member("Cy", "Vendeur")).await;
    assert_ne!(dump(&app).await, saved);

    // A page open now, with its copy of the data.
    let head = app.head().await;
    let mut page = dump(&app).await;
    let mut ws = app.live_as(head, "staff").await;

    // The dry run says what would happen, and does nothing.
    let (status, preview) = app
        .call("/api/sync/restore_preview", json!({ "id": backup_id }))
        .await;
    assert_eq!(status, 200, "{preview}");
    let team = &preview["plan"]["collections"]["team"];
    assert_eq!(
        (
            team["created"].as_i64(),
            team["updated"].as_i64(),
            team["deleted"].as_i64()
        ),
        (Some(1), Some(1), Some(1)),
        "{preview}"
    );
    assert_eq!(preview["plan"]["rejected_count"], 0);
    assert!(list(&app, "team").await.iter().any(|r| r["id"] == added));

    // Confirmed for another file: refused.
    let (status, _) = app
        .call(
            "/api/sync/restore",
            json!({ "id": backup_id, "checksum": "sha256:00" }),
        )
        .await;
    assert_eq!(status, 422);
    let checksum = preview["backup"]["checksum"].as_str().unwrap();
    let (status, done) = app
        .call(
            "/api/sync/restore",
            json!({ "id": backup_id, "checksum": checksum }),
        )
        .await;
    assert_eq!(status, 200, "{done}");

    // Exactly the backup's data, every collection.
    assert_eq!(dump(&app).await, saved);
    // The open page followed it live, without reloading.
    follow(&mut ws, &mut page, head, app.head().await).await;
    assert_eq!(page, saved);

    // The data it replaced was backed up first; the log has all three operations.
    let backups = list(&app, "sync_backups").await;
    assert_eq!(backups.len(), 2, "{backups:?}");
    assert!(backups.iter().any(|b| b["origin"] == "before_restore"));
    for (kind, n) in [("backup", 2), ("restore", 1)] {
        let ops = operations(&app, kind).await;
        assert_eq!(ops.len(), n, "{kind}: {ops:?}");
        assert!(ops.iter().all(|o| o["status"] == "succeeded"), "{ops:?}");
    }
    let restore = &operations(&app, "restore").await[0];
    assert_eq!(restore["counts"]["created"], 1);
    assert_eq!(restore["counts"]["deleted"], 1);
    assert_eq!(restore["subject"], backup_id.as_str());

    // Restoring again changes nothing more.
    let (status, again) = app
        .call(
            "/api/sync/restore",
            json!({ "id": backup_id, "checksum": checksum }),
        )
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(dump(&app).await, saved);
}

async fn upload(app: &TestApp, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let res = app
        .http
        .post(app.url(&format!("/api/sync/import?name={name}")))
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn message(body: &Value) -> String {
    body.to_string()
}

async fn refused_files_change_nothing(b: Backend) {
    let app = spawn_app(b).await;
    some_content(&app).await;
    let backup = backup_now(&app).await;
    let res = app
        .http
        .get(app.url(&format!(
            "/api/sync/file/{}",
            backup["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains("attachment; filename=\"courant-1-"),
        "{disposition}"
    );
    let file = res.bytes().await.unwrap().to_vec();
    let text = String::from_utf8(file.clone()).unwrap();
    let before = dump(&app).await;
    // Gzipped on request; the same bytes once decompressed, and accepted as an upload too.
    let res = app
        .http
        .get(app.url(&format!(
            "/api/sync/file/{}?gzip=1",
            backup["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".json.gz"));
    let packed = res.bytes().await.unwrap().to_vec();
    assert!(
        packed.len() < file.len() / 2,
        "{} of {}",
        packed.len(),
        file.len()
    );
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&packed[..]),
        &mut unpacked,
    )
    .unwrap();
    assert_eq!(unpacked, file);
    let (status, kept) = upload(&app, "mine.json.gz", packed).await;
    assert_eq!(status, 200, "{kept}");
    // A gzip that unpacks to far more than any backup: refused, not read into memory.
    let mut bomb = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut bomb, &vec![b' '; 16 * 256 * 1024 + 1]).unwrap();
    let (status, body) = upload(&app, "bomb.json.gz", bomb.finish().unwrap()).await;
    assert_eq!(status, 422, "{body}");
    assert!(message(&body).contains("decompressed"), "{body}");

    // The file itself is accepted (and restores to what is there: nothing to do).
    let (status, kept) = upload(&app, "mine.json", file.clone()).await;
    assert_eq!(status, 200, "{kept}");
    assert_eq!(kept["origin"], "upload");

    let truncated = file[..file.len() * 2 / 3].to_vec();
    let tampered = text.replacen("Ana", "Eve", 1).into_bytes();
    let newer = text
        .replacen("\"format\":1", "\"format\":9", 1)
        .into_bytes();
    // A backup of another organisation, genuinely made there.
    let boss = app::identity::server::accounts::create_user(&app.engine, "boss@two.test", PASSWORD)
        .await
        .unwrap();
    let org2 = app::identity::server::accounts::create_organisation(&app.engine, "Two", boss)
        .await
        .unwrap();
    let token2 = member_with_token(&app.engine, "boss@two.test", org2, Role::Admin).await;
    let (status, other) = call_as(&token2, &app, "/api/sync/backup_now", json!({})).await;
    assert_eq!(status, 200, "{other}");
    let foreign = client_with_token(&token2)
        .get(app.url(&format!("/api/sync/file/{}", other["id"].as_str().unwrap())))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec();
    // And organisation 2 cannot download organisation 1's.
    let (status, _) = {
        let res = client_with_token(&token2)
            .get(app.url(&format!(
                "/api/sync/file/{}",
                backup["id"].as_str().unwrap()
            )))
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), ())
    };
    assert_eq!(status, 404);

    for (file, says) in [
        (truncated, "truncated"),
        (tampered, "checksum"),
        (newer, "newer Courant"),
        (foreign, "another organisation"),
        (b"{\"hello\": 1}".to_vec(), "not a readable Courant backup"),
    ] {
        let (status, body) = upload(&app, "bad.json", file).await;
        assert_eq!(status, 422, "{says}: {body}");
        assert!(message(&body).contains(says), "{says}: {body}");
        assert!(message(&body).contains("Nothing was changed"), "{body}");
        assert!(
            !message(&body).contains("highlighted"),
            "said as it is: {body}"
        );
    }
    // Ten times the limit: refused before it is read whole, declared or streamed.
    let huge = vec![b' '; 10 * 256 * 1024];
    let (status, body) = upload(&app, "huge.json", huge.clone()).await;
    assert_eq!(status, 413, "{body}");
    let chunks = futures::stream::iter(
        huge.chunks(64 * 1024)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let res = app
        .http
        .post(app.url("/api/sync/import?name=huge.json"))
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);

    assert_eq!(dump(&app).await, before, "nothing changed");
    // Only the accepted upload and the two backups are kept; refused files are not on disk.
    let uploads: Vec<_> = std::fs::read_dir(app.backup_dir.join("uploads"))
        .map(|d| d.collect())
        .unwrap_or_default();
    assert!(uploads.is_empty(), "{uploads:?}");
    let imports = operations(&app, "import").await;
    assert_eq!(imports.len(), 8, "{imports:?}");
    assert_eq!(
        imports.iter().filter(|o| o["status"] == "failed").count(),
        6,
        "each refusal is in the log"
    );
}

async fn wait_for<F: std::future::Future<Output = bool>>(what: &str, mut check: impl FnMut() -> F) {
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("waited 10 s for {what}");
}

async fn the_schedule_backs_up_on_time_and_keeps_what_the_rule_says(b: Backend) {
    let app = spawn_app(b).await;
    some_content(&app).await;
    let (status, body) = app
        .call(
            "/api/sync/save_schedule",
            json!({ "every_secs": 1, "keep_last": 2, "keep_daily_days": 0 }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // Nothing at once: the first comes one interval later.
    let started = app::sync_centre::server::schedule::run_due(&app.engine)
        .await
        .unwrap();
    assert_eq!(started, 0);
    app::sync_centre::server::schedule::spawn(app.engine.clone());
    wait_for("three scheduled backups", || async {
        operations(&app, "backup")
            .await
            .iter()
            .filter(|o| o["status"] == "succeeded" && o["trigger"] == "schedule")
            .count()
            >= 3
    })
    .await;
    let ops = operations(&app, "backup").await;
    let mut times: Vec<i64> = ops
        .iter()
        .map(|o| o["started_at"].as_i64().unwrap())
        .collect();
    times.sort();
    for pair in times.windows(2) {
        assert!(pair[1] - pair[0] >= 900, "one per interval: {times:?}");
    }
    // The rule keeps the last two (files and records alike).
    wait_for("the rule applied", || async {
        list(&app, "sync_backups").await.len() == 2
    })
    .await;
    let files: Vec<_> = std::fs::read_dir(&app.backup_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .collect();
    assert!(files.len() <= 3, "{files:?}");
    // Turned off, it stops.
    let (status, _) = app
        .call(
            "/api/sync/save_schedule",
            json!({ "every_secs": 0, "keep_last": 2, "keep_daily_days": 0 }),
        )
        .await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let count = operations(&app, "backup").await.len();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(operations(&app, "backup").await.len(), count);
    // An interval shorter than the server allows is refused with its reason.
    let (status, body) = app
        .call(
            "/api/sync/save_schedule",
            json!({ "every_secs": 0, "keep_last": 0, "keep_daily_days": 0 }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(validation_fields(&body), ["keep_last"]);
}

async fn a_failing_scheduled_backup_shows_in_the_log_and_on_the_badge(b: Backend) {
    // A directory that cannot be made: its parent is a file (root or not).
    let blocker =
        std::env::temp_dir().join(format!("courant-not-a-dir-{}-{b:?}", std::process::id()));
    std::fs::write(&blocker, b"x").unwrap();
    let backups = BackupConfig {
        dir: blocker.join("backups"),
        ..test_backups()
    };
    let app = spawn_app_backing_up(b, backups).await;
    let (status, health) = app.call("/api/sync/health", json!({})).await;
    assert_eq!(status, 200, "{health}");
    assert_eq!(health["late"], false, "no schedule, nothing late: {health}");
    let (status, _) = app
        .call(
            "/api/sync/save_schedule",
            json!({ "every_secs": 1, "keep_last": 2, "keep_daily_days": 0 }),
        )
        .await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        app::sync_centre::server::schedule::run_due(&app.engine)
            .await
            .unwrap(),
        1
    );
    wait_for("the failure logged", || async {
        operations(&app, "backup")
            .await
            .iter()
            .any(|o| o["status"] == "failed")
    })
    .await;
    let op = &operations(&app, "backup").await[0];
    assert_eq!(op["trigger"], "schedule");
    assert!(
        op["summary"].as_str().unwrap().contains("backups"),
        "the message names the directory: {op}"
    );
    wait_for("the badge warned", || async {
        let (_, health) = app.call("/api/sync/health", json!({})).await;
        health["last_failure"].is_string() && health["late"] == true
    })
    .await;
    // A manual backup says the same, as a 503 with the reason.
    let (status, body) = app.call("/api/sync/backup_now", json!({})).await;
    assert_eq!(status, 503, "{body}");
    assert!(message(&body).contains("COURANT_BACKUP_DIR"), "{body}");
    let _ = std::fs::remove_file(&blocker);
}

async fn supervisors_read_operators_and_editors_are_refused(b: Backend) {
    let app = spawn_app(b).await;
    let backup = backup_now(&app).await;
    let id = backup["id"].as_str().unwrap();
    let supervisor = member_with_token(&app.engine, "sup@x.test", 1, Role::Supervisor).await;
    let operator = member_with_token(&app.engine, "op@x.test", 1, Role::Operator).await;
    let editor = member_with_token(&app.engine, "ed@x.test", 1, Role::Editor).await;
    // Supervisors monitor: the log, the backups, the badge and the schedule.
    for (path, body) in [
        ("/api/sync/health", json!({})),
        ("/api/sync/schedule", json!({})),
    ] {
        assert_eq!(
            call_as(&supervisor, &app, path, body).await.0,
            200,
            "{path}"
        );
    }
    for collection in ["sync_operations", "sync_backups"] {
        assert_eq!(
            list_as(&supervisor, &app, collection).await,
            200,
            "{collection}"
        );
        for token in [&operator, &editor] {
            assert_eq!(list_as(token, &app, collection).await, 403, "{collection}");
        }
    }
    // Nobody but an admin acts, nor takes the data away.
    for token in [&supervisor, &operator, &editor] {
        for (path, body) in [
            ("/api/sync/backup_now", json!({})),
            ("/api/sync/restore_preview", json!({ "id": id })),
            (
                "/api/sync/restore",
                json!({ "id": id, "checksum": backup["checksum"] }),
            ),
            ("/api/sync/delete_backup", json!({ "id": id })),
        ] {
            assert_eq!(call_as(token, &app, path, body).await.0, 403, "{path}");
        }
        let c = client_with_token(token);
        for path in [
            format!("/api/sync/file/{id}"),
            "/api/sync/export".to_string(),
        ] {
            assert_eq!(
                c.get(app.url(&path)).send().await.unwrap().status(),
                403,
                "{path}"
            );
        }
        let res = c
            .post(app.url("/api/sync/import"))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
    }
    for token in [&operator, &editor] {
        assert_eq!(
            call_as(token, &app, "/api/sync/health", json!({})).await.0,
            403
        );
    }
    // A backup lists the members and their roles, never a password hash or a token.
    let text =
        std::fs::read_to_string(app.backup_dir.join(backup["file"].as_str().unwrap())).unwrap();
    assert!(text.contains(r#""c":"@members""#), "{text}");
    assert!(text.contains(ADMIN_EMAIL));
    assert!(
        !text.contains("sup@x.test"),
        "made before the supervisor joined"
    );
    assert!(!text.contains("argon2") && !text.contains(&app.admin_token));
    let (status, preview) = app
        .call("/api/sync/restore_preview", json!({ "id": id }))
        .await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["kept"]["members"], 1, "{preview}");
    // The admin's export is a file in the backup format, of one collection if asked.
    let res = app
        .http
        .get(app.url("/api/sync/export?collection=team"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["manifest"]["counts"].as_object().unwrap().len(), 1);
    let res = app
        .http
        .get(app.url("/api/sync/export?collection=nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(operations(&app, "export").await.len(), 1);
    // Deleting removes the file too.
    let file = app.backup_dir.join(backup["file"].as_str().unwrap());
    assert!(file.is_file());
    let (status, _) = app
        .call("/api/sync/delete_backup", json!({ "id": id }))
        .await;
    assert_eq!(status, 200);
    assert!(!file.exists());
    assert!(list(&app, "sync_backups").await.is_empty());
}

async fn the_sync_centres_records_are_the_servers_alone(b: Backend) {
    let app = spawn_app(b).await;
    let backup = backup_now(&app).await;
    let id = backup["id"].as_str().unwrap();
    let op = list(&app, "sync_operations").await[0].clone();
    // Not made, changed, deleted or restored by the generic functions, even by an admin: a
    // backup record pointing at another file, a forged log entry, a schedule's interval
    // below the server's minimum.
    for (collection, payload_create, record) in [
        (
            "sync_backups",
            json!({ "file": "courant-2-2026-01-01-000000-manual-abcdef.json" }),
            &backup,
        ),
        (
            "sync_operations",
            json!({ "kind": "backup", "status": "succeeded" }),
            &op,
        ),
    ] {
        let rid = record["id"].as_str().unwrap();
        for (op_name, payload) in [
            ("create", payload_create.clone()),
            (
                "update",
                json!({ "id": rid, "base_version": record["version"], "changes": { "summary": { "from": record["summary"], "to": "forged" } } }),
            ),
            ("delete", json!({ "id": rid })),
        ] {
            let (status, body) = app
                .call(
                    "/api/sync",
                    json!({ "collection": collection, "op": op_name, "payload": payload }),
                )
                .await;
            assert_eq!(status, 422, "{collection} {op_name}: {body}");
        }
        let (status, body) = app
            .call(
                "/api/list/sync",
                json!({ "collection": collection, "items": [payload_create] }),
            )
            .await;
        assert_eq!(status, 422, "{collection} list: {body}");
        let (status, body) = app
            .call_form(
                "/api/restore",
                &[("collection", collection), ("id", rid), ("version", "1")],
            )
            .await;
        assert_eq!(status, 422, "{collection} restore: {body}");
    }
    // Orders come from checkouts only, through a list save too.
    let (status, body) = app
        .call(
            "/api/list/sync",
            json!({ "collection": "orders", "items": [{ "customer_name": "X" }] }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    // Everything is as it was.
    assert_eq!(list(&app, "sync_backups").await.len(), 1);
    assert_eq!(list(&app, "sync_backups").await[0]["file"], backup["file"]);
    let (status, _) = app
        .call("/api/sync/delete_backup", json!({ "id": id }))
        .await;
    assert_eq!(status, 200);
}

async fn the_operations_log_keeps_its_last_ninety_days(b: Backend) {
    use app::core::operation::{Direction, OperationKind, OperationStatus, Trigger};
    use app::engine::operations::{End, OperationRun, Start};
    let app = spawn_app(b).await;
    let day = 86_400_000i64;
    let now = app::core::time::now_ms();
    let who = app::core::principal::Principal::system(1, "tests");
    for (age, summary) in [(100, "old"), (89, "recent")] {
        let start = Start {
            kind: OperationKind::Export,
            direction: Direction::Outbound,
            source: "tests".into(),
            destination: "tests".into(),
            trigger: Trigger::Member,
            started_by: "tests".into(),
        };
        let end = End {
            status: OperationStatus::Succeeded,
            summary: summary.into(),
            counts: Default::default(),
            subject: String::new(),
        };
        OperationRun::record(&app.engine, &who, start, now - age * day, end)
            .await
            .unwrap();
    }
    assert_eq!(operations(&app, "export").await.len(), 2);
    let pruned = app::engine::operations::prune(&app.engine, now - 90 * day)
        .await
        .unwrap();
    assert_eq!(pruned, 1);
    let left = operations(&app, "export").await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["summary"], "recent");
}
