//! `courant-load saves`: how fast the engine's merged save is (load the record, merge field by
//! field, write it, append to the change log, commit, publish) next to the least a save can
//! cost: a bare single-row sqlx UPDATE transaction, through the same pools and pragmas.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use serde::Serialize;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use app::content::model::Service;
use app::core::merge::RecordEdit;
use app::core::principal::{Principal, DEFAULT_ORG};
use app::engine::{save, Db, LiveConfig};
use app::startup::Settings;

use crate::Error;

#[derive(Args, Clone)]
pub struct SavesArgs {
    /// `sqlite` (a fresh file in the temp folder) or `postgres` (a fresh database).
    #[arg(long, default_value = "sqlite")]
    pub backend: String,
    /// PostgreSQL server to create the fresh database on.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    pub postgres: String,
    /// Concurrent writers, each on its own row.
    #[arg(long, default_value_t = 8)]
    pub editors: usize,
    /// Seconds per measurement.
    #[arg(long, default_value_t = 5)]
    pub duration: u64,
    /// Rounds of the three measurements, interleaved (bare, merged unpublished, merged): each
    /// figure is the median over rounds, so a slow spell of the machine hits all three alike.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    #[arg(long)]
    pub json: Option<PathBuf>,
}

#[derive(Serialize)]
struct SavesReport {
    backend: String,
    editors: usize,
    bare_update_per_s: f64,
    merged_save_per_s: f64,
    ratio: f64,
    /// The same merged saves with nothing subscribed and, on PostgreSQL, no doorbell.
    merged_unpublished_per_s: f64,
    /// 1 − published / unpublished.
    publish_cost: f64,
    /// SQLite's group commit: merged saves per transaction (published run).
    saves_per_commit: Option<f64>,
    rounds: usize,
    /// Merged (published) / bare in each round.
    round_ratios: Vec<f64>,
}

pub async fn run(args: SavesArgs) -> Result<bool, Error> {
    let duration = Duration::from_secs(args.duration);
    let (mut bares, mut unpublisheds, mut mergeds) = (Vec::new(), Vec::new(), Vec::new());
    let mut saves_per_commit = None;
    for round in 1..=args.rounds.max(1) {
        let bare_db = fresh_database(&args, "bare").await?;
        bares.push(bare_updates(&bare_db.1, args.editors, duration).await?);
        drop_database(&args, bare_db.0).await;
        for publish in [Publish::Off, Publish::On] {
            let engine_db = fresh_database(&args, "engine").await?;
            let (rate, per_commit) =
                merged_saves(&engine_db.1, args.editors, duration, publish).await?;
            drop_database(&args, engine_db.0).await;
            match publish {
                Publish::Off => unpublisheds.push(rate),
                Publish::On => {
                    mergeds.push(rate);
                    saves_per_commit = per_commit;
                }
            }
        }
        eprintln!(
            "round {round}: bare {:.0}/s, merged {:.0}/s ({:.0} %), not published {:.0}/s",
            bares[round - 1],
            mergeds[round - 1],
            100.0 * mergeds[round - 1] / bares[round - 1],
            unpublisheds[round - 1]
        );
    }
    let round_ratios = mergeds.iter().zip(&bares).map(|(m, b)| m / b).collect();
    let (bare, unpublished, merged) = (median(bares), median(unpublisheds), median(mergeds));
    let report = SavesReport {
        backend: args.backend.clone(),
        editors: args.editors,
        bare_update_per_s: bare,
        merged_save_per_s: merged,
        ratio: merged / bare,
        merged_unpublished_per_s: unpublished,
        publish_cost: 1.0 - merged / unpublished,
        saves_per_commit,
        rounds: args.rounds.max(1),
        round_ratios,
    };
    println!(
        "{} with {} writers, median of {} rounds: bare update transaction {:.0}/s, merged save with change log and publish {:.0}/s ({:.0} %); \
         without publishing {:.0}/s (publishing costs {:.0} %)",
        report.backend,
        report.editors,
        report.rounds,
        report.bare_update_per_s,
        report.merged_save_per_s,
        report.ratio * 100.0,
        report.merged_unpublished_per_s,
        report.publish_cost * 100.0
    );
    if let Some(n) = report.saves_per_commit {
        println!("group commit: {n:.1} merged saves per transaction");
    }
    if let Some(path) = &args.json {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        writeln!(f, "{}", serde_json::to_string(&report)?)?;
    }
    Ok(true)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    match xs.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => xs[n / 2],
        n => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

/// A fresh database for one measurement: (name to drop afterwards, URL).
async fn fresh_database(args: &SavesArgs, what: &str) -> Result<(String, String), Error> {
    let name = format!("courant_load_{what}_{}", std::process::id());
    match args.backend.as_str() {
        "sqlite" => {
            let dir = std::env::temp_dir().join(&name);
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir)?;
            Ok((
                dir.display().to_string(),
                format!("sqlite://{}/courant.db", dir.display()),
            ))
        }
        "postgres" => {
            use sqlx::{Connection, Executor};
            let mut admin =
                sqlx::PgConnection::connect(&format!("{}/postgres", args.postgres)).await?;
            admin
                .execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
                .await?;
            admin
                .execute(format!("CREATE DATABASE {name}").as_str())
                .await?;
            Ok((name.clone(), format!("{}/{name}", args.postgres)))
        }
        other => Err(format!("unknown backend {other:?}: use sqlite or postgres").into()),
    }
}

async fn drop_database(args: &SavesArgs, name: String) {
    if args.backend == "sqlite" {
        let _ = std::fs::remove_dir_all(name);
    } else {
        use sqlx::{Connection, Executor};
        if let Ok(mut admin) =
            sqlx::PgConnection::connect(&format!("{}/postgres", args.postgres)).await
        {
            let _ = admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await;
        }
    }
}

/// Run `editors` loops of `one` for `duration`; completed operations per second.
async fn rate<F, Fut>(editors: usize, duration: Duration, one: F) -> Result<f64, Error>
where
    F: Fn(usize, u64) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Result<(), Error>> + Send,
{
    let count = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..editors)
        .map(|e| {
            let (one, count) = (one.clone(), count.clone());
            tokio::spawn(async move {
                let mut k = 0;
                while start.elapsed() < duration {
                    k += 1;
                    one(e, k).await?;
                    count.fetch_add(1, Ordering::Relaxed);
                }
                Ok::<_, Error>(())
            })
        })
        .collect();
    for t in tasks {
        t.await??;
    }
    Ok(count.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64())
}

async fn bare_updates(url: &str, editors: usize, duration: Duration) -> Result<f64, Error> {
    let db = Db::connect(url).await?;
    sqlx::query("CREATE TABLE bench_rows (id BIGINT PRIMARY KEY, v TEXT NOT NULL)")
        .execute(&db.write)
        .await?;
    for id in 0..editors as i64 {
        sqlx::query("INSERT INTO bench_rows (id, v) VALUES ($1, '')")
            .bind(id)
            .execute(&db.write)
            .await?;
    }
    rate(editors, duration, move |e, k| {
        let db = db.clone();
        async move {
            let mut conn = db.writer().await?;
            let mut tx = db.begin_write(&mut conn).await?;
            sqlx::query("UPDATE bench_rows SET v = $1 WHERE id = $2")
                .bind(format!("editor {e}, save {k}"))
                .bind(e as i64)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        }
    })
    .await
}

/// Whether merged saves are published: to a live subscriber of the hub and, on PostgreSQL,
/// by the doorbell to every node (the engine's own listener included).
#[derive(Clone, Copy, PartialEq)]
enum Publish {
    Off,
    On,
}

async fn merged_saves(
    url: &str,
    editors: usize,
    duration: Duration,
    publish: Publish,
) -> Result<(f64, Option<f64>), Error> {
    let live = LiveConfig {
        single_node: publish == Publish::Off,
        ..LiveConfig::default()
    };
    let settings = Settings {
        live,
        ..Settings::default()
    };
    let engine = app::startup::start(url, settings).await?;
    let who = Principal::system(DEFAULT_ORG, "courant-load");
    if publish == Publish::On {
        // A live subscriber, so publishing is not a send into the void.
        let mut rx = engine.hub.subscribe(DEFAULT_ORG);
        tokio::spawn(async move {
            // Lagging is fine here; only a closed hub ends the drain.
            while !matches!(rx.recv().await, Err(RecvError::Closed)) {}
        });
    }
    let mut ids = Vec::new();
    for e in 0..editors {
        let service = Service {
            name: format!("Service {e}"),
            description: format!("editor {e}, save 0"),
            price_cents: 1000,
            published: true,
            ..Default::default()
        };
        let saved = save::create(&engine, &who, service).await?;
        ids.push(saved.record().meta.id.clone());
    }
    let ids = Arc::new(ids);
    let before = engine.group_stats();
    let measured = engine.clone();
    let rate = rate(editors, duration, move |e, k| {
        let (engine, who, ids) = (engine.clone(), who.clone(), ids.clone());
        async move {
            let edit = RecordEdit::one_field(
                &ids[e],
                0,
                "description",
                json!(format!("editor {e}, save {}", k - 1)),
                json!(format!("editor {e}, save {k}")),
            );
            save::save::<Service>(&engine, &who, &edit).await?;
            Ok(())
        }
    })
    .await?;
    let per_commit = before
        .zip(measured.group_stats())
        .map(|(b, a)| (a.jobs - b.jobs) as f64 / (a.transactions - b.transactions).max(1) as f64);
    Ok((rate, per_commit))
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(Vec::new()).is_nan());
    }
}
