//! `courant-load checkouts`: buyers checking out on the shop while the orders desk is open on
//! staff sockets, as a shop and its team would.
//!
//! 1. Latency: checkouts one at a time; each waits until every desk socket has its order, so
//!    every socket's frames come in pairs (the product's stock, then the order) — from the
//!    checkout's POST (its commit inside) to the order's frame on each socket (p50/p99), and
//!    to the last socket. No webhook is registered: the time is the feed's own.
//! 2. Throughput: many checkouts, `concurrency` buyers at once: checkouts per second.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use futures::{stream, StreamExt};
use serde::Serialize;
use serde_json::{json, Value};

use crate::http::Api;
use crate::report::{Completeness, Percentiles};
use crate::staff::{append_json, StaffSockets};
use crate::subscribers::Received;
use crate::{procfs, Error};

#[derive(Args, Clone)]
pub struct CheckoutsArgs {
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    pub url: String,
    /// Desk (staff) sockets open through the run.
    #[arg(long, default_value_t = 100)]
    pub sockets: usize,
    /// Checkouts one at a time for the latency figures.
    #[arg(long, default_value_t = 200)]
    pub latency_checkouts: u64,
    /// Checkouts for the throughput figure.
    #[arg(long, default_value_t = 2000)]
    pub checkouts: u64,
    /// Buyers checking out at once in the throughput phase.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
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
pub struct CheckoutsReport {
    pub kind: &'static str,
    pub backend: String,
    pub sockets: usize,
    pub latency_checkouts: u64,
    /// From the checkout's POST to the order's frame on a socket, every socket.
    pub checkout_to_socket_ms: Percentiles,
    pub checkout_to_last_socket_ms: Percentiles,
    pub checkouts: u64,
    pub concurrency: usize,
    pub checkouts_per_s: f64,
    pub answer_ms: Percentiles,
    pub server_cpu_us_per_checkout: Option<f64>,
    /// Answers other than 200.
    pub refused: u64,
    pub completeness: Completeness,
}

/// Frames each checkout brings to a desk socket: the product (stock, units sold), the order.
const FRAMES_PER_CHECKOUT: u64 = 2;

pub async fn run(args: CheckoutsArgs) -> Result<bool, Error> {
    let api = Api::sign_in(&args.url, &args.email, &args.password).await?;
    let product = api
        .json(
            "sync",
            json!({ "collection": "products", "op": "create", "payload": {
                "name": "Bench mug", "description": "", "price_cents": 1250, "stock": null,
                "image_url": "", "published": true, "order": 0 } }),
        )
        .await?;
    let product = product["record"]["id"]
        .as_str()
        .ok_or("create product: no id")?
        .to_string();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency * 2)
        .build()?;
    let checkout_url = format!("{}/api/shop/checkout", api.base);
    let run_id = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis();
    let body = move |n: u64| {
        json!({ "lines": [{ "product_id": product, "quantity": 1 }], "name": format!("Buyer {n}"),
                "email": format!("buyer-{n}@example.org"), "phone": "", "notes": "",
                "key": format!("bench-{run_id}-{n:08}") })
    };
    let checkout = |n: u64| {
        let (client, url, body) = (&client, &checkout_url, body(n));
        async move {
            let t = Instant::now();
            let res = client.post(url).json(&body).send().await?;
            let status = res.status().as_u16();
            let _: Value = res.json().await.unwrap_or(Value::Null);
            Ok::<_, Error>((status, t.elapsed().as_micros() as u64))
        }
    };

    let sockets = StaffSockets::open(&api, args.sockets).await?;

    let mut refused = 0u64;
    let mut posted_at = Vec::with_capacity(args.latency_checkouts as usize);
    for n in 0..args.latency_checkouts {
        posted_at.push(sockets.now_micros());
        let (status, _) = checkout(n).await?;
        if status != 200 {
            return Err(format!("checkout {n}: {status}").into());
        }
        let want = (n + 1) * FRAMES_PER_CHECKOUT * args.sockets as u64;
        sockets
            .wait_for_frames(want, Duration::from_secs(10))
            .await
            .map_err(|_| format!("checkout {n} did not reach every socket within 10 s"))?;
    }

    let cpu_before = args.server_pid.and_then(procfs::cpu_time);
    let from = Instant::now();
    let first = args.latency_checkouts;
    let answers: Vec<Result<(u16, u64), Error>> = stream::iter(first..first + args.checkouts)
        .map(checkout)
        .buffer_unordered(args.concurrency)
        .collect()
        .await;
    let took = from.elapsed();
    let mut answer_times = Vec::with_capacity(answers.len());
    for a in answers {
        let (status, micros) = a?;
        if status == 200 {
            answer_times.push(micros);
        } else {
            refused += 1;
        }
    }
    let placed = answer_times.len() as u64;
    let expected = (args.latency_checkouts + placed) * FRAMES_PER_CHECKOUT * args.sockets as u64;
    let _ = sockets
        .wait_for_frames(expected, Duration::from_secs(60))
        .await;
    let cpu_after = args.server_pid.and_then(procfs::cpu_time);
    let received: Vec<Received> = sockets.finish().await?;

    let mut to_socket = Vec::new();
    let mut to_last = vec![0u64; posted_at.len()];
    let mut completeness = Completeness::default();
    let wanted = ((args.latency_checkouts + placed) * FRAMES_PER_CHECKOUT) as usize;
    for got in &received {
        for (k, at) in posted_at.iter().enumerate() {
            // The order is the second frame of its checkout's pair.
            if let Some(&(_, arrived)) = got.events.get(k * 2 + 1) {
                let micros = arrived.saturating_sub(*at);
                to_socket.push(micros);
                to_last[k] = to_last[k].max(micros);
            }
        }
        let seqs: Vec<i64> = got.events.iter().map(|e| e.0).collect();
        let mut c = Completeness::check(&seqs, &got.events);
        c.missing = wanted.saturating_sub(got.events.len()) as u64;
        completeness.missing += c.missing;
        completeness.duplicate += c.duplicate;
        completeness.out_of_order += c.out_of_order;
    }
    let report = CheckoutsReport {
        kind: "checkouts",
        backend: args.backend.clone(),
        sockets: args.sockets,
        latency_checkouts: args.latency_checkouts,
        checkout_to_socket_ms: Percentiles::of(to_socket),
        checkout_to_last_socket_ms: Percentiles::of(to_last),
        checkouts: args.checkouts,
        concurrency: args.concurrency,
        checkouts_per_s: placed as f64 / took.as_secs_f64(),
        answer_ms: Percentiles::of(answer_times),
        server_cpu_us_per_checkout: cpu_before
            .zip(cpu_after)
            .map(|(a, b)| b.since(&a).total())
            .filter(|_| placed > 0)
            .map(|c| c as f64 / placed as f64),
        refused,
        completeness,
    };
    report.print();
    if let Some(path) = &args.json {
        append_json(path, &report)?;
    }
    Ok(report.refused == 0 && report.completeness == Completeness::default())
}

impl CheckoutsReport {
    pub fn print(&self) {
        let p =
            |x: &Percentiles| format!("p50 {:.1} / p99 {:.1} / max {:.1} ms", x.p50, x.p99, x.max);
        println!(
            "checkouts on {} with {} desk sockets open:",
            self.backend, self.sockets
        );
        println!(
            "  checkout → order on a socket ({} one at a time): {}",
            self.latency_checkouts,
            p(&self.checkout_to_socket_ms)
        );
        println!(
            "  checkout → on the last socket: {}",
            p(&self.checkout_to_last_socket_ms)
        );
        println!(
            "  placed: {:.0} checkouts/s ({} checkouts, {} buyers at once), answered in {}",
            self.checkouts_per_s,
            self.checkouts,
            self.concurrency,
            p(&self.answer_ms)
        );
        if let Some(cpu) = self.server_cpu_us_per_checkout {
            println!("  server CPU: {cpu:.0} µs per checkout (its deliveries included)");
        }
        println!(
            "  refused {}, missing {}, duplicate {}, out of order {}",
            self.refused,
            self.completeness.missing,
            self.completeness.duplicate,
            self.completeness.out_of_order
        );
    }
}
