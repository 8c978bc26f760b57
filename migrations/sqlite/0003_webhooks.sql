-- Outbound webhooks. Deliveries are made by a background worker from the change log, never
-- inside a save, so a slow or dead endpoint cannot slow saves down.
CREATE TABLE webhooks (
    id             TEXT    PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organisations (id),
    url            TEXT    NOT NULL,
    secret         TEXT    NOT NULL,
    -- Last change-log sequence turned into deliveries for this webhook.
    queued_through INTEGER NOT NULL,
    created_at     INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
    webhook_id      TEXT    NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    org_id          INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    -- pending, delivered or failed (gave up after the last attempt)
    status          TEXT    NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    last_status     INTEGER,
    last_error      TEXT,
    delivered_at    INTEGER,
    PRIMARY KEY (webhook_id, seq)
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
