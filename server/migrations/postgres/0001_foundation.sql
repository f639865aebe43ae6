-- Practices, patients, accounts and who may act for whom (SPEC 2), the practice API's tokens,
-- the development outbox and the append-only audit log. Times are Unix milliseconds.

CREATE TABLE practices (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL,
    time_zone   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE patients (
    id                  TEXT PRIMARY KEY,
    practice_id         TEXT NOT NULL REFERENCES practices(id),
    first_name          TEXT NOT NULL,
    last_name           TEXT NOT NULL,
    dob                 TEXT NOT NULL,
    mobile_phone        TEXT,
    email               TEXT,
    preferred_language  TEXT NOT NULL DEFAULT 'en' CHECK (preferred_language IN ('en', 'es')),
    external_id         TEXT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    UNIQUE (practice_id, external_id)
);
CREATE INDEX patients_by_practice_name ON patients (practice_id, last_name, first_name);

CREATE TABLE accounts (
    id          TEXT PRIMARY KEY,
    phone       TEXT NOT NULL UNIQUE,
    first_name  TEXT,
    last_name   TEXT,
    dob         TEXT,
    created_at  BIGINT NOT NULL
);

CREATE TABLE contact_links (
    id               TEXT PRIMARY KEY,
    account_id       TEXT NOT NULL REFERENCES accounts(id),
    patient_id       TEXT NOT NULL REFERENCES patients(id),
    relationship     TEXT NOT NULL CHECK (relationship IN ('self', 'guardian', 'linked')),
    status           TEXT NOT NULL CHECK (status IN ('pending_activation', 'active', 'locked', 'revoked')),
    dob_verified_at  BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (account_id, patient_id)
);
CREATE INDEX contact_links_by_patient ON contact_links (patient_id);

CREATE TABLE practice_tokens (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    label        TEXT NOT NULL,
    -- NULL: an administrator token, valid for every practice.
    practice_id  TEXT REFERENCES practices(id),
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);

CREATE TABLE outbox (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel     TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    to_address  TEXT NOT NULL,
    subject     TEXT,
    body        TEXT NOT NULL,
    sent_at     BIGINT NOT NULL
);

CREATE TABLE audit_events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           BIGINT NOT NULL,
    actor_kind   TEXT NOT NULL,
    actor_id     TEXT,
    practice_id  TEXT,
    patient_id   TEXT,
    action       TEXT NOT NULL,
    client_addr  TEXT
);
CREATE INDEX audit_events_by_patient ON audit_events (patient_id, at);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
