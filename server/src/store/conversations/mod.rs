//! Conversations (one per patient per practice) and their messages (SPEC 3.4).
//!
//! Every message gets its `seq` from `UPDATE conversations SET last_seq = last_seq + 1, version =
//! version + 1 … RETURNING last_seq` in the message's own transaction: the conversation's row is
//! written first (a row lock on PostgreSQL, the write lock on SQLite), so seq order is commit
//! order and two messages can never share a seq. `version` grows with every change the portal
//! must see (a message, a read, a status or assignee change); the portal polls with it.
//!
//! Here: a conversation's own writes (created, assigned, closed). `messages`: storing messages
//! and read state. `reads`: the rows and the queries of the inbox and the threads.

mod messages;
mod reads;
pub use messages::*;
pub use reads::*;

use super::{new_id, Result};
use sqlx::{Any, Transaction};

/// The patient's conversation with the practice, created (`unassigned`) when missing. Looked up
/// first: it exists for all but a patient's first message, and every statement a write
/// transaction makes holds SQLite's one writer longer.
pub async fn conversation_for(
    tx: &mut Transaction<'_, Any>,
    practice_id: &str,
    patient_id: &str,
    now: i64,
) -> Result<String> {
    let find = || {
        sqlx::query_as("SELECT id FROM conversations WHERE practice_id = $1 AND patient_id = $2")
            .bind(practice_id)
            .bind(patient_id)
    };
    if let Some((id,)) = find().fetch_optional(&mut **tx).await? {
        return Ok(id);
    }
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
    let (id,): (String,) = find().fetch_one(&mut **tx).await?;
    Ok(id)
}

pub async fn bump_version(tx: &mut Transaction<'_, Any>, conversation_id: &str) -> Result<()> {
    sqlx::query("UPDATE conversations SET version = version + 1 WHERE id = $1")
        .bind(conversation_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Assigns the conversation (status `assigned`). Bumps the version when it changed.
pub async fn assign(
    tx: &mut Transaction<'_, Any>,
    conversation_id: &str,
    assignee: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE conversations SET version = version + 1, status = 'assigned', assigned_to = $2
          WHERE id = $1 AND NOT (status = 'assigned' AND assigned_to IS NOT NULL AND assigned_to = $2)",
    )
    .bind(conversation_id)
    .bind(assignee)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Closes the conversation. Bumps the version when it changed.
pub async fn close(tx: &mut Transaction<'_, Any>, conversation_id: &str) -> Result<()> {
    sqlx::query(
        "UPDATE conversations SET version = version + 1, status = 'closed'
          WHERE id = $1 AND status <> 'closed'",
    )
    .bind(conversation_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
