//! `courant-load bookings`: signed booking webhooks against a running server, with staff
//! sockets open (an operator's list, a bell), as a booking tool and a sales team would.
//!
//! 1. Latency: bookings one at a time; each waits until every staff socket has its prospect,
//!    so the k-th change frame of every socket is the k-th booking's — from the POST to each
//!    socket (p50/p99), and to the last one.
//! 2. Throughput: many bookings, `concurrency` in flight: bookings accepted per second.
//! 3. Redelivery: the throughput phase's bookings again, as a tool retrying them would: each
//!    answered 200 and nothing new on any socket.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use futures::{stream, StreamExt};
use serde::Serialize;

use crate::booking_tool::{invitee_created, post};
use crate::http::Api;
use crate::report::{Completeness, Percentiles};
use crate::staff::{append_json, StaffSockets};
use crate::subscribers::Received;
use crate::{procfs, Error};

#[derive(Args, Clone)]
pub struct BookingsArgs {
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    pub url: String,
    /// Staff sockets open through the run (each the admin's session).
    #[arg(long, default_value_t = 100)]
    pub sockets: usize,
    /// Bookings sent one at a time for the latency figures.
    #[arg(long, default_value_t = 200)]
    pub latency_posts: u64,
    /// Bookings sent for the throughput figure.
    #[arg(long, default_value_t = 2000)]
    pub posts: u64,
    /// Webhook requests in flight at once in the throughput phase.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// A name for the database behind the server, for the report (`sqlite`, `postgres`).
    #[arg(long, default_value = "sqlite")]
    pub backend: String,
    /// The server's process id, to read its CPU time from /proc.
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
    /// Append the results as one JSON line to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
pub struct BookingsReport {
    pub kind: &'static str,
    pub backend: String,
    pub sockets: usize,
    pub latency_posts: u64,
    /// From the POST to the prospect's change frame on a socket, every socket.
    pub post_to_socket_ms: Percentiles,
    /// From the POST to the last of the sockets having it.
    pub post_to_last_socket_ms: Percentiles,
    pub posts: u64,
    pub concurrency: usize,
    pub accepted_per_s: f64,
    /// The webhook's answer time in the throughput phase.
    pub answer_ms: Percentiles,
    pub redelivered_per_s: f64,
    /// Server CPU per accepted booking in the throughput phase (its deliveries included).
    pub server_cpu_us_per_booking: Option<f64>,
    /// Answers other than 200 in any phase.
    pub refused: u64,
    /// Change frames beyond one per booking (a redelivery that changed something).
    pub extra_frames: u64,
    pub completeness: Completeness,
}

const SECRET: &str = "courant-load's booking signing key";

pub async fn run(args: BookingsArgs) -> Result<bool, Error> {
    let api = Api::sign_in(&args.url, &args.email, &args.password).await?;
    let config = api.form("booking/secret", &[("secret", SECRET)]).await?;
    let path = config["path"].as_str().ok_or("booking/secret: no path")?;
    let hook = format!("{}{path}", api.base);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency * 2)
        .build()?;
    // Emails unique to this run, so a second run on the same database books new prospects.
    let run_id = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis();
    let booking = |n: u64| {
        invitee_created(
            (run_id as u64) * 1_000_000 + n,
            &format!("bench-{run_id}-{n}@example.org"),
            &format!("Prospect {n}"),
        )
    };

    let sockets = StaffSockets::open(&api, args.sockets).await?;

    let mut refused = 0u64;
    // 1. One at a time.
    let mut posted_at = Vec::with_capacity(args.latency_posts as usize);
    for n in 0..args.latency_posts {
        posted_at.push(sockets.now_micros());
        let (status, answer) = post(&client, &hook, SECRET, &booking(n)).await?;
        if status != 200 {
            return Err(format!("booking {n}: {status} {answer}").into());
        }
        let want = (n + 1) * args.sockets as u64;
        sockets
            .wait_for_frames(want, Duration::from_secs(10))
            .await
            .map_err(|_| format!("booking {n} did not reach every socket within 10 s"))?;
    }

    // 2. Many at once.
    let cpu_before = args.server_pid.and_then(procfs::cpu_time);
    let from = Instant::now();
    let first = args.latency_posts;
    let answers: Vec<Result<(u16, u64), Error>> = stream::iter(first..first + args.posts)
        .map(|n| {
            let (client, hook, body) = (&client, &hook, booking(n));
            async move {
                let t = Instant::now();
                let (status, _) = post(client, hook, SECRET, &body).await?;
                Ok((status, t.elapsed().as_micros() as u64))
            }
        })
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
    let accepted = answer_times.len() as u64;
    let expected = (args.latency_posts + accepted) * args.sockets as u64;
    let _ = sockets
        .wait_for_frames(expected, Duration::from_secs(60))
        .await;
    let cpu_after = args.server_pid.and_then(procfs::cpu_time);

    // 3. The same again: a tool retrying. Nothing new may reach a socket.
    let from = Instant::now();
    let redelivered: Vec<Result<(u16, String), Error>> = stream::iter(first..first + args.posts)
        .map(|n| {
            let (client, hook, body) = (&client, &hook, booking(n));
            async move { post(client, hook, SECRET, &body).await }
        })
        .buffer_unordered(args.concurrency)
        .collect()
        .await;
    let redelivery_took = from.elapsed();
    for r in redelivered {
        if r?.0 != 200 {
            refused += 1;
        }
    }
    // Time for a wrongly published frame to arrive, if there were one.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let received: Vec<Received> = sockets.finish().await?;

    let report = report(
        &args,
        &posted_at,
        &received,
        accepted,
        took,
        answer_times,
        redelivery_took,
        cpu_before.zip(cpu_after).map(|(a, b)| b.since(&a).total()),
        refused,
    );
    report.print();
    if let Some(path) = &args.json {
        append_json(path, &report)?;
    }
    Ok(report.refused == 0
        && report.extra_frames == 0
        && report.completeness == Completeness::default())
}

#[allow(clippy::too_many_arguments)]
fn report(
    args: &BookingsArgs,
    posted_at: &[u64],
    received: &[Received],
    accepted: u64,
    took: Duration,
    answer_times: Vec<u64>,
    redelivery_took: Duration,
    cpu_micros: Option<u64>,
    refused: u64,
) -> BookingsReport {
    let mut to_socket = Vec::new();
    let mut to_last = vec![0u64; posted_at.len()];
    let mut completeness = Completeness::default();
    let mut extra_frames = 0;
    let wanted = posted_at.len() + accepted as usize;
    for got in received {
        for (k, &(_, at)) in got.events.iter().take(posted_at.len()).enumerate() {
            let micros = at.saturating_sub(posted_at[k]);
            to_socket.push(micros);
            to_last[k] = to_last[k].max(micros);
        }
        // Every socket's frames: one per booking, each once, in order.
        let seqs: Vec<i64> = got.events.iter().map(|e| e.0).collect();
        let mut c = Completeness::check(&seqs, &got.events);
        c.missing = wanted.saturating_sub(got.events.len()) as u64;
        extra_frames += got.events.len().saturating_sub(wanted) as u64;
        completeness.missing += c.missing;
        completeness.duplicate += c.duplicate;
        completeness.out_of_order += c.out_of_order;
    }
    BookingsReport {
        kind: "bookings",
        backend: args.backend.clone(),
        sockets: args.sockets,
        latency_posts: args.latency_posts,
        post_to_socket_ms: Percentiles::of(to_socket),
        post_to_last_socket_ms: Percentiles::of(to_last),
        posts: args.posts,
        concurrency: args.concurrency,
        accepted_per_s: accepted as f64 / took.as_secs_f64(),
        answer_ms: Percentiles::of(answer_times),
        redelivered_per_s: args.posts as f64 / redelivery_took.as_secs_f64(),
        server_cpu_us_per_booking: cpu_micros
            .filter(|_| accepted > 0)
            .map(|c| c as f64 / accepted as f64),
        refused,
        extra_frames,
        completeness,
    }
}

impl BookingsReport {
    pub fn print(&self) {
        let p =
            |x: &Percentiles| format!("p50 {:.1} / p99 {:.1} / max {:.1} ms", x.p50, x.p99, x.max);
        println!(
            "bookings on {} with {} staff sockets open:",
            self.backend, self.sockets
        );
        println!(
            "  POST → prospect on a socket ({} bookings one at a time): {}",
            self.latency_posts,
            p(&self.post_to_socket_ms)
        );
        println!(
            "  POST → on the last socket: {}",
            p(&self.post_to_last_socket_ms)
        );
        println!(
            "  accepted: {:.0} bookings/s ({} posts, {} in flight), answered in {}",
            self.accepted_per_s,
            self.posts,
            self.concurrency,
            p(&self.answer_ms)
        );
        println!("  redeliveries answered: {:.0}/s", self.redelivered_per_s);
        if let Some(cpu) = self.server_cpu_us_per_booking {
            println!("  server CPU: {cpu:.0} µs per booking (its deliveries included)");
        }
        println!(
            "  refused {}, extra frames {}, missing {}, duplicate {}, out of order {}",
            self.refused,
            self.extra_frames,
            self.completeness.missing,
            self.completeness.duplicate,
            self.completeness.out_of_order
        );
    }
}
