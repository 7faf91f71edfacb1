-- Sessions: one per sign-in, the same id as its refresh-token family. Access tokens carry it
-- as `sid`, so ending a session ends its access tokens too (see session_revocations).
CREATE TABLE sessions (
    id           TEXT    PRIMARY KEY,           -- = refresh_tokens.family_id
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT    NOT NULL,              -- RFC 3339, UTC
    last_used_at TEXT    NOT NULL,              -- RFC 3339, UTC: sign-in or last refresh
    user_agent   TEXT,
    revoked_at   INTEGER                        -- Unix seconds
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Every ended session, in order: the gateway reads this feed (GET /internal/revocations) to
-- refuse the session's access tokens before they expire.
CREATE TABLE session_revocations (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT    NOT NULL,
    revoked_at INTEGER NOT NULL                  -- Unix seconds
);
