-- People who sign in. Passwords are argon2id hashes (PHC strings); emails are stored lowercased.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

-- A user's role in each organisation they belong to: admin, editor, supervisor or operator.
CREATE TABLE memberships (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    role       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, org_id)
);

-- Browser sessions. Only a SHA-256 of the cookie's secret is kept, so a copy of the database
-- cannot be used to sign in. org_id is the organisation the backoffice is switched to.
CREATE TABLE sessions (
    id_hash    TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Personal API tokens for scripts: bound to one organisation, acting with the user's role
-- there. Hashed at rest like sessions; the token itself is shown once.
CREATE TABLE api_tokens (
    id           TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
