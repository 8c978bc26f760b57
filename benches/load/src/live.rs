//! `courant-load live`: subscribers and open-loop editors against a running server.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use tokio::sync::{watch, Semaphore};

use crate::http::Api;
use crate::report::{LiveReport, Measured};
use crate::{editors, procfs, subscribers, Error};

#[derive(Args, Clone)]
pub struct LiveArgs {
    /// The server's address.
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    pub url: String,
    /// Live subscribers to open.
    #[arg(long, default_value_t = 100)]
    pub subscribers: usize,
    /// Share of the subscribers on the staff feed (the rest are public visitors).
    #[arg(long, default_value_t = 0.1)]
    pub staff_share: f64,
    /// Editors saving concurrently, each its own record.
    #[arg(long, default_value_t = 2)]
    pub editors: usize,
    /// Saves per second, all editors together (open loop).
    #[arg(long, default_value_t = 10.0)]
    pub rate: f64,
    /// Seconds of saving.
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// The server's process id, to read its CPU time and memory from /proc.
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
    /// Sockets being opened at once.
    #[arg(long, default_value_t = 200)]
    pub connect_concurrency: usize,
    /// Append the results as one JSON line to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

pub async fn run(args: LiveArgs) -> Result<bool, Error> {
    let api = Api::sign_in(&args.url, &args.email, &args.password).await?;
    let mut records = Vec::new();
    for i in 0..args.editors {
        records.push(
            api.create_service(&format!("Load test service {i}"))
                .await?,
        );
    }

    let pid = args.server_pid;
    let rss_before = pid.and_then(procfs::rss_kib);
    let clock = Instant::now();
    let delivered = Arc::new(AtomicU64::new(0));
    let connected = Arc::new(AtomicUsize::new(0));
    let (stop_tx, stop_rx) = watch::channel(false);
    let gate = Arc::new(Semaphore::new(args.connect_concurrency));
    let staff_count = (args.subscribers as f64 * args.staff_share).round() as usize;
    let mut tasks = Vec::with_capacity(args.subscribers);
    for i in 0..args.subscribers {
        let (gate, api, delivered, connected, stop) = (
            gate.clone(),
            api.clone(),
            delivered.clone(),
            connected.clone(),
            stop_rx.clone(),
        );
        let staff = i < staff_count;
        tasks.push(tokio::spawn(async move {
            let permit = gate.acquire_owned().await.expect("never closed");
            let socket = subscribers::connect(&api.base, staff, api.cookie()).await;
            drop(permit);
            let socket = socket.map_err(|e| format!("subscriber {i}: {e}"))?;
            connected.fetch_add(1, Ordering::Relaxed);
            Ok::<_, String>(subscribers::receive(socket, clock, delivered, stop).await)
        }));
    }
    let connect_deadline = Instant::now() + Duration::from_secs(120);
    while connected.load(Ordering::Relaxed) < args.subscribers {
        if Instant::now() > connect_deadline || tasks.iter().any(|t| t.is_finished()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let connect_time = clock.elapsed();
    if connected.load(Ordering::Relaxed) < args.subscribers {
        let _ = stop_tx.send(true);
        for t in tasks {
            if let Ok(Err(e)) = t.await {
                return Err(e.into());
            }
        }
        return Err("not every subscriber connected within 120 s".into());
    }
    // Let the server settle before reading its memory for idle connections.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_idle = pid.and_then(procfs::rss_kib);

    let cpu_before = pid.and_then(procfs::cpu_time);
    let saving_from = clock.elapsed();
    let saves = editors::run(
        &api,
        records,
        args.rate,
        Duration::from_secs(args.duration),
        clock,
    )
    .await;
    let saving_took = clock.elapsed() - saving_from;
    // Wait until every subscriber has every save (or give up after 30 s: then the report
    // shows what is missing).
    let expected = (saves.done.len() * args.subscribers) as u64;
    let drain_deadline = Instant::now() + Duration::from_secs(30);
    while delivered.load(Ordering::Relaxed) < expected && Instant::now() < drain_deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let window = clock.elapsed() - saving_from;
    let cpu_after = pid.and_then(procfs::cpu_time);
    let _ = stop_tx.send(true);
    let mut received = Vec::with_capacity(tasks.len());
    for t in tasks {
        received.push(t.await?.map_err(Error::from)?);
    }

    let report = LiveReport::from(Measured {
        subscribers: args.subscribers,
        staff: staff_count,
        editors: args.editors,
        target_rate: args.rate,
        saves: &saves,
        received: &received,
        saving_took,
        window,
        connect_time,
        server_cpu: cpu_before.zip(cpu_after).map(|(a, b)| b.since(&a)),
        rss_before_kib: rss_before,
        rss_idle_kib: rss_idle,
    });
    report.print();
    if let Some(path) = &args.json {
        report.append_json(path)?;
    }
    Ok(report.complete())
}
