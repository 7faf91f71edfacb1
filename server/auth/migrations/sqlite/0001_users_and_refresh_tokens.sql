-- Accounts. Usernames are stored lower-cased (see api_types::validate::Username).
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL UNIQUE,
    email         TEXT,
    password_hash TEXT    NOT NULL,          -- PHC string, argon2id
    role          TEXT    NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'admin')),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT    NOT NULL            -- RFC 3339, UTC
);

-- Refresh tokens, stored only as SHA-256 hashes. A token family starts at each login; every
-- refresh marks the presented token used and adds its successor to the same family. A used
-- token presented again is a reuse: the whole family is revoked (RFC 9700 §4.14.2).
CREATE TABLE refresh_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash  TEXT    NOT NULL UNIQUE,      -- hex SHA-256 of the token
    family_id   TEXT    NOT NULL,             -- UUID of the token family (one login session)
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,             -- Unix seconds
    expires_at  INTEGER NOT NULL,             -- Unix seconds
    used_at     INTEGER,                      -- set when rotated
    revoked_at  INTEGER                       -- set on logout or reuse
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
