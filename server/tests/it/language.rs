//! The language a request is answered in: French by default, English when the browser asks
//! for it (`Accept-Language`), the `courant_lang` cookie over both; the page's `<html lang>`
//! and the server's error messages follow it.

use reqwest::header::{ACCEPT_LANGUAGE, AUTHORIZATION, COOKIE};
use serde_json::json;

use crate::common::{spawn_app, Backend, TestApp};

on_both_backends!(pages_and_errors_follow_the_asked_language);

async fn page(app: &TestApp, headers: &[(reqwest::header::HeaderName, &str)]) -> String {
    let mut req = reqwest::Client::new().get(app.url("/team"));
    for (name, value) in headers {
        req = req.header(name.clone(), *value);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

/// The settings save with an email no one can write to, answered in the asked language.
async fn refused_email(app: &TestApp, headers: &[(reqwest::header::HeaderName, &str)]) -> String {
    let from = app.settings().await["email"].clone();
    let mut req = reqwest::Client::new()
        .post(app.url("/api/settings/save"))
        .header(AUTHORIZATION, format!("Bearer {}", app.admin_token))
        .json(&json!({ "edit": { "id": "main", "base_version": 0,
            "changes": { "email": { "from": from, "to": "not an address" } } } }));
    for (name, value) in headers {
        req = req.header(name.clone(), *value);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 422);
    res.text().await.unwrap()
}

async fn pages_and_errors_follow_the_asked_language(b: Backend) {
    let app = spawn_app(b).await;

    let french = page(&app, &[]).await;
    assert!(french.contains(r#"lang="fr""#), "{french}");
    assert!(french.contains(">Équipe<"), "the nav in French: {french}");

    let english = page(&app, &[(ACCEPT_LANGUAGE, "en-GB,en;q=0.9,fr;q=0.5")]).await;
    assert!(english.contains(r#"lang="en""#), "{english}");
    assert!(english.contains(">Team<"), "{english}");

    // The switch's cookie wins over what the browser asks for, both ways.
    let chosen = page(
        &app,
        &[(ACCEPT_LANGUAGE, "fr"), (COOKIE, "courant_lang=en")],
    )
    .await;
    assert!(chosen.contains(r#"lang="en""#), "{chosen}");
    let chosen = page(
        &app,
        &[(ACCEPT_LANGUAGE, "en"), (COOKIE, "courant_lang=fr")],
    )
    .await;
    assert!(chosen.contains(r#"lang="fr""#), "{chosen}");

    // Field messages are written by the server in the request's language.
    let fr = refused_email(&app, &[]).await;
    assert!(fr.contains("Saisissez une adresse e-mail"), "{fr}");
    let en = refused_email(&app, &[(COOKIE, "courant_lang=en")]).await;
    assert!(en.contains("Enter an email address"), "{en}");
}
