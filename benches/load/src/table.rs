//! `courant-load table results.jsonl`: the Markdown tables BENCHMARKS.md holds, from the JSON
//! lines `live`, `saves` and `bookings` append.

use std::path::PathBuf;

use clap::Args;
use serde_json::Value;

use crate::Error;

#[derive(Args)]
pub struct TableArgs {
    pub results: PathBuf,
}

pub fn run(args: TableArgs) -> Result<bool, Error> {
    let text = std::fs::read_to_string(&args.results)?;
    let rows: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let num = |v: &Value, path: &str| -> String {
        let mut at = v;
        for key in path.split('.') {
            at = &at[key];
        }
        match at.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() < 1e12 => format!("{x:.0}"),
            Some(x) if x.abs() >= 100.0 => format!("{x:.0}"),
            Some(x) => format!("{x:.2}"),
            None => "n/a".into(),
        }
    };
    let live: Vec<&Value> = rows
        .iter()
        .filter(|r| r.get("subscribers").is_some())
        .collect();
    if !live.is_empty() {
        println!("| subscribers | saves/s | deliveries/s | delivery p50 / p90 / p99 / max (ms) | save → last subscriber p50 / p99 / max (ms) | server CPU µs / delivery (in kernel) | server RSS KiB / idle connection | missing / dup / out of order |");
        println!("|---:|---:|---:|---|---|---:|---:|---|");
        for r in live {
            println!(
                "| {} | {} | {} | {} / {} / {} / {} | {} / {} / {} | {} ({}) | {} | {} / {} / {} |",
                num(r, "subscribers"),
                num(r, "saves_per_s"),
                num(r, "deliveries_per_s"),
                num(r, "delivery_ms.p50"),
                num(r, "delivery_ms.p90"),
                num(r, "delivery_ms.p99"),
                num(r, "delivery_ms.max"),
                num(r, "save_to_last_ms.p50"),
                num(r, "save_to_last_ms.p99"),
                num(r, "save_to_last_ms.max"),
                num(r, "server_cpu_us_per_delivery"),
                r.get("server_cpu_kernel_share")
                    .and_then(Value::as_f64)
                    .map_or("n/a".to_string(), |s| format!("{:.0} %", s * 100.0)),
                num(r, "server_rss_per_idle_connection_kib"),
                num(r, "completeness.missing"),
                num(r, "completeness.duplicate"),
                num(r, "completeness.out_of_order"),
            );
        }
        println!();
    }
    let saves: Vec<&Value> = rows.iter().filter(|r| r.get("ratio").is_some()).collect();
    if !saves.is_empty() {
        println!("| database | writers | bare update transactions/s | merged saves/s (change log, publish) | ratio (median; each round) | merged saves/s, not published | publishing costs | saves per commit |");
        println!("|---|---:|---:|---:|---:|---:|---:|---:|");
        for r in saves {
            println!(
                "| {} | {} | {} | {} | {:.0} %{} | {} | {:.0} % | {} |",
                r["backend"].as_str().unwrap_or("?"),
                num(r, "editors"),
                num(r, "bare_update_per_s"),
                num(r, "merged_save_per_s"),
                r["ratio"].as_f64().unwrap_or(0.0) * 100.0,
                round_ratios(r),
                num(r, "merged_unpublished_per_s"),
                r["publish_cost"].as_f64().unwrap_or(f64::NAN) * 100.0,
                r["saves_per_commit"]
                    .as_f64()
                    .map_or("1 (a transaction each)".into(), |n| format!("{n:.1}"))
            );
        }
    }
    let bookings: Vec<&Value> = rows.iter().filter(|r| r["kind"] == "bookings").collect();
    if !bookings.is_empty() {
        println!();
        println!("| database | staff sockets | POST → each socket p50 / p99 / max (ms) | POST → last socket p50 / p99 (ms) | bookings accepted/s (in flight) | answer p50 / p99 (ms) | redeliveries/s | server CPU µs / booking | refused / extra / missing / dup |");
        println!("|---|---:|---|---|---:|---|---:|---:|---|");
        for r in bookings {
            println!(
                "| {} | {} | {} / {} / {} | {} / {} | {} ({}) | {} / {} | {} | {} | {} / {} / {} / {} |",
                r["backend"].as_str().unwrap_or("?"),
                num(r, "sockets"),
                num(r, "post_to_socket_ms.p50"),
                num(r, "post_to_socket_ms.p99"),
                num(r, "post_to_socket_ms.max"),
                num(r, "post_to_last_socket_ms.p50"),
                num(r, "post_to_last_socket_ms.p99"),
                num(r, "accepted_per_s"),
                num(r, "concurrency"),
                num(r, "answer_ms.p50"),
                num(r, "answer_ms.p99"),
                num(r, "redelivered_per_s"),
                num(r, "server_cpu_us_per_booking"),
                num(r, "refused"),
                num(r, "extra_frames"),
                num(r, "completeness.missing"),
                num(r, "completeness.duplicate"),
            );
        }
    }
    let checkouts: Vec<&Value> = rows.iter().filter(|r| r["kind"] == "checkouts").collect();
    if !checkouts.is_empty() {
        println!();
        println!("| database | desk sockets | checkout → each socket p50 / p99 / max (ms) | checkout → last socket p50 / p99 (ms) | checkouts/s (buyers at once) | answer p50 / p99 (ms) | server CPU µs / checkout | refused / missing / dup |");
        println!("|---|---:|---|---|---:|---|---:|---|");
        for r in checkouts {
            println!(
                "| {} | {} | {} / {} / {} | {} / {} | {} ({}) | {} / {} | {} | {} / {} / {} |",
                r["backend"].as_str().unwrap_or("?"),
                num(r, "sockets"),
                num(r, "checkout_to_socket_ms.p50"),
                num(r, "checkout_to_socket_ms.p99"),
                num(r, "checkout_to_socket_ms.max"),
                num(r, "checkout_to_last_socket_ms.p50"),
                num(r, "checkout_to_last_socket_ms.p99"),
                num(r, "checkouts_per_s"),
                num(r, "concurrency"),
                num(r, "answer_ms.p50"),
                num(r, "answer_ms.p99"),
                num(r, "server_cpu_us_per_checkout"),
                num(r, "refused"),
                num(r, "completeness.missing"),
                num(r, "completeness.duplicate"),
            );
        }
    }
    Ok(true)
}

/// " (69, 75, 80 %)": the ratio of each round, when there was more than one.
fn round_ratios(r: &Value) -> String {
    let each: Vec<String> = r["round_ratios"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_f64)
        .map(|x| format!("{:.0}", x * 100.0))
        .collect();
    if each.len() > 1 {
        format!(" ({} %)", each.join(", "))
    } else {
        String::new()
    }
}
