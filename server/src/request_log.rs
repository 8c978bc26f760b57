//! The request log: every request's span names its method and path, and a query string's
//! secrets are replaced (an API token given as `?access_token=` to the live socket, which
//! cannot send an Authorization header).

use axum::http::{Request, Uri};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{MakeSpan, TraceLayer};

/// Query parameters whose value never reaches the log.
const SECRET_PARAMS: &[&str] = &["access_token", "token"];

/// The request's URI as the log may show it.
pub fn loggable(uri: &Uri) -> String {
    let Some(query) = uri.query() else {
        return uri.path().to_string();
    };
    let query: Vec<String> = query
        .split('&')
        .map(|pair| {
            let name = pair.split('=').next().unwrap_or_default();
            let decoded: String = form_urlencoded::parse(name.as_bytes())
                .map(|(k, _)| k.into_owned())
                .next()
                .unwrap_or_default();
            if SECRET_PARAMS.contains(&decoded.as_str()) {
                format!("{name}=[redacted]")
            } else {
                pair.to_string()
            }
        })
        .collect();
    format!("{}?{}", uri.path(), query.join("&"))
}

#[derive(Clone, Copy, Default)]
pub struct RedactedSpan;

impl<B> MakeSpan<B> for RedactedSpan {
    fn make_span(&mut self, request: &Request<B>) -> tracing::Span {
        tracing::debug_span!(
            "request",
            method = %request.method(),
            uri = %loggable(request.uri()),
            version = ?request.version(),
        )
    }
}

/// tower-http's request tracing, with [`RedactedSpan`] for its spans.
pub fn layer() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RedactedSpan> {
    TraceLayer::new_for_http().make_span_with(RedactedSpan)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    use super::*;

    #[test]
    fn secrets_in_the_query_are_replaced() {
        let uri: Uri = "/live?since=4&access_token=courant_s3cret&audience=staff"
            .parse()
            .unwrap();
        assert_eq!(
            loggable(&uri),
            "/live?since=4&access_token=[redacted]&audience=staff"
        );
        // However the name is spelled.
        let uri: Uri = "/live?access%5Ftoken=courant_s3cret".parse().unwrap();
        assert!(!loggable(&uri).contains("s3cret"));
        assert_eq!(loggable(&"/team".parse().unwrap()), "/team");
    }

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_request_log_never_shows_a_token() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = Router::new()
            .route("/live", get(|| async { "ok" }))
            .layer(layer());
        let request = Request::get("/live?since=0&access_token=courant_s3cret")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), 200);
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(
            log.contains("/live?since=0&access_token=[redacted]"),
            "{log}"
        );
        assert!(!log.contains("s3cret"), "{log}");
    }
}
