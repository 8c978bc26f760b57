//! Export: the whole organisation, or one collection, as a file in the backup format (so it
//! can be imported again), at any time. Logged as an operation.

use crate::core::error::AppError;
use crate::core::locale::current;
use crate::core::operation::{Direction, OperationKind, OperationStatus, Trigger};
use crate::core::principal::Principal;
use crate::core::time::now_ms;
use crate::engine::operations::{OperationRun, Start};
use crate::engine::{replace, Engine};
use crate::i18n::*;

/// The export's file name and bytes: `courant-<org>-backup-YYYY-MM-DD.json`, or
/// `courant-<org>-<collection>-YYYY-MM-DD.json` for one collection.
pub async fn export(
    engine: &Engine,
    who: &Principal,
    collection: Option<&str>,
) -> Result<(String, Vec<u8>), AppError> {
    let all = replace::backed_up(engine);
    let collections: Vec<&str> = match collection {
        None => all,
        Some(name) => match all.iter().find(|c| **c == name) {
            Some(c) => vec![*c],
            None => {
                return Err(AppError::NotFound(
                    crate::engine::registry::collection_named(name),
                ))
            }
        },
    };
    let now = now_ms();
    let (day, _) = super::backup::stamp(now);
    let name = format!(
        "courant-{}-{}-{day}.json",
        who.org,
        collection.unwrap_or("backup")
    );
    let mut run = OperationRun::start(
        engine,
        who,
        Start {
            kind: OperationKind::Export,
            direction: Direction::Outbound,
            source: td_string!(current(), sync.source.database).to_string(),
            destination: name.clone(),
            trigger: Trigger::Member,
            started_by: who.actor.clone(),
        },
    )
    .await?;
    let _turn = engine.feature::<super::config::Running>().heavy().await;
    let io = |e: std::io::Error| AppError::Internal(e.to_string());
    let written = super::backup::write_records(
        engine,
        who.org,
        &collections,
        collection.is_none(),
        Vec::new(),
        now,
        &mut run,
        io,
    )
    .await;
    match written {
        Ok((manifest, bytes)) => {
            let summary = td_string!(
                current(),
                sync.backup.done,
                n = manifest.records,
                size = crate::core::locale::file_size(bytes.len() as u64, current())
            )
            .to_string();
            run.finish(OperationStatus::Succeeded, summary).await?;
            Ok((name, bytes))
        }
        Err(e) => Err(run.fail(e).await),
    }
}
