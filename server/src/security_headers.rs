//! Headers every answer carries: no MIME sniffing, no framing by other sites, referrers only
//! within the site (an invitation link's secret never leaves in a `Referer`). Pages add their
//! Content-Security-Policy themselves (it names the page's own script nonce: `app::csp`).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::header::{HeaderName, HeaderValue};

const HEADERS: [(&str, &str); 4] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
    ("cross-origin-opener-policy", "same-origin"),
];

pub async fn add_security_headers(req: Request, next: Next) -> Response {
    let caching = caching_of(req.uri().path());
    let mut res = next.run(req).await;
    let ok = res.status().is_success();
    let headers = res.headers_mut();
    if let Some(caching) = caching.filter(|_| ok) {
        headers.insert(
            http::header::CACHE_CONTROL,
            HeaderValue::from_static(caching),
        );
    }
    for (name, value) in HEADERS {
        headers
            .entry(HeaderName::from_static(name))
            .or_insert(HeaderValue::from_static(value));
    }
    res
}

/// How long a browser may keep a static file. The build names each /pkg file after a hash of
/// its content (`courant.<hash>.wasm`, cargo-leptos's `hash-files`): such a name never
/// changes meaning, so it is kept a year without asking again, and a new release is new
/// names. Anything else there (wasm-bindgen's snippets) and the service worker are asked for
/// again each time (`no-cache`: a 304 when unchanged), so new HTML never meets old code.
fn caching_of(path: &str) -> Option<&'static str> {
    if path == "/sw.js" {
        return Some("no-cache");
    }
    let file = path.strip_prefix("/pkg/")?;
    Some(if is_hashed(file) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    })
}

/// `name.<22 base64url characters>.ext`: an MD5 in base64url, as cargo-leptos writes it (not
/// its placeholder of 22 underscores, the name of a build without hashes).
fn is_hashed(file: &str) -> bool {
    !file.contains('/')
        && file.split('.').rev().nth(1).is_some_and(|hash| {
            hash.len() == 22
                && hash.bytes().any(|b| b != b'_')
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::caching_of;

    #[test]
    fn only_hashed_build_files_are_kept_for_a_year() {
        let year = Some("public, max-age=31536000, immutable");
        assert_eq!(caching_of("/pkg/courant.bCu2rQ3XvV9Xk1_Wn-aTmQ.wasm"), year);
        assert_eq!(
            caching_of("/pkg/split_backoffice.AAAAAAAAAAAAAAAAAAAAAA.wasm"),
            year
        );
        assert_eq!(
            caching_of("/pkg/__wasm_split.bCu2rQ3XvV9Xk1_Wn-aTmQ.js"),
            year
        );
        assert_eq!(caching_of("/pkg/courant.wasm"), Some("no-cache"));
        assert_eq!(
            caching_of("/pkg/__wasm_split.______________________.js"),
            Some("no-cache")
        );
        assert_eq!(caching_of("/pkg/snippets/x-1/inline0.js"), Some("no-cache"));
        assert_eq!(caching_of("/pkg/courant.short.wasm"), Some("no-cache"));
        assert_eq!(caching_of("/sw.js"), Some("no-cache"));
        assert_eq!(caching_of("/admin"), None);
        assert_eq!(caching_of("/favicon.svg"), None);
    }
}
