//! Refuses state-changing requests that come from another site (CSRF). The rule itself is
//! `app::identity::server::csrf`; the live socket checks it on upgrade.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::Method;

use app::core::error::AppError;
use app::identity::server::csrf::check_same_site;

use crate::AppState;

pub async fn refuse_cross_site(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let reads = [Method::GET, Method::HEAD, Method::OPTIONS];
    if !reads.contains(req.method()) {
        if let Err(message) = check_same_site(
            req.headers(),
            &app::identity::server::access::auth(&state.engine).config,
        ) {
            tracing::warn!(path = %req.uri().path(), "refused a cross-site request");
            return AppError::CrossSite(message).into_response();
        }
    }
    next.run(req).await
}
