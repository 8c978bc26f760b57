-- Members are named to admins by a random id, not by the sequential account id (which would
-- tell how many accounts exist and invite walking them).
ALTER TABLE users ADD COLUMN public_id TEXT;
UPDATE users SET public_id = lower(hex(randomblob(12)));
CREATE UNIQUE INDEX users_public_id ON users (public_id);

-- Invitations to join an organisation: a one-time link, stored as the SHA-256 of its secret.
-- The person is a member only once they accept (choosing their own password, or signed in to
-- the account that has this email).
CREATE TABLE invitations (
    id          TEXT    PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    email       TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    invited_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    accepted_at INTEGER,
    revoked_at  INTEGER
);
CREATE INDEX invitations_org ON invitations (org_id, email);
