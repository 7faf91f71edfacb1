-- The auth service's schema on PostgreSQL: the same tables as the SQLite migrations end with.
-- Times are Unix seconds (BIGINT) or RFC 3339 text, as there.

-- Accounts. Usernames are stored lower-cased (see api_types::validate::Username).
CREATE TABLE users (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    email         TEXT,
    password_hash TEXT    NOT NULL,          -- PHC string, argon2id
    role          TEXT    NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'admin')),
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TEXT    NOT NULL           -- RFC 3339, UTC
);

-- Sessions: one per sign-in (a token family, RFC 9700 §4.14.2). Access tokens carry the id as
-- `sid`, so ending a session ends its access tokens too (see session_revocations).
CREATE TABLE sessions (
    id           TEXT   PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT   NOT NULL,            -- RFC 3339, UTC
    last_used_at TEXT   NOT NULL,            -- RFC 3339, UTC: sign-in or last refresh
    user_agent   TEXT,
    revoked_at   BIGINT                      -- Unix seconds
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Refresh tokens, stored only as SHA-256 hashes; each refresh marks the presented one used and
-- adds its successor to the same session.
CREATE TABLE refresh_tokens (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  TEXT   NOT NULL UNIQUE,      -- hex SHA-256 of the token
    session_id  TEXT   NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,                      -- set when rotated
    revoked_at  BIGINT                       -- set when its session ends
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

-- Every ended session, in order: the gateway and the orders service read this feed
-- (GET /internal/revocations). Entries are written under one lock, so `seq` order is commit
-- order and a reader that saw `seq` n never misses one below it.
CREATE TABLE session_revocations (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id TEXT   NOT NULL,
    revoked_at BIGINT NOT NULL
);

-- Failed password checks per subject and client address, plus one row per subject with
-- client '*' counting every address (see the auth service's throttle module).
CREATE TABLE login_throttle (
    subject       TEXT   NOT NULL,
    client        TEXT   NOT NULL,
    failures      BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL DEFAULT 0,
    last_failure  BIGINT NOT NULL,
    PRIMARY KEY (subject, client)
);
CREATE INDEX login_throttle_last_failure ON login_throttle (last_failure);
