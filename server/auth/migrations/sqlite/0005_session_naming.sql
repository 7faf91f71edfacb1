-- One name per concept: a refresh token belongs to a session (one per sign-in; RFC 9700 calls
-- it a token family). The column and its index take the session's name.
ALTER TABLE refresh_tokens RENAME COLUMN family_id TO session_id;
DROP INDEX refresh_tokens_family;
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
