//! Every registered server function, sent bodies it cannot read — the wrong encoding, missing
//! fields, wrong types, a 1 MiB string, JSON nested 200 deep, bytes that are not text —
//! answers 4xx with a message a person can act on (never 500, never the parser's own words),
//! and the server keeps answering afterwards.

use leptos::server_fn::axum::server_fn_paths;
use reqwest::header::CONTENT_TYPE;

use crate::common::*;

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

/// The bodies each function is sent: (what it is, content type, body).
fn malformed_bodies() -> Vec<(&'static str, Option<&'static str>, Vec<u8>)> {
    let deep_json = format!(
        r#"{{"collection":{}1{},"items":{}{}}}"#,
        "[".repeat(200),
        "]".repeat(200),
        r#"{"a":"#.repeat(200),
        "}".repeat(200)
    );
    let deep_form = format!("collection{}=1", "[a]".repeat(200));
    // Names the functions use, each with a value of the wrong type.
    let wrong_types = r#"{"collection":1,"op":[],"payload":"x","options":7,"id":{},"token":5,
        "email":[],"password":7,"next":{},"org":"abc","version":"x","items":{},"edit":3,
        "url":[],"secret":{},"name":{},"role":"pope","member":1,"current":1,"new":1,
        "revoke_tokens":[]}"#;
    let wrong_form = "collection[]=1&org=abc&version=x&role=pope&items[a]=1&id[b]=2&edit=3";
    let huge = format!(r#"{{"token":"{}"}}"#, "x".repeat(1024 * 1024));
    vec![
        ("truncated JSON", Some(JSON), br#"{"collection":"#.to_vec()),
        (
            "JSON of wrong types",
            Some(JSON),
            wrong_types.as_bytes().to_vec(),
        ),
        ("JSON with no fields", Some(JSON), b"{}".to_vec()),
        ("a JSON array", Some(JSON), b"[1,2,3]".to_vec()),
        ("JSON nested 200 deep", Some(JSON), deep_json.into_bytes()),
        ("a 1 MiB string", Some(JSON), huge.into_bytes()),
        (
            "a form of wrong types",
            Some(FORM),
            wrong_form.as_bytes().to_vec(),
        ),
        ("an empty form", Some(FORM), Vec::new()),
        ("a form nested 200 deep", Some(FORM), deep_form.into_bytes()),
        (
            "bytes that are not text",
            Some(FORM),
            vec![0xff, 0xfe, b'=', 0xc0],
        ),
        ("plain text", Some("text/plain"), b"hello".to_vec()),
        ("no content type", None, br#"{"id":"x"}"#.to_vec()),
    ]
}

/// Words of the parsers' own messages, which must never reach the caller.
const PARSER_WORDS: [&str; 6] = [
    "deserializ",
    "missing field",
    "recursion limit",
    "invalid type",
    "expected",
    "server function",
];

on_both_backends!(
    no_server_function_answers_500_to_a_malformed_body,
    the_answer_names_what_the_function_expects,
);

async fn no_server_function_answers_500_to_a_malformed_body(b: Backend) {
    let app = spawn_app(b).await;
    let mut paths: Vec<_> = server_fn_paths().collect();
    paths.sort_by_key(|(p, _)| *p);
    assert!(
        paths.len() >= 30,
        "the walk found {} functions",
        paths.len()
    );
    let bodies = malformed_bodies();
    // A fresh connection for each request: the server drops one whose body it refused to
    // read (the 1 MiB string), and a pooled one would fail the next request.
    let client = |token: Option<&str>| {
        let mut headers = english_headers();
        if let Some(token) = token {
            headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
        }
        reqwest::Client::builder()
            .default_headers(headers)
            .pool_max_idle_per_host(0)
            .build()
            .unwrap()
    };
    let clients = [client(Some(&app.admin_token)), client(None)];
    let (mut sent, mut server_errors, mut failures) = (0, 0, Vec::new());
    for (path, method) in &paths {
        for client in &clients {
            for (what, content_type, body) in &bodies {
                let mut req = client
                    .request(method.clone(), app.url(path))
                    .body(body.clone());
                if let Some(ct) = content_type {
                    req = req.header(CONTENT_TYPE, *ct);
                }
                let res = req.send().await.unwrap();
                let status = res.status().as_u16();
                let text = res.text().await.unwrap_or_default();
                sent += 1;
                if status >= 500 {
                    server_errors += 1;
                }
                let leaks = PARSER_WORDS.iter().any(|w| text.to_lowercase().contains(w));
                if !(400..500).contains(&status) && status != 200 || leaks {
                    failures.push(format!("{path} given {what}: {status} {text:.200}"));
                }
                if status == 400 && !(text.contains(JSON) || text.contains(FORM)) {
                    failures.push(format!(
                        "{path} given {what}: 400 names no encoding: {text:.200}"
                    ));
                }
            }
        }
    }
    eprintln!(
        "malformed-body walk: {} functions, {sent} requests, {server_errors} answered 5xx",
        paths.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Still serving, and a well-formed call still works.
    let (status, _) = app
        .call_form("/api/list/public", &[("collection", "services")])
        .await;
    assert_eq!(status, 200);
}

async fn the_answer_names_what_the_function_expects(b: Backend) {
    let app = spawn_app(b).await;
    // The example from the issue: a form-encoded function given JSON.
    let res = app
        .anon
        .post(app.url("/api/invitations/accept_new"))
        .json(&serde_json::json!({ "password": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let text = res.text().await.unwrap();
    assert!(text.contains(FORM), "{text}");
    assert!(!text.contains("token"), "echoes the parser: {text}");
    // A JSON function given a form, in French when French is asked for.
    let res = app
        .http
        .post(app.url("/api/sync"))
        .header("accept-language", "fr")
        .form(&[("collection", "services")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let text = res.text().await.unwrap();
    assert!(text.contains(JSON), "{text}");
    assert!(text.contains("illisible"), "{text}");
    assert!(!text.contains("results"), "{text}");
    // The wrong method: 405, which one works, and why in words.
    let res = app.anon.get(app.url("/api/sync")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 405);
    assert_eq!(res.headers()["allow"], "POST");
    assert!(res.text().await.unwrap().contains("POST"));
}

/// The answer names what each function reads only if startup.rs declares every function.
#[test]
fn every_server_function_declares_what_it_reads() {
    let declared: std::collections::BTreeSet<_> = app::startup::server_functions()
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    let registered: std::collections::BTreeSet<_> = server_fn_paths().map(|(p, _)| p).collect();
    let missing: Vec<_> = registered.difference(&declared).collect();
    assert!(
        missing.is_empty(),
        "add these to app::startup::server_functions: {missing:?}"
    );
}
