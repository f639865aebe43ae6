-- Medical access links (SPEC 3.6), record items (SPEC 3.7.1), the patient's address (SPEC 3.7.2)
-- and what changed in an audited change. Keep in step with the other database's 0005_records.sql.

-- A single-use link e-mailed to the patient's address on file. Only keyed hashes of the token
-- (in the URL) and of the four-word code are kept. It works while used_at and revoked_at are
-- NULL and now < expires_at; using it is one conditional UPDATE.
CREATE TABLE access_links (
    id                  TEXT PRIMARY KEY,
    practice_id         TEXT NOT NULL REFERENCES practices(id),
    patient_id          TEXT NOT NULL REFERENCES patients(id),
    token_hash          TEXT NOT NULL UNIQUE,
    code_hash           TEXT NOT NULL,
    sent_to             TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    expires_at          BIGINT NOT NULL,
    used_at             BIGINT,
    used_by_account_id  TEXT REFERENCES accounts(id),
    revoked_at          BIGINT
);
CREATE INDEX access_links_by_patient ON access_links (patient_id, created_at);
CREATE INDEX access_links_by_code ON access_links (code_hash);

-- Demographics the account may update (SPEC 3.7.2).
ALTER TABLE patients ADD COLUMN address_line1 TEXT;
ALTER TABLE patients ADD COLUMN address_line2 TEXT;
ALTER TABLE patients ADD COLUMN city TEXT;
ALTER TABLE patients ADD COLUMN state TEXT;
ALTER TABLE patients ADD COLUMN zip TEXT;

-- What an audited change touched, e.g. the names of the fields of a profile update (never values).
ALTER TABLE audit_events ADD COLUMN detail TEXT;

-- Record items the practice publishes. external_id (the practice's own id) makes publishing
-- idempotent: the same item sent twice is updated.
CREATE TABLE appointments (
    id                TEXT PRIMARY KEY,
    practice_id       TEXT NOT NULL REFERENCES practices(id),
    patient_id        TEXT NOT NULL REFERENCES patients(id),
    external_id       TEXT,
    starts_at         BIGINT NOT NULL,
    duration_minutes  BIGINT NOT NULL,
    location          TEXT NOT NULL,
    with_whom         TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('scheduled', 'confirmed', 'cancelled', 'completed', 'no_show')),
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    UNIQUE (patient_id, external_id)
);
CREATE INDEX appointments_by_patient ON appointments (patient_id, starts_at);

CREATE TABLE treatment_plans (
    id           TEXT PRIMARY KEY,
    practice_id  TEXT NOT NULL REFERENCES practices(id),
    patient_id   TEXT NOT NULL REFERENCES patients(id),
    external_id  TEXT,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (patient_id, external_id)
);
CREATE INDEX treatment_plans_by_patient ON treatment_plans (patient_id, updated_at);

CREATE TABLE forms (
    id           TEXT PRIMARY KEY,
    practice_id  TEXT NOT NULL REFERENCES practices(id),
    patient_id   TEXT NOT NULL REFERENCES patients(id),
    external_id  TEXT,
    title        TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('assigned', 'in_progress', 'completed')),
    due_date     TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (patient_id, external_id)
);
CREATE INDEX forms_by_patient ON forms (patient_id, updated_at);

-- The file itself is in storage under storage_key (random), never under a served folder.
CREATE TABLE documents (
    id             TEXT PRIMARY KEY,
    practice_id    TEXT NOT NULL REFERENCES practices(id),
    patient_id     TEXT NOT NULL REFERENCES patients(id),
    external_id    TEXT,
    title          TEXT NOT NULL,
    document_date  TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    storage_key    TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    UNIQUE (patient_id, external_id)
);
CREATE INDEX documents_by_patient ON documents (patient_id, document_date);
