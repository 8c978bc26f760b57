//! The sign-in and password forms work as plain HTML forms (before or without the WASM), the
//! backoffice sends signed-out visitors to sign in and back, and no password reaches a URL.

use base64::engine::general_purpose::URL_SAFE;
use base64::Engine as _;
use reqwest::header::{ACCEPT, LOCATION, ORIGIN, REFERER, SET_COOKIE};
use reqwest::redirect::Policy;

use crate::common::{location, member, spawn_app, Backend, TestApp, ADMIN_EMAIL, HTML, PASSWORD};
use app::core::roles::Role;

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .default_headers(crate::common::english_headers())
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// A form on `from` (a page of the app) posted the way a browser does without script.
async fn post_form(
    app: &TestApp,
    path: &str,
    from: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = browser()
        .post(app.url(path))
        .header(ACCEPT, HTML)
        .header(ORIGIN, format!("http://{}", app.addr))
        .header(REFERER, app.url(from))
        .form(form);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    req.send().await.unwrap()
}

async fn get_page(app: &TestApp, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut req = browser().get(app.url(path)).header(ACCEPT, HTML);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    req.send().await.unwrap()
}

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("courant_session=") && !c.starts_with("courant_session=;"))
        .map(|c| c.split(';').next().unwrap().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_out_visit_to_the_backoffice_signs_in_with_a_plain_form_and_comes_back() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = get_page(&app, "/admin/team?filter=drafts", None).await;
    assert_eq!(res.status(), 303);
    let sign_in_page = location(&res);
    assert_eq!(
        sign_in_page,
        "/signin?next=%2Fadmin%2Fteam%3Ffilter%3Ddrafts"
    );
    for path in [
        "/admin",
        "/admin/settings",
        "/admin/members",
        "/admin/account",
    ] {
        let res = get_page(&app, path, None).await;
        assert_eq!(res.status(), 303, "{path}");
        assert!(location(&res).starts_with("/signin?next="), "{path}");
    }

    // The page carries `next` into its form, as a field the browser posts back.
    let html = get_page(&app, &sign_in_page, None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"name="next" value="/admin/team?filter=drafts""#),
        "the sign-in form keeps the page asked for: {html}"
    );
    assert!(html.contains(r#"method="post""#) && html.contains(r#"action="/api/auth/sign_in""#));

    let res = post_form(
        &app,
        "/api/auth/sign_in",
        &sign_in_page,
        None,
        &[
            ("next", "/admin/team?filter=drafts"),
            ("email", ADMIN_EMAIL),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(res.status(), 302);
    assert_eq!(location(&res), "/admin/team?filter=drafts");
    let cookie = session_cookie(&res).expect("a session cookie");

    let res = get_page(&app, "/admin/team?filter=drafts", Some(&cookie)).await;
    assert_eq!(res.status(), 200, "signed in, the page itself");
    // Signed in, the sign-in page leads on; the bare /admin is the admin's dashboard.
    let res = get_page(&app, "/signin?next=%2Fadmin%2Fmembers", Some(&cookie)).await;
    assert_eq!(
        (res.status().as_u16(), location(&res)),
        (303, "/admin/members".into())
    );
    let res = get_page(&app, "/admin", Some(&cookie)).await;
    assert_eq!(res.status(), 200);
    // The public site never asks anyone to sign in.
    assert_eq!(get_page(&app, "/", None).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_comes_back_to_the_form_with_the_error_and_never_in_a_url() {
    let app = spawn_app(Backend::Sqlite).await;
    let secret = "not-the-password-42";
    let from = "/signin?next=%2Fadmin%2Fservices";
    let res = post_form(
        &app,
        "/api/auth/sign_in",
        from,
        None,
        &[
            ("next", "/admin/services"),
            ("email", ADMIN_EMAIL),
            ("password", secret),
        ],
    )
    .await;
    assert_eq!(res.status(), 302, "back to the form, not a bare error page");
    assert!(session_cookie(&res).is_none());
    let back = location(&res);
    assert_eq!(back, "/signin?next=%2Fadmin%2Fservices&problem=credentials");
    let html = get_page(&app, &back, None).await.text().await.unwrap();
    assert!(
        html.contains("Wrong email or password"),
        "the page shows why: {html}"
    );
    assert!(!html.contains(secret));

    // A browser that sends no Referer comes back to the same place.
    let res = browser()
        .post(app.url("/api/auth/sign_in"))
        .header(ACCEPT, HTML)
        .header(ORIGIN, format!("http://{}", app.addr))
        .form(&[
            ("next", "/admin/team"),
            ("email", ADMIN_EMAIL),
            ("password", secret),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        location(&res),
        "/signin?next=%2Fadmin%2Fteam&problem=credentials"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crafted_link_cannot_write_its_own_message_into_the_sign_in_page() {
    let app = spawn_app(Backend::Sqlite).await;
    // server_fn's own encoding of an error in a URL: base64 of the error's JSON.
    let planted = "Courant has moved: sign in at evil.example";
    let err = URL_SAFE.encode(serde_json::json!({ "SignIn": planted }).to_string());
    let html = get_page(
        &app,
        &format!("/signin?__path=%2Fapi%2Fauth%2Fsign_in&__err={err}&problem=Hello"),
        None,
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        !html.contains("evil.example") && !html.contains("Hello"),
        "{html}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_form_endpoints_answer_a_browser_form_with_a_redirect() {
    let app = spawn_app(Backend::Sqlite).await;
    // Any other server function keeps its error status, whatever the request accepts.
    let res = browser()
        .post(app.url("/api/settings/save"))
        .header(ACCEPT, HTML)
        .json(&serde_json::json!({ "edit": { "id": "main", "base_version": 0, "changes": {} } }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = browser()
        .post(app.url("/api/list/staff"))
        .header(ACCEPT, HTML)
        .form(&[("collection", "team")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_page_elsewhere_is_not_followed() {
    let app = spawn_app(Backend::Sqlite).await;
    for hostile in ["https://evil.example/", "//evil.example", "/\\evil.example"] {
        let res = post_form(
            &app,
            "/api/auth/sign_in",
            "/signin",
            None,
            &[
                ("next", hostile),
                ("email", ADMIN_EMAIL),
                ("password", PASSWORD),
            ],
        )
        .await;
        // The backoffice's front door, which then opens on the role's first page.
        assert_eq!(location(&res), "/admin", "{hostile}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripts_keep_their_json_answers_and_statuses() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app.sign_in(ADMIN_EMAIL, PASSWORD).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get(LOCATION).is_none());
    let me: serde_json::Value = res.json().await.unwrap();
    assert_eq!(me["email"], ADMIN_EMAIL);
    let res = app.sign_in(ADMIN_EMAIL, "wrong one").await;
    assert_eq!(res.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_changed_without_script_lands_on_the_account_page() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = post_form(
        &app,
        "/api/auth/sign_in",
        "/signin",
        None,
        &[("email", ADMIN_EMAIL), ("password", PASSWORD)],
    )
    .await;
    let cookie = session_cookie(&res).unwrap();

    let res = post_form(
        &app,
        "/api/auth/password",
        "/admin/account",
        Some(&cookie),
        &[
            ("current", "a wrong one"),
            ("new", "a brand new passphrase"),
        ],
    )
    .await;
    assert_eq!(res.status(), 302);
    let back = location(&res);
    assert_eq!(back, "/admin/account?problem=current");
    let html = get_page(&app, &back, Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("This is not your current password."),
        "{html}"
    );

    let res = post_form(
        &app,
        "/api/auth/password",
        "/admin/account",
        Some(&cookie),
        &[("current", PASSWORD), ("new", "a brand new passphrase")],
    )
    .await;
    assert_eq!(
        (res.status().as_u16(), location(&res)),
        (302, "/admin/account?changed=password".into())
    );
    let html = get_page(&app, "/admin/account?changed=password", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Password changed."), "{html}");

    let res = post_form(
        &app,
        "/api/auth/sign_in",
        "/signin",
        None,
        &[
            ("email", ADMIN_EMAIL),
            ("password", "a brand new passphrase"),
        ],
    )
    .await;
    assert!(session_cookie(&res).is_some(), "the new password signs in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backoffice_front_door_opens_on_the_first_page_the_role_can_use() {
    let app = spawn_app(Backend::Sqlite).await;
    let operator = member(&app.engine, "olga@courant.test", 1, Role::Operator).await;
    let supervisor = member(&app.engine, "sam@courant.test", 1, Role::Supervisor).await;
    let editor = member(&app.engine, "eddy@courant.test", 1, Role::Editor).await;
    // Who serves customers opens on the dashboard, /admin itself; an editor on the content.
    for (user, redirect) in [
        (app.admin_id, None),
        (operator, None),
        (supervisor, None),
        (editor, Some("/admin/settings")),
    ] {
        let cookie = format!("courant_session={}", app.session_of(user, 1).await);
        let res = get_page(&app, "/admin", Some(&cookie)).await;
        match redirect {
            Some(home) => assert_eq!(
                (res.status().as_u16(), location(&res)),
                (303, home.to_string())
            ),
            None => assert_eq!(res.status(), 200),
        }
        // Signing in with nowhere asked for goes through the same door.
        let res = get_page(&app, "/signin", Some(&cookie)).await;
        assert_eq!(location(&res), "/admin");
    }
}
