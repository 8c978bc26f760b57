//! The webhook's receipts: every request, accepted or refused, written for the admins — but
//! a flood of refused requests (anyone with the URL can send them, signed or not) must not
//! become a flood of writes. Each organisation records at most `refusals_per_minute`
//! refusals a minute; beyond that they are counted, and the next recorded receipt says how
//! many went unrecorded. Each organisation keeps its latest `RECEIPTS_KEPT` receipts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::core::error::AppError;
use crate::core::locale::current;
use crate::core::principal::OrgId;
use crate::core::time::now_ms;
use crate::engine::Engine;
use crate::i18n::*;

/// Receipts kept per organisation; older ones go.
pub const RECEIPTS_KEPT: i64 = 1_000;
/// Receipts an organisation writes between two prunings.
const PRUNE_EVERY: u64 = 100;
const WINDOW: Duration = Duration::from_secs(60);

/// The webhook's settings from the environment (README, "Configuration").
#[derive(Clone, Debug)]
pub struct BookingLimits {
    /// How far a signature's time may be from the server's, in seconds.
    pub tolerance_secs: i64,
    /// Refused requests recorded per organisation and minute.
    pub refusals_per_minute: u32,
}

impl BookingLimits {
    pub fn from_env() -> BookingLimits {
        let var = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<i64>().ok());
        BookingLimits {
            // Calendly's own advice: 3 minutes.
            tolerance_secs: var("COURANT_BOOKING_TOLERANCE_SECS")
                .map_or(180, |s| s.clamp(10, 3600)),
            refusals_per_minute: var("COURANT_BOOKING_REFUSALS_PER_MINUTE")
                .map_or(60, |n| n.clamp(1, 100_000) as u32),
        }
    }
}

#[derive(Default)]
struct OrgReceipts {
    written: u64,
    window_start: Option<Instant>,
    refused_in_window: u32,
    unrecorded: u64,
}

/// Per organisation, in this process: receipts written and refusals this minute.
#[derive(Clone, Default)]
pub struct ReceiptGate(Arc<Mutex<HashMap<OrgId, OrgReceipts>>>);

impl ReceiptGate {
    /// Whether a refusal may be written now; if not, it is counted as unrecorded.
    fn admit_refusal(&self, org: OrgId, per_minute: u32) -> bool {
        let now = Instant::now();
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let o = map.entry(org).or_default();
        if o.window_start
            .is_none_or(|s| now.duration_since(s) >= WINDOW)
        {
            o.window_start = Some(now);
            o.refused_in_window = 0;
        }
        if o.refused_in_window >= per_minute {
            o.unrecorded += 1;
            return false;
        }
        o.refused_in_window += 1;
        true
    }

    /// Count a receipt about to be written: refusals left unrecorded since the last one
    /// (taken), and whether to prune now.
    fn written(&self, org: OrgId) -> (u64, bool) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let o = map.entry(org).or_default();
        o.written += 1;
        (
            std::mem::take(&mut o.unrecorded),
            o.written.is_multiple_of(PRUNE_EVERY),
        )
    }
}

/// Record one request to organisation `org`'s webhook.
pub async fn record(
    engine: &Engine,
    org: OrgId,
    event: &str,
    outcome: &str,
    reason: &str,
    prospect: Option<&str>,
) -> Result<(), AppError> {
    let gate = engine.feature::<ReceiptGate>();
    if outcome == "refused"
        && !gate.admit_refusal(org, engine.feature::<BookingLimits>().refusals_per_minute)
    {
        return Ok(());
    }
    let (unrecorded, prune) = gate.written(org);
    let reason = if unrecorded > 0 {
        format!(
            "{reason} {}",
            td_string!(current(), prospects.booking.unrecorded, count = unrecorded)
        )
    } else {
        reason.to_string()
    };
    log_operation(engine, org, event, outcome, &reason, prospect).await;
    let mut conn = engine.db.writer().await?;
    let event: String = event.chars().take(64).collect();
    sqlx::query(
        "INSERT INTO booking_receipts (org_id, received_at, event, outcome, reason, prospect_id) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(org)
    .bind(now_ms())
    .bind(event)
    .bind(outcome)
    .bind(reason)
    .bind(prospect)
    .execute(&mut *conn)
    .await?;
    // Keep the last receipts only: a tool that retries forever cannot grow the table.
    if prune {
        sqlx::query(
            "DELETE FROM booking_receipts WHERE org_id = $1 AND id <= COALESCE((SELECT id FROM \
             booking_receipts WHERE org_id = $1 ORDER BY id DESC LIMIT 1 OFFSET $2), 0)",
        )
        .bind(org)
        .bind(RECEIPTS_KEPT)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Each receipt recorded is also one entry of the sync centre's operations log (refusals
/// under the same limit as their receipts). A failure to log it is only traced: the receipt
/// itself is the booking tool's answer.
async fn log_operation(
    engine: &Engine,
    org: OrgId,
    event: &str,
    outcome: &str,
    reason: &str,
    prospect: Option<&str>,
) {
    use crate::core::operation::{Counts, Direction, OperationKind, OperationStatus, Trigger};
    use crate::engine::operations::{End, OperationRun, Start};
    let l = current();
    let who = crate::core::principal::Principal::system(org, "booking");
    let mut counts = Counts {
        total: 1,
        done: 1,
        ..Default::default()
    };
    let status = match outcome {
        "accepted" => {
            counts.updated = 1;
            OperationStatus::Succeeded
        }
        "duplicate" | "ignored" => {
            counts.unchanged = 1;
            OperationStatus::Succeeded
        }
        _ => {
            counts.rejected = 1;
            OperationStatus::Failed
        }
    };
    let event: String = event.chars().take(64).collect();
    let start = Start {
        kind: OperationKind::BookingReceived,
        direction: Direction::Inbound,
        source: if event.is_empty() {
            td_string!(l, prospects.booking.operation_source_unnamed).to_string()
        } else {
            td_string!(l, prospects.booking.operation_source, event = &event).to_string()
        },
        destination: td_string!(l, prospects.booking.operation_destination).to_string(),
        trigger: Trigger::Webhook,
        started_by: "booking".to_string(),
    };
    let end = End {
        status,
        summary: reason.to_string(),
        counts,
        subject: prospect.unwrap_or_default().to_string(),
    };
    if let Err(e) = OperationRun::record(engine, &who, start, now_ms(), end).await {
        tracing::warn!(org, error = %e.explain(), "cannot log a booking receipt as an operation");
    }
}
