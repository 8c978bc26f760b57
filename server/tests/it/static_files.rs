//! The site's files (/pkg, public/): precompressed when the browser takes it, answered 304 when
//! unchanged, kept a year when their name carries a hash, and never given the status of a page
//! rendered before them (leptos_axum's handler answered a .wasm with the 404 or 403 of the
//! page the same thread had just rendered: the page then never hydrated).

use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, IF_MODIFIED_SINCE, LAST_MODIFIED,
};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_served_compressed_cached_and_with_their_own_status() {
    let app = spawn_app(Backend::Sqlite).await;
    site_with_files(&app).await;

    // A page answered 404 just before, again and again, on whichever thread: the file is 200.
    for _ in 0..20 {
        let page = app.anon.get(app.url("/no-such-page")).send().await.unwrap();
        assert_eq!(page.status(), 404);
        let file = app
            .anon
            .get(app.url(&format!("/{HASHED}")))
            .send()
            .await
            .unwrap();
        assert_eq!(file.status(), 200);
        assert_eq!(file.bytes().await.unwrap().as_ref(), b"plain wasm bytes");
    }

    // Brotli when the browser takes it; its name's hash keeps it a year.
    let file = app
        .anon
        .get(app.url(&format!("/{HASHED}")))
        .header(ACCEPT_ENCODING, "gzip, deflate, br")
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()[CONTENT_ENCODING], "br");
    assert_eq!(
        file.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let modified = file.headers()[LAST_MODIFIED].clone();

    // Unchanged since: 304, nothing sent again.
    let again = app
        .anon
        .get(app.url(&format!("/{HASHED}")))
        .header(IF_MODIFIED_SINCE, modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // A file of public/ is served too; a name without a hash is asked for again each time.
    let icon = app.anon.get(app.url("/favicon.svg")).send().await.unwrap();
    assert_eq!(icon.status(), 200);
    assert!(icon.headers().get(CACHE_CONTROL).is_none());
    let missing = app
        .anon
        .get(app.url("/pkg/courant.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    // A form posted to a missing address still gets the not-found page, not a bare 405.
    let post = app
        .anon
        .post(app.url("/no-such-page"))
        .send()
        .await
        .unwrap();
    assert_ne!(post.status(), 500);
}
