-- Outbound webhooks. Deliveries are made by a background worker from the change log, never
-- inside a save, so a slow or dead endpoint cannot slow saves down.
CREATE TABLE webhooks (
    id             TEXT    PRIMARY KEY,
    org_id         BIGINT  NOT NULL REFERENCES organisations (id),
    url            TEXT    NOT NULL,
    secret         TEXT    NOT NULL,
    -- Last change-log sequence turned into deliveries for this webhook.
    queued_through BIGINT  NOT NULL,
    created_at     BIGINT  NOT NULL
);

CREATE TABLE webhook_deliveries (
    webhook_id      TEXT    NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    org_id          BIGINT  NOT NULL,
    seq             BIGINT  NOT NULL,
    -- pending, delivered or failed (gave up after the last attempt)
    status          TEXT    NOT NULL,
    attempts        BIGINT  NOT NULL,
    next_attempt_at BIGINT  NOT NULL,
    last_status     BIGINT,
    last_error      TEXT,
    delivered_at    BIGINT,
    PRIMARY KEY (webhook_id, seq)
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
