//! Where backups are kept and the server's limits for them (README's configuration table).

use std::path::PathBuf;
use std::time::Duration;

/// The sync centre's settings, read once at start.
#[derive(Debug, Clone)]
pub struct BackupConfig {
    /// `COURANT_BACKUP_DIR`: where backup files are written (default `data/backups`, beside
    /// the default database).
    pub dir: PathBuf,
    /// `COURANT_BACKUP_MIN_INTERVAL_SECS`: the shortest schedule an admin may set (60).
    pub min_every_secs: i64,
    /// `COURANT_BACKUP_TICK_MS`: how often the schedule is looked at (5 s).
    pub tick: Duration,
    /// `COURANT_IMPORT_MAX_MB`: the largest file accepted for a restore (64 MiB).
    pub max_upload_bytes: u64,
}

impl Default for BackupConfig {
    fn default() -> Self {
        BackupConfig {
            dir: PathBuf::from("data/backups"),
            min_every_secs: 60,
            tick: Duration::from_secs(5),
            max_upload_bytes: 64 * 1024 * 1024,
        }
    }
}

impl BackupConfig {
    pub fn from_env() -> Self {
        let d = BackupConfig::default();
        let num = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
        BackupConfig {
            dir: std::env::var_os("COURANT_BACKUP_DIR")
                .map(PathBuf::from)
                .unwrap_or(d.dir),
            min_every_secs: num("COURANT_BACKUP_MIN_INTERVAL_SECS")
                .map_or(d.min_every_secs, |n| n.max(1) as i64),
            tick: num("COURANT_BACKUP_TICK_MS")
                .map_or(d.tick, |ms| Duration::from_millis(ms.max(10))),
            max_upload_bytes: num("COURANT_IMPORT_MAX_MB")
                .map_or(d.max_upload_bytes, |mb| mb.max(1) * 1024 * 1024),
        }
    }

    /// Uploaded files wait here while they are received and checked.
    pub fn uploads(&self) -> PathBuf {
        self.dir.join("uploads")
    }
}

/// What runs now: one backup per organisation at a time, and at most [`HEAVY`] heavy file
/// jobs (backups, file checks, exports) on the server at once — each holds a file's worth of
/// records in memory or a long read transaction, so many at once would be a way to exhaust the
/// server.
#[derive(Clone)]
pub struct Running {
    backups:
        std::sync::Arc<std::sync::Mutex<std::collections::HashSet<crate::core::principal::OrgId>>>,
    heavy: std::sync::Arc<tokio::sync::Semaphore>,
}

/// Heavy file jobs at once.
pub const HEAVY: usize = 2;

impl Default for Running {
    fn default() -> Self {
        Running {
            backups: Default::default(),
            heavy: std::sync::Arc::new(tokio::sync::Semaphore::new(HEAVY)),
        }
    }
}

/// An organisation's backup in progress; ends when dropped.
pub struct BackupRunning {
    backups:
        std::sync::Arc<std::sync::Mutex<std::collections::HashSet<crate::core::principal::OrgId>>>,
    org: crate::core::principal::OrgId,
}

impl Drop for BackupRunning {
    fn drop(&mut self) {
        if let Ok(mut b) = self.backups.lock() {
            b.remove(&self.org);
        }
    }
}

impl Running {
    /// Start `org`'s backup, unless one is running (429, said so).
    pub fn start(
        &self,
        org: crate::core::principal::OrgId,
    ) -> Result<BackupRunning, crate::core::error::AppError> {
        use crate::i18n::*;
        let mut b = self.backups.lock().map_err(|_| {
            crate::core::error::AppError::Internal("backup registry poisoned".into())
        })?;
        if !b.insert(org) {
            return Err(crate::core::error::AppError::LimitReached(
                td_string!(crate::core::locale::current(), sync.backup.already_running).to_string(),
            ));
        }
        Ok(BackupRunning {
            backups: self.backups.clone(),
            org,
        })
    }

    /// Wait for a turn among the heavy file jobs.
    pub async fn heavy(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.heavy.clone().acquire_owned().await.ok()
    }
}
