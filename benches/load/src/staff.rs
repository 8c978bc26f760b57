//! What the bookings and checkouts runs share: a crowd of staff sockets open through the
//! run (the admin's session), waiting until they have received so many frames, and the
//! report appended as one JSON line.

use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::http::Api;
use crate::subscribers::{self, Received};
use crate::Error;

/// `n` staff sockets, each noting its frames' arrival times on `clock`.
pub struct StaffSockets {
    pub clock: Instant,
    /// Change frames received by all the sockets together.
    pub delivered: Arc<AtomicU64>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<Result<Received, String>>>,
}

impl StaffSockets {
    /// Open `n` sockets as `api`'s session and wait (60 s at most) until all are connected.
    pub async fn open(api: &Api, n: usize) -> Result<StaffSockets, Error> {
        let clock = Instant::now();
        let delivered = Arc::new(AtomicU64::new(0));
        let connected = Arc::new(AtomicUsize::new(0));
        let (stop, stop_rx) = watch::channel(false);
        let mut tasks = Vec::with_capacity(n);
        for i in 0..n {
            let (api, delivered, connected, stop) = (
                api.clone(),
                delivered.clone(),
                connected.clone(),
                stop_rx.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let socket = subscribers::connect(&api.base, true, api.cookie())
                    .await
                    .map_err(|e| format!("socket {i}: {e}"))?;
                connected.fetch_add(1, Ordering::Relaxed);
                Ok::<_, String>(subscribers::receive(socket, clock, delivered, stop).await)
            }));
        }
        wait_for(
            || connected.load(Ordering::Relaxed) >= n,
            Duration::from_secs(60),
        )
        .await
        .map_err(|_| "not every staff socket connected within 60 s")?;
        Ok(StaffSockets {
            clock,
            delivered,
            stop,
            tasks,
        })
    }

    /// Microseconds since the sockets' clock started.
    pub fn now_micros(&self) -> u64 {
        self.clock.elapsed().as_micros() as u64
    }

    /// Wait until the sockets together have `frames` frames, or `limit` has passed.
    pub async fn wait_for_frames(&self, frames: u64, limit: Duration) -> Result<(), ()> {
        wait_for(|| self.delivered.load(Ordering::Relaxed) >= frames, limit).await
    }

    /// Close the sockets; what each received.
    pub async fn finish(self) -> Result<Vec<Received>, Error> {
        let _ = self.stop.send(true);
        let mut received = Vec::with_capacity(self.tasks.len());
        for t in self.tasks {
            received.push(t.await?.map_err(Error::from)?);
        }
        Ok(received)
    }
}

/// Poll `done` every 5 ms until it holds, or fail after `limit`.
pub async fn wait_for(done: impl Fn() -> bool, limit: Duration) -> Result<(), ()> {
    let deadline = Instant::now() + limit;
    while !done() {
        if Instant::now() > deadline {
            return Err(());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(())
}

/// Append `report` to `path` as one JSON line (`courant-load table` reads them).
pub fn append_json(path: &Path, report: &impl serde::Serialize) -> Result<(), Error> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    writeln!(file, "{}", serde_json::to_string(report)?)?;
    Ok(())
}
