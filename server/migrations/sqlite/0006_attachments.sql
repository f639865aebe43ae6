-- Files attached to messages (SPEC 3.8). An upload is stored first (bytes in storage under the
-- random storage_key, then this row) and is pending (message_id NULL) until a message of the same
-- account and patient takes it; a pending upload past expires_at is removed with its bytes.
CREATE TABLE attachments (
    id             TEXT PRIMARY KEY,
    practice_id    TEXT NOT NULL REFERENCES practices(id),
    patient_id     TEXT NOT NULL REFERENCES patients(id),
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    message_id     TEXT REFERENCES messages(id),
    -- Order among the message's files, as the message listed them.
    position       BIGINT NOT NULL DEFAULT 0,
    file_name      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    storage_key    TEXT NOT NULL UNIQUE,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT
);
CREATE INDEX attachments_by_message ON attachments (message_id);
CREATE INDEX attachments_pending ON attachments (expires_at);
