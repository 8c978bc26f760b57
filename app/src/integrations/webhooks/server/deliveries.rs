//! Outbound webhooks: every change is POSTed as signed JSON to each registered endpoint of its
//! organisation, retried with exponential backoff, each delivery recorded.
//!
//! A background worker turns new change-log entries into delivery rows (each webhook keeps a
//! cursor into the log), then sends what is due. Nothing happens inside a save, so a slow or
//! dead endpoint never slows saves. A delivery is claimed with a compare-and-set on its next
//! attempt time, so several server processes never send the same attempt twice.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use sqlx::Row;

use crate::core::error::AppError;
use crate::core::locale::{current, Locale};
use crate::core::secret::Secret;
use crate::core::time::now_ms;
use crate::core::validate::FieldError;
use crate::i18n::*;
use crate::integrations::webhooks::api::{DeliveryInfo as Delivery, WebhookInfo as Webhook};

use crate::core::principal::OrgId;
use crate::core::principal::Principal;
use crate::engine::store;
use crate::engine::Engine;

use super::outbound::{InwardOnly, OutboundPolicy, Refusal};

pub const SIGNATURE_HEADER: &str = "x-courant-signature";
pub const TIMESTAMP_HEADER: &str = "x-courant-timestamp";
pub const DELIVERY_HEADER: &str = "x-courant-delivery";
const MAX_URL: usize = 2_000;
/// Longest secret an admin may set: a signing key, not a document (HMAC hashes longer keys
/// down anyway).
pub const MAX_SECRET: usize = 256;

#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// How often the worker looks for new changes and due retries.
    pub poll: Duration,
    /// First retry delay; doubled after each failed attempt (capped at one hour).
    pub base_backoff: Duration,
    /// After this many failed attempts a delivery is marked failed.
    pub max_attempts: i64,
    /// Longest wait for an endpoint's answer, connection included.
    pub timeout: Duration,
    /// Longest wait for a connection to open.
    pub connect_timeout: Duration,
    /// Deliveries in flight at once, all organisations together.
    pub concurrency: usize,
    /// Deliveries in flight at once for one organisation (each endpoint has at most one), so
    /// an organisation's slow or dead endpoints never take every slot.
    pub per_organisation: usize,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            poll: Duration::from_millis(500),
            base_backoff: Duration::from_secs(2),
            max_attempts: 10,
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            concurrency: 32,
            per_organisation: 4,
        }
    }
}

/// `hex(HMAC-SHA256(secret, "<timestamp>.<body>"))`: what receivers recompute to verify.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Register an endpoint. It receives changes committed from now on. An empty secret gets a
/// generated one; the secret is returned this once.
pub async fn register(
    engine: &Engine,
    who: &Principal,
    url: &str,
    secret: &str,
) -> Result<(Webhook, String), AppError> {
    let url = url.trim();
    let mut errors = Vec::new();
    let checked = if url.len() > MAX_URL || url.contains(char::is_whitespace) {
        Err(td_string!(current(), webhooks.errors.url_too_long, max = MAX_URL).to_string())
    } else {
        match engine.feature::<OutboundPolicy>().check_url(url) {
            Ok(parsed) => engine
                .feature::<OutboundPolicy>()
                .check_resolved(&parsed)
                .await
                .map_err(|r| r.message(current())),
            Err(r) => Err(r.message(current())),
        }
    };
    if let Err(message) = checked {
        errors.push(FieldError::new("url", message));
    }
    if !secret.is_empty() && secret.chars().count() < 16 {
        errors.push(FieldError::new(
            "secret",
            td_string!(current(), webhooks.errors.secret_too_short),
        ));
    } else if secret.chars().count() > MAX_SECRET {
        errors.push(FieldError::new(
            "secret",
            td_string!(current(), webhooks.errors.secret_too_long, max = MAX_SECRET).to_string(),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let secret = if secret.is_empty() {
        uuid::Uuid::new_v4().simple().to_string()
    } else {
        secret.to_string()
    };
    let max = engine.feature::<OutboundPolicy>().max_webhooks;
    let db = &engine.db;
    let mut conn = db.writer().await?;
    let mut tx = db.begin_write(&mut conn).await?;
    // One registration at a time per organisation, so the maximum holds.
    crate::engine::db::lock_row(&mut tx, "organisations", who.org).await?;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhooks WHERE org_id = $1")
        .bind(who.org)
        .fetch_one(&mut *tx)
        .await?;
    if count >= max {
        return Err(AppError::Validation(vec![FieldError::new(
            "url",
            td_string!(current(), webhooks.errors.too_many, max).to_string(),
        )]));
    }
    let (head, _) = store::head(&mut tx, who.org).await?;
    let hook = Webhook {
        id: uuid::Uuid::new_v4().simple().to_string(),
        url: url.to_string(),
        created_at: now_ms(),
    };
    sqlx::query("INSERT INTO webhooks (id, org_id, url, secret, queued_through, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&hook.id)
        .bind(who.org)
        .bind(&hook.url)
        .bind(&secret)
        .bind(head)
        .bind(hook.created_at)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((hook, secret))
}

/// The oldest change of `org`'s that a delivery will still read: pending deliveries, and the
/// changes not yet queued for an endpoint.
pub async fn oldest_unsent(
    db: &crate::engine::Db,
    org: crate::core::principal::OrgId,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT MIN(s) FROM ( \
           SELECT MIN(seq) AS s FROM webhook_deliveries WHERE org_id = $1 AND status = 'pending' \
           UNION ALL SELECT MIN(queued_through) + 1 AS s FROM webhooks WHERE org_id = $1) held",
    )
    .bind(org)
    .fetch_one(&db.read)
    .await?)
}

pub async fn list(engine: &Engine, who: &Principal) -> Result<Vec<Webhook>, AppError> {
    let rows = sqlx::query(
        "SELECT id, url, created_at FROM webhooks WHERE org_id = $1 ORDER BY created_at",
    )
    .bind(who.org)
    .fetch_all(&engine.db.read)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Webhook {
                id: r.try_get("id")?,
                url: r.try_get("url")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

pub async fn remove(engine: &Engine, who: &Principal, id: &str) -> Result<(), AppError> {
    let done = sqlx::query("DELETE FROM webhooks WHERE id = $1 AND org_id = $2")
        .bind(id)
        .bind(who.org)
        .execute(&engine.db.write)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound(
            td_string!(current(), webhooks.errors.not_found, id).to_string(),
        ));
    }
    Ok(())
}

/// The newest deliveries of one webhook.
pub async fn deliveries(
    engine: &Engine,
    who: &Principal,
    id: &str,
    limit: i64,
) -> Result<Vec<Delivery>, AppError> {
    let rows = sqlx::query(
        "SELECT seq, status, attempts, next_attempt_at, last_status, last_error, delivered_at FROM webhook_deliveries \
         WHERE webhook_id = $1 AND org_id = $2 ORDER BY seq DESC LIMIT $3",
    )
    .bind(id)
    .bind(who.org)
    .bind(limit)
    .fetch_all(&engine.db.read)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Delivery {
                seq: r.try_get("seq")?,
                status: r.try_get("status")?,
                attempts: r.try_get("attempts")?,
                next_attempt_at: r.try_get("next_attempt_at")?,
                last_status: r.try_get("last_status")?,
                last_error: r
                    .try_get::<Option<String>, _>("last_error")?
                    .map(|stored| describe(stored, current())),
                delivered_at: r.try_get("delivered_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Run the delivery worker until the process ends.
pub fn spawn_worker(engine: Engine, config: WebhookConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        // Never follows a redirect (a 3xx is a failed delivery), and connects only where the
        // outbound policy allows, checked after DNS resolution.
        // No proxy from the environment either: through a proxy, the address checked would be
        // the proxy's, and the proxy would reach any host it is given.
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(engine.feature::<OutboundPolicy>().resolver())
            .build();
        let client = match client {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "webhooks disabled: cannot build an HTTP client");
                return;
            }
        };
        let in_flight = InFlight::default();
        let mut turn = 0usize;
        loop {
            if let Err(e) = queue_new_changes(&engine).await {
                tracing::warn!(error = %e, "webhooks: cannot queue new changes");
            }
            if let Err(e) = send_due(&engine, &config, &client, &in_flight, turn).await {
                tracing::warn!(error = %e, "webhooks: cannot send deliveries");
            }
            turn = turn.wrapping_add(1);
            tokio::time::sleep(config.poll).await;
        }
    })
}

/// Which endpoints have a delivery on its way, and how many each organisation has. Attempts
/// run as their own tasks and release their place when they end.
#[derive(Clone, Default)]
struct InFlight(Arc<Mutex<Busy>>);

/// Endpoints with a delivery on its way; deliveries on their way per organisation.
#[derive(Default)]
struct Busy {
    hooks: HashSet<String>,
    orgs: HashMap<OrgId, usize>,
}

struct Place {
    in_flight: InFlight,
    webhook: String,
    org: OrgId,
}

impl InFlight {
    fn total(&self) -> usize {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).hooks.len()
    }

    /// A place for `webhook`'s next delivery, unless it has one on its way or its
    /// organisation has `per_org` already.
    fn take(&self, webhook: &str, org: OrgId, per_org: usize) -> Option<Place> {
        let mut busy = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let Busy { hooks, orgs } = &mut *busy;
        if hooks.contains(webhook) || orgs.get(&org).copied().unwrap_or(0) >= per_org {
            return None;
        }
        hooks.insert(webhook.to_string());
        *orgs.entry(org).or_insert(0) += 1;
        Some(Place {
            in_flight: self.clone(),
            webhook: webhook.to_string(),
            org,
        })
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut busy = self.in_flight.0.lock().unwrap_or_else(|p| p.into_inner());
        let Busy { hooks, orgs } = &mut *busy;
        hooks.remove(&self.webhook);
        if let Some(n) = orgs.get_mut(&self.org) {
            *n -= 1;
            if *n == 0 {
                orgs.remove(&self.org);
            }
        }
    }
}

/// Turn change-log entries past each webhook's cursor into pending deliveries.
async fn queue_new_changes(engine: &Engine) -> Result<(), sqlx::Error> {
    let hooks: Vec<(String, OrgId, i64)> =
        sqlx::query_as("SELECT id, org_id, queued_through FROM webhooks")
            .fetch_all(&engine.db.read)
            .await?;
    for (id, org, cursor) in hooks {
        let (head, _) = store::head(&mut *engine.db.read.acquire().await?, org).await?;
        if head <= cursor {
            continue;
        }
        let db = &engine.db;
        let mut conn = db.writer().await?;
        let mut tx = db.begin_write(&mut conn).await?;
        // Re-read under the write lock: another process may have queued these already.
        let sql = format!(
            "SELECT queued_through FROM webhooks WHERE id = $1{}",
            db.for_update()
        );
        let Some(cursor) = sqlx::query_scalar::<_, i64>(&sql)
            .bind(&id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            continue;
        };
        if head <= cursor {
            continue;
        }
        sqlx::query(
            "INSERT INTO webhook_deliveries (webhook_id, org_id, seq, status, attempts, next_attempt_at) \
             SELECT $1, org_id, seq, 'pending', 0, $2 FROM change_log WHERE org_id = $3 AND seq > $4 AND seq <= $5 AND notify = 1 \
             ON CONFLICT DO NOTHING",
        )
        .bind(&id)
        .bind(now_ms())
        .bind(org)
        .bind(cursor)
        .bind(head)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE webhooks SET queued_through = $2 WHERE id = $1")
            .bind(&id)
            .bind(head)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(())
}

struct Due {
    webhook_id: String,
    org: OrgId,
    seq: i64,
    attempts: i64,
    next_attempt_at: i64,
    url: String,
    secret: Secret,
}

/// Start the due deliveries there is room for: one per endpoint, taking organisations in turn (starting from a different one each round), at most one delivery per
/// endpoint and `per_organisation` per organisation in flight.
async fn send_due(
    engine: &Engine,
    config: &WebhookConfig,
    client: &reqwest::Client,
    in_flight: &InFlight,
    turn: usize,
) -> Result<(), sqlx::Error> {
    // One candidate per endpoint: the due delivery tried least often, oldest first, so a
    // first attempt is never stuck behind another delivery's retries.
    let rows = sqlx::query(
        "SELECT due.webhook_id, due.org_id, due.seq, due.attempts, due.next_attempt_at, w.url, w.secret \
         FROM (SELECT d.webhook_id, d.org_id, d.seq, d.attempts, d.next_attempt_at, \
                 ROW_NUMBER() OVER (PARTITION BY d.webhook_id ORDER BY d.attempts, d.seq) AS place \
               FROM webhook_deliveries d \
               WHERE d.status = 'pending' AND d.next_attempt_at <= $1) due \
         JOIN webhooks w ON w.id = due.webhook_id WHERE due.place = 1",
    )
    .bind(now_ms())
    .fetch_all(&engine.db.read)
    .await?;
    let mut by_org: BTreeMap<OrgId, VecDeque<Due>> = BTreeMap::new();
    for r in &rows {
        let due = Due {
            webhook_id: r.try_get("webhook_id")?,
            org: r.try_get("org_id")?,
            seq: r.try_get("seq")?,
            attempts: r.try_get("attempts")?,
            next_attempt_at: r.try_get("next_attempt_at")?,
            url: r.try_get("url")?,
            secret: Secret::new(r.try_get("secret")?),
        };
        by_org.entry(due.org).or_default().push_back(due);
    }
    let mut queues: Vec<VecDeque<Due>> = by_org.into_values().collect();
    if !queues.is_empty() {
        let start = turn % queues.len();
        queues.rotate_left(start);
    }
    // Round robin: one delivery from each organisation in turn.
    while in_flight.total() < config.concurrency && queues.iter().any(|q| !q.is_empty()) {
        for queue in queues.iter_mut() {
            let Some(d) = queue.pop_front() else { continue };
            if in_flight.total() >= config.concurrency {
                return Ok(());
            }
            let Some(place) = in_flight.take(&d.webhook_id, d.org, config.per_organisation) else {
                continue;
            };
            let (engine, config, client) = (engine.clone(), config.clone(), client.clone());
            tokio::spawn(async move {
                if let Err(e) = attempt(&engine, &config, &client, d).await {
                    tracing::warn!(error = %e, "webhooks: delivery bookkeeping failed");
                }
                drop(place);
            });
        }
    }
    Ok(())
}

async fn attempt(
    engine: &Engine,
    config: &WebhookConfig,
    client: &reqwest::Client,
    d: Due,
) -> Result<(), sqlx::Error> {
    // Claim this attempt: only the process whose compare-and-set succeeds sends it.
    let lease = now_ms() + config.timeout.as_millis() as i64 + 5_000;
    let claimed = sqlx::query(
        "UPDATE webhook_deliveries SET next_attempt_at = $3 \
         WHERE webhook_id = $1 AND seq = $2 AND status = 'pending' AND next_attempt_at = $4",
    )
    .bind(&d.webhook_id)
    .bind(d.seq)
    .bind(lease)
    .bind(d.next_attempt_at)
    .execute(&engine.db.write)
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(());
    }
    let mut conn = engine.db.read.acquire().await?;
    let Some(change) = store::changes_between(&mut conn, d.org, d.seq - 1, d.seq, 1)
        .await?
        .pop()
    else {
        return Ok(());
    };
    drop(conn);
    let delivery_id = format!("{}:{}", d.webhook_id, d.seq);
    // `type` names what happened in the receiver's terms: `prospect.created`, `services.updated`.
    let kind = engine
        .registry
        .get(&change.staff.collection)
        .map(|entry| entry.event())
        .unwrap_or("record");
    let op = match change.staff.op {
        crate::core::protocol::ChangeOp::Created => "created",
        crate::core::protocol::ChangeOp::Updated => "updated",
        crate::core::protocol::ChangeOp::Deleted => "deleted",
    };
    let body = serde_json::json!({ "delivery": delivery_id, "type": format!("{kind}.{op}"), "organisation": d.org, "event": change.staff }).to_string();
    let timestamp = now_ms() / 1000;
    // Checked again at every attempt: an address written as an IP never reaches the
    // resolver, and the policy may have changed since the webhook was registered.
    let started_at = now_ms();
    let what = format!("{kind}.{op} #{}", d.seq);
    if let Err(refusal) = engine.feature::<OutboundPolicy>().check_url(&d.url) {
        let failure = Failure::Refused { refusal };
        let state = record(engine, config, &d, None, Some(failure.stored())).await?;
        log_operation(engine, &d, what, started_at, state, None, Some(failure)).await;
        return Ok(());
    }
    let result = client
        .post(&d.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(
            SIGNATURE_HEADER,
            format!("sha256={}", signature(d.secret.expose(), timestamp, &body)),
        )
        .header(DELIVERY_HEADER, &delivery_id)
        .body(body)
        .send()
        .await;
    let (status, error) = match &result {
        Ok(res) if res.status().is_success() => (Some(res.status().as_u16() as i64), None),
        Ok(res) if res.status().is_redirection() => (
            Some(res.status().as_u16() as i64),
            Some(Failure::Redirect {
                status: res.status().as_u16(),
            }),
        ),
        Ok(res) => (
            Some(res.status().as_u16() as i64),
            Some(Failure::Status {
                status: res.status().as_u16(),
            }),
        ),
        Err(e) if e.is_timeout() => (
            None,
            Some(Failure::Timeout {
                secs: config.timeout.as_secs_f32(),
            }),
        ),
        Err(e) => (None, Some(unreachable(e))),
    };
    let stored = error.as_ref().map(Failure::stored);
    let state = record(engine, config, &d, status, stored).await?;
    log_operation(engine, &d, what, started_at, state, status, error).await;
    Ok(())
}

/// Each attempt is one entry of the sync centre's operations log: delivered, or failed with
/// why (and whether it will be tried again). A failure to log it is only traced.
async fn log_operation(
    engine: &Engine,
    d: &Due,
    what: String,
    started_at: i64,
    state: &'static str,
    status: Option<i64>,
    failure: Option<Failure>,
) {
    use crate::core::operation::{Counts, Direction, OperationKind, OperationStatus, Trigger};
    use crate::engine::operations::{End, OperationRun, Start};
    let l = crate::core::locale::current();
    let attempt = d.attempts + 1;
    let (op_status, summary) = match (&failure, state) {
        (None, _) => (
            OperationStatus::Succeeded,
            td_string!(
                l,
                webhooks.operation.delivered,
                status = status.unwrap_or(0),
                attempt
            )
            .to_string(),
        ),
        (Some(f), "pending") => (
            OperationStatus::Failed,
            td_string!(
                l,
                webhooks.operation.retrying,
                reason = f.message(l),
                attempt
            )
            .to_string(),
        ),
        (Some(f), _) => (
            OperationStatus::Failed,
            td_string!(
                l,
                webhooks.operation.gave_up,
                reason = f.message(l),
                attempt
            )
            .to_string(),
        ),
    };
    let delivered = i64::from(failure.is_none());
    let start = Start {
        kind: OperationKind::WebhookDelivery,
        direction: Direction::Outbound,
        source: what,
        destination: d.url.clone(),
        trigger: Trigger::Webhook,
        started_by: "webhooks".to_string(),
    };
    let end = End {
        status: op_status,
        summary,
        counts: Counts {
            total: 1,
            done: 1,
            updated: delivered,
            rejected: 1 - delivered,
            ..Default::default()
        },
        subject: d.webhook_id.clone(),
    };
    let who = crate::core::principal::Principal::system(d.org, "webhooks");
    if let Err(e) = OperationRun::record(engine, &who, start, started_at, end).await {
        tracing::warn!(org = d.org, error = %e.explain(), "cannot log a webhook delivery as an operation");
    }
}

/// Why an attempt failed. Recorded as data and worded when someone reads the deliveries, in
/// their language (the worker answers no one, so it has no language of its own).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Failure {
    /// The address is refused by the outbound policy.
    Refused { refusal: Refusal },
    /// A redirect, which is never followed.
    Redirect { status: u16 },
    /// Any other answer than a success.
    Status { status: u16 },
    /// No answer in time.
    Timeout { secs: f32 },
    /// The name resolves only to private or local addresses.
    InwardOnly { host: String },
    /// The connection failed; the cause is the HTTP client's own words.
    Unreachable { cause: String },
}

impl Failure {
    /// What `last_error` holds.
    fn stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| format!("{self:?}"))
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            Failure::Refused { refusal } => refusal.message(locale),
            Failure::Redirect { status } => {
                td_string!(locale, webhooks.delivery.redirect, status).to_string()
            }
            Failure::Status { status } => {
                td_string!(locale, webhooks.delivery.status, status).to_string()
            }
            Failure::Timeout { secs } => {
                td_string!(locale, webhooks.delivery.timeout, secs).to_string()
            }
            Failure::InwardOnly { host } => {
                td_string!(locale, webhooks.delivery.inward_only, host).to_string()
            }
            Failure::Unreachable { cause } => {
                td_string!(locale, webhooks.delivery.unreachable, cause).to_string()
            }
        }
    }
}

/// A recorded failure in `locale`; text recorded before failures were kept as data is shown
/// as it was written.
fn describe(stored: String, locale: Locale) -> String {
    match serde_json::from_str::<Failure>(&stored) {
        Ok(failure) => failure.message(locale),
        Err(_) => stored,
    }
}

/// A connection that failed: inward-only when the resolver said so, else with its causes.
fn unreachable(e: &reqwest::Error) -> Failure {
    let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(c) = cause {
        if let Some(inward) = c.downcast_ref::<InwardOnly>() {
            return Failure::InwardOnly {
                host: inward.host.clone(),
            };
        }
        cause = c.source();
    }
    Failure::Unreachable {
        cause: with_causes(e),
    }
}

/// An error and what caused it ("error sending request: … resolves only to private …").
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// Write down how an attempt went, and when the next one is due.
async fn record(
    engine: &Engine,
    config: &WebhookConfig,
    d: &Due,
    status: Option<i64>,
    error: Option<String>,
) -> Result<&'static str, sqlx::Error> {
    let attempts = d.attempts + 1;
    let now = now_ms();
    let (state, next) = match (&error, attempts >= config.max_attempts) {
        (None, _) => ("delivered", now),
        (Some(_), true) => ("failed", now),
        (Some(_), false) => {
            let delay = config.base_backoff.as_millis() as i64 * (1i64 << (attempts - 1).min(20));
            ("pending", now + delay.min(3_600_000))
        }
    };
    sqlx::query(
        "UPDATE webhook_deliveries SET status = $3, attempts = $4, next_attempt_at = $5, last_status = $6, \
         last_error = $7, delivered_at = $8 WHERE webhook_id = $1 AND seq = $2",
    )
    .bind(&d.webhook_id)
    .bind(d.seq)
    .bind(state)
    .bind(attempts)
    .bind(next)
    .bind(status)
    .bind(error)
    .bind((state == "delivered").then_some(now))
    .execute(&engine.db.write)
    .await?;
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::{describe, signature, Failure, Locale, Refusal};

    #[test]
    fn failures_are_recorded_as_data_and_read_in_the_readers_language() {
        let timeout = Failure::Timeout { secs: 0.3 }.stored();
        assert_eq!(
            describe(timeout.clone(), Locale::en),
            "no answer within 0.3 s"
        );
        assert_eq!(describe(timeout, Locale::fr), "aucune réponse en 0.3 s");
        let redirect = Failure::Redirect { status: 307 }.stored();
        assert!(describe(redirect, Locale::en)
            .starts_with("the endpoint answered HTTP 307 (a redirect"));
        let refused = Failure::Refused {
            refusal: Refusal::Private,
        }
        .stored();
        assert!(describe(refused.clone(), Locale::en).contains("private or local network"));
        assert!(describe(refused, Locale::fr).contains("réseau privé ou local"));
        // Text recorded before failures were data is shown as it was.
        assert_eq!(
            describe("the endpoint answered HTTP 500".into(), Locale::fr),
            "the endpoint answered HTTP 500"
        );
    }

    #[test]
    fn signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Reference: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
        assert_eq!(
            signature("secret", 1_700_000_000, r#"{"a":1}"#),
            "49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686"
        );
    }
}
