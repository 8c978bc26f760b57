-- The booking webhook of each organisation: the key in its URL, and the signing secrets (the
-- current one, and the previous one while a booking tool is moved to the new one).
CREATE TABLE booking_settings (
    org_id          INTEGER PRIMARY KEY REFERENCES organisations (id),
    url_key         TEXT    NOT NULL UNIQUE,
    secret          TEXT    NOT NULL DEFAULT '',
    previous_secret TEXT    NOT NULL DEFAULT '',
    updated_at      INTEGER NOT NULL
);
-- Each booking event applied once: a redelivery of the same event for the same invitee
-- finds its row and changes nothing.
CREATE TABLE booking_events (
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    event       TEXT    NOT NULL,
    invitee     TEXT    NOT NULL,
    prospect_id TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, event, invitee)
);
-- Every request the webhook received, accepted or refused, for the admins.
CREATE TABLE booking_receipts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    received_at INTEGER NOT NULL,
    event       TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    prospect_id TEXT
);
CREATE INDEX booking_receipts_org ON booking_receipts (org_id, id);
-- Who has seen the notifications up to which change.
CREATE TABLE notifications_seen (
    org_id  INTEGER NOT NULL REFERENCES organisations (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    seq     INTEGER NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
