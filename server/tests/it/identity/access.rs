//! Who may call what: every server function × every role × own or other organisation ×
//! signed in or not, on both databases. A server function missing from the table fails the
//! test, so a new one cannot ship without its rule.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::common::*;
use app::core::roles::{allows, Permission, Role};
use app::identity::server::{accounts, sessions};

on_both_backends!(every_server_function_enforces_its_role);

/// How a call's arguments travel.
#[derive(Clone, Copy)]
enum Enc {
    Form,
    Json,
}

/// (path, the permission it needs, encoding, arguments). `sign_in` and `sign_out` need
/// nothing (anyone may try), so they are listed as ReadPublic.
fn table() -> Vec<(&'static str, Permission, Enc, Value)> {
    use Enc::*;
    use Permission::*;
    let edit = json!({ "id": "main", "base_version": 0, "changes": {} });
    vec![
        (
            "/api/auth/sign_in",
            ReadPublic,
            Form,
            json!({ "email": ADMIN_EMAIL, "password": PASSWORD }),
        ),
        ("/api/auth/sign_out", ReadPublic, Form, json!({})),
        ("/api/auth/me", ReadPublic, Form, json!({})),
        (
            "/api/auth/password",
            Account,
            Form,
            json!({ "current": "not it", "new": "a new long password" }),
        ),
        (
            "/api/auth/tokens/create",
            Account,
            Form,
            json!({ "name": "script" }),
        ),
        ("/api/auth/tokens/list", Account, Form, json!({})),
        (
            "/api/auth/tokens/revoke",
            Account,
            Form,
            json!({ "id": "no-such-token" }),
        ),
        ("/api/auth/switch", Account, Form, json!({ "org": 1 })),
        (
            "/api/auth/organisations/create",
            Account,
            Form,
            json!({ "name": "Another" }),
        ),
        ("/api/members/list", ReadSyncCentre, Form, json!({})),
        (
            "/api/members/invite",
            ManagePeople,
            Json,
            json!({ "email": "new@courant.test", "role": "editor" }),
        ),
        ("/api/members/invitations", ReadSyncCentre, Form, json!({})),
        (
            "/api/members/invitations/revoke",
            ManagePeople,
            Form,
            json!({ "id": "none" }),
        ),
        (
            "/api/members/role",
            ManagePeople,
            Json,
            json!({ "member": "nobody", "role": "editor" }),
        ),
        (
            "/api/members/remove",
            ManagePeople,
            Json,
            json!({ "member": "nobody" }),
        ),
        (
            "/api/invitations/view",
            ReadPublic,
            Form,
            json!({ "token": "none" }),
        ),
        (
            "/api/invitations/accept_new",
            ReadPublic,
            Form,
            json!({ "token": "none", "password": "tulip orbit 77 cellar" }),
        ),
        (
            "/api/invitations/accept",
            Account,
            Form,
            json!({ "token": "none" }),
        ),
        ("/api/settings/public", ReadPublic, Form, json!({})),
        ("/api/settings/edit", ReadContent, Form, json!({})),
        (
            "/api/settings/save",
            WriteContent,
            Json,
            json!({ "edit": edit }),
        ),
        (
            "/api/list/public",
            ReadPublic,
            Form,
            json!({ "collection": "team" }),
        ),
        (
            "/api/list/staff",
            ReadContent,
            Form,
            json!({ "collection": "team" }),
        ),
        (
            "/api/list/sync",
            WriteContent,
            Json,
            json!({ "collection": "team", "items": [] }),
        ),
        (
            "/api/page/public",
            ReadPublic,
            Form,
            json!({ "collection": "services", "id": "none" }),
        ),
        (
            "/api/sync",
            WriteContent,
            Json,
            json!({ "collection": "site_settings", "op": "update", "payload": edit }),
        ),
        (
            "/api/history",
            ReadContent,
            Form,
            json!({ "collection": "site_settings", "id": "main" }),
        ),
        (
            "/api/deleted",
            ReadContent,
            Form,
            json!({ "collection": "team" }),
        ),
        (
            "/api/restore",
            WriteContent,
            Form,
            json!({ "collection": "team", "id": "none", "version": 1 }),
        ),
        // The same generic functions on a customers' collection follow its permissions.
        (
            "/api/list/staff",
            ReadCustomers,
            Form,
            json!({ "collection": "customer_notes" }),
        ),
        (
            "/api/list/sync",
            WriteCustomers,
            Json,
            json!({ "collection": "customer_notes", "items": [] }),
        ),
        (
            "/api/sync",
            WriteCustomers,
            Json,
            json!({ "collection": "customer_notes", "op": "create", "payload": { "name": "Ann" } }),
        ),
        (
            "/api/history",
            ReadCustomers,
            Form,
            json!({ "collection": "customer_notes", "id": "none" }),
        ),
        (
            "/api/deleted",
            ReadCustomers,
            Form,
            json!({ "collection": "customer_notes" }),
        ),
        (
            "/api/restore",
            WriteCustomers,
            Form,
            json!({ "collection": "customer_notes", "id": "none", "version": 1 }),
        ),
        ("/api/webhooks/list", ReadSyncCentre, Form, json!({})),
        (
            "/api/webhooks/create",
            ManageSyncCentre,
            Form,
            json!({ "url": "http://127.0.0.1:9/hook", "secret": "" }),
        ),
        (
            "/api/webhooks/delete",
            ManageSyncCentre,
            Form,
            json!({ "id": "none" }),
        ),
        (
            "/api/webhooks/deliveries",
            ReadSyncCentre,
            Form,
            json!({ "id": "none" }),
        ),
        ("/api/booking/config", ReadSyncCentre, Form, json!({})),
        (
            "/api/booking/secret",
            ManageSyncCentre,
            Form,
            json!({ "secret": "a signing key of thirty chars!" }),
        ),
        ("/api/booking/receipts", ReadSyncCentre, Form, json!({})),
        (
            "/api/contact",
            ReadPublic,
            Form,
            json!({ "name": "Ann", "email": "ann@x.test", "message": "Bonjour" }),
        ),
        (
            "/api/shop/checkout",
            ReadPublic,
            Json,
            json!({ "lines": [], "name": "Ann", "email": "ann@x.test", "key": "access-test-key-0001" }),
        ),
        (
            "/api/shop/receipt",
            ReadPublic,
            Json,
            json!({ "number": "CMD-20260101-AAAAAA", "key": "none" }),
        ),
        (
            "/api/shop/status",
            WriteCustomers,
            Json,
            json!({ "id": "none", "seen": "pending", "to": "in_progress" }),
        ),
        ("/api/shop/dashboard", ReadCustomers, Form, json!({})),
        ("/api/sync/backup_now", ManageSyncCentre, Json, json!({})),
        (
            "/api/sync/restore_preview",
            ManageSyncCentre,
            Json,
            json!({ "id": "none" }),
        ),
        (
            "/api/sync/restore",
            ManageSyncCentre,
            Json,
            json!({ "id": "none", "checksum": "sha256:0" }),
        ),
        (
            "/api/sync/delete_backup",
            ManageSyncCentre,
            Json,
            json!({ "id": "none" }),
        ),
        ("/api/sync/health", ReadSyncCentre, Json, json!({})),
        ("/api/sync/schedule", ReadSyncCentre, Json, json!({})),
        (
            "/api/sync/stats",
            ReadSyncCentre,
            Json,
            json!({ "days": 7 }),
        ),
        (
            "/api/sync/save_schedule",
            ManageSyncCentre,
            Json,
            json!({ "every_secs": 0, "keep_last": 5, "keep_daily_days": 3 }),
        ),
        ("/api/notifications/list", FollowFeed, Form, json!({})),
        (
            "/api/notifications/seen",
            FollowFeed,
            Form,
            json!({ "through": 0 }),
        ),
    ]
}

fn form_pairs(args: &Value) -> Vec<(String, String)> {
    args.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().map_or(v.to_string(), str::to_string)))
        .collect()
}

async fn call(
    app: &TestApp,
    path: &str,
    enc: Enc,
    args: &Value,
    cookie: Option<&str>,
) -> (u16, String) {
    let mut req = app.anon.post(app.url(path));
    if let Some(secret) = cookie {
        req = req.header("cookie", format!("courant_session={secret}"));
    }
    req = match enc {
        Enc::Json => req.json(args),
        Enc::Form => req.form(&form_pairs(args)),
    };
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Things only organisation 1 holds: none may reach a member of organisation 2.
const ORG_ONE_MARKERS: [&str; 4] = [
    "Boulangerie Courant",
    "Org One Person",
    "org-one-hook",
    "Org One Customer",
];

async fn every_server_function_enforces_its_role(b: Backend) {
    let app = spawn_app(b).await;
    let engine = &app.engine;

    // The table covers exactly the registered server functions.
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.to_string())
        .collect();
    let listed: BTreeSet<String> = table().iter().map(|(p, ..)| p.to_string()).collect();
    assert_eq!(
        registered, listed,
        "every server function needs a row in access.rs's table"
    );

    // Organisation 1's private data, to look for in organisation 2's answers.
    let (s, body) = app
        .call("/api/list/sync", json!({ "collection": "team", "items": [{ "name": "Org One Person", "role": "Baker", "email": "p@one.test", "bio": "", "photo_url": "" }] }))
        .await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = app
        .call(
            "/api/sync",
            json!({ "collection": "customer_notes", "op": "create", "payload": { "name": "Org One Customer" } }),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    let (s, _) = app
        .call_form(
            "/api/webhooks/create",
            &[("url", "http://127.0.0.1:9/org-one-hook"), ("secret", "")],
        )
        .await;
    assert_eq!(s, 200);

    // Organisation 2, made by one of its admins.
    let other_admin = accounts::create_user(engine, "boss@two.test", PASSWORD)
        .await
        .unwrap();
    let org2 = accounts::create_organisation(engine, "Org Two", other_admin)
        .await
        .unwrap();

    // A user of each role in each organisation.
    let mut users = Vec::new();
    for role in Role::ALL {
        for org in [1, org2] {
            let email = format!("{}-{org}@courant.test", role.as_str());
            let id = accounts::create_user(engine, &email, PASSWORD)
                .await
                .unwrap();
            accounts::set_membership(engine, org, id, role)
                .await
                .unwrap();
            users.push((role, org, id));
        }
    }

    let mut checked = 0;
    for (path, permission, enc, args) in table() {
        // Anonymous.
        let (status, body) = call(&app, path, enc, &args, None).await;
        if allows(None, permission) {
            assert!(
                ![401, 403].contains(&status),
                "anonymous {path}: {status} {body}"
            );
        } else {
            assert_eq!(status, 401, "anonymous {path}: {body}");
        }
        // Each role, in its own organisation and in the other one.
        for &(role, org, user) in &users {
            let secret = sessions::open_session(engine, user, org).await.unwrap();
            // Switching is to one's own organisation here; into another is checked below.
            let args = if path == "/api/auth/switch" {
                json!({ "org": org })
            } else {
                args.clone()
            };
            let (status, body) = call(&app, path, enc, &args, Some(&secret)).await;
            let who = format!("{} of org {org} calling {path}", role.as_str());
            if allows(Some(role), permission) || permission == Permission::Account {
                assert!(
                    ![401, 403].contains(&status),
                    "{who}: refused {status} {body}"
                );
            } else {
                assert_eq!(status, 403, "{who}: {body}");
            }
            if org == org2 && permission != Permission::ReadPublic && path != "/api/auth/sign_in" {
                for marker in ORG_ONE_MARKERS {
                    assert!(!body.contains(marker), "{who} saw {marker}: {body}");
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, table().len() * 8);

    // An API token, even an admin's, never acts on people or on the account itself.
    for (path, permission, enc, args) in table() {
        if !permission.needs_session() {
            continue;
        }
        let mut req = app.http.post(app.url(path));
        req = match enc {
            Enc::Json => req.json(&args),
            Enc::Form => req.form(&form_pairs(&args)),
        };
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        assert_eq!(status, 403, "an admin's token calling {path}: {body}");
        assert!(body.contains("SessionOnly"), "{path}: {body}");
    }

    // Switching into an organisation one does not belong to is refused.
    let (_, _, outsider) = users[1];
    let secret = sessions::open_session(engine, outsider, org2)
        .await
        .unwrap();
    let (status, _) = call(
        &app,
        "/api/auth/switch",
        Enc::Form,
        &json!({ "org": 1 }),
        Some(&secret),
    )
    .await;
    assert_eq!(status, 403);
    let (status, body) = call(
        &app,
        "/api/list/staff",
        Enc::Form,
        &json!({ "collection": "team" }),
        Some(&secret),
    )
    .await;
    assert_eq!(status, 200);
    assert!(!body.contains("Org One Person"), "{body}");
}
