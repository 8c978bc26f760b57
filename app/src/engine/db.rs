//! One database handle for both back ends, chosen at run time from the URL.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor, Transaction};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Readers and the writer use separate pools. On SQLite the writer pool has a single
/// connection, so saves queue in the process instead of failing with SQLITE_BUSY.
#[derive(Clone, Debug)]
pub struct Db {
    pub read: AnyPool,
    pub write: AnyPool,
    pub backend: Backend,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/courant.db";

impl Db {
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(sqlx::Error::Configuration(
                format!("DATABASE_URL must start with sqlite: or postgres:// (got {url:?})").into(),
            ));
        };
        let (read, write) = match backend {
            Backend::Sqlite => {
                let url = sqlite_url(url)?;
                let opts = AnyConnectOptions::from_str(&url)?;
                let write = sqlite_pool(1).connect_with(opts.clone()).await?;
                let read = sqlite_pool(4).connect_with(opts).await?;
                (read, write)
            }
            Backend::Postgres => {
                let opts = AnyConnectOptions::from_str(url)?;
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await?;
                (pool.clone(), pool)
            }
        };
        Ok(Db {
            read,
            write,
            backend,
        })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("../migrations/sqlite")
                    .run(&self.write)
                    .await
            }
            Backend::Postgres => {
                sqlx::migrate!("../migrations/postgres")
                    .run(&self.write)
                    .await
            }
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }

    /// A connection for one write transaction; see [`Db::begin_write`].
    pub async fn writer(&self) -> Result<PoolConnection<Any>, sqlx::Error> {
        self.write.acquire().await
    }

    /// Start a write transaction that takes its locks up front. A deferred SQLite `BEGIN` that
    /// reads then writes fails with SQLITE_BUSY_SNAPSHOT when another writer got in between.
    pub async fn begin_write<'c>(
        &self,
        conn: &'c mut AnyConnection,
    ) -> Result<Transaction<'c, Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => conn.begin().await,
        }
    }

    /// Start a read-only transaction that sees one state of the database throughout (a
    /// backup read in pages is one moment's data, whatever is saved meanwhile).
    pub async fn begin_snapshot<'c>(
        &self,
        conn: &'c mut AnyConnection,
    ) -> Result<Transaction<'c, Any>, sqlx::Error> {
        match self.backend {
            // WAL: a read transaction keeps the snapshot of its first read.
            Backend::Sqlite => conn.begin_with("BEGIN").await,
            Backend::Postgres => {
                conn.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await
            }
        }
    }

    /// `FOR UPDATE` where the back end has row locks; SQLite's IMMEDIATE already holds the lock.
    pub fn for_update(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }
}

/// Lock the row `id` of `table` until the transaction ends, so that a count-then-insert under
/// it (a daily limit, a maximum per organisation) holds against parallel requests: `FOR NO
/// KEY UPDATE` on PostgreSQL (it does not block the foreign-key checks of every save in the
/// organisation, as `FOR UPDATE` would); on SQLite the write transaction is exclusive
/// already. Returns whether the row exists. `table` is one of ours, never input.
pub async fn lock_row(
    conn: &mut AnyConnection,
    table: &'static str,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let lock = if conn.backend_name() == "PostgreSQL" {
        " FOR NO KEY UPDATE"
    } else {
        ""
    };
    let found = sqlx::query(&format!("SELECT id FROM {table} WHERE id = $1{lock}"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

fn sqlite_pool(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                )
                .await?;
                Ok(())
            })
        })
}

/// Create the database file (and its folder) when missing, as a first start should.
fn sqlite_url(url: &str) -> Result<String, sqlx::Error> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Err(sqlx::Error::Configuration(
            "an in-memory SQLite database cannot be shared by the reader and writer pools; use a file"
                .into(),
        ));
    }
    if let Some(dir) = std::path::Path::new(path).parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
    }
    Ok(if url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_get_create_mode() {
        let dir = std::env::temp_dir().join(format!("courant-url-{}", std::process::id()));
        let url = format!("sqlite://{}/x.db", dir.display());
        assert_eq!(sqlite_url(&url).unwrap(), format!("{url}?mode=rwc"));
        assert!(dir.is_dir());
        assert!(sqlite_url("sqlite::memory:").is_err());
    }
}
