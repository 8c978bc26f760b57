//! People: invitations that never let an inviter know or set a password, role changes that
//! reach only members, removals that stay removed, the last admin under concurrency,
//! organisation ids and limits, and passwords (throttled before they are checked, never
//! common, changed with every other session closed at once).

use futures::future::join_all;
use serde_json::{json, Value};

use crate::common::*;
use app::core::roles::Role;
use app::identity::server::access::Quotas;
use app::identity::server::accounts;

on_both_backends!(
    an_invitation_never_lets_the_inviter_know_or_set_a_password,
    an_invitation_link_works_once_for_its_own_email_until_it_expires,
    role_changes_and_removals_reach_only_members,
    a_removed_member_stays_out_when_invited_again,
    the_last_admin_stays_when_two_admins_demote_each_other_at_once,
    organisations_created_at_once_each_get_their_own_id_and_the_day_has_a_limit,
    parallel_guesses_are_counted_before_any_is_checked,
    a_password_change_closes_the_other_sessions_at_once,
    an_admin_who_leaves_leaves_no_invitation_behind,
    handing_organisations_over_does_not_reset_the_daily_limit,
    invitations_have_a_daily_limit,
    the_same_person_invited_or_signing_up_twice_at_once_gets_a_clear_answer,
    an_address_that_is_not_one_is_refused_and_nobody_is_invited,
);

const CHOSEN: &str = "tulip orbit 77 cellar";

/// The link's secret, from an invitation's answer.
fn token_of(created: &Value) -> String {
    let link = created["link"].as_str().expect("a link");
    link.strip_prefix("/invite/")
        .expect("an invitation path")
        .to_string()
}

async fn invite(app: &TestApp, admin_session: &str, email: &str, role: &str) -> String {
    let (status, created) = app
        .call_as(
            admin_session,
            "/api/members/invite",
            json!({ "email": email, "role": role }),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    token_of(&created)
}

async fn member_emails(app: &TestApp, session: &str) -> Vec<String> {
    let (status, list) = app.call_form_as(session, "/api/members/list", &[]).await;
    assert_eq!(status, 200, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].as_str().unwrap().to_string())
        .collect()
}

/// Sign-in cookie's secret from a response that set one.
fn session_from(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("courant_session="))
        .map(|c| c.split(';').next().unwrap().to_string())
        .filter(|s| !s.is_empty())
}

async fn accept_as_new(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.anon
        .post(app.url("/api/invitations/accept_new"))
        .form(&[("token", token), ("password", password)])
        .send()
        .await
        .unwrap()
}

/// A self-made admin: a new account with an organisation of its own.
async fn outsider_admin(app: &TestApp, email: &str) -> (i64, i64, String) {
    let user = accounts::create_user(&app.engine, email, PASSWORD)
        .await
        .unwrap();
    let org = accounts::create_organisation(&app.engine, "Elsewhere", user)
        .await
        .unwrap();
    (user, org, app.session_of(user, org).await)
}

async fn an_invitation_never_lets_the_inviter_know_or_set_a_password(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.session_of(app.admin_id, 1).await;
    let (status, created) = app
        .call_as(
            &admin,
            "/api/members/invite",
            json!({ "email": "Nina@Courant.test", "role": "editor" }),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    assert!(created.get("password").is_none(), "{created}");
    assert!(
        !created.to_string().to_lowercase().contains("password"),
        "{created}"
    );
    // Until she accepts, she is neither an account nor a member.
    let mut conn = app.engine.db.read.acquire().await.unwrap();
    assert!(accounts::find_by_email(&mut conn, "nina@courant.test")
        .await
        .unwrap()
        .is_none());
    drop(conn);
    assert!(!member_emails(&app, &admin)
        .await
        .contains(&"nina@courant.test".to_string()));
    let (_, pending) = app
        .call_form_as(&admin, "/api/members/invitations", &[])
        .await;
    assert_eq!(pending[0]["email"], "nina@courant.test");

    // She opens the link and chooses her own password; she is signed in, as an editor.
    let token = token_of(&created);
    let (status, view) = app
        .call_form("/api/invitations/view", &[("token", &token)])
        .await;
    assert_eq!(
        (status, view["has_account"].as_bool()),
        (200, Some(false)),
        "{view}"
    );
    let res = accept_as_new(&app, &token, CHOSEN).await;
    assert_eq!(res.status(), 200);
    let nina = session_from(&res).expect("signed in");
    let (status, me) = app.call_form_as(&nina, "/api/auth/me", &[]).await;
    assert_eq!((status, me["role"].as_str()), (200, Some("editor")), "{me}");
    assert!(app
        .sign_in("nina@courant.test", CHOSEN)
        .await
        .status()
        .is_success());

    // Another organisation's self-made admin invites her later: no membership until she
    // accepts, signed in to her own account; the link cannot make her a new password.
    let (_, _, boss) = outsider_admin(&app, "boss@elsewhere.test").await;
    let token = invite(&app, &boss, "nina@courant.test", "admin").await;
    assert!(!member_emails(&app, &boss)
        .await
        .contains(&"nina@courant.test".to_string()));
    let (_, view) = app
        .call_form("/api/invitations/view", &[("token", &token)])
        .await;
    assert_eq!(view["has_account"], true);
    let res = accept_as_new(&app, &token, "someone else's pick 42").await;
    assert_eq!(res.status(), 422);
    assert!(
        app.sign_in("nina@courant.test", "someone else's pick 42")
            .await
            .status()
            == 401
    );
    let (status, body) = app
        .call_form_as(&nina, "/api/invitations/accept", &[("token", &token)])
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(member_emails(&app, &boss)
        .await
        .contains(&"nina@courant.test".to_string()));
}

async fn an_invitation_link_works_once_for_its_own_email_until_it_expires(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.session_of(app.admin_id, 1).await;
    let token = invite(&app, &admin, "omar@courant.test", "supervisor").await;
    // Two acceptances at once: one account, one membership.
    let tries = [CHOSEN, "another fine passphrase"];
    let both = join_all(tries.map(|p| accept_as_new(&app, &token, p))).await;
    let mut statuses: Vec<u16> = both.iter().map(|r| r.status().as_u16()).collect();
    let omar_password = tries[statuses.iter().position(|s| *s == 200).expect("one wins")];
    statuses.sort();
    assert_eq!(statuses, [200, 410]);
    let res = accept_as_new(&app, &token, CHOSEN).await;
    assert_eq!(res.status(), 410, "a used link");

    // A withdrawn link and an expired one.
    let withdrawn = invite(&app, &admin, "pia@courant.test", "editor").await;
    let (_, pending) = app
        .call_form_as(&admin, "/api/members/invitations", &[])
        .await;
    let id = pending[0]["id"].as_str().unwrap().to_string();
    let (status, _) = app
        .call_form_as(&admin, "/api/members/invitations/revoke", &[("id", &id)])
        .await;
    assert_eq!(status, 200);
    assert_eq!(accept_as_new(&app, &withdrawn, CHOSEN).await.status(), 410);
    let expired = invite(&app, &admin, "quin@courant.test", "editor").await;
    let mut conn = app.engine.db.write.acquire().await.unwrap();
    sqlx::query("UPDATE invitations SET expires_at = 1 WHERE email = 'quin@courant.test'")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(accept_as_new(&app, &expired, CHOSEN).await.status(), 410);
    // An expired link makes way for a new one.
    let again = invite(&app, &admin, "quin@courant.test", "editor").await;
    assert_eq!(accept_as_new(&app, &again, CHOSEN).await.status(), 200);

    // Signed in to another account, an invitation for an existing one is refused.
    accounts::create_user(&app.engine, "rita@courant.test", PASSWORD)
        .await
        .unwrap();
    let for_rita = invite(&app, &admin, "rita@courant.test", "editor").await;
    let omar = session_from(&app.sign_in("omar@courant.test", omar_password).await).unwrap();
    let (status, body) = app
        .call_form_as(&omar, "/api/invitations/accept", &[("token", &for_rita)])
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(body.to_string().contains("rita@courant.test"), "{body}");
    // A common password is refused, with what to do.
    let for_sam = invite(&app, &admin, "sam@courant.test", "editor").await;
    let res = accept_as_new(&app, &for_sam, "password123").await;
    assert_eq!(res.status(), 422);
}

async fn role_changes_and_removals_reach_only_members(b: Backend) {
    let app = spawn_app(b).await;
    let (_, org, boss) = outsider_admin(&app, "boss@elsewhere.test").await;
    let _ = org;
    // The default organisation's members, by the ids its own admin sees.
    let admin = app.session_of(app.admin_id, 1).await;
    member(&app.engine, "ed@courant.test", 1, Role::Editor).await;
    let (_, list) = app.call_form_as(&admin, "/api/members/list", &[]).await;
    let ids: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    assert!(
        ids.iter()
            .all(|id| id.len() >= 20 && id.parse::<i64>().is_err()),
        "{ids:?}"
    );
    for id in ids.iter().map(String::as_str).chain(["1", "2", "3"]) {
        let (status, _) = app
            .call_as(
                &boss,
                "/api/members/role",
                json!({ "member": id, "role": "editor" }),
            )
            .await;
        assert_eq!(status, 404, "role of {id}");
        let (status, _) = app
            .call_as(&boss, "/api/members/remove", json!({ "member": id }))
            .await;
        assert_eq!(status, 404, "removal of {id}");
    }
    assert_eq!(member_emails(&app, &boss).await, ["boss@elsewhere.test"]);
    assert_eq!(member_emails(&app, &admin).await.len(), 2);
}

async fn a_removed_member_stays_out_when_invited_again(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.session_of(app.admin_id, 1).await;
    let ed = member(&app.engine, "ed@courant.test", 1, Role::Editor).await;
    let ed_session = app.session_of(ed, 1).await;
    let ed_token = app_server_token(&app, ed).await;
    let (_, list) = app.call_form_as(&admin, "/api/members/list", &[]).await;
    let ed_id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "ed@courant.test")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, _) = app
        .call_as(&admin, "/api/members/remove", json!({ "member": ed_id }))
        .await;
    assert_eq!(status, 200);

    // Invited again and accepted with a new sign-in: the old cookie and token stay dead.
    let token = invite(&app, &admin, "ed@courant.test", "editor").await;
    let fresh = session_from(&app.sign_in("ed@courant.test", PASSWORD).await).unwrap();
    let (status, _) = app
        .call_form_as(&fresh, "/api/invitations/accept", &[("token", &token)])
        .await;
    assert_eq!(status, 200);
    let (status, _) = app
        .call_form_as(&fresh, "/api/list/staff", &[("collection", "team")])
        .await;
    assert_eq!(status, 200, "the new session works");
    let (status, _) = app
        .call_form_as(&ed_session, "/api/list/staff", &[("collection", "team")])
        .await;
    assert_eq!(status, 401, "the old session");
    let res = client_with_token(&ed_token)
        .post(app.url("/api/list/staff"))
        .form(&[("collection", "team")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "the old token");
}

async fn app_server_token(app: &TestApp, user: i64) -> String {
    app::identity::server::sessions::create_token(&app.engine, user, 1, "script")
        .await
        .unwrap()
        .1
}

async fn the_last_admin_stays_when_two_admins_demote_each_other_at_once(b: Backend) {
    let app = spawn_app(b).await;
    let (boss, org, boss_session) = outsider_admin(&app, "boss@elsewhere.test").await;
    let deputy = accounts::create_user(&app.engine, "deputy@elsewhere.test", PASSWORD)
        .await
        .unwrap();
    let deputy_session = app.session_of(deputy, org).await;
    let id_of = |list: &Value, email: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    for round in 0..10 {
        accounts::set_membership(&app.engine, org, boss, Role::Admin)
            .await
            .unwrap();
        accounts::set_membership(&app.engine, org, deputy, Role::Admin)
            .await
            .unwrap();
        let (_, list) = app
            .call_form_as(&boss_session, "/api/members/list", &[])
            .await;
        let (boss_id, deputy_id) = (
            id_of(&list, "boss@elsewhere.test"),
            id_of(&list, "deputy@elsewhere.test"),
        );
        join_all([
            app.call_as(
                &boss_session,
                "/api/members/role",
                json!({ "member": deputy_id, "role": "editor" }),
            ),
            app.call_as(
                &deputy_session,
                "/api/members/role",
                json!({ "member": boss_id, "role": "editor" }),
            ),
        ])
        .await;
        let mut conn = app.engine.db.read.acquire().await.unwrap();
        let admins: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'admin'",
        )
        .bind(org)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(admins, 1, "round {round}");
    }
}

async fn organisations_created_at_once_each_get_their_own_id_and_the_day_has_a_limit(b: Backend) {
    let app = spawn_app(b).await;
    let mut sessions = Vec::new();
    for i in 0..10 {
        let user = accounts::create_user(&app.engine, &format!("founder{i}@x.test"), PASSWORD)
            .await
            .unwrap();
        sessions.push(app.session_of(user, 1).await);
    }
    let app = &app;
    let created = join_all(sessions.iter().enumerate().map(|(i, s)| {
        let name = format!("Startup {i}");
        async move {
            app.call_form_as(s, "/api/auth/organisations/create", &[("name", &name)])
                .await
        }
    }))
    .await;
    let mut ids: Vec<i64> = created
        .iter()
        .map(|(status, org)| {
            assert_eq!(*status, 200, "{org}");
            org["id"].as_i64().unwrap()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 10);

    // One account: five a day, then a clear refusal.
    for i in 1..Quotas::default().organisations_per_day {
        let (status, _) = app
            .call_form_as(
                &sessions[0],
                "/api/auth/organisations/create",
                &[("name", &format!("More {i}"))],
            )
            .await;
        assert_eq!(status, 200);
    }
    let (status, body) = app
        .call_form_as(
            &sessions[0],
            "/api/auth/organisations/create",
            &[("name", "One too many")],
        )
        .await;
    assert_eq!(status, 429);
    assert!(body.to_string().contains("Try again tomorrow"), "{body}");
}

async fn parallel_guesses_are_counted_before_any_is_checked(b: Backend) {
    let app = spawn_app(b).await;
    let mut guesses: Vec<String> = (0..39).map(|i| format!("wrong guess {i}")).collect();
    guesses.push(PASSWORD.to_string());
    let answers = join_all(guesses.iter().map(|g| app.sign_in(ADMIN_EMAIL, g))).await;
    let checked = answers.iter().filter(|r| r.status() != 429).count();
    assert!(
        checked <= 5,
        "{checked} of 40 parallel guesses were checked"
    );

    // Changing one's password is throttled the same way.
    let user = accounts::create_user(&app.engine, "pat@courant.test", PASSWORD)
        .await
        .unwrap();
    let pat = app.session_of(user, 1).await;
    let mut statuses = Vec::new();
    for i in 0..6 {
        let (status, _) = app
            .call_form_as(
                &pat,
                "/api/auth/password",
                &[("current", &format!("not it {i}")), ("new", CHOSEN)],
            )
            .await;
        statuses.push(status);
    }
    assert_eq!(statuses, [422, 422, 422, 422, 422, 429]);
}

async fn a_password_change_closes_the_other_sessions_at_once(b: Backend) {
    let app = spawn_app(b).await;
    let user = member(&app.engine, "lea@courant.test", 1, Role::Editor).await;
    let here = app.session_of(user, 1).await;
    let elsewhere = app.session_of(user, 1).await;
    let token = app_server_token(&app, user).await;
    let mut here_ws = app.live_with_session(&here).await;
    let mut elsewhere_ws = app.live_with_session(&elsewhere).await;
    let mut token_ws = app.live_with(0, "staff", Some(&token), None).await.unwrap();

    let (status, body) = app
        .call_form_as(
            &here,
            "/api/auth/password",
            &[
                ("current", PASSWORD),
                ("new", CHOSEN),
                ("revoke_tokens", "on"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    expect_closed(&mut elsewhere_ws).await;
    expect_closed(&mut token_ws).await;
    let (status, _) = app
        .call_form_as(&elsewhere, "/api/list/staff", &[("collection", "team")])
        .await;
    assert_eq!(status, 401);
    let (status, _) = app
        .call_form_as(&here, "/api/list/staff", &[("collection", "team")])
        .await;
    assert_eq!(status, 200, "the session that changed it stays");
    // This page's own socket carries on.
    app.set_field("tagline", "Still here").await;
    assert!(matches!(
        next_msg(&mut here_ws).await,
        app::core::protocol::ServerMsg::Change { .. }
    ));
}

async fn an_admin_who_leaves_leaves_no_invitation_behind(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.session_of(app.admin_id, 1).await;
    let second = member(&app.engine, "second@courant.test", 1, Role::Admin).await;
    let second_session = app.session_of(second, 1).await;
    let second_id = |list: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == "second@courant.test")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // Demoted: the invitation they sent (to an account of their own, say) is withdrawn.
    let demoted = invite(&app, &second_session, "alt-one@elsewhere.test", "admin").await;
    let (_, list) = app.call_form_as(&admin, "/api/members/list", &[]).await;
    let (status, _) = app
        .call_as(
            &admin,
            "/api/members/role",
            json!({ "member": second_id(&list), "role": "editor" }),
        )
        .await;
    assert_eq!(status, 200);
    assert!(!accept_as_new(&app, &demoted, CHOSEN)
        .await
        .status()
        .is_success());
    // Removed: the same.
    member(&app.engine, "second@courant.test", 1, Role::Admin).await;
    let second_session = app.session_of(second, 1).await;
    let removed = invite(&app, &second_session, "alt-two@elsewhere.test", "admin").await;
    let (_, list) = app.call_form_as(&admin, "/api/members/list", &[]).await;
    let (status, _) = app
        .call_as(
            &admin,
            "/api/members/remove",
            json!({ "member": second_id(&list) }),
        )
        .await;
    assert_eq!(status, 200);
    assert!(!accept_as_new(&app, &removed, CHOSEN)
        .await
        .status()
        .is_success());
    let (_, pending) = app
        .call_form_as(&admin, "/api/members/invitations", &[])
        .await;
    assert_eq!(pending.as_array().map(Vec::len), Some(0), "{pending}");
    // An admin's own invitations stay.
    let kept = invite(&app, &admin, "newcomer@elsewhere.test", "editor").await;
    assert!(accept_as_new(&app, &kept, CHOSEN)
        .await
        .status()
        .is_success());
}

async fn handing_organisations_over_does_not_reset_the_daily_limit(b: Backend) {
    let app = spawn_app(b).await;
    let (founder, first_org, _) = outsider_admin(&app, "founder@x.test").await;
    let friend = accounts::create_user(&app.engine, "friend@x.test", PASSWORD)
        .await
        .unwrap();
    let mut kept = first_org;
    for i in 1..Quotas::default().organisations_per_day {
        kept = accounts::create_organisation(&app.engine, &format!("More {i}"), founder)
            .await
            .unwrap();
    }
    let session = app.session_of(founder, kept).await;
    // The founder hands the first one over and leaves it: it still counts as theirs today.
    accounts::set_membership(&app.engine, first_org, friend, Role::Admin)
        .await
        .unwrap();
    let friend_session = app.session_of(friend, first_org).await;
    let (_, list) = app
        .call_form_as(&friend_session, "/api/members/list", &[])
        .await;
    let founder_id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "founder@x.test")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, _) = app
        .call_as(
            &friend_session,
            "/api/members/remove",
            json!({ "member": founder_id }),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = app
        .call_form_as(
            &session,
            "/api/auth/organisations/create",
            &[("name", "Again")],
        )
        .await;
    assert_eq!(status, 429, "{body}");
}

async fn invitations_have_a_daily_limit(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.session_of(app.admin_id, 1).await;
    for i in 0..Quotas::default().invitations_per_day {
        invite(&app, &admin, &format!("person{i}@x.test"), "editor").await;
    }
    let (status, body) = app
        .call_as(
            &admin,
            "/api/members/invite",
            json!({ "email": "one-more@x.test", "role": "editor" }),
        )
        .await;
    assert_eq!(status, 429, "{body}");
    assert!(body.to_string().contains("Try again tomorrow"), "{body}");
}

async fn the_same_person_invited_or_signing_up_twice_at_once_gets_a_clear_answer(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.session_of(app.admin_id, 1).await;
    let second = member(&app.engine, "second@courant.test", 1, Role::Admin).await;
    let second = app.session_of(second, 1).await;
    // Two admins invite one person at the same moment: one link, and a clear answer.
    let app = &app;
    let both = join_all([&admin, &second].map(|s| async move {
        app.call_as(
            s,
            "/api/members/invite",
            json!({ "email": "twice@x.test", "role": "editor" }),
        )
        .await
    }))
    .await;
    let mut statuses: Vec<u16> = both.iter().map(|(s, _)| *s).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 422], "{both:?}");
    let (_, refused) = both.iter().find(|(s, _)| *s == 422).unwrap();
    assert!(
        refused.to_string().contains("invitation waiting"),
        "{refused}"
    );
    let (_, pending) = app
        .call_form_as(&admin, "/api/members/invitations", &[])
        .await;
    assert_eq!(pending.as_array().map(Vec::len), Some(1), "{pending}");
    let (status, _) = app
        .call_as(
            &admin,
            "/api/members/invite",
            json!({ "email": "twice@x.test", "role": "editor" }),
        )
        .await;
    assert_eq!(status, 422, "still waiting");

    // Two organisations invite one new person, who accepts both links at the same moment:
    // one account, and a clear answer for the other link.
    let here = invite(app, &admin, "newbie@x.test", "editor").await;
    let (_, _, boss) = outsider_admin(app, "boss@elsewhere.test").await;
    let there = invite(app, &boss, "newbie@x.test", "editor").await;
    let both = join_all([&here, &there].map(|t| accept_as_new(app, t, CHOSEN))).await;
    let mut statuses: Vec<u16> = both.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 422]);
}

async fn an_address_that_is_not_one_is_refused_and_nobody_is_invited(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.session_of(app.admin_id, 1).await;
    for bad in [
        "<script>x</script>@a.com",
        "Eve <eve@x.test>",
        "eve@[127.0.0.1]",
        "eve@localhost",
        "\"eve smith\"@x.test",
    ] {
        let (status, body) = app
            .call_as(
                &admin,
                "/api/members/invite",
                json!({ "email": bad, "role": "editor" }),
            )
            .await;
        assert_eq!(status, 422, "{bad}: {body}");
        assert!(body.to_string().contains("email"), "{bad}: {body}");
    }
    let mut conn = app.engine.db.read.acquire().await.unwrap();
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invitations")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(count, 0);
}
