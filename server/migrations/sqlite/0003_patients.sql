-- Choosing a patient, date-of-birth verification and guardian activation (SPEC 3.2, 3.3).
-- Keep in step with ../postgres/0003_patients.sql.

-- Wrong dates of birth per contact link (not per session): the count and when the first of the
-- current run was typed (a run older than 60 minutes is forgotten), and the lock they led to.
ALTER TABLE contact_links ADD COLUMN dob_failed_attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contact_links ADD COLUMN dob_first_failed_at BIGINT;
ALTER TABLE contact_links ADD COLUMN locked_at BIGINT;
ALTER TABLE contact_links ADD COLUMN locked_until BIGINT;
CREATE INDEX contact_links_by_account ON contact_links (account_id);

-- One row per successful verification: fresh for its session, or for its remembered device
-- (device_id) until expires_at. No foreign key on session_id: ended sessions are deleted.
CREATE TABLE dob_verifications (
    id           TEXT PRIMARY KEY,
    link_id      TEXT NOT NULL REFERENCES contact_links(id),
    session_id   TEXT NOT NULL,
    device_id    TEXT,
    verified_at  BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX dob_verifications_by_link ON dob_verifications (link_id, expires_at);

-- One conversation per patient per practice (SPEC 3.4); the messaging issue extends these.
CREATE TABLE conversations (
    id           TEXT PRIMARY KEY,
    practice_id  TEXT NOT NULL REFERENCES practices(id),
    patient_id   TEXT NOT NULL REFERENCES patients(id),
    status       TEXT NOT NULL DEFAULT 'unassigned' CHECK (status IN ('unassigned', 'assigned', 'closed')),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (practice_id, patient_id)
);

-- visible_to_patient: 1 or 0 (staff-only system notes such as a DOB lockout).
CREATE TABLE messages (
    id                  TEXT PRIMARY KEY,
    conversation_id     TEXT NOT NULL REFERENCES conversations(id),
    sender_kind         TEXT NOT NULL CHECK (sender_kind IN ('patient', 'practice', 'system')),
    sender_account_id   TEXT REFERENCES accounts(id),
    visible_to_patient  BIGINT NOT NULL CHECK (visible_to_patient IN (0, 1)),
    body                TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    read_at             BIGINT
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at);
