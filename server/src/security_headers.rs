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
    // The service worker is looked at on every visit: a new one must never wait for a cache.
    let worker = req.uri().path() == "/sw.js";
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    if worker {
        headers.insert(
            http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        );
    }
    for (name, value) in HEADERS {
        headers
            .entry(HeaderName::from_static(name))
            .or_insert(HeaderValue::from_static(value));
    }
    res
}
