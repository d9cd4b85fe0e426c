-- +goose Up
-- Sessions and API tokens end with the password (issue 14, item 4). A session remembers the
-- account's session_generation when it logs in; changing or resetting the password moves it
-- on, which ends every session that remembers an older one. API tokens get an expiry (those
-- made before it existed expire 90 days from this migration) and the reason they ended
-- ('password_reset' when a reset ended them, '' otherwise).
ALTER TABLE users ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN revoke_reason TEXT NOT NULL DEFAULT '';
UPDATE api_tokens SET expires_at = now() + INTERVAL '90 days';

-- +goose Down
ALTER TABLE api_tokens DROP COLUMN revoke_reason;
ALTER TABLE api_tokens DROP COLUMN expires_at;
ALTER TABLE users DROP COLUMN session_generation;
