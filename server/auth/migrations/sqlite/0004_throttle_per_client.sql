-- Failed password checks, per subject (a username as typed, or `#password/{user id}` for
-- password changes) and client address, plus one row per subject with client '*' counting
-- every address: the back-off of POST /api/auth/login and POST /api/auth/password (OWASP
-- Authentication Cheat Sheet). Rows are forgotten an hour after their last failure.
DROP TABLE login_throttle;
CREATE TABLE login_throttle (
    subject       TEXT    NOT NULL,
    client        TEXT    NOT NULL,
    failures      INTEGER NOT NULL,
    blocked_until INTEGER NOT NULL DEFAULT 0,  -- Unix seconds
    last_failure  INTEGER NOT NULL,            -- Unix seconds
    PRIMARY KEY (subject, client)
);
CREATE INDEX login_throttle_last_failure ON login_throttle (last_failure);
