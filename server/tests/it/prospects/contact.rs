//! The public site's contact form: a prospect from a visitor's message, the same answer
//! whatever the team knows, a honeypot, a limit per address.

use serde_json::Value;

use crate::common::*;

on_both_backends!(a_message_makes_a_prospect_and_says_nothing_of_others,);

async fn send(app: &TestApp, address: &str, form: &[(&str, &str)]) -> (u16, Value) {
    app.visit("/api/contact", form, address).await
}

async fn a_message_makes_a_prospect_and_says_nothing_of_others(b: Backend) {
    let app = spawn_app_behind_proxy(b).await;
    let form = [
        ("name", "Paul Durand"),
        ("email", "Paul@Example.org"),
        ("phone", "+33 6 12 34 56 78"),
        ("message", "Un gâteau pour 30 personnes, samedi ?"),
    ];
    let (status, first) = send(&app, "203.0.113.1", &form).await;
    assert_eq!(status, 200, "{first}");
    let list = super::booking::prospects(&app).await;
    assert_eq!(list.len(), 1);
    let p = &list[0];
    assert_eq!(
        (
            p["first_name"].as_str(),
            p["last_name"].as_str(),
            p["email"].as_str(),
            p["source"].as_str()
        ),
        (
            Some("Paul"),
            Some("Durand"),
            Some("paul@example.org"),
            Some("site_form")
        )
    );
    assert!(
        p["notes"]
            .as_str()
            .unwrap()
            .contains("Un gâteau pour 30 personnes"),
        "{p}"
    );

    // The same person again: the same answer, their message added, no second prospect.
    let (status, again) = send(
        &app,
        "203.0.113.1",
        &[
            ("name", "Paul"),
            ("email", "paul@example.org"),
            ("message", "Et des macarons."),
        ],
    )
    .await;
    assert_eq!((status, &again), (200, &first));
    let list = super::booking::prospects(&app).await;
    assert_eq!(list.len(), 1);
    let notes = list[0]["notes"].as_str().unwrap();
    assert!(
        notes.contains("Un gâteau") && notes.contains("Et des macarons."),
        "{notes}"
    );

    // A bot fills the hidden field: thanked, nothing kept.
    let (status, _) = send(
        &app,
        "203.0.113.2",
        &[
            ("name", "Bot"),
            ("email", "bot@spam.test"),
            ("message", "buy"),
            ("website", "https://spam.test"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(super::booking::prospects(&app).await.len(), 1);

    // What is wrong is said by field; nothing is created.
    let (status, body) = send(
        &app,
        "203.0.113.3",
        &[("name", ""), ("email", "not an address"), ("message", "")],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let mut fields = validation_fields(&body);
    fields.sort();
    assert_eq!(fields, ["email", "message", "name"]);

    // An address may write a few times an hour.
    for i in 0..app::prospects::server::contact::PER_ADDRESS {
        let email = format!("p{i}@x.test");
        let (status, _) = send(
            &app,
            "198.51.100.7",
            &[("name", "P"), ("email", &email), ("message", "Bonjour")],
        )
        .await;
        assert_eq!(status, 200);
    }
    let (status, _) = send(
        &app,
        "198.51.100.7",
        &[
            ("name", "P"),
            ("email", "late@x.test"),
            ("message", "Bonjour"),
        ],
    )
    .await;
    assert_eq!(status, 429);
    // Nothing of any prospect ever comes back to a visitor.
    assert!(!first.to_string().contains("Durand"));
    let (status, _) = app
        .call_form_as("none", "/api/list/staff", &[("collection", "prospects")])
        .await;
    assert_eq!(status, 401);
}

/// The form posted as HTML, before or without the WASM: an error goes back to the form (with
/// server_fn's error in the address, which the page draws), never to a bare error page; a
/// message sent goes to the page's thanks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_form_post_comes_back_to_the_form_or_its_thanks() {
    use reqwest::header::{ACCEPT, REFERER};

    let app = spawn_app(Backend::Sqlite).await;
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let post = |form: &'static [(&'static str, &'static str)]| {
        browser
            .post(app.url("/api/contact"))
            .header(ACCEPT, HTML)
            .header(REFERER, app.url("/contact"))
            .form(form)
            .send()
    };

    let refused = post(&[("name", "Paul"), ("email", ""), ("message", "")])
        .await
        .unwrap();
    assert!(refused.status().is_redirection(), "{}", refused.status());
    let back = location(&refused);
    assert!(
        back.contains("/contact?") && back.contains("__err="),
        "{back}"
    );
    // The page it comes back to says so in its own words, not the address's (anyone can
    // write a link with words of their own there).
    let page = browser
        .get(&back)
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Votre message n’est pas parti"), "no message");
    assert!(
        !html.contains("E-mail est obligatoire"),
        "the address's text is shown"
    );

    let sent = post(&[
        ("name", "Paul Durand"),
        ("email", "paul@example.org"),
        ("message", "Bonjour"),
    ])
    .await
    .unwrap();
    assert!(sent.status().is_redirection(), "{}", sent.status());
    assert!(
        location(&sent).ends_with(app::prospects::api::SENT_PATH),
        "{}",
        location(&sent)
    );
    let thanks = browser
        .get(app.url(app::prospects::api::SENT_PATH))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(thanks.contains(r#"data-testid="contact-thanks""#));
    assert_eq!(super::booking::prospects(&app).await.len(), 1);
}
