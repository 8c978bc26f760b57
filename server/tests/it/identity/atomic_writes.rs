//! Writes that belong together commit together: a failure at any later step of a password
//! change or of an organisation's creation leaves nothing of the earlier steps.

use serde_json::Value;

use crate::common::*;
use app::core::roles::Role;
use app::identity::server::access::Quotas;

on_both_backends!(
    a_password_change_that_fails_late_changes_nothing,
    an_organisation_whose_settings_fail_is_not_created_nor_counted,
);

const NEW_PASSWORD: &str = "tulip orbit 77 cellar";

async fn can_read(app: &TestApp, session: &str) -> bool {
    let (status, _) = app
        .call_form_as(session, "/api/list/staff", &[("collection", "team")])
        .await;
    status == 200
}

async fn token_works(app: &TestApp, token: &str) -> bool {
    let res = client_with_token(token)
        .post(app.url("/api/list/staff"))
        .form(&[("collection", "team")])
        .send()
        .await
        .unwrap();
    res.status().as_u16() == 200
}

async fn change_password(app: &TestApp, session: &str, revoke_tokens: bool) -> (u16, Value) {
    let mut form = vec![("current", PASSWORD), ("new", NEW_PASSWORD)];
    if revoke_tokens {
        form.push(("revoke_tokens", "on"));
    }
    app.call_form_as(session, "/api/auth/password", &form).await
}

async fn a_password_change_that_fails_late_changes_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let email = "lea@courant.test";
    let user = member(&app.engine, email, 1, Role::Editor).await;
    let here = app.session_of(user, 1).await;
    let elsewhere = app.session_of(user, 1).await;
    let token = member_with_token(&app.engine, email, 1, Role::Editor).await;

    // The last step (revoking the tokens) fails, then the one before it (the sessions).
    for (name, table, revoke) in [
        ("fail_tokens", "api_tokens", true),
        ("fail_sessions", "sessions", false),
    ] {
        inject_failure(&app, name, "UPDATE", table, "1 = 1").await;
        let (status, body) = change_password(&app, &here, revoke).await;
        assert_eq!(status, 500, "{body}");
        remove_failure(&app, name, table).await;
        // The old password, the other session and the token all still stand.
        assert_eq!(app.sign_in(email, PASSWORD).await.status().as_u16(), 200);
        assert_eq!(
            app.sign_in(email, NEW_PASSWORD).await.status().as_u16(),
            401
        );
        assert!(
            can_read(&app, &elsewhere).await,
            "{table}: the other session was closed"
        );
        assert!(
            token_works(&app, &token).await,
            "{table}: the token was revoked"
        );
    }

    // Nothing failing: all three change.
    let (status, body) = change_password(&app, &here, true).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        app.sign_in(email, NEW_PASSWORD).await.status().as_u16(),
        200
    );
    assert!(!can_read(&app, &elsewhere).await);
    assert!(!token_works(&app, &token).await);
    assert!(
        can_read(&app, &here).await,
        "the session that changed it stays"
    );
}

async fn organisations_created_by(app: &TestApp, user: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM organisations WHERE created_by = $1")
        .bind(user)
        .fetch_one(&app.engine.db.read)
        .await
        .unwrap()
}

async fn an_organisation_whose_settings_fail_is_not_created_nor_counted(b: Backend) {
    let app = spawn_app(b).await;
    let founder = member(&app.engine, "founder@x.test", 1, Role::Editor).await;
    let session = app.session_of(founder, 1).await;
    let create = |name: String| {
        let (app, session) = (&app, &session);
        async move {
            app.call_form_as(
                session,
                "/api/auth/organisations/create",
                &[("name", &name)],
            )
            .await
        }
    };
    // The settings record, the hook's write, fails for any organisation but the first.
    inject_failure(
        &app,
        "fail_settings",
        "INSERT",
        "records",
        "NEW.org_id <> 1",
    )
    .await;
    for i in 0..3 {
        let (status, body) = create(format!("Doomed {i}")).await;
        assert_eq!(status, 500, "{body}");
    }
    remove_failure(&app, "fail_settings", "records").await;
    assert_eq!(organisations_created_by(&app, founder).await, 0);
    let memberships: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE user_id = $1")
            .bind(founder)
            .fetch_one(&app.engine.db.read)
            .await
            .unwrap();
    assert_eq!(memberships, 1, "only the membership it started with");

    // The failures counted nothing: the whole day's allowance is there, each with settings.
    let per_day = Quotas::default().organisations_per_day;
    for i in 0..per_day {
        let (status, body) = create(format!("Kept {i}")).await;
        assert_eq!(status, 200, "{body}");
        let org = body["id"].as_i64().unwrap();
        let settings: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM records WHERE org_id = $1 AND collection = 'site_settings'",
        )
        .bind(org)
        .fetch_one(&app.engine.db.read)
        .await
        .unwrap();
        assert_eq!(settings, 1, "organisation {org} has its settings");
    }
    let (status, _) = create("One too many".into()).await;
    assert_eq!(status, 429);
}
