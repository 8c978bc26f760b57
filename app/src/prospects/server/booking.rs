//! The booking webhook, `POST /hooks/booking/{key}`: a booking tool (Calendly and its kind)
//! says someone booked, rescheduled or cancelled a meeting. The prospect with that email
//! gets the meeting (or is created); a cancellation updates it. Signed (calendly.rs),
//! applied once per event and invitee whatever the tool retries, and every request recorded
//! for the admins. docs/BOOKING.md is the guide for people wiring their tool.

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

use crate::core::error::AppError;
use crate::core::locale::current;
use crate::core::principal::{OrgId, Principal};
use crate::core::time::now_ms;
use crate::engine::{save, store, Engine};
use crate::i18n::*;
use crate::prospects::model::{Activity, Meeting, MeetingStatus, Prospect, ProspectSource};

use super::calendly::{self, Envelope, Invitee, SignatureProblem};
use super::receipts::{record, BookingLimits};

/// Largest body the webhook reads: a booking is a few KiB.
pub const MAX_BODY: usize = 64 * 1024;
/// Longest signing key an admin may set.
pub const MAX_SECRET: usize = 256;

/// What the webhook answers: the HTTP status and a message for the tool's logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub message: String,
}

/// One request the webhook received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub id: i64,
    pub received_at: i64,
    pub event: String,
    /// `accepted`, `duplicate`, `ignored` or `refused`.
    pub outcome: String,
    pub reason: String,
    pub prospect_id: Option<String>,
}

/// An organisation's webhook as its admins see it (never the secrets themselves).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingConfig {
    /// The path the booking tool posts to.
    pub path: String,
    pub has_secret: bool,
    pub has_previous_secret: bool,
}

struct Settings {
    org: OrgId,
    secret: String,
    previous: String,
}

async fn settings_by_key(engine: &Engine, key: &str) -> Result<Option<Settings>, AppError> {
    let row = sqlx::query(
        "SELECT org_id, secret, previous_secret FROM booking_settings WHERE url_key = $1",
    )
    .bind(key)
    .fetch_optional(&engine.db.read)
    .await?;
    Ok(row
        .map(|r| -> Result<Settings, sqlx::Error> {
            Ok(Settings {
                org: r.try_get("org_id")?,
                secret: r.try_get("secret")?,
                previous: r.try_get("previous_secret")?,
            })
        })
        .transpose()?)
}

/// The organisation's webhook, made (with a fresh URL key) the first time it is asked for.
pub async fn config(engine: &Engine, org: OrgId) -> Result<BookingConfig, AppError> {
    let mut conn = engine.db.writer().await?;
    sqlx::query(
        "INSERT INTO booking_settings (org_id, url_key, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (org_id) DO NOTHING",
    )
    .bind(org)
    .bind(uuid::Uuid::new_v4().simple().to_string())
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    let r = sqlx::query(
        "SELECT url_key, secret, previous_secret FROM booking_settings WHERE org_id = $1",
    )
    .bind(org)
    .fetch_one(&mut *conn)
    .await?;
    Ok(BookingConfig {
        path: format!("/hooks/booking/{}", r.try_get::<String, _>("url_key")?),
        has_secret: !r.try_get::<String, _>("secret")?.is_empty(),
        has_previous_secret: !r.try_get::<String, _>("previous_secret")?.is_empty(),
    })
}

/// Set the signing key: the current one becomes the previous (both work until the next
/// change, so a tool can be moved to the new key without losing a booking).
pub async fn set_secret(
    engine: &Engine,
    org: OrgId,
    secret: &str,
) -> Result<BookingConfig, AppError> {
    let secret = secret.trim();
    let n = secret.chars().count();
    if !(16..=MAX_SECRET).contains(&n) {
        return Err(AppError::Validation(vec![
            crate::core::validate::FieldError::new(
                "secret",
                td_string!(
                    current(),
                    prospects.booking.secret_length,
                    min = 16,
                    max = MAX_SECRET
                )
                .to_string(),
            ),
        ]));
    }
    config(engine, org).await?;
    let mut conn = engine.db.writer().await?;
    sqlx::query(
        "UPDATE booking_settings SET previous_secret = secret, secret = $1, updated_at = $2 \
         WHERE org_id = $3",
    )
    .bind(secret)
    .bind(now_ms())
    .bind(org)
    .execute(&mut *conn)
    .await?;
    drop(conn);
    config(engine, org).await
}

/// The latest receipts, newest first, `before` an id for the next page.
pub async fn receipts(
    engine: &Engine,
    org: OrgId,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Receipt>, AppError> {
    let rows = sqlx::query(
        "SELECT id, received_at, event, outcome, reason, prospect_id FROM booking_receipts \
         WHERE org_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(org)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit.clamp(1, 200))
    .fetch_all(&engine.db.read)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> Result<Receipt, sqlx::Error> {
            Ok(Receipt {
                id: r.try_get("id")?,
                received_at: r.try_get("received_at")?,
                event: r.try_get("event")?,
                outcome: r.try_get("outcome")?,
                reason: r.try_get("reason")?,
                prospect_id: r.try_get("prospect_id")?,
            })
        })
        .collect::<Result<_, _>>()?)
}

fn answer(status: u16, message: String) -> Answer {
    Answer { status, message }
}

/// Handle one request to the webhook of URL key `key`.
pub async fn receive(engine: &Engine, key: &str, signature: Option<&str>, body: &[u8]) -> Answer {
    match receive_checked(engine, key, signature, body).await {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e.explain(), "booking webhook failed");
            answer(e.status(), e.to_string())
        }
    }
}

async fn receive_checked(
    engine: &Engine,
    key: &str,
    signature: Option<&str>,
    body: &[u8],
) -> Result<Answer, AppError> {
    let l = current();
    let Some(settings) = settings_by_key(engine, key).await? else {
        return Ok(answer(
            404,
            td_string!(l, prospects.booking.unknown_key).to_string(),
        ));
    };
    let org = settings.org;
    // The event's name before anything is trusted, for the receipt only.
    let named = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("event").and_then(|e| e.as_str()).map(str::to_string))
        .unwrap_or_default();
    if body.len() > MAX_BODY {
        let reason = td_string!(l, prospects.booking.too_large, kib = MAX_BODY / 1024).to_string();
        record(engine, org, &named, "refused", &reason, None).await?;
        return Ok(answer(413, reason));
    }
    let secrets = [settings.secret.as_str(), settings.previous.as_str()];
    let tolerance = engine.feature::<BookingLimits>().tolerance_secs;
    if let Err(problem) = calendly::verify(signature, body, &secrets, now_ms() / 1000, tolerance) {
        let reason = match problem {
            SignatureProblem::Missing => {
                td_string!(l, prospects.booking.signature_missing).to_string()
            }
            SignatureProblem::Malformed => {
                td_string!(l, prospects.booking.signature_malformed).to_string()
            }
            SignatureProblem::Stale => {
                td_string!(l, prospects.booking.signature_stale, secs = tolerance).to_string()
            }
            SignatureProblem::Mismatch => {
                td_string!(l, prospects.booking.signature_mismatch).to_string()
            }
            SignatureProblem::NoKey => td_string!(l, prospects.booking.no_key).to_string(),
        };
        record(engine, org, &named, "refused", &reason, None).await?;
        return Ok(answer(401, reason));
    }
    if named != "invitee.created" && named != "invitee.canceled" && !named.is_empty() {
        let reason = td_string!(l, prospects.booking.ignored).to_string();
        record(engine, org, &named, "ignored", &reason, None).await?;
        return Ok(answer(200, reason));
    }
    let envelope: Envelope = match serde_json::from_slice(body) {
        Ok(e) => e,
        Err(_) => {
            let reason = td_string!(l, prospects.booking.malformed).to_string();
            record(engine, org, &named, "refused", &reason, None).await?;
            return Ok(answer(400, reason));
        }
    };
    let event = envelope.event.clone();
    let invitee = envelope.payload;
    let (Some(start), Some(end)) = (
        calendly::millis(&invitee.scheduled_event.start_time),
        calendly::millis(&invitee.scheduled_event.end_time),
    ) else {
        let reason = td_string!(l, prospects.booking.bad_time).to_string();
        record(engine, org, &event, "refused", &reason, None).await?;
        return Ok(answer(400, reason));
    };
    let email = invitee.email.trim().to_lowercase();
    if crate::core::email::Email::parse(&email).is_none() || invitee.uri.len() > 500 {
        let reason = td_string!(l, prospects.booking.bad_invitee).to_string();
        record(engine, org, &event, "refused", &reason, None).await?;
        return Ok(answer(400, reason));
    }
    let applied = apply(engine, org, &event, invitee, email, start, end).await;
    match applied {
        Ok(Applied::Done(prospect)) => {
            let reason = td_string!(l, prospects.booking.accepted).to_string();
            record(engine, org, &event, "accepted", &reason, Some(&prospect)).await?;
            Ok(answer(200, reason))
        }
        Ok(Applied::Again(prospect)) => {
            let reason = td_string!(l, prospects.booking.duplicate).to_string();
            record(engine, org, &event, "duplicate", &reason, Some(&prospect)).await?;
            Ok(answer(200, reason))
        }
        Err(AppError::Validation(problems)) => {
            let reason = problems
                .iter()
                .map(|p| p.message.clone())
                .collect::<Vec<_>>()
                .join(" ");
            record(engine, org, &event, "refused", &reason, None).await?;
            Ok(answer(400, reason))
        }
        Err(e) => Err(e),
    }
}

enum Applied {
    /// Applied now, to this prospect.
    Done(String),
    /// Applied before (a redelivery): nothing changed.
    Again(String),
}

/// The prospect's change and the event's mark, in one write: a redelivery (even at the same
/// moment) finds the mark and changes nothing.
async fn apply(
    engine: &Engine,
    org: OrgId,
    event: &str,
    invitee: Invitee,
    email: String,
    start: i64,
    end: i64,
) -> Result<Applied, AppError> {
    let db = engine.db.clone();
    let event = event.to_string();
    engine
        .write(org, move |conn: &mut AnyConnection| {
            Box::pin(async move {
                let who = Principal::system(org, "booking");
                crate::engine::writer::savepoint(conn, "booking").await?;
                let result = apply_in(&db, conn, &who, &event, &invitee, &email, start, end).await;
                crate::engine::writer::end_savepoint(conn, "booking", result.is_ok()).await?;
                result
            })
        })
        .await
}

#[allow(clippy::too_many_arguments)]
async fn apply_in(
    db: &crate::engine::Db,
    conn: &mut AnyConnection,
    who: &Principal,
    event: &str,
    invitee: &Invitee,
    email: &str,
    start: i64,
    end: i64,
) -> crate::engine::writer::JobResult<Applied> {
    let org = who.org;
    let now = now_ms();
    // Claim the event first: a redelivery, even one running at the same moment (PostgreSQL
    // makes the second insert wait for the first), finds it claimed.
    let claimed = sqlx::query(
        "INSERT INTO booking_events (org_id, event, invitee, prospect_id, received_at) \
         VALUES ($1, $2, $3, '', $4) ON CONFLICT (org_id, event, invitee) DO NOTHING",
    )
    .bind(org)
    .bind(event)
    .bind(&invitee.uri)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if claimed == 0 {
        let done: String = sqlx::query_scalar(
            "SELECT prospect_id FROM booking_events WHERE org_id = $1 AND event = $2 AND invitee = $3",
        )
        .bind(org)
        .bind(event)
        .bind(&invitee.uri)
        .fetch_one(&mut *conn)
        .await?;
        return Ok((Applied::Again(done), Vec::new()));
    }
    let meeting = Meeting {
        invitee: invitee.uri.clone(),
        event_name: invitee.scheduled_event.name.chars().take(200).collect(),
        start,
        end,
        location: invitee.location().chars().take(500).collect(),
        cancel_url: invitee
            .cancel_url
            .clone()
            .unwrap_or_default()
            .chars()
            .take(500)
            .collect(),
        reschedule_url: invitee
            .reschedule_url
            .clone()
            .unwrap_or_default()
            .chars()
            .take(500)
            .collect(),
        status: MeetingStatus::Planned,
    };
    // The prospect: the one this booking was made for (a cancellation), else the one with
    // that email, else a new one.
    let booked_for: Option<String> = sqlx::query_scalar(
        "SELECT prospect_id FROM booking_events WHERE org_id = $1 AND event = 'invitee.created' \
         AND invitee = $2 AND prospect_id <> ''",
    )
    .bind(org)
    .bind(&invitee.uri)
    .fetch_optional(&mut *conn)
    .await?;
    let existing = match booked_for {
        Some(id) => Some(id),
        None => store::find_record_by_field(conn, org, "prospects", "email", email).await?,
    };
    let mut changes = Vec::new();
    let prospect_id = match (event, existing) {
        ("invitee.created", None) => {
            let (first_name, last_name) = invitee.names();
            let prospect = Prospect {
                first_name: first_name.chars().take(120).collect(),
                last_name: last_name.chars().take(120).collect(),
                email: email.to_string(),
                phone: invitee
                    .text_reminder_number
                    .clone()
                    .unwrap_or_default()
                    .chars()
                    .take(40)
                    .collect(),
                source: ProspectSource::Booking,
                meetings: vec![meeting],
                last_contact_at: now,
                activity: Some(Activity::MeetingBooked),
                ..Default::default()
            };
            let (created, change) = save::create_in(db, conn, who, prospect).await?;
            changes.push(change);
            created.meta.id
        }
        ("invitee.created", Some(id)) => {
            let old = invitee.old_invitee.clone();
            let updated = save::update_owned_in::<Prospect>(db, conn, who, &id, |p| {
                if let Some(old) = &old {
                    for m in p.meetings.iter_mut().filter(|m| &m.invitee == old) {
                        m.status = MeetingStatus::Rescheduled;
                    }
                }
                if !p.meetings.iter().any(|m| m.invitee == meeting.invitee) {
                    p.meetings.push(meeting);
                }
                p.last_contact_at = now;
                // The new half of a reschedule is a meeting booked (its other half, the
                // cancellation, says "rescheduled").
                p.activity = Some(Activity::MeetingBooked);
            })
            .await?;
            changes.extend(updated.map(|(_, c)| c));
            id
        }
        (_, Some(id)) => {
            let rescheduled = invitee.rescheduled;
            let uri = invitee.uri.clone();
            let updated = save::update_owned_in::<Prospect>(db, conn, who, &id, |p| {
                let status = if rescheduled {
                    MeetingStatus::Rescheduled
                } else {
                    MeetingStatus::Cancelled
                };
                match p.meetings.iter_mut().find(|m| m.invitee == uri) {
                    Some(m) => m.status = status,
                    None => p.meetings.push(Meeting { status, ..meeting }),
                }
                p.last_contact_at = now;
                p.activity = Some(if rescheduled {
                    Activity::MeetingRescheduled
                } else {
                    Activity::MeetingCancelled
                });
            })
            .await?;
            changes.extend(updated.map(|(_, c)| c));
            id
        }
        // A cancellation of a booking never seen, by someone unknown: nothing to cancel.
        (_, None) => String::new(),
    };
    sqlx::query(
        "UPDATE booking_events SET prospect_id = $1 WHERE org_id = $2 AND event = $3 AND invitee = $4",
    )
    .bind(&prospect_id)
    .bind(org)
    .bind(event)
    .bind(&invitee.uri)
    .execute(&mut *conn)
    .await?;
    Ok((Applied::Done(prospect_id), changes))
}
