-- Members are named to admins by a random id, not by the sequential account id (which would
-- tell how many accounts exist and invite walking them).
ALTER TABLE users ADD COLUMN public_id TEXT;
UPDATE users SET public_id = md5(random()::text || id::text);
CREATE UNIQUE INDEX users_public_id ON users (public_id);

-- Invitations to join an organisation: a one-time link, stored as the SHA-256 of its secret.
-- The person is a member only once they accept (choosing their own password, or signed in to
-- the account that has this email).
CREATE TABLE invitations (
    id          TEXT   PRIMARY KEY,
    token_hash  TEXT   NOT NULL UNIQUE,
    org_id      BIGINT NOT NULL REFERENCES organisations (id),
    email       TEXT   NOT NULL,
    role        TEXT   NOT NULL,
    invited_by  BIGINT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    accepted_at BIGINT,
    revoked_at  BIGINT
);
CREATE INDEX invitations_org ON invitations (org_id, email);

-- Organisation ids come from a sequence: MAX(id) + 1 handed the same id to two concurrent
-- creations.
CREATE SEQUENCE organisations_id_seq OWNED BY organisations.id;
SELECT setval('organisations_id_seq', (SELECT MAX(id) FROM organisations));
ALTER TABLE organisations ALTER COLUMN id SET DEFAULT nextval('organisations_id_seq');
