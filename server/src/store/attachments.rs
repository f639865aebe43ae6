//! Files attached to messages (SPEC 3.8): pending uploads, the message that takes them, and the
//! sweep of expired uploads. The bytes live in `crate::storage` under `storage_key`.

use super::{new_id, Result, Store};
use sqlx::{Any, Transaction};

/// How long an upload waits for its message: a day.
pub const PENDING_MS: i64 = 24 * 60 * 60 * 1000;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentRow {
    pub id: String,
    pub practice_id: String,
    pub patient_id: String,
    pub message_id: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
}

/// A file a message of the patient side took, as the documents page lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SentFileRow {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sent_at: i64,
}

const COLUMNS: &str =
    "id, practice_id, patient_id, message_id, file_name, content_type, size_bytes,
    sha256, storage_key";

/// A stored upload to record as pending.
pub struct NewUpload<'a> {
    pub practice_id: &'a str,
    pub patient_id: &'a str,
    pub account_id: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
}

/// Gives the pending uploads `ids` (this account's, for this patient, not expired) to the message.
/// Returns how many it took: fewer than `ids.len()` means some id was not such an upload, and the
/// caller must roll back.
pub async fn attach(
    tx: &mut Transaction<'_, Any>,
    message_id: &str,
    account_id: &str,
    patient_id: &str,
    ids: &[String],
    now: i64,
) -> Result<usize> {
    let mut taken = 0;
    for (position, id) in ids.iter().enumerate() {
        taken += sqlx::query(
            "UPDATE attachments SET message_id = $1, expires_at = NULL, position = $6
              WHERE id = $2 AND account_id = $3 AND patient_id = $4 AND message_id IS NULL
                AND expires_at > $5",
        )
        .bind(message_id)
        .bind(id)
        .bind(account_id)
        .bind(patient_id)
        .bind(now)
        .bind(position as i64)
        .execute(&mut **tx)
        .await?
        .rows_affected() as usize;
    }
    Ok(taken)
}

impl Store {
    pub async fn insert_upload(&self, u: &NewUpload<'_>, now: i64) -> Result<String> {
        let id = new_id();
        sqlx::query(
            "INSERT INTO attachments (id, practice_id, patient_id, account_id, file_name,
                 content_type, size_bytes, sha256, storage_key, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&id)
        .bind(u.practice_id)
        .bind(u.patient_id)
        .bind(u.account_id)
        .bind(u.file_name)
        .bind(u.content_type)
        .bind(u.size_bytes)
        .bind(u.sha256)
        .bind(u.storage_key)
        .bind(now)
        .bind(now + PENDING_MS)
        .execute(self.writer())
        .await?;
        Ok(id)
    }

    /// The attachments of these messages, in the order each message listed them.
    pub async fn attachments_of(&self, message_ids: &[&str]) -> Result<Vec<AttachmentRow>> {
        if message_ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=message_ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {COLUMNS} FROM attachments WHERE message_id IN ({})
              ORDER BY position, id",
            marks.join(", ")
        );
        let mut q = sqlx::query_as(&sql);
        for id in message_ids {
            q = q.bind(*id);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// Files the patient side sent the practice with messages, newest first, with when.
    pub async fn sent_files(&self, patient_id: &str) -> Result<Vec<SentFileRow>> {
        Ok(sqlx::query_as(
            "SELECT a.id, a.file_name, a.content_type, a.size_bytes, m.created_at AS sent_at
               FROM attachments a JOIN messages m ON m.id = a.message_id
              WHERE a.patient_id = $1
              ORDER BY m.created_at DESC, a.position, a.id",
        )
        .bind(patient_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// An attachment of one of the patient's messages, or a pending upload of this account
    /// (`account_id`; `None` for the practice, which sees only attached files).
    pub async fn attachment_for(
        &self,
        patient_id: &str,
        id: &str,
        account_id: Option<&str>,
    ) -> Result<Option<AttachmentRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM attachments
              WHERE id = $1 AND patient_id = $2
                AND (message_id IS NOT NULL OR account_id = $3)"
        ))
        .bind(id)
        .bind(patient_id)
        .bind(account_id.unwrap_or(""))
        .fetch_optional(self.pool())
        .await?)
    }

    /// An attachment of a message at this practice.
    pub async fn practice_attachment(
        &self,
        practice_id: &str,
        id: &str,
    ) -> Result<Option<AttachmentRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM attachments
              WHERE id = $1 AND practice_id = $2 AND message_id IS NOT NULL"
        ))
        .bind(id)
        .bind(practice_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Removes pending uploads past their time; their storage keys, for deleting the bytes.
    pub async fn remove_expired_uploads(&self, now: i64) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "DELETE FROM attachments WHERE message_id IS NULL AND expires_at <= $1
             RETURNING storage_key",
        )
        .bind(now)
        .fetch_all(self.writer())
        .await?;
        Ok(rows.into_iter().map(|(k,)| k).collect())
    }

    /// Whether a row (an attachment or a document) points at this storage key.
    pub async fn storage_key_known(&self, key: &str) -> Result<bool> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM attachments WHERE storage_key = $1)
                  + (SELECT COUNT(*) FROM documents WHERE storage_key = $1)",
        )
        .bind(key)
        .fetch_one(self.pool())
        .await?;
        Ok(n > 0)
    }
}
