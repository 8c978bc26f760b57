//! The operations log as CSV, filtered as the log page filters it (period, type, status),
//! newest first, with the headers in the reader's language.

use crate::core::collection::Collection;
use crate::core::error::AppError;
use crate::core::locale::current;
use crate::core::operation::Operation;
use crate::core::principal::Principal;
use crate::core::time::now_ms;
use crate::engine::{store, Engine};
use crate::i18n::*;

/// At most this many rows (the newest).
pub const MAX_ROWS: usize = 100_000;

/// `courant-<org>-operations-YYYY-MM-DD.csv` and its bytes; `days` 0: every operation.
pub async fn logs_csv(
    engine: &Engine,
    who: &Principal,
    days: i64,
    kind: &str,
    status: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let mut conn = engine.db.read.acquire().await?;
    let since = if days > 0 {
        now_ms() - days * 86_400_000
    } else {
        i64::MIN
    };
    let mut ops: Vec<Operation> = store::list_records(&mut conn, who.org, Operation::NAME)
        .await?
        .into_iter()
        .filter_map(|r| serde_json::from_value(serde_json::Value::Object(r.to_map())).ok())
        .filter(|o: &Operation| o.started_at >= since)
        .filter(|o| kind.is_empty() || o.kind.as_str() == kind)
        .filter(|o| status.is_empty() || o.status.as_str() == status)
        .collect();
    ops.sort_by_key(|o| std::cmp::Reverse(o.started_at));
    ops.truncate(MAX_ROWS);
    let l = current();
    let mut out = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| AppError::Internal(e.to_string());
    out.write_record([
        "id",
        td_string!(l, sync.csv.kind),
        td_string!(l, sync.csv.status),
        td_string!(l, sync.csv.started_at),
        td_string!(l, sync.csv.ended_at),
        td_string!(l, sync.csv.duration_ms),
        td_string!(l, sync.csv.source),
        td_string!(l, sync.csv.destination),
        td_string!(l, sync.csv.started_by),
        td_string!(l, sync.count.total),
        td_string!(l, sync.count.created),
        td_string!(l, sync.count.updated),
        td_string!(l, sync.count.unchanged),
        td_string!(l, sync.count.deleted),
        td_string!(l, sync.count.rejected),
        td_string!(l, sync.count.conflicts),
        td_string!(l, sync.csv.summary),
    ])
    .map_err(io)?;
    let now = now_ms();
    for o in &ops {
        let c = o.counts;
        out.write_record(
            [
                o.meta.id.clone(),
                o.kind.as_str().to_string(),
                o.status.as_str().to_string(),
                iso(o.started_at),
                o.ended_at.map(iso).unwrap_or_default(),
                o.duration_ms(now).to_string(),
                o.source.clone(),
                o.destination.clone(),
                o.started_by.clone(),
                c.total.to_string(),
                c.created.to_string(),
                c.updated.to_string(),
                c.unchanged.to_string(),
                c.deleted.to_string(),
                c.rejected.to_string(),
                c.conflicts.to_string(),
                o.summary.clone(),
            ]
            .map(|cell| defused(&cell)),
        )
        .map_err(io)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let (day, _) = super::backup::stamp(now);
    Ok((format!("courant-{}-operations-{day}.csv", who.org), bytes))
}

/// A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, a tab or a carriage
/// return first: text that came from outside, a booking tool's event name say) is written
/// with a leading apostrophe, so opening the file runs nothing.
fn defused(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// `2026-12-07T05:11:56Z`.
fn iso(ms: i64) -> String {
    let (day, time) = super::backup::stamp(ms);
    format!("{day}T{}:{}:{}Z", &time[..2], &time[2..4], &time[4..6])
}

#[cfg(test)]
mod tests {
    use super::defused;

    #[test]
    fn formulas_are_written_as_text() {
        assert_eq!(defused("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defused("-1+2"), "'-1+2");
        assert_eq!(defused("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defused("Sauvegarde"), "Sauvegarde");
        assert_eq!(defused(""), "");
    }
}
