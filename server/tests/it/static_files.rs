//! The site's files (/pkg, public/): precompressed when the browser takes it, answered 304 when
//! unchanged, kept a year when their name carries a hash, and never given the status of a page
//! rendered before them (leptos_axum's handler answered a .wasm with the 404 or 403 of the
//! page the same thread had just rendered: the page then never hydrated).

use reqwest::header::{
    HeaderName, HeaderValue, ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, IF_MODIFIED_SINCE,
    LAST_MODIFIED,
};
use reqwest::Response;

use crate::common::*;

const HASHED: &str = "pkg/courant.bCu2rQ3XvV9Xk1_Wn-aTmQ.wasm";

async fn site_with_files(app: &TestApp) {
    let pkg = app.site_root.join("pkg");
    tokio::fs::create_dir_all(&pkg).await.unwrap();
    tokio::fs::write(app.site_root.join(HASHED), b"plain wasm bytes")
        .await
        .unwrap();
    tokio::fs::write(app.site_root.join(format!("{HASHED}.br")), b"brotli bytes")
        .await
        .unwrap();
    tokio::fs::write(app.site_root.join("favicon.svg"), b"<svg/>")
        .await
        .unwrap();
}

/// GET `path` as a visitor, with `headers`.
async fn get(app: &TestApp, path: &str, headers: &[(HeaderName, HeaderValue)]) -> Response {
    let mut req = app.anon.get(app.url(path));
    for (name, value) in headers {
        req = req.header(name, value);
    }
    req.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_served_compressed_cached_and_with_their_own_status() {
    let app = spawn_app(Backend::Sqlite).await;
    site_with_files(&app).await;
    let hashed = format!("/{HASHED}");

    // A page answered 404 just before, again and again, on whichever thread: the file is 200.
    for _ in 0..20 {
        assert_eq!(get(&app, "/no-such-page", &[]).await.status(), 404);
        let file = get(&app, &hashed, &[]).await;
        assert_eq!(file.status(), 200);
        assert_eq!(file.bytes().await.unwrap().as_ref(), b"plain wasm bytes");
    }

    // Brotli when the browser takes it; its name's hash keeps it a year.
    let brotli = (
        ACCEPT_ENCODING,
        HeaderValue::from_static("gzip, deflate, br"),
    );
    let file = get(&app, &hashed, &[brotli]).await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()[CONTENT_ENCODING], "br");
    assert_eq!(
        file.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let modified = file.headers()[LAST_MODIFIED].clone();

    // Unchanged since: 304, nothing sent again.
    let again = get(&app, &hashed, &[(IF_MODIFIED_SINCE, modified)]).await;
    assert_eq!(again.status(), 304);

    // A file of public/ is served too; a name without a hash is asked for again each time.
    let icon = get(&app, "/favicon.svg", &[]).await;
    assert_eq!(icon.status(), 200);
    assert!(icon.headers().get(CACHE_CONTROL).is_none());
    assert_eq!(get(&app, "/pkg/courant.wasm", &[]).await.status(), 404);

    // A form posted to a missing address still gets the not-found page, not a bare 405.
    let post = app
        .anon
        .post(app.url("/no-such-page"))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 404);
}
