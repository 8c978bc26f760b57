//! `POST /hooks/booking/{key}`: the booking webhook (app::prospects::server::booking), as
//! HTTP — its status, and a JSON body with a message for the booking tool's logs.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use app::prospects::server::booking;
use app::prospects::server::calendly::SIGNATURE_HEADER;

use crate::AppState;

pub async fn receive(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    let answer = booking::receive(&state.engine, &key, signature, &body).await;
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        Json(serde_json::json!({ "message": answer.message })),
    )
        .into_response()
}
