//! Request bodies are at most [`crate::MAX_BODY_BYTES`], however they are sent: a declared
//! length over it is refused before anything is read, and a chunked body (no length) is read
//! up to the limit and refused past it — 413 with what to do either way, never a 500 from
//! deep inside a handler that ran out of body.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::CONTENT_LENGTH;

use app::core::error::AppError;

use crate::MAX_BODY_BYTES;

pub async fn limit_body(req: Request, next: Next) -> Response {
    // A backup file to restore has its own, larger limit, enforced as it streams to disk.
    if req.uri().path() == app::sync_centre::api::IMPORT_PATH {
        return next.run(req).await;
    }
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match declared {
        Some(n) if n > MAX_BODY_BYTES => too_large(),
        Some(_) => next.run(req).await,
        None if req.method() == http::Method::GET || req.method() == http::Method::HEAD => {
            next.run(req).await
        }
        None => {
            let (parts, body) = req.into_parts();
            match to_bytes(body, MAX_BODY_BYTES).await {
                Ok(bytes) => {
                    next.run(Request::from_parts(parts, Body::from(bytes)))
                        .await
                }
                Err(_) => too_large(),
            }
        }
    }
}

fn too_large() -> Response {
    AppError::TooLarge(MAX_BODY_BYTES / 1024).into_response()
}
