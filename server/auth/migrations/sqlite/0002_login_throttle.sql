-- Failed sign-ins per username (whether or not the account exists), for the exponential
-- back-off of POST /api/auth/login. A successful sign-in removes the row.
CREATE TABLE login_throttle (
    username      TEXT    PRIMARY KEY,
    failures      INTEGER NOT NULL,
    blocked_until INTEGER NOT NULL DEFAULT 0   -- Unix seconds
);
