-- Organisations own every record and every change-log entry.
CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    slug       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- The last sequence number handed out per organisation; bumped inside each save transaction,
-- so sequences are gap-free and follow commit order.
CREATE TABLE change_heads (
    org_id   INTEGER PRIMARY KEY REFERENCES organisations (id),
    last_seq INTEGER NOT NULL DEFAULT 0,
    last_at  INTEGER
);

-- Every collection's records as JSON; server-owned metadata in columns.
CREATE TABLE records (
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    collection TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    data       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT    NOT NULL,
    PRIMARY KEY (org_id, collection, id)
);

-- The durable change log: one row per committed change, written with the record.
CREATE TABLE change_log (
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    seq        INTEGER NOT NULL,
    collection TEXT    NOT NULL,
    record_id  TEXT    NOT NULL,
    op         TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    data       TEXT,
    changed    TEXT    NOT NULL,
    before     TEXT,
    actor      TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    PRIMARY KEY (org_id, seq)
);

INSERT INTO organisations (id, slug, name, created_at) VALUES (1, 'default', 'Default organisation', 0);
INSERT INTO change_heads (org_id, last_seq) VALUES (1, 0);
