//! A server's memory after bursts of parallel sign-ins: bounded, and given back to nothing
//! but the hashing threads' work areas. Its own test binary, so that no other test's
//! allocations are counted in the process's resident memory.

#[allow(unused_macros)]
#[path = "it/common/mod.rs"]
mod common;

use app::identity::server::access::AuthConfig;
use app::identity::server::throttle::Limits;
use common::*;

/// Resident memory of this process, in MiB (Linux).
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status");
    kib / 1024.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bursts_of_sign_ins_leave_memory_bounded() {
    // Every attempt hashes (unknown accounts check a dummy hash): no throttle in the way.
    let auth = AuthConfig {
        limits: Limits {
            per_account: 10_000,
            per_account_everywhere: 10_000,
            per_address: 10_000,
            ..Default::default()
        },
        ..Default::default()
    };
    let app = spawn_app_with(fresh_database(Backend::Sqlite).await, auth).await;
    // Warm the client, the server and the database before the first reading.
    app.sign_in("warm@x.test", "not the password").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let start = rss_mib();
    let mut after = Vec::new();
    for (round, burst) in [1usize, 4, 8, 60, 60, 60].into_iter().enumerate() {
        let app = &app;
        let answers = futures::future::join_all((0..burst).map(|i| async move {
            app.sign_in(&format!("nobody{round}-{i}@x.test"), "wrong password")
                .await
                .status()
                .as_u16()
        }))
        .await;
        // Every one was hashed and refused (none turned away before hashing).
        assert!(answers.iter().all(|s| *s == 401), "{answers:?}");
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        after.push(rss_mib());
    }
    eprintln!(
        "resident memory: {start:.0} MiB at start, after bursts of 1, 4, 8, 60, 60, 60: {}",
        after
            .iter()
            .map(|m| format!("{m:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // Four hashing threads with a 19 MiB work area each, and what a burst of 60 requests
    // costs besides: well under what one arena per thread held (833 MB).
    let grown = after.last().unwrap() - start;
    assert!(grown < 120.0, "grew by {grown:.0} MiB: {after:?}");
    // And it does not creep: the third burst of 60 costs nothing the first did not.
    let creep = after[5] - after[3];
    assert!(creep < 16.0, "crept by {creep:.0} MiB: {after:?}");
}
