//! Server functions: thin wrappers that authorise, then call the engine.

mod auth;
mod content;
mod settings;
mod webhooks;

use serde::{Deserialize, Serialize};

pub use auth::*;
pub use content::*;
pub use settings::*;
pub use webhooks::*;

/// One record read together with the change-log position it is at least as new as; the page
/// subscribes to the live feed from `seq`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot<T> {
    pub record: T,
    pub seq: i64,
    pub seq_at: Option<i64>,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SaveOutcome<T> {
    /// Written and published as change `seq`.
    Saved {
        record: T,
        seq: i64,
        changed: Vec<String>,
    },
    /// The stored record already held these values: nothing written, nothing published.
    Unchanged { record: T },
}

impl<T> SaveOutcome<T> {
    pub fn record(&self) -> &T {
        match self {
            SaveOutcome::Saved { record, .. } | SaveOutcome::Unchanged { record } => record,
        }
    }
}

/// Run `f` for the current request after [`authorize`](crate::server::access::authorize), and
/// give errors their HTTP status.
#[cfg(feature = "ssr")]
pub(crate) async fn with_access<T, F, Fut>(
    permission: crate::roles::Permission,
    f: F,
) -> Result<T, crate::error::AppError>
where
    F: FnOnce(crate::server::Engine, crate::server::access::Principal) -> Fut,
    Fut: std::future::Future<Output = Result<T, crate::error::AppError>>,
{
    with_request(|engine, parts| async move {
        let who =
            crate::server::access::authorize(&engine, &parts.headers, None, permission).await?;
        f(engine, who).await
    })
    .await
}

/// Run `f` with the engine and the request, and give errors their HTTP status. Server
/// functions that decide access themselves (signing in and out) use this directly.
#[cfg(feature = "ssr")]
pub(crate) async fn with_request<T, F, Fut>(f: F) -> Result<T, crate::error::AppError>
where
    F: FnOnce(crate::server::Engine, http::request::Parts) -> Fut,
    Fut: std::future::Future<Output = Result<T, crate::error::AppError>>,
{
    use leptos::prelude::use_context;

    let parts = use_context::<http::request::Parts>();
    let result = match (use_context::<crate::server::Engine>(), parts) {
        (Some(engine), Some(parts)) => f(engine, parts).await,
        _ => Err(crate::error::AppError::Internal(
            "engine or request not provided".into(),
        )),
    };
    // A plain form post (before or without the WASM) is answered with a redirect back to the
    // form, the error in its URL for the page to show (server_fn's form redirects); an error
    // status would replace that redirect with a bare error page.
    let plain_form = use_context::<http::request::Parts>().is_some_and(|p| is_plain_form_post(&p));
    if let Err(e) = &result {
        if let (Some(res), false) = (use_context::<leptos_axum::ResponseOptions>(), plain_form) {
            res.set_status(http::StatusCode::from_u16(e.status()).unwrap_or_default());
        }
    }
    result
}

/// A browser's own form submission to a server function, not the WASM's call: it asks for
/// HTML and expects to be sent to a page.
#[cfg(feature = "ssr")]
fn is_plain_form_post(parts: &http::request::Parts) -> bool {
    parts.method == http::Method::POST
        && parts.uri.path().starts_with("/api/")
        && parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
}

/// After a plain form post succeeds, send the browser to `path` (otherwise it goes back to
/// the form). The WASM's calls are left alone: the page decides where to go next.
#[cfg(feature = "ssr")]
pub(crate) fn redirect_plain_form(path: &str) {
    if leptos::prelude::use_context::<http::request::Parts>()
        .is_some_and(|p| is_plain_form_post(&p))
    {
        leptos_axum::redirect(path);
    }
}

/// Add a `Set-Cookie` header to the response.
#[cfg(feature = "ssr")]
pub(crate) fn set_cookie(cookie: &str) {
    if let (Some(res), Ok(value)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(cookie),
    ) {
        res.append_header(http::header::SET_COOKIE, value);
    }
}
