//! Editors saving at a fixed total rate (open loop): each save has an intended start time on
//! a fixed schedule, and its latency counts from that time, so a slow server cannot hide its
//! slowness by delaying the next request (coordinated omission).

use std::time::{Duration, Instant};

use crate::http::Api;

pub struct SaveRecord {
    pub seq: i64,
    /// Microseconds since the run's clock started.
    pub intended_us: u64,
    pub done_us: u64,
}

pub struct Saves {
    pub done: Vec<SaveRecord>,
    pub failed: Vec<String>,
}

/// Each editor changes its own record's description; one save after the other per editor
/// (a later save starts from the value the previous one wrote).
pub async fn run(
    api: &Api,
    records: Vec<(String, String)>,
    rate: f64,
    duration: Duration,
    clock: Instant,
) -> Saves {
    let editors = records.len().max(1) as f64;
    let interval = Duration::from_secs_f64(editors / rate);
    let start = clock.elapsed();
    let tasks = records
        .into_iter()
        .enumerate()
        .map(|(i, (id, mut current))| {
            let api = api.clone();
            async move {
                let mut done = Vec::new();
                let mut failed = Vec::new();
                let first = start + Duration::from_secs_f64(i as f64 / rate);
                for k in 0u32.. {
                    let intended = first + interval * k;
                    if intended >= start + duration {
                        break;
                    }
                    if let Some(wait) = intended.checked_sub(clock.elapsed()) {
                        tokio::time::sleep(wait).await;
                    }
                    let next = format!("editor {i}, save {k}");
                    match api.save_description(&id, &current, &next).await {
                        Ok(seq) => {
                            done.push(SaveRecord {
                                seq,
                                intended_us: intended.as_micros() as u64,
                                done_us: clock.elapsed().as_micros() as u64,
                            });
                            current = next;
                        }
                        Err(e) => failed.push(e.to_string()),
                    }
                }
                (done, failed)
            }
        });
    let mut saves = Saves {
        done: Vec::new(),
        failed: Vec::new(),
    };
    for (done, failed) in futures::future::join_all(tasks).await {
        saves.done.extend(done);
        saves.failed.extend(failed);
    }
    saves.done.sort_by_key(|s| s.seq);
    saves
}
