//! The sync centre's files over HTTP (app::sync_centre): a backup's download, the export, and
//! the upload of a file to restore — plain routes rather than server functions, so a file is
//! streamed instead of held in a JSON string. Each asks the engine's gate for the sync
//! centre's permission, as the server functions do.

use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::StreamExt;
use tokio::io::AsyncWriteExt;

use app::core::error::AppError;
use app::core::principal::Principal;
use app::core::roles::Permission;
use app::engine::Engine;
use app::sync_centre::server::{backup, config::BackupConfig, export, restore};

use crate::AppState;

/// An error as this route answers it: its status and what is wrong in full (a refused file
/// is said as it is, not as a form's fields to correct).
fn refusal(e: AppError) -> Response {
    let status = axum::http::StatusCode::from_u16(e.status())
        .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    (status, e.explain()).into_response()
}

async fn who(
    engine: &Engine,
    parts: &http::request::Parts,
    p: Permission,
) -> Result<Principal, AppError> {
    engine.gate().authorize(engine, parts, p).await
}

fn attachment(name: &str, body: Body, length: Option<u64>) -> Response {
    typed_attachment(name, "application/json", body, length)
}

fn typed_attachment(name: &str, kind: &'static str, body: Body, length: Option<u64>) -> Response {
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Some(n) = length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(n));
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[derive(serde::Deserialize)]
pub struct DownloadQuery {
    #[serde(default)]
    gzip: Option<String>,
}

/// `GET /api/sync/file/{id}[?gzip=1]`: a stored backup, as
/// `courant-<org>-YYYY-MM-DD-HHMM.json` (or `.json.gz`, compressed on the way).
pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<DownloadQuery>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    let engine = &state.engine;
    let answer = async {
        let who = who(engine, &parts, Permission::ManageSyncCentre).await?;
        let b = restore::backup_record(engine, &who, &id).await?;
        let file = backup::open(engine.feature::<BackupConfig>(), &who, &b)?;
        let length = file.metadata().ok().map(|m| m.len());
        let (day, time) = backup::stamp(b.made_at);
        let name = format!("courant-{}-{day}-{}.json", who.org, &time[..4]);
        if q.gzip.as_deref().is_some_and(|g| g == "1" || g == "true") {
            let packed = tokio::task::spawn_blocking(move || gzip(file))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let length = packed.len() as u64;
            let name = format!("{name}.gz");
            return Ok(typed_attachment(
                &name,
                "application/gzip",
                Body::from(packed),
                Some(length),
            ));
        }
        let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
        Ok::<_, AppError>(attachment(&name, Body::from_stream(stream), length))
    };
    answer.await.unwrap_or_else(refusal)
}

#[derive(serde::Deserialize)]
pub struct ExportQuery {
    collection: Option<String>,
}

/// `GET /api/sync/export[?collection=]`: the organisation's data (or one collection) now.
pub async fn export(
    State(state): State<AppState>,
    Query(q): Query<ExportQuery>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    let engine = &state.engine;
    let answer = async {
        let who = who(engine, &parts, Permission::ManageSyncCentre).await?;
        let (name, bytes) = export::export(engine, &who, q.collection.as_deref()).await?;
        let length = bytes.len() as u64;
        Ok::<_, AppError>(attachment(&name, Body::from(bytes), Some(length)))
    };
    answer.await.unwrap_or_else(refusal)
}

#[derive(serde::Deserialize)]
pub struct LogsQuery {
    #[serde(default)]
    days: i64,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    status: String,
}

/// `GET /api/sync/logs.csv?days=&kind=&status=`: the log as the page filters it.
pub async fn logs_csv(
    State(state): State<AppState>,
    Query(q): Query<LogsQuery>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    let engine = &state.engine;
    let answer = async {
        let who = who(engine, &parts, Permission::ReadSyncCentre).await?;
        let (name, bytes) =
            app::sync_centre::server::logs_csv::logs_csv(engine, &who, q.days, &q.kind, &q.status)
                .await?;
        let length = bytes.len() as u64;
        Ok::<_, AppError>(typed_attachment(
            &name,
            "text/csv; charset=utf-8",
            Body::from(bytes),
            Some(length),
        ))
    };
    answer.await.unwrap_or_else(refusal)
}

#[derive(serde::Deserialize)]
pub struct ImportQuery {
    #[serde(default)]
    name: String,
}

/// `POST /api/sync/import?name=<file name>`, the file as the body: streamed to disk (never
/// whole in memory), up to `COURANT_IMPORT_MAX_MB`, then verified and kept as a backup to
/// restore after a dry run. 413 past the limit, 422 with what is wrong with the file.
pub async fn import(
    State(state): State<AppState>,
    Query(q): Query<ImportQuery>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let engine = &state.engine;
    let answer = async {
        let who = who(engine, &parts, Permission::ManageSyncCentre).await?;
        let config = engine.feature::<BackupConfig>().clone();
        let limit = config.max_upload_bytes;
        let too_large = || AppError::TooLarge((limit / 1024) as usize);
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        let uploads = config.uploads();
        let io = |e: std::io::Error| backup::unwritable(&uploads, &e);
        tokio::fs::create_dir_all(&uploads).await.map_err(io)?;
        let temp = uploads.join(format!("{}.json", uuid_like()));
        let mut file = tokio::fs::File::create(&temp).await.map_err(io)?;
        let mut received: u64 = 0;
        let mut stream = body.into_data_stream();
        let copied = async {
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|e| AppError::Transport(e.to_string()))?;
                received += chunk.len() as u64;
                if received > limit {
                    return Err(too_large());
                }
                file.write_all(&chunk).await.map_err(io)?;
            }
            file.flush().await.map_err(io)?;
            Ok(())
        }
        .await;
        drop(file);
        if let Err(e) = copied {
            let _ = tokio::fs::remove_file(&temp).await;
            return Err(e);
        }
        let name = if q.name.is_empty() {
            "upload.json"
        } else {
            q.name.as_str()
        };
        restore::receive_upload(engine, &who, temp, name).await
    };
    match answer.await {
        Ok(backup) => Json(backup).into_response(),
        Err(e) => {
            // A refused upload may leave its body unread: the connection is not for reuse.
            let mut response = refusal(e);
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

/// A file, gzipped (a backup compresses about tenfold).
fn gzip(mut file: std::fs::File) -> std::io::Result<Vec<u8>> {
    let mut packed = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::copy(&mut file, &mut packed)?;
    packed.finish()
}

/// A name no two uploads share.
fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{t:x}-{:x}-{}",
        N.fetch_add(1, Ordering::Relaxed),
        std::process::id()
    )
}
