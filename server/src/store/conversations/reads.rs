//! Conversations and messages as the inbox and the threads read them.

use super::super::{Result, Store};
use wire::messages::{ConversationStatus, SenderKind};

use super::{MessageRow, MESSAGE_COLUMNS};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConversationRow {
    pub id: String,
    pub practice_id: String,
    pub patient_id: String,
    #[sqlx(try_from = "String")]
    pub status: ConversationStatus,
    pub assigned_to: Option<String>,
    pub version: i64,
    pub last_seq: i64,
    pub updated_at: i64,
}

const CONVERSATION_COLUMNS: &str =
    "c.id, c.practice_id, c.patient_id, c.status, c.assigned_to, c.version, c.last_seq, c.updated_at";

/// A conversation as the practice's inbox shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InboxRow {
    pub id: String,
    pub patient_id: String,
    pub first_name: String,
    pub last_name: String,
    #[sqlx(try_from = "String")]
    pub status: ConversationStatus,
    pub assigned_to: Option<String>,
    pub version: i64,
    pub unread_count: i64,
    pub last_message_at: Option<i64>,
    pub possible_duplicate: i64,
}

const INBOX: &str = "SELECT c.id, c.patient_id, p.first_name, p.last_name, c.status, c.assigned_to, c.version,
        (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id
            AND m.sender_kind = 'patient' AND m.read_at IS NULL) AS unread_count,
        (SELECT MAX(m.created_at) FROM messages m WHERE m.conversation_id = c.id) AS last_message_at,
        CASE WHEN EXISTS (SELECT 1 FROM possible_duplicates d WHERE d.patient_id = c.patient_id)
             THEN 1 ELSE 0 END AS possible_duplicate
   FROM conversations c JOIN patients p ON p.id = c.patient_id";

/// A message with what the patient side needs to name its author.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ThreadMessageRow {
    pub id: String,
    pub seq: i64,
    #[sqlx(try_from = "String")]
    pub sender_kind: SenderKind,
    pub sender_account_id: Option<String>,
    pub visible_to_patient: i64,
    pub body: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
    pub client_key: Option<String>,
    pub author_name: Option<String>,
    pub event: Option<String>,
    pub account_first_name: Option<String>,
    pub account_last_name: Option<String>,
    pub account_phone: Option<String>,
    pub relationship: Option<String>,
}

const THREAD_MESSAGES: &str =
    "SELECT m.id, m.seq, m.sender_kind, m.sender_account_id, m.visible_to_patient,
        m.body, m.created_at, m.read_at, m.client_key, m.author_name, m.event,
        a.first_name AS account_first_name, a.last_name AS account_last_name,
        a.phone AS account_phone, l.relationship
   FROM messages m
   JOIN conversations c ON c.id = m.conversation_id
   LEFT JOIN accounts a ON a.id = m.sender_account_id
   LEFT JOIN contact_links l ON l.account_id = m.sender_account_id AND l.patient_id = c.patient_id";

/// The account's read cursor in a conversation ($1 conversation, $2 account).
pub(super) const READ_SEQ: &str =
    "SELECT read_seq FROM conversation_reads WHERE conversation_id = $1 AND account_id = $2";

/// A possible duplicate flagged when a guardian added a patient.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DuplicateRow {
    pub patient_id: String,
    pub existing_patient_id: String,
    pub flagged_at: i64,
    pub first_name: String,
    pub last_name: String,
    pub dob: String,
}

impl Store {
    pub async fn conversation_of_patient(
        &self,
        practice_id: &str,
        patient_id: &str,
    ) -> Result<Option<ConversationRow>> {
        self.conversation_where(practice_id, "patient_id", patient_id)
            .await
    }

    pub async fn conversation_in_practice(
        &self,
        practice_id: &str,
        conversation_id: &str,
    ) -> Result<Option<ConversationRow>> {
        self.conversation_where(practice_id, "id", conversation_id)
            .await
    }

    /// The practice's conversation whose `column` (a fixed name, never input) is `value`.
    async fn conversation_where(
        &self,
        practice_id: &str,
        column: &'static str,
        value: &str,
    ) -> Result<Option<ConversationRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations c
              WHERE c.practice_id = $1 AND c.{column} = $2"
        ))
        .bind(practice_id)
        .bind(value)
        .fetch_optional(self.pool())
        .await?)
    }

    /// The newest `limit` messages the patient side may see (before `before`, when given),
    /// newest first.
    pub async fn patient_messages(
        &self,
        conversation_id: &str,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<ThreadMessageRow>> {
        Ok(sqlx::query_as(&format!(
            "{THREAD_MESSAGES} WHERE m.conversation_id = $1 AND m.visible_to_patient = 1 AND m.seq < $2
              ORDER BY m.seq DESC LIMIT $3"
        ))
        .bind(conversation_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Every message, staff-only notes included, oldest first.
    pub async fn all_messages(&self, conversation_id: &str) -> Result<Vec<ThreadMessageRow>> {
        Ok(sqlx::query_as(&format!(
            "{THREAD_MESSAGES} WHERE m.conversation_id = $1 ORDER BY m.seq"
        ))
        .bind(conversation_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// The account's read cursor in the conversation (0: nothing read).
    pub async fn read_seq(&self, conversation_id: &str, account_id: &str) -> Result<i64> {
        let row: Option<(i64,)> = sqlx::query_as(READ_SEQ)
            .bind(conversation_id)
            .bind(account_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map_or(0, |(s,)| s))
    }

    /// Practice and system messages the patient side may see after `read_seq`.
    pub async fn unread_for_patient_side(
        &self,
        conversation_id: &str,
        read_seq: i64,
    ) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM messages WHERE conversation_id = $1 AND seq > $2
                AND visible_to_patient = 1 AND sender_kind IN ('practice', 'system')",
        )
        .bind(conversation_id)
        .bind(read_seq)
        .fetch_one(self.pool())
        .await?;
        Ok(n)
    }

    /// Unread counts of every patient the account acts for at the practice, in one query:
    /// (patient id, count) for the patients with any. `CROSS JOIN` fixes the order for SQLite
    /// (PostgreSQL reads it as a plain join): from the account's few links to their
    /// conversations. Without statistics SQLite may start from the practice and walk every
    /// conversation it has: 50–80 ms with 100,000 patients instead of under 2 ms.
    pub async fn unread_counts(
        &self,
        account_id: &str,
        practice_slug: &str,
    ) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT c.patient_id, COUNT(m.id)
               FROM contact_links l
               CROSS JOIN conversations c
               JOIN practices pr ON pr.id = c.practice_id
               JOIN messages m ON m.conversation_id = c.id
               LEFT JOIN conversation_reads r ON r.conversation_id = c.id AND r.account_id = l.account_id
              WHERE l.account_id = $1 AND c.patient_id = l.patient_id AND pr.slug = $2 AND l.status <> 'revoked'
                AND m.visible_to_patient = 1 AND m.sender_kind IN ('practice', 'system')
                AND m.seq > COALESCE(r.read_seq, 0)
              GROUP BY c.patient_id",
        )
        .bind(account_id)
        .bind(practice_slug)
        .fetch_all(self.pool())
        .await?)
    }

    /// The practice's inbox: unassigned first, then assigned, then closed; newest activity
    /// first within each.
    pub async fn inbox(
        &self,
        practice_id: &str,
        status: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<InboxRow>> {
        let filter = if status.is_some() {
            "AND c.status = $4"
        } else {
            ""
        };
        let sql = format!(
            "{INBOX} WHERE c.practice_id = $1 {filter}
              ORDER BY CASE c.status WHEN 'unassigned' THEN 0 WHEN 'assigned' THEN 1 ELSE 2 END,
                       c.updated_at DESC, c.id
              LIMIT $2 OFFSET $3"
        );
        let mut query = sqlx::query_as(&sql)
            .bind(practice_id)
            .bind(limit)
            .bind(offset);
        if let Some(status) = status {
            query = query.bind(status);
        }
        Ok(query.fetch_all(self.pool()).await?)
    }

    pub async fn inbox_row(&self, conversation_id: &str) -> Result<Option<InboxRow>> {
        Ok(sqlx::query_as(&format!("{INBOX} WHERE c.id = $1"))
            .bind(conversation_id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// The practice's possible duplicates, newest first.
    pub async fn possible_duplicates(&self, practice_id: &str) -> Result<Vec<DuplicateRow>> {
        Ok(sqlx::query_as(
            "SELECT d.patient_id, d.existing_patient_id, d.flagged_at,
                    p.first_name, p.last_name, p.dob
               FROM possible_duplicates d JOIN patients p ON p.id = d.patient_id
              WHERE d.practice_id = $1
              ORDER BY d.flagged_at DESC, d.patient_id, d.existing_patient_id",
        )
        .bind(practice_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// The message this account sent to the patient's conversation with `client_key`, if any.
    pub async fn message_by_client_key(
        &self,
        practice_id: &str,
        patient_id: &str,
        account_id: &str,
        client_key: &str,
    ) -> Result<Option<MessageRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {MESSAGE_COLUMNS}
               FROM conversations c JOIN messages m ON m.conversation_id = c.id
              WHERE c.practice_id = $1 AND c.patient_id = $2
                AND m.sender_account_id = $3 AND m.client_key = $4"
        ))
        .bind(practice_id)
        .bind(patient_id)
        .bind(account_id)
        .bind(client_key)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Every message of the patient's conversation with the practice, oldest first.
    pub async fn messages_for_patient(
        &self,
        practice_id: &str,
        patient_id: &str,
    ) -> Result<Vec<MessageRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {MESSAGE_COLUMNS}
               FROM messages m JOIN conversations c ON c.id = m.conversation_id
              WHERE c.practice_id = $1 AND c.patient_id = $2
              ORDER BY m.seq"
        ))
        .bind(practice_id)
        .bind(patient_id)
        .fetch_all(self.pool())
        .await?)
    }
}
