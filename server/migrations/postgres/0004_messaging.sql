-- Messaging and adding dependents (SPEC 3.4, 3.5).
-- Keep in step with ../sqlite/0004_messaging.sql.

-- version grows with every change of the conversation (a message, a read, a status or assignee
-- change): the portal polls with it. last_seq is the seq of the newest message.
ALTER TABLE conversations ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN assigned_to TEXT;
CREATE INDEX conversations_inbox ON conversations (practice_id, status, updated_at);

-- seq: 1, 2, 3… per conversation in commit order (allocated by bumping conversations.last_seq
-- in the message's transaction). client_key: the portal's key for a message, so a retry stores
-- nothing new. author_name: the staff member's name (practice) or the guardian's (system).
-- event: a stable code for system messages the portal says in the person's language.
ALTER TABLE messages ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN client_key TEXT;
ALTER TABLE messages ADD COLUMN author_name TEXT;
ALTER TABLE messages ADD COLUMN event TEXT;
UPDATE messages SET seq = (
    SELECT COUNT(*) FROM messages m2
     WHERE m2.conversation_id = messages.conversation_id
       AND (m2.created_at < messages.created_at
            OR (m2.created_at = messages.created_at AND m2.id <= messages.id)));
UPDATE conversations SET
    last_seq = (SELECT COALESCE(MAX(m.seq), 0) FROM messages m WHERE m.conversation_id = conversations.id),
    version = (SELECT COALESCE(MAX(m.seq), 0) FROM messages m WHERE m.conversation_id = conversations.id);
CREATE UNIQUE INDEX messages_by_seq ON messages (conversation_id, seq);
CREATE UNIQUE INDEX messages_by_client_key ON messages (conversation_id, sender_account_id, client_key);

-- Read state per account: one parent reading does not clear the other's unread count.
CREATE TABLE conversation_reads (
    conversation_id  TEXT NOT NULL REFERENCES conversations(id),
    account_id       TEXT NOT NULL REFERENCES accounts(id),
    read_seq         BIGINT NOT NULL,
    read_at          BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, account_id)
);

-- 1: guardians adding a dependent must give its sex.
ALTER TABLE practices ADD COLUMN asks_dependent_sex BIGINT NOT NULL DEFAULT 0;

ALTER TABLE patients ADD COLUMN sex TEXT CHECK (sex IN ('female', 'male', 'other', 'unknown'));
-- The account (a guardian) that added the patient from the portal, if any.
ALTER TABLE patients ADD COLUMN created_by_account_id TEXT REFERENCES accounts(id);
CREATE INDEX patients_by_dob ON patients (practice_id, dob);

-- A patient added by a guardian with the same name and date of birth as another (SPEC 3.5.3).
CREATE TABLE possible_duplicates (
    id                   TEXT PRIMARY KEY,
    practice_id          TEXT NOT NULL REFERENCES practices(id),
    patient_id           TEXT NOT NULL REFERENCES patients(id),
    existing_patient_id  TEXT NOT NULL REFERENCES patients(id),
    flagged_at           BIGINT NOT NULL,
    UNIQUE (patient_id, existing_patient_id)
);
CREATE INDEX possible_duplicates_by_practice ON possible_duplicates (practice_id, flagged_at);
