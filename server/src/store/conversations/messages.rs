//! Messages stored in a conversation, and who has read them.

use super::super::{new_id, Result};
use sqlx::{Any, Transaction};
use wire::messages::SenderKind;

use super::{bump_version, READ_SEQ};

/// A message to store.
pub struct NewMessage<'a> {
    pub conversation_id: &'a str,
    /// `patient`, `practice` or `system`.
    pub sender_kind: SenderKind,
    pub sender_account_id: Option<&'a str>,
    pub visible_to_patient: bool,
    pub body: &'a str,
    pub client_key: Option<&'a str>,
    pub author_name: Option<&'a str>,
    pub event: Option<&'a str>,
}

pub const MESSAGE_COLUMNS: &str =
    "m.id, m.conversation_id, m.seq, m.sender_kind, m.sender_account_id,
    m.visible_to_patient, m.body, m.created_at, m.read_at, m.client_key, m.author_name, m.event";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MessageRow {
    pub id: String,
    pub conversation_id: String,
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
}

/// Stores a message with the next seq of its conversation. A patient-side message reopens a
/// `closed` conversation (`assigned` when it has an assignee, else `unassigned`). A `client_key`
/// the same account already sent here fails on the unique index (`is_unique_violation`): the
/// caller answers with the message stored first (`message_by_client_key`).
pub async fn insert_message(
    tx: &mut Transaction<'_, Any>,
    m: &NewMessage<'_>,
    now: i64,
) -> Result<MessageRow> {
    // Takes the conversation's row lock (PostgreSQL); SQLite's write lock is the transaction's.
    let (seq,): (i64,) = sqlx::query_as(
        "UPDATE conversations SET last_seq = last_seq + 1, version = version + 1, updated_at = $2,
             status = CASE WHEN status = 'closed' AND $3 = 1
                 THEN (CASE WHEN assigned_to IS NULL THEN 'unassigned' ELSE 'assigned' END)
                 ELSE status END
         WHERE id = $1 RETURNING last_seq",
    )
    .bind(m.conversation_id)
    .bind(now)
    .bind(i64::from(m.sender_kind == SenderKind::Patient))
    .fetch_one(&mut **tx)
    .await?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO messages (id, conversation_id, seq, sender_kind, sender_account_id,
             visible_to_patient, body, created_at, client_key, author_name, event)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(m.conversation_id)
    .bind(seq)
    .bind(m.sender_kind.as_str())
    .bind(m.sender_account_id)
    .bind(i64::from(m.visible_to_patient))
    .bind(m.body)
    .bind(now)
    .bind(m.client_key)
    .bind(m.author_name)
    .bind(m.event)
    .execute(&mut **tx)
    .await?;
    Ok(MessageRow {
        id,
        conversation_id: m.conversation_id.to_owned(),
        seq,
        sender_kind: m.sender_kind,
        sender_account_id: m.sender_account_id.map(str::to_owned),
        visible_to_patient: i64::from(m.visible_to_patient),
        body: m.body.to_owned(),
        created_at: now,
        read_at: None,
        client_key: m.client_key.map(str::to_owned),
        author_name: m.author_name.map(str::to_owned),
        event: m.event.map(str::to_owned),
    })
}

/// A system message only the practice's staff see.
pub async fn insert_staff_note(
    tx: &mut Transaction<'_, Any>,
    conversation_id: &str,
    body: &str,
    now: i64,
) -> Result<()> {
    insert_message(
        tx,
        &NewMessage {
            conversation_id,
            sender_kind: SenderKind::System,
            sender_account_id: None,
            visible_to_patient: false,
            body,
            client_key: None,
            author_name: None,
            event: None,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Moves the account's read cursor forward to `up_to_seq` (never back; clamped to the
/// conversation's last seq) and marks the practice and system messages up to it read (first read
/// only). Bumps the version when anything changed. Returns whether anything did.
pub async fn mark_read_by_account(
    tx: &mut Transaction<'_, Any>,
    conversation_id: &str,
    account_id: &str,
    up_to_seq: i64,
    now: i64,
) -> Result<bool> {
    // First statement writes: later reads see what concurrent readers committed.
    let cursor = sqlx::query(
        "INSERT INTO conversation_reads (conversation_id, account_id, read_seq, read_at)
         SELECT c.id, $2, CASE WHEN $3 < c.last_seq THEN $3 ELSE c.last_seq END, $4
           FROM conversations c WHERE c.id = $1 AND c.last_seq > 0
         ON CONFLICT (conversation_id, account_id) DO UPDATE
            SET read_seq = excluded.read_seq, read_at = excluded.read_at
          WHERE excluded.read_seq > conversation_reads.read_seq",
    )
    .bind(conversation_id)
    .bind(account_id)
    .bind(up_to_seq)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    let read_seq: Option<(i64,)> = sqlx::query_as(READ_SEQ)
        .bind(conversation_id)
        .bind(account_id)
        .fetch_optional(&mut **tx)
        .await?;
    let Some((read_seq,)) = read_seq else {
        return Ok(false);
    };
    let marked = sqlx::query(
        "UPDATE messages SET read_at = $3
          WHERE conversation_id = $1 AND seq <= $2 AND read_at IS NULL
            AND visible_to_patient = 1 AND sender_kind IN ('practice', 'system')",
    )
    .bind(conversation_id)
    .bind(read_seq)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    let changed = cursor > 0 || marked > 0;
    if changed {
        bump_version(tx, conversation_id).await?;
    }
    Ok(changed)
}

/// The practice read the conversation: the patient side's messages get their first read time.
pub async fn mark_read_by_practice(
    tx: &mut Transaction<'_, Any>,
    conversation_id: &str,
    now: i64,
) -> Result<bool> {
    let marked = sqlx::query(
        "UPDATE messages SET read_at = $2
          WHERE conversation_id = $1 AND sender_kind = 'patient' AND read_at IS NULL",
    )
    .bind(conversation_id)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if marked > 0 {
        bump_version(tx, conversation_id).await?;
    }
    Ok(marked > 0)
}

/// The account's read cursor is set to `seq` (used when the account itself wrote up to there).
pub async fn set_read_cursor(
    tx: &mut Transaction<'_, Any>,
    conversation_id: &str,
    account_id: &str,
    seq: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO conversation_reads (conversation_id, account_id, read_seq, read_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (conversation_id, account_id) DO UPDATE
            SET read_seq = excluded.read_seq, read_at = excluded.read_at
          WHERE excluded.read_seq > conversation_reads.read_seq",
    )
    .bind(conversation_id)
    .bind(account_id)
    .bind(seq)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
