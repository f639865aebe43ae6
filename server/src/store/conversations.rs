//! Conversations (one per patient per practice) and their messages (SPEC 3.4). This issue only
//! needs staff-only system messages (a DOB lockout); the messaging issue builds on these tables.

use super::{new_id, Result, Store};
use sqlx::{Any, Transaction};

/// The patient's conversation with the practice, created (`unassigned`) when missing.
pub async fn conversation_for(
    tx: &mut Transaction<'_, Any>,
    practice_id: &str,
    patient_id: &str,
    now: i64,
) -> Result<String> {
    sqlx::query(
        "INSERT INTO conversations (id, practice_id, patient_id, status, created_at, updated_at)
         VALUES ($1, $2, $3, 'unassigned', $4, $4) ON CONFLICT (practice_id, patient_id) DO NOTHING",
    )
    .bind(new_id())
    .bind(practice_id)
    .bind(patient_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let (id,): (String,) =
        sqlx::query_as("SELECT id FROM conversations WHERE practice_id = $1 AND patient_id = $2")
            .bind(practice_id)
            .bind(patient_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(id)
}

/// A system message only the practice's staff see.
pub async fn insert_staff_note(
    tx: &mut Transaction<'_, Any>,
    conversation_id: &str,
    body: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO messages (id, conversation_id, sender_kind, visible_to_patient, body, created_at)
         VALUES ($1, $2, 'system', 0, $3, $4)",
    )
    .bind(new_id())
    .bind(conversation_id)
    .bind(body)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE conversations SET updated_at = $2 WHERE id = $1")
        .bind(conversation_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MessageRow {
    pub id: String,
    pub sender_kind: String,
    pub visible_to_patient: i64,
    pub body: String,
    pub created_at: i64,
}

impl Store {
    /// Every message of the patient's conversation with the practice, oldest first.
    pub async fn messages_for_patient(
        &self,
        practice_id: &str,
        patient_id: &str,
    ) -> Result<Vec<MessageRow>> {
        Ok(sqlx::query_as(
            "SELECT m.id, m.sender_kind, m.visible_to_patient, m.body, m.created_at
               FROM messages m JOIN conversations c ON c.id = m.conversation_id
              WHERE c.practice_id = $1 AND c.patient_id = $2
              ORDER BY m.created_at, m.id",
        )
        .bind(practice_id)
        .bind(patient_id)
        .fetch_all(self.pool())
        .await?)
    }
}
