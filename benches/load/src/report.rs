//! Turning what the subscribers saw into the figures BENCHMARKS.md reports.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::editors::Saves;
use crate::procfs::CpuTime;
use crate::subscribers::Received;
use crate::Error;

pub struct Measured<'a> {
    pub subscribers: usize,
    pub staff: usize,
    pub editors: usize,
    pub target_rate: f64,
    pub saves: &'a Saves,
    pub received: &'a [Received],
    pub saving_took: Duration,
    /// From the first save to the last delivery (or the drain timeout).
    pub window: Duration,
    pub connect_time: Duration,
    pub server_cpu: Option<CpuTime>,
    pub rss_before_kib: Option<u64>,
    pub rss_idle_kib: Option<u64>,
}

/// Milliseconds at the 50th, 90th and 99th percentile and the maximum.
#[derive(Debug, Default, Serialize, PartialEq)]
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl Percentiles {
    /// Nearest-rank percentiles of microsecond samples, in milliseconds.
    pub fn of(mut micros: Vec<u64>) -> Percentiles {
        if micros.is_empty() {
            return Percentiles::default();
        }
        micros.sort_unstable();
        let at = |p: f64| {
            let rank = ((p / 100.0) * micros.len() as f64).ceil() as usize;
            micros[rank.clamp(1, micros.len()) - 1] as f64 / 1000.0
        };
        Percentiles {
            p50: at(50.0),
            p90: at(90.0),
            p99: at(99.0),
            max: at(100.0),
        }
    }
}

/// Events missing, repeated or out of order, over all subscribers; any non-zero is a failure.
#[derive(Debug, Default, Serialize, PartialEq)]
pub struct Completeness {
    pub missing: u64,
    pub duplicate: u64,
    pub out_of_order: u64,
}

impl Completeness {
    /// Every subscriber must see each of `expected` exactly once, in increasing order.
    pub fn check(expected: &[i64], events: &[(i64, u64)]) -> Completeness {
        let wanted: HashSet<i64> = expected.iter().copied().collect();
        let mut seen = HashSet::new();
        let mut c = Completeness::default();
        let mut last = i64::MIN;
        for &(seq, _) in events {
            if !seen.insert(seq) {
                c.duplicate += 1;
                continue;
            }
            if seq < last {
                c.out_of_order += 1;
            }
            last = last.max(seq);
        }
        c.missing = wanted.difference(&seen).count() as u64;
        c
    }

    fn add(&mut self, other: Completeness) {
        self.missing += other.missing;
        self.duplicate += other.duplicate;
        self.out_of_order += other.out_of_order;
    }
}

#[derive(Debug, Serialize)]
pub struct LiveReport {
    pub subscribers: usize,
    pub staff_subscribers: usize,
    pub editors: usize,
    pub target_saves_per_s: f64,
    pub saves: usize,
    pub failed_saves: usize,
    pub first_failure: Option<String>,
    pub saves_per_s: f64,
    pub deliveries: u64,
    pub deliveries_per_s: f64,
    /// Save request to receipt, each delivery.
    pub delivery_ms: Percentiles,
    /// Save request to the last subscriber's receipt, each save.
    pub save_to_last_ms: Percentiles,
    /// Save request to the server's answer.
    pub save_response_ms: Percentiles,
    pub server_cpu_us_per_delivery: Option<f64>,
    /// The share of the server's CPU time spent in the kernel.
    pub server_cpu_kernel_share: Option<f64>,
    pub server_rss_per_idle_connection_kib: Option<f64>,
    pub server_rss_idle_mib: Option<f64>,
    pub connect_s: f64,
    pub resyncs: u64,
    pub closed_by_server: u64,
    pub completeness: Completeness,
}

impl From<Measured<'_>> for LiveReport {
    fn from(m: Measured<'_>) -> LiveReport {
        let intended: HashMap<i64, u64> = m
            .saves
            .done
            .iter()
            .map(|s| (s.seq, s.intended_us))
            .collect();
        let expected: Vec<i64> = m.saves.done.iter().map(|s| s.seq).collect();
        let mut per_delivery = Vec::new();
        let mut last_receipt: HashMap<i64, u64> = HashMap::new();
        let mut completeness = Completeness::default();
        let mut deliveries = 0u64;
        for r in m.received {
            completeness.add(Completeness::check(&expected, &r.events));
            for &(seq, at) in &r.events {
                if let Some(&start) = intended.get(&seq) {
                    deliveries += 1;
                    per_delivery.push(at.saturating_sub(start));
                    let last = last_receipt.entry(seq).or_default();
                    *last = (*last).max(at);
                }
            }
        }
        let save_to_last = m
            .saves
            .done
            .iter()
            .filter_map(|s| {
                last_receipt
                    .get(&s.seq)
                    .map(|at| at.saturating_sub(s.intended_us))
            })
            .collect();
        let response = m
            .saves
            .done
            .iter()
            .map(|s| s.done_us.saturating_sub(s.intended_us))
            .collect();
        let secs = |d: Duration| d.as_secs_f64().max(1e-9);
        LiveReport {
            subscribers: m.subscribers,
            staff_subscribers: m.staff,
            editors: m.editors,
            target_saves_per_s: m.target_rate,
            saves: m.saves.done.len(),
            failed_saves: m.saves.failed.len(),
            first_failure: m.saves.failed.first().cloned(),
            saves_per_s: m.saves.done.len() as f64 / secs(m.saving_took),
            deliveries,
            deliveries_per_s: deliveries as f64 / secs(m.window),
            delivery_ms: Percentiles::of(per_delivery),
            save_to_last_ms: Percentiles::of(save_to_last),
            save_response_ms: Percentiles::of(response),
            server_cpu_us_per_delivery: m
                .server_cpu
                .filter(|_| deliveries > 0)
                .map(|cpu| cpu.total() as f64 / deliveries as f64),
            server_cpu_kernel_share: m
                .server_cpu
                .filter(|cpu| cpu.total() > 0)
                .map(|cpu| cpu.system as f64 / cpu.total() as f64),
            server_rss_per_idle_connection_kib: m
                .rss_before_kib
                .zip(m.rss_idle_kib)
                .filter(|_| m.subscribers > 0)
                .map(|(a, b)| (b as f64 - a as f64) / m.subscribers as f64),
            server_rss_idle_mib: m.rss_idle_kib.map(|k| k as f64 / 1024.0),
            connect_s: m.connect_time.as_secs_f64(),
            resyncs: m.received.iter().map(|r| r.resyncs as u64).sum(),
            closed_by_server: m.received.iter().filter(|r| r.closed).count() as u64,
            completeness,
        }
    }
}

impl LiveReport {
    /// No missing, duplicate or out-of-order event, and every save went through.
    pub fn complete(&self) -> bool {
        self.completeness == Completeness::default() && self.failed_saves == 0
    }

    pub fn print(&self) {
        let opt = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.2}"));
        println!(
            "subscribers {} ({} staff), editors {}, {} saves ({:.1}/s, target {}/s), {} failed{}",
            self.subscribers,
            self.staff_subscribers,
            self.editors,
            self.saves,
            self.saves_per_s,
            self.target_saves_per_s,
            self.failed_saves,
            self.first_failure
                .as_deref()
                .map(|f| format!(" (first: {f})"))
                .unwrap_or_default()
        );
        let p = |p: &Percentiles| {
            format!(
                "p50 {:.2} / p90 {:.2} / p99 {:.2} / max {:.2} ms",
                p.p50, p.p90, p.p99, p.max
            )
        };
        println!("  delivery latency        {}", p(&self.delivery_ms));
        println!("  save to last subscriber {}", p(&self.save_to_last_ms));
        println!("  save response           {}", p(&self.save_response_ms));
        println!(
            "  {} deliveries ({:.0}/s); server CPU {} µs per delivery ({} % in the kernel); server RSS {} KiB per idle connection ({} MiB idle)",
            self.deliveries,
            self.deliveries_per_s,
            opt(self.server_cpu_us_per_delivery),
            self.server_cpu_kernel_share
                .map_or("n/a".to_string(), |s| format!("{:.0}", s * 100.0)),
            opt(self.server_rss_per_idle_connection_kib),
            opt(self.server_rss_idle_mib),
        );
        println!(
            "  completeness: {} missing, {} duplicate, {} out of order; {} resyncs, {} closed by the server; connecting took {:.1} s",
            self.completeness.missing,
            self.completeness.duplicate,
            self.completeness.out_of_order,
            self.resyncs,
            self.closed_by_server,
            self.connect_s
        );
    }

    pub fn append_json(&self, path: &Path) -> Result<(), Error> {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        writeln!(file, "{}", serde_json::to_string(self)?)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let p = Percentiles::of((1..=100).map(|ms| ms * 1000).collect());
        assert_eq!((p.p50, p.p90, p.p99, p.max), (50.0, 90.0, 99.0, 100.0));
        assert_eq!(Percentiles::of(vec![]), Percentiles::default());
    }

    #[test]
    fn completeness_counts_every_kind_of_fault() {
        let at = |seqs: &[i64]| seqs.iter().map(|&s| (s, 0)).collect::<Vec<_>>();
        assert_eq!(
            Completeness::check(&[1, 2, 3], &at(&[1, 2, 3])),
            Completeness::default()
        );
        let c = Completeness::check(&[1, 2, 3, 4], &at(&[1, 3, 3, 2]));
        assert_eq!((c.missing, c.duplicate, c.out_of_order), (1, 1, 1));
    }
}
