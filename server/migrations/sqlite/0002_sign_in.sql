-- Sign-in with a phone code (SPEC 3.1): codes (keyed hashes only), sessions, remembered devices,
-- rate limits shared by every instance, SMS opt-outs, and the development signing key.
-- Keep in step with ../postgres/0002_sign_in.sql.

-- Secrets the server generates for itself (development only: production sets secret_key).
CREATE TABLE server_secrets (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- One row per code texted. `code_hash` is HMAC-SHA256(secret_key, phone:code); the code itself
-- is never stored. state: live → used | locked (5 wrong guesses) | replaced (a newer code) | failed (not delivered).
CREATE TABLE sign_in_codes (
    id             TEXT PRIMARY KEY,
    phone          TEXT NOT NULL,
    code_hash      TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('live', 'used', 'locked', 'replaced', 'failed')),
    wrong_guesses  BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    used_at        BIGINT
);
CREATE INDEX sign_in_codes_by_phone ON sign_in_codes (phone, created_at);

-- Remembered devices ("remember this device for 30 days"): the cookie's token, hashed.
CREATE TABLE devices (
    id          TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX devices_by_account ON devices (account_id);

-- Sessions: 30 minutes idle, 12 hours absolute. The cookie's token, hashed.
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    token_hash    TEXT NOT NULL UNIQUE,
    account_id    TEXT NOT NULL REFERENCES accounts(id),
    device_id     TEXT REFERENCES devices(id),
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    revoked_at    BIGINT
);
CREATE INDEX sessions_by_account ON sessions (account_id);

-- Rate limits: one lock row per key (serializes concurrent requests for the same key on every
-- database) and one row per counted event.
CREATE TABLE rate_limit_keys (
    key         TEXT PRIMARY KEY,
    touched_at  BIGINT NOT NULL
);
CREATE TABLE rate_limit_hits (
    key  TEXT NOT NULL,
    at   BIGINT NOT NULL
);
CREATE INDEX rate_limit_hits_by_key ON rate_limit_hits (key, at);

-- Numbers that texted STOP (or an equivalent) and have not texted START since.
CREATE TABLE sms_opt_outs (
    phone          TEXT PRIMARY KEY,
    opted_out_at   BIGINT NOT NULL
);
