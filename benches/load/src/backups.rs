//! `courant-load backups`: the sync centre's backup and restore of a large organisation, as
//! an admin runs them — time and the server's peak memory for each, and the restore's effect
//! on a page left open (one staff socket): how long from "Restaurer" until that page has
//! every restored change.
//!
//! 1. Seeds `records` services (500 to a list save), so the organisation holds that many
//!    records besides its settings.
//! 2. Backup: `sync/backup_now`, timed; the server's peak resident memory during it.
//! 3. Changes `changed` of them (a list save), then restores the backup: the dry run, then
//!    the restore (which backs the current data up first), each timed with its peak memory;
//!    the open page's socket is watched until it has the change log's head.

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use futures::StreamExt;
use serde::Serialize;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::http::Api;
use crate::staff::{append_json, wait_for};
use crate::subscribers::{change_seq, connect};
use crate::{procfs, Error};

#[derive(Args, Clone)]
pub struct BackupsArgs {
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    pub url: String,
    /// Records the organisation holds.
    #[arg(long, default_value_t = 100_000)]
    pub records: u64,
    /// Records changed between the backup and the restore.
    #[arg(long, default_value_t = 2_000)]
    pub changed: u64,
    #[arg(long, default_value = "sqlite")]
    pub backend: String,
    #[arg(long)]
    pub server_pid: Option<u32>,
    #[arg(
        long,
        env = "COURANT_ADMIN_EMAIL",
        default_value = "admin@courant.local"
    )]
    pub email: String,
    #[arg(long, env = "COURANT_ADMIN_PASSWORD")]
    pub password: String,
    #[arg(long)]
    pub json: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
pub struct BackupsReport {
    pub kind: &'static str,
    pub backend: String,
    pub records: u64,
    pub seed_s: f64,
    pub backup_ms: u64,
    pub backup_file_mib: f64,
    /// The server's peak resident memory during the backup (MiB), and before it.
    pub backup_peak_mib: Option<f64>,
    pub rss_before_mib: Option<f64>,
    pub changed: u64,
    pub preview_ms: u64,
    pub preview_peak_mib: Option<f64>,
    /// The restore's answer, the backup of the current data it takes first included.
    pub restore_ms: u64,
    pub restore_peak_mib: Option<f64>,
    /// From the restore's request until the open page has received the change log's head.
    pub page_ms: u64,
    /// From the restore's answer until then.
    pub page_after_answer_ms: i64,
    pub restored: Value,
}

fn mib(kib: Option<u64>) -> Option<f64> {
    kib.map(|k| (k as f64 / 1024.0 * 10.0).round() / 10.0)
}

pub async fn run(args: BackupsArgs) -> Result<bool, Error> {
    let api = Api::sign_in(&args.url, &args.email, &args.password).await?;
    let seeding = Instant::now();
    let mut n = 0u64;
    while n < args.records {
        let batch = (args.records - n).min(500);
        let items: Vec<Value> = (n..n + batch)
            .map(|i| {
                json!({ "name": format!("Service {i:06}"),
                        "description": "Une description d’une longueur ordinaire pour un service proposé aux clients.",
                        "price_cents": 1000 + i as i64 % 9000, "published": i % 3 != 0 })
            })
            .collect();
        api.json(
            "list/sync",
            json!({ "collection": "services", "items": items }),
        )
        .await?;
        n += batch;
    }
    let seed_s = seeding.elapsed().as_secs_f64();
    eprintln!("seeded {} records in {seed_s:.1} s", args.records);

    let pid = args.server_pid;
    let rss_before = pid.and_then(procfs::rss_kib);
    if let Some(pid) = pid {
        procfs::reset_peak(pid);
    }
    let t = Instant::now();
    let backup = api.json("sync/backup_now", json!({})).await?;
    let backup_ms = t.elapsed().as_millis() as u64;
    let backup_peak = pid.and_then(procfs::peak_rss_kib);
    let id = backup["id"].as_str().ok_or("backup: no id")?.to_string();
    let size = backup["size_bytes"].as_f64().unwrap_or(0.0);
    eprintln!("backup: {backup_ms} ms, {:.1} MiB", size / 1048576.0);

    // Change some records.
    let list = api
        .form("list/staff", &[("collection", "services")])
        .await?;
    let records = list["record"].as_array().ok_or("no services")?;
    let changed: Vec<Value> = records
        .iter()
        .take(args.changed as usize)
        .map(|r| {
            let mut r = r.clone();
            r["description"] = json!("Changée après la sauvegarde.");
            r
        })
        .collect();
    for chunk in changed.chunks(500) {
        api.json(
            "list/sync",
            json!({ "collection": "services", "items": chunk }),
        )
        .await?;
    }

    // A page open on the backoffice, following the feed from now.
    let page = connect(&api.base, true, api.cookie()).await?;
    let clock = Instant::now();
    let seen = Arc::new(AtomicI64::new(0));
    let arrived = Arc::new(std::sync::Mutex::new(Vec::<(i64, u64)>::new()));
    let reader = {
        let (seen, arrived) = (seen.clone(), arrived.clone());
        tokio::spawn(async move {
            let (mut tx, mut rx) = page.split();
            while let Some(Ok(frame)) = rx.next().await {
                if let Message::Text(text) = frame {
                    if let Some(seq) = change_seq(&text) {
                        seen.fetch_max(seq, Ordering::Relaxed);
                        arrived
                            .lock()
                            .unwrap()
                            .push((seq, clock.elapsed().as_micros() as u64));
                    } else if text.starts_with(r#"{"type":"ping""#) {
                        use futures::SinkExt;
                        let _ = tx.send(Message::text(r#"{"type":"pong"}"#)).await;
                    }
                }
            }
        })
    };

    if let Some(pid) = pid {
        procfs::reset_peak(pid);
    }
    let t = Instant::now();
    let preview = api
        .json("sync/restore_preview", json!({ "id": id }))
        .await?;
    let preview_ms = t.elapsed().as_millis() as u64;
    let preview_peak = pid.and_then(procfs::peak_rss_kib);
    let checksum = preview["backup"]["checksum"].clone();
    eprintln!("dry run: {preview_ms} ms");

    if let Some(pid) = pid {
        procfs::reset_peak(pid);
    }
    let started = clock.elapsed().as_micros() as u64;
    let t = Instant::now();
    let restored = api
        .json("sync/restore", json!({ "id": id, "checksum": checksum }))
        .await?;
    let restore_ms = t.elapsed().as_millis() as u64;
    let answered = clock.elapsed().as_micros() as u64;
    let restore_peak = pid.and_then(procfs::peak_rss_kib);
    let head = api
        .form("list/staff", &[("collection", "sync_backups")])
        .await?["seq"]
        .as_i64()
        .unwrap_or(0);
    wait_for(
        || seen.load(Ordering::Relaxed) >= head,
        Duration::from_secs(600),
    )
    .await
    .map_err(|_| "the open page never reached the head")?;
    let at_head = arrived
        .lock()
        .unwrap()
        .iter()
        .find(|(seq, _)| *seq >= head)
        .map(|(_, at)| *at)
        .unwrap_or(answered);
    reader.abort();
    let report = BackupsReport {
        kind: "backups",
        backend: args.backend.clone(),
        records: args.records + 1,
        seed_s,
        backup_ms,
        backup_file_mib: (size / 1048576.0 * 10.0).round() / 10.0,
        backup_peak_mib: mib(backup_peak),
        rss_before_mib: mib(rss_before),
        changed: args.changed,
        preview_ms,
        preview_peak_mib: mib(preview_peak),
        restore_ms,
        restore_peak_mib: mib(restore_peak),
        page_ms: (at_head - started) / 1000,
        page_after_answer_ms: (at_head as i64 - answered as i64) / 1000,
        restored: restored["collections"]["services"].clone(),
    };
    println!("{}", serde_json::to_string_pretty(&report)?);
    if let Some(path) = &args.json {
        append_json(path, &report)?;
    }
    Ok(true)
}
